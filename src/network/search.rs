use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::sync::Mutex;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::roads::RoadNetwork;
use crate::coverage::Coverage;
use crate::error::{Error, Result};
use crate::model::Instance;
use crate::spatial::Metric;

/// Sites per parallel work item.
const CHUNK: usize = 64;

/// What a network search measures: metres along the roads, or travel minutes at the roads'
/// speeds (the access leg at the access speed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum TravelCost {
    /// Metres: access leg + distance along the roads.
    #[default]
    Metres,
    /// Minutes: access leg at the access speed + each road at its speed.
    Minutes,
}

impl TravelCost {
    /// `"metres"` or `"minutes"`.
    pub fn as_str(self) -> &'static str {
        match self {
            TravelCost::Metres => "metres",
            TravelCost::Minutes => "minutes",
        }
    }
}

/// Where a point meets the network: the nearest point of the nearest road segment.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Snap {
    /// Index of the road segment.
    pub road: u32,
    /// Position along the segment, from its `from` end (0) to its `to` end (1).
    pub t: f64,
    /// Length of the access leg between the point and the road, metres.
    pub access: f64,
    /// The point on the road, in the network's CRS.
    pub point: [f64; 2],
}

/// Per-road weights in the unit of a search.
struct Weights {
    /// Cost of each road end to end.
    road: Vec<f64>,
    /// Cost of one metre of access leg.
    access_per_m: f64,
}

impl RoadNetwork {
    /// Snap a point to the network: the nearest point of the nearest road segment.
    ///
    /// Algorithm: a nearest-neighbour query on the R-tree of segments in the planar frame, then
    /// the orthogonal projection onto that segment clamped to its ends. The access length is
    /// measured in the network's metric (haversine for lon/lat) between the point and the
    /// projected point. O(log r) for r segments.
    pub fn snap(&self, p: [f64; 2]) -> Snap {
        let q = self.frame.forward(p);
        let Some(seg) = self.segments.nearest_neighbor(&q) else {
            // The constructors refuse empty networks.
            return Snap { road: 0, t: 0.0, access: f64::INFINITY, point: p };
        };
        let (a, b) = (seg.geom().from, seg.geom().to);
        let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
        let len2 = dx * dx + dy * dy;
        let t = if len2 > 0.0 { (((q[0] - a[0]) * dx + (q[1] - a[1]) * dy) / len2).clamp(0.0, 1.0) } else { 0.0 };
        let point = self.frame.inverse([a[0] + t * dx, a[1] + t * dy]);
        let access = Metric::for_crs(self.crs()).distance(p, point);
        Snap { road: seg.data, t, access, point }
    }

    /// [`RoadNetwork::snap`] for many points, in parallel (order kept).
    pub fn snap_all(&self, points: &[[f64; 2]]) -> Vec<Snap> {
        points.par_iter().map(|&p| self.snap(p)).collect()
    }

    fn weights(&self, cost: TravelCost) -> Weights {
        match cost {
            TravelCost::Metres => Weights { road: self.roads().iter().map(|r| r.length).collect(), access_per_m: 1.0 },
            TravelCost::Minutes => Weights {
                road: self.roads().iter().map(|r| r.length * 0.06 / self.speed_of(r)).collect(),
                access_per_m: 0.06 / self.options().speeds.access,
            },
        }
    }
}

/// A heap entry ordered by cost, then node (smallest first in a max-heap).
#[derive(Clone, Copy, PartialEq)]
struct Entry(f64, u32);

impl Eq for Entry {}

impl Ord for Entry {
    fn cmp(&self, other: &Self) -> Ordering {
        other.0.total_cmp(&self.0).then_with(|| other.1.cmp(&self.1))
    }
}

impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Points attached to roads, grouped by road (a CSR over road indices).
struct Attached {
    offsets: Vec<u32>,
    /// (point index, position along the road, access cost, access metres).
    items: Vec<(u32, f64, f64, f64)>,
}

impl Attached {
    fn new(n_roads: usize, snaps: &[Snap], w: &Weights) -> Self {
        let mut offsets = vec![0u32; n_roads + 1];
        for s in snaps {
            offsets[s.road as usize + 1] += 1;
        }
        for i in 0..n_roads {
            offsets[i + 1] += offsets[i];
        }
        let mut fill = offsets[..n_roads].to_vec();
        let mut items = vec![(0u32, 0.0, 0.0, 0.0); snaps.len()];
        for (i, s) in snaps.iter().enumerate() {
            items[fill[s.road as usize] as usize] = (i as u32, s.t, s.access * w.access_per_m, s.access);
            fill[s.road as usize] += 1;
        }
        Self { offsets, items }
    }

