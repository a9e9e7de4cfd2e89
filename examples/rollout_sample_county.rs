//! The founding story in Rust, without Python: plan the sample county to 60% at 2 km, along the
//! roads too; phase the centres over three years under the six funding sources; estimate the
//! probability of reaching 60% under uncertain money; and check the pilots' acceptance.
//!
//! Run with `cargo run --release --example rollout_sample_county`.

use villageplan::assess::{assess, Standard};
use villageplan::datasets::{sample_county, sample_facts};
use villageplan::plan::{plan, PlanOptions};
use villageplan::rollout::{Budget, CostModel, Schedule, DEFAULT_SHARES};
use villageplan::scenario::{simulate, Scenario};

fn main() -> villageplan::error::Result<()> {
    let county = sample_county(2008)?;
    let options = PlanOptions::default().radius(2000.0).target(0.6);
    let p = plan(&county, &options)?;
    let road = plan(&county, &options.clone().network())?;
    println!(
        "60% at 2 km: {} centres in a straight line, {} along the roads (gap {:.3}%)",
        p.communities.len(),
        road.communities.len(),
        100.0 * p.gap()
    );

    let scenario = Scenario::default();
    for yearly in [1_000_000.0, 15_000_000.0] {
        let budget = Budget::yearly(yearly, &DEFAULT_SHARES, 3, true)?;
        let s = Schedule::build(&p, &budget, &CostModel::default())?;
        let coverage: Vec<String> = s.years.iter().map(|y| format!("{:.1}%", 100.0 * y.coverage)).collect();
        match s.target_year {
            Some(y) => println!("{yearly:>12.0} yuan a year: coverage by year {coverage:?}; 60% in year {y}"),
            None => println!(
                "{yearly:>12.0} yuan a year: coverage by year {coverage:?}; 60% not reached, short by {:.0} yuan",
                s.shortfall.unwrap_or(f64::INFINITY)
            ),
        }
    }
    let sim = simulate(&county, &scenario, 1000, 1)?;
    println!("Monte Carlo, {}: P(60% by year 3) = {:.0}%", scenario.name, 100.0 * sim.probability_of_target(3));

    let a = assess(&p, &sample_facts(&county, 2008)?, &Standard::default())?;
    println!("Acceptance: {} of {} centres pass", a.passed(), a.centres.len());
    for c in a.centres.iter().filter(|c| !c.passed) {
        println!("  {} ({}): {}", c.site, c.town, c.reasons.first().map(|r| r.message.as_str()).unwrap_or(""));
    }
    Ok(())
}
