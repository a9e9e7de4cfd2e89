//! Forming communities: assigning villages to open centres.

/// Nearest-open-centre assignment.
pub mod communities;

pub use communities::assign_nearest;
