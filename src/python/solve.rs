//! Low-level solvers on a plain cost matrix (`villageplan.solve`), spopt-like.

use numpy::{PyArray1, PyArrayMethods, PyReadonlyArray1, PyReadonlyArray2};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use super::convert::{opt_vec, py_repr, to_i64, to_vec, Columns};
use super::error::{attached, cancellable, detached};
use crate::coverage::Coverage;
use crate::error::{Error, Location, Result};
use crate::plan::objectives::{coverage_pairs, matrix_pairs};
use crate::solve::pmedian::{check_p, check_sites, check_weights};
use crate::solve::{self as core, CoverLimit, CoverProblem, SolveOptions};

/// A solver result (`villageplan.solve.Solution`).
#[pyclass(name = "Solution", module = "villageplan._core", frozen)]
pub struct PySolution {
    inner: core::Solution,
    n_rows: usize,
}

impl PySolution {
    pub fn new(inner: core::Solution, n_rows: usize) -> Self {
        Self { inner, n_rows }
    }
}

#[pymethods]
impl PySolution {
    /// Column indices of the open sites, ascending.
    #[getter]
    fn sites<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<i64>> {
        PyArray1::from_vec(py, self.inner.open.iter().map(|&s| i64::from(s)).collect())
    }

    /// Serving site per row, -1 when unserved.
    #[getter]
    fn assignment<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<i64>> {
        let a: Vec<i64> = if self.inner.assignment.len() == self.n_rows {
            self.inner.assignment.iter().map(|a| a.map_or(-1, i64::from)).collect()
        } else {
            vec![-1; self.n_rows]
        };
        PyArray1::from_vec(py, a)
    }

    /// Objective value.
    #[getter]
    fn objective(&self) -> f64 {
        self.inner.objective
    }

    /// Proven bound on the optimum (lower when minimising, upper when maximising).
    #[getter]
    fn bound(&self) -> f64 {
        self.inner.bound
    }

    /// Relative gap between objective and bound; 0 when proven optimal.
    #[getter]
    fn gap(&self) -> f64 {
        self.inner.gap
    }

    /// `"optimal"`, `"feasible"` or `"time_limit"`.
    #[getter]
    fn status(&self) -> &'static str {
        self.inner.status.as_str()
    }

    /// `"minimize"` or `"maximize"`.
    #[getter]
    fn sense(&self) -> &'static str {
        match self.inner.sense {
            core::Sense::Minimize => "minimize",
            core::Sense::Maximize => "maximize",
        }
    }

    /// Wall-clock seconds spent.
    #[getter]
    fn seconds(&self) -> f64 {
        self.inner.seconds
    }

    /// Solver iterations.
    #[getter]
    fn iterations(&self) -> u64 {
        self.inner.iterations
    }

    /// A solution from an outside solver's parts (the exact path of `villageplan.solve`): the
    /// gap and the status are derived from objective and bound as for the engine's solutions.
    #[staticmethod]
    #[pyo3(signature = (sites, assignment, objective, bound, sense, timed_out=false, seconds=0.0, iterations=0))]
    #[allow(clippy::too_many_arguments)]
    fn from_parts(
        py: Python<'_>,
        sites: Vec<i64>,
        assignment: Vec<i64>,
        objective: f64,
        bound: f64,
        sense: &str,
        timed_out: bool,
        seconds: f64,
        iterations: i64,
    ) -> PyResult<Self> {
        let n = assignment.len();
        detached(py, || {
            solution_from_parts(&sites, &assignment, objective, bound, sense, timed_out, seconds, iterations)
        })
        .map(|s| Self::new(s, n))
    }

    fn __repr__(&self) -> String {
        format!(
            "Solution(sites={}, objective={}, bound={}, gap={:.4}%, status={})",
            self.inner.open.len(),
            self.inner.objective,
            self.inner.bound,
            100.0 * self.inner.gap,
            py_repr(self.inner.status.as_str())
        )
    }
}

/// The dense matrix as a row-major vector with its shape.
fn matrix(costs: &PyReadonlyArray2<'_, f64>) -> (Vec<f64>, usize, usize) {
    let a = costs.as_array();
    let (n, m) = a.dim();
    (a.iter().copied().collect(), n, m)
}

