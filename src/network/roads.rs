use std::collections::HashMap;

use petgraph::graph::{NodeIndex, UnGraph};
use petgraph::unionfind::UnionFind;
use rstar::primitives::{GeomWithData, Line};
use rstar::RTree;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Location, Result};
use crate::model::Crs;
use crate::spatial::metric::EARTH_RADIUS_M;
use crate::spatial::Metric;

/// The administrative class of a rural road, which sets its default travel speed.
///
/// China's rural roads come in three tiers (2019: county 0.58 M km, township 1.20 M km, village
/// 2.42 M km of 4.20 M km; DOMAIN.md §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum RoadClass {
    /// County road (县道).
    County,
    /// Township road (乡道).
    Township,
    /// Village road (村道); the class of a road given without one.
    #[default]
    Village,
}

impl RoadClass {
    /// Every class, in declaration order.
    pub const ALL: [RoadClass; 3] = [RoadClass::County, RoadClass::Township, RoadClass::Village];

    /// The lower-case name used in files and in Python.
    pub fn as_str(self) -> &'static str {
        match self {
            RoadClass::County => "county",
            RoadClass::Township => "township",
            RoadClass::Village => "village",
        }
    }

    /// Parse a class name (`county`/`xiandao`, `township`/`xiangdao`, `village`/`cundao`); empty
    /// text means [`RoadClass::Village`].
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming `class` and listing the accepted names.
    pub fn parse(text: &str) -> Result<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "county" | "xiandao" | "县道" => Ok(RoadClass::County),
            "township" | "town" | "xiangdao" | "乡道" => Ok(RoadClass::Township),
            "" | "village" | "cundao" | "村道" => Ok(RoadClass::Village),
            other => Err(Error::param(
                "class",
                format!("unknown road class '{other}'; use county, township or village (or give a speed)"),
            )),
        }
    }
}

/// Travel speeds in km/h: one per road class, and the speed of the access leg between a village
/// or site and the nearest point of the network.
///
/// The defaults are guesses (**G**) for mixed rural traffic (e-bikes, cars, tractors) anchored on
/// the design speeds of China's rural road standard (JTG B01: tier-4 roads 20–30 km/h, tier-3
/// 30–40 km/h): county 40, township 30, village 20, and 4.5 km/h on foot for the access leg.
/// [`RoadSpeeds::walking`] sets every speed to one walking pace, for norms like Weifang's
/// "≤ 30 minutes' walk".
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoadSpeeds {
    /// County roads, km/h.
    pub county: f64,
    /// Township roads, km/h.
    pub township: f64,
    /// Village roads, km/h.
    pub village: f64,
    /// The access leg off the network, km/h.
    pub access: f64,
}

impl Default for RoadSpeeds {
    fn default() -> Self {
        Self { county: 40.0, township: 30.0, village: 20.0, access: 4.5 }
    }
}

impl RoadSpeeds {
    /// Every road and the access leg at one walking speed (km/h; 4.5 is a usual pace).
    pub fn walking(kmh: f64) -> Self {
        Self { county: kmh, township: kmh, village: kmh, access: kmh }
    }

    /// The default speed of a class, km/h.
    pub fn of(&self, class: RoadClass) -> f64 {
        match class {
            RoadClass::County => self.county,
            RoadClass::Township => self.township,
            RoadClass::Village => self.village,
        }
    }

    /// Reject a speed that is not a finite positive number.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming `speeds.<class>`.
    pub fn check(&self) -> Result<()> {
        for (name, v) in
            [("county", self.county), ("township", self.township), ("village", self.village), ("access", self.access)]
        {
            if !v.is_finite() || v <= 0.0 {
                return Err(Error::param(
                    format!("speeds.{name}"),
                    format!("a speed must be a positive number of km/h, got {v}"),
                ));
            }
        }
        Ok(())
    }
}

/// How a network is assembled from its input.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkOptions {
    /// Road ends (and vertices) closer than this many metres are joined into one junction.
    /// 0 joins only identical positions. Default 1 m.
    pub snap_tolerance: f64,
    /// A village or site farther than this many metres from every road is reported as off the
    /// network (it is still served through its access leg). Default 1,000 m.
    pub access_tolerance: f64,
    /// Speeds per class and of the access leg.
    pub speeds: RoadSpeeds,
}

