//! Capacitated p-median: exhaustive checks on tiny instances, OR-Library pmedcap1 quality, readers.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use villageplan::error::Error;
use villageplan::io::{read_cpmp_lorena_str, read_cpmp_osman, read_cpmp_osman_str};
use villageplan::solve::{capacitated_p_median, CostMatrix, Solution, SolveOptions, Status};

/// Checks exactly p medians, every row assigned to an open median, capacities, objective.
fn assert_feasible(costs: &CostMatrix, p: usize, demand: &[f64], capacity: &[f64], sol: &Solution) {
    assert_eq!(sol.open.len(), p, "open {:?}", sol.open);
    assert!(sol.open.windows(2).all(|w| w[0] < w[1]), "open not ascending/distinct: {:?}", sol.open);
    assert_eq!(sol.assignment.len(), costs.n_demand());
    let mut load = vec![0.0; costs.n_sites()];
    let mut obj = 0.0;
    for (i, a) in sol.assignment.iter().enumerate() {
        let s = a.expect("every row assigned") as usize;
        assert!(sol.open.contains(&(s as u32)), "row {i} assigned to closed site {s}");
        load[s] += demand[i];
        obj += costs.get(i, s);
    }
    for (s, l) in load.iter().enumerate() {
        assert!(*l <= capacity[s] + 1e-9, "site {s} loaded {l} > {}", capacity[s]);
    }
    assert!((obj - sol.objective).abs() < 1e-6, "objective {} vs recomputed {obj}", sol.objective);
    assert!(sol.bound <= sol.objective + 1e-9);
}

/// Exhaustive optimum (None when infeasible).
fn brute(costs: &CostMatrix, p: usize, demand: &[f64], capacity: &[f64]) -> Option<f64> {
    let m = costs.n_sites();
    let mut best: Option<f64> = None;
    for mask in 0u32..(1 << m) {
        if mask.count_ones() as usize != p {
            continue;
        }
        let meds: Vec<usize> = (0..m).filter(|s| mask >> s & 1 == 1).collect();
        let mut load = vec![0.0; m];
        type Ctx<'a> = (&'a CostMatrix, &'a [usize], &'a [f64], &'a [f64]);
        fn rec(i: usize, acc: f64, ctx: Ctx, load: &mut [f64], best: &mut Option<f64>) {
            let (c, meds, d, cap) = ctx;
            if best.is_some_and(|b| acc >= b) {
                return;
            }
            if i == c.n_demand() {
                *best = Some(acc);
                return;
            }
            for &s in meds {
                if load[s] + d[i] <= cap[s] + 1e-9 {
                    load[s] += d[i];
                    rec(i + 1, acc + c.get(i, s), ctx, load, best);
                    load[s] -= d[i];
                }
            }
        }
        rec(0, 0.0, (costs, &meds, demand, capacity), &mut load, &mut best);
    }
    best
}

#[test]
fn matches_exhaustive_enumeration_on_tiny_instances() {
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let mut solved = 0;
    for case in 0..40 {
        let n = rng.random_range(3..=9usize);
        let p = rng.random_range(1..=3usize.min(n));
        let pts: Vec<(f64, f64)> =
            (0..n).map(|_| (rng.random_range(0..20) as f64, rng.random_range(0..20) as f64)).collect();
        let costs =
            CostMatrix::from_fn(n, n, |i, j| ((pts[i].0 - pts[j].0).hypot(pts[i].1 - pts[j].1)).floor()).unwrap();
        let demand: Vec<f64> = (0..n).map(|_| rng.random_range(1..=5) as f64).collect();
        let total: f64 = demand.iter().sum();
        let capacity: Vec<f64> = (0..n).map(|_| (total / p as f64 * rng.random_range(1.0..1.6)).ceil()).collect();
        let opt = brute(&costs, p, &demand, &capacity);
        let opts = SolveOptions { seed: case, time_limit: None };
        match (capacitated_p_median(&costs, p, &demand, &capacity, &opts), opt) {
            (Ok(sol), Some(opt)) => {
                assert_feasible(&costs, p, &demand, &capacity, &sol);
                assert!(sol.bound <= opt + 1e-9, "case {case}: bound {} above optimum {opt}", sol.bound);
                assert!(sol.objective >= opt - 1e-9);
                assert!((sol.objective - opt).abs() < 1e-9, "case {case}: {} vs optimum {opt}", sol.objective);
                if sol.status == Status::Optimal {
                    assert_eq!(sol.objective, opt);
                }
                solved += 1;
            }
            (Err(Error::Infeasible { .. }), None) => {}
            (Err(e), Some(opt)) => panic!("case {case}: error {e} but optimum {opt} exists"),
            (Ok(sol), None) => panic!("case {case}: solution {sol:?} for an infeasible instance"),
            (Err(e), None) => panic!("case {case}: unexpected error {e}"),
        }
    }
    assert!(solved >= 30, "only {solved} feasible cases");
}

