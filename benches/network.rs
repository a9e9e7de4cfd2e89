//! Road-network benchmark: a synthetic rural network of about 1,000,000 road segments (the
//! sample-county recipe — county MST, township Gabriel graphs, village spurs — at constant
//! density), 10,000 candidate sites, and the radius-bounded Dijkstra search from every site in
//! parallel at 2 km (and at 15 minutes). Prints the time of each stage and the peak memory.
//!
//! Run with `cargo bench --bench network` (optionally `-- <villages> <sites>`; default 380,000
//! villages, which gives about 1,000,000 segments, and 10,000 sites). It also writes the network
//! and the sites to `target/network-bench/` when `VILLAGEPLAN_EXPORT=1`, for
//! `benches/network_compare.py` to run networkx on the same searches.

use std::io::Write;
use std::time::Instant;

use villageplan::datasets::{SampleCounty, SampleOptions};
use villageplan::network::{network_coverage_snapped, Snaps, TravelCost};

/// Peak resident memory of this process, MiB (Linux), or NaN elsewhere.
fn peak_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(str::to_owned))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|k| k.parse::<f64>().ok()))
        .map_or(f64::NAN, |kib| kib / 1024.0)
}

fn main() {
    let args: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let n = args.first().copied().unwrap_or(380_000);
    let m = args.get(1).copied().unwrap_or(10_000);
    let t = Instant::now();
    let full = SampleCounty::generate(7, &SampleOptions::scaled(n)).expect("county").instance;
    let t_gen = t.elapsed().as_secs_f64();
    // Every (n/m)-th village is a candidate site.
    let step = (n / m).max(1);
    let sites: Vec<_> = full.sites().iter().step_by(step).take(m).cloned().collect();
    let county = full.with_sites(sites).expect("sites");
    let net = county.roads().expect("roads");
    println!(
        "network: {} junctions, {} road segments, {:.0} km; {} villages, {} sites; generated in {t_gen:.1} s",
        net.n_junctions(),
        net.n_roads(),
        net.total_length() / 1000.0,
        county.n_villages(),
        county.n_sites()
    );
    let t = Instant::now();
    let snaps = Snaps::new(&county, net);
    let t_snap = t.elapsed().as_secs_f64();
    println!("snapping {} villages and sites to the roads: {t_snap:.2} s", snaps.villages.len() + snaps.sites.len());
    println!("| search | limit | searches s | covered pairs | pairs per site | peak MiB |");
    println!("|---|---:|---:|---:|---:|---:|");
    for (cost, limit, label) in [
        (TravelCost::Metres, 2000.0, "2000 m"),
        (TravelCost::Metres, 10_000.0, "10000 m"),
        (TravelCost::Minutes, 15.0, "15 min"),
    ] {
        let t = Instant::now();
        let nc = network_coverage_snapped(&county, net, snaps.clone(), limit, cost, false).expect("coverage");
        let secs = t.elapsed().as_secs_f64();
        let pairs = nc.coverage.n_pairs();
        println!(
            "| {} | {label} | {secs:.2} | {pairs} | {:.1} | {:.0} |",
            cost.as_str(),
            pairs as f64 / county.n_sites() as f64,
            peak_mib()
        );
    }
    if std::env::var_os("VILLAGEPLAN_EXPORT").is_some() {
        let dir = std::path::Path::new("target/network-bench");
        std::fs::create_dir_all(dir).expect("dir");
        let mut f = std::io::BufWriter::new(std::fs::File::create(dir.join("nodes.csv")).expect("nodes"));
        writeln!(f, "id,lon,lat").expect("write");
        for (i, p) in net.junctions().iter().enumerate() {
            writeln!(f, "{i},{},{}", p[0], p[1]).expect("write");
        }
        let mut f = std::io::BufWriter::new(std::fs::File::create(dir.join("edges.csv")).expect("edges"));
        writeln!(f, "from,to,length").expect("write");
        for r in net.roads() {
            writeln!(f, "{},{},{}", r.from, r.to, r.length).expect("write");
        }
        // Villages and sites are junctions of the sample network (their access legs are 0).
        let index: std::collections::HashMap<[u64; 2], usize> =
            net.junctions().iter().enumerate().map(|(i, p)| ([p[0].to_bits(), p[1].to_bits()], i)).collect();
        let junction = |x: f64, y: f64| index.get(&[x.to_bits(), y.to_bits()]).copied().expect("at a junction");
        let mut f = std::io::BufWriter::new(std::fs::File::create(dir.join("villages.csv")).expect("villages"));
        writeln!(f, "junction").expect("write");
        for v in county.villages() {
            writeln!(f, "{}", junction(v.x, v.y)).expect("write");
        }
        let mut f = std::io::BufWriter::new(std::fs::File::create(dir.join("sites.csv")).expect("sites"));
        writeln!(f, "junction").expect("write");
        for s in county.sites() {
            writeln!(f, "{}", junction(s.x, s.y)).expect("write");
        }
        println!("exported to {}", dir.display());
    }
}