impl Default for NetworkOptions {
    fn default() -> Self {
        Self { snap_tolerance: 1.0, access_tolerance: 1000.0, speeds: RoadSpeeds::default() }
    }
}

impl NetworkOptions {
    fn check(&self) -> Result<()> {
        if !self.snap_tolerance.is_finite() || self.snap_tolerance < 0.0 {
            return Err(Error::param(
                "snap_tolerance",
                format!("must be a non-negative number of metres, got {}", self.snap_tolerance),
            ));
        }
        if !self.access_tolerance.is_finite() || self.access_tolerance < 0.0 {
            return Err(Error::param(
                "access_tolerance",
                format!("must be a non-negative number of metres, got {}", self.access_tolerance),
            ));
        }
        self.speeds.check()
    }
}

/// A junction of an edge list: an id and a position in the network's CRS.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoadNode {
    /// Unique id, referenced by [`RoadEdge::from`] and [`RoadEdge::to`].
    pub id: String,
    /// Position (longitude or projected x).
    pub x: f64,
    /// Position (latitude or projected y).
    pub y: f64,
}

/// One row of an edge list.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct RoadEdge {
    /// Id of the node at one end.
    pub from: String,
    /// Id of the node at the other end.
    pub to: String,
    /// Length along the road in metres; the straight line between the ends when absent.
    pub length: Option<f64>,
    /// Travel speed in km/h; the class's speed when absent.
    pub speed: Option<f64>,
    /// Road class; [`RoadClass::Village`] when absent.
    pub class: Option<RoadClass>,
}

/// One road drawn as a polyline (a GeoJSON LineString).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct RoadLine {
    /// Vertices in the network's CRS, at least two.
    pub coords: Vec<[f64; 2]>,
    /// Length of the whole line in metres, when surveyed; the segments are scaled to it.
    /// The sum of the straight segments when absent.
    pub length: Option<f64>,
    /// Travel speed in km/h; the class's speed when absent.
    pub speed: Option<f64>,
    /// Road class; [`RoadClass::Village`] when absent.
    pub class: Option<RoadClass>,
}

/// One road segment of a built network, between two junctions.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Road {
    /// Junction index at one end.
    pub from: u32,
    /// Junction index at the other end.
    pub to: u32,
    /// Length in metres.
    pub length: f64,
    /// Class.
    pub class: RoadClass,
    /// Speed in km/h when it differs from the class's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speed: Option<f64>,
}

/// A planar frame for snapping: identity for projected input, a sinusoidal (equal-area)
/// projection in metres centred on the network for lon/lat input.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Frame {
    geographic: bool,
    lon0: f64,
    lat0: f64,
}

impl Frame {
    fn new(crs: Crs, nodes: &[[f64; 2]]) -> Self {
        let n = nodes.len().max(1) as f64;
        let (sx, sy) = nodes.iter().fold((0.0, 0.0), |(a, b), p| (a + p[0], b + p[1]));
        Self { geographic: crs == Crs::Geographic, lon0: sx / n, lat0: sy / n }
    }

    /// Position in planar metres.
    #[inline]
    pub(crate) fn forward(&self, p: [f64; 2]) -> [f64; 2] {
        if !self.geographic {
            return p;
        }
        let lat = p[1].to_radians();
        [EARTH_RADIUS_M * (p[0] - self.lon0).to_radians() * lat.cos(), EARTH_RADIUS_M * (p[1] - self.lat0).to_radians()]
    }

    /// Back from planar metres to the network's CRS.
    #[inline]
    pub(crate) fn inverse(&self, q: [f64; 2]) -> [f64; 2] {
        if !self.geographic {
            return q;
        }
        let lat = self.lat0 + (q[1] / EARTH_RADIUS_M).to_degrees();
        let c = lat.to_radians().cos().max(1e-12);
        [self.lon0 + (q[0] / (EARTH_RADIUS_M * c)).to_degrees(), lat]
    }
}

