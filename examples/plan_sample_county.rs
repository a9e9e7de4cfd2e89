//! Plan the embedded sample county to 60% coverage at 2 km, with no Python.
//!
//! Run with `cargo run --release --example plan_sample_county`.

use villageplan::datasets::sample_county;
use villageplan::plan::{plan, PlanOptions};

fn main() -> villageplan::error::Result<()> {
    let county = sample_county(2008)?;
    let p = plan(&county, &PlanOptions::default().radius(2000.0).target(0.6))?;
    println!(
        "{} villages in {} towns: {} centres cover {:.1}% of villages ({:.1}% of people) for {:.0} yuan",
        county.n_villages(),
        county.towns().len(),
        p.communities.len(),
        100.0 * p.coverage,
        100.0 * p.population_coverage,
        p.cost
    );
    println!(
        "solver: {} (objective {:.0}, lower bound {:.0}, gap {:.2}%)",
        p.status().as_str(),
        p.solution.objective,
        p.solution.bound,
        100.0 * p.gap()
    );
    for t in p.town_summary() {
        println!("  {:<24} {:>3}/{:<3} villages covered, {} centres", t.town, t.covered, t.villages, t.centres);
    }
    Ok(())
}
