//! The Python exceptions and the mapping from the core [`Error`].
//!
//! Hierarchy (all importable from `villageplan`):
//!
//! ```text
//! PlanningError(Exception)
//! ├── InvalidInputError(PlanningError, ValueError)   .field .row .id
//! └── InfeasibleError(PlanningError)                 .achievable
//! ```
//!
//! plus the built-in `FileNotFoundError`, `PermissionError`, `OSError` and `KeyboardInterrupt`
//! for I/O failures and cancellation. Every class is made here, in Rust, so that the mapping
//! from [`Error`] is one exhaustive `match`. `InvalidInputError` has two bases, which
//! `create_exception!` cannot express, so it is made by calling `type(...)` once per interpreter.

use std::any::Any;
use std::io::ErrorKind;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::Arc;
use std::time::Duration;

use pyo3::create_exception;
use pyo3::exceptions::{
    PyException, PyFileNotFoundError, PyKeyboardInterrupt, PyOSError, PyPermissionError, PyValueError,
};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyTuple, PyType};

use crate::error::{Error, Result};
use crate::progress::Control;

create_exception!(
    villageplan,
    PlanningError,
    PyException,
    "Base class of every error raised by villageplan.\n\nCatch this to handle any planning failure; \
     the subclasses say whether the input was bad (InvalidInputError) or the request cannot be met \
     (InfeasibleError)."
);

create_exception!(
    villageplan,
    InfeasibleError,
    PlanningError,
    "The request cannot be met on this input, e.g. a coverage target above what every allowed \
     site together reaches.\n\nAttributes\n----------\nachievable : float\n    The best value that \
     can be reached (for a coverage target: the highest reachable share, in [0, 1])."
);

const INVALID_INPUT_DOC: &str = "A value of the input or a parameter is not acceptable.\n\n\
It is also a ValueError. The message names the field (column, property or parameter) and the row, \
and says what to do.\n\nAttributes\n----------\nfield : str or None\n    The column, property or \
parameter at fault.\nrow : int or None\n    0-based row (record, feature) of the bad value, when \
there is one.\nid : str or None\n    The id of that record, when it has one.";

static INVALID_INPUT: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// The `InvalidInputError` class: a subclass of both `PlanningError` and `ValueError`.
///
/// # Errors
/// Only if the interpreter cannot create a class (out of memory).
pub fn invalid_input_type(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    INVALID_INPUT
        .get_or_try_init(py, || -> PyResult<Py<PyType>> {
            let bases = PyTuple::new(py, [py.get_type::<PlanningError>(), py.get_type::<PyValueError>()])?;
            let ns = PyDict::new(py);
            ns.set_item("__doc__", INVALID_INPUT_DOC)?;
            ns.set_item("__module__", "villageplan")?;
            for attr in ["field", "row", "id"] {
                ns.set_item(attr, py.None())?;
            }
            let ty = py.get_type::<PyType>().call1(("InvalidInputError", bases, ns))?;
            Ok(ty.cast_into::<PyType>()?.unbind())
        })
        .map(|ty| ty.bind(py))
}

/// Add the exception classes to the module.
///
/// # Errors
/// If a class cannot be made or added.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    let infeasible = py.get_type::<InfeasibleError>();
    infeasible.setattr("achievable", f64::NAN)?;
    m.add("PlanningError", py.get_type::<PlanningError>())?;
    m.add("InvalidInputError", invalid_input_type(py)?)?;
    m.add("InfeasibleError", infeasible)?;
    Ok(())
}

/// An `InvalidInputError` carrying `field`, `row` and `id`.
fn invalid_input(py: Python<'_>, message: String, field: Option<&str>, row: Option<usize>, id: Option<&str>) -> PyErr {
    let make = || -> PyResult<PyErr> {
        let exc = invalid_input_type(py)?.call1((message.as_str(),))?;
        exc.setattr("field", field)?;
        exc.setattr("row", row)?;
        exc.setattr("id", id)?;
        Ok(PyErr::from_value(exc))
    };
    make().unwrap_or_else(|_| PlanningError::new_err(message))
}

