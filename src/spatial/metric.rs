use geo::{Distance, Euclidean, Haversine, Point};
use serde::{Deserialize, Serialize};

use crate::model::Crs;

/// How the distance between two positions is measured. Always in metres.
///
/// # Units
/// * [`Metric::Haversine`]: positions are (longitude, latitude) in degrees; the distance is the
///   great-circle distance on a sphere of the GRS80 mean radius (6,371,008.8 m), as computed by
///   geo's `Haversine`.
/// * [`Metric::Euclidean`]: positions are projected metres; the distance is the straight line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// Great-circle distance on lon/lat degrees.
    Haversine,
    /// Straight-line distance on planar metres.
    Euclidean,
}

/// Earth radius used by [`Metric::Haversine`] (geo's GRS80 mean radius), metres.
pub const EARTH_RADIUS_M: f64 = 6_371_008.8;

impl Metric {
    /// The metric that fits a coordinate system.
    pub fn for_crs(crs: Crs) -> Self {
        match crs {
            Crs::Geographic => Metric::Haversine,
            Crs::Planar => Metric::Euclidean,
        }
    }

    /// Distance in metres between `a` and `b` (each `[x, y]` or `[lon, lat]`).
    ///
    /// # Examples
    /// ```
    /// use villageplan::spatial::Metric;
    /// let d = Metric::Haversine.distance([119.0, 36.0], [119.0, 36.01]);
    /// assert!((d - 1111.95).abs() < 0.1);
    /// assert_eq!(Metric::Euclidean.distance([0.0, 0.0], [3.0, 4.0]), 5.0);
    /// ```
    #[inline]
    pub fn distance(self, a: [f64; 2], b: [f64; 2]) -> f64 {
        let (p, q) = (Point::new(a[0], a[1]), Point::new(b[0], b[1]));
        match self {
            Metric::Haversine => Haversine.distance(p, q),
            Metric::Euclidean => Euclidean.distance(p, q),
        }
    }
}
