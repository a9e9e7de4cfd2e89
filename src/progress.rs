//! Progress reports and cancellation for long computations.
//!
//! A [`Control`] carries an optional cancel flag and an optional progress callback. It is
//! *installed* on the calling thread with [`Control::install`]; every solver entry point
//! ([`target_coverage`](crate::solve::target_coverage), [`max_coverage`](crate::solve::max_coverage),
//! [`p_median_with`](crate::solve::p_median_with), [`p_center_with`](crate::solve::p_center_with),
//! [`capacitated_p_median`](crate::solve::capacitated_p_median), and so everything built on them:
//! [`plan`](crate::plan::plan) and the other planners) picks it up once, on the calling thread,
//! and hands it to its worker threads as a [`Stop`]. No options struct changes, so every
//! existing call keeps compiling, and a program that installs nothing pays one thread-local read
//! per solve.
//!
//! When the flag is set, the solver's loops stop at their next check (the same checks that
//! enforce `time_limit`, a few milliseconds apart) and the entry point returns
//! [`Error::Cancelled`]. Nothing is mutated on the way: inputs are borrowed immutably, so a
//! cancelled call leaves no partial state behind.
//!
//! Progress is reported as `(done, total)` of the current phase's main loop (iterations of the
//! iterated local search or of the Lagrangian dual); `total` can change between phases.
//!
//! # Examples
//!
//! ```
//! use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
//! use std::sync::Arc;
//! use villageplan::prelude::*;
//! use villageplan::progress::Control;
//!
//! let county = sample_county(2008)?;
//! let ticks = Arc::new(AtomicU64::new(0));
//! let seen = ticks.clone();
//! let control = Control::new().on_progress(move |_done, _total| {
//!     seen.fetch_add(1, Ordering::Relaxed);
//! });
//! let p = control.install(|| plan(&county, &PlanOptions::default()))?;
//! assert!(p.coverage >= 0.6);
//!
//! // A flag set before (or during) the solve cancels it.
//! let cancel = Arc::new(AtomicBool::new(true));
//! let err = Control::new().with_cancel(cancel).install(|| plan(&county, &PlanOptions::default()));
//! assert!(matches!(err, Err(Error::Cancelled)));
//! # Ok::<(), villageplan::error::Error>(())
//! ```

use std::cell::RefCell;
use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

use crate::error::{Error, Result};

/// A progress callback: `(done, total)` of the current phase.
pub type ProgressFn = dyn Fn(u64, u64) + Send + Sync;

/// A cancel flag and a progress callback for the computations run under [`Control::install`].
#[derive(Clone, Default)]
pub struct Control {
    cancel: Option<Arc<AtomicBool>>,
    report: Option<Arc<ProgressFn>>,
}

impl fmt::Debug for Control {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Control")
            .field("cancel", &self.cancel.as_ref().map(|c| c.load(Ordering::Relaxed)))
            .field("report", &self.report.is_some())
            .finish()
    }
}

thread_local! {
    static CURRENT: RefCell<Option<Control>> = const { RefCell::new(None) };
}

impl Control {
    /// A control with no flag and no callback (it never cancels and reports nothing).
    pub fn new() -> Self {
        Self::default()
    }

    /// Cancel when `flag` becomes true (set it from any thread).
    #[must_use]
    pub fn with_cancel(mut self, flag: Arc<AtomicBool>) -> Self {
        self.cancel = Some(flag);
        self
    }

    /// Call `f(done, total)` as the work advances. It is called from worker threads, often; keep
    /// it cheap (for example, store into atomics and read them elsewhere).
    #[must_use]
    pub fn on_progress(mut self, f: impl Fn(u64, u64) + Send + Sync + 'static) -> Self {
        self.report = Some(Arc::new(f));
        self
    }

    /// Whether the cancel flag is set.
    pub fn cancelled(&self) -> bool {
        self.cancel.as_ref().is_some_and(|c| c.load(Ordering::Relaxed))
    }