/// `FileNotFoundError` / `PermissionError` / `OSError`, with `errno` and `filename` set when the
/// operating system gave an error number.
fn os_error(context: &str, source: &std::io::Error, message: String) -> PyErr {
    let strerror = source.to_string();
    let strerror = match strerror.find(" (os error") {
        Some(i) => strerror[..i].to_string(),
        None => strerror,
    };
    macro_rules! os {
        ($ty:ty) => {
            match source.raw_os_error() {
                Some(errno) => <$ty>::new_err((errno, strerror, context.to_string())),
                None => <$ty>::new_err(message),
            }
        };
    }
    match source.kind() {
        ErrorKind::NotFound => os!(PyFileNotFoundError),
        ErrorKind::PermissionDenied => os!(PyPermissionError),
        _ => os!(PyOSError),
    }
}

/// The Python exception for a core error. The match is exhaustive: a new variant of [`Error`]
/// does not compile until it is mapped here.
pub fn to_pyerr(py: Python<'_>, err: Error) -> PyErr {
    let message = err.to_string();
    match err {
        Error::InvalidInput { field, at, reason: _ } => {
            invalid_input(py, message, Some(&field), at.row, at.id.as_deref())
        }
        Error::MissingColumn { role, .. } => invalid_input(py, message, Some(&role), None, None),
        Error::Parse { .. } => invalid_input(py, message, None, None, None),
        Error::Infeasible { reason: _, achievable } => {
            let e = InfeasibleError::new_err(message);
            // Setting an attribute on a fresh exception instance cannot fail in practice; if it
            // did, the message still says what is achievable.
            let _ = e.value(py).setattr("achievable", achievable);
            e
        }
        Error::Cancelled => PyKeyboardInterrupt::new_err(message),
        Error::Io { context, source } => os_error(&context, &source, message),
        Error::Internal(_) => PlanningError::new_err(message),
    }
}

impl From<Error> for PyErr {
    fn from(err: Error) -> PyErr {
        Python::attach(|py| to_pyerr(py, err))
    }
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic payload".to_string()
    }
}

/// Run `f`, turning a panic into [`Error::Internal`], so that no panic crosses into Python.
///
/// Every entry point runs its Rust work through this; the panic becomes a `PlanningError` whose
/// message says it is a bug in villageplan.
pub fn guard<T>(f: impl FnOnce() -> Result<T>) -> Result<T> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(result) => result,
        Err(payload) => Err(Error::Internal(format!("unexpected panic: {}", panic_message(payload.as_ref())))),
    }
}

/// [`guard`] with the GIL released (for work long enough that other Python threads should run).
pub fn detached<T: Send>(py: Python<'_>, f: impl FnOnce() -> Result<T> + Send) -> PyResult<T> {
    py.detach(|| guard(f)).map_err(|e| to_pyerr(py, e))
}

/// Progress of a cancellable computation: the last `(done, total)` the worker reported, read by
/// the waiting thread.
#[derive(Default)]
struct Ticks {
    done: AtomicU64,
    total: AtomicU64,
}

impl Ticks {
    /// Record `(done, total)`; within one phase (same total) `done` never goes back, whichever
    /// parallel chain reports.
    fn record(&self, done: u64, total: u64) {
        if self.total.swap(total, Ordering::Relaxed) == total {
            self.done.fetch_max(done, Ordering::Relaxed);
        } else {
            self.done.store(done, Ordering::Relaxed);
        }
    }

    fn get(&self) -> (u64, u64) {
        (self.done.load(Ordering::Relaxed), self.total.load(Ordering::Relaxed))
    }
}

/// How often the waiting thread checks for Ctrl-C and forwards progress.
const POLL: Duration = Duration::from_millis(50);

/// Stack of the worker thread (the branch-and-bound searches recurse).
const WORKER_STACK: usize = 64 << 20;

