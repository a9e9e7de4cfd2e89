//! End-to-end: the sample county planned to 60% at 2 km, checked independently of the planner.

use villageplan::datasets::sample_county;
use villageplan::model::SiteStatus;
use villageplan::plan::{plan, CoverageBy, PlanObjective, PlanOptions};
use villageplan::solve::Status;

/// Haversine distance written out independently of geo (same sphere radius), metres.
fn haversine(a: [f64; 2], b: [f64; 2]) -> f64 {
    let r = 6_371_008.8;
    let (la1, la2) = (a[1].to_radians(), b[1].to_radians());
    let dlat = la2 - la1;
    let dlon = (b[0] - a[0]).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * r * h.sqrt().asin()
}

#[test]
fn sample_county_plan_is_right_by_independent_check() {
    let county = sample_county(2008).unwrap();
    let opts = PlanOptions::default();
    let p = plan(&county, &opts).unwrap();
    assert!(p.coverage >= 0.6, "coverage {}", p.coverage);
    assert_eq!(p.objective, PlanObjective::Cost, "the sample county's sites all have costs");

    let villages = county.villages();
    let sites = county.sites();
    let open: Vec<usize> = p.communities.iter().map(|c| c.site as usize).collect();
    let mut covered = 0usize;
    let mut covered_pop = 0.0;
    for a in &p.assignments {
        let v = &villages[a.village as usize];
        // Nearest open centre in the village's own town, recomputed from scratch.
        let nearest = open
            .iter()
            .filter(|&&s| sites[s].town == v.town)
            .map(|&s| (haversine([v.x, v.y], [sites[s].x, sites[s].y]), s))
            .min_by(|a, b| a.0.total_cmp(&b.0));
        match a.community {
            Some(k) => {
                let s = p.communities[k as usize].site as usize;
                let d = haversine([v.x, v.y], [sites[s].x, sites[s].y]);
                assert!(d <= opts.radius + 1e-6, "village {} is {d} m from its centre", v.id);
                assert!((d - a.distance.unwrap()).abs() < 1e-6, "reported {} vs recomputed {d}", a.distance.unwrap());
                assert_eq!(sites[s].town, v.town, "village {} joined a centre in another town", v.id);
                let (dn, _) = nearest.unwrap();
                assert!(d <= dn + 1e-6, "village {} is not at its nearest open centre", v.id);
                assert!(p.communities[k as usize].villages.contains(&a.village));
                covered += 1;
                covered_pop += v.population;
            }
            None => {
                if let Some((dn, s)) = nearest {
                    assert!(
                        dn > opts.radius,
                        "village {} has open centre {} within {dn} m but is unassigned",
                        v.id,
                        sites[s].id
                    );
                }
            }
        }
    }
    assert_eq!(p.coverage, covered as f64 / villages.len() as f64);
    assert!((p.population_coverage - covered_pop / county.total_population()).abs() < 1e-12);
    // Pilot rules and cost accounting.
    for c in &p.communities {
        assert_ne!(c.status, SiteStatus::NoSpace);
    }
    let cost: f64 = open.iter().map(|&s| sites[s].effective_cost().unwrap()).sum();
    assert!((p.cost - cost).abs() < 1e-6);
    // Honest certificate.
    assert!(p.solution.bound <= p.solution.objective + 1e-9);
    assert!((p.solution.objective - p.cost).abs() < 1e-6);
    assert_eq!(p.solution.status == Status::Optimal, p.solution.gap <= 1e-9);
}

#[test]
fn population_target_and_count_objective() {
    let county = sample_county(2008).unwrap();
    let opts = PlanOptions::default().by(CoverageBy::Population).objective(PlanObjective::Count).target(0.7);
    let p = plan(&county, &opts).unwrap();
    assert!(p.population_coverage >= 0.7 - 1e-12);
    assert_eq!(p.solution.objective, p.communities.len() as f64);
    // Fewer centres cannot reach the target: the bound is a valid lower bound.
    assert!(p.solution.bound <= p.communities.len() as f64);
}

#[test]
fn plans_are_deterministic_and_round_trip() {
    let county = sample_county(2008).unwrap();
    let a = plan(&county, &PlanOptions::default()).unwrap().to_json().unwrap();
    let b = plan(&county, &PlanOptions::default()).unwrap().to_json().unwrap();
    assert_eq!(a, b);
    let dir = std::env::temp_dir().join(format!("vp-plan-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("plan.json");
    let p = plan(&county, &PlanOptions::default()).unwrap();
    p.save(&path).unwrap();
    assert_eq!(villageplan::plan::Plan::load(&path).unwrap(), p);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn unreachable_target_reports_the_best_share() {
    let county = sample_county(2008).unwrap();
    // At 50 m a site reaches only its own village (villages are ≥ 400 m apart), and the 3
    // `no_space` pilots can never open, so at most 297 of 300 villages can be covered.
    match plan(&county, &PlanOptions::default().radius(50.0).target(1.0)) {
        Err(villageplan::error::Error::Infeasible { achievable, reason }) => {
            assert_eq!(achievable, 297.0 / 300.0);
            assert!(reason.contains("at most"), "{reason}");
        }
        other => panic!("expected Infeasible, got {other:?}"),
    }
}

#[test]
fn time_limited_plan_is_honest() {
    let county = sample_county(2008).unwrap();
    let opts = PlanOptions { time_limit: Some(0.0), ..PlanOptions::default() };
    let p = plan(&county, &opts).unwrap();
    // The search stopped at once: a feasible plan, a valid bound, and never a false "optimal".
    assert!(p.coverage >= 0.6);
    assert!(p.solution.bound <= p.solution.objective);
    match p.status() {
        Status::Optimal => assert_eq!(p.solution.gap, 0.0),
        s => assert_eq!(s, Status::TimeLimit),
    }
    let full = plan(&county, &PlanOptions::default()).unwrap();
    assert!(full.solution.objective <= p.solution.objective);
}
