//! Property tests of every plan (issue 7): on random counties, for every objective (coverage
//! target with and without capacities, maximal coverage by count and by budget, p-median,
//! p-center), by straight line and along roads, a plan
//!
//! * puts each village in at most one community, and its assignments agree with the communities;
//! * has every covered member within the radius of its centre (straight line, recomputed here;
//!   along roads, never shorter than the straight line), and in its centre's town when asked;
//! * respects the capacity and the village limit;
//! * keeps existing and fixed centres open and never opens a `no_space` or forbidden site;
//! * reports coverage, population coverage and cost equal to their recomputation;
//! * has its bound on the right side of the objective, and says `optimal` only when the gap is 0.
//!
//! Under a zero time limit every objective (network plans too) says `time_limit` unless proven
//! optimal. On tiny counties the optimum is found by enumerating every set of sites, so the
//! bound and the status are checked against the truth, also under a zero time limit (issue 7,
//! "honest status").
//! Results are also byte-identical on 1 and 2 threads and across repeated runs.

mod common;

use proptest::prelude::*;
use villageplan::error::Error;
use villageplan::model::{Crs, Instance, Site, Village};
use villageplan::network::{NetworkOptions, RoadLine, RoadNetwork};
use villageplan::plan::{
    plan, plan_max_coverage, plan_p_center, plan_p_median, CapacityBy, CoverageBy, DistanceMetric, Goal, Plan,
    PlanOptions,
};
use villageplan::solve::{CoverLimit, Sense, Status};