/// A sparse matrix in CSC form as Python hands it over: (rows, cols, indptr, indices, data).
type CscArgs<'py> = (usize, usize, PyReadonlyArray1<'py, i64>, PyReadonlyArray1<'py, i64>, PyReadonlyArray1<'py, f64>);

/// The coverage at `radius` of a cost matrix from Python, dense or in compressed sparse columns
/// (from SciPy, for large cases), with its number of rows. A C-contiguous dense matrix is read in
/// place, without the GIL; it is neither copied nor changed.
fn matrix_coverage(
    py: Python<'_>,
    costs: Option<PyReadonlyArray2<'_, f64>>,
    csc: Option<CscArgs<'_>>,
    radius: f64,
) -> PyResult<(Coverage, usize)> {
    match (costs, csc) {
        (Some(c), None) => {
            let (n, m) = c.as_array().dim();
            let copy;
            let data = match c.as_slice() {
                Ok(slice) => slice,
                Err(_) => {
                    copy = matrix(&c).0;
                    &copy[..]
                }
            };
            detached(py, || Coverage::from_matrix(data, n, m, radius)).map(|cov| (cov, n))
        }
        (None, Some((rows, cols, indptr, indices, data))) => {
            let (indptr, indices, data) =
                (indptr.as_array().to_vec(), indices.as_array().to_vec(), data.as_array().to_vec());
            detached(py, || Coverage::from_csc(rows, cols, &indptr, &indices, &data, radius)).map(|cov| (cov, rows))
        }
        _ => attached(py, || Err(Error::param("costs", "give a dense cost matrix or a sparse one, not both"))),
    }
}

/// A covering problem on a matrix.
fn cover_problem<'a>(
    cov: &'a Coverage,
    site_costs: Option<Vec<f64>>,
    weights: Option<Vec<f64>>,
    fixed: Option<Vec<u32>>,
    forbidden: Option<Vec<u32>>,
) -> Result<CoverProblem<'a>> {
    let mut p = CoverProblem::unit(cov);
    if let Some(w) = weights {
        p.weights = w;
    }
    if let Some(c) = site_costs {
        p.costs = c;
    }
    let m = cov.n_sites();
    for &s in forbidden.iter().flatten() {
        let slot = p
            .allowed
            .get_mut(s as usize)
            .ok_or_else(|| Error::param("forbidden", format!("site {s} is out of range (there are {m} sites)")))?;
        *slot = false;
    }
    p.fixed = fixed.unwrap_or_default();
    p.validate()?;
    Ok(p)
}

/// Maximal coverage on a matrix (see `villageplan.solve.max_coverage`).
#[pyfunction]
#[pyo3(signature = (costs, radius, p=None, budget=None, site_costs=None, weights=None, fixed=None, forbidden=None, seed=0, time_limit=None, csc=None, *, progress=None))]
#[allow(clippy::too_many_arguments)]
pub fn solve_max_coverage(
    py: Python<'_>,
    costs: Option<PyReadonlyArray2<'_, f64>>,
    radius: f64,
    p: Option<usize>,
    budget: Option<f64>,
    site_costs: Option<PyReadonlyArray1<'_, f64>>,
    weights: Option<PyReadonlyArray1<'_, f64>>,
    fixed: Option<Vec<u32>>,
    forbidden: Option<Vec<u32>>,
    seed: u64,
    time_limit: Option<f64>,
    csc: Option<CscArgs<'_>>,
    progress: Option<&Bound<'_, PyAny>>,
) -> PyResult<PySolution> {
    let (site_costs, weights) = (opt_vec(site_costs.as_ref()), opt_vec(weights.as_ref()));
    let limit = attached(py, || match (p, budget) {
        (Some(p), None) => Ok(CoverLimit::Sites(p)),
        (None, Some(b)) => Ok(CoverLimit::Budget(b)),
        _ => Err(Error::param("p", "give exactly one of p (number of sites) and budget")),
    })?;
    let (cov, n) = matrix_coverage(py, costs, csc, radius)?;
    cancellable(py, progress, move |_| {
        let problem = cover_problem(&cov, site_costs, weights, fixed, forbidden)?;
        core::max_coverage(&problem, limit, &SolveOptions { seed, time_limit })
    })
    .map(|s| PySolution::new(s, n))
}

