//! `Standard`, `Facts`, `Assessment`, `assess()` and `sample_facts()`: the acceptance check.

use std::path::PathBuf;

use numpy::PyReadonlyArray1;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use super::convert::{opt_vec, to_i64, to_vec, Columns};
use super::county::PyCounty;
use super::error::{attached, detached};
use super::plan::PyPlan;
use crate::assess::{self as core, format_rooms, AssessOptions, Assessment, Facts, Standard, HALL};
use crate::plan::Plan;

/// The acceptance rules for a community service centre.
#[pyclass(name = "Standard", module = "villageplan._core", frozen)]
pub struct PyStandard {
    inner: Standard,
}

#[pymethods]
impl PyStandard {
    /// The default standard of the domain notes.
    #[staticmethod]
    fn default() -> Self {
        Self { inner: Standard::default() }
    }

    /// Read a standard from JSON text.
    #[staticmethod]
    fn from_json(py: Python<'_>, text: &str) -> PyResult<Self> {
        attached(py, || Standard::from_json(text)).map(|inner| Self { inner })
    }

    /// Read a standard from a JSON file.
    #[staticmethod]
    fn load(py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        attached(py, || Standard::load(&path)).map(|inner| Self { inner })
    }

    /// The standard as pretty-printed JSON text.
    fn to_json(&self, py: Python<'_>) -> PyResult<String> {
        attached(py, || self.inner.to_json())
    }

    /// Write the standard as JSON to `path`.
    fn save(&self, py: Python<'_>, path: PathBuf) -> PyResult<()> {
        attached(py, || self.inner.save(&path))
    }

    /// The standard's name.
    #[getter]
    fn name(&self) -> &str {
        &self.inner.name
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other.cast::<PyStandard>().is_ok_and(|o| o.get().inner == self.inner)
    }

    fn __repr__(&self) -> String {
        let s = &self.inner;
        let mut area = format!("max({} m²", s.building.min_m2);
        if let Some(r) = s.building.per_100_households_m2 {
            area.push_str(&format!(", {r} m² per 100 households"));
        }
        if let Some(r) = s.building.per_1000_persons_m2 {
            area.push_str(&format!(", {r} m² per 1,000 persons"));
        }
        area.push(')');
        let rooms: Vec<String> = s
            .rooms
            .iter()
            .map(|r| match r.min_m2 {
                Some(m) => format!("{} ≥ {m} m²", r.name),
                None => r.name.clone(),
            })
            .collect();
        let radius = match (s.check_radius, s.radius_m) {
            (false, _) => "off".to_string(),
            (true, None) => "the plan's".to_string(),
            (true, Some(r)) => format!("{r} m"),
        };
        let staff = s.min_staff.map_or_else(|| "off".to_string(), |m| format!("≥ {m}"));
        format!(
            "Standard(name={:?}, building={area}, rooms=[{}], radius={radius}, staff={staff})",
            s.name,
            rooms.join(", ")
        )
    }
}

impl PyStandard {
    fn wrap(inner: Standard) -> Self {
        Self { inner }
    }
}

/// What stands at each centre: building area, rooms and staff, by site id.
#[pyclass(name = "Facts", module = "villageplan._core", frozen)]
pub struct PyFacts {
    inner: Facts,
}

#[pymethods]
impl PyFacts {
    /// Build facts from columns, one entry per centre.
    #[staticmethod]
    #[pyo3(signature = (site, building_area, hall_area=None, rooms=None, staff=None))]
    fn from_columns(
        py: Python<'_>,
        site: Vec<String>,
        building_area: PyReadonlyArray1<'_, f64>,
        hall_area: Option<PyReadonlyArray1<'_, f64>>,
        rooms: Option<Vec<String>>,
        staff: Option<PyReadonlyArray1<'_, f64>>,
    ) -> PyResult<Self> {
        let area = to_vec(&building_area);
        let hall = opt_vec(hall_area.as_ref());
        let staff = opt_vec(staff.as_ref());
        detached(py, move || Facts::from_columns(site, area, hall, rooms, staff)).map(|inner| Self { inner })
    }

