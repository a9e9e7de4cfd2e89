//! Fuzz the benchmark readers: OR-Library p-median, Osman–Christofides and Lorena–Senne
//! capacitated p-median. The first byte selects the reader; the rest is the text.
//!
//! The p-median reader allocates the n × n matrix from the header's n (up to 20,000, which is
//! by design) and runs Floyd–Warshall in O(n³); inputs whose header asks for more than
//! [`MAX_N`] vertices are skipped so that a run tests parsing, not the machine's memory.

#![no_main]

use libfuzzer_sys::fuzz_target;
use villageplan::io::{read_cpmp_lorena_str, read_cpmp_osman_str, read_orlib_pmed_str};
use villageplan::solve::{p_median, SolveOptions};

mod common;

/// Largest header n that the p-median case reads.
const MAX_N: usize = 300;

/// The n of an OR-Library header: the first token of the first non-blank line.
fn header_n(text: &str) -> Option<usize> {
    text.lines().find(|l| !l.trim().is_empty())?.split_ascii_whitespace().next()?.parse().ok()
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    match selector % 3 {
        0 => {
            if header_n(text).is_some_and(|n| n > MAX_N) {
                return;
            }
            match read_orlib_pmed_str(text, "pmed.txt") {
                Ok((costs, p)) => {
                    if costs.n_demand() <= 16 {
                        if let Err(e) = p_median(&costs, p, None, &SolveOptions::default()) {
                            common::check_error(&e);
                        }
                    }
                }
                Err(e) => common::check_error(&e),
            }
        }
        1 => {
            if let Err(e) = read_cpmp_osman_str(text, "pmedcap1.txt") {
                common::check_error(&e);
            }
        }
        _ => {
            if let Err(e) = read_cpmp_lorena_str(text, "sjc1.dat") {
                common::check_error(&e);
            }
        }
    }
});
