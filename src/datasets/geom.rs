//! Geometry helpers for the synthetic data sets: the local equal-area projection, polygon tests
//! and a uniform grid hash for fixed-radius neighbour queries.
//!
//! Everything here is crate-private; the public face is [`super::sample`].

use geo::{Distance, Haversine, Point};

/// Radius of the sphere used by the projection, in km: the same sphere as geo's [`Haversine`]
/// (GRS80 mean radius, 6,371.0088 km), so that projected lengths and haversine distances agree
/// to first order.
pub(crate) const EARTH_RADIUS_KM: f64 = Haversine.radius() / 1000.0;

/// Great-circle distance in km between two lon/lat points (degrees), via geo's [`Haversine`].
pub(crate) fn haversine_km(a: [f64; 2], b: [f64; 2]) -> f64 {
    Haversine.distance(Point::new(a[0], a[1]), Point::new(b[0], b[1])) / 1000.0
}

/// Euclidean distance between two planar points (same units as the points).
pub(crate) fn planar_dist(a: [f64; 2], b: [f64; 2]) -> f64 {
    (a[0] - b[0]).hypot(a[1] - b[1])
}

/// Round a coordinate to 1e-6 degrees (≈ 0.1 m), the precision of every generated position.
pub(crate) fn round6(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

/// The sinusoidal (Sanson–Flamsteed) projection on the sphere of radius [`EARTH_RADIUS_KM`],
/// centred on `origin`: planar km `(x, y)` east and north of the origin map to
///
/// ```text
/// lat = lat0 + (y / R)            (radians → degrees)
/// lon = lon0 + x / (R · cos(lat)) (radians → degrees)
/// ```
///
/// It is equal-area (so a polygon of A km² in the plane encloses A km² on the sphere), true to
/// scale along every parallel and along the central meridian. Away from the central meridian it
/// shears: the planar metric is `[[1, -s], [0, 1]]` times the true local metric, with
/// `s = Δlon(rad) · sin(lat)`, so planar and great-circle lengths differ by a factor of at most
/// `1 + |s|` (Snyder 1987, *Map Projections — A Working Manual*, USGS PP 1395, p. 243).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Projection {
    lon0: f64,
    lat0: f64,
}

impl Projection {
    /// A projection centred on `[lon0, lat0]` (degrees).
    pub(crate) fn new(origin: [f64; 2]) -> Self {
        Self { lon0: origin[0], lat0: origin[1] }
    }

    /// Planar km → lon/lat degrees.
    pub(crate) fn to_lonlat(self, p: [f64; 2]) -> [f64; 2] {
        let lat = self.lat0 + (p[1] / EARTH_RADIUS_KM).to_degrees();
        let lon = self.lon0 + (p[0] / (EARTH_RADIUS_KM * lat.to_radians().cos())).to_degrees();
        [lon, lat]
    }

    /// Lon/lat degrees → planar km.
    pub(crate) fn to_km(self, ll: [f64; 2]) -> [f64; 2] {
        let y = EARTH_RADIUS_KM * (ll[1] - self.lat0).to_radians();
        let x = EARTH_RADIUS_KM * ll[1].to_radians().cos() * (ll[0] - self.lon0).to_radians();
        [x, y]
    }

    /// Planar km → lon/lat rounded to 1e-6 degrees, with the planar km of the rounded point.
    pub(crate) fn snap(self, p: [f64; 2]) -> ([f64; 2], [f64; 2]) {
        let ll = self.to_lonlat(p);
        let ll = [round6(ll[0]), round6(ll[1])];
        (ll, self.to_km(ll))
    }

    /// An upper bound `K ≥ 1` such that, for points inside `ring_lonlat` (degrees),
    /// `planar_km ≤ K · great_circle_km` and `great_circle_km ≤ K · planar_km`.
    ///
    /// Uses the shear bound `1 + |s|` with `s = max|Δlon| · sin(max|lat|)` over the ring's
    /// bounding box, widened by 10% for the poleward bulge of great circles, plus a tiny
    /// absolute margin for rounding.
    pub(crate) fn distortion_bound(self, ring_lonlat: &[[f64; 2]]) -> f64 {
        let (mut dlon, mut lat) = (0.0_f64, 0.0_f64);
        for p in ring_lonlat {
            dlon = dlon.max((p[0] - self.lon0).abs());
            lat = lat.max(p[1].abs());
        }
        let s = dlon.to_radians() * lat.to_radians().sin();
        1.0 + 1.1 * s + 1e-6
    }
}

