//! Road networks: distances against an independent shortest-path computation, coverage along
//! roads never above straight-line coverage, minutes, unreachable villages, routes, and the
//! sample county's roads.

#![allow(clippy::unwrap_used)]

use petgraph::algo::dijkstra;
use petgraph::graph::{NodeIndex, UnGraph};
use proptest::prelude::*;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use villageplan::coverage::Coverage;
use villageplan::datasets::sample_county;
use villageplan::model::{Crs, Instance, Village};
use villageplan::network::{
    network_coverage, routes, NetworkOptions, RoadEdge, RoadLine, RoadNetwork, RoadNode, RoadSpeeds, TravelCost,
    UnreachableReason,
};
use villageplan::plan::{plan, plan_max_coverage, plan_p_median, PlanOptions};
use villageplan::solve::CoverLimit;
use villageplan::spatial::Metric;

/// A random planar network: `n` junctions in a `size` m square, each joined to a few near ones,
/// some roads longer than the straight line; and villages scattered around (off the roads).
fn random_case(seed: u64, n: usize, n_villages: usize, size: f64) -> (Instance, RoadNetwork) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let pts: Vec<[f64; 2]> = (0..n).map(|_| [rng.random_range(0.0..size), rng.random_range(0.0..size)]).collect();
    let nodes: Vec<RoadNode> =
        pts.iter().enumerate().map(|(i, p)| RoadNode { id: format!("n{i}"), x: p[0], y: p[1] }).collect();
    let mut edges = Vec::new();
    for i in 0..n {
        let mut near: Vec<(f64, usize)> =
            (0..n).filter(|&j| j != i).map(|j| (Metric::Euclidean.distance(pts[i], pts[j]), j)).collect();
        near.sort_by(|a, b| a.0.total_cmp(&b.0));
        for &(d, j) in near.iter().take(rng.random_range(1..4)) {
            let winding = if rng.random_bool(0.5) { rng.random_range(1.0..1.5) } else { 1.0 };
            let class = Some(match rng.random_range(0..3) {
                0 => villageplan::network::RoadClass::County,
                1 => villageplan::network::RoadClass::Township,
                _ => villageplan::network::RoadClass::Village,
            });
            edges.push(RoadEdge {
                from: format!("n{i}"),
                to: format!("n{j}"),
                length: Some(d * winding),
                speed: None,
                class,
            });
        }
    }
    let net = RoadNetwork::from_edges(Crs::Planar, &nodes, &edges, &NetworkOptions::default()).unwrap();
    let villages: Vec<Village> = (0..n_villages)
        .map(|v| {
            let town = if v % 3 == 0 { "A" } else { "B" };
            Village::new(format!("v{v}"), town, rng.random_range(0.0..size), rng.random_range(0.0..size), 100.0)
        })
        .collect();
    let county = Instance::from_villages(Crs::Planar, villages).unwrap().with_roads(net.clone()).unwrap();
    (county, net)
}

/// Shortest costs between snapped points computed independently: every snap point becomes a node
/// that splits its road, every access leg an edge; then petgraph's Dijkstra from each site (a
/// site serves its own village at 0).
fn reference_costs(county: &Instance, net: &RoadNetwork, cost: TravelCost) -> Vec<Vec<f64>> {
    let speeds = net.options().speeds;
    let per_m = |kmh: f64| if cost == TravelCost::Minutes { 0.06 / kmh } else { 1.0 };
    let mut g = UnGraph::<(), f64>::new_undirected();
    for _ in 0..net.n_junctions() {
        g.add_node(());
    }
    let vpos: Vec<[f64; 2]> = county.villages().iter().map(|v| [v.x, v.y]).collect();
    let spos: Vec<[f64; 2]> = county.sites().iter().map(|s| [s.x, s.y]).collect();
    let all: Vec<[f64; 2]> = vpos.iter().chain(&spos).copied().collect();
    let mut on_road: Vec<Vec<(f64, NodeIndex)>> = vec![Vec::new(); net.n_roads()];
    let mut point_node = Vec::new();
    for p in &all {
        let snap = net.snap(*p);
        let mid = g.add_node(());
        let me = g.add_node(());
        g.add_edge(me, mid, snap.access * per_m(speeds.access));
        on_road[snap.road as usize].push((snap.t, mid));
        point_node.push(me);
    }
    for (e, r) in net.roads().iter().enumerate() {
        let w = r.length * per_m(net.speed_of(r));
        let mut stops = on_road[e].clone();
        stops.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut prev = (0.0, NodeIndex::new(r.from as usize));
        for &(t, node) in &stops {
            g.add_edge(prev.1, node, (t - prev.0) * w);
            prev = (t, node);
        }
        g.add_edge(prev.1, NodeIndex::new(r.to as usize), (1.0 - prev.0) * w);
    }
    let nv = vpos.len();
    (0..spos.len())
        .map(|s| {
            let d = dijkstra(&g, point_node[nv + s], None, |e| *e.weight());
            let mut row: Vec<f64> = (0..nv).map(|v| d.get(&point_node[v]).copied().unwrap_or(f64::INFINITY)).collect();
            // A centre serves the village it stands in at distance 0.
            if let Some(v) = county.site_villages()[s] {
                row[v as usize] = 0.0;
            }
            row
        })
        .collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * (1.0 + a.abs().max(b.abs()))
}