    fn on(&self, road: u32) -> &[(u32, f64, f64, f64)] {
        &self.items[self.offsets[road as usize] as usize..self.offsets[road as usize + 1] as usize]
    }
}

/// Reusable per-thread buffers of a bounded search.
struct Scratch {
    dist: Vec<f64>,
    metres: Vec<f64>,
    pred: Vec<u32>,
    settled: Vec<bool>,
    touched: Vec<u32>,
    best: Vec<f64>,
    best_m: Vec<f64>,
    reached: Vec<u32>,
    heap: BinaryHeap<Entry>,
}

impl Scratch {
    fn new(n_nodes: usize, n_points: usize) -> Self {
        Self {
            dist: vec![f64::INFINITY; n_nodes],
            metres: vec![f64::INFINITY; n_nodes],
            pred: vec![u32::MAX; n_nodes],
            settled: vec![false; n_nodes],
            touched: Vec::new(),
            best: vec![f64::INFINITY; n_points],
            best_m: vec![f64::INFINITY; n_points],
            reached: Vec::new(),
            heap: BinaryHeap::new(),
        }
    }

    fn reset(&mut self) {
        for &n in &self.touched {
            self.dist[n as usize] = f64::INFINITY;
            self.metres[n as usize] = f64::INFINITY;
            self.pred[n as usize] = u32::MAX;
            self.settled[n as usize] = false;
        }
        for &v in &self.reached {
            self.best[v as usize] = f64::INFINITY;
            self.best_m[v as usize] = f64::INFINITY;
        }
        self.touched.clear();
        self.reached.clear();
        self.heap.clear();
    }

    fn offer_point(&mut self, v: u32, cost: f64, metres: f64) {
        let b = &mut self.best[v as usize];
        if b.is_infinite() {
            self.reached.push(v);
        }
        if cost < *b || (cost == *b && metres < self.best_m[v as usize]) {
            *b = cost;
            self.best_m[v as usize] = metres;
        }
    }

    fn offer_node(&mut self, n: u32, cost: f64, metres: f64, pred: u32) {
        let i = n as usize;
        if self.settled[i] {
            return;
        }
        if self.dist[i].is_infinite() {
            self.touched.push(n);
        }
        if cost < self.dist[i] || (cost == self.dist[i] && metres < self.metres[i]) {
            self.dist[i] = cost;
            self.metres[i] = metres;
            self.pred[i] = pred;
            self.heap.push(Entry(cost, n));
        }
    }
}

/// One radius-bounded search from a snapped origin: fills `sc.best`/`sc.best_m` for every
/// attached point reached within `limit` (in the search's unit), and `sc.dist`/`sc.pred` for the
/// junctions settled. `home` is a point at the origin itself (a centre's own village), reached at 0.
fn bounded_search(
    net: &RoadNetwork,
    w: &Weights,
    points: &Attached,
    origin: &Snap,
    home: Option<u32>,
    limit: f64,
    sc: &mut Scratch,
) {
    sc.reset();
    if let Some(v) = home {
        sc.offer_point(v, 0.0, 0.0);
    }
    let roads = net.roads();
    let r = &roads[origin.road as usize];
    let (wr, lr) = (w.road[origin.road as usize], r.length);
    let (c0, m0) = (origin.access * w.access_per_m, origin.access);
    // Points on the origin's own road, reached directly along it.
    for &(v, t, ca, ma) in points.on(origin.road) {
        let dt = (t - origin.t).abs();
        let c = c0 + dt * wr + ca;
        if c <= limit {
            sc.offer_point(v, c, m0 + dt * lr + ma);
        }
    }
    let to_from = (c0 + origin.t * wr, m0 + origin.t * lr);
    let to_to = (c0 + (1.0 - origin.t) * wr, m0 + (1.0 - origin.t) * lr);
    if to_from.0 <= limit {
        sc.offer_node(r.from, to_from.0, to_from.1, u32::MAX);
    }
    if to_to.0 <= limit {
        sc.offer_node(r.to, to_to.0, to_to.1, u32::MAX);
    }
    while let Some(Entry(d, n)) = sc.heap.pop() {
        let i = n as usize;
        if sc.settled[i] || d > sc.dist[i] {
            continue;
        }
        sc.settled[i] = true;
        let m = sc.metres[i];
        let (lo, hi) = (net.adj_offsets[i] as usize, net.adj_offsets[i + 1] as usize);
        for k in lo..hi {
            let (other, e) = net.adj[k];
            let road = &roads[e as usize];
            let (we, le) = (w.road[e as usize], road.length);
            for &(v, t, ca, ma) in points.on(e) {
                // Fraction of the road between this junction and the point.
                let f = if road.from == n { t } else { 1.0 - t };
                let c = d + f * we + ca;
                if c <= limit {
                    sc.offer_point(v, c, m + f * le + ma);
                }
            }
            let c = d + we;
            if c <= limit {
                sc.offer_node(other, c, m + le, e);
            }
        }
    }
}