/// Cases per property: `default`, or `VP_PROPTEST_CASES` for a deeper run, e.g.
/// `VP_PROPTEST_CASES=5000 cargo test --release --test invariants`.
fn cases(default: u32) -> u32 {
    std::env::var("VP_PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// Side of the square the villages lie in, metres.
const SIDE: f64 = 12_000.0;
/// South-west corner of the square (projected metres; small planar coordinates would look like
/// degrees to the county's check).
const X0: f64 = 500_000.0;
const Y0: f64 = 4_000_000.0;

/// A village population: often 0 (a valid value that once broke the population bound).
fn population() -> impl Strategy<Value = u32> {
    prop_oneof![1 => Just(0u32), 3 => 0u32..3000]
}

/// A random planar county: 1–3 towns, some no_space and existing sites, costs on every site.
fn county(max: usize) -> impl Strategy<Value = Instance> {
    (prop::collection::vec((0.0f64..SIDE, 0.0f64..SIDE, population(), 0u8..3, 0u8..12, 1u32..9), 3..max), any::<bool>())
        .prop_map(|(rows, with_status)| {
            let rows: Vec<common::VillageRow> = rows
                .into_iter()
                .map(|(x, y, pop, town, kind, cost)| (x, y, f64::from(pop), town, kind, cost))
                .collect();
            common::county_from_rows(&rows, with_status, (X0, Y0))
        })
}

/// A grid of roads every `step` metres over the square, with some lines left out.
fn roads(step: f64, keep: &[bool]) -> Option<RoadNetwork> {
    let k = (SIDE / step).round() as usize;
    let mut lines = Vec::new();
    for i in 0..=k {
        let c = i as f64 * step;
        let along: Vec<f64> = (0..=k).map(|j| j as f64 * step).collect();
        lines.push(RoadLine { coords: along.iter().map(|&t| [X0 + t, Y0 + c]).collect(), ..Default::default() });
        lines.push(RoadLine { coords: along.iter().map(|&t| [X0 + c, Y0 + t]).collect(), ..Default::default() });
    }
    let lines: Vec<RoadLine> =
        lines.into_iter().enumerate().filter(|(i, _)| keep[i % keep.len()]).map(|(_, l)| l).collect();
    RoadNetwork::from_lines(Crs::Planar, &lines, &NetworkOptions::default()).ok()
}

/// The objectives a plan can be made for.
#[derive(Debug, Clone, Copy)]
enum Objective {
    Target { capacity: Option<f64>, max_villages: Option<usize> },
    MaxSites(usize),
    MaxBudget(f64),
    PMedian(usize),
    PCenter(usize),
}

fn objective() -> impl Strategy<Value = Objective> {
    prop_oneof![
        (0.05f64..1.0).prop_map(|_| Objective::Target { capacity: None, max_villages: None }),
        (200.0f64..3000.0, prop::option::of(1usize..6))
            .prop_map(|(c, m)| Objective::Target { capacity: Some(c), max_villages: m }),
        (1usize..6).prop_map(|m| Objective::Target { capacity: None, max_villages: Some(m) }),
        (0usize..6).prop_map(Objective::MaxSites),
        (0.0f64..1.5e6).prop_map(Objective::MaxBudget),
        (1usize..7).prop_map(Objective::PMedian),
        (1usize..7).prop_map(Objective::PCenter),
    ]
}

/// The options a request runs with: `o` plus the objective's capacity and village limit.
fn effective(o: &PlanOptions, objective: Objective) -> PlanOptions {
    let mut o = o.clone();
    if let Objective::Target { capacity, max_villages } = objective {
        o.capacity = capacity;
        o.max_villages = max_villages;
        o.objective = villageplan::plan::PlanObjective::Count;
    }
    o
}

fn run(c: &Instance, o: &PlanOptions, objective: Objective) -> villageplan::error::Result<Plan> {
    match objective {
        Objective::Target { .. } => plan(c, o),
        Objective::MaxSites(p) => plan_max_coverage(c, o, CoverLimit::Sites(p)),
        Objective::MaxBudget(b) => plan_max_coverage(c, o, CoverLimit::Budget(b)),
        Objective::PMedian(p) => plan_p_median(c, o, p),
        Objective::PCenter(p) => plan_p_center(c, o, p),
    }
}

/// Whether an error is a correct answer to this request (so not a failure of the property):
/// an unreachable target (with what is achievable below it), a p-median or p-center with a
/// village no open centre can reach (disconnected roads), or a `p` / town rule that cannot be
/// met.
fn acceptable(e: &Error, o: &PlanOptions, objective: Objective) -> bool {
    match (e, objective) {
        (Error::Infeasible { achievable, .. }, Objective::Target { .. }) => *achievable < o.target,
        (Error::Infeasible { .. }, Objective::PMedian(_) | Objective::PCenter(_)) => {
            o.metric == DistanceMetric::Network
        }
        (Error::InvalidInput { field, .. }, _) => ["p", "within_town"].contains(&field.as_str()),
        _ => false,
    }
}

fn dist(c: &Instance, v: usize, s: usize) -> f64 {
    let (a, b) = (&c.villages()[v], &c.sites()[s]);
    ((a.x - b.x).powi(2) + (a.y - b.y).powi(2)).sqrt()
}

/// Every invariant of a plan, recomputed from the county and the plan's communities.
fn check_plan(c: &Instance, p: &Plan, o: &PlanOptions) -> Result<(), TestCaseError> {
    let n = c.n_villages();
    let sites = c.sites();
    let radius = o.radius;
    let serves_all = matches!(p.options.goal, Goal::PMedian { .. } | Goal::PCenter { .. });
    // Communities and assignments agree; each village in at most one community.
    let mut member_of = vec![None; n];
    for (k, com) in p.communities.iter().enumerate() {
        let s = com.site as usize;
        prop_assert!(!sites[s].status.is_forbidden(), "a no_space site opened");
        prop_assert!(!o.forbidden.contains(&sites[s].id), "a forbidden site opened");
        if o.within_town {
            prop_assert!(com.villages.iter().all(|&v| c.villages()[v as usize].town == sites[s].town));
        }
        if let Some(m) = o.max_villages {
            prop_assert!(com.villages.len() <= m, "village limit exceeded");
        }
        if let Some(cap) = o.capacity {
            let load: f64 = com
                .villages
                .iter()
                .map(|&v| {
                    let v = &c.villages()[v as usize];
                    if o.capacity_by == CapacityBy::Households {
                        v.households_or_default()
                    } else {
                        v.population
                    }
                })
                .sum();
            prop_assert!(load <= cap * (1.0 + 1e-12), "capacity exceeded: {load} > {cap}");
        }
        for &v in &com.villages {
            prop_assert!(member_of[v as usize].is_none(), "village {v} in two communities");
            member_of[v as usize] = Some(k);
        }
    }
    prop_assert_eq!(p.assignments.len(), n);
    let (mut covered, mut covered_pop) = (0usize, 0.0);
    for (v, a) in p.assignments.iter().enumerate() {
        prop_assert_eq!(a.village as usize, v);
        prop_assert_eq!(a.community.map(|k| k as usize), member_of[v]);
        let Some(k) = a.community else {
            prop_assert!(a.distance.is_none());
            continue;
        };
        let s = p.communities[k as usize].site as usize;
        let straight = dist(c, v, s);
        let d = a.distance.expect("an assigned village has a distance");
        if o.metric == DistanceMetric::Network {
            prop_assert!(d + 1e-6 >= straight, "a road distance {d} below the straight line {straight}");
        } else {
            prop_assert!((d - straight).abs() <= 1e-6 * straight.max(1.0), "distance {d}, recomputed {straight}");
        }
        prop_assert_eq!(a.beyond_radius, d > radius, "beyond_radius disagrees with the distance");
        prop_assert!(serves_all || !a.beyond_radius);
        if a.covered() {
            prop_assert!(d <= radius * (1.0 + 1e-12), "covered member at {d} > {radius}");
            covered += 1;
            covered_pop += c.villages()[v].population;
        }
    }
    // Fixed and existing centres stay open.
    for (s, site) in sites.iter().enumerate() {
        if site.status.is_fixed_open() || o.fixed.contains(&site.id) {
            prop_assert!(p.communities.iter().any(|k| k.site as usize == s), "fixed site {s} closed");
        }
    }
    // Figures equal their recomputation.
    prop_assert_eq!(p.covered_villages(), covered);
    prop_assert!((p.coverage - covered as f64 / n as f64).abs() < 1e-12);
    let total = c.total_population();
    let pop_share = if total > 0.0 { covered_pop / total } else { 0.0 };
    prop_assert!((p.population_coverage - pop_share).abs() < 1e-9);
    let cost: f64 = p.communities.iter().filter_map(|k| k.cost).sum();
    prop_assert!((p.cost - cost).abs() <= 1e-9 * cost.max(1.0), "cost {} recomputed {cost}", p.cost);
    // The bound is on the right side; optimal only when proven.
    let s = &p.solution;
    match s.sense {
        Sense::Minimize => prop_assert!(s.bound <= s.objective * (1.0 + 1e-9) + 1e-9, "{} > {}", s.bound, s.objective),
        Sense::Maximize => prop_assert!(s.bound >= s.objective * (1.0 - 1e-9) - 1e-9, "{} < {}", s.bound, s.objective),
    }
    prop_assert_eq!(s.status == Status::Optimal, s.gap == 0.0);
    // The objective itself, recomputed.
    let by_pop = o.by == CoverageBy::Population;
    match p.options.goal {
        Goal::Target => {
            let share = if by_pop { p.population_coverage } else { p.coverage };
            prop_assert!(share >= o.target - 1e-9, "target {} not met: {share}", o.target);
        }
        Goal::MaxCoverage { limit } => {
            let got = if by_pop { covered_pop } else { covered as f64 };
            prop_assert!(
                (s.objective - got).abs() <= 1e-9 * got.max(1.0),
                "objective {} recomputed {got}",
                s.objective
            );
            match limit {
                CoverLimit::Sites(k) => {
                    let fixed = sites.iter().filter(|x| x.status.is_fixed_open()).count() + o.fixed.len();
                    prop_assert!(p.communities.len() <= k.max(fixed));
                }
                CoverLimit::Budget(b) => {
                    let spent: f64 =
                        p.communities.iter().filter(|k| !o.fixed.contains(&k.site_id)).filter_map(|k| k.cost).sum();
                    prop_assert!(spent <= b * (1.0 + 1e-12), "budget {b} exceeded: {spent}");
                }
            }
        }
        Goal::PMedian { p: k } | Goal::PCenter { p: k } => {
            prop_assert_eq!(p.communities.len(), k);
            // Every village is served, except that a population-weighted p-median may leave a
            // village of population 0 (weight 0) without a centre, e.g. when its town has only
            // such villages: serving it changes nothing in the objective.
            let weight = |v: usize| {
                if by_pop && matches!(p.options.goal, Goal::PMedian { .. }) {
                    c.villages()[v].population
                } else {
                    1.0
                }
            };
            for (v, a) in p.assignments.iter().enumerate() {
                prop_assert!(a.community.is_some() || weight(v) == 0.0, "village {v} left without a centre");
            }
            let ds: Vec<f64> = p.assignments.iter().map(|a| a.distance.unwrap_or(f64::INFINITY)).collect();
            let got = if let Goal::PCenter { .. } = p.options.goal {
                ds.iter().fold(0.0, |m: f64, &d| m.max(d))
            } else {
                ds.iter().enumerate().filter(|&(v, _)| weight(v) > 0.0).map(|(v, d)| d * weight(v)).sum()
            };
            prop_assert!(
                (s.objective - got).abs() <= 1e-6 * got.max(1.0),
                "objective {} recomputed {got}",
                s.objective
            );
        }
    }
    Ok(())
}

/// Under a zero time limit a plan says `time_limit` unless proven optimal. The one exception is a
/// plan with a capacity or a village limit whose uncapacitated solve was proven optimal before
/// the clock was read: the capacitated completion that follows is not a search the clock cut
/// short, and its gap (against the uncapacitated bound) is reported as `feasible`.
fn honest_under_a_zero_limit(p: &Plan, objective: Objective) -> bool {
    let capacitated = matches!(objective, Objective::Target { capacity, max_villages } if capacity.is_some() || max_villages.is_some());
    p.status() != Status::Feasible || capacitated
}

fn options(radius: f64, target: f64, by_pop: bool, within_town: bool, fixed: Option<&Site>) -> PlanOptions {
    let mut o = PlanOptions::default().radius(radius).target(target).within_town(within_town).by(if by_pop {
        CoverageBy::Population
    } else {
        CoverageBy::Villages
    });
    if let Some(s) = fixed.filter(|s| !s.status.is_forbidden()) {
        o.fixed = vec![s.id.clone()];
    }
    o
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(128), .. ProptestConfig::default() })]

    /// Every objective by straight line keeps every invariant.
    #[test]
    fn every_objective_keeps_every_invariant(
        c in county(40),
        radius in 500.0f64..4000.0,
        target in 0.05f64..1.0,
        by_pop in any::<bool>(),
        within_town in any::<bool>(),
        fixed in prop::option::of(0usize..40),
        objective in objective(),
        zero_limit in any::<bool>(),
    ) {
        let fixed = fixed.and_then(|s| c.sites().get(s));
        // A population share of a county without population is an error (tested in the catalogue).
        let by_pop = by_pop && c.total_population() > 0.0;
        let mut o = effective(&options(radius, target, by_pop, within_town, fixed), objective);
        o.time_limit = zero_limit.then_some(0.0);
        match run(&c, &o, objective) {
            Ok(p) => {
                check_plan(&c, &p, &o)?;
                // Stopped by the clock: `time_limit` unless proven optimal.
                prop_assert!(!zero_limit || honest_under_a_zero_limit(&p, objective), "{objective:?} said feasible");
            }
            Err(e) => prop_assert!(acceptable(&e, &o, objective), "{objective:?}: {e}"),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(48), .. ProptestConfig::default() })]

    /// Every objective along roads keeps every invariant (distances along the roads are never
    /// shorter than straight lines).
    #[test]
    fn network_plans_keep_every_invariant(
        c in county(25),
        step in prop::sample::select(vec![1500.0f64, 3000.0, 4000.0]),
        keep in prop::collection::vec(prop::bool::weighted(0.8), 1..12),
        radius in 1000.0f64..5000.0,
        target in 0.05f64..0.9,
        within_town in any::<bool>(),
        objective in objective(),
        zero_limit in any::<bool>(),
    ) {
        let Some(net) = roads(step, &keep) else { return Ok(()) };
        let c = c.with_roads(net).expect("same crs");
        let mut o = effective(&options(radius, target, false, within_town, None), objective);
        o.metric = DistanceMetric::Network;
        o.time_limit = zero_limit.then_some(0.0);
        match run(&c, &o, objective) {
            Ok(p) => {
                check_plan(&c, &p, &o)?;
                prop_assert!(p.network.is_some());
                prop_assert!(!zero_limit || honest_under_a_zero_limit(&p, objective), "{objective:?} said feasible");
            }
            Err(e) => prop_assert!(acceptable(&e, &o, objective), "{objective:?}: {e}"),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Honest status against the truth, by enumeration on tiny counties.

/// The optimum of a plain objective (every site a candidate, no statuses, no costs), by
/// enumerating every set of sites.
fn brute_force(c: &Instance, objective: Objective, radius: f64, target: f64, within_town: bool) -> Option<f64> {
    let (n, m) = (c.n_villages(), c.n_sites());
    let reach = |v: usize, s: usize| !within_town || c.villages()[v].town == c.sites()[s].town;
    let mut best: Option<f64> = None;
    for mask in 0u32..(1 << m) {
        let open: Vec<usize> = (0..m).filter(|&s| mask >> s & 1 == 1).collect();
        let nearest: Vec<f64> = (0..n)
            .map(|v| open.iter().filter(|&&s| reach(v, s)).map(|&s| dist(c, v, s)).fold(f64::INFINITY, f64::min))
            .collect();
        let covered = nearest.iter().filter(|&&d| d <= radius).count() as f64;
        let value = match objective {
            Objective::Target { .. } => (covered >= target * n as f64 - 1e-9).then_some(open.len() as f64),
            Objective::MaxSites(p) => (open.len() <= p).then_some(-covered),
            Objective::PMedian(p) => {
                (open.len() == p && nearest.iter().all(|d| d.is_finite())).then(|| nearest.iter().sum())
            }
            Objective::PCenter(p) => (open.len() == p && nearest.iter().all(|d| d.is_finite()))
                .then(|| nearest.iter().fold(0.0, |a: f64, &d| a.max(d))),
            Objective::MaxBudget(_) => None,
        };
        if let Some(x) = value {
            best = Some(best.map_or(x, |b: f64| b.min(x)));
        }
    }
    match objective {
        Objective::MaxSites(_) => best.map(|b| -b),
        _ => best,
    }
}

/// A tiny county without statuses or costs.
fn tiny() -> impl Strategy<Value = Instance> {
    prop::collection::vec((0.0f64..6000.0, 0.0f64..6000.0, 0u8..2), 2..9).prop_map(|rows| {
        let villages: Vec<Village> = rows
            .iter()
            .enumerate()
            .map(|(i, &(x, y, t))| Village::new(format!("v{i}"), format!("T{t}"), X0 + x, Y0 + y, 100.0))
            .collect();
        Instance::from_villages(Crs::Planar, villages).expect("valid tiny county")
    })
}

fn tiny_objective() -> impl Strategy<Value = Objective> {
    prop_oneof![
        Just(Objective::Target { capacity: None, max_villages: None }),
        (0usize..5).prop_map(Objective::MaxSites),
        (1usize..5).prop_map(Objective::PMedian),
        (1usize..5).prop_map(Objective::PCenter),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(192), .. ProptestConfig::default() })]

    /// With no limit or a zero time limit, the bound is a true bound on the enumerated optimum,
    /// `optimal` is said only of the optimum, and a plan stopped by the clock says `time_limit`.
    #[test]
    fn status_and_bound_are_honest_against_enumeration(
        c in tiny(),
        radius in 800.0f64..3000.0,
        target in 0.1f64..1.0,
        within_town in any::<bool>(),
        zero_limit in any::<bool>(),
        objective in tiny_objective(),
    ) {
        let mut o = effective(&options(radius, target, false, within_town, None), objective);
        o.time_limit = zero_limit.then_some(0.0);
        let truth = brute_force(&c, objective, radius, target, within_town);
        let p = match run(&c, &o, objective) {
            Ok(p) => p,
            Err(e) => {
                prop_assert!(acceptable(&e, &o, objective), "{objective:?}: {e}");
                if let Error::Infeasible { .. } = e {
                    prop_assert!(truth.is_none(), "infeasible, but enumeration finds {truth:?}");
                }
                return Ok(());
            }
        };
        check_plan(&c, &p, &o)?;
        let opt = truth.expect("a plan exists, so enumeration finds one");
        let s = &p.solution;
        let tol = 1e-6 * opt.abs().max(1.0);
        match s.sense {
            Sense::Minimize => prop_assert!(s.bound <= opt + tol && opt <= s.objective + tol, "bound {} opt {opt} objective {}", s.bound, s.objective),
            Sense::Maximize => prop_assert!(s.bound + tol >= opt && opt + tol >= s.objective, "bound {} opt {opt} objective {}", s.bound, s.objective),
        }
        if s.status == Status::Optimal {
            prop_assert!((s.objective - opt).abs() <= tol, "said optimal at {} but the optimum is {opt}", s.objective);
        } else if zero_limit {
            prop_assert_eq!(s.status, Status::TimeLimit, "stopped by a zero time limit but said {:?}", s.status);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Determinism: byte-identical plan JSON on 1 and 2 threads and across runs.

fn json_on(threads: usize, c: &Instance, o: &PlanOptions, objective: Objective) -> Option<String> {
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("pool");
    pool.install(|| run(c, o, objective).ok().map(|p| p.to_json().expect("json")))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(24), .. ProptestConfig::default() })]

    /// Every objective gives the same plan JSON, byte for byte, on 1 and 2 threads and when run
    /// again, for any seed.
    #[test]
    fn plan_json_is_identical_across_threads_and_runs(
        c in county(40),
        seed in 0u64..1_000_000,
        objective in objective(),
        network in any::<bool>(),
    ) {
        let mut o = effective(&options(2000.0, 0.6, false, true, None), objective);
        o.seed = seed;
        let c = if network { o.metric = DistanceMetric::Network; c.with_roads(roads(3000.0, &[true]).expect("roads")).expect("crs") } else { c };
        let one = json_on(1, &c, &o, objective);
        prop_assert_eq!(&one, &json_on(2, &c, &o, objective));
        prop_assert_eq!(&one, &json_on(1, &c, &o, objective));
    }
}

