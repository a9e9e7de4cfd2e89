//! Road networks for a `County`: building from lines, edge lists or files, and reading them back.

use std::collections::HashMap;
use std::path::PathBuf;

use numpy::PyReadonlyArray1;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use super::convert::{opt_vec, to_i64, to_vec, Columns};
use super::county::PyCounty;
use super::error::detached;
use crate::error::{Error, Location, Result};
use crate::io::{self, RoadColumns};
use crate::model::Instance;
use crate::network::{
    network_coverage, NetworkOptions, RoadClass, RoadEdge, RoadLine, RoadNetwork, RoadNode, RoadSpeeds, TravelCost,
};

/// Network options from the keyword arguments; `speeds` overrides some of the default speeds
/// (keys `county`, `township`, `village`, `access`, km/h).
fn network_options(
    snap_tolerance: f64,
    access_tolerance: f64,
    speeds: Option<HashMap<String, f64>>,
) -> Result<NetworkOptions> {
    let mut s = RoadSpeeds::default();
    for (k, v) in speeds.unwrap_or_default() {
        match k.as_str() {
            "county" => s.county = v,
            "township" => s.township = v,
            "village" => s.village = v,
            "access" => s.access = v,
            other => {
                return Err(Error::param(
                    "speeds",
                    format!("unknown key '{other}'; use county, township, village and access (km/h)"),
                ))
            }
        }
    }
    Ok(NetworkOptions { snap_tolerance, access_tolerance, speeds: s })
}

/// Optional per-road values: NaN means "not given".
fn optional(values: Option<Vec<f64>>, n: usize, field: &str) -> Result<Vec<Option<f64>>> {
    match values {
        None => Ok(vec![None; n]),
        Some(v) if v.len() == n => Ok(v.into_iter().map(|x| (!x.is_nan()).then_some(x)).collect()),
        Some(v) => Err(Error::param(field, format!("has {} values for {n} roads; give one per road", v.len()))),
    }
}

fn classes(values: Option<Vec<Option<String>>>, n: usize) -> Result<Vec<Option<RoadClass>>> {
    let Some(v) = values else { return Ok(vec![None; n]) };
    if v.len() != n {
        return Err(Error::param("class", format!("has {} values for {n} roads; give one per road", v.len())));
    }
    v.iter()
        .enumerate()
        .map(|(i, c)| match c.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(text) => RoadClass::parse(text).map(Some).map_err(|e| match e {
                Error::InvalidInput { field, reason, .. } => {
                    Error::InvalidInput { field, at: Location::row(i), reason }
                }
                other => other,
            }),
        })
        .collect()
}

/// The optional per-road length, speed and class of `n` roads.
type PerRoad = (Vec<Option<f64>>, Vec<Option<f64>>, Vec<Option<RoadClass>>);

fn per_road(
    length: Option<Vec<f64>>,
    speed: Option<Vec<f64>>,
    class: Option<Vec<Option<String>>>,
    n: usize,
) -> Result<PerRoad> {
    Ok((optional(length, n, "length")?, optional(speed, n, "speed")?, classes(class, n)?))
}

fn attach(county: &Instance, net: RoadNetwork) -> Result<PyCounty> {
    county.with_roads(net).map(PyCounty::new)
}

/// The county with a road network built from polylines: the vertices of all lines in `x`, `y`,
/// line `i` being `offsets[i]..offsets[i+1]`; optional per-line `length` (m), `speed` (km/h) and
/// `class`.
#[pyfunction]
#[pyo3(signature = (
    county, x, y, offsets, *, length=None, speed=None, class_=None, snap_tolerance=1.0, access_tolerance=1000.0,
    speeds=None
))]
#[allow(clippy::too_many_arguments)]
pub fn county_with_road_lines(
    py: Python<'_>,
    county: &Bound<'_, PyCounty>,
    x: PyReadonlyArray1<'_, f64>,
    y: PyReadonlyArray1<'_, f64>,
    offsets: Vec<i64>,
    length: Option<PyReadonlyArray1<'_, f64>>,
    speed: Option<PyReadonlyArray1<'_, f64>>,
    class_: Option<Vec<Option<String>>>,
    snap_tolerance: f64,
    access_tolerance: f64,
    speeds: Option<HashMap<String, f64>>,
) -> PyResult<PyCounty> {
    let (x, y) = (to_vec(&x), to_vec(&y));
    let (length, speed) = (opt_vec(length.as_ref()), opt_vec(speed.as_ref()));
    let instance = &*county.get().inner;
    detached(py, move || {
        let options = network_options(snap_tolerance, access_tolerance, speeds)?;
        if x.len() != y.len() {
            return Err(Error::param("y", format!("has {} values but x has {}", y.len(), x.len())));
        }
        let n = offsets.len().saturating_sub(1);
        let (length, speed, class) = per_road(length, speed, class_, n)?;
        let mut lines = Vec::with_capacity(n);
        for i in 0..n {
            let (a, b) = (offsets[i], offsets[i + 1]);
            if a < 0 || b < a || b as usize > x.len() {
                return Err(Error::invalid(
                    "offsets",
                    Location::row(i),
                    "offsets must rise from 0 to the vertex count",
                ));
            }
            let coords = (a as usize..b as usize).map(|k| [x[k], y[k]]).collect();
            lines.push(RoadLine { coords, length: length[i], speed: speed[i], class: class[i] });
        }
        attach(instance, RoadNetwork::from_lines(instance.crs(), &lines, &options)?)
    })
}