/// Coverage along a road network, with the road metres of every covered pair and what the
/// snapping found.
#[derive(Debug, Clone, PartialEq)]
pub struct NetworkCoverage {
    /// Sites → villages within the limit; distances are in the unit of [`NetworkCoverage::cost`]
    /// (metres or minutes), and [`Coverage::radius`] is the limit in that unit.
    pub coverage: Coverage,
    /// Metres along the path of every covered pair, aligned with the coverage's pairs
    /// (access legs included).
    pub metres: Vec<f64>,
    /// The unit of the coverage's distances.
    pub cost: TravelCost,
    /// Where each village meets the network.
    pub village_snaps: Vec<Snap>,
    /// Where each site meets the network.
    pub site_snaps: Vec<Snap>,
}

impl NetworkCoverage {
    /// Road metres between site `s` and village `v` if `s` covers `v`.
    pub fn metres_between(&self, s: usize, v: u32) -> Option<f64> {
        let (offsets, villages, _) = self.coverage.csr();
        let lo = offsets[s];
        villages[lo..offsets[s + 1]].binary_search(&v).ok().map(|k| self.metres[lo + k])
    }

    /// The component of the road each village is snapped to.
    pub fn village_components(&self, net: &RoadNetwork) -> Vec<u32> {
        components_of(net, &self.village_snaps)
    }

    /// The component of the road each site is snapped to.
    pub fn site_components(&self, net: &RoadNetwork) -> Vec<u32> {
        components_of(net, &self.site_snaps)
    }
}

fn components_of(net: &RoadNetwork, snaps: &[Snap]) -> Vec<u32> {
    snaps.iter().map(|s| net.component[net.roads()[s.road as usize].from as usize]).collect()
}

