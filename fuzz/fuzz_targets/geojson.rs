//! Fuzz the GeoJSON readers: village Points and road LineStrings.
//!
//! The first byte selects the reader, the CRS and (for roads) the snap tolerance; the rest is the
//! text. What reads is planned on (see `common`).

#![no_main]

use libfuzzer_sys::fuzz_target;
use villageplan::io::{read_roads_geojson_str, read_villages_geojson_str, ColumnMap, RoadColumns};
use villageplan::model::Crs;
use villageplan::network::NetworkOptions;

mod common;

/// Snap tolerances in metres, from "exact positions only" to "everything within 50 km".
const SNAP: [f64; 4] = [1.0, 0.0, 1e-300, 50_000.0];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    let crs = if selector & 2 == 0 { Crs::Geographic } else { Crs::Planar };
    if selector & 1 == 0 {
        let crs = if selector & 4 == 0 { None } else { Some(crs) };
        match read_villages_geojson_str(text, "fuzz.geojson", &ColumnMap::default(), crs) {
            Ok(county) => common::exercise_instance(&county),
            Err(e) => common::check_error(&e),
        }
    } else {
        let options = NetworkOptions { snap_tolerance: SNAP[usize::from(selector >> 4) % 4], ..Default::default() };
        match read_roads_geojson_str(text, "roads.geojson", Some(crs), &RoadColumns::default(), &options) {
            Ok(net) => common::exercise_network(net),
            Err(e) => common::check_error(&e),
        }
    }
});