    /// Read facts from a file: JSON when the name ends in `.json`, CSV otherwise.
    #[staticmethod]
    fn load(py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        detached(py, || Facts::load(&path)).map(|inner| Self { inner })
    }

    /// Read facts from JSON text.
    #[staticmethod]
    fn from_json(py: Python<'_>, text: &str) -> PyResult<Self> {
        detached(py, || Facts::from_json(text)).map(|inner| Self { inner })
    }

    /// The facts as JSON text.
    fn to_json(&self, py: Python<'_>) -> PyResult<String> {
        attached(py, || self.inner.to_json())
    }

    /// The facts as CSV text.
    fn to_csv(&self, py: Python<'_>) -> PyResult<String> {
        attached(py, || self.inner.to_csv())
    }

    /// The facts as columns: site, `building_area`, `hall_area` (0 without a hall, NaN when its
    /// area is unknown), rooms (text, the hall left out unless its area is unknown), staff (NaN
    /// when unknown).
    fn columns<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let c = self.inner.centres();
        let mut halls = Vec::with_capacity(c.len());
        let mut rooms = Vec::with_capacity(c.len());
        for f in c {
            let mut r = f.rooms.clone();
            halls.push(match r.get(HALL).copied() {
                None => 0.0,
                Some(None) => f64::NAN,
                Some(Some(a)) => {
                    r.remove(HALL);
                    a
                }
            });
            rooms.push(format_rooms(&r));
        }
        Ok(Columns::new(py)
            .text("site", c.iter().map(|f| f.site.as_str()))?
            .f64("building_area", c.iter().map(|f| f.building_area).collect())?
            .f64("hall_area", halls)?
            .text("rooms", rooms.iter().map(String::as_str))?
            .f64("staff", c.iter().map(|f| f.staff.map_or(f64::NAN, f64::from)).collect())?
            .finish())
    }

    fn __len__(&self) -> usize {
        self.inner.len()
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other.cast::<PyFacts>().is_ok_and(|o| o.get().inner == self.inner)
    }

    fn __repr__(&self) -> String {
        format!("Facts({} centres)", self.inner.len())
    }
}

/// The result of checking a plan's centres against a standard.
#[pyclass(name = "Assessment", module = "villageplan._core", frozen)]
pub struct PyAssessment {
    inner: Assessment,
}

#[pymethods]
impl PyAssessment {
    /// Number of centres that pass.
    #[getter]
    fn passed(&self) -> usize {
        self.inner.passed()
    }

    /// Number of centres that fail (including those without facts).
    #[getter]
    fn failed(&self) -> usize {
        self.inner.failed()
    }

    /// Number of centres assessed.
    #[getter]
    fn n_centres(&self) -> usize {
        self.inner.centres.len()
    }

    /// Total upgrade cost of the centres whose cost is known, yuan.
    #[getter]
    fn upgrade_cost(&self) -> f64 {
        self.inner.upgrade_cost()
    }

    /// Site ids with facts that are not centres of the plan.
    #[getter]
    fn unused_facts(&self) -> Vec<String> {
        self.inner.unused_facts.clone()
    }

    /// The standard applied.
    #[getter]
    fn standard(&self) -> PyStandard {
        PyStandard::wrap(self.inner.standard.clone())
    }

    /// Whether new builds without facts were assessed on their design.
    #[getter]
    fn as_designed(&self) -> bool {
        self.inner.options.as_designed
    }