/// Twice the signed area of a ring (shoelace), positive when counter-clockwise. The ring is
/// given without repeating its first vertex.
pub(crate) fn signed_area(ring: &[[f64; 2]]) -> f64 {
    let n = ring.len();
    let mut s = 0.0;
    for i in 0..n {
        let a = ring[i];
        let b = ring[(i + 1) % n];
        s += a[0] * b[1] - b[0] * a[1];
    }
    0.5 * s
}

/// Axis-aligned bounding box `[min_x, min_y, max_x, max_y]` of a set of points.
pub(crate) fn bbox(points: &[[f64; 2]]) -> [f64; 4] {
    let mut b = [f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY];
    for p in points {
        b[0] = b[0].min(p[0]);
        b[1] = b[1].min(p[1]);
        b[2] = b[2].max(p[0]);
        b[3] = b[3].max(p[1]);
    }
    b
}

/// A simple polygon (one ring, no holes) with its bounding box, for point-in-polygon tests.
#[derive(Debug, Clone)]
pub(crate) struct Ring {
    /// Vertices, without repeating the first.
    pub(crate) points: Vec<[f64; 2]>,
    /// `[min_x, min_y, max_x, max_y]`.
    pub(crate) bbox: [f64; 4],
}

impl Ring {
    /// A ring from its vertices (first vertex not repeated).
    pub(crate) fn new(points: Vec<[f64; 2]>) -> Self {
        let bbox = bbox(&points);
        Self { points, bbox }
    }

    /// Whether `p` is inside (even–odd rule; points exactly on an edge may go either way).
    pub(crate) fn contains(&self, p: [f64; 2]) -> bool {
        let b = self.bbox;
        if p[0] < b[0] || p[0] > b[2] || p[1] < b[1] || p[1] > b[3] {
            return false;
        }
        let n = self.points.len();
        let mut inside = false;
        let mut j = n - 1;
        for i in 0..n {
            let a = self.points[i];
            let c = self.points[j];
            if (a[1] > p[1]) != (c[1] > p[1]) {
                let x = a[0] + (p[1] - a[1]) * (c[0] - a[0]) / (c[1] - a[1]);
                if p[0] < x {
                    inside = !inside;
                }
            }
            j = i;
        }
        inside
    }

