//! OR-Library benchmark: p-median and vertex p-center on pmed1–pmed40, one table row per
//! instance (instance, n, p, optimum, ours, gap to the optimum, status, seconds) and the totals.
//!
//! Run with `cargo bench --bench orlib` (all 40, both problems). Options after `--`:
//! `pmedian` or `pcenter` to run one problem, `--from A --to B` for a range of instances,
//! `--seed S`, `--threads T` (default: the rayon default, `RAYON_NUM_THREADS`).
//! The instance files are read from `tests/data/orlib/`; reading (Floyd–Warshall) is timed
//! separately from solving.

use std::time::Instant;

use villageplan::io::{read_orlib_optima_str, read_orlib_pmed};
use villageplan::solve::{p_center, p_median, CostMatrix, Solution, SolveOptions, Status};

struct Row {
    name: String,
    n: usize,
    p: usize,
    optimum: f64,
    sol: Solution,
}

fn table(title: &str, rows: &[Row], read_seconds: f64) {
    println!("\n## {title}\n");
    println!("| instance | n | p | optimum | ours | bound | gap to optimum % | status | seconds |");
    println!("|---|---:|---:|---:|---:|---:|---:|---|---:|");
    let mut hits = 0;
    let mut proven = 0;
    let mut gap_sum = 0.0;
    let mut cert_sum = 0.0;
    let mut secs = 0.0;
    for r in rows {
        let gap = 100.0 * (r.sol.objective - r.optimum) / r.optimum;
        if (r.sol.objective - r.optimum).abs() < 1e-6 {
            hits += 1;
        }
        if r.sol.status == Status::Optimal {
            proven += 1;
        }
        gap_sum += gap;
        cert_sum += 100.0 * r.sol.gap;
        secs += r.sol.seconds;
        println!(
            "| {} | {} | {} | {} | {} | {} | {:.3} | {} | {:.3} |",
            r.name,
            r.n,
            r.p,
            r.optimum,
            r.sol.objective,
            r.sol.bound,
            gap,
            r.sol.status.as_str(),
            r.sol.seconds
        );
    }
    let k = rows.len().max(1) as f64;
    println!(
        "\n**{title}: optimum reached on {hits}/{} instances, proven optimal (status `optimal`) on {proven}/{}, mean gap to the optimum {:.4}%, mean certified gap (objective vs own bound) {:.4}%, total solve time {:.2} s** (reading + Floyd–Warshall: {:.2} s more).",
        rows.len(),
        rows.len(),
        gap_sum / k,
        cert_sum / k,
        secs,
        read_seconds
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let has = |a: &str| args.iter().any(|x| x == a);
    let value =
        |a: &str| args.iter().position(|x| x == a).and_then(|k| args.get(k + 1)).and_then(|v| v.parse::<u64>().ok());
    let (from, to) = (value("--from").unwrap_or(1) as usize, value("--to").unwrap_or(40) as usize);
    let seed = value("--seed").unwrap_or(0);
    if let Some(t) = value("--threads") {
        rayon::ThreadPoolBuilder::new().num_threads(t as usize).build_global().expect("thread pool");
    }
    let (do_med, do_cen) = match (has("pmedian"), has("pcenter")) {
        (false, false) => (true, true),
        (m, c) => (m, c),
    };
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/orlib");
    let med_opt =
        read_orlib_optima_str(&std::fs::read_to_string(format!("{dir}/pmedopt.txt")).expect("pmedopt"), "pmedopt")
            .expect("pmedopt table");
    let cen_opt = read_orlib_optima_str(
        &std::fs::read_to_string(format!("{dir}/pcenter_opt.txt")).expect("pcenter_opt"),
        "pcenter_opt",
    )
    .expect("pcenter table");
    let opt = |t: &[(String, f64)], name: &str| t.iter().find(|(k, _)| k == name).map(|x| x.1).expect("optimum listed");
    println!("threads: {}", rayon::current_num_threads());
    let mut read_seconds = 0.0;
    let mut instances: Vec<(String, CostMatrix, usize)> = Vec::new();
    for k in from..=to {
        let name = format!("pmed{k}");
        let t = Instant::now();
        let (c, p) = read_orlib_pmed(format!("{dir}/{name}.txt")).expect("instance");
        read_seconds += t.elapsed().as_secs_f64();
        instances.push((name, c, p));
    }
    let options = SolveOptions { seed, time_limit: None };
    if do_med {
        let mut rows = Vec::new();
        for (name, c, p) in &instances {
            let sol = p_median(c, *p, None, &options).expect("p-median");
            eprintln!("{name}: {} ({}) {:.2}s", sol.objective, sol.status.as_str(), sol.seconds);
            rows.push(Row { name: name.clone(), n: c.n_demand(), p: *p, optimum: opt(&med_opt, name), sol });
        }
        table("p-median", &rows, read_seconds);
    }
    if do_cen {
        let mut rows = Vec::new();
        for (name, c, p) in &instances {
            let sol = p_center(c, *p, &options).expect("p-center");
            eprintln!("{name}: {} ({}) {:.2}s", sol.objective, sol.status.as_str(), sol.seconds);
            rows.push(Row { name: name.clone(), n: c.n_demand(), p: *p, optimum: opt(&cen_opt, name), sol });
        }
        table("vertex p-center", &rows, read_seconds);
    }
}
