//! Step 6 of the sample county: a three-tier rural road network (DOMAIN.md §7, item 5).

use petgraph::unionfind::UnionFind;
use rand::RngExt;
use rand_chacha::ChaCha8Rng;
use rstar::primitives::GeomWithData;
use rstar::RTree;

use super::geom::{planar_dist, round6, Projection};
use crate::error::{Error, Result};
use crate::model::Crs;
use crate::network::{NetworkOptions, RoadClass, RoadEdge, RoadNetwork, RoadNode};

/// Nearest neighbours tried as Gabriel-graph candidates per point.
const NEIGHBOURS: usize = 10;
/// County roads are added beyond the seats' spanning tree up to this multiple of its length.
const COUNTY_EXTRA: f64 = 1.3;

/// Roads as planar-km segments before conversion.
struct Draft {
    /// Planar km of every junction: seats, then villages, then spur ends.
    km: Vec<[f64; 2]>,
    ids: Vec<String>,
    edges: Vec<(u32, u32, RoadClass, f64)>,
}

impl Draft {
    fn add(&mut self, a: u32, b: u32, class: RoadClass, winding: f64) {
        self.edges.push((a, b, class, winding));
    }
}

/// Gabriel-graph edges among `pts` (indices into `km`), each checked against every point of
/// `pts`, with candidates from each point's nearest neighbours. Returned sorted by length, then
/// by index pair, without duplicates.
fn gabriel(km: &[[f64; 2]], pts: &[u32]) -> Vec<(f64, u32, u32)> {
    let mut out = Vec::new();
    let mut near: Vec<(f64, u32)> = Vec::with_capacity(pts.len());
    for &a in pts {
        near.clear();
        near.extend(pts.iter().filter(|&&b| b != a).map(|&b| (planar_dist(km[a as usize], km[b as usize]), b)));
        near.sort_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
        for &(d, b) in near.iter().take(NEIGHBOURS) {
            if b < a {
                // Seen from b (when a is among b's neighbours) or checked here once.
                if out.iter().any(|&(_, x, y)| (x, y) == (b, a)) {
                    continue;
                }
            }
            let (pa, pb) = (km[a as usize], km[b as usize]);
            let mid = [(pa[0] + pb[0]) / 2.0, (pa[1] + pb[1]) / 2.0];
            let r = d / 2.0;
            let empty = pts.iter().all(|&c| c == a || c == b || planar_dist(km[c as usize], mid) >= r);
            if empty {
                out.push((d, a.min(b), a.max(b)));
            }
        }
    }
    out.sort_by(|x, y| x.0.total_cmp(&y.0).then((x.1, x.2).cmp(&(y.1, y.2))));
    out.dedup_by(|x, y| (x.1, x.2) == (y.1, y.2));
    out
}

/// Kruskal's spanning forest over `edges` (sorted by length): which edges it takes.
fn kruskal(n: usize, edges: &[(f64, u32, u32)], local: impl Fn(u32) -> usize) -> Vec<bool> {
    let mut uf = UnionFind::<usize>::new(n);
    edges.iter().map(|&(_, a, b)| uf.union(local(a), local(b))).collect()
}

/// Connect a set of points: Gabriel edges, then, if they leave it in pieces, the shortest links
/// between pieces. Returns (edges sorted by length, which of them form the spanning tree).
fn connect(km: &[[f64; 2]], pts: &[u32]) -> (Vec<(f64, u32, u32)>, Vec<bool>) {
    let mut edges = gabriel(km, pts);
    let pos = |p: u32| pts.iter().position(|&q| q == p).unwrap_or(0);
    let mut tree = kruskal(pts.len(), &edges, pos);
    let taken = tree.iter().filter(|&&t| t).count();
    if pts.len() > 1 && taken + 1 < pts.len() {
        // Rare: add every pair, so the spanning tree is the Euclidean one.
        for (i, &a) in pts.iter().enumerate() {
            for &b in &pts[i + 1..] {
                edges.push((planar_dist(km[a as usize], km[b as usize]), a.min(b), a.max(b)));
            }
        }
        edges.sort_by(|x, y| x.0.total_cmp(&y.0).then((x.1, x.2).cmp(&(y.1, y.2))));
        edges.dedup_by(|x, y| (x.1, x.2) == (y.1, y.2));
        tree = kruskal(pts.len(), &edges, pos);
    }
    (edges, tree)
}

