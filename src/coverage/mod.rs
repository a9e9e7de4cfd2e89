//! Sparse site → villages-within-radius lists, the structure every objective works on.

/// The CSR coverage structure and its builders.
pub mod sets;

pub use sets::Coverage;
