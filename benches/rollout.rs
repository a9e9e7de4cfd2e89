//! Criterion benchmarks of the roll-out: the schedule of the sample county's 60% plan and the
//! Monte Carlo simulation of its default scenario (10,000 runs; DESIGN.md §5 target < 10 s on 2
//! cores). Run with `cargo bench --bench rollout`; `RAYON_NUM_THREADS` sets the threads.

use criterion::{criterion_group, criterion_main, Criterion};
use villageplan::datasets::sample_county;
use villageplan::plan::plan;
use villageplan::rollout::{Budget, CostModel, Schedule, DEFAULT_SHARES};
use villageplan::scenario::{simulate_with, Scenario};

fn rollout(c: &mut Criterion) {
    let county = sample_county(2008).expect("sample county");
    let scenario = Scenario::default();
    let p = plan(&county, &scenario.plan_options()).expect("plan");
    let mut g = c.benchmark_group("rollout_sample_county");
    g.sample_size(10);
    g.bench_function("schedule_default_budget", |b| {
        b.iter(|| Schedule::build(&p, &scenario.budget, &CostModel::default()).expect("schedule"))
    });
    let rich = Budget::yearly(1.0e7, &DEFAULT_SHARES, 3, true).expect("budget");
    g.bench_function("schedule_10m_a_year", |b| {
        b.iter(|| Schedule::build(&p, &rich, &CostModel::default()).expect("schedule"))
    });
    g.bench_function("simulate_10000_runs", |b| {
        b.iter(|| simulate_with(&p, &scenario, 10_000, 1, None).expect("simulation"))
    });
    let rich_scenario = Scenario { budget: rich.clone(), ..Scenario::default() };
    g.bench_function("simulate_10000_runs_10m_a_year", |b| {
        b.iter(|| simulate_with(&p, &rich_scenario, 10_000, 1, None).expect("simulation"))
    });
    g.finish();
}

criterion_group!(benches, rollout);
criterion_main!(benches);
