//! Scale benchmark: synthetic clustered counties (the sample-county recipe at constant density)
//! planned to 60% of villages at 2 km, reporting the time of each stage and the peak memory.
//!
//! Run with `cargo bench --bench scale -- 100000 1000000` (sizes optional; default 10k and 100k).
//! Each size runs in a fresh child process so that its peak memory (VmHWM) is its own.

use std::time::Instant;

use villageplan::coverage::Coverage;
use villageplan::datasets::{SampleCounty, SampleOptions};
use villageplan::plan::{plan_on, PlanOptions};

/// Peak resident memory of this process, MiB (Linux), or NaN elsewhere.
fn peak_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(str::to_owned))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|k| k.parse::<f64>().ok()))
        .map_or(f64::NAN, |kib| kib / 1024.0)
}

fn run(n: usize) {
    let t = Instant::now();
    let county = SampleCounty::generate(7, &SampleOptions::scaled(n).roads(false)).expect("county").instance;
    let t_gen = t.elapsed().as_secs_f64();
    let opts = PlanOptions::default();
    let t = Instant::now();
    let cov = Coverage::build(&county, opts.radius, opts.within_town).expect("coverage");
    let t_cov = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let p = plan_on(&county, &cov, &opts).expect("plan");
    let t_plan = t.elapsed().as_secs_f64();
    println!(
        "| {n} | {:.2} | {:.2} | {:.2} | {:.2} | {} | {:.4} | {:.3}% | {} | {:.0} |",
        t_gen,
        t_cov,
        t_plan,
        t_cov + t_plan,
        p.communities.len(),
        p.coverage,
        100.0 * p.gap(),
        p.status().as_str(),
        peak_mib()
    );
}

fn main() {
    let args: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    if let [n] = args[..] {
        if std::env::var_os("VILLAGEPLAN_SCALE_CHILD").is_some() {
            run(n);
            return;
        }
    }
    let sizes = if args.is_empty() { vec![10_000, 100_000] } else { args };
    println!("| villages | generate s | coverage s | solve + communities s | plan total s | centres | coverage | gap | status | peak MiB |");
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|");
    let exe = std::env::current_exe().expect("own path");
    for n in sizes {
        let status = std::process::Command::new(&exe).arg(n.to_string()).env("VILLAGEPLAN_SCALE_CHILD", "1").status();
        if !status.is_ok_and(|s| s.success()) {
            println!("| {n} | failed | | | | | | | | |");
        }
    }
}