/// The county with a road network from a node table (`node_id`, `node_x`, `node_y`) and an edge
/// list (`from_`, `to`, optional `length` m, `speed` km/h, `class`).
#[pyfunction]
#[pyo3(signature = (
    county, node_id, node_x, node_y, from_, to, *, length=None, speed=None, class_=None, snap_tolerance=1.0,
    access_tolerance=1000.0, speeds=None
))]
#[allow(clippy::too_many_arguments)]
pub fn county_with_road_edges(
    py: Python<'_>,
    county: &Bound<'_, PyCounty>,
    node_id: Vec<String>,
    node_x: PyReadonlyArray1<'_, f64>,
    node_y: PyReadonlyArray1<'_, f64>,
    from_: Vec<String>,
    to: Vec<String>,
    length: Option<PyReadonlyArray1<'_, f64>>,
    speed: Option<PyReadonlyArray1<'_, f64>>,
    class_: Option<Vec<Option<String>>>,
    snap_tolerance: f64,
    access_tolerance: f64,
    speeds: Option<HashMap<String, f64>>,
) -> PyResult<PyCounty> {
    let (nx, ny) = (to_vec(&node_x), to_vec(&node_y));
    let (length, speed) = (opt_vec(length.as_ref()), opt_vec(speed.as_ref()));
    let instance = &*county.get().inner;
    detached(py, move || {
        let options = network_options(snap_tolerance, access_tolerance, speeds)?;
        if nx.len() != node_id.len() || ny.len() != node_id.len() {
            return Err(Error::param(
                "nodes",
                format!(
                    "{} node ids but {} x and {} y values; give one position per node",
                    node_id.len(),
                    nx.len(),
                    ny.len()
                ),
            ));
        }
        if to.len() != from_.len() {
            return Err(Error::param("to", format!("has {} values but from has {}", to.len(), from_.len())));
        }
        let n = from_.len();
        let (length, speed, class) = per_road(length, speed, class_, n)?;
        let nodes: Vec<RoadNode> =
            node_id.into_iter().enumerate().map(|(i, id)| RoadNode { id, x: nx[i], y: ny[i] }).collect();
        let edges: Vec<RoadEdge> = from_
            .into_iter()
            .zip(to)
            .enumerate()
            .map(|(i, (from, to))| RoadEdge { from, to, length: length[i], speed: speed[i], class: class[i] })
            .collect();
        attach(instance, RoadNetwork::from_edges(instance.crs(), &nodes, &edges, &options)?)
    })
}

/// The county with a road network read from a GeoJSON file of LineStrings, or from a CSV edge
/// list when `nodes` (a CSV node table) is given.
#[pyfunction]
#[pyo3(signature = (
    county, path, *, nodes=None, class_col="class", speed_col="speed", length_col="length", from_col="from",
    to_col="to", id_col="id", x_col="x", y_col="y", snap_tolerance=1.0, access_tolerance=1000.0, speeds=None
))]
#[allow(clippy::too_many_arguments)]
pub fn county_read_roads(
    py: Python<'_>,
    county: &Bound<'_, PyCounty>,
    path: PathBuf,
    nodes: Option<PathBuf>,
    class_col: &str,
    speed_col: &str,
    length_col: &str,
    from_col: &str,
    to_col: &str,
    id_col: &str,
    x_col: &str,
    y_col: &str,
    snap_tolerance: f64,
    access_tolerance: f64,
    speeds: Option<HashMap<String, f64>>,
) -> PyResult<PyCounty> {
    let columns = RoadColumns {
        class: class_col.into(),
        speed: speed_col.into(),
        length: length_col.into(),
        from: from_col.into(),
        to: to_col.into(),
        id: id_col.into(),
        x: x_col.into(),
        y: y_col.into(),
    };
    let instance = &*county.get().inner;
    detached(py, move || {
        let options = network_options(snap_tolerance, access_tolerance, speeds)?;
        let crs = instance.crs();
        let net = match nodes {
            Some(nodes) => io::read_roads_csv(&path, &nodes, crs, &columns, &options)?,
            None => io::read_roads_geojson(&path, Some(crs), &columns, &options)?,
        };
        attach(instance, net)
    })
}