#[test]
fn network_distances_match_an_independent_dijkstra() {
    for seed in 0..6 {
        let (county, net) = random_case(seed, 60, 40, 6000.0);
        for (cost, limit) in [(TravelCost::Metres, 2500.0), (TravelCost::Minutes, 12.0)] {
            let nc = network_coverage(&county, &net, limit, cost, false).unwrap();
            let reference = reference_costs(&county, &net, cost);
            for (s, row) in reference.iter().enumerate() {
                let got: Vec<(u32, f64)> = nc.coverage.pairs_of(s).collect();
                let want: Vec<(u32, f64)> = row
                    .iter()
                    .enumerate()
                    .filter(|(_, &d)| d <= limit * (1.0 - 1e-9))
                    .map(|(v, &d)| (v as u32, d))
                    .collect();
                // Pairs right at the limit may fall either way by rounding; compare the rest.
                for &(v, d) in &want {
                    let g = got.iter().find(|p| p.0 == v).map(|p| p.1);
                    assert!(g.is_some_and(|g| close(g, d)), "seed {seed} {cost:?} site {s} village {v}: {g:?} vs {d}");
                }
                for &(v, d) in &got {
                    assert!(close(d, row[v as usize]), "seed {seed} site {s} village {v}: {d} vs {}", row[v as usize]);
                    assert!(d <= limit);
                }
            }
        }
    }
}

#[test]
fn metres_of_each_pair_follow_the_route() {
    let (county, net) = random_case(11, 50, 30, 5000.0);
    let nc = network_coverage(&county, &net, 3000.0, TravelCost::Metres, false).unwrap();
    for s in [0usize, 7, 19] {
        let vs: Vec<u32> = nc.coverage.villages_of(s).to_vec();
        let rs = routes(&county, &net, s, &vs, TravelCost::Metres).unwrap();
        for ((v, d), r) in nc.coverage.pairs_of(s).zip(&rs) {
            let r = r.as_ref().unwrap();
            assert!(close(r.metres, d), "route {} vs coverage {d} for village {v}", r.metres);
            assert!(close(nc.metres_between(s, v).unwrap(), d));
            // The drawn line is never longer than the road distance (roads may wind).
            let drawn: f64 = r.coords.windows(2).map(|w| Metric::Euclidean.distance(w[0], w[1])).sum();
            assert!(drawn <= r.metres + 1e-6);
            assert_eq!(r.coords.first(), Some(&[county.sites()[s].x, county.sites()[s].y]));
        }
    }
}

