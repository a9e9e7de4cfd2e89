//! Capacitated plans of the sample county, checked independently of the planner.

use villageplan::datasets::sample_county;
use villageplan::error::Error;
use villageplan::model::{Instance, SiteStatus};
use villageplan::plan::{
    plan, plan_max_coverage, plan_p_median, plan_with_centres, CapacityBy, CoverageBy, Goal, Plan, PlanOptions,
};
use villageplan::solve::{CoverLimit, Status};

/// Haversine distance written out independently of geo (same sphere radius), metres.
fn haversine(a: [f64; 2], b: [f64; 2]) -> f64 {
    let r = 6_371_008.8;
    let (la1, la2) = (a[1].to_radians(), b[1].to_radians());
    let dlat = la2 - la1;
    let dlon = (b[0] - a[0]).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * r * h.sqrt().asin()
}

/// Figures of a plan recomputed from the county and the assignments alone.
struct Checked {
    coverage: f64,
    population_coverage: f64,
    max_households: f64,
    max_population: f64,
    max_villages: usize,
    cost: f64,
}

/// Check every rule of a plan from scratch; return its recomputed figures.
fn check(county: &Instance, p: &Plan, opts: &PlanOptions) -> Checked {
    let villages = county.villages();
    let sites = county.sites();
    let k = p.communities.len();
    let (mut hh, mut pop, mut count) = (vec![0.0; k], vec![0.0; k], vec![0usize; k]);
    let (mut covered, mut covered_pop) = (0usize, 0.0);
    for a in &p.assignments {
        let v = &villages[a.village as usize];
        let Some(c) = a.community else {
            assert!(a.distance.is_none());
            continue;
        };
        let c = c as usize;
        let s = &sites[p.communities[c].site as usize];
        let d = haversine([v.x, v.y], [s.x, s.y]);
        assert!(d <= opts.radius + 1e-6, "village {} is {d} m from its centre", v.id);
        let reported = a.distance.expect("an assigned village has a distance");
        assert!((d - reported).abs() < 1e-6, "reported {reported} vs recomputed {d}");
        assert_eq!(s.town, v.town, "village {} joined a centre of another town", v.id);
        assert!(p.communities[c].villages.contains(&a.village));
        hh[c] += v.households.unwrap_or(v.population / 2.8);
        pop[c] += v.population;
        count[c] += 1;
        covered += 1;
        covered_pop += v.population;
    }
    for (c, comm) in p.communities.iter().enumerate() {
        assert_eq!(comm.villages.len(), count[c], "community {c} lists other villages than assigned");
        assert!((comm.households - hh[c]).abs() < 1e-6 && (comm.population - pop[c]).abs() < 1e-6);
        assert_ne!(comm.status, SiteStatus::NoSpace);
        if let Some(cap) = opts.capacity {
            let load = match opts.capacity_by {
                CapacityBy::Households => hh[c],
                CapacityBy::Population => pop[c],
            };
            assert!(load <= cap + 1e-6, "community {c} serves {load} > {cap}");
        }
        if let Some(m) = opts.max_villages {
            assert!(count[c] <= m, "community {c} has {} villages > {m}", count[c]);
        }
    }
    let coverage = covered as f64 / villages.len() as f64;
    assert!((p.coverage - coverage).abs() < 1e-12);
    let population_coverage = covered_pop / county.total_population();
    assert!((p.population_coverage - population_coverage).abs() < 1e-9);
    let share = match opts.by {
        CoverageBy::Villages => coverage,
        CoverageBy::Population => population_coverage,
    };
    let cost: f64 =
        p.communities.iter().map(|c| sites[c.site as usize].effective_cost().expect("sample sites have costs")).sum();
    assert!((p.cost - cost).abs() < 1e-6);
    if let Goal::MaxCoverage { .. } = p.options.goal {
        // The objective is the covered weight; the bound an upper bound on it.
        let weight = match opts.by {
            CoverageBy::Villages => covered as f64,
            CoverageBy::Population => covered_pop,
        };
        assert!((p.solution.objective - weight).abs() < 1e-6, "objective {} vs {weight}", p.solution.objective);
        assert!(p.solution.bound >= p.solution.objective - 1e-9);
    } else {
        assert!(share >= opts.target - 1e-9, "reached {share} of target {}", opts.target);
        // Cost and an honest certificate.
        assert!((p.solution.objective - cost).abs() < 1e-6);
        assert!(p.solution.bound <= p.solution.objective + 1e-9);
    }
    assert_eq!(p.solution.status == Status::Optimal, p.solution.gap <= 1e-9);
    Checked {
        coverage,
        population_coverage,
        max_households: hh.iter().copied().fold(0.0, f64::max),
        max_population: pop.iter().copied().fold(0.0, f64::max),
        max_villages: count.iter().copied().max().unwrap_or(0),
        cost,
    }
}

