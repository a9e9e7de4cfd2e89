//! The planner: from a county and a coverage target to centres, communities and their cost.

/// Plans under a centre capacity and a village limit.
mod capacitated;
/// Options of the planner.
pub mod options;
/// The plan, its parts and the planner.
pub mod planner;

pub use options::{CapacityBy, CoverageBy, PlanObjective, PlanOptions};
pub use planner::{
    covering_problem, plan, plan_on, plan_with_centres, Assignment, Community, Plan, TownSummary, PLAN_FORMAT_VERSION,
};
