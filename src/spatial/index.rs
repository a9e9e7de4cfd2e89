use rstar::primitives::GeomWithData;
use rstar::{RTree, AABB};

use super::metric::{Metric, EARTH_RADIUS_M};

type Entry = GeomWithData<[f64; 2], u32>;

/// An R-tree (rstar) over points, answering "which points lie within `radius` metres of `p`".
///
/// For planar metres the tree is queried with a circle directly. For lon/lat degrees it is
/// queried with a bounding box in degrees that contains the spherical cap of the radius (widened
/// in longitude by 1/cos(latitude), split at the antimeridian, whole longitude range near the
/// poles), and every candidate is then checked with the exact haversine distance.
///
/// # Complexity
/// Building: O(n log n) time, O(n) space. A query: O(log n + k) for k candidates in the box.
pub struct PointIndex {
    tree: RTree<Entry>,
    metric: Metric,
}

impl PointIndex {
    /// Index `points` (item `i` gets id `i`) for distances measured by `metric`.
    pub fn new(points: impl IntoIterator<Item = [f64; 2]>, metric: Metric) -> Self {
        let entries: Vec<Entry> = points.into_iter().enumerate().map(|(i, p)| Entry::new(p, i as u32)).collect();
        Self { tree: RTree::bulk_load(entries), metric }
    }

    /// The metric distances are measured by.
    pub fn metric(&self) -> Metric {
        self.metric
    }

    /// Call `f(id, distance)` for every indexed point within `radius` metres of `p` (`d <= radius`).
    /// The order of calls is unspecified.
    pub fn for_each_within(&self, p: [f64; 2], radius: f64, mut f: impl FnMut(u32, f64)) {
        match self.metric {
            Metric::Euclidean => {
                for e in self.tree.locate_within_distance(p, radius * radius) {
                    let d = Metric::Euclidean.distance(p, *e.geom());
                    if d <= radius {
                        f(e.data, d);
                    }
                }
            }
            Metric::Haversine => {
                for [lo, hi] in geographic_boxes(p, radius).into_iter().flatten() {
                    for e in self.tree.locate_in_envelope(&AABB::from_corners(lo, hi)) {
                        let d = Metric::Haversine.distance(p, *e.geom());
                        if d <= radius {
                            f(e.data, d);
                        }
                    }
                }
            }
        }
    }
}

/// Up to two lon/lat boxes (split at the antimeridian) that contain every point within `radius`
/// metres of `p`.
fn geographic_boxes(p: [f64; 2], radius: f64) -> [Option<[[f64; 2]; 2]>; 2] {
    // Angular radius in degrees, with a small safety margin for rounding.
    let dlat = (radius / EARTH_RADIUS_M).to_degrees() * 1.000_001 + 1e-9;
    let (lon, lat) = (p[0], p[1]);
    let lat_lo = (lat - dlat).max(-90.0);
    let lat_hi = (lat + dlat).min(90.0);
    let max_abs_lat = lat_lo.abs().max(lat_hi.abs());
    // Near a pole (or for a cap wider than a hemisphere) take every longitude.
    if max_abs_lat >= 89.0 || dlat >= 45.0 {
        return [Some([[-180.0, lat_lo], [180.0, lat_hi]]), None];
    }
    // On a sphere the longitude half-width of a cap is asin(sin r / cos lat) ≤ r / cos(lat_max)
    // for small caps; use the latter, widened by the margin above.
    let dlon = (dlat / max_abs_lat.to_radians().cos()).min(180.0);
    let (lo, hi) = (lon - dlon, lon + dlon);
    if lo < -180.0 {
        [Some([[-180.0, lat_lo], [hi, lat_hi]]), Some([[lo + 360.0, lat_lo], [180.0, lat_hi]])]
    } else if hi > 180.0 {
        [Some([[lo, lat_lo], [180.0, lat_hi]]), Some([[-180.0, lat_lo], [hi - 360.0, lat_hi]])]
    } else {
        [Some([[lo, lat_lo], [hi, lat_hi]]), None]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn brute(points: &[[f64; 2]], p: [f64; 2], r: f64, m: Metric) -> Vec<u32> {
        (0..points.len() as u32).filter(|&i| m.distance(p, points[i as usize]) <= r).collect()
    }

    fn query(idx: &PointIndex, p: [f64; 2], r: f64) -> Vec<u32> {
        let mut v = Vec::new();
        idx.for_each_within(p, r, |i, _| v.push(i));
        v.sort_unstable();
        v
    }

    #[test]
    fn matches_brute_force_geographic_including_antimeridian_and_pole() {
        let mut pts = Vec::new();
        for i in 0..40 {
            for j in 0..40 {
                pts.push([-180.0 + i as f64 * 0.00025 * 9.0, 36.0 + j as f64 * 0.002]);
                pts.push([179.99 + (i as f64) * 0.0002 - 0.004, -20.0 + j as f64 * 0.001]);
                pts.push([i as f64 * 9.0 - 180.0, 89.99 - j as f64 * 0.0005]);
            }
        }
        let idx = PointIndex::new(pts.iter().copied(), Metric::Haversine);
        for &p in pts.iter().step_by(97) {
            for r in [150.0, 1000.0, 2500.0] {
                assert_eq!(query(&idx, p, r), brute(&pts, p, r, Metric::Haversine), "p={p:?} r={r}");
            }
        }
    }

    #[test]
    fn matches_brute_force_planar() {
        let pts: Vec<[f64; 2]> =
            (0..500).map(|i| [(i * 37 % 101) as f64 * 50.0, (i * 53 % 97) as f64 * 40.0]).collect();
        let idx = PointIndex::new(pts.iter().copied(), Metric::Euclidean);
        for &p in pts.iter().step_by(13) {
            assert_eq!(query(&idx, p, 700.0), brute(&pts, p, 700.0, Metric::Euclidean));
        }
    }
}
