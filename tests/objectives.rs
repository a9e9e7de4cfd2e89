//! The objectives on a county (maximal coverage, p-median, p-center), checked independently of
//! the planner: objectives recomputed with a haversine written out here, and optima found by
//! exhaustive search on tiny random counties.

// The helpers below are test code too (clippy allows unwrap only inside #[test] functions).
#![allow(clippy::unwrap_used)]

use villageplan::datasets::sample_county;
use villageplan::model::{Crs, Instance, Site, SiteStatus, Village};
use villageplan::plan::{
    plan, plan_max_coverage, plan_p_center, plan_p_median, CoverageBy, Goal, Plan, PlanObjective, PlanOptions,
};
use villageplan::solve::{CoverLimit, Sense};

/// Haversine distance written out independently of geo (same sphere radius), metres.
fn haversine(a: [f64; 2], b: [f64; 2]) -> f64 {
    let r = 6_371_008.8;
    let (la1, la2) = (a[1].to_radians(), b[1].to_radians());
    let dlat = la2 - la1;
    let dlon = (b[0] - a[0]).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * r * h.sqrt().asin()
}

/// A small deterministic generator (xorshift64*), so the test needs no RNG API.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// A tiny geographic county: `n` villages in two towns within about 5 km, a site in every
/// village, some existing, some without space, integer costs.
fn tiny_county(seed: u64, n: usize) -> Instance {
    let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    let villages: Vec<Village> = (0..n)
        .map(|i| {
            let town = if i % 2 == 0 { "A" } else { "B" };
            let mut v = Village::new(
                format!("v{i}"),
                town,
                119.0 + 0.05 * rng.unit(),
                36.0 + 0.04 * rng.unit(),
                (100 + rng.below(900)) as f64,
            );
            v.name = format!("village {i}");
            v
        })
        .collect();
    let county = Instance::from_villages(Crs::Geographic, villages).unwrap();
    let sites: Vec<Site> = county
        .villages()
        .iter()
        .map(|v| {
            let status = match rng.below(8) {
                0 => SiteStatus::Existing,
                1 => SiteStatus::NoSpace,
                _ => SiteStatus::None,
            };
            let mut s = Site::at_village(v, status);
            s.cost = Some((10 + rng.below(90)) as f64);
            s
        })
        .collect();
    county.with_sites(sites).unwrap()
}

fn dist(county: &Instance, v: usize, s: usize) -> f64 {
    let (a, b) = (&county.villages()[v], &county.sites()[s]);
    haversine([a.x, a.y], [b.x, b.y])
}

fn reachable(county: &Instance, within_town: bool, v: usize, s: usize) -> bool {
    !within_town || county.villages()[v].town == county.sites()[s].town
}

fn weights(county: &Instance, by: CoverageBy) -> Vec<f64> {
    county.villages().iter().map(|v| if by == CoverageBy::Population { v.population } else { 1.0 }).collect()
}

/// Nearest open site distance per village (∞ when none is reachable).
fn nearest(county: &Instance, within_town: bool, open: &[usize]) -> Vec<f64> {
    (0..county.n_villages())
        .map(|v| {
            open.iter()
                .filter(|&&s| reachable(county, within_town, v, s))
                .map(|&s| dist(county, v, s))
                .fold(f64::INFINITY, f64::min)
        })
        .collect()
}

fn fixed_and_candidates(county: &Instance) -> (Vec<usize>, Vec<usize>) {
    let sites = county.sites();
    let fixed = (0..sites.len()).filter(|&s| sites[s].status == SiteStatus::Existing).collect();
    let cand = (0..sites.len()).filter(|&s| sites[s].status == SiteStatus::None).collect();
    (fixed, cand)
}

/// Every subset of the candidates, added to the fixed sites.
fn subsets<'a>(fixed: &'a [usize], cand: &'a [usize]) -> impl Iterator<Item = (Vec<usize>, Vec<usize>)> + 'a {
    (0u32..(1 << cand.len())).map(move |mask| {
        let extra: Vec<usize> = (0..cand.len()).filter(|&k| mask >> k & 1 == 1).map(|k| cand[k]).collect();
        let mut open = fixed.to_vec();
        open.extend(&extra);
        (open, extra)
    })
}

