//! Criterion benchmarks of the straight-line coverage build and the 60% plan on synthetic
//! clustered counties of 1k, 10k and 100k villages (the sample-county recipe scaled up at the
//! same density). Run with `make bench` or `cargo bench --bench coverage`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use villageplan::coverage::Coverage;
use villageplan::datasets::{SampleCounty, SampleOptions};
use villageplan::plan::{plan, PlanOptions};

fn county(n: usize) -> villageplan::model::Instance {
    SampleCounty::generate(7, &SampleOptions::scaled(n).roads(false)).expect("synthetic county").instance
}

fn coverage_build(c: &mut Criterion) {
    let mut g = c.benchmark_group("coverage_build_2km");
    g.sample_size(10);
    for n in [1_000usize, 10_000, 100_000] {
        let inst = county(n);
        g.bench_with_input(BenchmarkId::from_parameter(n), &inst, |b, inst| {
            b.iter(|| Coverage::build(inst, 2000.0, true).expect("coverage"))
        });
    }
    g.finish();
}

fn plan_60(c: &mut Criterion) {
    let mut g = c.benchmark_group("plan_60pct_2km");
    g.sample_size(10);
    for n in [1_000usize, 10_000, 100_000] {
        let inst = county(n);
        let opts = PlanOptions::default();
        g.bench_with_input(BenchmarkId::from_parameter(n), &inst, |b, inst| {
            b.iter(|| plan(inst, &opts).expect("plan"))
        });
    }
    g.finish();
}

criterion_group!(benches, coverage_build, plan_60);
criterion_main!(benches);
