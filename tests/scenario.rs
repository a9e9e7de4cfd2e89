//! Scenarios: JSON round trip and errors, the Monte Carlo simulation (seeded, independent of the
//! thread count, equal to the schedule without uncertainty), sweeps and the cost curve on the
//! sample county.

use villageplan::datasets::sample_county;
use villageplan::error::Error;
use villageplan::plan::plan;
use villageplan::rollout::{Budget, CostModel, Schedule, DEFAULT_SHARES};
use villageplan::scenario::{cheapest_plans, cost_curve, simulate, simulate_with, sweep, Scenario, Uncertainty};

fn in_pool<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("pool").install(f)
}

#[test]
fn scenario_json_round_trip_and_errors() {
    let s = Scenario::default();
    assert_eq!(s.budget.years.len(), 3);
    assert_eq!(s.budget.total(), 3.0e6);
    let text = s.to_json().expect("json");
    assert_eq!(Scenario::from_json(&text).expect("read"), s);
    let dir = std::env::temp_dir().join(format!("vp-scenario-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("s.json");
    s.save(&path).expect("save");
    assert_eq!(Scenario::load(&path).expect("load"), s);
    let e = Scenario::from_json(&text.replace("\"format_version\": 1", "\"format_version\": 7")).unwrap_err();
    assert!(matches!(&e, Error::InvalidInput { field, .. } if field == "format_version"), "{e}");
    let e = Scenario::from_json(&text.replace("\"radius\"", "\"radios\"")).unwrap_err();
    assert!(e.to_string().contains("radios"), "{e}");
    let e = Scenario::from_json(r#"{"format_version": 1, "budget": {"years": [{"government": -1}]}}"#).unwrap_err();
    assert!(e.to_string().contains("government"), "{e}");
    assert!(matches!(Scenario::load(dir.join("missing.json")), Err(Error::Io { .. })));
}

#[test]
fn simulation_is_seeded_and_independent_of_threads() {
    let county = sample_county(2008).expect("county");
    let scenario = Scenario::default();
    let p = plan(&county, &scenario.plan_options()).expect("plan");
    let one = in_pool(1, || simulate_with(&p, &scenario, 1500, 42, None).expect("sim"));
    let two = in_pool(2, || simulate_with(&p, &scenario, 1500, 42, None).expect("sim"));
    assert_eq!(one, two);
    let other = simulate_with(&p, &scenario, 1500, 43, None).expect("sim");
    assert_ne!(one.runs, other.runs);
    // A prefix of runs does not depend on how many runs there are.
    let short = simulate_with(&p, &scenario, 100, 42, None).expect("sim");
    assert_eq!(short.runs[..], one.runs[..100]);
    // Invariants per run.
    for r in &one.runs {
        assert!(r.coverage.windows(2).all(|w| w[0] <= w[1]));
        assert!(r.centres.windows(2).all(|w| w[0] <= w[1]));
        let (mut spent, mut money) = (0.0, 0.0);
        for (s, m) in r.spent.iter().zip(&r.money) {
            spent += s;
            money += m;
            assert!(spent <= money + 1e-6, "run {} overspends", r.run);
        }
        let first = r.coverage.iter().position(|&c| c >= scenario.target - 1e-12).map(|t| t as u32);
        assert_eq!(r.target_year, first);
    }
    let q = one.quantiles(&[0.05, 0.5, 0.95]);
    assert_eq!(q.len(), 4);
    for y in &q {
        assert!(y.quantiles[0] <= y.quantiles[1] && y.quantiles[1] <= y.quantiles[2]);
        assert_eq!(y.probability_of_target, one.probability_of_target(y.year));
    }
    assert!(q.windows(2).all(|w| w[0].probability_of_target <= w[1].probability_of_target));
}

#[test]
fn simulation_without_uncertainty_is_the_schedule() {
    let county = sample_county(2008).expect("county");
    let scenario = Scenario {
        uncertainty: Uncertainty::none(),
        budget: Budget::yearly(8.0e6, &DEFAULT_SHARES, 3, true).expect("budget"),
        ..Scenario::default()
    };
    let sim = simulate(&county, &scenario, 20, 7).expect("sim");
    let p = plan(&county, &scenario.plan_options()).expect("plan");
    let s = Schedule::build(&p, &scenario.budget, &CostModel::default()).expect("schedule");
    for r in &sim.runs {
        let want: Vec<f64> = s.years.iter().map(|y| y.coverage).collect();
        assert_eq!(r.coverage, want);
        assert_eq!(r.target_year, s.target_year);
    }
    assert_eq!(sim.schedule, s);
}

#[test]
fn simulation_cancels_and_rejects_bad_input() {
    let county = sample_county(2008).expect("county");
    let scenario = Scenario::default();
    let p = plan(&county, &scenario.plan_options()).expect("plan");
    let stop = |done: usize, _total: usize| done < 512;
    let e = simulate_with(&p, &scenario, 2000, 1, Some(&stop)).unwrap_err();
    assert!(matches!(e, Error::Cancelled));
    let e = simulate_with(&p, &scenario, 0, 1, None).unwrap_err();
    assert!(e.to_string().contains("`runs`"), "{e}");
    let bad = Scenario { years: 4, ..Scenario::default() };
    assert!(simulate(&county, &bad, 10, 1).unwrap_err().to_string().contains("`years`"));
}

#[test]
fn sweep_is_a_tidy_grid() {
    let county = sample_county(2008).expect("county");
    let base = Scenario::default();
    let radii = [1500.0, 2000.0];
    let targets = [0.5, 0.6, 0.999];
    let budgets = [1.0e6, 5.0e6, 2.0e7];
    let rows = sweep(&county, &base, &radii, &targets, &budgets, None).expect("sweep");
    assert_eq!(rows.len(), 18);
    let mut k = 0;
    for &r in &radii {
        for &t in &targets {
            for &b in &budgets {
                let row = &rows[k];
                assert_eq!((row.radius, row.target, row.budget), (r, t, b));
                if row.status == "ok" {
                    assert!(row.spent <= 3.0 * b + 1e-6);
                    assert!(row.coverage <= row.plan_coverage + 1e-12);
                    assert_eq!(row.target_year.is_some(), row.shortfall == 0.0);
                } else {
                    assert!(row.achievable < t);
                }
                k += 1;
            }
        }
    }
    // The same plan with more money covers at least as much (here, on the sample county).
    for g in rows.chunks(3).filter(|g| g[0].status == "ok") {
        assert!(g[0].coverage <= g[1].coverage && g[1].coverage <= g[2].coverage);
    }
    let two = in_pool(2, || sweep(&county, &base, &radii, &targets[..2], &budgets[..1], None).expect("sweep"));
    let one = in_pool(1, || sweep(&county, &base, &radii, &targets[..2], &budgets[..1], None).expect("sweep"));
    assert_eq!(format!("{one:?}"), format!("{two:?}"));
    assert!(sweep(&county, &base, &[], &targets, &budgets, None).is_err());
    assert!(sweep(&county, &base, &radii, &[1.2], &budgets, None).is_err());
    assert!(sweep(&county, &base, &radii, &targets, &[-1.0], None).is_err());
}

#[test]
fn cost_curve_is_monotone_and_cheapest_plans_reach_their_targets() {
    let county = sample_county(2008).expect("county");
    let base = Scenario::default();
    let rows = cost_curve(&county, &base, &[0.8, 0.3, 0.5, 0.6, 0.7, 0.4]).expect("curve");
    let targets: Vec<f64> = rows.iter().map(|r| r.target).collect();
    assert_eq!(targets, vec![0.3, 0.4, 0.5, 0.6, 0.7, 0.8]);
    for w in rows.windows(2) {
        assert!(w[0].cost <= w[1].cost);
        assert!(
            (w[1].marginal_cost_per_point - (w[1].cost - w[0].cost) / (100.0 * (w[1].target - w[0].target))).abs()
                < 1e-6
        );
    }
    for r in &rows {
        assert_eq!(r.status, "ok");
        assert!(r.coverage >= r.target - 1e-12);
        assert_eq!(r.sites.len(), r.centres);
    }
    let cheap = cheapest_plans(&county, &base, &[0.5, 0.6, 0.7, 0.8]).expect("cheapest");
    assert_eq!(cheap.len(), 4);
    assert_eq!(cheap[1].cost, rows[3].cost);
}
