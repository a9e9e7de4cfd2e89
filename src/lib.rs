//! # villageplan
//!
//! Plan rural community service centres: where the centres go, which villages join which
//! community, what it costs and how much of the county it covers.
//!
//! Chinese counties group neighbouring administrative villages into "multi-village communities"
//! (多村一社区), each served by one community service centre within a service radius, typically
//! 2 km; a common target is that more than 60% of villages have a centre within two to three
//! years. villageplan answers the planner's questions with a fast, parallel core that needs no
//! Python (the Python bindings live behind the `python` feature).
//!
//! ## Data flow
//!
//! ```text
//! villages (CSV, GeoJSON, DataFrame)  -> model::Instance      validated, never mutated
//!   -> coverage::Coverage             sparse site -> villages within the radius (R-tree)
//!   -> solve                          objective + constraints -> Solution with a proven bound
//!   -> plan::Plan                     centres, communities, assignments, cost, coverage
//!   -> io                             plan JSON (versioned) and GeoJSON
//! ```
//!
//! ## Worked example
//!
//! Six villages in two towns, in projected metres. Plan the fewest centres that put at least
//! 60% of villages within 2 km of a centre, keeping communities inside one town:
//!
//! ```
//! use villageplan::prelude::*;
//!
//! let villages = vec![
//!     Village::new("a", "East", 0.0, 0.0, 1200.0),
//!     Village::new("b", "East", 1500.0, 0.0, 800.0),
//!     Village::new("c", "East", 3000.0, 0.0, 950.0),
//!     Village::new("d", "West", 0.0, 9000.0, 400.0),
//!     Village::new("e", "West", 1200.0, 9000.0, 700.0),
//!     Village::new("f", "West", 9000.0, 9000.0, 300.0),
//! ];
//! let county = Instance::from_villages(Crs::Planar, villages)?;
//! let p = plan(&county, &PlanOptions::default().radius(2000.0).target(0.6))?;
//!
//! // Two centres (one per town) cover a, b, c and d, e: 5 of 6 villages.
//! assert_eq!(p.communities.len(), 2);
//! assert_eq!(p.covered_villages(), 5);
//! assert!(p.coverage >= 0.6);
//! // Every member is within 2 km of its centre and in the centre's town.
//! for a in p.assignments.iter().filter(|a| a.covered()) {
//!     assert!(a.distance.unwrap() <= 2000.0);
//! }
//! // The solver proves that one centre cannot do it: the plan is optimal.
//! assert_eq!(p.status(), Status::Optimal);
//!
//! // Assess: coverage per town.
//! let towns = p.town_summary();
//! assert_eq!((towns[0].covered, towns[1].covered), (3, 2));
//! # Ok::<(), villageplan::error::Error>(())
//! ```
//!
//! The embedded sample county ([`datasets::sample_county`]) is a seeded synthetic county of
//! 300 villages in 12 towns with 28 pilot sites, built by the recipe in the project's domain notes.
//!
//! ## Errors
//!
//! Nothing panics on user data. Every function returns [`error::Result`]; the
//! [`error::Error`] names the field and row at fault and says what to do.
//!
//! ## Threads
//!
//! Parallel parts run on the rayon pool; `RAYON_NUM_THREADS` sets its size. Results never depend
//! on the number of threads.

pub mod assess;
pub mod coverage;
pub mod datasets;
pub mod defaults;
pub mod error;
pub mod group;
pub mod io;
pub mod model;
pub mod network;
pub mod plan;
pub mod progress;
pub mod rollout;
pub mod scenario;
pub mod solve;
pub mod spatial;

#[cfg(feature = "python")]
mod python;

/// The types most programs need, for `use villageplan::prelude::*`.
pub mod prelude {
    pub use crate::assess::{assess, Assessment, Facts, Standard};
    pub use crate::coverage::Coverage;
    pub use crate::datasets::sample_county;
    pub use crate::error::{Error, Result};
    pub use crate::model::{Crs, Instance, Site, SiteStatus, Town, Village};
    pub use crate::plan::{plan, CoverageBy, Plan, PlanObjective, PlanOptions};
    pub use crate::rollout::{Budget, CostModel, Schedule, Source};
    pub use crate::scenario::{simulate, Scenario, Simulation};
    pub use crate::solve::{Solution, Status};
}
