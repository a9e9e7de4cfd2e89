//! The bad-input catalogue of DESIGN §6 through the public API: each case gives a typed error
//! that names the field (and row) and says what to do, and leaves the input untouched.

use villageplan::error::Error;
use villageplan::io::{read_villages_csv_str, read_villages_geojson_str, ColumnMap, VillageColumns};
use villageplan::model::{Crs, Instance, Town, Village};
use villageplan::plan::{plan, PlanOptions};

fn good() -> VillageColumns {
    VillageColumns {
        id: vec!["V1".into(), "V2".into(), "V3".into()],
        x: vec![119.40, 119.41, 119.45],
        y: vec![36.00, 36.00, 36.02],
        population: vec![1200.0, 800.0, 950.0],
        town: Some(vec!["T1".into(), "T1".into(), "T2".into()]),
        ..Default::default()
    }
}

/// Build from columns, expect an error whose message contains every fragment, and check that
/// the columns were not changed.
fn expect_err(cols: VillageColumns, crs: Crs, fragments: &[&str]) -> Error {
    let before = cols.clone();
    let e = cols.clone().into_instance(crs).expect_err("bad input must be rejected");
    let msg = e.to_string();
    for f in fragments {
        assert!(msg.contains(f), "message {msg:?} lacks {f:?}");
    }
    // Compare renderings: NaN != NaN under PartialEq, but prints the same.
    assert_eq!(format!("{cols:?}"), format!("{before:?}"), "input was mutated");
    e
}

#[test]
fn nan_or_infinite_coordinates() {
    let mut c = good();
    c.x[1] = f64::NAN;
    assert!(matches!(expect_err(c, Crs::Geographic, &["`lon` at row 1 (id 'V2')", "NaN"]), Error::InvalidInput { .. }));
    let mut c = good();
    c.y[2] = f64::INFINITY;
    expect_err(c, Crs::Geographic, &["`lat` at row 2", "inf"]);
    let mut c = good();
    c.x[0] = f64::NEG_INFINITY;
    c.x[1] = 5000.0;
    c.x[2] = 9000.0;
    expect_err(c, Crs::Planar, &["`x` at row 0"]);
}

#[test]
fn latitude_or_longitude_out_of_range() {
    let mut c = good();
    c.y[0] = 91.0;
    expect_err(c, Crs::Geographic, &["`lat` at row 0", "outside [-90, 90]"]);
    let mut c = good();
    c.x[2] = -181.0;
    expect_err(c, Crs::Geographic, &["`lon` at row 2", "outside [-180, 180]"]);
}

#[test]
fn projected_coordinates_given_as_degrees() {
    expect_err(good(), Crs::Planar, &["`x`", "look", "degrees", "crs='geographic'"]);
}

#[test]
fn metres_given_as_degrees() {
    let mut c = good();
    c.x = vec![500_000.0, 501_000.0, 502_000.0];
    c.y = vec![3_980_000.0, 3_981_000.0, 3_982_000.0];
    expect_err(c, Crs::Geographic, &["`lon` at row 0", "crs='planar'"]);
}

#[test]
fn duplicate_ids() {
    let mut c = good();
    c.id[2] = "V1".into();
    expect_err(c, Crs::Geographic, &["`id` at row 2 (id 'V1')", "duplicate", "row 0"]);
}

#[test]
fn negative_or_nan_population() {
    let mut c = good();
    c.population[1] = -5.0;
    expect_err(c, Crs::Geographic, &["`population` at row 1", "≥ 0"]);
    let mut c = good();
    c.population[0] = f64::NAN;
    expect_err(c, Crs::Geographic, &["`population` at row 0", "NaN"]);
}

#[test]
fn empty_input() {
    expect_err(VillageColumns::default(), Crs::Geographic, &["no rows"]);
    let e = Instance::from_villages(Crs::Geographic, vec![]).unwrap_err().to_string();
    assert!(e.contains("no villages"), "{e}");
}

#[test]
fn array_lengths_that_do_not_match() {
    let mut c = good();
    c.y.pop();
    expect_err(c, Crs::Geographic, &["`y`", "2 values but `id` has 3"]);
}

