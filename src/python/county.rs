//! `County`: the Python face of a validated [`Instance`], and the functions that make one.

use std::path::PathBuf;
use std::sync::Arc;

use numpy::PyReadonlyArray1;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyTuple};

use super::convert::{crs_name, opt_vec, parse_crs, py_repr, to_i64, to_vec, Columns};
use super::error::{attached, detached};
use crate::error::{Error, Result};
use crate::io::{self, ColumnMap, VillageColumns};
use crate::model::{Crs, Instance, SiteStatus};

/// A validated county: villages, the towns they belong to and the candidate sites for centres.
///
/// Make one with `County.from_arrays`, `read_csv`, `read_geojson` or `sample_county`. A county is
/// immutable; every check has passed when it exists.
#[pyclass(name = "County", module = "villageplan._core", frozen)]
pub struct PyCounty {
    pub(crate) inner: Arc<Instance>,
}

impl PyCounty {
    /// Wrap an instance.
    pub fn new(inner: Instance) -> Self {
        Self { inner: Arc::new(inner) }
    }
}

fn county_to_json(county: &Instance) -> Result<String> {
    serde_json::to_string(county).map_err(|e| Error::Internal(format!("county serialisation failed: {e}")))
}

fn county_from_json(text: &str) -> Result<Instance> {
    Instance::from_json(text)
}

#[pymethods]
impl PyCounty {
    /// Build a county from columns, one entry per village; each village is also a candidate site.
    #[staticmethod]
    #[pyo3(signature = (
        id, x, y, population, *, name=None, town=None, households=None, status=None, floor_area=None,
        cost=None, crs="geographic"
    ))]
    #[allow(clippy::too_many_arguments)]
    fn from_arrays(
        py: Python<'_>,
        id: Vec<String>,
        x: PyReadonlyArray1<'_, f64>,
        y: PyReadonlyArray1<'_, f64>,
        population: PyReadonlyArray1<'_, f64>,
        name: Option<Vec<String>>,
        town: Option<Vec<String>>,
        households: Option<PyReadonlyArray1<'_, f64>>,
        status: Option<Vec<String>>,
        floor_area: Option<PyReadonlyArray1<'_, f64>>,
        cost: Option<PyReadonlyArray1<'_, f64>>,
        crs: &str,
    ) -> PyResult<Self> {
        let crs = attached(py, || parse_crs(crs))?;
        let columns = VillageColumns {
            id,
            x: to_vec(&x),
            y: to_vec(&y),
            population: to_vec(&population),
            name,
            town,
            households: opt_vec(households.as_ref()),
            status,
            floor_area: opt_vec(floor_area.as_ref()),
            cost: opt_vec(cost.as_ref()),
        };
        detached(py, move || columns.into_instance(crs)).map(Self::new)
    }

    /// Read a county written by `to_json`.
    #[staticmethod]
    fn from_json(py: Python<'_>, text: &str) -> PyResult<Self> {
        detached(py, || county_from_json(text)).map(Self::new)
    }

    /// The county as JSON text (villages, towns, sites; deterministic).
    fn to_json(&self, py: Python<'_>) -> PyResult<String> {
        let inner = &*self.inner;
        detached(py, || county_to_json(inner))
    }

    /// The same county under another display name.
    fn with_name(&self, name: &str) -> Self {
        Self::new((*self.inner).clone().with_name(name))
    }

    /// Display name.
    #[getter]
    fn name(&self) -> &str {
        self.inner.name()
    }

    /// `"geographic"` (lon/lat degrees) or `"planar"` (projected metres).
    #[getter]
    fn crs(&self) -> &'static str {
        crs_name(self.inner.crs())
    }

    /// Number of villages.
    #[getter]
    fn n_villages(&self) -> usize {
        self.inner.n_villages()
    }

    /// Number of candidate sites.
    #[getter]
    fn n_sites(&self) -> usize {
        self.inner.n_sites()
    }

    /// Town names, in order of first appearance.
    #[getter]
    fn towns(&self) -> Vec<String> {
        self.inner.towns().iter().map(|t| t.name.clone()).collect()
    }

    /// Total population of all villages.
    #[getter]
    fn total_population(&self) -> f64 {
        self.inner.total_population()
    }

    /// Number of candidate sites per status, in the order `none`, `existing`, `rebuild`, `new`, `no_space`.
    fn site_status_counts<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let counts = PyDict::new(py);
        for status in SiteStatus::ALL {
            let n = self.inner.sites().iter().filter(|s| s.status == status).count();
            counts.set_item(status.as_str(), n)?;
        }
        Ok(counts)
    }

    /// The villages as columns: id, name, town, lon/lat (or x/y), population, households.
    fn villages_columns<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let v = self.inner.villages();
        let (xn, yn) = self.inner.crs().axis_names();
        Ok(Columns::new(py)
            .text("id", v.iter().map(|v| v.id.as_str()))?
            .text("name", v.iter().map(|v| v.name.as_str()))?
            .text("town", v.iter().map(|v| v.town.as_str()))?
            .f64(xn, v.iter().map(|v| v.x).collect())?
            .f64(yn, v.iter().map(|v| v.y).collect())?
            .f64("population", v.iter().map(|v| v.population).collect())?
            .f64("households", v.iter().map(crate::model::Village::households_or_default).collect())?
            .finish())
    }

    /// The candidate sites as columns: id, village, town, lon/lat (or x/y), status, `floor_area`,
    /// cost (NaN when unknown).
    fn sites_columns<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let s = self.inner.sites();
        let (xn, yn) = self.inner.crs().axis_names();
        Ok(Columns::new(py)
            .text("id", s.iter().map(|s| s.id.as_str()))?
            .opt_text("village", s.iter().map(|s| s.village.as_deref()))?
            .text("town", s.iter().map(|s| s.town.as_str()))?
            .f64(xn, s.iter().map(|s| s.x).collect())?
            .f64(yn, s.iter().map(|s| s.y).collect())?
            .text("status", s.iter().map(|s| s.status.as_str()))?
            .f64("floor_area", s.iter().map(|s| s.floor_area.unwrap_or(f64::NAN)).collect())?
            .f64("cost", s.iter().map(|s| s.cost.unwrap_or(f64::NAN)).collect())?
            .finish())
    }

    /// The sparse coverage (CSR) of the county's sites at a radius: `indptr`, `villages`,
    /// `distances` (metres). Site `s` covers `villages[indptr[s]:indptr[s+1]]`.
    #[pyo3(signature = (radius, within_town=true))]
    fn coverage<'py>(&self, py: Python<'py>, radius: f64, within_town: bool) -> PyResult<Bound<'py, PyDict>> {
        let inner = Arc::clone(&self.inner);
        let cov = detached(py, move || crate::coverage::Coverage::build(&inner, radius, within_town))?;
        let (offsets, villages, distances) = cov.csr();
        Columns::new(py)
            .i64("indptr", offsets.iter().map(|&o| to_i64(o)).collect())?
            .i64("villages", villages.iter().map(|&v| i64::from(v)).collect())?
            .f64("distances", distances.to_vec())
            .map(Columns::finish)
    }

    /// Pickle support: rebuild from the JSON bytes (which are validated again).
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let py = slf.py();
        let text = slf.get().to_json(py)?;
        let rebuild = py.import("villageplan._core")?.getattr("_county_from_json_bytes")?;
        PyTuple::new(py, [rebuild, PyTuple::new(py, [PyBytes::new(py, text.as_bytes())])?.into_any()])
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other.cast::<PyCounty>().is_ok_and(|o| o.get().inner == self.inner)
    }

    fn __repr__(&self) -> String {
        let i = &self.inner;
        format!(
            "County(name={}, villages={}, towns={}, sites={}, population={:.0}, crs='{}')",
            py_repr(i.name()),
            i.n_villages(),
            i.towns().len(),
            i.n_sites(),
            i.total_population(),
            crs_name(i.crs())
        )
    }
}