/// Run `f` on a worker thread with the GIL released, cancellable with Ctrl-C, and forward its
/// progress to the Python callable `progress(done, total)`.
///
/// The calling thread keeps the interpreter responsive: every 50 ms it runs Python's signal
/// handlers (`check_signals`) and, when the worker has advanced, calls `progress` (with the GIL,
/// on this thread: no Python call is made from a worker). On `KeyboardInterrupt` (or an error
/// from `progress`) it sets the [`Control`]'s cancel flag, waits for the worker to stop (the
/// solvers check it every few milliseconds) and raises. The [`Control`] is installed on the
/// worker thread, so the solver entry points pick it up; `f` also gets it, to hand to code that
/// takes a callback. Panics become `PlanningError` as with [`detached`].
///
/// # Errors
/// The error of `f` as a Python exception, `KeyboardInterrupt`, or the error `progress` raised.
pub fn cancellable<T: Send>(
    py: Python<'_>,
    progress: Option<&Bound<'_, PyAny>>,
    f: impl FnOnce(&Control) -> Result<T> + Send,
) -> PyResult<T> {
    let cancel = Arc::new(AtomicBool::new(false));
    let ticks = Arc::new(Ticks::default());
    let mut control = Control::new().with_cancel(cancel.clone());
    if progress.is_some() {
        let sink = ticks.clone();
        control = control.on_progress(move |done, total| sink.record(done, total));
    }
    let (tx, rx) = mpsc::channel::<Result<T>>();
    std::thread::scope(|scope| {
        let ctl = &control;
        let worker = std::thread::Builder::new()
            .name("villageplan-worker".into())
            .stack_size(WORKER_STACK)
            .spawn_scoped(scope, move || {
                let result = guard(|| ctl.install(|| f(ctl)));
                // The receiver only goes away once this thread is joined, so this cannot fail.
                let _ = tx.send(result);
            });
        if let Err(e) = worker {
            return Err(PlanningError::new_err(format!("cannot start a worker thread: {e}")));
        }
        let mut rx = rx;
        let mut shown = (u64::MAX, u64::MAX);
        loop {
            let (received, back) = py.detach(move || (rx.recv_timeout(POLL), rx));
            rx = back;
            match received {
                Ok(result) => return result.map_err(|e| to_pyerr(py, e)),
                Err(RecvTimeoutError::Disconnected) => {
                    return Err(PlanningError::new_err("the worker thread stopped without a result"));
                }
                Err(RecvTimeoutError::Timeout) => {}
            }
            let mut stop = py.check_signals().err();
            if stop.is_none() {
                if let Some(callback) = progress {
                    let now = ticks.get();
                    if now != shown && now.1 > 0 {
                        shown = now;
                        stop = callback.call1(now).err();
                    }
                }
            }
            if let Some(err) = stop {
                cancel.store(true, Ordering::Relaxed);
                // Wait (without the GIL) for the worker to notice; its result is dropped.
                let _ = py.detach(move || rx.recv());
                return Err(err);
            }
        }
    })
}

/// A scenario-style callback (`(done, total) -> keep going?`) over a [`Control`].
pub fn keep_going(control: &Control) -> impl Fn(usize, usize) -> bool + Sync + '_ {
    move |done, total| {
        control.tick(done as u64, total as u64);
        !control.cancelled()
    }
}

/// [`guard`] with the GIL held (short work, or work that touches Python objects).
pub fn attached<T>(py: Python<'_>, f: impl FnOnce() -> Result<T>) -> PyResult<T> {
    guard(f).map_err(|e| to_pyerr(py, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guard_turns_a_panic_into_an_internal_error() {
        let r: Result<()> = guard(|| panic!("boom"));
        let e = r.unwrap_err().to_string();
        assert!(e.contains("bug in villageplan") && e.contains("boom"), "{e}");
        assert_eq!(guard(|| Ok(3)).unwrap(), 3);
    }
}
