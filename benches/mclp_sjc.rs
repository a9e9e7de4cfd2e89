//! MCLP and LSCP on the Lorena & Pereira (2002) São José dos Campos coverage sets, against the
//! proven optima listed in `../shared/benchmarks/optima.csv`.
//!
//! The SJC files are licensed for non-commercial use only, so the project never copies them: this
//! benchmark reads them from `../shared/benchmarks/` (or `$VILLAGEPLAN_BENCHMARKS`) and says so
//! when they are absent. Run with `cargo bench --bench mclp_sjc`.

use std::path::PathBuf;
use std::time::Instant;

use villageplan::coverage::Coverage;
use villageplan::solve::{max_coverage, target_coverage, CoverLimit, CoverProblem, SolveOptions};

fn root() -> PathBuf {
    std::env::var_os("VILLAGEPLAN_BENCHMARKS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/benchmarks"))
}

/// Parse `n 9999 p S` then `x y demand` lines.
fn read_sjc(path: &std::path::Path) -> (Vec<[f64; 2]>, Vec<f64>) {
    let text = std::fs::read_to_string(path).expect("read SJC file");
    let mut lines = text.lines();
    let n: usize = lines.next().and_then(|l| l.split_whitespace().next()).and_then(|t| t.parse().ok()).expect("header");
    let mut pts = Vec::with_capacity(n);
    let mut demand = Vec::with_capacity(n);
    for line in lines.take(n) {
        let f: Vec<f64> = line.split_whitespace().map(|t| t.parse().expect("number")).collect();
        pts.push([f[0], f[1]]);
        demand.push(f[2]);
    }
    (pts, demand)
}

fn main() {
    let root = root();
    let optima = match std::fs::read_to_string(root.join("optima.csv")) {
        Ok(t) => t,
        Err(_) => {
            println!(
                "SJC data not found at {} (non-commercial licence: not copied into the project); nothing to run",
                root.display()
            );
            return;
        }
    };
    println!("| instance | S | problem | p | optimum | villageplan | status | bound | seconds |");
    println!("|---|---:|---|---:|---:|---:|---|---:|---:|");
    let (mut total, mut hit, mut secs) = (0, 0, 0.0);
    let mut last_file = String::new();
    let mut cache: Option<(Vec<[f64; 2]>, Vec<f64>)> = None;
    for line in optima.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        if !(f[0].starts_with("SJC") && (f[1] == "mclp" || f[1] == "lscp")) {
            continue;
        }
        // The file path is the last field; the radius is the 4th from the end.
        let file = f[f.len() - 1];
        let radius: f64 = f[f.len() - 3].parse().expect("radius");
        let optimum: f64 = f[4].parse().expect("optimum");
        if file != last_file {
            cache = Some(read_sjc(&root.join(file)));
            last_file = file.to_string();
        }
        let (pts, demand) = cache.as_ref().expect("loaded");
        let n = pts.len();
        let costs: Vec<f64> = (0..n * n)
            .map(|k| {
                let (a, b) = (pts[k / n], pts[k % n]);
                ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt()
            })
            .collect();
        let cov = Coverage::from_matrix(&costs, n, n, radius).expect("coverage");
        let t = Instant::now();
        let (p, sol) = if f[1] == "mclp" {
            let p: usize = f[3].parse().expect("p");
            let mut prob = CoverProblem::unit(&cov);
            prob.weights = demand.clone();
            (p.to_string(), max_coverage(&prob, CoverLimit::Sites(p), &SolveOptions::default()).expect("solve"))
        } else {
            ("-".to_string(), target_coverage(&CoverProblem::unit(&cov), 1.0, &SolveOptions::default()).expect("solve"))
        };
        let dt = t.elapsed().as_secs_f64();
        secs += dt;
        total += 1;
        if (sol.objective - optimum).abs() < 1e-6 {
            hit += 1;
        }
        println!(
            "| {} | {radius} | {} | {p} | {optimum} | {} | {} | {} | {dt:.4} |",
            f[0],
            f[1],
            sol.objective,
            sol.status.as_str(),
            sol.bound
        );
    }
    println!("\n{hit} of {total} at the proven optimum; {secs:.3} s in total");
}
