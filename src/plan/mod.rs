//! The planner: from a county and a coverage target to centres, communities and their cost.

/// The plan and its parts.
pub mod plan;
/// Options of the planner.
pub mod options;

pub use options::{CoverageBy, PlanObjective, PlanOptions};
pub use plan::{plan, Assignment, Community, Plan, TownSummary, PLAN_FORMAT_VERSION};