#[test]
fn deterministic_for_a_seed() {
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let n = 30;
    let pts: Vec<(f64, f64)> = (0..n).map(|_| (rng.random_range(0.0..100.0), rng.random_range(0.0..100.0))).collect();
    let costs = CostMatrix::from_fn(n, n, |i, j| (pts[i].0 - pts[j].0).hypot(pts[i].1 - pts[j].1)).unwrap();
    let demand: Vec<f64> = (0..n).map(|_| rng.random_range(1..=9) as f64).collect();
    let capacity = vec![demand.iter().sum::<f64>() / 3.0 * 1.1; n];
    let opts = SolveOptions { seed: 5, time_limit: None };
    let a = capacitated_p_median(&costs, 4, &demand, &capacity, &opts).unwrap();
    assert_feasible(&costs, 4, &demand, &capacity, &a);
    let b = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap()
        .install(|| capacitated_p_median(&costs, 4, &demand, &capacity, &opts).unwrap());
    assert_eq!(a, b);
}

#[test]
fn pmedcap1_01_and_02_reach_the_optimum() {
    for (k, opt) in [(1, 713.0), (2, 740.0)] {
        let inst = read_cpmp_osman(format!("tests/data/cpmp/pmedcap1_{k:02}.txt")).unwrap();
        assert_eq!((inst.costs.n_demand(), inst.p), (50, 5));
        assert_eq!(inst.best_known, Some(opt));
        let sol =
            capacitated_p_median(&inst.costs, inst.p, &inst.demand, &inst.capacity, &SolveOptions::default()).unwrap();
        assert_feasible(&inst.costs, inst.p, &inst.demand, &inst.capacity, &sol);
        assert_eq!(sol.objective, opt, "pmedcap1_{k:02}");
        assert!(sol.bound <= opt);
    }
}

#[test]
fn time_limit_returns_a_feasible_solution() {
    let inst = read_cpmp_osman("tests/data/cpmp/pmedcap1_11.txt").unwrap();
    let opts = SolveOptions { seed: 0, time_limit: Some(0.0) };
    match capacitated_p_median(&inst.costs, inst.p, &inst.demand, &inst.capacity, &opts) {
        Ok(sol) => {
            assert_feasible(&inst.costs, inst.p, &inst.demand, &inst.capacity, &sol);
            assert_ne!(sol.status, Status::Feasible);
        }
        Err(e) => assert!(matches!(e, Error::Infeasible { .. }), "{e}"),
    }
    let e = capacitated_p_median(
        &inst.costs,
        inst.p,
        &inst.demand,
        &inst.capacity,
        &SolveOptions { seed: 0, time_limit: Some(-1.0) },
    )
    .unwrap_err();
    assert!(e.to_string().contains("time_limit"), "{e}");
}

#[test]
fn infeasible_and_invalid_inputs() {
    let costs = CostMatrix::from_fn(4, 4, |i, j| (i as f64 - j as f64).abs()).unwrap();
    let o = SolveOptions::default();
    let e = capacitated_p_median(&costs, 2, &[3.0; 4], &[5.0; 4], &o).unwrap_err();
    assert!(matches!(e, Error::Infeasible { .. }), "{e}");
    assert!(e.to_string().contains("total demand"), "{e}");
    let e = capacitated_p_median(&costs, 5, &[1.0; 4], &[5.0; 4], &o).unwrap_err();
    assert!(e.to_string().contains("`p`"), "{e}");
    let e = capacitated_p_median(&costs, 2, &[1.0, -1.0, 1.0, 1.0], &[5.0; 4], &o).unwrap_err();
    assert!(e.to_string().contains("`demand` at row 1"), "{e}");
    let e = capacitated_p_median(&costs, 2, &[1.0; 4], &[5.0; 3], &o).unwrap_err();
    assert!(e.to_string().contains("`capacity`"), "{e}");
    // Demands 3,3,3 with two medians of capacity 4 and 5: sum fits (9 ≤ 9) but no packing does.
    let costs3 = CostMatrix::from_fn(3, 3, |i, j| (i as f64 - j as f64).abs()).unwrap();
    let e = capacitated_p_median(&costs3, 2, &[3.0; 3], &[4.0, 5.0, 1.0], &o).unwrap_err();
    assert!(matches!(e, Error::Infeasible { .. }), "{e}");
}