#[test]
fn minutes_are_metres_over_speed_on_a_one_speed_network() {
    let (county, net) = random_case(5, 40, 30, 4000.0);
    let walk = net.with_speeds(RoadSpeeds::walking(4.5)).unwrap();
    let m = network_coverage(&county, &walk, 1e9, TravelCost::Metres, false).unwrap();
    let t = network_coverage(&county, &walk, 1e9, TravelCost::Minutes, false).unwrap();
    assert_eq!(m.coverage.n_pairs(), t.coverage.n_pairs());
    for s in 0..county.n_sites() {
        for ((v1, d), (v2, min)) in m.coverage.pairs_of(s).zip(t.coverage.pairs_of(s)) {
            assert_eq!(v1, v2);
            assert!(close(min, d / 4500.0 * 60.0), "{min} min vs {d} m");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// At the same radius, coverage along roads never exceeds straight-line coverage: every pair a
    /// road search finds is also within the radius in a straight line, at no shorter distance.
    #[test]
    fn network_coverage_never_exceeds_straight_line(seed in 0u64..10_000, radius in 300.0f64..4000.0) {
        let (county, net) = random_case(seed, 30, 25, 5000.0);
        for within_town in [false, true] {
            let road = network_coverage(&county, &net, radius, TravelCost::Metres, within_town).unwrap();
            let line = Coverage::build(&county, radius, within_town).unwrap();
            prop_assert!(road.coverage.n_pairs() <= line.n_pairs());
            for s in 0..county.n_sites() {
                for (v, d) in road.coverage.pairs_of(s) {
                    let straight = line.pairs_of(s).find(|p| p.0 == v);
                    prop_assert!(straight.is_some_and(|(_, ds)| ds <= d + 1e-6), "site {} village {}", s, v);
                }
            }
            let opts = PlanOptions::default().radius(radius).within_town(within_town);
            let a = plan_max_coverage(&county, &opts.clone().network(), CoverLimit::Sites(3)).unwrap();
            let b = plan_max_coverage(&county, &opts, CoverLimit::Sites(3)).unwrap();
            // The engine finds the optimum on these small cases; allow a tiny heuristic slack.
            prop_assert!(a.covered_villages() <= b.covered_villages() + 1);
            for x in a.assignments.iter().filter(|x| x.covered()) {
                prop_assert!(x.distance.unwrap() <= radius + 1e-6);
            }
        }
    }
}

#[test]
fn same_result_at_any_thread_count() {
    let (county, net) = random_case(3, 200, 300, 10_000.0);
    let run = |threads| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        pool.install(|| network_coverage(&county, &net, 2000.0, TravelCost::Metres, true).unwrap())
    };
    assert_eq!(run(1), run(2));
}

#[test]
fn disconnected_villages_are_reported_not_dropped() {
    // Two road pieces: sites only on the west piece may open.
    let mut villages: Vec<Village> =
        (0..4).map(|i| Village::new(format!("w{i}"), "T", i as f64 * 500.0, 0.0, 100.0)).collect();
    villages.extend((0..3).map(|i| Village::new(format!("e{i}"), "T", 10_000.0 + i as f64 * 500.0, 0.0, 100.0)));
    villages.push(Village::new("far", "T", 1000.0, 3000.0, 100.0));
    let lines = vec![
        RoadLine { coords: vec![[0.0, 0.0], [1500.0, 0.0]], ..Default::default() },
        RoadLine { coords: vec![[10_000.0, 0.0], [11_000.0, 0.0]], ..Default::default() },
    ];
    let net = RoadNetwork::from_lines(Crs::Planar, &lines, &NetworkOptions::default()).unwrap();
    let county = Instance::from_villages(Crs::Planar, villages).unwrap();
    let mut sites = county.sites().to_vec();
    // No site may open in the east or in the far village (which could otherwise serve itself).
    for s in sites.iter_mut().filter(|s| s.id.starts_with('e') || s.id == "far") {
        s.status = villageplan::model::SiteStatus::NoSpace;
    }
    let county = county.with_sites(sites).unwrap().with_roads(net).unwrap();
    let opts = PlanOptions::default().radius(2000.0).target(0.5).network();
    let p = plan(&county, &opts).unwrap();
    let reasons: Vec<(&str, &str)> = p.unreachable.iter().map(|u| (u.id.as_str(), u.code())).collect();
    assert_eq!(
        reasons,
        vec![
            ("e0", "no_site_on_component"),
            ("e1", "no_site_on_component"),
            ("e2", "no_site_on_component"),
            ("far", "far_from_road")
        ]
    );
    assert!(
        matches!(p.unreachable[3].reason, UnreachableReason::FarFromRoad { access } if (access - 3000.0).abs() < 1e-9)
    );
    assert_eq!(p.network.as_ref().unwrap().off_road, vec!["far".to_string()]);
    assert_eq!(p.covered_villages(), 4);
    // Asking for more than is reachable names the reasons.
    let err = plan(&county, &opts.clone().target(0.9)).unwrap_err().to_string();
    assert!(err.contains("4 villages cannot be reached") && err.contains("no site on component"), "{err}");
    // Straight-line plans report villages beyond every site's radius too.
    let p = plan(&county.without_roads(), &PlanOptions::default().radius(600.0).target(0.5)).unwrap();
    assert!(p.unreachable.iter().all(|u| u.code() == "beyond_radius"));
}

#[test]
fn network_metric_needs_roads_and_minutes_need_the_network() {
    let villages = (0..5).map(|i| Village::new(format!("v{i}"), "T", i as f64 * 900.0, 0.0, 100.0)).collect();
    let county = Instance::from_villages(Crs::Planar, villages).unwrap();
    let e = plan(&county, &PlanOptions::default().network()).unwrap_err().to_string();
    assert!(e.contains("metric") && e.contains("with_roads"), "{e}");
    let o = PlanOptions { minutes: Some(30.0), ..Default::default() };
    let e = plan(&county, &o).unwrap_err().to_string();
    assert!(e.contains("minutes") && e.contains("network"), "{e}");
    let line = vec![RoadLine { coords: vec![[0.0, 0.0], [3600.0, 0.0]], ..Default::default() }];
    let net = RoadNetwork::from_lines(Crs::Planar, &line, &NetworkOptions::default()).unwrap();
    let county = county.with_roads(net.with_speeds(RoadSpeeds::walking(4.5)).unwrap()).unwrap();
    let e = plan(&county, &PlanOptions::default().minutes(-1.0)).unwrap_err().to_string();
    assert!(e.contains("minutes"), "{e}");
    // 12 minutes at 4.5 km/h is 900 m: each centre serves itself and its neighbours.
    let p = plan(&county, &PlanOptions::default().minutes(12.0).target(1.0)).unwrap();
    assert_eq!(p.communities.len(), 2);
    for a in &p.assignments {
        let (d, m) = (a.distance.unwrap(), a.minutes.unwrap());
        assert!(close(m, d / 4500.0 * 60.0) && m <= 12.0 + 1e-9);
    }
    // p-median along roads agrees with the straight line on a straight road.
    let a = plan_p_median(&county, &PlanOptions::default().network(), 2).unwrap();
    let b = plan_p_median(&county.without_roads(), &PlanOptions::default(), 2).unwrap();
    assert!(close(a.solution.objective, b.solution.objective));
}

#[test]
fn sample_county_roads_follow_the_recipe() {
    let county = sample_county(2008).unwrap();
    let net = county.roads().expect("the sample county has roads");
    assert_eq!(net.n_components(), 1);
    let km = net.total_length() / 1000.0;
    // DOMAIN.md §7: 80–150 km of road per 100 km² on 1,200 km².
    assert!((960.0..=1800.0).contains(&km), "{km} km");
    let by = net.length_by_class();
    let shares: Vec<f64> = by.iter().map(|l| l / net.total_length()).collect();
    // 2019 national shares 14:28:58 (county, township, village), loosely.
    assert!((0.07..0.22).contains(&shares[0]) && (0.18..0.40).contains(&shares[1]) && shares[2] > 0.45, "{shares:?}");
    // Detour factor: road / straight distance between villages 1–5 km apart in one town.
    let nc = network_coverage(&county, net, 20_000.0, TravelCost::Metres, true).unwrap();
    let (mut sum, mut n) = (0.0, 0);
    let vs = county.villages();
    for s in 0..county.n_sites() {
        for (v, d) in nc.coverage.pairs_of(s) {
            let sv = &county.sites()[s];
            let straight = Metric::Haversine.distance([sv.x, sv.y], [vs[v as usize].x, vs[v as usize].y]);
            if (1000.0..5000.0).contains(&straight) {
                sum += d / straight;
                n += 1;
            }
        }
    }
    let detour = sum / n as f64;
    assert!((1.2..=1.4).contains(&detour), "detour factor {detour}");
    // Deterministic by seed.
    assert_eq!(sample_county(2008).unwrap().roads(), Some(net));
    // Coverage along roads is lower than by straight line, at the same radius.
    let o = PlanOptions::default().radius(2000.0);
    let road = plan_max_coverage(&county, &o.clone().network(), CoverLimit::Sites(26)).unwrap();
    let line = plan_max_coverage(&county, &o, CoverLimit::Sites(26)).unwrap();
    assert!(road.coverage < line.coverage, "{} vs {}", road.coverage, line.coverage);
}
