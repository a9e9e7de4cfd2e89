//! villageplan
#![allow(missing_docs)]
pub mod coverage;
pub mod datasets;
pub mod defaults;
pub mod error;
pub mod group;
pub mod model;
pub mod plan;
pub mod solve;
pub mod spatial;