/// The county tier over the seats: the Euclidean minimum spanning tree (from a Gabriel graph on
/// nearest neighbours, via an R-tree), plus the shortest other Gabriel edges until the tier is
/// [`COUNTY_EXTRA`] times the tree's length.
fn county_tier(d: &mut Draft, rng: &mut ChaCha8Rng, n_seats: usize) {
    let seats: Vec<u32> = (0..n_seats as u32).collect();
    let mut edges: Vec<(f64, u32, u32)> = if n_seats <= 400 {
        gabriel(&d.km, &seats)
    } else {
        let tree = RTree::bulk_load((0..n_seats).map(|s| GeomWithData::new(d.km[s], s as u32)).collect());
        let mut out = Vec::new();
        for a in 0..n_seats {
            for nb in tree.nearest_neighbor_iter(&d.km[a]).skip(1).take(NEIGHBOURS) {
                let b = nb.data as usize;
                let (pa, pb) = (d.km[a], d.km[b]);
                let mid = [(pa[0] + pb[0]) / 2.0, (pa[1] + pb[1]) / 2.0];
                let r = planar_dist(pa, pb) / 2.0;
                let inside = tree
                    .locate_within_distance(mid, r * r * (1.0 - 1e-12))
                    .any(|c| c.data as usize != a && c.data as usize != b);
                if !inside {
                    out.push((2.0 * r, a.min(b) as u32, a.max(b) as u32));
                }
            }
        }
        out.sort_by(|x, y| x.0.total_cmp(&y.0).then((x.1, x.2).cmp(&(y.1, y.2))));
        out.dedup_by(|x, y| (x.1, x.2) == (y.1, y.2));
        out
    };
    let mut tree = kruskal(n_seats, &edges, |s| s as usize);
    if n_seats > 1 && tree.iter().filter(|&&t| t).count() + 1 < n_seats {
        let (e, t) = connect(&d.km, &seats);
        edges = e;
        tree = t;
    }
    let mst: f64 = edges.iter().zip(&tree).filter(|(_, &t)| t).map(|(e, _)| e.0).fold(0.0, |a, b| a + b);
    let mut total = mst;
    for (e, &t) in edges.iter().zip(&tree) {
        let extra = !t && total < COUNTY_EXTRA * mst;
        if t || extra {
            d.add(e.1, e.2, RoadClass::County, rng.random_range(1.05..1.15));
            if extra {
                total += e.0;
            }
        }
    }
}

