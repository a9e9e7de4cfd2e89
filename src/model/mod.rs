//! The validated planning model: villages, towns, candidate sites and the instance that holds them.

/// Coordinate reference: geographic degrees or planar metres.
pub mod crs;
/// The validated collection of villages, towns and sites.
pub mod instance;
/// Candidate sites for centres and their status.
pub mod site;
/// Towns and subdistricts, the default grouping boundary.
pub mod town;
/// Administrative villages.
pub mod village;

pub use crs::Crs;
pub use instance::Instance;
pub use site::{Site, SiteStatus};
pub use town::Town;
pub use village::Village;

/// Persons per household used when households are not given (DOMAIN.md §6: 2.8, range 2.6–3.1).
pub const PERSONS_PER_HOUSEHOLD: f64 = 2.8;
