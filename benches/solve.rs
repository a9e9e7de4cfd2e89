//! Criterion benchmarks of the matrix solvers on OR-Library instances (pmed1, pmed15, pmed40):
//! p-median and vertex p-center, end to end from a prepared cost matrix. Run with
//! `cargo bench --bench solve`; `cargo bench --bench orlib` prints the full 40-instance table.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use villageplan::io::read_orlib_pmed;
use villageplan::solve::{p_center, p_median, CostMatrix, SolveOptions};

fn instance(k: usize) -> (CostMatrix, usize) {
    read_orlib_pmed(format!("{}/tests/data/orlib/pmed{k}.txt", env!("CARGO_MANIFEST_DIR")))
        .expect("OR-Library instance")
}

fn solvers(c: &mut Criterion) {
    let opts = SolveOptions::default();
    let mut g = c.benchmark_group("p_median_orlib");
    g.sample_size(10);
    for k in [1usize, 15, 40] {
        let (costs, p) = instance(k);
        g.bench_with_input(BenchmarkId::from_parameter(format!("pmed{k}")), &costs, |b, costs| {
            b.iter(|| p_median(costs, p, None, &opts).expect("p-median"))
        });
    }
    g.finish();
    let mut g = c.benchmark_group("p_center_orlib");
    g.sample_size(10);
    for k in [1usize, 15, 40] {
        let (costs, p) = instance(k);
        g.bench_with_input(BenchmarkId::from_parameter(format!("pmed{k}")), &costs, |b, costs| {
            b.iter(|| p_center(costs, p, &opts).expect("p-center"))
        });
    }
    g.finish();
}

fn reader(c: &mut Criterion) {
    let mut g = c.benchmark_group("orlib_read_floyd_warshall");
    g.sample_size(10);
    for k in [1usize, 40] {
        let path = format!("{}/tests/data/orlib/pmed{k}.txt", env!("CARGO_MANIFEST_DIR"));
        g.bench_function(format!("pmed{k}"), |b| b.iter(|| read_orlib_pmed(&path).expect("read")));
    }
    g.finish();
}

criterion_group!(benches, solvers, reader);
criterion_main!(benches);
