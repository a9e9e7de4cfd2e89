//! Distances and the spatial index that finds villages within a radius.

/// R-tree over village positions for radius queries.
pub mod index;
/// Distance in metres between two positions of one CRS.
pub mod metric;

pub use index::PointIndex;
pub use metric::Metric;