/// Least-cost cover of a share of the rows (see `villageplan.solve.set_cover`).
#[pyfunction]
#[pyo3(signature = (costs, radius, share=1.0, site_costs=None, weights=None, fixed=None, forbidden=None, seed=0, time_limit=None, csc=None, *, progress=None))]
#[allow(clippy::too_many_arguments)]
pub fn solve_set_cover(
    py: Python<'_>,
    costs: Option<PyReadonlyArray2<'_, f64>>,
    radius: f64,
    share: f64,
    site_costs: Option<PyReadonlyArray1<'_, f64>>,
    weights: Option<PyReadonlyArray1<'_, f64>>,
    fixed: Option<Vec<u32>>,
    forbidden: Option<Vec<u32>>,
    seed: u64,
    time_limit: Option<f64>,
    csc: Option<CscArgs<'_>>,
    progress: Option<&Bound<'_, PyAny>>,
) -> PyResult<PySolution> {
    let (site_costs, weights) = (opt_vec(site_costs.as_ref()), opt_vec(weights.as_ref()));
    let (cov, n) = matrix_coverage(py, costs, csc, radius)?;
    cancellable(py, progress, move |_| {
        let problem = cover_problem(&cov, site_costs, weights, fixed, forbidden)?;
        core::target_coverage(&problem, share, &SolveOptions { seed, time_limit })
    })
    .map(|s| PySolution::new(s, n))
}

/// p-median on a matrix (see `villageplan.solve.p_median`).
#[pyfunction]
#[pyo3(signature = (costs, p, weights=None, fixed=None, forbidden=None, radius=None, unserved_cost=None, seed=0, time_limit=None, *, progress=None))]
#[allow(clippy::too_many_arguments)]
pub fn solve_p_median(
    py: Python<'_>,
    costs: PyReadonlyArray2<'_, f64>,
    p: usize,
    weights: Option<PyReadonlyArray1<'_, f64>>,
    fixed: Option<Vec<u32>>,
    forbidden: Option<Vec<u32>>,
    radius: Option<f64>,
    unserved_cost: Option<f64>,
    seed: u64,
    time_limit: Option<f64>,
    progress: Option<&Bound<'_, PyAny>>,
) -> PyResult<PySolution> {
    let (data, n, m) = matrix(&costs);
    let weights = opt_vec(weights.as_ref());
    cancellable(py, progress, move |_| {
        let matrix = core::CostMatrix::new(data, n, m)?;
        let median = median_options(fixed, forbidden, radius, unserved_cost)?;
        core::p_median_with(&matrix, p, weights.as_deref(), &median, &SolveOptions { seed, time_limit })
    })
    .map(|s| PySolution::new(s, n))
}

/// Vertex p-center on a matrix (see `villageplan.solve.p_center`).
#[pyfunction]
#[pyo3(signature = (costs, p, fixed=None, forbidden=None, seed=0, time_limit=None, *, progress=None))]
#[allow(clippy::too_many_arguments)]
pub fn solve_p_center(
    py: Python<'_>,
    costs: PyReadonlyArray2<'_, f64>,
    p: usize,
    fixed: Option<Vec<u32>>,
    forbidden: Option<Vec<u32>>,
    seed: u64,
    time_limit: Option<f64>,
    progress: Option<&Bound<'_, PyAny>>,
) -> PyResult<PySolution> {
    let (data, n, m) = matrix(&costs);
    cancellable(py, progress, move |_| {
        let matrix = core::CostMatrix::new(data, n, m)?;
        let center =
            core::CenterOptions::default().fixed(fixed.unwrap_or_default()).forbidden(forbidden.unwrap_or_default());
        core::p_center_with(&matrix, p, &center, &SolveOptions { seed, time_limit })
    })
    .map(|s| PySolution::new(s, n))
}

/// Capacitated p-median on a matrix (see `villageplan.solve.capacitated_p_median`).
#[pyfunction]
#[pyo3(signature = (costs, p, demand, capacity, seed=0, time_limit=None, *, progress=None))]
#[allow(clippy::too_many_arguments)]
pub fn solve_capacitated_p_median(
    py: Python<'_>,
    costs: PyReadonlyArray2<'_, f64>,
    p: usize,
    demand: PyReadonlyArray1<'_, f64>,
    capacity: PyReadonlyArray1<'_, f64>,
    seed: u64,
    time_limit: Option<f64>,
    progress: Option<&Bound<'_, PyAny>>,
) -> PyResult<PySolution> {
    let (data, n, m) = matrix(&costs);
    let (demand, capacity) = (to_vec(&demand), to_vec(&capacity));
    cancellable(py, progress, move |_| {
        let matrix = core::CostMatrix::new(data, n, m)?;
        core::capacitated_p_median(&matrix, p, &demand, &capacity, &SolveOptions { seed, time_limit })
    })
    .map(|s| PySolution::new(s, n))
}

