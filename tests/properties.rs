//! Property tests: invariants of coverage, plans and the covering solvers on random instances.

mod common;

use proptest::prelude::*;
use villageplan::coverage::Coverage;
use villageplan::model::{Instance, Site, SiteStatus, Village};
use villageplan::plan::{plan, CoverageBy, PlanOptions};
use villageplan::solve::{max_coverage, target_coverage, CoverLimit, CoverProblem, SolveOptions, Status};

/// A random planar county: villages in a 12 × 12 km square, 1–3 towns, some no_space and
/// existing sites, costs on every site.
fn county() -> impl Strategy<Value = Instance> {
    (
        prop::collection::vec((0.0f64..12_000.0, 0.0f64..12_000.0, 50.0f64..3000.0, 0u8..3, 0u8..12, 1u32..9), 4..60),
        any::<bool>(),
    )
        .prop_map(|(rows, with_status)| {
            let rows: Vec<common::VillageRow> =
                rows.into_iter().map(|(x, y, pop, town, kind, cost)| (x, y, pop.round(), town, kind, cost)).collect();
            common::county_from_rows(&rows, with_status, (0.0, 0.0))
        })
}

/// Euclidean distance, written out independently of the crate.
fn dist(a: &Village, b: &Site) -> f64 {
    ((a.x - b.x).powi(2) + (a.y - b.y).powi(2)).sqrt()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]

    /// Every plan: each village in at most one community, members within the radius and in the
    /// centre's town, existing centres open, no_space never open, coverage equal to the recount,
    /// the target met, and the bound on the right side of the objective.
    #[test]
    fn plans_keep_every_invariant(c in county(), radius in 500.0f64..4000.0, target in 0.05f64..1.0, by_pop in any::<bool>()) {
        let opts = PlanOptions::default().radius(radius).target(target).by(if by_pop { CoverageBy::Population } else { CoverageBy::Villages });
        let p = match plan(&c, &opts) {
            Ok(p) => p,
            Err(villageplan::error::Error::Infeasible { achievable, .. }) => {
                prop_assert!(achievable < target);
                return Ok(());
            }
            Err(e) => return Err(TestCaseError::fail(e.to_string())),
        };
        let sites = c.sites();
        let mut seen = vec![0u32; c.n_villages()];
        for com in &p.communities {
            let s = &sites[com.site as usize];
            prop_assert_ne!(s.status, SiteStatus::NoSpace);
            for &v in &com.villages {
                seen[v as usize] += 1;
                let village = &c.villages()[v as usize];
                prop_assert!(dist(village, s) <= radius + 1e-9);
                prop_assert_eq!(&village.town, &s.town);
            }
        }
        prop_assert!(seen.iter().all(|&k| k <= 1));
        for (i, s) in sites.iter().enumerate() {
            if s.status == SiteStatus::Existing {
                prop_assert!(p.communities.iter().any(|k| k.site as usize == i));
            }
        }
        let covered = seen.iter().filter(|&&k| k == 1).count();
        prop_assert_eq!(p.coverage, covered as f64 / c.n_villages() as f64);
        let share = if by_pop { p.population_coverage } else { p.coverage };
        prop_assert!(share >= target - 1e-9);
        prop_assert!(p.solution.bound <= p.solution.objective + 1e-9);
        prop_assert_eq!(p.solution.status == Status::Optimal, p.solution.gap == 0.0);
    }

    /// A larger radius never covers fewer villages from the same sites.
    #[test]
    fn coverage_is_monotone_in_the_radius(c in county(), r in 300.0f64..3000.0, extra in 0.0f64..2000.0) {
        let small = Coverage::build(&c, r, true).unwrap();
        let large = Coverage::build(&c, r + extra, true).unwrap();
        for s in 0..c.n_sites() {
            let big: std::collections::HashSet<u32> = large.villages_of(s).iter().copied().collect();
            prop_assert!(small.villages_of(s).iter().all(|v| big.contains(v)));
        }
        // So the best plan's coverage with p sites never falls as the radius grows, when both are
        // proven optimal.
        let p = 3;
        let a = max_coverage(&CoverProblem::unit(&small), CoverLimit::Sites(p), &SolveOptions::default()).unwrap();
        let b = max_coverage(&CoverProblem::unit(&large), CoverLimit::Sites(p), &SolveOptions::default()).unwrap();
        prop_assert!(b.bound >= a.objective - 1e-9, "upper bound at the larger radius below a solution at the smaller one");
        if a.status == Status::Optimal && b.status == Status::Optimal {
            prop_assert!(b.objective >= a.objective);
        }
    }

    /// Solver results do not depend on the number of threads.
    #[test]
    fn results_do_not_depend_on_threads(c in county(), radius in 800.0f64..3000.0, seed in 0u64..1000) {
        let cov = Coverage::build(&c, radius, true).unwrap();
        let mut prob = CoverProblem::unit(&cov);
        prob.costs = c.sites().iter().map(|s| s.cost.unwrap_or(1.0)).collect();
        let opts = SolveOptions { seed, time_limit: None };
        let run = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            pool.install(|| (target_coverage(&prob, 0.7, &opts).ok(), max_coverage(&prob, CoverLimit::Sites(4), &opts).ok()))
        };
        let (t1, m1) = run(1);
        let (t2, m2) = run(2);
        prop_assert_eq!(t1, t2);
        prop_assert_eq!(m1, m2);
        let p1 = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap().install(|| plan(&c, &PlanOptions::default().radius(radius)).map(|p| p.to_json().unwrap()).ok());
        let p2 = rayon::ThreadPoolBuilder::new().num_threads(2).build().unwrap().install(|| plan(&c, &PlanOptions::default().radius(radius)).map(|p| p.to_json().unwrap()).ok());
        prop_assert_eq!(p1, p2);
    }
}