/// The county without its road network.
#[pyfunction]
pub fn county_without_roads(county: &Bound<'_, PyCounty>) -> PyCounty {
    PyCounty::new(county.get().inner.without_roads())
}

/// The county's road segments as columns, or None: `from`, `to` (junction indices), `x0`, `y0`,
/// `x1`, `y1`, `length_m`, `class`, `speed_kmh`, `component`.
#[pyfunction]
pub fn road_columns<'py>(py: Python<'py>, county: &Bound<'py, PyCounty>) -> PyResult<Option<Bound<'py, PyDict>>> {
    let Some(net) = county.get().inner.roads() else { return Ok(None) };
    let (r, p, c) = (net.roads(), net.junctions(), net.components());
    let end = |f: &dyn Fn(&crate::network::Road) -> u32, k: usize| -> Vec<f64> {
        r.iter().map(|x| p[f(x) as usize][k]).collect()
    };
    Ok(Some(
        Columns::new(py)
            .i64("from", r.iter().map(|x| i64::from(x.from)).collect())?
            .i64("to", r.iter().map(|x| i64::from(x.to)).collect())?
            .f64("x0", end(&|x| x.from, 0))?
            .f64("y0", end(&|x| x.from, 1))?
            .f64("x1", end(&|x| x.to, 0))?
            .f64("y1", end(&|x| x.to, 1))?
            .f64("length_m", r.iter().map(|x| x.length).collect())?
            .text("class", r.iter().map(|x| x.class.as_str()))?
            .f64("speed_kmh", r.iter().map(|x| net.speed_of(x)).collect())?
            .i64("component", r.iter().map(|x| i64::from(c[x.from as usize])).collect())?
            .finish(),
    ))
}

/// A summary of the county's road network, or None: junctions, roads, components, km, km by
/// class, dropped zero-length loops, speeds and tolerances.
#[pyfunction]
pub fn road_summary<'py>(py: Python<'py>, county: &Bound<'py, PyCounty>) -> PyResult<Option<Bound<'py, PyDict>>> {
    let Some(net) = county.get().inner.roads() else { return Ok(None) };
    let d = PyDict::new(py);
    d.set_item("junctions", net.n_junctions())?;
    d.set_item("roads", net.n_roads())?;
    d.set_item("components", net.n_components())?;
    d.set_item("km", net.total_length() / 1000.0)?;
    for (class, len) in RoadClass::ALL.iter().zip(net.length_by_class()) {
        d.set_item(format!("km_{}", class.as_str()), len / 1000.0)?;
    }
    d.set_item("dropped_loops", net.dropped_loops())?;
    let o = net.options();
    let speeds = PyDict::new(py);
    for (k, v) in [
        ("county", o.speeds.county),
        ("township", o.speeds.township),
        ("village", o.speeds.village),
        ("access", o.speeds.access),
    ] {
        speeds.set_item(k, v)?;
    }
    d.set_item("speeds", speeds)?;
    d.set_item("snap_tolerance", o.snap_tolerance)?;
    d.set_item("access_tolerance", o.access_tolerance)?;
    Ok(Some(d))
}

/// Coverage along the county's roads (CSR): `indptr`, `villages`, `distances` (metres, or minutes
/// when `minutes` is given) and `metres`; plus each village's access leg `village_access_m`.
#[pyfunction]
#[pyo3(signature = (county, radius=2000.0, within_town=true, minutes=None))]
pub fn network_coverage_columns<'py>(
    py: Python<'py>,
    county: &Bound<'py, PyCounty>,
    radius: f64,
    within_town: bool,
    minutes: Option<f64>,
) -> PyResult<Bound<'py, PyDict>> {
    let instance = &*county.get().inner;
    let nc = detached(py, || {
        let Some(net) = instance.roads() else {
            return Err(Error::param(
                "roads",
                "the county has no road network; attach one with County.with_roads(...)",
            ));
        };
        let (limit, cost) = match minutes {
            Some(m) => (m, TravelCost::Minutes),
            None => (radius, TravelCost::Metres),
        };
        network_coverage(instance, net, limit, cost, within_town)
    })?;
    let (offsets, villages, distances) = nc.coverage.csr();
    Ok(Columns::new(py)
        .i64("indptr", offsets.iter().map(|&o| to_i64(o)).collect())?
        .i64("villages", villages.iter().map(|&v| i64::from(v)).collect())?
        .f64("distances", distances.to_vec())?
        .f64("metres", nc.metres)?
        .f64("village_access_m", nc.village_snaps.iter().map(|s| s.access).collect())?
        .finish())
}
