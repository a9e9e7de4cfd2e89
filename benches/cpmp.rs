//! Capacitated p-median benchmark: Osman & Christofides pmedcap1 1–20 (tests/data/cpmp/) and
//! Lorena & Senne SJC (read from ../shared/benchmarks/cpmp/lorena_sjc/, skipped when absent).
//!
//! Run with `cargo bench --bench cpmp`. Options after `--`: `--seed S`, `--set oc|sjc`.
//! Prints a Markdown table (instance, n, p, optimum, ours, gap %, feasible, status, seconds) and
//! the mean gap per set.

use std::path::Path;
use std::time::Instant;

use villageplan::io::{read_cpmp_lorena, read_cpmp_osman, CpmpInstance};
use villageplan::solve::{capacitated_p_median, Solution, SolveOptions};

const OC_OPT: [f64; 20] = [
    713.0, 740.0, 751.0, 651.0, 664.0, 778.0, 787.0, 820.0, 715.0, 829.0, 1006.0, 966.0, 1026.0, 982.0, 1091.0, 954.0,
    1034.0, 1043.0, 1031.0, 1005.0,
];
const SJC: [(&str, f64); 6] = [
    ("SJC1", 17288.99),
    ("SJC2", 33270.94),
    ("SJC3a", 45335.16),
    ("SJC3b", 40635.90),
    ("SJC4a", 61925.51),
    ("SJC4b", 52458.02),
];

/// Whether `sol` uses exactly p medians, assigns every point to one of them within capacity.
fn feasible(inst: &CpmpInstance, sol: &Solution) -> bool {
    let n = inst.costs.n_demand();
    if sol.open.len() != inst.p || sol.assignment.len() != n {
        return false;
    }
    let mut load = vec![0.0; inst.costs.n_sites()];
    let mut obj = 0.0;
    for (i, a) in sol.assignment.iter().enumerate() {
        let Some(s) = a else { return false };
        if sol.open.binary_search(s).is_err() {
            return false;
        }
        load[*s as usize] += inst.demand[i];
        obj += inst.costs.get(i, *s as usize);
    }
    let cap_ok = load.iter().zip(&inst.capacity).all(|(l, c)| *l <= c + 1e-9);
    cap_ok && (obj - sol.objective).abs() <= 1e-6 * obj.max(1.0)
}

fn run_set(title: &str, items: Vec<(String, CpmpInstance, f64)>, seed: u64) -> f64 {
    println!("\n## {title}\n");
    println!("| instance | n | p | optimum | ours | gap % | feasible | status | seconds | lower bound |");
    println!("|---|---:|---:|---:|---:|---:|---|---|---:|---:|");
    let mut gaps = 0.0;
    let mut secs = 0.0;
    let mut hits = 0;
    let count = items.len();
    for (name, inst, opt) in items {
        let t = Instant::now();
        let opts = SolveOptions { seed, time_limit: None };
        match capacitated_p_median(&inst.costs, inst.p, &inst.demand, &inst.capacity, &opts) {
            Ok(sol) => {
                let s = t.elapsed().as_secs_f64();
                let gap = 100.0 * (sol.objective - opt) / opt;
                if gap < 0.005 {
                    hits += 1;
                }
                gaps += gap;
                secs += s;
                println!(
                    "| {name} | {} | {} | {opt:.2} | {:.2} | {gap:.2} | {} | {} | {s:.2} | {:.2} |",
                    inst.costs.n_demand(),
                    inst.p,
                    sol.objective,
                    if feasible(&inst, &sol) { "yes" } else { "NO" },
                    sol.status.as_str(),
                    sol.bound
                );
            }
            Err(e) => {
                println!("| {name} | {} | {} | {opt:.2} | error: {e} | | no | | |", inst.costs.n_demand(), inst.p)
            }
        }
    }
    let mean = if count > 0 { gaps / count as f64 } else { 0.0 };
    println!("\n{title}: mean gap {mean:.3} %, optimum reached on {hits}/{count}, total {secs:.1} s");
    secs
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let mut seed = 0u64;
    let mut set = String::from("all");
    let mut k = 1;
    while k < args.len() {
        match args[k].as_str() {
            "--seed" => {
                seed = args.get(k + 1).and_then(|s| s.parse().ok()).unwrap_or(0);
                k += 1;
            }
            "--set" => {
                set = args.get(k + 1).cloned().unwrap_or_default();
                k += 1;
            }
            _ => {}
        }
        k += 1;
    }
    let mut total = 0.0;
    if set == "all" || set == "oc" {
        let mut items = Vec::new();
        for (k, &opt) in OC_OPT.iter().enumerate() {
            let name = format!("pmedcap1_{:02}", k + 1);
            match read_cpmp_osman(format!("tests/data/cpmp/{name}.txt")) {
                Ok(inst) => items.push((name, inst, opt)),
                Err(e) => println!("skipping {name}: {e}"),
            }
        }
        total += run_set("Osman & Christofides pmedcap1 (floor Euclidean)", items, seed);
    }
    if set == "all" || set == "sjc" {
        let dir = Path::new("../shared/benchmarks/cpmp/lorena_sjc");
        if dir.is_dir() {
            let mut items = Vec::new();
            for (name, opt) in SJC {
                match read_cpmp_lorena(dir.join(format!("{name}.dat"))) {
                    Ok(inst) => items.push((name.to_string(), inst, opt)),
                    Err(e) => println!("skipping {name}: {e}"),
                }
            }
            total += run_set("Lorena & Senne SJC (Euclidean)", items, seed);
        } else {
            println!("\nnotice: {} not found; skipping the SJC instances", dir.display());
        }
    }
    println!("\ntotal solve time {total:.1} s");
}
