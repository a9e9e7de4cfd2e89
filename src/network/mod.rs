//! Road networks: service radius along roads and in travel minutes.
//!
//! A 2 km straight line is not a 2 km walk: rivers, hills and the road layout decide who can
//! reach a centre. A [`RoadNetwork`] (a petgraph graph of junctions and road segments, with an
//! R-tree over the segments) is built from an edge list ([`RoadNetwork::from_edges`]) or from
//! polylines such as GeoJSON LineStrings ([`RoadNetwork::from_lines`]); villages and sites are
//! snapped to the nearest point of the nearest road ([`RoadNetwork::snap`]); and
//! [`network_coverage`] runs a radius-bounded Dijkstra search from every site in parallel. It
//! yields the same sparse [`Coverage`](crate::coverage::Coverage) as the straight-line path, so
//! every objective of the solver engine works unchanged on road distances or travel minutes.
//!
//! Villages that no site can reach (a road component without a candidate site, or far from any
//! road) are reported by [`reachability`], never dropped.

mod reach;
mod roads;
mod search;

pub use reach::{reachability, Unreachable, UnreachableReason};
pub use roads::{NetworkOptions, Road, RoadClass, RoadEdge, RoadLine, RoadNetwork, RoadNode, RoadSpeeds};
pub use search::{network_coverage, network_coverage_snapped, routes, NetworkCoverage, Route, Snap, Snaps, TravelCost};
