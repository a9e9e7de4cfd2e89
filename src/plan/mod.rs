//! The planner: from a county and a coverage target to centres, communities and their cost.

/// The service area: coverage by straight line or along roads, and what no site reaches.
pub mod area;
/// Plans under a centre capacity and a village limit.
mod capacitated;
/// The other objectives on a county: maximal coverage, p-median, p-center.
pub mod objectives;
/// Options of the planner.
pub mod options;
/// The plan, its parts and the planner.
pub mod planner;

pub use area::{NetworkSummary, ServiceArea};
pub use objectives::{
    objective_problem, outside_solution, plan_objective_with_centres, ObjectiveProblem, BOUND_TOLERANCE,
    MAX_EXACT_PAIRS,
};
pub use objectives::{plan_max_coverage, plan_p_center, plan_p_median, MAX_MATRIX_ENTRIES};
pub use options::{CapacityBy, CoverageBy, DistanceMetric, Goal, PlanObjective, PlanOptions};
pub use planner::{
    covering_problem, plan, plan_on, plan_with_centres, Assignment, Community, Plan, TownSummary, PLAN_FORMAT_VERSION,
};
