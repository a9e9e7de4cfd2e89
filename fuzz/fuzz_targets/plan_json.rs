//! Fuzz plan JSON loading ([`Plan::from_json`]): whatever loads must serialise, read back
//! equal, and answer every question (town summary, GeoJSON with routes) without panicking.

#![no_main]

use libfuzzer_sys::fuzz_target;
use villageplan::plan::Plan;

mod common;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match Plan::from_json(text) {
        Ok(p) => common::exercise_plan(&p),
        Err(e) => common::check_error(&e),
    }
});
