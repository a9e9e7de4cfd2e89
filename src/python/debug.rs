//! Hidden test hooks of the extension module (not part of the public API).
//!
//! `_core._debug_panic` panics inside the same guard that every entry point uses, so that a test
//! can check that a panic in the Rust core reaches Python as a `PlanningError` that says it is a
//! bug (and never as a crash or a pyo3 `PanicException`).

use pyo3::prelude::*;
use rayon::prelude::*;

use super::error::detached;

/// Panic with `message` inside the panic guard, on the calling thread or (with `in_thread`) in
/// rayon worker threads. Raises `PlanningError`; for tests only.
///
/// # Errors
/// Always: the guarded panic, as a `PlanningError`.
#[pyfunction]
#[pyo3(signature = (message, in_thread = false))]
pub fn _debug_panic(py: Python<'_>, message: String, in_thread: bool) -> PyResult<()> {
    detached(py, move || {
        if in_thread {
            (0..64u32).into_par_iter().with_min_len(1).for_each(|i| {
                if i % 7 == 3 {
                    panic!("{message} (worker item {i})");
                }
            });
        }
        panic!("{message}");
    })
}