/// A road network: junctions, road segments between them, travel speeds, and the indexes that
/// make snapping and radius-bounded searches fast.
///
/// The graph is a petgraph [`UnGraph`] (one node per junction, one edge per road segment whose
/// weight is the segment's index in [`RoadNetwork::roads`]); the searches run on a compact
/// adjacency array derived from it, and snapping uses an rstar R-tree over the segments in a
/// planar frame (projected input as is; lon/lat through a sinusoidal projection centred on the
/// network, exact in area and, at county scale, within 0.1% in distance).
///
/// Build one with [`RoadNetwork::from_edges`] (an edge list with a node table) or
/// [`RoadNetwork::from_lines`] (polylines, such as GeoJSON LineStrings). Road ends closer than
/// [`NetworkOptions::snap_tolerance`] are joined; segments that collapse to a point after joining
/// (zero-length loops) are dropped and counted in [`RoadNetwork::dropped_loops`].
///
/// # Examples
/// ```
/// use villageplan::model::Crs;
/// use villageplan::network::{NetworkOptions, RoadEdge, RoadNetwork, RoadNode};
/// let nodes = vec![
///     RoadNode { id: "a".into(), x: 0.0, y: 0.0 },
///     RoadNode { id: "b".into(), x: 1000.0, y: 0.0 },
/// ];
/// let edges = vec![RoadEdge { from: "a".into(), to: "b".into(), length: Some(1200.0), ..Default::default() }];
/// let net = RoadNetwork::from_edges(Crs::Planar, &nodes, &edges, &NetworkOptions::default())?;
/// assert_eq!((net.n_junctions(), net.n_roads()), (2, 1));
/// assert_eq!(net.total_length(), 1200.0);
/// # Ok::<(), villageplan::error::Error>(())
/// ```
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(try_from = "RoadData", into = "RoadData")]
pub struct RoadNetwork {
    crs: Crs,
    nodes: Vec<[f64; 2]>,
    roads: Vec<Road>,
    options: NetworkOptions,
    dropped_loops: usize,
    // Derived.
    pub(crate) frame: Frame,
    graph: UnGraph<(), u32>,
    pub(crate) adj_offsets: Vec<u32>,
    pub(crate) adj: Vec<(u32, u32)>,
    pub(crate) component: Vec<u32>,
    n_components: usize,
    pub(crate) segments: RTree<GeomWithData<Line<[f64; 2]>, u32>>,
}

impl PartialEq for RoadNetwork {
    fn eq(&self, other: &Self) -> bool {
        self.crs == other.crs && self.nodes == other.nodes && self.roads == other.roads && self.options == other.options
    }
}

/// The serialised form of a [`RoadNetwork`]; deserialising checks and indexes it again.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RoadData {
    crs: Crs,
    nodes: Vec<[f64; 2]>,
    roads: Vec<Road>,
    #[serde(default)]
    options: NetworkOptions,
}

impl From<RoadNetwork> for RoadData {
    fn from(n: RoadNetwork) -> Self {
        RoadData { crs: n.crs, nodes: n.nodes, roads: n.roads, options: n.options }
    }
}

impl TryFrom<RoadData> for RoadNetwork {
    type Error = Error;
    fn try_from(d: RoadData) -> Result<Self> {
        d.options.check()?;
        for (i, p) in d.nodes.iter().enumerate() {
            d.crs.check_position(p[0], p[1], &Location::row(i))?;
        }
        for (i, r) in d.roads.iter().enumerate() {
            let at = Location::row(i);
            for (name, end) in [("from", r.from), ("to", r.to)] {
                if end as usize >= d.nodes.len() {
                    return Err(Error::invalid(
                        name,
                        at.clone(),
                        format!("junction {end} does not exist (the network has {})", d.nodes.len()),
                    ));
                }
            }
            check_length(r.length, &at)?;
            check_speed(r.speed, &at)?;
        }
        RoadNetwork::assemble(d.crs, d.nodes, d.roads, d.options, 0)
    }
}

fn check_length(length: f64, at: &Location) -> Result<()> {
    if !length.is_finite() || length < 0.0 {
        return Err(Error::invalid(
            "length",
            at.clone(),
            format!("a road length must be a non-negative number of metres, got {length}"),
        ));
    }
    Ok(())
}

