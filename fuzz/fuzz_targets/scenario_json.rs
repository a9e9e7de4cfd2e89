//! Fuzz scenario JSON loading ([`Scenario::from_json`], and [`Budget::from_json`] when the first
//! byte is odd): whatever loads must read back equal from its own JSON and schedule the fixed
//! plan of `common` without panicking.

#![no_main]

use libfuzzer_sys::fuzz_target;
use villageplan::rollout::{Budget, CostModel, Schedule};
use villageplan::scenario::Scenario;

mod common;

/// Schedules longer than this many years are not run (the scenario is still read).
const MAX_YEARS_RUN: usize = 12;

fn schedule(budget: &Budget, costs: &CostModel) {
    if budget.n_years() > MAX_YEARS_RUN {
        return;
    }
    if let Err(e) = Schedule::build(&common::PLAN, budget, costs) {
        common::check_error(&e);
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    if selector & 1 == 0 {
        match Scenario::from_json(text) {
            Ok(s) => {
                let json = s.to_json().expect("a scenario serialises");
                let back = Scenario::from_json(&json).unwrap_or_else(|e| panic!("own JSON does not read back: {e}"));
                assert!(back == s, "scenario JSON round trip changed the scenario");
                let _ = s.plan_options();
                schedule(&s.budget, &s.costs);
            }
            Err(e) => common::check_error(&e),
        }
    } else {
        match Budget::from_json(text) {
            Ok(b) => {
                let json = b.to_json().expect("a budget serialises");
                let back = Budget::from_json(&json).unwrap_or_else(|e| panic!("own JSON does not read back: {e}"));
                assert!(back == b, "budget JSON round trip changed the budget");
                schedule(&b, &CostModel::default());
            }
            Err(e) => common::check_error(&e),
        }
    }
});
