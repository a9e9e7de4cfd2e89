//! The catalogue of bad inputs (issue 7, DESIGN §6): every case through the public API gives the
//! expected typed error with a message that names what is wrong and says what to do, and leaves
//! its input unchanged. A few edge cases that are *not* errors (all villages at one point, a
//! radius larger than the county, a budget of zero, zero-length road loops) are checked to give
//! an honest plan instead.
//!
//! The same catalogue runs through Python in `tests/python/test_catalogue.py`; the table of cases
//! is in `docs/reliability.md`.

use std::fmt::Debug;

use villageplan::assess::Standard;
use villageplan::error::Error;
use villageplan::io::{
    read_orlib_pmed_str, read_roads_geojson_str, read_villages_csv_str, read_villages_geojson_str, ColumnMap,
    RoadColumns, VillageColumns,
};
use villageplan::model::{Crs, Instance, Site, SiteStatus, Town, Village};
use villageplan::network::{NetworkOptions, RoadEdge, RoadNetwork, RoadNode};
use villageplan::plan::{plan, plan_max_coverage, plan_p_median, CoverageBy, DistanceMetric, Plan, PlanOptions};
use villageplan::scenario::Scenario;
use villageplan::solve::CoverLimit;

/// The error a case expects.
#[derive(Debug, Clone, Copy)]
enum Expect {
    /// [`Error::InvalidInput`] naming this field.
    Invalid(&'static str),
    /// [`Error::MissingColumn`] for this role.
    Missing(&'static str),
    /// [`Error::Parse`].
    Parse,
    /// [`Error::Infeasible`] with this achievable share.
    Infeasible(f64),
}

/// What running a case gave: the result and whether the input was left as it was.
struct Outcome {
    result: Result<(), Error>,
    unchanged: bool,
}

/// Run `f` on `input` and compare the input's rendering before and after (renderings, because
/// NaN != NaN under `PartialEq` but prints the same).
fn run<T: Debug, R>(input: &T, f: impl FnOnce(&T) -> villageplan::error::Result<R>) -> Outcome {
    let before = format!("{input:?}");
    let result = f(input).map(|_| ());
    Outcome { result, unchanged: format!("{input:?}") == before }
}

struct Case {
    name: &'static str,
    expect: Expect,
    fragments: &'static [&'static str],
    run: fn() -> Outcome,
}

// ---------------------------------------------------------------------------------------------
// Inputs

/// Three good villages in two towns, lon/lat.
fn cols() -> VillageColumns {
    VillageColumns {
        id: vec!["V1".into(), "V2".into(), "V3".into()],
        x: vec![119.40, 119.41, 119.45],
        y: vec![36.00, 36.00, 36.02],
        population: vec![1200.0, 800.0, 950.0],
        town: Some(vec!["T1".into(), "T1".into(), "T2".into()]),
        ..Default::default()
    }
}

fn build(c: &VillageColumns, crs: Crs) -> villageplan::error::Result<Instance> {
    c.clone().into_instance(crs)
}

/// Six planar villages 1 km apart in one town, every site with a cost.
fn line_county() -> Instance {
    let villages: Vec<Village> =
        (0..6).map(|i| Village::new(format!("v{i}"), "T", 500_000.0 + 1000.0 * f64::from(i), 4e6, 100.0)).collect();
    let sites = villages
        .iter()
        .map(|v| {
            let mut s = Site::at_village(v, SiteStatus::None);
            s.cost = Some(100_000.0);
            s
        })
        .collect();
    Instance::new(Crs::Planar, villages, Some(sites), None).expect("valid county")
}

fn with_cols(edit: fn(&mut VillageColumns)) -> VillageColumns {
    let mut c = cols();
    edit(&mut c);
    c
}

fn nodes() -> Vec<RoadNode> {
    [("a", 0.0), ("b", 1000.0), ("c", 2000.0)]
        .iter()
        .map(|&(id, x)| RoadNode { id: id.into(), x: 500_000.0 + x, y: 4e6 })
        .collect()
}

fn edge(from: &str, to: &str) -> RoadEdge {
    RoadEdge { from: from.into(), to: to.into(), ..Default::default() }
}

fn small_plan_json() -> String {
    plan(&line_county(), &PlanOptions::default().radius(1000.0).target(0.5)).expect("plan").to_json().expect("json")
}

// ---------------------------------------------------------------------------------------------
// The catalogue

fn catalogue() -> Vec<Case> {
    vec![
        // Villages (DESIGN §6).
        Case {
            name: "empty villages",
            expect: Expect::Invalid("villages"),
            fragments: &["no rows", "give at least one village"],
            run: || run(&VillageColumns::default(), |c| build(c, Crs::Geographic)),
        },
        Case {
            name: "empty village list (Rust API)",
            expect: Expect::Invalid("villages"),
            fragments: &["no villages"],
            run: || run(&Vec::<Village>::new(), |v| Instance::from_villages(Crs::Geographic, v.clone())),
        },
        Case {
            name: "NaN coordinate",
            expect: Expect::Invalid("lon"),
            fragments: &["`lon` at row 1 (id 'V2')", "coordinate is NaN", "fix or drop that row"],
            run: || run(&with_cols(|c| c.x[1] = f64::NAN), |c| build(c, Crs::Geographic)),
        },
        Case {
            name: "infinite coordinate",
            expect: Expect::Invalid("lat"),
            fragments: &["`lat` at row 2", "coordinate is inf"],
            run: || run(&with_cols(|c| c.y[2] = f64::INFINITY), |c| build(c, Crs::Geographic)),
        },
        Case {
            name: "latitude out of range",
            expect: Expect::Invalid("lat"),
            fragments: &["`lat` at row 0", "outside [-90, 90]"],
            run: || run(&with_cols(|c| c.y[0] = 91.0), |c| build(c, Crs::Geographic)),
        },
        Case {
            name: "longitude out of range",
            expect: Expect::Invalid("lon"),
            fragments: &["`lon` at row 2", "outside [-180, 180]", "crs='planar'"],
            run: || run(&with_cols(|c| c.x[2] = -181.0), |c| build(c, Crs::Geographic)),
        },
        Case {
            name: "projected coordinates given as degrees",
            expect: Expect::Invalid("x"),
            fragments: &["looks like degrees", "crs='geographic'"],
            run: || run(&cols(), |c| build(c, Crs::Planar)),
        },
        Case {
            name: "huge planar coordinates",
            expect: Expect::Invalid("y"),
            fragments: &["`y` at row 1", "beyond ±1e8 m", "check the units"],
            run: || {
                let c = with_cols(|c| {
                    c.x = vec![500_000.0, 501_000.0, 502_000.0];
                    c.y = vec![4e6, 1e300, 4e6];
                });
                run(&c, |c| build(c, Crs::Planar))
            },
        },
        Case {
            name: "huge geographic coordinates",
            expect: Expect::Invalid("lon"),
            fragments: &["`lon` at row 0", "longitude 1e300 is outside"],
            run: || run(&with_cols(|c| c.x[0] = 1e300), |c| build(c, Crs::Geographic)),
        },
        Case {
            name: "duplicate ids",
            expect: Expect::Invalid("id"),
            fragments: &["`id` at row 2 (id 'V1')", "duplicate village id (first seen at row 0)", "must be unique"],
            run: || run(&with_cols(|c| c.id[2] = "V1".into()), |c| build(c, Crs::Geographic)),
        },
        Case {
            name: "empty id",
            expect: Expect::Invalid("id"),
            fragments: &["`id` at row 1", "village id is empty"],
            run: || run(&with_cols(|c| c.id[1] = "  ".into()), |c| build(c, Crs::Geographic)),
        },
        Case {
            name: "negative population",
            expect: Expect::Invalid("population"),
            fragments: &["`population` at row 1 (id 'V2')", "finite number ≥ 0, got -5"],
            run: || run(&with_cols(|c| c.population[1] = -5.0), |c| build(c, Crs::Geographic)),
        },
        Case {
            name: "NaN population",
            expect: Expect::Invalid("population"),
            fragments: &["`population` at row 0", "got NaN"],
            run: || run(&with_cols(|c| c.population[0] = f64::NAN), |c| build(c, Crs::Geographic)),
        },
        Case {
            name: "array lengths that do not match",
            expect: Expect::Invalid("y"),
            fragments: &["`y`", "has 2 values but `id` has 3", "one value per village"],
            run: || {
                run(
                    &with_cols(|c| {
                        c.y.pop();
                    }),
                    |c| build(c, Crs::Geographic),
                )
            },
        },
        Case {
            name: "unknown town",
            expect: Expect::Invalid("town"),
            fragments: &["`town` at row 1 (id 'b')", "unknown town 'Tx'", "known towns: T1", "Add the town"],
            run: || {
                let villages =
                    vec![Village::new("a", "T1", 119.0, 36.0, 10.0), Village::new("b", "Tx", 119.01, 36.0, 10.0)];
                run(&villages, |v| Instance::new(Crs::Geographic, v.clone(), None, Some(vec![Town::new("T1")])))
            },
        },
        Case {
            name: "negative cost",
            expect: Expect::Invalid("cost"),
            fragments: &["`cost` at row 2", "cost must be a finite number ≥ 0"],
            run: || run(&with_cols(|c| c.cost = Some(vec![1.0, 2.0, -3.0])), |c| build(c, Crs::Geographic)),
        },
        Case {
            name: "unknown site status",
            expect: Expect::Invalid("status"),
            fragments: &["`status` at row 0 (id 'V1')", "unknown site status 'open'"],
            run: || {
                run(&with_cols(|c| c.status = Some(vec!["open".into(), String::new(), String::new()])), |c| {
                    build(c, Crs::Geographic)
                })
            },
        },
        // Parameters.
        Case {
            name: "radius 0",
            expect: Expect::Invalid("radius"),
            fragments: &["positive number of metres, got 0", "usual value is 2000"],
            run: || run(&line_county(), |c| plan(c, &PlanOptions::default().radius(0.0))),
        },
        Case {
            name: "radius negative",
            expect: Expect::Invalid("radius"),
            fragments: &["got -2000"],
            run: || run(&line_county(), |c| plan(c, &PlanOptions::default().radius(-2000.0))),
        },
        Case {
            name: "radius NaN (max coverage)",
            expect: Expect::Invalid("radius"),
            fragments: &["got NaN"],
            run: || {
                run(&line_county(), |c| {
                    plan_max_coverage(c, &PlanOptions::default().radius(f64::NAN), CoverLimit::Sites(2))
                })
            },
        },
        Case {
            name: "target 0",
            expect: Expect::Invalid("target"),
            fragments: &["(0, 1], got 0"],
            run: || run(&line_county(), |c| plan(c, &PlanOptions::default().target(0.0))),
        },
        Case {
            name: "target above 1",
            expect: Expect::Invalid("target"),
            fragments: &["got 60", "for 60% pass 0.6"],
            run: || run(&line_county(), |c| plan(c, &PlanOptions::default().target(60.0))),
        },
        Case {
            name: "negative budget",
            expect: Expect::Invalid("budget"),
            fragments: &["finite amount ≥ 0 yuan, got -1"],
            run: || run(&line_county(), |c| plan_max_coverage(c, &PlanOptions::default(), CoverLimit::Budget(-1.0))),
        },
        Case {
            name: "county whose population is zero, target by population",
            expect: Expect::Invalid("by"),
            fragments: &["total population is 0"],
            run: || {
                let c = with_cols(|c| c.population = vec![0.0; 3]);
                run(&build(&c, Crs::Geographic).expect("valid"), |c| {
                    plan(c, &PlanOptions::default().by(CoverageBy::Population))
                })
            },
        },
        Case {
            name: "capacity 0",
            expect: Expect::Invalid("capacity"),
            fragments: &["positive number of households per centre, got 0"],
            run: || run(&line_county(), |c| plan(c, &PlanOptions::default().capacity(0.0))),
        },
        Case {
            name: "max_villages 0",
            expect: Expect::Invalid("max_villages"),
            fragments: &["at least 1 village"],
            run: || run(&line_county(), |c| plan(c, &PlanOptions::default().max_villages(0))),
        },
        Case {
            name: "p = 0 for p-median",
            expect: Expect::Invalid("p"),
            fragments: &["p = 0"],
            run: || run(&line_county(), |c| plan_p_median(c, &PlanOptions::default(), 0)),
        },
        Case {
            name: "fixed site that does not exist",
            expect: Expect::Invalid("fixed"),
            fragments: &["unknown site id 'nope'"],
            run: || {
                let o = PlanOptions { fixed: vec!["nope".into()], ..Default::default() };
                run(&line_county(), |c| plan(c, &o))
            },
        },
        Case {
            name: "infeasible target says what is achievable",
            expect: Expect::Infeasible(2.0 / 3.0),
            fragments: &["66.67%", "lower the target"],
            run: || {
                let c = with_cols(|c| {
                    c.x = vec![119.40, 119.50, 119.60];
                    c.status = Some(vec![String::new(), "no_space".into(), String::new()]);
                });
                run(&build(&c, Crs::Geographic).expect("valid"), |c| {
                    plan(c, &PlanOptions::default().radius(1000.0).target(1.0))
                })
            },
        },
        // Files.
        Case {
            name: "malformed CSV (short row)",
            expect: Expect::Parse,
            fragments: &["could not read v.csv at line 3"],
            run: || {
                let text = "id,lon,lat,population\nV1,119.0,36.0,100\nV2,119.1,36.0\n".to_string();
                run(&text, |t| read_villages_csv_str(t, "v.csv", &ColumnMap::default(), Crs::Geographic))
            },
        },
        Case {
            name: "CSV cell that is not a number",
            expect: Expect::Invalid("x"),
            fragments: &["`x` at row 0 (id 'V1')", "'east' is not a number"],
            run: || {
                let text = "id,lon,lat,population\nV1,east,36.0,100\n".to_string();
                run(&text, |t| read_villages_csv_str(t, "v.csv", &ColumnMap::default(), Crs::Geographic))
            },
        },
        Case {
            name: "wrong column name lists the columns",
            expect: Expect::Missing("population"),
            fragments: &[
                "`population` not found in v.csv",
                "available columns: code, lon, lat, people",
                "population=\"...\"",
            ],
            run: || {
                let text = "code,lon,lat,people\nV1,119.0,36.0,100\n".to_string();
                run(&text, |t| read_villages_csv_str(t, "v.csv", &ColumnMap::default(), Crs::Geographic))
            },
        },
        Case {
            name: "malformed GeoJSON (truncated)",
            expect: Expect::Parse,
            fragments: &["could not read v.geojson at line 1"],
            run: || {
                let text = "{\"type\": \"FeatureCollection\", \"features\": [".to_string();
                run(&text, |t| read_villages_geojson_str(t, "v.geojson", &ColumnMap::default(), None))
            },
        },
        Case {
            name: "GeoJSON that is not a FeatureCollection",
            expect: Expect::Parse,
            fragments: &["expected a GeoJSON FeatureCollection"],
            run: || {
                run(&"{\"type\": \"Feature\"}".to_string(), |t| {
                    read_villages_geojson_str(t, "v.geojson", &ColumnMap::default(), None)
                })
            },
        },
        Case {
            name: "Polygon features where Points are expected",
            expect: Expect::Invalid("geometry"),
            fragments: &["`geometry` at row 0 (id 'A')", "Polygon geometry", "representative_point"],
            run: || {
                let text = r#"{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[119,36],[119.01,36],[119.01,36.01],[119,36]]]},"properties":{"id":"A","population":1}}]}"#.to_string();
                run(&text, |t| read_villages_geojson_str(t, "v.geojson", &ColumnMap::default(), None))
            },
        },
        Case {
            name: "GeoJSON feature without geometry",
            expect: Expect::Invalid("geometry"),
            fragments: &["`geometry` at row 0 (id 'a')", "every village needs a Point"],
            run: || {
                let text = r#"{"type":"FeatureCollection","features":[{"type":"Feature","geometry":null,"properties":{"id":"a","population":1}}]}"#.to_string();
                run(&text, |t| read_villages_geojson_str(t, "v.geojson", &ColumnMap::default(), None))
            },
        },
        Case {
            name: "OR-Library vertex out of range",
            expect: Expect::Parse,
            fragments: &["could not read toy at line 2", "vertex 9 is out of range 1..=3"],
            run: || run(&"3 1 1\n1 9 2\n".to_string(), |t| read_orlib_pmed_str(t, "toy")),
        },
        // Roads.
        Case {
            name: "road edge naming a missing node",
            expect: Expect::Invalid("to"),
            fragments: &["`to` at row 1", "names node 'zz', which is not in the node table"],
            run: || {
                let edges = vec![edge("a", "b"), edge("b", "zz")];
                run(&edges, |e| RoadNetwork::from_edges(Crs::Planar, &nodes(), e, &NetworkOptions::default()))
            },
        },
        Case {
            name: "empty road network (edge list)",
            expect: Expect::Invalid("roads"),
            fragments: &["no edges", "give at least one road"],
            run: || run(&nodes(), |n| RoadNetwork::from_edges(Crs::Planar, n, &[], &NetworkOptions::default())),
        },
        Case {
            name: "empty road network (GeoJSON)",
            expect: Expect::Invalid("roads"),
            fragments: &["no lines"],
            run: || {
                let text = r#"{"type":"FeatureCollection","features":[]}"#.to_string();
                run(&text, |t| {
                    read_roads_geojson_str(t, "r.geojson", None, &RoadColumns::default(), &NetworkOptions::default())
                })
            },
        },
        Case {
            name: "roads that are only zero-length loops",
            expect: Expect::Invalid("roads"),
            fragments: &["every road collapses to a point"],
            run: || {
                let edges = vec![edge("a", "a"), edge("b", "b")];
                run(&edges, |e| RoadNetwork::from_edges(Crs::Planar, &nodes(), e, &NetworkOptions::default()))
            },
        },
        Case {
            name: "network metric without roads",
            expect: Expect::Invalid("metric"),
            fragments: &["metric='network' needs a road network", "with_roads"],
            run: || {
                let o = PlanOptions { metric: DistanceMetric::Network, ..Default::default() };
                run(&line_county(), |c| plan(c, &o))
            },
        },
        Case {
            name: "villages no road reaches",
            expect: Expect::Infeasible(4.0 / 6.0),
            fragments: &["66.67%", "2 villages cannot be reached by any site", "far from road"],
            run: || {
                // Roads run under v0-v2 only.
                let net = RoadNetwork::from_edges(
                    Crs::Planar,
                    &nodes(),
                    &[edge("a", "b"), edge("b", "c")],
                    &NetworkOptions::default(),
                )
                .expect("valid roads");
                // v4 and v5 have no space for a centre and lie 2 and 3 km from the nearest road.
                let county = line_county();
                let mut sites = county.sites().to_vec();
                sites[4].status = SiteStatus::NoSpace;
                sites[5].status = SiteStatus::NoSpace;
                let county = county.with_sites(sites).expect("valid sites").with_roads(net).expect("same crs");
                let mut o = PlanOptions::default().radius(1500.0).target(1.0);
                o.metric = DistanceMetric::Network;
                run(&county, |c| plan(c, &o))
            },
        },
        // Versioned and hand-written JSON.
        Case {
            name: "plan JSON of another format version",
            expect: Expect::Invalid("format_version"),
            fragments: &["format version 99", "reads version 1", "re-create the plan"],
            run: || {
                let text = small_plan_json().replacen("\"format_version\":1", "\"format_version\":99", 1);
                run(&text, |t| Plan::from_json(t))
            },
        },
        Case {
            name: "plan JSON without a format version",
            expect: Expect::Parse,
            fragments: &["not a villageplan plan"],
            run: || run(&"{}".to_string(), |t| Plan::from_json(t)),
        },
        Case {
            name: "plan JSON whose community names a site the county lacks",
            expect: Expect::Parse,
            fragments: &["could not read plan JSON", "site 99"],
            run: || {
                let mut doc: serde_json::Value = serde_json::from_str(&small_plan_json()).expect("json");
                doc["communities"][0]["site"] = 99.into();
                run(&doc.to_string(), |t| Plan::from_json(t))
            },
        },
        Case {
            name: "plan JSON whose assignment names a missing community",
            expect: Expect::Parse,
            fragments: &["could not read plan JSON", "community 7"],
            run: || {
                let mut doc: serde_json::Value = serde_json::from_str(&small_plan_json()).expect("json");
                doc["assignments"][0]["community"] = 7.into();
                run(&doc.to_string(), |t| Plan::from_json(t))
            },
        },
        Case {
            name: "scenario JSON with an unknown field",
            expect: Expect::Parse,
            fragments: &["unknown field `radios`"],
            run: || run(&r#"{"format_version": 1, "radios": 1500}"#.to_string(), |t| Scenario::from_json(t)),
        },
        Case {
            name: "scenario JSON of another format version",
            expect: Expect::Invalid("format_version"),
            fragments: &["format version 2", "reads version 1"],
            run: || run(&r#"{"format_version": 2}"#.to_string(), |t| Scenario::from_json(t)),
        },
        Case {
            name: "scenario JSON without a format version",
            expect: Expect::Parse,
            fragments: &["no `format_version` field", "\"format_version\": 1"],
            run: || run(&r#"{"radius": 1500}"#.to_string(), |t| Scenario::from_json(t)),
        },
        Case {
            name: "standard JSON with an unknown field",
            expect: Expect::Invalid("romos"),
            fragments: &["unknown field `romos`"],
            run: || {
                let mut doc: serde_json::Value =
                    serde_json::from_str(&Standard::default().to_json().expect("json")).expect("json");
                doc["romos"] = serde_json::json!([]);
                run(&doc.to_string(), |t| Standard::from_json(t))
            },
        },
        Case {
            name: "standard JSON with a missing field",
            expect: Expect::Invalid("rooms"),
            fragments: &["missing field `rooms`"],
            run: || {
                let mut doc: serde_json::Value =
                    serde_json::from_str(&Standard::default().to_json().expect("json")).expect("json");
                doc.as_object_mut().expect("object").remove("rooms");
                run(&doc.to_string(), |t| Standard::from_json(t))
            },
        },
        Case {
            name: "standard JSON of another format version",
            expect: Expect::Invalid("format_version"),
            fragments: &["format version 3", "reads version 1"],
            run: || {
                let mut doc: serde_json::Value =
                    serde_json::from_str(&Standard::default().to_json().expect("json")).expect("json");
                doc["format_version"] = 3.into();
                run(&doc.to_string(), |t| Standard::from_json(t))
            },
        },
    ]
}

/// Why a case failed, or `None` when it held.
fn check(case: &Case) -> Option<String> {
    let out = (case.run)();
    if !out.unchanged {
        return Some("the input was changed".into());
    }
    let e = match out.result {
        Ok(()) => return Some("no error".into()),
        Err(e) => e,
    };
    let msg = e.to_string();
    let kind_ok = match (case.expect, &e) {
        (Expect::Invalid(f), Error::InvalidInput { field, .. }) => field == f,
        (Expect::Missing(r), Error::MissingColumn { role, .. }) => role == r,
        (Expect::Parse, Error::Parse { .. }) => true,
        (Expect::Infeasible(a), Error::Infeasible { achievable, .. }) => (achievable - a).abs() < 1e-9,
        _ => false,
    };
    if !kind_ok {
        return Some(format!("expected {:?}, got {e:?}", case.expect));
    }
    let missing: Vec<&&str> = case.fragments.iter().filter(|f| !msg.contains(**f)).collect();
    if !missing.is_empty() {
        return Some(format!("message {msg:?} lacks {missing:?}"));
    }
    None
}

#[test]
fn every_bad_input_gets_its_typed_error_and_leaves_the_input_alone() {
    let cases = catalogue();
    assert!(cases.len() >= 30, "the catalogue has {} cases", cases.len());
    let mut names = std::collections::HashSet::new();
    let failures: Vec<String> = cases
        .iter()
        .inspect(|c| assert!(names.insert(c.name), "duplicate case name {}", c.name))
        .filter_map(|c| check(c).map(|why| format!("{}: {why}", c.name)))
        .collect();
    assert!(failures.is_empty(), "{} of {} cases failed:\n{}", failures.len(), cases.len(), failures.join("\n"));
}

// ---------------------------------------------------------------------------------------------
// Edge cases that are not errors: each gives an honest plan.

/// Coverage recomputed from the communities, independently of the plan's own figure.
fn recount(p: &Plan) -> f64 {
    let members: usize = p.communities.iter().map(|c| c.villages.len()).sum();
    members as f64 / p.county.n_villages() as f64
}

#[test]
fn all_villages_at_one_point() {
    for crs in [Crs::Geographic, Crs::Planar] {
        let (x, y) = if crs == Crs::Geographic { (119.0, 36.0) } else { (500_000.0, 4e6) };
        let villages: Vec<Village> =
            (0..5).map(|i| Village::new(format!("v{i}"), if i < 3 { "A" } else { "B" }, x, y, 100.0)).collect();
        let county = Instance::from_villages(crs, villages).expect("one point is a valid layout");
        let p = plan(&county, &PlanOptions::default().target(1.0)).expect("plan");
        assert_eq!(p.communities.len(), 2, "one centre per town");
        assert_eq!(p.coverage, 1.0);
        assert_eq!(recount(&p), 1.0);
        assert!(p.assignments.iter().all(|a| a.distance == Some(0.0)));
        let q = plan_p_median(&county, &PlanOptions::default(), 2).expect("p-median");
        assert_eq!(q.solution.objective, 0.0);
    }
}

#[test]
fn radius_larger_than_the_county() {
    let county = line_county();
    let p = plan(&county, &PlanOptions::default().radius(1e7).target(1.0)).expect("plan");
    assert_eq!(p.communities.len(), 1);
    assert_eq!((p.coverage, recount(&p)), (1.0, 1.0));
    assert_eq!(p.status(), villageplan::solve::Status::Optimal);
}

#[test]
fn budget_of_zero_opens_nothing_new() {
    let county = line_county();
    let p = plan_max_coverage(&county, &PlanOptions::default(), CoverLimit::Budget(0.0)).expect("plan");
    assert!(p.communities.is_empty());
    assert_eq!((p.cost, p.coverage, recount(&p)), (0.0, 0.0, 0.0));
    assert!(p.solution.bound >= p.solution.objective);
}

#[test]
fn zero_length_loops_in_roads_are_dropped_and_counted() {
    let edges = vec![edge("a", "b"), edge("b", "b"), edge("b", "c"), edge("c", "c")];
    let net = RoadNetwork::from_edges(Crs::Planar, &nodes(), &edges, &NetworkOptions::default()).expect("roads");
    assert_eq!((net.n_roads(), net.dropped_loops(), net.n_components()), (2, 2, 1));
    let county = line_county().with_roads(net).expect("same crs");
    let mut o = PlanOptions::default().radius(1500.0).target(0.5);
    o.metric = DistanceMetric::Network;
    let p = plan(&county, &o).expect("network plan");
    assert_eq!(p.coverage, recount(&p));
    assert!(p.coverage >= 0.5);
}

#[test]
fn a_tiny_snap_tolerance_does_not_overflow_the_grid() {
    // Regression: the junction grid's cell index (coordinate / tolerance) saturated to i64::MAX
    // and its neighbour cell overflowed (a panic in debug builds).
    for tol in [1e-300, f64::MIN_POSITIVE] {
        let options = NetworkOptions { snap_tolerance: tol, ..Default::default() };
        let net =
            RoadNetwork::from_edges(Crs::Planar, &nodes(), &[edge("a", "b"), edge("b", "c")], &options).expect("roads");
        assert_eq!(net.n_junctions(), 3);
    }
}

#[test]
fn villages_of_zero_population_do_not_break_a_population_target() {
    // Regression (found by the Python property tests): with `by = population`, villages of
    // population 0 have weight 0, and the Lagrangian bound's sort by price per unit weight
    // (compared by cross-multiplication) was not a total order, so the sort panicked.
    let rows: [(f64, f64, f64); 28] = [
        (2221.0, 2146.0, 0.0),
        (8048.0, 9727.0, 500.0),
        (8882.0, 7258.0, 0.0),
        (5852.0, 7967.0, 0.0),
        (1758.0, 2741.0, 1.0),
        (4088.0, 4463.0, 0.0),
        (2290.0, 5655.0, 0.0),
        (5752.0, 8764.0, 0.0),
        (3616.0, 2294.0, 1200.0),
        (2827.0, 446.0, 0.0),
        (5847.0, 4834.0, 0.0),
        (2267.0, 4042.0, 1200.0),
        (3278.0, 4587.0, 0.0),
        (5729.0, 8653.0, 500.0),
        (3352.0, 601.0, 1200.0),
        (3270.0, 6653.0, 0.0),
        (655.0, 4283.0, 500.0),
        (610.0, 5954.0, 1200.0),
        (8311.0, 8489.0, 0.0),
        (413.0, 2989.0, 0.0),
        (3533.0, 949.0, 1.0),
        (3858.0, 3961.0, 0.0),
        (7575.0, 4484.0, 0.0),
        (3995.0, 7045.0, 0.0),
        (4229.0, 8086.0, 0.0),
        (4438.0, 1271.0, 0.0),
        (67.0, 837.0, 0.0),
        (6802.0, 9653.0, 0.0),
    ];
    let villages: Vec<Village> = rows
        .iter()
        .enumerate()
        .map(|(i, &(x, y, pop))| Village::new(format!("v{i}"), "", 500_000.0 + x, 4e6 + y, pop))
        .collect();
    let county = Instance::from_villages(Crs::Planar, villages).expect("valid county");
    for target in [0.998, 0.9, 0.5] {
        let o = PlanOptions::default().radius(500.0).target(target).by(CoverageBy::Population);
        let p = plan(&county, &o).expect("every village can host its own centre");
        assert!(p.population_coverage >= target - 1e-9);
        assert!(p.solution.bound <= p.solution.objective);
    }
    let mut sites = county.sites().to_vec();
    for (i, s) in sites.iter_mut().enumerate() {
        s.cost = Some(if i % 3 == 0 { 0.0 } else { 1e5 * (i % 5) as f64 });
    }
    let county = county.with_sites(sites).expect("valid sites");
    for budget in [0.0, 2e5, 1e6] {
        let o = PlanOptions::default().radius(500.0).by(CoverageBy::Population);
        let p = plan_max_coverage(&county, &o, CoverLimit::Budget(budget)).expect("max coverage");
        assert!(p.solution.bound >= p.solution.objective);
    }
}
