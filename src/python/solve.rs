//! Low-level solvers on a plain cost matrix (`villageplan.solve`), spopt-like.

use numpy::{PyArray1, PyArrayMethods, PyReadonlyArray1, PyReadonlyArray2};
use pyo3::prelude::*;

use super::convert::{opt_vec, py_repr, to_vec};
use super::error::{attached, cancellable, detached};
use crate::coverage::Coverage;
use crate::error::{Error, Result};
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

/// A cost matrix from Python: dense, or compressed sparse columns (from SciPy) for large cases.
enum MatrixInput {
    Dense(Vec<f64>, usize, usize),
    Csc { rows: usize, cols: usize, indptr: Vec<i64>, indices: Vec<i64>, data: Vec<f64> },
}

/// A sparse matrix in CSC form as Python hands it over: (rows, cols, indptr, indices, data).
type CscArgs<'py> = (usize, usize, PyReadonlyArray1<'py, i64>, PyReadonlyArray1<'py, i64>, PyReadonlyArray1<'py, f64>);

impl MatrixInput {
    fn new(costs: Option<PyReadonlyArray2<'_, f64>>, csc: Option<CscArgs<'_>>) -> Result<Self> {
        match (costs, csc) {
            (Some(c), None) => {
                let (data, n, m) = matrix(&c);
                Ok(MatrixInput::Dense(data, n, m))
            }
            (None, Some((rows, cols, indptr, indices, data))) => Ok(MatrixInput::Csc {
                rows,
                cols,
                indptr: indptr.as_array().to_vec(),
                indices: indices.as_array().to_vec(),
                data: data.as_array().to_vec(),
            }),
            _ => Err(Error::param("costs", "give a dense cost matrix or a sparse one, not both")),
        }
    }

    fn rows(&self) -> usize {
        match self {
            MatrixInput::Dense(_, n, _) => *n,
            MatrixInput::Csc { rows, .. } => *rows,
        }
    }

    fn coverage(&self, radius: f64) -> Result<Coverage> {
        match self {
            MatrixInput::Dense(data, n, m) => Coverage::from_matrix(data, *n, *m, radius),
            MatrixInput::Csc { rows, cols, indptr, indices, data } => {
                Coverage::from_csc(*rows, *cols, indptr, indices, data, radius)
            }
        }
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
    let input = attached(py, || MatrixInput::new(costs, csc))?;
    let n = input.rows();
    let (site_costs, weights) = (opt_vec(site_costs.as_ref()), opt_vec(weights.as_ref()));
    let limit = attached(py, || match (p, budget) {
        (Some(p), None) => Ok(CoverLimit::Sites(p)),
        (None, Some(b)) => Ok(CoverLimit::Budget(b)),
        _ => Err(Error::param("p", "give exactly one of p (number of sites) and budget")),
    })?;
    cancellable(py, progress, move |_| {
        let cov = input.coverage(radius)?;
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
    let input = attached(py, || MatrixInput::new(costs, csc))?;
    let n = input.rows();
    let (site_costs, weights) = (opt_vec(site_costs.as_ref()), opt_vec(weights.as_ref()));
    cancellable(py, progress, move |_| {
        let cov = input.coverage(radius)?;
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
        let mut median =
            core::MedianOptions::default().fixed(fixed.unwrap_or_default()).forbidden(forbidden.unwrap_or_default());
        match (radius, unserved_cost) {
            (Some(r), Some(u)) => median = median.radius(r, u),
            (None, None) => {}
            _ => {
                return Err(Error::param(
                    "radius",
                    "give radius and unserved_cost together (the cost of a row beyond the radius)",
                ))
            }
        }
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
