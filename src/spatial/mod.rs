//! Distances and the spatial index that finds villages within a radius.

/// Distance in metres between two positions of one CRS.
pub mod metric;
/// R-tree over village positions for radius queries.
pub mod index;

pub use index::PointIndex;
pub use metric::Metric;