#[test]
fn osman_reader_edge_cases() {
    let ok = read_cpmp_osman_str("\r\n 1 7\r\n3 1 10\r\n1 0 0 2\r\n\r\n2 3 4 5\r\n3 1 1 1\r\n", "t").unwrap();
    assert_eq!(ok.costs.row(1), &[5.0, 0.0, 3.0]); // floor(√13) = 3
    assert_eq!(ok.demand, vec![2.0, 5.0, 1.0]);
    let cases = [
        ("", "the text ends before"),
        ("1\n", "at line 1: expected a header"),
        ("1 7\n3 1\n", "at line 2: expected a line `n p Q`"),
        ("1 7\n0 1 10\n", "at line 2: the point count n is 0"),
        ("1 7\n2 3 10\n", "at line 2: p = 3 must be in 1..=2"),
        ("1 7\n2 1 -1\n", "at line 2: capacity Q = -1 is negative"),
        ("1 7\n2 1 10\n1 0 0 1\n3 0 0 1\n", "at line 4: point id 3 out of order"),
        ("1 7\n2 1 10\n1 0 0 1\n2 0 x 1\n", "at line 4: y `x` is not a finite number"),
        ("1 7\n2 1 10\n1 0 0 1\n2 0 0 -2\n", "at line 4: demand -2 is negative"),
        ("1 7\n1 1 10\n1 0 0 1\n2 0 0 1\n", "at line 4: more point lines"),
        ("1 7\n2 1 10\n1 0 0 1\n", "expected 2 point lines, found 1"),
    ];
    for (text, msg) in cases {
        let e = read_cpmp_osman_str(text, "t").unwrap_err();
        assert!(matches!(e, Error::Parse { .. }), "{e}");
        assert!(e.to_string().contains(msg), "{text:?}: {e}");
    }
}

#[test]
fn lorena_reader_edge_cases() {
    let ok = read_cpmp_lorena_str("3\t2\t\t\r\n0\t0\t10\t4\r\n3 4 12 6\r\n  0  1  5  2\r\n", "t").unwrap();
    assert_eq!(ok.p, 2);
    assert_eq!(ok.capacity, vec![10.0, 12.0, 5.0]);
    assert_eq!(ok.demand, vec![4.0, 6.0, 2.0]);
    assert_eq!(ok.costs.get(0, 1), 5.0);
    assert!((ok.costs.get(1, 2) - 18f64.sqrt()).abs() < 1e-12);
    assert_eq!(ok.best_known, None);
    let cases = [
        ("", "the text ends before"),
        ("3\n", "at line 1: expected a header `n p`"),
        ("2 0\n", "at line 1: p = 0"),
        ("2 1\n0 0 1 1\n0 0 -1 1\n", "at line 3: capacity -1 is negative"),
        ("2 1\n0 0 1 1\n0 0 1 NaN\n", "at line 3: demand `NaN` is not a finite number"),
        ("1 1\n0 0 1 1\n5 5 5 5\n", "at line 3: more point lines"),
        ("2 1\n0 0 1 1\n", "expected 2 point lines, found 1"),
    ];
    for (text, msg) in cases {
        let e = read_cpmp_lorena_str(text, "t").unwrap_err();
        assert!(matches!(e, Error::Parse { .. }), "{e}");
        assert!(e.to_string().contains(msg), "{text:?}: {e}");
    }
}

#[test]
fn sjc1_when_available() {
    // The SJC files are not copied into the project (licence); they sit in ../shared, which CI
    // always has, so there a missing file is a failure, not a skip.
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/benchmarks/cpmp/lorena_sjc/SJC1.dat");
    if !path.exists() {
        assert!(std::env::var_os("CI").is_none(), "{} is missing in CI", path.display());
        eprintln!("notice: {} not found; skipping", path.display());
        return;
    }
    let inst = villageplan::io::read_cpmp_lorena(&path).unwrap();
    assert_eq!((inst.costs.n_demand(), inst.p), (100, 10));
    assert_eq!(inst.capacity[0], 720.0);
    assert_eq!(inst.demand[0], 50.0);
}