fn check_speed(speed: Option<f64>, at: &Location) -> Result<()> {
    if let Some(v) = speed {
        if !v.is_finite() || v <= 0.0 {
            return Err(Error::invalid(
                "speed",
                at.clone(),
                format!("a speed must be a positive number of km/h, got {v}; leave it empty to use the class's speed"),
            ));
        }
    }
    Ok(())
}

/// Join positions closer than `tol` metres (in `frame`): returns the junction index of every
/// position and the junction positions (each the first position of its group).
///
/// Algorithm: hash positions into grid cells of side `tol` (exact positions when `tol` is 0),
/// union each position with every earlier one within `tol` in its 3 × 3 cell block, then number
/// the groups in order of first appearance. O(n) expected time for spread-out input.
fn join_positions(points: &[[f64; 2]], frame: &Frame, tol: f64, metric: Metric) -> (Vec<u32>, Vec<[f64; 2]>) {
    let n = points.len();
    let mut uf = UnionFind::<u32>::new(n);
    if tol == 0.0 {
        let mut seen: HashMap<(u64, u64), u32> = HashMap::with_capacity(n);
        for (i, p) in points.iter().enumerate() {
            let key = (p[0].to_bits(), p[1].to_bits());
            let first = *seen.entry(key).or_insert(i as u32);
            uf.union(first, i as u32);
        }
    } else {
        let mut grid: HashMap<(i64, i64), Vec<u32>> = HashMap::with_capacity(n);
        for (i, p) in points.iter().enumerate() {
            let q = frame.forward(*p);
            let (cx, cy) = ((q[0] / tol).floor() as i64, (q[1] / tol).floor() as i64);
            for dx in -1..=1 {
                for dy in -1..=1 {
                    // Saturating: a cell index is saturated already when coordinate / tol overflows.
                    if let Some(list) = grid.get(&(cx.saturating_add(dx), cy.saturating_add(dy))) {
                        for &j in list {
                            if metric.distance(points[j as usize], *p) <= tol {
                                uf.union(j, i as u32);
                            }
                        }
                    }
                }
            }
            grid.entry((cx, cy)).or_default().push(i as u32);
        }
    }
    let mut label = vec![u32::MAX; n];
    let mut junction = Vec::with_capacity(n);
    let mut positions = Vec::new();
    for (i, p) in points.iter().enumerate() {
        let root = uf.find(i as u32) as usize;
        if label[root] == u32::MAX {
            label[root] = positions.len() as u32;
            positions.push(*p);
        }
        junction.push(label[root]);
    }
    (junction, positions)
}

impl RoadNetwork {
    /// Build a network from a node table and an edge list.
    ///
    /// Nodes closer than `options.snap_tolerance` are joined first; an edge without a length
    /// takes the straight-line distance between its nodes.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming the field and row for: no edges (`roads`), a duplicate or
    /// empty node id (`id`), a bad position (`x`/`y`), an edge naming a node that is not in the
    /// table (`from`/`to`), a negative or NaN length (`length`), a speed that is not positive
    /// (`speed`), or bad options.
    pub fn from_edges(crs: Crs, nodes: &[RoadNode], edges: &[RoadEdge], options: &NetworkOptions) -> Result<Self> {
        options.check()?;
        if edges.is_empty() {
            return Err(Error::param("roads", "the road network has no edges; give at least one road"));
        }
        let mut ids: HashMap<&str, u32> = HashMap::with_capacity(nodes.len());
        for (i, n) in nodes.iter().enumerate() {
            let at = Location::row_id(i, n.id.clone());
            if n.id.trim().is_empty() {
                return Err(Error::invalid("id", at, "a road node needs an id"));
            }
            crs.check_position(n.x, n.y, &at)?;
            if ids.insert(n.id.as_str(), i as u32).is_some() {
                return Err(Error::invalid(
                    "id",
                    at,
                    format!("node id '{}' appears twice; node ids must be unique", n.id),
                ));
            }
        }
        let metric = Metric::for_crs(crs);
        let points: Vec<[f64; 2]> = nodes.iter().map(|n| [n.x, n.y]).collect();
        let mut roads = Vec::with_capacity(edges.len());
        for (i, e) in edges.iter().enumerate() {
            let at = Location::row(i);
            let end = |name: &str, id: &str| {
                ids.get(id).copied().ok_or_else(|| {
                    Error::invalid(
                        name,
                        at.clone(),
                        format!("edge names node '{id}', which is not in the node table; check the node ids"),
                    )
                })
            };
            let (a, b) = (end("from", &e.from)?, end("to", &e.to)?);
            let length = e.length.unwrap_or_else(|| metric.distance(points[a as usize], points[b as usize]));
            check_length(length, &at)?;
            check_speed(e.speed, &at)?;
            roads.push(Road { from: a, to: b, length, class: e.class.unwrap_or_default(), speed: e.speed });
        }
        Self::join_and_assemble(crs, points, roads, *options)
    }

