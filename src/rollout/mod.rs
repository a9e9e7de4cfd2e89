//! The roll-out of a plan over the years: what each centre costs, where the money comes from,
//! and in which year each centre is built.
//!
//! ```text
//! Plan + CostModel  -> CentreCost per centre    (floor area from households served, yuan by status)
//!      + Budget     -> Schedule                 (build year per centre, spending by source, coverage per year)
//! ```

/// Money per year from the six funding sources.
pub mod budget;
/// Unit costs and the cost of each centre.
pub mod cost;
/// The multi-year build order.
pub mod schedule;

pub use budget::{Budget, Funding, Source, DEFAULT_SHARES};
pub use cost::{CentreCost, CostModel};
pub use schedule::{Rollout, Schedule, ScheduleMethod, ScheduleOptions, ScheduledCentre, Score, TownYear, YearReport};
