//! OR-Library vertex p-center regression tests on the pmed graphs (`pcenter_opt.txt`).
//!
//! pmed1–5 run in the default suite; the full set is `#[ignore]`d:
//! `cargo test --release --test pcenter -- --ignored`.

use villageplan::io::{read_orlib_optima_str, read_orlib_pmed};
use villageplan::solve::{p_center, SolveOptions, Status};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/orlib");

fn check(k: usize) -> Status {
    let name = format!("pmed{k}");
    let (costs, p) = read_orlib_pmed(format!("{DIR}/{name}.txt")).expect("test data");
    let text = std::fs::read_to_string(format!("{DIR}/pcenter_opt.txt")).expect("test data");
    let opt = read_orlib_optima_str(&text, "pcenter_opt")
        .expect("test data")
        .into_iter()
        .find(|(n, _)| *n == name)
        .expect("test data")
        .1;
    let sol = p_center(&costs, p, &SolveOptions::default()).expect("test data");
    assert_eq!(sol.objective, opt, "{name}");
    assert!(sol.bound <= opt, "{name}: bound {} above the optimum {opt}", sol.bound);
    assert_eq!(sol.open.len(), p);
    // The objective is the largest distance to the assigned (nearest open) site.
    let worst =
        (0..costs.n_demand()).map(|i| costs.get(i, sol.assignment[i].expect("test data") as usize)).fold(0.0, f64::max);
    assert_eq!(worst, sol.objective);
    sol.status
}

#[test]
fn pmed1_to_5_reach_the_optimum() {
    for k in 1..=5 {
        assert_eq!(check(k), Status::Optimal, "pmed{k}");
    }
}

#[test]
#[ignore = "slow in debug builds: run with --release -- --ignored"]
fn all_forty_reach_the_optimum() {
    for k in 1..=40 {
        check(k);
    }
}