/// Which villages every site reaches within `limit` along the roads, by a radius-bounded Dijkstra
/// search from every site in parallel.
///
/// Algorithm: snap villages and sites to their nearest road segments ([`RoadNetwork::snap`]);
/// attach the villages to their segments; then from each site run Dijkstra (Dijkstra 1959) from
/// the two ends of its segment (each at the access cost plus the part of the segment to reach
/// it), pruning every label above `limit`. Settling a junction offers every village attached to
/// an incident segment at the junction's cost plus the part of the segment to the village plus
/// the village's access leg; villages on the site's own segment are also offered directly along
/// it. A site standing in a village (same position) serves that village at 0, without the
/// access legs. Costs are metres, or minutes at each road's speed with the access legs at the
/// access speed.
/// Sites are processed in chunks on the rayon pool; network-sized buffers come from a shared pool
/// (at most one set per thread is allocated) and are reset in time proportional to what the last
/// search touched; the chunks are concatenated in site order, so the result does not depend on
/// the thread count. Ties between equal-cost paths keep
/// the shorter one in metres.
///
/// # Arguments
/// * `instance`: villages and sites, in the network's CRS.
/// * `net`: the road network.
/// * `limit`: the service radius in metres, or in minutes when `cost` is [`TravelCost::Minutes`].
/// * `cost`: the unit of `limit`.
/// * `within_town`: only pair a site with villages of its own town.
///
/// # Returns
/// A [`NetworkCoverage`]: the CSR coverage (distances in the unit of `cost`), the metres of each
/// pair and the snaps.
///
/// # Errors
/// [`Error::InvalidInput`] naming `radius`/`minutes` for a limit that is not a positive finite
/// number, or `roads` when the network's CRS differs from the county's.
///
/// # Complexity
/// O((n + m) log r) to snap n villages and m sites to r segments, then per site
/// O(k log k) for the k junctions within the limit; memory O(n + m + r) per thread plus the
/// covered pairs.
///
/// # Examples
/// ```
/// use villageplan::model::{Crs, Instance, Village};
/// use villageplan::network::{network_coverage, NetworkOptions, RoadLine, RoadNetwork, TravelCost};
/// // Three villages on a straight road, 1 km apart, and a fourth across a river with no bridge.
/// let villages = vec![
///     Village::new("a", "T", 0.0, 0.0, 100.0),
///     Village::new("b", "T", 1000.0, 0.0, 100.0),
///     Village::new("c", "T", 2000.0, 0.0, 100.0),
///     Village::new("d", "T", 0.0, 300.0, 100.0),
/// ];
/// let county = Instance::from_villages(Crs::Planar, villages)?;
/// let road = |c: Vec<[f64; 2]>| RoadLine { coords: c, ..Default::default() };
/// let lines = vec![road(vec![[0.0, 0.0], [2000.0, 0.0]]), road(vec![[0.0, 300.0], [0.0, 5000.0]])];
/// let net = RoadNetwork::from_lines(Crs::Planar, &lines, &NetworkOptions::default())?;
/// let cov = network_coverage(&county, &net, 1500.0, TravelCost::Metres, true)?;
/// assert_eq!(cov.coverage.villages_of(0), &[0, 1]); // d is 300 m away in a line, unreachable by road
/// assert_eq!(cov.coverage.distances_of(0), &[0.0, 1000.0]);
/// assert_eq!(cov.coverage.villages_of(3), &[3]);
/// # Ok::<(), villageplan::error::Error>(())
/// ```
pub fn network_coverage(
    instance: &Instance,
    net: &RoadNetwork,
    limit: f64,
    cost: TravelCost,
    within_town: bool,
) -> Result<NetworkCoverage> {
    check_limit(instance, net, limit, cost)?;
    let snaps = Snaps::new(instance, net);
    network_coverage_snapped(instance, net, snaps, limit, cost, within_town)
}

/// Where the villages and the sites of an instance meet a network (see [`RoadNetwork::snap`]);
/// compute once with [`Snaps::new`] and reuse for several limits with
/// [`network_coverage_snapped`].
#[derive(Debug, Clone, PartialEq)]
pub struct Snaps {
    /// One per village.
    pub villages: Vec<Snap>,
    /// One per site.
    pub sites: Vec<Snap>,
}

impl Snaps {
    /// Snap every village and site, in parallel.
    pub fn new(instance: &Instance, net: &RoadNetwork) -> Self {
        let vpos: Vec<[f64; 2]> = instance.villages().iter().map(|v| [v.x, v.y]).collect();
        let spos: Vec<[f64; 2]> = instance.sites().iter().map(|s| [s.x, s.y]).collect();
        Self { villages: net.snap_all(&vpos), sites: net.snap_all(&spos) }
    }
}

fn check_limit(instance: &Instance, net: &RoadNetwork, limit: f64, cost: TravelCost) -> Result<()> {
    let field = if cost == TravelCost::Minutes { "minutes" } else { "radius" };
    if !limit.is_finite() || limit <= 0.0 {
        return Err(Error::param(
            field,
            format!("the limit must be a positive number of {}, got {limit}", cost.as_str()),
        ));
    }
    if net.crs() != instance.crs() {
        return Err(Error::param(
            "roads",
            format!(
                "the roads are in {:?} coordinates but the county is in {:?}; give both in the same CRS",
                net.crs(),
                instance.crs()
            ),
        ));
    }
    Ok(())
}