/// A time limit cuts the first plan's Lagrangian bound short after one iteration, and the bound
/// it keeps is still valid (no higher than the full run's, which is no higher than the optimum's
/// cost the full run certifies).
#[test]
fn lagrangian_bound_stops_at_the_time_limit_and_stays_valid() {
    use villageplan::progress::Stop;
    use villageplan::solve::bounds::{lagrangian_cover, lagrangian_cover_until};

    let county = villageplan::datasets::sample_county(2008).unwrap();
    let cov = villageplan::coverage::Coverage::build(&county, 2000.0, true).unwrap();
    let (problem, _) =
        villageplan::plan::covering_problem(&county, &cov, &villageplan::plan::PlanOptions::default()).unwrap();
    let need = 0.6 * county.n_villages() as f64 - 1e-9;
    let full = lagrangian_cover(&problem, need, f64::INFINITY, true, 300);
    let cut =
        lagrangian_cover_until(&problem, need, f64::INFINITY, true, 300, Stop::at(Some(std::time::Instant::now())));
    assert!(cut.stopped && !full.stopped);
    assert_eq!(cut.iterations, 1);
    assert!(full.iterations > 1);
    assert!(cut.bound <= full.bound + 1e-9);
    let p = villageplan::plan::plan(&county, &villageplan::plan::PlanOptions::default()).unwrap();
    assert!(full.bound <= p.solution.objective + 1e-9);
}
