//! Built-in data sets: the seeded synthetic sample county.
//!
//! [`sample_county`] gives the default demonstration county of DOMAIN.md §7 (300 villages in 12
//! towns on 1,200 km², with the 28 pilot sites of the founding speech); [`SampleCounty::generate`]
//! with [`SampleOptions`] gives other sizes, up to millions of villages for benchmarks. The same
//! seed always gives the same county, byte for byte.

/// Seeded centre facts for the pilot sites (the acceptance survey).
pub mod facts;
mod geom;
mod names;
mod roads;
/// The synthetic sample county generator.
pub mod sample;

pub use facts::sample_facts;
pub use sample::{sample_county, PilotCounts, SampleCounty, SampleOptions};