    /// One row per centre: community, site, town, status, basis, households, population,
    /// `required_area`, `building_area`, passed, codes, reasons, `new_area`, `renovated_area`,
    /// `upgrade_cost`.
    fn centres_columns<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let c = &self.inner.centres;
        let codes: Vec<String> =
            c.iter().map(|c| c.reasons.iter().map(|r| r.code.as_str()).collect::<Vec<_>>().join(",")).collect();
        let reasons: Vec<String> =
            c.iter().map(|c| c.reasons.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")).collect();
        Ok(Columns::new(py)
            .i64("community", c.iter().map(|c| i64::from(c.community)).collect())?
            .text("site", c.iter().map(|c| c.site.as_str()))?
            .text("town", c.iter().map(|c| c.town.as_str()))?
            .text("status", c.iter().map(|c| c.status.as_str()))?
            .text("basis", c.iter().map(|c| c.basis.as_str()))?
            .f64("households", c.iter().map(|c| c.households).collect())?
            .f64("population", c.iter().map(|c| c.population).collect())?
            .f64("required_area", c.iter().map(|c| c.required_area_m2).collect())?
            .f64("building_area", c.iter().map(|c| c.building_area_m2.unwrap_or(f64::NAN)).collect())?
            .bool("passed", c.iter().map(|c| c.passed).collect())?
            .text("codes", codes.iter().map(String::as_str))?
            .text("reasons", reasons.iter().map(String::as_str))?
            .f64("new_area", c.iter().map(|c| c.new_area_m2).collect())?
            .f64("renovated_area", c.iter().map(|c| c.renovated_area_m2).collect())?
            .f64("upgrade_cost", c.iter().map(|c| c.upgrade_cost.unwrap_or(f64::NAN)).collect())?
            .finish())
    }

    /// One row per town: town, centres, passed, failed, `as_designed`, `no_facts`, `upgrade_cost`.
    fn towns_columns<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let t = &self.inner.towns;
        Ok(Columns::new(py)
            .text("town", t.iter().map(|t| t.town.as_str()))?
            .i64("centres", t.iter().map(|t| to_i64(t.centres)).collect())?
            .i64("passed", t.iter().map(|t| to_i64(t.passed)).collect())?
            .i64("failed", t.iter().map(|t| to_i64(t.failed)).collect())?
            .i64("as_designed", t.iter().map(|t| to_i64(t.as_designed)).collect())?
            .i64("no_facts", t.iter().map(|t| to_i64(t.no_facts)).collect())?
            .f64("upgrade_cost", t.iter().map(|t| t.upgrade_cost).collect())?
            .finish())
    }

    /// The assessment as JSON text.
    fn to_json(&self, py: Python<'_>) -> PyResult<String> {
        attached(py, || self.inner.to_json())
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other.cast::<PyAssessment>().is_ok_and(|o| o.get().inner == self.inner)
    }

    fn __repr__(&self) -> String {
        let a = &self.inner;
        format!(
            "Assessment(centres={}, passed={}, failed={}, upgrade_cost={:.0} yuan, standard={:?})",
            a.centres.len(),
            a.passed(),
            a.failed(),
            a.upgrade_cost(),
            a.standard.name
        )
    }
}

/// Check every centre of a plan against a standard (see `villageplan.assess`).
#[pyfunction]
#[pyo3(signature = (plan, facts, standard=None, as_designed=true, cost_new=1600.0, cost_renovate=600.0))]
pub fn assess(
    py: Python<'_>,
    plan: &Bound<'_, PyPlan>,
    facts: &Bound<'_, PyFacts>,
    standard: Option<&Bound<'_, PyStandard>>,
    as_designed: bool,
    cost_new: f64,
    cost_renovate: f64,
) -> PyResult<PyAssessment> {
    // The plan crosses as its JSON text, the one public way into a `Plan` object.
    let text: String = plan.call_method0("to_json")?.extract()?;
    let standard = standard.map_or_else(Standard::default, |s| s.get().inner.clone());
    let facts = &facts.get().inner;
    let options = AssessOptions::default().as_designed(as_designed).costs(cost_new, cost_renovate);
    detached(py, || {
        let plan = Plan::from_json(&text)?;
        core::assess_with(&plan, facts, &standard, &options)
    })
    .map(|inner| PyAssessment { inner })
}

// The defaults in the signature above are literals so that Python shows them; keep them equal to
// the crate's defaults.
const _: () =
    assert!(crate::defaults::COST_NEW_YUAN_PER_M2 == 1600.0 && crate::defaults::COST_RENOVATE_YUAN_PER_M2 == 600.0);

/// Seeded facts for the pilot sites of a county (see `villageplan.sample_facts`).
#[pyfunction]
#[pyo3(signature = (county, seed=2008))]
pub fn sample_facts(py: Python<'_>, county: &Bound<'_, PyCounty>, seed: u64) -> PyResult<PyFacts> {
    let instance = &*county.get().inner;
    detached(py, || crate::datasets::sample_facts(instance, seed)).map(|inner| PyFacts { inner })
}
