//! The exact (HiGHS) path of the county objectives (`villageplan.exact`): the problem as arrays,
//! and the plan of the centres the MIP opens. Thin wrappers over
//! [`objective_problem`](crate::plan::objective_problem) and
//! [`plan_objective_with_centres`](crate::plan::plan_objective_with_centres).

use pyo3::prelude::*;
use pyo3::types::PyDict;

use super::convert::{to_i64, Columns};
use super::county::PyCounty;
use super::error::{attached, detached};
use super::objectives::{count, cover_limit, objective_options};
use super::plan::{PyPlan, Reach};
use crate::error::{Error, Result};
use crate::plan::{self as core, Goal};

/// The goal from its name and `p` / `budget`, checked as the objectives' own bindings check them.
fn goal_of(goal: &str, p: Option<i64>, budget: Option<f64>) -> Result<Goal> {
    match goal {
        "max_coverage" => Ok(Goal::MaxCoverage { limit: cover_limit(p, budget)? }),
        "p_median" | "p_center" => {
            if budget.is_some() {
                return Err(Error::param("budget", format!("{goal} takes p centres, not a budget")));
            }
            let p = count(p.ok_or_else(|| Error::param("p", format!("{goal} needs the number of centres p")))?)?;
            Ok(if goal == "p_median" { Goal::PMedian { p } } else { Goal::PCenter { p } })
        }
        other => {
            Err(Error::param("goal", format!("unknown goal '{other}'; use 'max_coverage', 'p_median' or 'p_center'")))
        }
    }
}

/// Wall-clock seconds and iterations of an outside solve, checked.
///
/// # Errors
/// `InvalidInput` naming `seconds` (negative or not finite) or `iterations` (negative).
pub(super) fn effort(seconds: f64, iterations: i64) -> Result<(f64, u64)> {
    if !seconds.is_finite() || seconds < 0.0 {
        return Err(Error::param("seconds", format!("seconds must be a finite number ≥ 0, got {seconds}")));
    }
    let iterations = u64::try_from(iterations)
        .map_err(|_| Error::param("iterations", format!("iterations must be ≥ 0, got {iterations}")))?;
    Ok((seconds, iterations))
}

/// The problem of a county objective as arrays, after the planner's checks (see
/// `villageplan.exact`): `n_villages`, `n_sites`, `indptr` / `villages` / `distances` (the
/// village–site pairs the objective may use, grouped by site), `weights`, `costs`, `fixed`,
/// `allowed`.
#[pyfunction]
#[pyo3(signature = (
    county, goal, p=None, budget=None, radius=2000.0, by="villages", within_town=true, fixed=None, forbidden=None,
    time_limit=None, metric="straight", minutes=None
))]
#[allow(clippy::too_many_arguments)]
pub fn exact_objective_problem<'py>(
    py: Python<'py>,
    county: &Bound<'py, PyCounty>,
    goal: &str,
    p: Option<i64>,
    budget: Option<f64>,
    radius: f64,
    by: &str,
    within_town: bool,
    fixed: Option<Vec<String>>,
    forbidden: Option<Vec<String>>,
    time_limit: Option<f64>,
    metric: &str,
    minutes: Option<f64>,
) -> PyResult<Bound<'py, PyDict>> {
    let reach = Reach { metric, minutes };
    let (options, goal) = attached(py, || {
        let goal = goal_of(goal, p, budget)?;
        Ok((objective_options(radius, by, within_town, fixed, forbidden, 0, time_limit, reach)?, goal))
    })?;
    let instance = &*county.get().inner;
    let prob = detached(py, || core::objective_problem(instance, &options, goal))?;
    let dict = Columns::new(py)
        .i64("indptr", prob.offsets.iter().map(|&o| to_i64(o)).collect())?
        .i64("villages", prob.villages.iter().map(|&v| i64::from(v)).collect())?
        .f64("distances", prob.distances)?
        .f64("weights", prob.weights)?
        .f64("costs", prob.costs)?
        .bool("fixed", prob.fixed)?
        .bool("allowed", prob.allowed)?
        .finish();
    dict.set_item("n_villages", prob.n_villages)?;
    dict.set_item("n_sites", prob.offsets.len().saturating_sub(1))?;
    Ok(dict)
}

/// The plan of a county objective with given centres (site ids) and an outside bound (see
/// `villageplan.exact`); the objective is recomputed and the status derived from the bound.
#[pyfunction]
#[pyo3(signature = (
    county, goal, centres, bound, timed_out=false, seconds=0.0, iterations=0, p=None, budget=None, radius=2000.0,
    by="villages", within_town=true, fixed=None, forbidden=None, metric="straight", minutes=None
))]
#[allow(clippy::too_many_arguments)]
pub fn plan_objective_with_centres(
    py: Python<'_>,
    county: &Bound<'_, PyCounty>,
    goal: &str,
    centres: Vec<String>,
    bound: f64,
    timed_out: bool,
    seconds: f64,
    iterations: i64,
    p: Option<i64>,
    budget: Option<f64>,
    radius: f64,
    by: &str,
    within_town: bool,
    fixed: Option<Vec<String>>,
    forbidden: Option<Vec<String>>,
    metric: &str,
    minutes: Option<f64>,
) -> PyResult<PyPlan> {
    let reach = Reach { metric, minutes };
    let (options, goal, (seconds, iterations)) = attached(py, || {
        let goal = goal_of(goal, p, budget)?;
        let options = objective_options(radius, by, within_town, fixed, forbidden, 0, None, reach)?;
        Ok((options, goal, effort(seconds, iterations)?))
    })?;
    let instance = &*county.get().inner;
    let mut plan =
        detached(py, || core::plan_objective_with_centres(instance, &options, goal, &centres, bound, timed_out))?;
    plan.solution.seconds = seconds;
    plan.solution.iterations = iterations;
    Ok(PyPlan::new(plan))
}
