//! Shared helpers of the fuzz targets: a tiny fixed county and plan to run parsed inputs
//! through, and the checks every target makes on what comes back.
//!
//! A target fails (libFuzzer reports a crash) when the library panics, aborts, or returns
//! [`Error::Internal`], which is the crate admitting a bug; every other error is a correct
//! answer to bad input.

#![allow(dead_code)]

use std::sync::LazyLock;

use villageplan::error::Error;
use villageplan::model::{Crs, Instance, Site, SiteStatus, Village};
use villageplan::network::RoadNetwork;
use villageplan::plan::{plan, DistanceMetric, Plan, PlanOptions};

/// Largest county (villages) that a target plans after reading it, to keep runs fast.
pub const MAX_PLANNED: usize = 64;

/// Fail on [`Error::Internal`]: every other error is a typed answer to bad input. Rendering the
/// message must not panic either.
pub fn check_error(e: &Error) {
    let message = e.to_string();
    assert!(!matches!(e, Error::Internal(_)), "internal error on fuzzed input: {message}");
}

/// Six villages in two towns, around `origin`, with a pilot of every status and costs.
fn tiny_county(crs: Crs) -> Instance {
    let (ox, oy, step) = match crs {
        Crs::Geographic => (119.0, 36.0, 0.01),
        Crs::Planar => (500_000.0, 4_000_000.0, 900.0),
    };
    let statuses = [
        SiteStatus::Existing,
        SiteStatus::New,
        SiteStatus::None,
        SiteStatus::Rebuild,
        SiteStatus::NoSpace,
        SiteStatus::None,
    ];
    let villages: Vec<Village> = (0..6)
        .map(|i| {
            let town = if i < 3 { "East" } else { "West" };
            let (x, y) = (ox + step * f64::from(i % 3), oy + step * f64::from(i / 3));
            Village::new(format!("v{i}"), town, x, y, 500.0 + 100.0 * f64::from(i))
        })
        .collect();
    let sites: Vec<Site> = villages
        .iter()
        .zip(statuses)
        .enumerate()
        .map(|(i, (v, status))| {
            let mut s = Site::at_village(v, status);
            s.cost = Some(100_000.0 * (i as f64 + 1.0));
            s.floor_area = Some(150.0 + 20.0 * i as f64);
            s
        })
        .collect();
    Instance::new(crs, villages, Some(sites), None).expect("the fixed fuzz county is valid")
}

/// The fixed geographic county.
pub static COUNTY: LazyLock<Instance> = LazyLock::new(|| tiny_county(Crs::Geographic));
/// The fixed planar county.
pub static PLANAR_COUNTY: LazyLock<Instance> = LazyLock::new(|| tiny_county(Crs::Planar));
/// A plan of the fixed geographic county: 60% within 2 km.
pub static PLAN: LazyLock<Plan> = LazyLock::new(|| {
    plan(&COUNTY, &PlanOptions::default().radius(2000.0).target(0.6)).expect("the fixed fuzz plan is feasible")
});

/// Plan a county that a reader accepted (when small), and check the plan's invariants.
pub fn exercise_instance(county: &Instance) {
    if county.n_villages() > MAX_PLANNED {
        return;
    }
    let _ = county.total_population();
    for radius in [1.0, 2000.0] {
        match plan(county, &PlanOptions::default().radius(radius).target(0.5)) {
            Ok(p) => exercise_plan(&p),
            Err(e) => check_error(&e),
        }
    }
}

/// Attach a road network to the fixed county of its CRS and plan along the roads.
pub fn exercise_network(net: RoadNetwork) {
    let _ = (net.n_junctions(), net.n_roads(), net.n_components(), net.total_length());
    if net.n_roads() > 4096 {
        return;
    }
    let county = match net.crs() {
        Crs::Geographic => &*COUNTY,
        Crs::Planar => &*PLANAR_COUNTY,
    };
    let county = match county.with_roads(net) {
        Ok(c) => c,
        Err(e) => return check_error(&e),
    };
    let mut options = PlanOptions::default().radius(2000.0).target(0.2);
    options.metric = DistanceMetric::Network;
    match plan(&county, &options) {
        Ok(p) => exercise_plan(&p),
        Err(e) => check_error(&e),
    }
}

/// Everything a user can ask of a plan: JSON (which must read back equal), GeoJSON with
/// routes, the town summary and the counts, each consistent with the assignments.
pub fn exercise_plan(p: &Plan) {
    let json = p.to_json().expect("a plan serialises");
    let back = Plan::from_json(&json).unwrap_or_else(|e| panic!("a plan's own JSON does not read back: {e}"));
    assert!(back == *p, "plan JSON round trip changed the plan");
    let covered = p.covered_villages();
    let towns = p.town_summary();
    assert_eq!(towns.iter().map(|t| t.covered).sum::<usize>(), covered);
    for routes in [false, true] {
        if let Err(e) = villageplan::io::plan_to_geojson_with(p, routes) {
            check_error(&e);
        }
    }
}