    /// Shortest distance from `p` to the ring's edges (planar).
    pub(crate) fn distance_to_edges(&self, p: [f64; 2]) -> f64 {
        let n = self.points.len();
        let mut best = f64::INFINITY;
        for i in 0..n {
            let a = self.points[i];
            let b = self.points[(i + 1) % n];
            let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
            let len2 = dx * dx + dy * dy;
            let t = if len2 > 0.0 { (((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2).clamp(0.0, 1.0) } else { 0.0 };
            best = best.min(planar_dist(p, [a[0] + t * dx, a[1] + t * dy]));
        }
        best
    }
}

/// Sentinel for "no entry" in [`Grid`].
const EMPTY: u32 = u32::MAX;

/// A uniform grid hash over a planar box: each cell keeps a singly linked list of the items
/// inserted into it, so memory is one `u32` per cell plus one per item and a fixed-radius
/// query visits only the cells that the query disc overlaps.
///
/// Items are numbered `0, 1, 2, …` in insertion order; queries visit cells row by row and items
/// within a cell newest first, which is deterministic.
#[derive(Debug, Clone)]
pub(crate) struct Grid {
    x0: f64,
    y0: f64,
    cell: f64,
    nx: usize,
    ny: usize,
    head: Vec<u32>,
    next: Vec<u32>,
    pos: Vec<[f64; 2]>,
}

/// Most cells a grid may allocate (64 M cells = 256 MB of heads); the cell size grows to fit.
const MAX_CELLS: f64 = 64.0 * 1024.0 * 1024.0;

impl Grid {
    /// A grid over `bbox` (`[min_x, min_y, max_x, max_y]`) with cells of at least `min_cell`,
    /// grown so that there are at most about `target_cells` cells.
    pub(crate) fn new(bbox: [f64; 4], min_cell: f64, target_cells: usize) -> Self {
        let (w, h) = ((bbox[2] - bbox[0]).max(1e-9), (bbox[3] - bbox[1]).max(1e-9));
        let target = (target_cells.max(1) as f64).min(MAX_CELLS);
        let cell = min_cell.max((w * h / target).sqrt());
        let nx = ((w / cell).floor() as usize + 1).max(1);
        let ny = ((h / cell).floor() as usize + 1).max(1);
        Self { x0: bbox[0], y0: bbox[1], cell, nx, ny, head: vec![EMPTY; nx * ny], next: Vec::new(), pos: Vec::new() }
    }

    /// Cell size (planar units).
    #[cfg(test)]
    fn cell(&self) -> f64 {
        self.cell
    }

    fn ix(&self, x: f64) -> usize {
        (((x - self.x0) / self.cell).floor().max(0.0) as usize).min(self.nx - 1)
    }

    fn iy(&self, y: f64) -> usize {
        (((y - self.y0) / self.cell).floor().max(0.0) as usize).min(self.ny - 1)
    }

    /// Insert the next item at `p`; returns its number.
    pub(crate) fn insert(&mut self, p: [f64; 2]) -> u32 {
        let id = self.next.len() as u32;
        let c = self.iy(p[1]) * self.nx + self.ix(p[0]);
        self.next.push(self.head[c]);
        self.head[c] = id;
        self.pos.push(p);
        id
    }

    /// Position of item `id`.
    #[cfg(test)]
    fn pos(&self, id: u32) -> [f64; 2] {
        self.pos[id as usize]
    }

    /// Number of items.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.pos.len()
    }

    /// Call `f(id, position)` for every item in the cells overlapping the square of half-side
    /// `r` around `p` (a superset of the items within planar distance `r`), until `f` returns
    /// `false`. Returns `false` if it was stopped early.
    pub(crate) fn visit_near(&self, p: [f64; 2], r: f64, mut f: impl FnMut(u32, [f64; 2]) -> bool) -> bool {
        let (x_lo, x_hi) = (self.ix(p[0] - r), self.ix(p[0] + r));
        let (y_lo, y_hi) = (self.iy(p[1] - r), self.iy(p[1] + r));
        for cy in y_lo..=y_hi {
            for cx in x_lo..=x_hi {
                let mut id = self.head[cy * self.nx + cx];
                while id != EMPTY {
                    if !f(id, self.pos[id as usize]) {
                        return false;
                    }
                    id = self.next[id as usize];
                }
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn projection_round_trips_and_matches_haversine_locally() {
        let pr = Projection::new([119.4, 36.0]);
        let p = [12.5, -7.25];
        let ll = pr.to_lonlat(p);
        let q = pr.to_km(ll);
        assert!(planar_dist(p, q) < 1e-9, "{q:?}");
        // 1 km east along the parallel through the origin is 1 km on the sphere.
        let a = pr.to_lonlat([0.0, 0.0]);
        let b = pr.to_lonlat([1.0, 0.0]);
        assert!((haversine_km(a, b) - 1.0).abs() < 1e-6);
        let c = pr.to_lonlat([0.0, 1.0]);
        assert!((haversine_km(a, c) - 1.0).abs() < 1e-9);
    }

    #[test]
    fn ring_contains_area_and_edge_distance() {
        let sq = Ring::new(vec![[0.0, 0.0], [2.0, 0.0], [2.0, 2.0], [0.0, 2.0]]);
        assert!((signed_area(&sq.points) - 4.0).abs() < 1e-12);
        assert!(sq.contains([1.0, 1.0]));
        assert!(!sq.contains([3.0, 1.0]));
        assert!(!sq.contains([1.0, -0.1]));
        assert!((sq.distance_to_edges([1.0, 0.5]) - 0.5).abs() < 1e-12);
        assert!((sq.distance_to_edges([3.0, 1.0]) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn grid_finds_every_close_item() {
        let mut g = Grid::new([0.0, 0.0, 10.0, 10.0], 1.0, 100);
        let pts: Vec<[f64; 2]> = (0..200).map(|i| [(i as f64 * 0.731) % 10.0, (i as f64 * 0.377) % 10.0]).collect();
        for &p in &pts {
            g.insert(p);
        }
        assert_eq!(g.len(), 200);
        let q = [5.0, 5.0];
        let mut found = Vec::new();
        g.visit_near(q, 1.0, |id, p| {
            if planar_dist(p, q) <= 1.0 {
                found.push(id);
            }
            true
        });
        found.sort_unstable();
        let expect: Vec<u32> = (0..200u32).filter(|&i| planar_dist(pts[i as usize], q) <= 1.0).collect();
        assert_eq!(found, expect);
        assert!(g.cell() >= 1.0);
        assert_eq!(g.pos(3), pts[3]);
    }
}