/// Fixed and forbidden sites and the optional service radius of a p-median problem.
fn median_options(
    fixed: Option<Vec<u32>>,
    forbidden: Option<Vec<u32>>,
    radius: Option<f64>,
    unserved_cost: Option<f64>,
) -> Result<core::MedianOptions> {
    let median =
        core::MedianOptions::default().fixed(fixed.unwrap_or_default()).forbidden(forbidden.unwrap_or_default());
    match (radius, unserved_cost) {
        (Some(r), Some(u)) => Ok(median.radius(r, u)),
        (None, None) => Ok(median),
        _ => {
            Err(Error::param("radius", "give radius and unserved_cost together (the cost of a row beyond the radius)"))
        }
    }
}

/// A solution from an outside solver's parts, checked (see `Solution.from_parts`).
#[allow(clippy::too_many_arguments)]
fn solution_from_parts(
    sites: &[i64],
    assignment: &[i64],
    objective: f64,
    bound: f64,
    sense: &str,
    timed_out: bool,
    seconds: f64,
    iterations: i64,
) -> Result<core::Solution> {
    let sense = match sense {
        "minimize" => core::Sense::Minimize,
        "maximize" => core::Sense::Maximize,
        other => return Err(Error::param("sense", format!("unknown sense '{other}'; use 'minimize' or 'maximize'"))),
    };
    let mut open = Vec::with_capacity(sites.len());
    for (k, &s) in sites.iter().enumerate() {
        let s = u32::try_from(s).map_err(|_| {
            Error::invalid("sites", Location::row(k), format!("site index {s} is not a column index ≥ 0"))
        })?;
        open.push(s);
    }
    open.sort_unstable();
    if let Some(w) = open.windows(2).find(|w| w[0] == w[1]) {
        return Err(Error::param("sites", format!("site {} is listed twice; give each open site once", w[0])));
    }
    let assignment = assignment
        .iter()
        .enumerate()
        .map(|(i, &a)| match a {
            -1 => Ok(None),
            a => u32::try_from(a).ok().filter(|s| open.binary_search(s).is_ok()).map(Some).ok_or_else(|| {
                Error::invalid(
                    "assignment",
                    Location::row(i),
                    format!("site {a} is not an open site (nor -1 for unserved)"),
                )
            }),
        })
        .collect::<Result<Vec<_>>>()?;
    let (seconds, iterations) = super::exact::effort(seconds, iterations)?;
    let mut solution = crate::plan::outside_solution(open, objective, bound, sense, timed_out)?;
    solution.assignment = assignment;
    solution.seconds = seconds;
    solution.iterations = iterations;
    Ok(solution)
}

/// Reject a NaN or negative time limit, as the solvers do.
fn check_time_limit(time_limit: Option<f64>) -> Result<()> {
    match time_limit {
        Some(t) if t.is_nan() || t < 0.0 => {
            Err(Error::param("time_limit", format!("time limit must be ≥ 0 seconds, got {t}")))
        }
        _ => Ok(()),
    }
}

/// Pairs grouped by site (CSR) and the site rules as a dictionary of columns.
fn problem_columns<'py>(
    py: Python<'py>,
    n_rows: usize,
    pairs: (Vec<usize>, Vec<u32>, Vec<f64>),
    weights: Vec<f64>,
    fixed: Vec<bool>,
    allowed: Vec<bool>,
) -> PyResult<Bound<'py, PyDict>> {
    let (offsets, rows, distances) = pairs;
    let dict = Columns::new(py)
        .i64("indptr", offsets.iter().map(|&o| to_i64(o)).collect())?
        .i64("rows", rows.iter().map(|&v| i64::from(v)).collect())?
        .f64("distances", distances)?
        .f64("weights", weights)?
        .bool("fixed", fixed)?
        .bool("allowed", allowed)?
        .finish();
    dict.set_item("n_rows", n_rows)?;
    dict.set_item("n_sites", offsets.len().saturating_sub(1))?;
    Ok(dict)
}