    /// Build a network from polylines: every vertex is a junction (after joining those closer
    /// than `options.snap_tolerance`) and every pair of consecutive vertices a road segment.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming the field and row for: no lines (`roads`), a line with
    /// fewer than two vertices (`coordinates`), a bad position, a negative or NaN length, a
    /// speed that is not positive, or bad options.
    pub fn from_lines(crs: Crs, lines: &[RoadLine], options: &NetworkOptions) -> Result<Self> {
        options.check()?;
        if lines.is_empty() {
            return Err(Error::param("roads", "the road network has no lines; give at least one road"));
        }
        let metric = Metric::for_crs(crs);
        let mut points = Vec::new();
        let mut roads = Vec::new();
        for (i, line) in lines.iter().enumerate() {
            let at = Location::row(i);
            if line.coords.len() < 2 {
                return Err(Error::invalid(
                    "coordinates",
                    at,
                    format!("a road line needs at least 2 vertices, got {}", line.coords.len()),
                ));
            }
            for p in &line.coords {
                crs.check_position(p[0], p[1], &at)?;
            }
            check_speed(line.speed, &at)?;
            let straight: Vec<f64> = line.coords.windows(2).map(|w| metric.distance(w[0], w[1])).collect();
            let total = straight.iter().fold(0.0, |a, b| a + b);
            let scale = match line.length {
                Some(l) => {
                    check_length(l, &at)?;
                    if total > 0.0 {
                        l / total
                    } else {
                        1.0
                    }
                }
                None => 1.0,
            };
            let base = points.len() as u32;
            points.extend_from_slice(&line.coords);
            for (k, d) in straight.iter().enumerate() {
                roads.push(Road {
                    from: base + k as u32,
                    to: base + k as u32 + 1,
                    length: d * scale,
                    class: line.class.unwrap_or_default(),
                    speed: line.speed,
                });
            }
        }
        Self::join_and_assemble(crs, points, roads, *options)
    }

    fn join_and_assemble(crs: Crs, points: Vec<[f64; 2]>, roads: Vec<Road>, options: NetworkOptions) -> Result<Self> {
        let frame = Frame::new(crs, &points);
        let (junction, nodes) = join_positions(&points, &frame, options.snap_tolerance, Metric::for_crs(crs));
        let mut kept = Vec::with_capacity(roads.len());
        let mut loops = 0;
        for r in roads {
            let (a, b) = (junction[r.from as usize], junction[r.to as usize]);
            if a == b {
                loops += 1;
            } else {
                kept.push(Road { from: a, to: b, ..r });
            }
        }
        if kept.is_empty() {
            return Err(Error::param(
                "roads",
                format!(
                    "every road collapses to a point after joining ends within {} m; check the coordinates or lower snap_tolerance",
                    options.snap_tolerance
                ),
            ));
        }
        Self::assemble(crs, nodes, kept, options, loops)
    }