fn report(label: &str, p: &Plan, c: &Checked) {
    eprintln!(
        "{label}: {} centres, coverage {:.1}% of villages ({:.1}% of population), cost {:.0} yuan, bound {:.0}, gap {:.2}%, max {:.0} households / {:.0} people / {} villages per community",
        p.communities.len(),
        100.0 * c.coverage,
        100.0 * c.population_coverage,
        c.cost,
        p.solution.bound,
        100.0 * p.solution.gap,
        c.max_households,
        c.max_population,
        c.max_villages
    );
}

#[test]
fn sample_county_with_household_capacity() {
    let county = sample_county(2008).unwrap();
    let free_opts = PlanOptions::default();
    let free = plan(&county, &free_opts).unwrap();
    let base = check(&county, &free, &free_opts);
    report("no capacity", &free, &base);

    let opts = PlanOptions::default().capacity(1500.0);
    let p = plan(&county, &opts).unwrap();
    let c = check(&county, &p, &opts);
    report("capacity 1500 households", &p, &c);
    assert!(c.max_households <= 1500.0);
    // The uncapacitated plan's lower bound is kept, so the gap can only grow.
    assert_eq!(p.solution.bound, free.solution.bound);
    assert!(p.cost >= free.solution.bound - 1e-6);
    // Deterministic.
    assert_eq!(plan(&county, &opts).unwrap(), p);
    // The capacity binds on the sample county (some uncapacitated communities exceed it).
    assert!(base.max_households > 1500.0, "pick a capacity that binds: max is {}", base.max_households);
}

#[test]
fn sample_county_with_village_limit() {
    let county = sample_county(2008).unwrap();
    let opts = PlanOptions::default().max_villages(8);
    let p = plan(&county, &opts).unwrap();
    let c = check(&county, &p, &opts);
    report("at most 8 villages", &p, &c);
    assert!(c.max_villages <= 8);

    // Both limits, a population target and a population capacity.
    let opts = PlanOptions::default()
        .by(CoverageBy::Population)
        .capacity(4000.0)
        .capacity_by(CapacityBy::Population)
        .max_villages(6);
    let p = plan(&county, &opts).unwrap();
    let c = check(&county, &p, &opts);
    report("population target, at most 4000 people and 6 villages", &p, &c);
    assert!(c.max_population <= 4000.0 && c.max_villages <= 6);
}

#[test]
fn a_capacity_that_never_binds_changes_nothing_but_the_tie_breaks() {
    let county = sample_county(2008).unwrap();
    let free = plan(&county, &PlanOptions::default()).unwrap();
    let p = plan(&county, &PlanOptions::default().capacity(1e12)).unwrap();
    assert_eq!(p.solution.open, free.solution.open);
    assert_eq!(p.coverage, free.coverage);
    let total = |p: &Plan| p.assignments.iter().filter_map(|a| a.distance).sum::<f64>();
    assert!((total(&p) - total(&free)).abs() < 1e-6, "nearest assignment minimises total distance");
}

#[test]
fn unreachable_target_under_capacity_says_what_is_reachable() {
    let county = sample_county(2008).unwrap();
    // 150 households per centre: only the smallest villages fit at all.
    let light = county.villages().iter().filter(|v| v.households.unwrap() <= 150.0).count();
    let share = light as f64 / county.n_villages() as f64;
    assert!(share < 0.6);
    match plan(&county, &PlanOptions::default().capacity(150.0)) {
        Err(Error::Infeasible { achievable, reason }) => {
            assert!(achievable <= share + 1e-12, "{achievable} > {share}");
            assert!(reason.contains("150 households per centre"), "{reason}");
        }
        other => panic!("expected Infeasible, got {other:?}"),
    }
}

#[test]
fn bad_limits_name_the_field() {
    let county = sample_county(2008).unwrap();
    for bad in [0.0, -10.0, f64::NAN] {
        let e = plan(&county, &PlanOptions::default().capacity(bad)).unwrap_err().to_string();
        assert!(e.contains("`capacity`"), "{e}");
    }
    let e = plan(&county, &PlanOptions::default().max_villages(0)).unwrap_err().to_string();
    assert!(e.contains("`max_villages`"), "{e}");
    let e = plan_with_centres(&county, &PlanOptions::default().max_villages(0), &[], None, false).unwrap_err();
    assert!(e.to_string().contains("`max_villages`"));
}