/// The covering problem of `solve_max_coverage` (with `p` or `budget`) or `solve_set_cover` (with
/// `share`) as arrays, after the same checks (see `villageplan.exact`).
#[pyfunction]
#[pyo3(signature = (
    costs, radius, p=None, budget=None, share=None, site_costs=None, weights=None, fixed=None, forbidden=None,
    time_limit=None, csc=None
))]
#[allow(clippy::too_many_arguments)]
pub fn exact_cover_problem<'py>(
    py: Python<'py>,
    costs: Option<PyReadonlyArray2<'py, f64>>,
    radius: f64,
    p: Option<usize>,
    budget: Option<f64>,
    share: Option<f64>,
    site_costs: Option<PyReadonlyArray1<'py, f64>>,
    weights: Option<PyReadonlyArray1<'py, f64>>,
    fixed: Option<Vec<u32>>,
    forbidden: Option<Vec<u32>>,
    time_limit: Option<f64>,
    csc: Option<CscArgs<'py>>,
) -> PyResult<Bound<'py, PyDict>> {
    let (site_costs, weights) = (opt_vec(site_costs.as_ref()), opt_vec(weights.as_ref()));
    let limit = attached(py, || match (share, p, budget) {
        (Some(_), None, None) => Ok(None),
        (Some(_), _, _) => Err(Error::param("share", "give share (set cover) or p / budget (max coverage), not both")),
        (None, Some(p), None) => Ok(Some(CoverLimit::Sites(p))),
        (None, None, Some(b)) => Ok(Some(CoverLimit::Budget(b))),
        _ => Err(Error::param("p", "give exactly one of p (number of sites) and budget")),
    })?;
    attached(py, || check_time_limit(time_limit))?;
    let (cov, n) = matrix_coverage(py, costs, csc, radius)?;
    let (pairs, weights, costs, fixed, allowed, need) = detached(py, move || {
        let problem = cover_problem(&cov, site_costs, weights, fixed, forbidden)?;
        let fixed = problem.fixed_mask();
        let need = match limit {
            Some(CoverLimit::Sites(p)) if p < problem.fixed.len() => {
                let k = problem.fixed.len();
                return Err(Error::param(
                    "p",
                    format!("p = {p} is smaller than the {k} sites fixed open; raise p to at least {k}"),
                ));
            }
            Some(CoverLimit::Budget(b)) if !b.is_finite() || b < 0.0 => {
                return Err(Error::param("budget", format!("budget must be a finite amount ≥ 0, got {b}")));
            }
            Some(_) => None,
            None => Some(core::greedy::cover_need(&problem, share.unwrap_or(1.0))?),
        };
        let pairs = coverage_pairs(&cov, &problem.allowed)?;
        let costs: Vec<f64> =
            (0..cov.n_sites()).map(|s| if fixed[s] || !problem.allowed[s] { 0.0 } else { problem.costs[s] }).collect();
        Ok((pairs, problem.weights, costs, fixed, problem.allowed, need))
    })?;
    let dict = problem_columns(py, n, pairs, weights, fixed, allowed)?;
    dict.set_item("costs", PyArray1::from_vec(py, costs))?;
    dict.set_item("need", need)?;
    Ok(dict)
}

