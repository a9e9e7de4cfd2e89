//! The planner: from a county and a coverage target to centres, communities and their cost.

/// The plan, its parts and the planner.
pub mod planner;
/// Options of the planner.
pub mod options;

pub use options::{CoverageBy, PlanObjective, PlanOptions};
pub use planner::{plan, Assignment, Community, Plan, TownSummary, PLAN_FORMAT_VERSION};