#[test]
fn radius_not_positive() {
    let county = good().into_instance(Crs::Geographic).unwrap();
    for r in [0.0, -100.0, f64::NAN] {
        let e = plan(&county, &PlanOptions::default().radius(r)).unwrap_err();
        assert!(matches!(e, Error::InvalidInput { ref field, .. } if field == "radius"), "{e}");
        assert!(e.to_string().contains("positive number of metres"));
    }
}

#[test]
fn target_outside_unit_interval() {
    let county = good().into_instance(Crs::Geographic).unwrap();
    for t in [0.0, -0.2, 1.01, f64::NAN] {
        let e = plan(&county, &PlanOptions::default().target(t)).unwrap_err();
        assert!(matches!(e, Error::InvalidInput { ref field, .. } if field == "target"), "{e}");
        assert!(e.to_string().contains("(0, 1]"));
    }
}

#[test]
fn unknown_town() {
    let villages: Vec<Village> =
        vec![Village::new("a", "T1", 119.0, 36.0, 10.0), Village::new("b", "Tx", 119.01, 36.0, 10.0)];
    let copy = villages.clone();
    let e =
        Instance::new(Crs::Geographic, villages.clone(), None, Some(vec![Town::new("T1")])).unwrap_err().to_string();
    assert!(
        e.contains("`town` at row 1 (id 'b')") && e.contains("unknown town 'Tx'") && e.contains("known towns: T1"),
        "{e}"
    );
    assert_eq!(villages, copy);
}

#[test]
fn malformed_csv() {
    let text = "id,lon,lat,population\nV1,119.0,36.0,100\nV2,119.1,36.0\n";
    let e = read_villages_csv_str(text, "v.csv", &ColumnMap::default(), Crs::Geographic).unwrap_err();
    assert!(matches!(e, Error::Parse { line: Some(3), .. }), "{e}");
    let text = "id,lon,lat,population\nV1,east,36.0,100\n";
    let e = read_villages_csv_str(text, "v.csv", &ColumnMap::default(), Crs::Geographic).unwrap_err().to_string();
    assert!(e.contains("`x` at row 0 (id 'V1'): 'east' is not a number"), "{e}");
}

#[test]
fn malformed_geojson() {
    let e = read_villages_geojson_str(
        "{\"type\": \"FeatureCollection\", \"features\": [",
        "v.geojson",
        &ColumnMap::default(),
        None,
    )
    .unwrap_err();
    assert!(matches!(e, Error::Parse { .. }), "{e}");
    let fc = r#"{"type":"FeatureCollection","features":[{"type":"Feature","geometry":null,"properties":{"id":"a","population":1}}]}"#;
    let e = read_villages_geojson_str(fc, "v.geojson", &ColumnMap::default(), None).unwrap_err().to_string();
    assert!(e.contains("`geometry` at row 0 (id 'a')"), "{e}");
}

#[test]
fn wrong_column_name_lists_columns() {
    let text = "code,lon,lat,people\nV1,119.0,36.0,100\n";
    let e = read_villages_csv_str(text, "v.csv", &ColumnMap::default(), Crs::Geographic).unwrap_err();
    let msg = e.to_string();
    assert!(matches!(e, Error::MissingColumn { ref role, .. } if role == "population"), "{msg}");
    assert!(msg.contains("available columns: code, lon, lat, people") && msg.contains("population=\"...\""), "{msg}");
    let m = ColumnMap { population: Some("people".into()), ..Default::default() };
    assert!(read_villages_csv_str(text, "v.csv", &m, Crs::Geographic).is_ok());
}

#[test]
fn infeasible_target_says_what_is_achievable() {
    // Three villages far apart, radius 1 km, the middle one cannot host a centre.
    let mut c = good();
    c.x = vec![119.40, 119.50, 119.60];
    c.status = Some(vec!["".into(), "no_space".into(), "".into()]);
    let county = c.into_instance(Crs::Geographic).unwrap();
    match plan(&county, &PlanOptions::default().radius(1000.0).target(1.0)) {
        Err(Error::Infeasible { achievable, reason }) => {
            assert!((achievable - 2.0 / 3.0).abs() < 1e-12);
            assert!(reason.contains("66.67%") && reason.contains("lower the target"), "{reason}");
        }
        other => panic!("expected Infeasible, got {other:?}"),
    }
}