/// [`network_coverage`] with the snaps computed beforehand ([`Snaps::new`] on the same instance
/// and network).
///
/// # Errors
/// As [`network_coverage`]; also [`Error::InvalidInput`] naming `snaps` when their counts do not
/// match the instance.
pub fn network_coverage_snapped(
    instance: &Instance,
    net: &RoadNetwork,
    snaps: Snaps,
    limit: f64,
    cost: TravelCost,
    within_town: bool,
) -> Result<NetworkCoverage> {
    check_limit(instance, net, limit, cost)?;
    if snaps.villages.len() != instance.n_villages() || snaps.sites.len() != instance.n_sites() {
        return Err(Error::param("snaps", "the snaps were made for another instance; make them with Snaps::new"));
    }
    if snaps.villages.iter().chain(&snaps.sites).any(|s| s.road as usize >= net.n_roads()) {
        return Err(Error::param("snaps", "the snaps were made for another network; make them with Snaps::new"));
    }
    let w = net.weights(cost);
    let Snaps { villages: village_snaps, sites: site_snaps } = snaps;
    let attached = Attached::new(net.n_roads(), &village_snaps, &w);
    let home = home_villages(instance);
    let (vt, st) = (instance.village_towns(), instance.site_towns());
    let n_sites = site_snaps.len();
    let n_villages = village_snaps.len();
    type Chunk = (Vec<usize>, Vec<u32>, Vec<f64>, Vec<f64>);
    // Buffers as large as the network are reused across chunks (a pool, so that at most one set
    // per worker thread is ever allocated); every search resets only what it touched.
    let pool: Mutex<Vec<Scratch>> = Mutex::new(Vec::new());
    let chunks: Vec<Chunk> = (0..n_sites.div_ceil(CHUNK))
        .into_par_iter()
        .map(|c| {
            let mut taken = pool.lock().ok().and_then(|mut p| p.pop());
            let sc = taken.get_or_insert_with(|| Scratch::new(net.n_junctions(), n_villages));
            let (mut lens, mut vs, mut ds, mut ms) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
            for s in c * CHUNK..((c + 1) * CHUNK).min(n_sites) {
                bounded_search(net, &w, &attached, &site_snaps[s], home[s], limit, sc);
                let mut got: Vec<u32> = sc
                    .reached
                    .iter()
                    .copied()
                    .filter(|&v| sc.best[v as usize] <= limit && (!within_town || vt[v as usize] == st[s]))
                    .collect();
                got.sort_unstable();
                lens.push(got.len());
                for v in got {
                    vs.push(v);
                    ds.push(sc.best[v as usize]);
                    ms.push(sc.best_m[v as usize]);
                }
            }
            if let (Some(sc), Ok(mut p)) = (taken, pool.lock()) {
                p.push(sc);
            }
            (lens, vs, ds, ms)
        })
        .collect();
    let mut offsets = Vec::with_capacity(n_sites + 1);
    offsets.push(0usize);
    let total: usize = chunks.iter().map(|c| c.1.len()).sum();
    let (mut villages, mut distances, mut metres) =
        (Vec::with_capacity(total), Vec::with_capacity(total), Vec::with_capacity(total));
    for (lens, vs, ds, ms) in chunks {
        for l in lens {
            let last = offsets[offsets.len() - 1];
            offsets.push(last + l);
        }
        villages.extend(vs);
        distances.extend(ds);
        metres.extend(ms);
    }
    let coverage = Coverage::from_csr_parts(limit, within_town, n_villages, offsets, villages, distances);
    Ok(NetworkCoverage { coverage, metres, cost, village_snaps, site_snaps })
}

/// For each site, the village it stands in when they share a position: the centre serves it at
/// distance 0, without going to the road and back.
fn home_villages(instance: &Instance) -> Vec<Option<u32>> {
    let villages = instance.villages();
    instance
        .sites()
        .iter()
        .zip(instance.site_villages())
        .map(|(s, v)| v.filter(|&v| villages[v as usize].x == s.x && villages[v as usize].y == s.y))
        .collect()
}

/// A route between a site and a village along the roads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Route {
    /// Vertices from the site to the village, in the network's CRS: the site, its snap point,
    /// the junctions passed, the village's snap point and the village.
    pub coords: Vec<[f64; 2]>,
    /// Length in metres (access legs included).
    pub metres: f64,
    /// Travel minutes at the network's speeds (access legs at the access speed).
    pub minutes: f64,
}