/// Rebuild a county from pickled JSON bytes.
#[pyfunction]
pub fn _county_from_json_bytes(py: Python<'_>, data: &[u8]) -> PyResult<PyCounty> {
    detached(py, || {
        let text = std::str::from_utf8(data).map_err(|e| Error::Parse {
            what: "county JSON".into(),
            line: None,
            reason: e.to_string(),
        })?;
        county_from_json(text)
    })
    .map(PyCounty::new)
}

/// The seeded synthetic sample county (300 villages, 12 towns, 28 pilot sites).
#[pyfunction]
#[pyo3(signature = (seed = 2008))]
pub fn sample_county(py: Python<'_>, seed: u64) -> PyResult<PyCounty> {
    detached(py, || crate::datasets::sample_county(seed)).map(PyCounty::new)
}

/// The column names given to a reader (`None` = find the usual name).
#[allow(clippy::too_many_arguments)]
fn column_map(
    id: Option<String>,
    x: Option<String>,
    y: Option<String>,
    population: Option<String>,
    name: Option<String>,
    town: Option<String>,
    households: Option<String>,
    status: Option<String>,
    floor_area: Option<String>,
    cost: Option<String>,
) -> ColumnMap {
    ColumnMap { id, x, y, population, name, town, households, status, floor_area, cost }
}

/// Read villages from a CSV file with a header row.
#[pyfunction]
#[pyo3(signature = (
    path, *, id=None, x=None, y=None, population=None, name=None, town=None, households=None, status=None,
    floor_area=None, cost=None, crs="geographic"
))]
#[allow(clippy::too_many_arguments)]
pub fn read_csv(
    py: Python<'_>,
    path: PathBuf,
    id: Option<String>,
    x: Option<String>,
    y: Option<String>,
    population: Option<String>,
    name: Option<String>,
    town: Option<String>,
    households: Option<String>,
    status: Option<String>,
    floor_area: Option<String>,
    cost: Option<String>,
    crs: &str,
) -> PyResult<PyCounty> {
    let crs = attached(py, || parse_crs(crs))?;
    let map = column_map(id, x, y, population, name, town, households, status, floor_area, cost);
    detached(py, || io::read_villages_csv(&path, &map, crs)).map(PyCounty::new)
}

/// Read villages from a `GeoJSON` `FeatureCollection` of points.
#[pyfunction]
#[pyo3(signature = (
    path, *, id=None, population=None, name=None, town=None, households=None, status=None, floor_area=None,
    cost=None, crs=None
))]
#[allow(clippy::too_many_arguments)]
pub fn read_geojson(
    py: Python<'_>,
    path: PathBuf,
    id: Option<String>,
    population: Option<String>,
    name: Option<String>,
    town: Option<String>,
    households: Option<String>,
    status: Option<String>,
    floor_area: Option<String>,
    cost: Option<String>,
    crs: Option<&str>,
) -> PyResult<PyCounty> {
    let crs: Option<Crs> = attached(py, || crs.map(parse_crs).transpose())?;
    let map = column_map(id, None, None, population, name, town, households, status, floor_area, cost);
    detached(py, || io::read_villages_geojson(&path, &map, crs)).map(PyCounty::new)
}