    fn assemble(
        crs: Crs,
        nodes: Vec<[f64; 2]>,
        roads: Vec<Road>,
        options: NetworkOptions,
        loops: usize,
    ) -> Result<Self> {
        if roads.is_empty() {
            return Err(Error::param("roads", "the road network has no edges; give at least one road"));
        }
        if nodes.len() >= u32::MAX as usize || roads.len() >= u32::MAX as usize {
            return Err(Error::param("roads", "more than 4 billion junctions or roads; split the network"));
        }
        let frame = Frame::new(crs, &nodes);
        let n = nodes.len();
        let mut graph = UnGraph::<(), u32>::with_capacity(n, roads.len());
        for _ in 0..n {
            graph.add_node(());
        }
        let mut uf = UnionFind::<u32>::new(n);
        let mut degree = vec![0u32; n + 1];
        for (e, r) in roads.iter().enumerate() {
            graph.add_edge(NodeIndex::new(r.from as usize), NodeIndex::new(r.to as usize), e as u32);
            uf.union(r.from, r.to);
            degree[r.from as usize + 1] += 1;
            degree[r.to as usize + 1] += 1;
        }
        for i in 0..n {
            degree[i + 1] += degree[i];
        }
        let adj_offsets = degree;
        let mut fill: Vec<u32> = adj_offsets[..n].to_vec();
        let mut adj = vec![(0u32, 0u32); 2 * roads.len()];
        for (e, r) in roads.iter().enumerate() {
            adj[fill[r.from as usize] as usize] = (r.to, e as u32);
            fill[r.from as usize] += 1;
            adj[fill[r.to as usize] as usize] = (r.from, e as u32);
            fill[r.to as usize] += 1;
        }
        let mut label = vec![u32::MAX; n];
        let mut component = Vec::with_capacity(n);
        let mut n_components = 0usize;
        for i in 0..n {
            let root = uf.find(i as u32) as usize;
            if label[root] == u32::MAX {
                label[root] = n_components as u32;
                n_components += 1;
            }
            component.push(label[root]);
        }
        let segments = RTree::bulk_load(
            roads
                .iter()
                .enumerate()
                .map(|(e, r)| {
                    let a = frame.forward(nodes[r.from as usize]);
                    let b = frame.forward(nodes[r.to as usize]);
                    GeomWithData::new(Line::new(a, b), e as u32)
                })
                .collect(),
        );
        Ok(Self {
            crs,
            nodes,
            roads,
            options,
            dropped_loops: loops,
            frame,
            graph,
            adj_offsets,
            adj,
            component,
            n_components,
            segments,
        })
    }

    /// The coordinate system of the junction positions.
    pub fn crs(&self) -> Crs {
        self.crs
    }

    /// Junction positions.
    pub fn junctions(&self) -> &[[f64; 2]] {
        &self.nodes
    }

    /// Road segments.
    pub fn roads(&self) -> &[Road] {
        &self.roads
    }

    /// The options the network was built with.
    pub fn options(&self) -> &NetworkOptions {
        &self.options
    }

    /// The network with other speeds (the geometry is kept).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming `speeds.<class>` for a speed that is not positive.
    pub fn with_speeds(&self, speeds: RoadSpeeds) -> Result<Self> {
        speeds.check()?;
        let mut out = self.clone();
        out.options.speeds = speeds;
        Ok(out)
    }

    /// The petgraph graph: node `i` is junction `i`, an edge's weight is its road index.
    pub fn graph(&self) -> &UnGraph<(), u32> {
        &self.graph
    }

    /// Number of junctions.
    pub fn n_junctions(&self) -> usize {
        self.nodes.len()
    }

    /// Number of road segments.
    pub fn n_roads(&self) -> usize {
        self.roads.len()
    }

    /// Number of connected components.
    pub fn n_components(&self) -> usize {
        self.n_components
    }

    /// The connected component of each junction (numbered from 0 in junction order).
    pub fn components(&self) -> &[u32] {
        &self.component
    }

    /// Segments dropped because both ends joined into one junction (zero-length loops).
    pub fn dropped_loops(&self) -> usize {
        self.dropped_loops
    }

    /// Total length in metres.
    pub fn total_length(&self) -> f64 {
        self.roads.iter().map(|r| r.length).fold(0.0, |a, b| a + b)
    }

    /// Total length per class in metres, in [`RoadClass::ALL`] order.
    pub fn length_by_class(&self) -> [f64; 3] {
        let mut out = [0.0; 3];
        for r in &self.roads {
            out[r.class as usize] += r.length;
        }
        out
    }