/// Build the sample county's roads.
///
/// * **County tier**: the seats' Euclidean minimum spanning tree plus the shortest other
///   Gabriel edges until the tier is 1.3 times the tree (DOMAIN.md §7).
/// * **Township tier**: per town, the Gabriel graph (Gabriel & Sokal 1969) of its villages and
///   seat, candidates from each point's 10 nearest neighbours; the edges of its minimum spanning
///   tree are township roads, the other Gabriel edges village roads.
/// * **Village spurs**: each village gets 0, 1 or 2 dead-end lanes (probabilities 0.3, 0.5,
///   0.2) of U[0.3, 1.2] km in a uniform direction, village class.
///
/// Each road's length is its great-circle length times a winding factor, U[1.05, 1.15] for
/// county roads and U[1.05, 1.25] for the others. Junction ids: `S<town>` for seats, the village
/// ids, `L<k>` for spur ends.
pub(crate) fn make_roads(
    rng: &mut ChaCha8Rng,
    proj: Projection,
    seats_lonlat: &[[f64; 2]],
    village_ids: &[String],
    villages_lonlat: &[[f64; 2]],
    village_town: &[u32],
) -> Result<RoadNetwork> {
    let n_seats = seats_lonlat.len();
    let mut d = Draft { km: Vec::new(), ids: Vec::new(), edges: Vec::new() };
    let mut lonlat: Vec<[f64; 2]> = Vec::new();
    for (t, &ll) in seats_lonlat.iter().enumerate() {
        d.km.push(proj.to_km(ll));
        d.ids.push(format!("S{t}"));
        lonlat.push(ll);
    }
    for (v, &ll) in villages_lonlat.iter().enumerate() {
        d.km.push(proj.to_km(ll));
        d.ids.push(village_ids[v].clone());
        lonlat.push(ll);
    }
    county_tier(&mut d, rng, n_seats);
    let mut by_town: Vec<Vec<u32>> = (0..n_seats as u32).map(|t| vec![t]).collect();
    for (v, &t) in village_town.iter().enumerate() {
        by_town[t as usize].push((n_seats + v) as u32);
    }
    for pts in &by_town {
        let (edges, tree) = connect(&d.km, pts);
        for (e, &t) in edges.iter().zip(&tree) {
            let class = if t { RoadClass::Township } else { RoadClass::Village };
            // Skip the non-Gabriel links `connect` may have added that are not in the tree.
            if t || gabriel_edge(&d.km, pts, e) {
                d.add(e.1, e.2, class, rng.random_range(1.05..1.25));
            }
        }
    }
    let mut spur = 0usize;
    for v in 0..villages_lonlat.len() {
        let u: f64 = rng.random();
        let count = if u < 0.3 {
            0
        } else if u < 0.8 {
            1
        } else {
            2
        };
        for _ in 0..count {
            let len: f64 = rng.random_range(0.3..1.2);
            let angle: f64 = rng.random_range(0.0..std::f64::consts::TAU);
            let from = d.km[n_seats + v];
            let (ll, km) = proj.snap([from[0] + len * angle.cos(), from[1] + len * angle.sin()]);
            let end = d.km.len() as u32;
            d.km.push(km);
            d.ids.push(format!("L{spur}"));
            lonlat.push([round6(ll[0]), round6(ll[1])]);
            spur += 1;
            d.add((n_seats + v) as u32, end, RoadClass::Village, rng.random_range(1.05..1.25));
        }
    }
    let nodes: Vec<RoadNode> =
        d.ids.iter().zip(&lonlat).map(|(id, ll)| RoadNode { id: id.clone(), x: ll[0], y: ll[1] }).collect();
    let metric = crate::spatial::Metric::Haversine;
    let edges: Vec<RoadEdge> = d
        .edges
        .iter()
        .map(|&(a, b, class, winding)| RoadEdge {
            from: d.ids[a as usize].clone(),
            to: d.ids[b as usize].clone(),
            length: Some((metric.distance(lonlat[a as usize], lonlat[b as usize]) * winding).round()),
            speed: None,
            class: Some(class),
        })
        .collect();
    // Villages are at least 400 m apart, so joining within 1 m only merges exact repeats.
    RoadNetwork::from_edges(Crs::Geographic, &nodes, &edges, &NetworkOptions::default())
        .map_err(|e| Error::Internal(format!("sample county roads: {e}")))
}

/// Whether `e` is a Gabriel edge of `pts`.
fn gabriel_edge(km: &[[f64; 2]], pts: &[u32], e: &(f64, u32, u32)) -> bool {
    let (pa, pb) = (km[e.1 as usize], km[e.2 as usize]);
    let mid = [(pa[0] + pb[0]) / 2.0, (pa[1] + pb[1]) / 2.0];
    pts.iter().all(|&c| c == e.1 || c == e.2 || planar_dist(km[c as usize], mid) >= e.0 / 2.0)
}
