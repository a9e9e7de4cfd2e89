//! Helpers for `villageplan.distributed`: plan a county as `simulate` does, simulate one chunk
//! of runs, join the chunks, and move the roll-out results through pickle as serde JSON bytes.

use pyo3::prelude::*;
use pyo3::types::PyBytes;
use serde::de::DeserializeOwned;

use super::county::PyCounty;
use super::error::{attached, detached};
use super::plan::PyPlan;
use super::rollout::{PyScenario, PySchedule, PySimulation};
use crate::error::{Error, Result};
use crate::plan::Plan;
use crate::scenario::simulate::simulate_range;
use crate::scenario::Simulation;

/// Parse serde JSON bytes, naming `what` in the error.
fn from_bytes<T: DeserializeOwned>(what: &str, data: &[u8]) -> Result<T> {
    serde_json::from_slice(data).map_err(|e| Error::Parse {
        what: what.into(),
        line: Some(e.line()),
        reason: e.to_string(),
    })
}

/// The plan `simulate` makes when it is given none: the county planned with the scenario's
/// radius, target, `by` and `within_town`.
#[pyfunction]
pub fn _plan_for_scenario(
    py: Python<'_>,
    county: &Bound<'_, PyCounty>,
    scenario: &Bound<'_, PyScenario>,
) -> PyResult<PyPlan> {
    let instance = &*county.get().inner;
    let s = &scenario.get().inner;
    detached(py, || {
        s.validate()?;
        crate::plan::plan(instance, &s.plan_options())
    })
    .map(PyPlan::new)
}

/// Runs `first .. first + runs` of the simulation of `plan` under `scenario` with `seed`.
#[pyfunction]
pub fn _simulate_range(
    py: Python<'_>,
    plan: &Bound<'_, PyAny>,
    scenario: &Bound<'_, PyScenario>,
    first: i64,
    runs: i64,
    seed: u64,
) -> PyResult<PySimulation> {
    let (first, runs) = attached(py, || {
        let first = usize::try_from(first)
            .map_err(|_| Error::param("first", format!("the first run must be at least 0, got {first}")))?;
        let runs = usize::try_from(runs)
            .map_err(|_| Error::param("runs", format!("runs must be 1 to 10000000, got {runs}")))?;
        Ok((first, runs))
    })?;
    let text: String = plan.call_method0("to_json")?.extract()?;
    let s = &scenario.get().inner;
    detached(py, || simulate_range(&Plan::from_json(&text)?, s, first, runs, seed, None))
        .map(|inner| PySimulation { inner })
}

/// Join the chunks of one simulation into the simulation made in one go.
#[pyfunction]
pub fn _simulation_concat(py: Python<'_>, parts: Vec<Bound<'_, PySimulation>>) -> PyResult<PySimulation> {
    let parts: Vec<Simulation> = parts.iter().map(|p| p.get().inner.clone()).collect();
    detached(py, || Simulation::concat(parts)).map(|inner| PySimulation { inner })
}

/// A simulation as serde JSON bytes (for pickle).
#[pyfunction]
pub fn _simulation_to_json_bytes<'py>(
    py: Python<'py>,
    simulation: &Bound<'py, PySimulation>,
) -> PyResult<Bound<'py, PyBytes>> {
    let inner = &simulation.get().inner;
    let data = detached(py, || {
        serde_json::to_vec(inner).map_err(|e| Error::Internal(format!("simulation serialisation failed: {e}")))
    })?;
    Ok(PyBytes::new(py, &data))
}

/// Rebuild a simulation from its pickled JSON bytes.
#[pyfunction]
pub fn _simulation_from_json_bytes(py: Python<'_>, data: &[u8]) -> PyResult<PySimulation> {
    detached(py, || from_bytes("simulation JSON", data)).map(|inner| PySimulation { inner })
}

/// Rebuild a schedule from its pickled JSON bytes.
#[pyfunction]
pub fn _schedule_from_json_bytes(py: Python<'_>, data: &[u8]) -> PyResult<PySchedule> {
    detached(py, || from_bytes("schedule JSON", data)).map(|inner| PySchedule { inner })
}

/// Register the helpers on the extension module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(_plan_for_scenario, m)?)?;
    m.add_function(wrap_pyfunction!(_simulate_range, m)?)?;
    m.add_function(wrap_pyfunction!(_simulation_concat, m)?)?;
    m.add_function(wrap_pyfunction!(_simulation_to_json_bytes, m)?)?;
    m.add_function(wrap_pyfunction!(_simulation_from_json_bytes, m)?)?;
    m.add_function(wrap_pyfunction!(_schedule_from_json_bytes, m)?)?;
    Ok(())
}