    /// Travel speed of a road in km/h.
    #[inline]
    pub fn speed_of(&self, road: &Road) -> f64 {
        road.speed.unwrap_or_else(|| self.options.speeds.of(road.class))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(id: &str, x: f64, y: f64) -> RoadNode {
        RoadNode { id: id.into(), x, y }
    }

    fn edge(a: &str, b: &str) -> RoadEdge {
        RoadEdge { from: a.into(), to: b.into(), ..Default::default() }
    }

    #[test]
    fn edge_list_errors_name_the_row() {
        let nodes = vec![node("a", 0.0, 0.0), node("b", 10.0, 0.0)];
        let o = NetworkOptions::default();
        let e = RoadNetwork::from_edges(Crs::Planar, &nodes, &[edge("a", "c")], &o).unwrap_err().to_string();
        assert!(e.contains("'c'") && e.contains("to"), "{e}");
        let bad = RoadEdge { length: Some(-1.0), ..edge("a", "b") };
        let e = RoadNetwork::from_edges(Crs::Planar, &nodes, &[bad], &o).unwrap_err().to_string();
        assert!(e.contains("length") && e.contains("-1"), "{e}");
        let e = RoadNetwork::from_edges(Crs::Planar, &nodes, &[], &o).unwrap_err().to_string();
        assert!(e.contains("no edges"), "{e}");
        let dup = vec![node("a", 0.0, 0.0), node("a", 1.0, 0.0)];
        assert!(RoadNetwork::from_edges(Crs::Planar, &dup, &[edge("a", "a")], &o).is_err());
    }

    #[test]
    fn close_ends_join_and_loops_drop() {
        let lines = vec![
            RoadLine { coords: vec![[0.0, 0.0], [100.0, 0.0]], ..Default::default() },
            RoadLine { coords: vec![[100.4, 0.3], [100.4, 80.0]], ..Default::default() },
            RoadLine { coords: vec![[500.0, 500.0], [500.5, 500.0]], ..Default::default() },
        ];
        let net = RoadNetwork::from_lines(Crs::Planar, &lines, &NetworkOptions::default()).unwrap();
        assert_eq!(net.n_junctions(), 4); // the third line collapsed to one point
        assert_eq!(net.n_roads(), 2);
        assert_eq!(net.dropped_loops(), 1);
        assert_eq!(net.n_components(), 2);
        let exact = NetworkOptions { snap_tolerance: 0.0, ..Default::default() };
        let net = RoadNetwork::from_lines(Crs::Planar, &lines, &exact).unwrap();
        assert_eq!((net.n_junctions(), net.n_roads(), net.n_components()), (6, 3, 3));
    }

    #[test]
    fn serde_round_trip_rebuilds_indexes() {
        let lines =
            vec![RoadLine { coords: vec![[119.0, 36.0], [119.01, 36.0], [119.01, 36.01]], ..Default::default() }];
        let net = RoadNetwork::from_lines(Crs::Geographic, &lines, &NetworkOptions::default()).unwrap();
        let text = serde_json::to_string(&net).unwrap();
        let back: RoadNetwork = serde_json::from_str(&text).unwrap();
        assert_eq!(back, net);
        assert_eq!(back.segments.size(), 2);
        let bad = text.replace("\"to\":1", "\"to\":9");
        assert!(serde_json::from_str::<RoadNetwork>(&bad).unwrap_err().to_string().contains("junction 9"));
    }

    #[test]
    fn frame_round_trips() {
        let f = Frame::new(Crs::Geographic, &[[119.0, 36.0], [119.4, 36.2]]);
        let p = [119.3, 36.15];
        let q = f.inverse(f.forward(p));
        assert!((q[0] - p[0]).abs() < 1e-9 && (q[1] - p[1]).abs() < 1e-9);
        let d = Metric::Haversine.distance([119.2, 36.1], [119.21, 36.1]);
        let (a, b) = (f.forward([119.2, 36.1]), f.forward([119.21, 36.1]));
        assert!(((a[0] - b[0]).hypot(a[1] - b[1]) - d).abs() / d < 1e-3);
    }
}