    /// [`Error::Cancelled`] when the cancel flag is set.
    ///
    /// # Errors
    /// [`Error::Cancelled`] when cancelled.
    pub fn check(&self) -> Result<()> {
        if self.cancelled() {
            Err(Error::Cancelled)
        } else {
            Ok(())
        }
    }

    /// Report progress to the callback, if any.
    pub fn tick(&self, done: u64, total: u64) {
        if let Some(f) = &self.report {
            f(done, total);
        }
    }

    /// Run `f` with this control installed on the current thread (restoring the previous one
    /// afterwards, also on panic).
    pub fn install<T>(&self, f: impl FnOnce() -> T) -> T {
        struct Restore(Option<Control>);
        impl Drop for Restore {
            fn drop(&mut self) {
                let previous = self.0.take();
                CURRENT.with(|c| *c.borrow_mut() = previous);
            }
        }
        let previous = CURRENT.with(|c| c.borrow_mut().replace(self.clone()));
        let _restore = Restore(previous);
        f()
    }

    /// The control installed on the current thread, or a no-op one.
    pub fn current() -> Control {
        CURRENT.with(|c| c.borrow().clone()).unwrap_or_default()
    }
}

/// When a solver's loops must stop: a wall-clock deadline and a [`Control`]'s cancel flag.
///
/// Cheap to copy into worker threads; [`Stop::reached`] is the one check the loops make.
#[derive(Debug, Clone, Copy)]
pub struct Stop<'a> {
    deadline: Option<Instant>,
    control: Option<&'a Control>,
}

impl<'a> Stop<'a> {
    /// Stop at `deadline` (if any) or when `control` is cancelled.
    pub fn new(deadline: Option<Instant>, control: &'a Control) -> Self {
        Self { deadline, control: Some(control) }
    }

    /// Stop only at `deadline`, if any.
    pub fn at(deadline: Option<Instant>) -> Self {
        Self { deadline, control: None }
    }

    /// Never stop.
    pub fn never() -> Self {
        Self { deadline: None, control: None }
    }

    /// Whether the deadline has passed or the work was cancelled.
    pub fn reached(&self) -> bool {
        self.cancelled() || self.deadline.is_some_and(|d| Instant::now() >= d)
    }

    /// Whether the work was cancelled (as opposed to timed out).
    pub fn cancelled(&self) -> bool {
        self.control.is_some_and(Control::cancelled)
    }

    /// Report progress of the current phase.
    pub fn tick(&self, done: u64, total: u64) {
        if let Some(c) = self.control {
            c.tick(done, total);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicU64;

    #[test]
    fn install_is_scoped_and_restored() {
        assert!(!Control::current().cancelled());
        let flag = Arc::new(AtomicBool::new(true));
        let c = Control::new().with_cancel(flag.clone());
        c.install(|| {
            assert!(Control::current().cancelled());
            assert!(matches!(Control::current().check(), Err(Error::Cancelled)));
        });
        assert!(!Control::current().cancelled());
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| c.install(|| panic!("boom"))));
        assert!(r.is_err());
        assert!(!Control::current().cancelled(), "restored after a panic");
    }

    #[test]
    fn stop_reports_and_stops() {
        let n = Arc::new(AtomicU64::new(0));
        let seen = n.clone();
        let flag = Arc::new(AtomicBool::new(false));
        let c = Control::new().with_cancel(flag.clone()).on_progress(move |d, _| {
            seen.store(d, Ordering::Relaxed);
        });
        let s = Stop::new(None, &c);
        assert!(!s.reached());
        s.tick(7, 10);
        assert_eq!(n.load(Ordering::Relaxed), 7);
        flag.store(true, Ordering::Relaxed);
        assert!(s.reached() && s.cancelled());
        assert!(Stop::at(Some(Instant::now())).reached());
        assert!(!Stop::never().reached());
    }
}
