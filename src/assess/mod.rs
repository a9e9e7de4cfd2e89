//! Acceptance assessment (达标验收): check each centre of a plan against a [`Standard`].
//!
//! Counties check their pilot centres against provincial and city standards before the year
//! ends. This module holds the rules ([`Standard`], JSON-configurable, default from the domain
//! notes), what stands at each centre ([`Facts`], read from CSV, JSON or columns) and the check
//! itself ([`assess`]), which says for every centre whether it passes, why not (machine-readable
//! [`ReasonCode`]s with a sentence each) and what the upgrade costs, with a summary per town.
//!
//! ```
//! use villageplan::prelude::*;
//! use villageplan::assess::{assess, Standard};
//! use villageplan::datasets::sample_facts;
//!
//! let county = sample_county(2008)?;
//! let p = plan(&county, &PlanOptions::default())?;
//! let a = assess(&p, &sample_facts(&county, 2008)?, &Standard::default())?;
//! assert_eq!(a.centres.len(), p.communities.len());
//! assert_eq!(a.passed() + a.failed(), a.centres.len());
//! # Ok::<(), villageplan::error::Error>(())
//! ```

/// The check of a plan's centres and its result.
pub mod assessment;
/// What stands at each centre.
pub mod facts;
/// The acceptance rules.
pub mod standard;

pub use assessment::{
    assess, assess_with, AssessOptions, Assessment, Basis, CentreAssessment, Reason, ReasonCode, TownAssessment,
    ASSESSMENT_FORMAT_VERSION,
};
pub use facts::{format_rooms, parse_rooms, CentreFacts, Facts, FACTS_FORMAT_VERSION, HALL};
pub use standard::{
    normalise_room, AreaDriver, AreaRule, RoomRule, Standard, DEFAULT_STANDARD_JSON, STANDARD_FORMAT_VERSION,
};