/// The problem of `solve_p_median` (`goal="p_median"`) or `solve_p_center` (`goal="p_center"`)
/// as arrays, after the same checks: the finite entries of the columns that may open (within the
/// radius, when given), grouped by site (see `villageplan.exact`).
#[pyfunction]
#[pyo3(signature = (
    costs, p, goal="p_median", weights=None, fixed=None, forbidden=None, radius=None, unserved_cost=None,
    time_limit=None
))]
#[allow(clippy::too_many_arguments)]
pub fn exact_matrix_problem<'py>(
    py: Python<'py>,
    costs: PyReadonlyArray2<'py, f64>,
    p: usize,
    goal: &str,
    weights: Option<PyReadonlyArray1<'py, f64>>,
    fixed: Option<Vec<u32>>,
    forbidden: Option<Vec<u32>>,
    radius: Option<f64>,
    unserved_cost: Option<f64>,
    time_limit: Option<f64>,
) -> PyResult<Bound<'py, PyDict>> {
    let (data, n, m) = matrix(&costs);
    let weights = opt_vec(weights.as_ref());
    let center = attached(py, || match goal {
        "p_median" => Ok(false),
        "p_center" => Ok(true),
        other => Err(Error::param("goal", format!("unknown goal '{other}'; use 'p_median' or 'p_center'"))),
    })?;
    let (pairs, weights, fixed, allowed, unserved) = detached(py, move || {
        let matrix = core::CostMatrix::new(data, n, m)?;
        check_time_limit(time_limit)?;
        if center && (weights.is_some() || radius.is_some() || unserved_cost.is_some()) {
            return Err(Error::param("goal", "p_center takes no weights, radius or unserved_cost"));
        }
        let median = median_options(fixed, forbidden, radius, unserved_cost)?;
        let w = check_weights(weights.as_deref(), n)?;
        let (fixed, allowed) = check_sites(&median.fixed, &median.forbidden, m)?;
        check_p(p, &allowed, &fixed)?;
        core::pmedian::check_radius_cap(&median)?;
        if median.radius.is_none() {
            check_rows_reachable(&matrix, &allowed, center)?;
        }
        let pairs = matrix_pairs(&matrix, &allowed, median.radius)?;
        let unserved = median.radius.map(|_| median.unserved_cost);
        Ok((pairs, w, fixed, allowed, unserved))
    })?;
    let dict = problem_columns(py, n, pairs, weights, fixed, allowed)?;
    dict.set_item("unserved_cost", unserved)?;
    Ok(dict)
}

/// The problem of `solve_capacitated_p_median` as arrays, after the same checks: every finite
/// entry, grouped by site, with the demands (as `weights`) and the capacities (see
/// `villageplan.exact`).
#[pyfunction]
#[pyo3(signature = (costs, p, demand, capacity, time_limit=None))]
pub fn exact_capacitated_problem<'py>(
    py: Python<'py>,
    costs: PyReadonlyArray2<'py, f64>,
    p: usize,
    demand: PyReadonlyArray1<'py, f64>,
    capacity: PyReadonlyArray1<'py, f64>,
    time_limit: Option<f64>,
) -> PyResult<Bound<'py, PyDict>> {
    let (data, n, m) = matrix(&costs);
    let (demand, capacity) = (to_vec(&demand), to_vec(&capacity));
    let (pairs, demand, capacity) = detached(py, move || {
        let matrix = core::CostMatrix::new(data, n, m)?;
        check_time_limit(time_limit)?;
        crate::solve::cpmp::check_inputs(n, m, p, &demand, &capacity)?;
        let allowed = vec![true; m];
        check_rows_reachable(&matrix, &allowed, false)?;
        Ok((matrix_pairs(&matrix, &allowed, None)?, demand, capacity))
    })?;
    let dict = problem_columns(py, n, pairs, demand, vec![false; m], vec![true; m])?;
    dict.set_item("capacity", PyArray1::from_vec(py, capacity))?;
    Ok(dict)
}

/// Every row needs a column that may open at a finite cost (the p-median and p-center solvers'
/// check).
fn check_rows_reachable(matrix: &core::CostMatrix, allowed: &[bool], center: bool) -> Result<()> {
    let reachable = |i: usize| matrix.row(i).iter().zip(allowed).any(|(c, &a)| a && c.is_finite());
    let n = matrix.n_demand();
    let Some(i) = (0..n).find(|&i| !reachable(i)) else { return Ok(()) };
    let ok = (0..n).filter(|&k| reachable(k)).count();
    let what = if center {
        "Allow a site that reaches it or drop the row"
    } else {
        "Allow a site that reaches it, drop the row, or give a radius with an unserved cost"
    };
    Err(Error::Infeasible {
        reason: format!(
            "row {i} cannot be reached from any allowed site (every cost is infinite); only {ok} of {n} rows are reachable. {what}"
        ),
        achievable: ok as f64 / n as f64,
    })
}

/// Read an OR-Library `pmed` file: the all-pairs shortest-path matrix and p.
#[pyfunction]
pub fn read_orlib_pmed<'py>(
    py: Python<'py>,
    path: std::path::PathBuf,
) -> PyResult<(Bound<'py, numpy::PyArray2<f64>>, usize)> {
    let (matrix, p) = detached(py, move || crate::io::read_orlib_pmed(&path))?;
    let (n, m) = (matrix.n_demand(), matrix.n_sites());
    let flat = PyArray1::from_vec(py, matrix.into_vec());
    let arr = flat.reshape([n, m])?;
    Ok((arr, p))
}
