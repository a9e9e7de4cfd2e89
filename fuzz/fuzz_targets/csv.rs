//! Fuzz the CSV readers: villages (geographic and planar) and road edge lists with node tables.
//!
//! The first byte selects the reader; the rest is the text. For road CSV the text holds the
//! edge list, a line `--`, then the node table. What reads is planned on (see `common`).

#![no_main]

use libfuzzer_sys::fuzz_target;
use villageplan::io::{read_roads_csv_str, read_villages_csv_str, ColumnMap, RoadColumns};
use villageplan::model::Crs;
use villageplan::network::NetworkOptions;

mod common;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    let crs = if selector & 1 == 0 { Crs::Geographic } else { Crs::Planar };
    if selector & 2 == 0 {
        match read_villages_csv_str(text, "fuzz.csv", &ColumnMap::default(), crs) {
            Ok(county) => common::exercise_instance(&county),
            Err(e) => common::check_error(&e),
        }
    } else {
        let (edges, nodes) = text.split_once("\n--\n").unwrap_or((text, ""));
        match read_roads_csv_str(edges, nodes, crs, &RoadColumns::default(), &NetworkOptions::default()) {
            Ok(net) => common::exercise_network(net),
            Err(e) => common::check_error(&e),
        }
    }
});