/// The routes from one site to some villages along the roads (by the least `cost`), for drawing.
///
/// Algorithm: one Dijkstra search from the site with predecessor labels, bounded by the largest
/// cost needed, then each village's path is read back through the predecessors. A village on the
/// site's own segment is reached along it directly when that is shorter.
///
/// # Returns
/// One entry per village in `villages`, `None` when the roads do not connect it to the site.
///
/// # Errors
/// [`Error::InvalidInput`] naming `roads` when the network's CRS differs from the county's, or
/// `villages`/`site` for an index out of range.
pub fn routes(
    instance: &Instance,
    net: &RoadNetwork,
    site: usize,
    villages: &[u32],
    cost: TravelCost,
) -> Result<Vec<Option<Route>>> {
    if net.crs() != instance.crs() {
        return Err(Error::param("roads", "the roads and the county use different coordinate systems"));
    }
    let s = instance.sites().get(site).ok_or_else(|| Error::param("site", format!("no site {site}")))?;
    let mut vpos = Vec::with_capacity(villages.len());
    for &v in villages {
        let vv =
            instance.villages().get(v as usize).ok_or_else(|| Error::param("villages", format!("no village {v}")))?;
        vpos.push([vv.x, vv.y]);
    }
    let w = net.weights(cost);
    let snaps = net.snap_all(&vpos);
    let origin = net.snap([s.x, s.y]);
    let attached = Attached::new(net.n_roads(), &snaps, &w);
    let mut sc = Scratch::new(net.n_junctions(), snaps.len());
    let home_village = home_villages(instance)[site];
    let home = villages.iter().position(|&v| Some(v) == home_village).map(|i| i as u32);
    bounded_search(net, &w, &attached, &origin, home, f64::INFINITY, &mut sc);
    let minutes_w = if cost == TravelCost::Minutes { None } else { Some(net.weights(TravelCost::Minutes)) };
    let roads = net.roads();
    let mut out = Vec::with_capacity(snaps.len());
    for (i, snap) in snaps.iter().enumerate() {
        if sc.best[i].is_infinite() {
            out.push(None);
            continue;
        }
        if Some(i as u32) == home {
            out.push(Some(Route { coords: vec![[s.x, s.y], vpos[i]], metres: 0.0, minutes: 0.0 }));
            continue;
        }
        // Rebuild: which end of the village's road did the best label come through?
        let r = &roads[snap.road as usize];
        let wr = w.road[snap.road as usize];
        let access = snap.access * w.access_per_m;
        let direct = if snap.road == origin.road {
            Some(origin.access * w.access_per_m + (snap.t - origin.t).abs() * wr + access)
        } else {
            None
        };
        let via_from = sc.dist[r.from as usize] + snap.t * wr + access;
        let via_to = sc.dist[r.to as usize] + (1.0 - snap.t) * wr + access;
        let (mut junctions, mut used) = (Vec::new(), Vec::new());
        if direct.is_none_or(|d| via_from.min(via_to) < d) {
            let mut n = if via_from <= via_to { r.from } else { r.to };
            loop {
                junctions.push(n);
                let e = sc.pred[n as usize];
                if e == u32::MAX {
                    break;
                }
                used.push(e);
                let road = &roads[e as usize];
                n = if road.from == n { road.to } else { road.from };
            }
            junctions.reverse();
        }
        let mut coords = vec![[s.x, s.y], origin.point];
        coords.extend(junctions.iter().map(|&n| net.junctions()[n as usize]));
        coords.push(snap.point);
        coords.push(vpos[i]);
        let metres = sc.best_m[i];
        let minutes = match &minutes_w {
            None => sc.best[i],
            Some(mw) => path_minutes(net, mw, &origin, snap, &junctions, &used),
        };
        out.push(Some(Route { coords, metres, minutes }));
    }
    Ok(out)
}

/// Minutes along a path given by its junctions and the roads between them (no junctions: along
/// the shared segment).
fn path_minutes(net: &RoadNetwork, mw: &Weights, origin: &Snap, end: &Snap, junctions: &[u32], used: &[u32]) -> f64 {
    let roads = net.roads();
    let access = (origin.access + end.access) * mw.access_per_m;
    let Some((&first, &last)) = junctions.first().zip(junctions.last()) else {
        return access + (end.t - origin.t).abs() * mw.road[origin.road as usize];
    };
    let part = |snap: &Snap, node: u32| {
        let r = &roads[snap.road as usize];
        let f = if r.from == node { snap.t } else { 1.0 - snap.t };
        f * mw.road[snap.road as usize]
    };
    let along = used.iter().map(|&e| mw.road[e as usize]).fold(0.0, |a, b| a + b);
    access + part(origin, first) + part(end, last) + along
}
