//! Forming communities: assigning villages to open centres.

/// Capacitated assignment (load capacity and villages per centre).
pub mod capacity;
/// Nearest-open-centre assignment.
pub mod communities;
/// Min-cost flow (successive shortest paths) for the capacitated assignment.
pub(crate) mod flow;

pub use capacity::{assign_capacitated, assign_capacitated_from, CapacitatedAssignment};
pub use communities::assign_nearest;
