//! Print the sample county's road statistics (length, class shares, detour factor, coverage).
use villageplan::datasets::sample_county;
use villageplan::network::{network_coverage, TravelCost};
use villageplan::plan::{plan, PlanOptions};
use villageplan::spatial::Metric;

fn main() -> Result<(), villageplan::error::Error> {
    let seed = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(2008);
    let county = sample_county(seed)?;
    let Some(net) = county.roads() else { return Ok(()) };
    let km = net.total_length() / 1000.0;
    let by = net.length_by_class();
    println!("junctions {} roads {} components {}", net.n_junctions(), net.n_roads(), net.n_components());
    println!("length {km:.0} km = {:.0} km/100 km²", km / 12.0);
    println!(
        "shares county {:.2} township {:.2} village {:.2}",
        by[0] / km / 1000.0,
        by[1] / km / 1000.0,
        by[2] / km / 1000.0
    );
    let nc = network_coverage(&county, net, 20_000.0, TravelCost::Metres, true)?;
    let (mut sum, mut n) = (0.0, 0);
    let vs = county.villages();
    for s in 0..county.n_sites() {
        let sv = &county.sites()[s];
        for (v, d) in nc.coverage.pairs_of(s) {
            let straight = Metric::Haversine.distance([sv.x, sv.y], [vs[v as usize].x, vs[v as usize].y]);
            if (1000.0..5000.0).contains(&straight) {
                sum += d / straight;
                n += 1;
            }
        }
    }
    println!("detour factor {:.3} over {n} pairs", sum / n as f64);
    let line = plan(&county, &PlanOptions::default())?;
    let road = plan(&county, &PlanOptions::default().network())?;
    let mins = plan(&county, &PlanOptions::default().minutes(10.0))?;
    println!("60% straight: {} centres, {:.0} yuan", line.communities.len(), line.cost);
    println!("60% network 2 km: {} centres, {:.0} yuan, gap {:.4}", road.communities.len(), road.cost, road.gap());
    println!("60% network 10 min: {} centres, {:.0} yuan", mins.communities.len(), mins.cost);
    Ok(())
}
