//! The solver engine: objectives over the shared coverage structure, with certified bounds.
//!
//! Every solver returns a [`Solution`] that reports its objective, a proven bound on the
//! optimum, the relative gap between them and a [`Status`] that says `optimal` only when that gap
//! is zero.

/// Valid bounds on the optimum, used to certify solutions.
pub mod bounds;
/// Reductions and Lagrangian branch and bound for the covering objectives.
mod cover_bb;
/// Iterated local search for the covering objectives.
mod cover_search;
/// Incremental gain/loss bookkeeping for covering local search.
mod cover_state;
/// The capacitated p-median problem.
pub mod cpmp;
/// Lazy greedy for the covering objectives.
pub mod greedy;
/// Lagrangian bounds with subgradient optimisation (p-median, set cover).
pub(crate) mod lagrangian;
/// Resende–Werneck swap local search for the p-median problem.
pub(crate) mod local_search;
/// Dense demand × site cost matrices.
pub mod matrix;
/// Maximal coverage with a site count or a budget.
pub mod max_cover;
/// The p-center problem on a cost matrix.
pub mod pcenter;
/// The p-median problem on a cost matrix.
pub mod pmedian;
/// The covering problem shared by the covering objectives.
pub mod problem;
/// Row-weighting local search for full covers at one cost per site.
mod rwls;

pub use cpmp::capacitated_p_median;
pub use greedy::target_coverage;
pub use matrix::CostMatrix;
pub use max_cover::{max_coverage, CoverLimit};
pub use pcenter::{p_center, p_center_with, CenterOptions};
pub use pmedian::{p_median, p_median_with, MedianOptions};
pub use problem::CoverProblem;

use serde::{Deserialize, Serialize};

/// How far a solution is known to be from the optimum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Proven optimal: the objective equals the bound.
    Optimal,
    /// Feasible; the gap to the bound is reported but not closed.
    Feasible,
    /// Stopped by the time limit: the best solution found so far, with a valid bound.
    TimeLimit,
}

impl Status {
    /// Lower-case name, as used in JSON and Python.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Optimal => "optimal",
            Status::Feasible => "feasible",
            Status::TimeLimit => "time_limit",
        }
    }
}

/// Whether the objective is minimised or maximised (which side the bound is on).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sense {
    /// Smaller is better; the bound is a lower bound.
    Minimize,
    /// Larger is better; the bound is an upper bound.
    Maximize,
}

/// Options shared by the solvers.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SolveOptions {
    /// Seed of every random stream (results depend on it and on nothing else).
    pub seed: u64,
    /// Wall-clock limit in seconds; `None` for no limit.
    pub time_limit: Option<f64>,
}

/// The result of a solver: the open sites, the objective and its certificate.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Solution {
    /// Indices of the open sites, ascending (fixed sites included).
    pub open: Vec<u32>,
    /// For each demand row (village), the index of the site serving it, `None` when unserved.
    #[serde(default)]
    pub assignment: Vec<Option<u32>>,
    /// Objective value of `open`.
    pub objective: f64,
    /// Proven bound on the optimal objective: a lower bound when minimising, an upper bound when
    /// maximising.
    pub bound: f64,
    /// Relative gap `|objective - bound| / max(|objective|, 1e-9)`, 0 when proven optimal.
    pub gap: f64,
    /// Whether optimality is proven.
    pub status: Status,
    /// Direction of the objective.
    pub sense: Sense,
    /// Wall-clock seconds spent (not serialised: results must be byte-identical across runs).
    #[serde(skip)]
    pub seconds: f64,
    /// Solver iterations (greedy picks plus improvement moves).
    pub iterations: u64,
}

impl PartialEq for Solution {
    /// Equal when everything but the wall-clock time is equal.
    fn eq(&self, o: &Self) -> bool {
        self.open == o.open
            && self.assignment == o.assignment
            && self.objective == o.objective
            && self.bound == o.bound
            && self.gap == o.gap
            && self.status == o.status
            && self.sense == o.sense
            && self.iterations == o.iterations
    }
}

/// Tolerance under which objective and bound count as equal (relative).
pub const OPTIMALITY_TOLERANCE: f64 = 1e-9;

/// Relative gap between an objective and a bound on its optimum.
pub fn relative_gap(objective: f64, bound: f64, sense: Sense) -> f64 {
    let diff = match sense {
        Sense::Minimize => objective - bound,
        Sense::Maximize => bound - objective,
    };
    (diff.max(0.0)) / objective.abs().max(1e-9)
}

impl Solution {
    /// Assemble a solution, deriving the gap and the status (`optimal` only within
    /// [`OPTIMALITY_TOLERANCE`]; `time_limit` when `timed_out` and not proven). The assignment is
    /// left empty for the caller to fill.
    pub fn certify(open: Vec<u32>, objective: f64, bound: f64, sense: Sense, timed_out: bool) -> Self {
        let gap = relative_gap(objective, bound, sense);
        let proven = gap <= OPTIMALITY_TOLERANCE;
        let gap = if proven { 0.0 } else { gap };
        let status = if proven {
            Status::Optimal
        } else if timed_out {
            Status::TimeLimit
        } else {
            Status::Feasible
        };
        Solution { open, assignment: Vec::new(), objective, bound, gap, status, sense, seconds: 0.0, iterations: 0 }
    }

    /// Finish a covering solution: each village served by its nearest open site (unserved when
    /// none covers it), and the seconds since `start`.
    pub(crate) fn served_nearest(mut self, coverage: &crate::coverage::Coverage, start: std::time::Instant) -> Self {
        self.assignment = crate::group::assign_nearest(coverage, &self.open)
            .into_iter()
            .map(|a| a.map(|(k, _)| self.open[k as usize]))
            .collect();
        self.seconds = start.elapsed().as_secs_f64();
        self
    }
}
