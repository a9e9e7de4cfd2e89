//! Python bindings (feature `python`): the extension module `villageplan._core`.
//!
//! The module is thin: each class wraps a core type (`County` an [`Instance`](crate::model::Instance),
//! `Plan` a [`Plan`](crate::plan::Plan)), each function calls one core function. Work runs with
//! the GIL released and inside a panic guard ([`error::guard`]), and core errors become the
//! exceptions of [`error`]. The Python package `villageplan` adds the pandas `DataFrame`s,
//! docstrings and the command line on top.

// pyo3 hands arguments over by value (arrays, paths); many are only read.
#![allow(clippy::needless_pass_by_value)]

mod assess;
mod convert;
mod county;
mod debug;
mod distributed;
mod error;
mod exact;
mod objectives;
mod plan;
mod roads;
mod rollout;
mod solve;

use pyo3::prelude::*;

/// The extension module `villageplan._core`.
#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    // Functions take their `__module__` from the module's name; use the importable one, so that
    // pickle finds the helpers it is given by `__reduce__`.
    m.setattr("__name__", "villageplan._core")?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("SERVICE_RADIUS_M", crate::defaults::SERVICE_RADIUS_M)?;
    m.add("COVERAGE_TARGET", crate::defaults::COVERAGE_TARGET)?;
    error::register(m)?;
    m.add_class::<county::PyCounty>()?;
    m.add_class::<plan::PyPlan>()?;
    m.add_class::<solve::PySolution>()?;
    m.add_function(wrap_pyfunction!(solve::solve_max_coverage, m)?)?;
    m.add_function(wrap_pyfunction!(solve::solve_set_cover, m)?)?;
    m.add_function(wrap_pyfunction!(solve::solve_p_median, m)?)?;
    m.add_function(wrap_pyfunction!(solve::solve_p_center, m)?)?;
    m.add_function(wrap_pyfunction!(solve::solve_capacitated_p_median, m)?)?;
    m.add_function(wrap_pyfunction!(solve::read_orlib_pmed, m)?)?;
    m.add_function(wrap_pyfunction!(solve::exact_cover_problem, m)?)?;
    m.add_function(wrap_pyfunction!(solve::exact_matrix_problem, m)?)?;
    m.add_function(wrap_pyfunction!(solve::exact_capacitated_problem, m)?)?;
    m.add_function(wrap_pyfunction!(plan::plan_county, m)?)?;
    m.add_function(wrap_pyfunction!(plan::plan_with_centres, m)?)?;
    m.add_function(wrap_pyfunction!(plan::covering_problem, m)?)?;
    m.add_function(wrap_pyfunction!(objectives::max_coverage, m)?)?;
    m.add_function(wrap_pyfunction!(objectives::p_median, m)?)?;
    m.add_function(wrap_pyfunction!(objectives::p_center, m)?)?;
    m.add_function(wrap_pyfunction!(exact::exact_objective_problem, m)?)?;
    m.add_function(wrap_pyfunction!(exact::plan_objective_with_centres, m)?)?;
    m.add_function(wrap_pyfunction!(county::sample_county, m)?)?;
    m.add_function(wrap_pyfunction!(county::read_csv, m)?)?;
    m.add_function(wrap_pyfunction!(county::read_geojson, m)?)?;
    m.add_function(wrap_pyfunction!(county::_county_from_json_bytes, m)?)?;
    m.add_function(wrap_pyfunction!(plan::_plan_from_json_bytes, m)?)?;
    m.add_class::<rollout::PyBudget>()?;
    m.add_class::<rollout::PyCostModel>()?;
    m.add_class::<rollout::PyScenario>()?;
    m.add_class::<rollout::PySchedule>()?;
    m.add_class::<rollout::PySimulation>()?;
    m.add_function(wrap_pyfunction!(rollout::funding_sources, m)?)?;
    m.add_function(wrap_pyfunction!(rollout::schedule_plan, m)?)?;
    m.add_function(wrap_pyfunction!(rollout::simulate, m)?)?;
    m.add_function(wrap_pyfunction!(rollout::sweep, m)?)?;
    m.add_function(wrap_pyfunction!(rollout::cost_curve, m)?)?;
    m.add_function(wrap_pyfunction!(rollout::cheapest_plans, m)?)?;
    m.add_function(wrap_pyfunction!(roads::county_with_road_lines, m)?)?;
    m.add_function(wrap_pyfunction!(roads::county_with_road_edges, m)?)?;
    m.add_function(wrap_pyfunction!(roads::county_read_roads, m)?)?;
    m.add_function(wrap_pyfunction!(roads::county_without_roads, m)?)?;
    m.add_function(wrap_pyfunction!(roads::road_columns, m)?)?;
    m.add_function(wrap_pyfunction!(roads::road_summary, m)?)?;
    m.add_function(wrap_pyfunction!(roads::network_coverage_columns, m)?)?;
    m.add_class::<assess::PyStandard>()?;
    m.add_class::<assess::PyFacts>()?;
    m.add_class::<assess::PyAssessment>()?;
    m.add_function(wrap_pyfunction!(assess::assess, m)?)?;
    m.add_function(wrap_pyfunction!(assess::sample_facts, m)?)?;
    m.add_function(wrap_pyfunction!(debug::_debug_panic, m)?)?;
    distributed::register(m)?;
    Ok(())
}