#[test]
fn json_round_trip_and_old_plans_still_load() {
    let county = sample_county(2008).unwrap();
    let opts = PlanOptions::default().capacity(1500.0).max_villages(8);
    let p = plan(&county, &opts).unwrap();
    let text = p.to_json().unwrap();
    assert!(text.contains("\"capacity\":1500.0") && text.contains("\"max_villages\":8"));
    assert_eq!(Plan::from_json(&text).unwrap(), p);
    // A plan without the limits is written exactly as before (no new fields), so older files
    // and the new reader agree.
    let free = plan(&county, &PlanOptions::default()).unwrap();
    let old = free.to_json().unwrap();
    assert!(!old.contains("capacity") && !old.contains("max_villages"));
    let back = Plan::from_json(&old).unwrap();
    assert_eq!(back.options.capacity, None);
    assert_eq!(back.options.capacity_by, CapacityBy::Households);
}

#[test]
fn given_centres_are_checked_under_the_capacity() {
    let county = sample_county(2008).unwrap();
    let free = plan(&county, &PlanOptions::default()).unwrap();
    let ids: Vec<String> = free.communities.iter().map(|c| c.site_id.clone()).collect();
    let opts = PlanOptions::default().capacity(1500.0).target(0.5);
    match plan_with_centres(&county, &opts, &ids, None, false) {
        Ok(p) => {
            check(&county, &p, &opts);
        }
        Err(Error::Infeasible { reason, achievable }) => {
            assert!(achievable < 0.5);
            assert!(reason.contains("under the capacity"), "{reason}");
        }
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn max_coverage_under_capacity_and_village_limits() {
    let county = sample_county(2008).unwrap();
    let p = 40;
    let free = plan_max_coverage(&county, &PlanOptions::default(), CoverLimit::Sites(p)).unwrap();
    let free_centres: Vec<String> =
        free.communities.iter().map(|c| county.sites()[c.site as usize].id.clone()).collect();
    let cases = [
        PlanOptions::default().capacity(1500.0),
        PlanOptions::default().max_villages(5),
        PlanOptions::default().capacity(4000.0).capacity_by(CapacityBy::Population).max_villages(6),
        PlanOptions::default().capacity(3000.0).by(CoverageBy::Population),
    ];
    for opts in cases {
        let plan = plan_max_coverage(&county, &opts, CoverLimit::Sites(p)).unwrap();
        let c = check(&county, &plan, &opts);
        report("max coverage under limits", &plan, &c);
        assert!(plan.communities.len() <= p);
        let mut unlimited = opts.clone();
        (unlimited.capacity, unlimited.max_villages) = (None, None);
        let uncapacitated = plan_max_coverage(&county, &unlimited, CoverLimit::Sites(p)).unwrap();
        // Limits only restrict: never more than without them, and the bound carries over.
        assert!(plan.solution.objective <= uncapacitated.solution.objective + 1e-9);
        assert_eq!(plan.solution.bound, uncapacitated.solution.bound);
        // The search starts from the uncapacitated centres, so it serves at least what those
        // centres serve under the same limits.
        let mut pinned = opts.clone();
        pinned.fixed = if opts.by == CoverageBy::Villages {
            free_centres.clone()
        } else {
            uncapacitated.communities.iter().map(|c| county.sites()[c.site as usize].id.clone()).collect()
        };
        let kept = plan_max_coverage(&county, &pinned, CoverLimit::Sites(pinned.fixed.len().max(1))).unwrap();
        check(&county, &kept, &pinned);
        assert!(
            plan.solution.objective >= kept.solution.objective - 1e-9,
            "{} < {}",
            plan.solution.objective,
            kept.solution.objective
        );
        assert_eq!(plan_max_coverage(&county, &opts, CoverLimit::Sites(p)).unwrap(), plan);
    }
    // The limits bind on the sample county.
    let tight = plan_max_coverage(&county, &PlanOptions::default().max_villages(2), CoverLimit::Sites(p)).unwrap();
    assert!(tight.solution.objective < free.solution.objective);
    // A budget works too.
    let opts = PlanOptions::default().capacity(1500.0);
    let b = plan_max_coverage(&county, &opts, CoverLimit::Budget(5_000_000.0)).unwrap();
    check(&county, &b, &opts);
    let new_cost: f64 = b
        .communities
        .iter()
        .map(|c| &county.sites()[c.site as usize])
        .filter(|s| !s.status.is_fixed_open())
        .map(|s| s.effective_cost().expect("sample sites have costs"))
        .sum();
    assert!(new_cost <= 5_000_000.0 + 1e-6, "{new_cost}");
}

#[test]
fn p_median_refuses_capacity_with_a_clear_error() {
    let county = sample_county(2008).unwrap();
    let err = plan_p_median(&county, &PlanOptions::default().capacity(1500.0), 30).unwrap_err();
    assert!(matches!(err, Error::InvalidInput { .. }), "{err}");
    assert!(err.to_string().contains("`capacity`") && err.to_string().contains("max_coverage"), "{err}");
}
