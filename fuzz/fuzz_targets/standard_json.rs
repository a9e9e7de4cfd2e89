//! Fuzz acceptance-standard JSON loading ([`Standard::from_json`]) and, when the first byte is
//! odd, centre facts ([`Facts::from_json`] or [`Facts::from_csv_str`]). Whatever loads must read
//! back equal from its own JSON and assess the fixed plan of `common` without panicking.

#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use villageplan::assess::{assess, Facts, Standard};
use villageplan::datasets::sample_facts;

mod common;

static FACTS: LazyLock<Facts> = LazyLock::new(|| sample_facts(&common::COUNTY, 7).expect("facts of the fixed county"));

fn check_assess(facts: &Facts, standard: &Standard) {
    match assess(&common::PLAN, facts, standard) {
        Ok(a) => {
            a.to_json().expect("an assessment serialises");
        }
        Err(e) => common::check_error(&e),
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    match selector % 3 {
        0 => match Standard::from_json(text) {
            Ok(s) => {
                let json = s.to_json().expect("a standard serialises");
                let back = Standard::from_json(&json).unwrap_or_else(|e| panic!("own JSON does not read back: {e}"));
                assert!(back == s, "standard JSON round trip changed the standard");
                check_assess(&FACTS, &s);
            }
            Err(e) => common::check_error(&e),
        },
        1 => match Facts::from_json(text) {
            Ok(f) => check_assess(&f, &Standard::default()),
            Err(e) => common::check_error(&e),
        },
        _ => match Facts::from_csv_str(text, "facts.csv") {
            Ok(f) => check_assess(&f, &Standard::default()),
            Err(e) => common::check_error(&e),
        },
    }
});
