//! `max_coverage`, `p_median` and `p_center` on a county: the other objectives, returning a `Plan`.

use pyo3::prelude::*;

use super::county::PyCounty;
use super::error::{attached, cancellable};
use super::plan::{options, Limits, PyPlan, Reach};
use crate::error::{Error, Result};
use crate::plan::{self as core, PlanOptions};
use crate::solve::CoverLimit;

/// Plan options from the keyword arguments shared by the objectives (no target, no capacity).
#[allow(clippy::too_many_arguments)]
pub(super) fn objective_options(
    radius: f64,
    by: &str,
    within_town: bool,
    fixed: Option<Vec<String>>,
    forbidden: Option<Vec<String>>,
    seed: u64,
    time_limit: Option<f64>,
    reach: Reach<'_>,
) -> Result<PlanOptions> {
    let target = crate::defaults::COVERAGE_TARGET;
    options(radius, target, by, within_town, "auto", fixed, forbidden, seed, time_limit, Limits::NONE, reach)
}

/// A number of centres from Python (an int ≥ 0; 0 is refused by the solver, naming `p`).
pub(super) fn count(p: i64) -> Result<usize> {
    usize::try_from(p).map_err(|_| Error::param("p", format!("p must be a number of centres ≥ 1, got {p}")))
}

/// The limit of a maximal-coverage plan: exactly one of `p` and `budget`.
pub(super) fn cover_limit(p: Option<i64>, budget: Option<f64>) -> Result<CoverLimit> {
    match (p, budget) {
        (Some(p), None) => Ok(CoverLimit::Sites(count(p)?)),
        (None, Some(b)) => Ok(CoverLimit::Budget(b)),
        (None, None) => {
            Err(Error::param("p", "give the number of centres p, or a budget in yuan (budget=...), for max_coverage"))
        }
        (Some(_), Some(_)) => Err(Error::param("budget", "give either p or budget, not both")),
    }
}

/// Most villages (or people) covered with at most `p` centres or within a budget (see the
/// Python docstring of `villageplan.max_coverage`).
#[pyfunction]
#[pyo3(signature = (
    county, radius=2000.0, p=None, budget=None, by="villages", within_town=true,
    fixed=None, forbidden=None, seed=0, time_limit=None, metric="straight", minutes=None,
    capacity=None, capacity_by="households", max_villages=None, *, progress=None
))]
#[allow(clippy::too_many_arguments)]
pub fn max_coverage(
    py: Python<'_>,
    county: &Bound<'_, PyCounty>,
    radius: f64,
    p: Option<i64>,
    budget: Option<f64>,
    by: &str,
    within_town: bool,
    fixed: Option<Vec<String>>,
    forbidden: Option<Vec<String>>,
    seed: u64,
    time_limit: Option<f64>,
    metric: &str,
    minutes: Option<f64>,
    capacity: Option<f64>,
    capacity_by: &str,
    max_villages: Option<i64>,
    progress: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyPlan> {
    let reach = Reach { metric, minutes };
    let (options, limit) = attached(py, || {
        let limit = cover_limit(p, budget)?;
        let limits = Limits { capacity, capacity_by, max_villages };
        let target = crate::defaults::COVERAGE_TARGET;
        let options =
            options(radius, target, by, within_town, "auto", fixed, forbidden, seed, time_limit, limits, reach)?;
        Ok((options, limit))
    })?;
    let instance = &*county.get().inner;
    cancellable(py, progress, |_| core::plan_max_coverage(instance, &options, limit)).map(PyPlan::new)
}

/// Least total village–centre distance with exactly `p` centres (see `villageplan.p_median`).
#[pyfunction]
#[pyo3(signature = (
    county, p, radius=2000.0, by="villages", within_town=true, fixed=None, forbidden=None, seed=0, time_limit=None,
    metric="straight", minutes=None, *, progress=None
))]
#[allow(clippy::too_many_arguments)]
pub fn p_median(
    py: Python<'_>,
    county: &Bound<'_, PyCounty>,
    p: i64,
    radius: f64,
    by: &str,
    within_town: bool,
    fixed: Option<Vec<String>>,
    forbidden: Option<Vec<String>>,
    seed: u64,
    time_limit: Option<f64>,
    metric: &str,
    minutes: Option<f64>,
    progress: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyPlan> {
    let reach = Reach { metric, minutes };
    let (options, p) = attached(py, || {
        Ok((objective_options(radius, by, within_town, fixed, forbidden, seed, time_limit, reach)?, count(p)?))
    })?;
    let instance = &*county.get().inner;
    cancellable(py, progress, |_| core::plan_p_median(instance, &options, p)).map(PyPlan::new)
}

/// Least largest village–centre distance with exactly `p` centres (see `villageplan.p_center`).
#[pyfunction]
#[pyo3(signature = (
    county, p, radius=2000.0, by="villages", within_town=true, fixed=None, forbidden=None, seed=0, time_limit=None,
    metric="straight", minutes=None, *, progress=None
))]
#[allow(clippy::too_many_arguments)]
pub fn p_center(
    py: Python<'_>,
    county: &Bound<'_, PyCounty>,
    p: i64,
    radius: f64,
    by: &str,
    within_town: bool,
    fixed: Option<Vec<String>>,
    forbidden: Option<Vec<String>>,
    seed: u64,
    time_limit: Option<f64>,
    metric: &str,
    minutes: Option<f64>,
    progress: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyPlan> {
    let reach = Reach { metric, minutes };
    let (options, p) = attached(py, || {
        Ok((objective_options(radius, by, within_town, fixed, forbidden, seed, time_limit, reach)?, count(p)?))
    })?;
    let instance = &*county.get().inner;
    cancellable(py, progress, |_| core::plan_p_center(instance, &options, p)).map(PyPlan::new)
}