fn open_sites(p: &Plan) -> Vec<usize> {
    p.communities.iter().map(|c| c.site as usize).collect()
}

fn rel_eq(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

/// Shared checks: site rules, towns, communities consistent with assignments, JSON round trip.
fn check_plan(county: &Instance, p: &Plan, within_town: bool) {
    let sites = county.sites();
    let open = open_sites(p);
    for (s, site) in sites.iter().enumerate() {
        if site.status == SiteStatus::Existing {
            assert!(open.contains(&s), "existing site {s} not open");
        }
        if site.status == SiteStatus::NoSpace {
            assert!(!open.contains(&s), "no_space site {s} open");
        }
    }
    for a in &p.assignments {
        if let Some(k) = a.community {
            let c = &p.communities[k as usize];
            assert!(c.villages.contains(&a.village));
            if within_town {
                assert_eq!(county.villages()[a.village as usize].town, c.town, "community crosses towns");
            }
            let d = dist(county, a.village as usize, c.site as usize);
            assert!((d - a.distance.unwrap()).abs() < 1e-6, "{d} vs {:?}", a.distance);
        }
    }
    let covered = p.assignments.iter().filter(|a| a.covered()).count();
    assert!(rel_eq(p.coverage, covered as f64 / county.n_villages() as f64));
    let text = p.to_json().unwrap();
    let back = Plan::from_json(&text).unwrap();
    assert_eq!(&back, p);
    assert_eq!(back.to_json().unwrap(), text);
}

#[test]
fn max_coverage_with_p_and_budget_matches_exhaustive_search() {
    for seed in 0..12u64 {
        let n = 6 + (seed % 5) as usize; // 6..=10 villages
        let county = tiny_county(seed, n);
        let (fixed, cand) = fixed_and_candidates(&county);
        let by = if seed % 2 == 0 { CoverageBy::Villages } else { CoverageBy::Population };
        let within_town = seed % 3 != 0;
        let radius = 1500.0 + 200.0 * (seed % 4) as f64;
        let opts = PlanOptions::default().radius(radius).by(by).within_town(within_town);
        let w = weights(&county, by);
        let covered_weight = |open: &[usize]| -> f64 {
            nearest(&county, within_town, open).iter().zip(&w).filter(|(d, _)| **d <= radius).map(|(_, w)| w).sum()
        };
        let cost = |sites: &[usize]| -> f64 { sites.iter().map(|&s| county.sites()[s].cost.unwrap()).sum() };

        let p_sites = fixed.len() + 2;
        let before = county.clone();
        let plan = plan_max_coverage(&county, &opts, CoverLimit::Sites(p_sites)).unwrap();
        assert_eq!(county, before, "county mutated");
        check_plan(&county, &plan, within_town);
        assert_eq!(plan.options.goal, Goal::MaxCoverage { limit: CoverLimit::Sites(p_sites) });
        assert_eq!(plan.objective, PlanObjective::Count);
        assert_eq!(plan.solution.sense, Sense::Maximize);
        assert!(plan.communities.len() <= p_sites);
        let got = covered_weight(&open_sites(&plan));
        assert!(rel_eq(got, plan.solution.objective), "seed {seed}: {got} vs {}", plan.solution.objective);
        assert!(plan.solution.bound >= plan.solution.objective - 1e-9);
        let best = subsets(&fixed, &cand)
            .filter(|(open, _)| open.len() <= p_sites)
            .map(|(open, _)| covered_weight(&open))
            .fold(0.0, f64::max);
        assert!(rel_eq(best, plan.solution.objective), "seed {seed}: exhaustive {best} vs {}", plan.solution.objective);
        // Every assigned village is within the radius (max coverage assigns only covered ones).
        assert!(plan.assignments.iter().all(|a| a.distance.is_none_or(|d| d <= radius)));

        let budget = 80.0 + 10.0 * (seed % 5) as f64;
        let plan = plan_max_coverage(&county, &opts, CoverLimit::Budget(budget)).unwrap();
        check_plan(&county, &plan, within_town);
        assert_eq!(plan.objective, PlanObjective::Cost);
        let extra: Vec<usize> = open_sites(&plan).into_iter().filter(|s| !fixed.contains(s)).collect();
        assert!(cost(&extra) <= budget + 1e-9, "budget exceeded");
        assert!(rel_eq(plan.cost, cost(&extra)));
        let got = covered_weight(&open_sites(&plan));
        assert!(rel_eq(got, plan.solution.objective));
        assert!(plan.solution.bound >= plan.solution.objective - 1e-9);
        let best = subsets(&fixed, &cand)
            .filter(|(_, extra)| cost(extra) <= budget)
            .map(|(open, _)| covered_weight(&open))
            .fold(0.0, f64::max);
        assert!(
            rel_eq(best, plan.solution.objective),
            "seed {seed}: budget exhaustive {best} vs {}",
            plan.solution.objective
        );
    }
}

/// Exhaustive optimum of a p-median (sum) or p-center (max) over exactly `p` open sites.
fn exhaustive_matrix(county: &Instance, within_town: bool, p: usize, w: &[f64], center: bool) -> f64 {
    let (fixed, cand) = fixed_and_candidates(county);
    subsets(&fixed, &cand)
        .filter(|(open, _)| open.len() == p)
        .map(|(open, _)| objective(county, within_town, &open, w, center))
        .fold(f64::INFINITY, f64::min)
}

fn objective(county: &Instance, within_town: bool, open: &[usize], w: &[f64], center: bool) -> f64 {
    let d = nearest(county, within_town, open);
    if center {
        d.iter().fold(0.0, |a: f64, &b| a.max(b))
    } else {
        d.iter().zip(w).map(|(d, w)| if *w == 0.0 { 0.0 } else { d * w }).sum()
    }
}

#[test]
fn p_median_and_p_center_match_exhaustive_search() {
    let mut checked = 0;
    for seed in 0..12u64 {
        let n = 6 + (seed % 5) as usize;
        let county = tiny_county(100 + seed, n);
        let (fixed, cand) = fixed_and_candidates(&county);
        let by = if seed % 2 == 0 { CoverageBy::Villages } else { CoverageBy::Population };
        let within_town = seed % 3 != 0;
        let towns_needed = ["A", "B"].iter().filter(|t| !fixed.iter().any(|&s| county.sites()[s].town == **t)).count();
        let p = fixed.len() + if within_town { towns_needed } else { 1 }.max(1) + (seed % 2) as usize;
        if p > fixed.len() + cand.len() {
            continue;
        }
        let radius = 1500.0;
        let opts = PlanOptions::default().radius(radius).by(by).within_town(within_town);
        let w = weights(&county, by);
        for center in [false, true] {
            let before = (county.clone(), opts.clone());
            let result = if center { plan_p_center(&county, &opts, p) } else { plan_p_median(&county, &opts, p) };
            assert_eq!((county.clone(), opts.clone()), before, "input mutated");
            let plan = match result {
                Ok(plan) => plan,
                // A town whose every site is no_space cannot be served inside the town.
                Err(e) if within_town && e.to_string().contains("`within_town`") => continue,
                Err(e) => panic!("seed {seed}: {e}"),
            };
            check_plan(&county, &plan, within_town);
            let goal = if center { Goal::PCenter { p } } else { Goal::PMedian { p } };
            assert_eq!(plan.options.goal, goal);
            assert_eq!(plan.communities.len(), p);
            // Everyone is served; coverage counts only those within the radius.
            assert!(plan.assignments.iter().all(|a| a.community.is_some()));
            for a in &plan.assignments {
                assert_eq!(a.covered(), a.distance.unwrap() <= radius);
            }
            let open = open_sites(&plan);
            let got = objective(&county, within_town, &open, &w, center);
            assert!(
                rel_eq(got, plan.solution.objective),
                "seed {seed} center {center}: {got} vs {}",
                plan.solution.objective
            );
            assert!(plan.solution.bound <= plan.solution.objective + 1e-9 * plan.solution.objective.max(1.0));
            let best = exhaustive_matrix(&county, within_town, p, &w, center);
            assert!(
                rel_eq(best, plan.solution.objective),
                "seed {seed} center {center}: exhaustive {best} vs {}",
                plan.solution.objective
            );
            // Each village's distance is the one to its nearest open centre.
            let near = nearest(&county, within_town, &open);
            for a in &plan.assignments {
                assert!((a.distance.unwrap() - near[a.village as usize]).abs() < 1e-6);
            }
            checked += 1;
        }
    }
    assert!(checked >= 16, "only {checked} of 24 cases checked");
}

#[test]
fn sample_county_objectives_are_right_by_independent_check() {
    let county = sample_county(2008).unwrap();
    let opts = PlanOptions::default();
    let sites = county.sites();
    let n_fixed = sites.iter().filter(|s| s.status == SiteStatus::Existing).count();
    let towns_without = county
        .towns()
        .iter()
        .filter(|t| !sites.iter().any(|s| s.status == SiteStatus::Existing && s.town == t.name))
        .count();
    let p = n_fixed + towns_without + 10;

    let pm = plan_p_median(&county, &opts, p).unwrap();
    check_plan(&county, &pm, true);
    let open = open_sites(&pm);
    let w = weights(&county, CoverageBy::Villages);
    assert!(rel_eq(objective(&county, true, &open, &w, false), pm.solution.objective));
    assert_eq!(pm.communities.len(), p);

    let pc = plan_p_center(&county, &opts, p).unwrap();
    check_plan(&county, &pc, true);
    let open = open_sites(&pc);
    assert!(rel_eq(objective(&county, true, &open, &w, true), pc.solution.objective));
    let worst = pc.assignments.iter().map(|a| a.distance.unwrap()).fold(0.0, f64::max);
    assert!(rel_eq(worst, pc.solution.objective));

    let pop = PlanOptions::default().by(CoverageBy::Population);
    let pmp = plan_p_median(&county, &pop, p).unwrap();
    let wp = weights(&county, CoverageBy::Population);
    assert!(rel_eq(objective(&county, true, &open_sites(&pmp), &wp, false), pmp.solution.objective));

    let mc = plan_max_coverage(&county, &opts, CoverLimit::Sites(p)).unwrap();
    check_plan(&county, &mc, true);
    assert!(mc.communities.len() <= p);
    // The coverage-target plan's centres reach 60%, so the same number covers at least as much.
    let target = plan(&county, &opts).unwrap();
    let k = target.communities.len();
    let mc = plan_max_coverage(&county, &opts, CoverLimit::Sites(k)).unwrap();
    assert!(mc.coverage >= target.coverage - 1e-12, "{} < {}", mc.coverage, target.coverage);
    let budget = plan_max_coverage(&county, &opts, CoverLimit::Budget(target.cost)).unwrap();
    assert!(budget.cost <= target.cost + 1e-6);
    assert!(budget.coverage >= target.coverage - 1e-12);
}

#[test]
fn target_plans_serialise_as_before_and_old_json_loads() {
    let county = tiny_county(7, 8);
    let mut opts = PlanOptions::default().target(0.5);
    opts.goal = Goal::PCenter { p: 2 }; // ignored by the target planner
    let p = plan(&county, &opts).unwrap();
    assert_eq!(p.options.goal, Goal::Target);
    let text = p.to_json().unwrap();
    assert!(!text.contains("\"goal\""), "default goal written");
    assert!(!text.contains("\"beyond_radius\":"), "beyond_radius written for a target plan");
    let q = plan_p_median(&county, &PlanOptions::default().within_town(false), 3).unwrap();
    let text = q.to_json().unwrap();
    assert!(text.contains("\"goal\":{\"kind\":\"p_median\",\"p\":3}"), "{}", &text[..200.min(text.len())]);
    let m = plan_max_coverage(&county, &PlanOptions::default(), CoverLimit::Budget(100.0)).unwrap();
    assert!(m.to_json().unwrap().contains("\"goal\":{\"kind\":\"max_coverage\",\"limit\":{\"budget\":100.0}}"));
}

#[test]
fn errors_name_the_field_and_leave_the_input_alone() {
    let county = tiny_county(3, 8);
    let opts = PlanOptions::default().within_town(false);
    let before = (county.clone(), opts.clone());
    let err = |r: villageplan::error::Result<Plan>| r.unwrap_err().to_string();

    assert!(err(plan_p_median(&county, &opts, 0)).contains("`p`"));
    assert!(err(plan_p_center(&county, &opts, 100)).contains("`p`"));
    assert!(err(plan_max_coverage(&county, &opts, CoverLimit::Budget(-1.0))).contains("`budget`"));
    assert!(err(plan_max_coverage(&county, &opts, CoverLimit::Budget(f64::NAN))).contains("`budget`"));
    assert!(err(plan_p_median(&county, &opts.clone().radius(-5.0), 2)).contains("`radius`"));
    assert!(err(plan_p_median(&county, &opts.clone().capacity(100.0), 2)).contains("`capacity`"));
    let mut bad = opts.clone();
    bad.fixed = vec!["nope".into()];
    assert!(err(plan_p_center(&county, &bad, 2)).contains("`fixed`"));
    let mut bad = opts.clone();
    bad.forbidden = vec!["nope".into()];
    assert!(err(plan_max_coverage(&county, &bad, CoverLimit::Sites(2))).contains("`forbidden`"));
    let mut bad = opts.clone();
    bad.time_limit = Some(-1.0);
    assert!(err(plan_max_coverage(&county, &bad, CoverLimit::Sites(2))).contains("`time_limit`"));
    assert_eq!((county.clone(), opts.clone()), before);

    // A budget needs costs on every site that may open.
    let sites: Vec<Site> = county.villages().iter().map(|v| Site::at_village(v, SiteStatus::None)).collect();
    let no_costs = county.with_sites(sites).unwrap();
    let e = err(plan_max_coverage(&no_costs, &opts, CoverLimit::Budget(10.0)));
    assert!(e.contains("`budget`") && e.contains("no cost"), "{e}");
    assert!(plan_max_coverage(&no_costs, &opts, CoverLimit::Sites(2)).is_ok());

    // within_town: p below one centre per town, and a town without any site that may open.
    let within = PlanOptions::default();
    let sites: Vec<Site> = county.villages().iter().map(|v| Site::at_village(v, SiteStatus::None)).collect();
    let plain = county.with_sites(sites.clone()).unwrap();
    let e = err(plan_p_median(&plain, &within, 1));
    assert!(e.contains("`p`") && e.contains("at least 2"), "{e}");
    let blocked: Vec<Site> = sites
        .into_iter()
        .map(|mut s| {
            if s.town == "B" {
                s.status = SiteStatus::NoSpace;
            }
            s
        })
        .collect();
    let e = err(plan_p_center(&county.with_sites(blocked).unwrap(), &within, 3));
    assert!(e.contains("`within_town`") && e.contains("'B'"), "{e}");

    // Population weights on a county without population.
    let v: Vec<Village> = county
        .villages()
        .iter()
        .cloned()
        .map(|mut v| {
            v.population = 0.0;
            v
        })
        .collect();
    let z = Instance::from_villages(Crs::Geographic, v).unwrap();
    assert!(err(plan_p_median(&z, &opts.clone().by(CoverageBy::Population), 2)).contains("`by`"));
}

#[test]
fn matrix_objectives_refuse_huge_counties() {
    let n = 7_100; // 7,100 × 7,100 > 50 million distances
    let villages: Vec<Village> = (0..n)
        .map(|i| Village::new(format!("v{i}"), "T", (i % 100) as f64 * 500.0, (i / 100) as f64 * 500.0, 10.0))
        .collect();
    let county = Instance::from_villages(Crs::Planar, villages).unwrap();
    let e = plan_p_median(&county, &PlanOptions::default(), 10).unwrap_err().to_string();
    assert!(e.contains("`county`") && e.contains("max_coverage"), "{e}");
    let e = plan_p_center(&county, &PlanOptions::default(), 10).unwrap_err().to_string();
    assert!(e.contains("`county`"), "{e}");
}
