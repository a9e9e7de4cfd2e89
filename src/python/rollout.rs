//! `Budget`, `CostModel`, `Scenario`, `Schedule`, `Simulation` and the scenario functions
//! (`schedule_plan`, `simulate`, `sweep`, `cost_curve`, `cheapest_plans`).

use std::collections::HashMap;
use std::path::PathBuf;

use pyo3::prelude::*;
use pyo3::types::PyDict;

use super::convert::{to_i64, Columns};
use super::county::PyCounty;
use super::error::{attached, cancellable, detached, keep_going};
use crate::error::{Error, Result};
use crate::plan::{CoverageBy, Plan};
use crate::rollout::{Budget, CostModel, Funding, Schedule, ScheduleMethod, ScheduleOptions, Source, DEFAULT_SHARES};
use crate::scenario::{self, CurveRow, Scenario, Simulation, SweepRow};

fn funding_of(map: &HashMap<String, f64>) -> Result<Funding> {
    let mut pairs: Vec<(&str, f64)> = map.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    pairs.sort_by(|a, b| a.0.cmp(b.0));
    Funding::from_named(pairs)
}

fn funding_dict<'py>(py: Python<'py>, f: &Funding) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    for s in Source::ALL {
        d.set_item(s.as_str(), f.get(s))?;
    }
    Ok(d)
}

fn parse_error(what: &str, e: &serde_json::Error) -> Error {
    Error::Parse { what: what.into(), line: Some(e.line()), reason: e.to_string() }
}

/// A plan from a Python `_core.Plan`, through its JSON (the plan class keeps its core private).
fn core_plan(plan: &Bound<'_, PyAny>) -> PyResult<String> {
    plan.call_method0("to_json")?.extract()
}

// ---------------------------------------------------------------------------------------------

/// Money per year from the six funding sources.
#[pyclass(name = "Budget", module = "villageplan._core", frozen)]
pub struct PyBudget {
    pub(crate) inner: Budget,
}

#[pymethods]
impl PyBudget {
    /// A budget from amounts: one dict (source name → yuan) per year.
    #[new]
    #[pyo3(signature = (years, carry_over=true))]
    fn new(py: Python<'_>, years: Vec<HashMap<String, f64>>, carry_over: bool) -> PyResult<Self> {
        attached(py, || {
            let years = years.iter().map(funding_of).collect::<Result<Vec<_>>>()?;
            Budget::new(years, carry_over)
        })
        .map(|inner| Self { inner })
    }

    /// The same total each year, split by shares (default DOMAIN.md §6).
    #[staticmethod]
    #[pyo3(signature = (total, shares=None, years=3, carry_over=true))]
    fn yearly(
        py: Python<'_>,
        total: f64,
        shares: Option<HashMap<String, f64>>,
        years: i64,
        carry_over: bool,
    ) -> PyResult<Self> {
        attached(py, || {
            let shares = match &shares {
                Some(m) => funding_of(m)?,
                None => DEFAULT_SHARES,
            };
            let years = u32::try_from(years)
                .map_err(|_| Error::param("years", format!("years must be 1 to 100, got {years}")))?;
            Budget::yearly(total, &shares, years, carry_over)
        })
        .map(|inner| Self { inner })
    }

    /// Read a budget from JSON.
    #[staticmethod]
    fn from_json(py: Python<'_>, text: &str) -> PyResult<Self> {
        attached(py, || Budget::from_json(text)).map(|inner| Self { inner })
    }

    /// The budget as JSON.
    fn to_json(&self, py: Python<'_>) -> PyResult<String> {
        attached(py, || self.inner.to_json())
    }

    /// Number of funded years.
    #[getter]
    fn n_years(&self) -> usize {
        self.inner.n_years()
    }

    /// Whether unspent money carries over.
    #[getter]
    fn carry_over(&self) -> bool {
        self.inner.carry_over
    }

    /// Total over years and sources, yuan.
    #[getter]
    fn total(&self) -> f64 {
        self.inner.total()
    }

    /// The amounts: one dict (source → yuan) per year.
    fn amounts<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyDict>>> {
        self.inner.years.iter().map(|f| funding_dict(py, f)).collect()
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other.cast::<PyBudget>().is_ok_and(|o| o.get().inner == self.inner)
    }

    fn __repr__(&self) -> String {
        let yearly: Vec<String> = self.inner.years.iter().map(|f| format!("{:.0}", f.total())).collect();
        format!(
            "Budget(years={}, yuan per year=[{}], total={:.0}, carry_over={})",
            self.inner.n_years(),
            yearly.join(", "),
            self.inner.total(),
            if self.inner.carry_over { "True" } else { "False" }
        )
    }
}

/// The six funding source names, in table order.
#[pyfunction]
pub fn funding_sources() -> Vec<&'static str> {
    Source::ALL.iter().map(|s| s.as_str()).collect()
}

// ---------------------------------------------------------------------------------------------

/// Unit costs and floor-area rules.
#[pyclass(name = "CostModel", module = "villageplan._core", frozen)]
pub struct PyCostModel {
    pub(crate) inner: CostModel,
}

#[pymethods]
impl PyCostModel {
    /// A cost model; every argument defaults to DOMAIN.md §6.
    #[new]
    #[pyo3(signature = (
        min_floor_area_m2=200.0, floor_area_per_100_households_m2=30.0, one_stop_hall_m2=50.0,
        new_build_yuan_per_m2=1600.0, renovate_yuan_per_m2=600.0, land_yuan=None, use_given_costs=false
    ))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        min_floor_area_m2: f64,
        floor_area_per_100_households_m2: f64,
        one_stop_hall_m2: f64,
        new_build_yuan_per_m2: f64,
        renovate_yuan_per_m2: f64,
        land_yuan: Option<f64>,
        use_given_costs: bool,
    ) -> PyResult<Self> {
        let inner = CostModel {
            min_floor_area_m2,
            floor_area_per_100_households_m2,
            one_stop_hall_m2,
            new_build_yuan_per_m2,
            renovate_yuan_per_m2,
            land_yuan,
            use_given_costs,
        };
        attached(py, || inner.validate())?;
        Ok(Self { inner })
    }

    /// Read a cost model from JSON (fields left out take their defaults).
    #[staticmethod]
    fn from_json(py: Python<'_>, text: &str) -> PyResult<Self> {
        attached(py, || {
            let inner: CostModel = serde_json::from_str(text).map_err(|e| parse_error("cost model JSON", &e))?;
            inner.validate()?;
            Ok(inner)
        })
        .map(|inner| Self { inner })
    }

    /// The cost model as JSON.
    fn to_json(&self, py: Python<'_>) -> PyResult<String> {
        attached(py, || {
            serde_json::to_string(&self.inner).map_err(|e| Error::Internal(format!("cost model serialisation: {e}")))
        })
    }

    /// Floor area in m² needed for `households`.
    fn required_area(&self, households: f64) -> f64 {
        self.inner.required_area(households)
    }

    /// Smallest building, m².
    #[getter]
    fn min_floor_area_m2(&self) -> f64 {
        self.inner.min_floor_area_m2
    }
    /// Building area per 100 households, m².
    #[getter]
    fn floor_area_per_100_households_m2(&self) -> f64 {
        self.inner.floor_area_per_100_households_m2
    }
    /// One-stop service hall, m².
    #[getter]
    fn one_stop_hall_m2(&self) -> f64 {
        self.inner.one_stop_hall_m2
    }
    /// New-build cost, yuan per m².
    #[getter]
    fn new_build_yuan_per_m2(&self) -> f64 {
        self.inner.new_build_yuan_per_m2
    }
    /// Renovation cost, yuan per m².
    #[getter]
    fn renovate_yuan_per_m2(&self) -> f64 {
        self.inner.renovate_yuan_per_m2
    }
    /// Land price for `no_space` sites, yuan, or None.
    #[getter]
    fn land_yuan(&self) -> Option<f64> {
        self.inner.land_yuan
    }
    /// Whether a site's own cost is used when it has one.
    #[getter]
    fn use_given_costs(&self) -> bool {
        self.inner.use_given_costs
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other.cast::<PyCostModel>().is_ok_and(|o| o.get().inner == self.inner)
    }

    fn __repr__(&self) -> String {
        let m = &self.inner;
        format!(
            "CostModel(min_floor_area_m2={}, floor_area_per_100_households_m2={}, one_stop_hall_m2={}, \
             new_build_yuan_per_m2={}, renovate_yuan_per_m2={}, land_yuan={}, use_given_costs={})",
            m.min_floor_area_m2,
            m.floor_area_per_100_households_m2,
            m.one_stop_hall_m2,
            m.new_build_yuan_per_m2,
            m.renovate_yuan_per_m2,
            m.land_yuan.map_or_else(|| "None".to_string(), |l| l.to_string()),
            if m.use_given_costs { "True" } else { "False" }
        )
    }
}

// ---------------------------------------------------------------------------------------------

/// A versioned set of planning assumptions.
#[pyclass(name = "Scenario", module = "villageplan._core", frozen)]
pub struct PyScenario {
    pub(crate) inner: Scenario,
}

#[pymethods]
impl PyScenario {
    /// The sample county's scenario: 60% of villages at 2 km in 3 years on 1.0 M yuan a year.
    #[staticmethod]
    fn default() -> Self {
        Self { inner: Scenario::default() }
    }

    /// Read and validate a scenario from JSON.
    #[staticmethod]
    fn from_json(py: Python<'_>, text: &str) -> PyResult<Self> {
        attached(py, || Scenario::from_json(text)).map(|inner| Self { inner })
    }

    /// The scenario as JSON.
    fn to_json(&self, py: Python<'_>) -> PyResult<String> {
        attached(py, || self.inner.to_json())
    }

    /// Write the scenario as JSON.
    fn save(&self, py: Python<'_>, path: PathBuf) -> PyResult<()> {
        let inner = &self.inner;
        detached(py, || inner.save(&path))
    }

    /// Read a scenario saved with `save`.
    #[staticmethod]
    fn load(py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        detached(py, || Scenario::load(&path)).map(|inner| Self { inner })
    }

    /// Name.
    #[getter]
    fn name(&self) -> &str {
        &self.inner.name
    }
    /// Service radius, metres.
    #[getter]
    fn radius(&self) -> f64 {
        self.inner.radius
    }
    /// Target share.
    #[getter]
    fn target(&self) -> f64 {
        self.inner.target
    }
    /// `"villages"` or `"population"`.
    #[getter]
    fn by(&self) -> &'static str {
        self.inner.by.as_str()
    }
    /// Whether communities stay inside one town.
    #[getter]
    fn within_town(&self) -> bool {
        self.inner.within_town
    }
    /// Years.
    #[getter]
    fn years(&self) -> u32 {
        self.inner.years
    }
    /// The budget.
    #[getter]
    fn budget(&self) -> PyBudget {
        PyBudget { inner: self.inner.budget.clone() }
    }
    /// The cost model.
    #[getter]
    fn costs(&self) -> PyCostModel {
        PyCostModel { inner: self.inner.costs.clone() }
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other.cast::<PyScenario>().is_ok_and(|o| o.get().inner == self.inner)
    }

    fn __repr__(&self) -> String {
        let s = &self.inner;
        format!(
            "Scenario(name={}, radius={}, target={}, by='{}', years={}, budget={:.0} yuan, carry_over={})",
            super::convert::py_repr(&s.name),
            s.radius,
            s.target,
            s.by.as_str(),
            s.years,
            s.budget.total(),
            if s.budget.carry_over { "True" } else { "False" }
        )
    }
}

// ---------------------------------------------------------------------------------------------

/// The year-by-year build order of a plan's centres.
#[pyclass(name = "Schedule", module = "villageplan._core", frozen)]
pub struct PySchedule {
    pub(crate) inner: Schedule,
}

#[pymethods]
impl PySchedule {
    /// Target share.
    #[getter]
    fn target(&self) -> f64 {
        self.inner.target
    }
    /// `"villages"` or `"population"`.
    #[getter]
    fn by(&self) -> &'static str {
        self.inner.by.as_str()
    }
    /// Whether unspent money carried over.
    #[getter]
    fn carry_over(&self) -> bool {
        self.inner.carry_over
    }
    /// `"exact"` or `"heuristic"`.
    #[getter]
    fn method(&self) -> &'static str {
        self.inner.method.as_str()
    }
    /// First year at the target, or None.
    #[getter]
    fn target_year(&self) -> Option<u32> {
        self.inner.target_year
    }
    /// Extra yuan needed to reach the target by the last year (0 when reached, inf when the plan
    /// cannot reach it).
    #[getter]
    fn shortfall(&self) -> f64 {
        self.inner.shortfall.unwrap_or(f64::INFINITY)
    }
    /// Cost of the centres not built, yuan.
    #[getter]
    fn cost_to_complete(&self) -> f64 {
        self.inner.cost_to_complete
    }
    /// Area under the coverage curve, share-years.
    #[getter]
    fn area(&self) -> f64 {
        self.inner.area
    }
    /// Number of funded years.
    #[getter]
    fn n_years(&self) -> usize {
        self.inner.years.len().saturating_sub(1)
    }

    /// One entry per year (0 = today).
    fn years_columns<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let y = &self.inner.years;
        let built: Vec<Vec<&str>> = y.iter().map(|r| r.built.iter().map(String::as_str).collect()).collect();
        Ok(Columns::new(py)
            .i64("year", y.iter().map(|r| i64::from(r.year)).collect())?
            .i64("built", y.iter().map(|r| to_i64(r.built.len())).collect())?
            .i64("centres_open", y.iter().map(|r| to_i64(r.centres_open)).collect())?
            .f64("available", y.iter().map(|r| r.available.total()).collect())?
            .f64("spent", y.iter().map(|r| r.spent.total()).collect())?
            .f64("left", y.iter().map(|r| r.left.total()).collect())?
            .i64("covered_villages", y.iter().map(|r| to_i64(r.covered_villages)).collect())?
            .f64("coverage", y.iter().map(|r| r.coverage).collect())?
            .f64("covered_population", y.iter().map(|r| r.covered_population).collect())?
            .f64("population_coverage", y.iter().map(|r| r.population_coverage).collect())?
            .text_lists("sites", built)?
            .finish())
    }

    /// One entry per funded year and source.
    fn spending_columns<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let rows = self.inner.spending_rows();
        Ok(Columns::new(py)
            .i64("year", rows.iter().map(|r| i64::from(r.0)).collect())?
            .text("source", rows.iter().map(|r| r.1.as_str()))?
            .f64("available", rows.iter().map(|r| r.2).collect())?
            .f64("spent", rows.iter().map(|r| r.3).collect())?
            .f64("left", rows.iter().map(|r| r.4).collect())?
            .finish())
    }

    /// One entry per year and town.
    fn towns_columns<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let t = &self.inner.towns;
        let share = |a: f64, b: f64| if b > 0.0 { a / b } else { 0.0 };
        #[allow(clippy::cast_precision_loss)]
        let coverage: Vec<f64> = t.iter().map(|r| share(r.covered as f64, r.villages as f64)).collect();
        Ok(Columns::new(py)
            .i64("year", t.iter().map(|r| i64::from(r.year)).collect())?
            .text("town", t.iter().map(|r| r.town.as_str()))?
            .i64("villages", t.iter().map(|r| to_i64(r.villages)).collect())?
            .i64("covered", t.iter().map(|r| to_i64(r.covered)).collect())?
            .f64("coverage", coverage)?
            .f64("population", t.iter().map(|r| r.population).collect())?
            .f64("covered_population", t.iter().map(|r| r.covered_population).collect())?
            .f64("population_coverage", t.iter().map(|r| share(r.covered_population, r.population)).collect())?
            .i64("centres", t.iter().map(|r| to_i64(r.centres)).collect())?
            .finish())
    }

    /// One entry per centre of the plan: site, town, status, households, `required_m2`, cost,
    /// year (-1 when not built).
    fn centres_columns<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let c = &self.inner.centres;
        Ok(Columns::new(py)
            .i64("community", c.iter().map(|r| i64::from(r.community)).collect())?
            .text("site", c.iter().map(|r| r.site_id.as_str()))?
            .text("town", c.iter().map(|r| r.town.as_str()))?
            .text("status", c.iter().map(|r| r.status.as_str()))?
            .f64("households", c.iter().map(|r| r.households).collect())?
            .f64("required_m2", c.iter().map(|r| r.required_m2).collect())?
            .f64("cost", c.iter().map(|r| r.cost).collect())?
            .i64("year", c.iter().map(|r| r.year.map_or(-1, i64::from)).collect())?
            .finish())
    }

    /// The schedule as JSON.
    fn to_json(&self, py: Python<'_>) -> PyResult<String> {
        attached(py, || self.inner.to_json())
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other.cast::<PySchedule>().is_ok_and(|o| o.get().inner == self.inner)
    }

    fn __repr__(&self) -> String {
        let s = &self.inner;
        let last = s.years.last();
        let reached = match s.target_year {
            Some(y) => format!("target reached in year {y}"),
            None => match s.shortfall {
                Some(x) => format!("target not reached, shortfall {x:.0} yuan"),
                None => "target not reachable by the plan".to_string(),
            },
        };
        format!(
            "Schedule(years={}, target={:.1}% of {}, coverage after year {}={:.1}%, {reached}, method='{}')",
            s.years.len().saturating_sub(1),
            100.0 * s.target,
            s.by.as_str(),
            last.map_or(0, |y| y.year),
            100.0 * last.map_or(0.0, |y| if s.by == CoverageBy::Villages { y.coverage } else { y.population_coverage }),
            s.method.as_str()
        )
    }
}

/// Schedule a plan's centres over the budget's years.
#[pyfunction]
#[pyo3(signature = (plan, budget, costs=None, target=None, method="auto"))]
pub fn schedule_plan(
    py: Python<'_>,
    plan: &Bound<'_, PyAny>,
    budget: &Bound<'_, PyBudget>,
    costs: Option<&Bound<'_, PyCostModel>>,
    target: Option<f64>,
    method: &str,
) -> PyResult<PySchedule> {
    let text = core_plan(plan)?;
    let method = attached(py, || ScheduleMethod::parse(method))?;
    let b = &budget.get().inner;
    let c = costs.map_or_else(CostModel::default, |c| c.get().inner.clone());
    detached(py, || {
        let p = Plan::from_json(&text)?;
        Schedule::build_with(&p, b, &c, &ScheduleOptions { target, method })
    })
    .map(|inner| PySchedule { inner })
}

// ---------------------------------------------------------------------------------------------

/// The result of a Monte Carlo simulation.
#[pyclass(name = "Simulation", module = "villageplan._core", frozen)]
pub struct PySimulation {
    pub(crate) inner: Simulation,
}

#[pymethods]
impl PySimulation {
    /// Number of runs.
    #[getter]
    fn n_runs(&self) -> usize {
        self.inner.runs.len()
    }
    /// The seed.
    #[getter]
    fn seed(&self) -> u64 {
        self.inner.seed
    }
    /// Funded years.
    #[getter]
    fn years(&self) -> u32 {
        self.inner.scenario.years
    }
    /// Target share.
    #[getter]
    fn target(&self) -> f64 {
        self.inner.scenario.target
    }
    /// `"villages"` or `"population"`.
    #[getter]
    fn by(&self) -> &'static str {
        self.inner.scenario.by.as_str()
    }
    /// Centres in the plan.
    #[getter]
    fn n_centres(&self) -> usize {
        self.inner.n_centres
    }
    /// The scenario.
    #[getter]
    fn scenario(&self) -> PyScenario {
        PyScenario { inner: self.inner.scenario.clone() }
    }
    /// The schedule without uncertainty.
    #[getter]
    fn schedule(&self) -> PySchedule {
        PySchedule { inner: self.inner.schedule.clone() }
    }

    /// Share of runs that reach the target by `year`.
    fn probability_of_target(&self, year: u32) -> f64 {
        self.inner.probability_of_target(year)
    }

    /// Per year: mean, the quantiles at `levels`, and the probability of the target.
    fn coverage_columns<'py>(&self, py: Python<'py>, levels: Vec<f64>) -> PyResult<Bound<'py, PyDict>> {
        for &q in &levels {
            if !(0.0..=1.0).contains(&q) {
                return Err(super::error::to_pyerr(
                    py,
                    Error::param("quantiles", format!("quantile levels must be in [0, 1], got {q}")),
                ));
            }
        }
        let rows = self.inner.quantiles(&levels);
        let mut cols = Columns::new(py)
            .i64("year", rows.iter().map(|r| i64::from(r.year)).collect())?
            .f64("mean", rows.iter().map(|r| r.mean).collect())?;
        for (j, q) in levels.iter().enumerate() {
            cols = cols.f64(&format!("q{}", format_level(*q)), rows.iter().map(|r| r.quantiles[j]).collect())?;
        }
        Ok(cols.f64("probability_of_target", rows.iter().map(|r| r.probability_of_target).collect())?.finish())
    }

    /// One entry per run and year.
    fn runs_columns<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let runs = &self.inner.runs;
        let years = self.inner.scenario.years as usize;
        let (mut run, mut year, mut cov, mut pop, mut money, mut spent, mut centres, mut ty) =
            (vec![], vec![], vec![], vec![], vec![], vec![], vec![], vec![]);
        for r in runs {
            for t in 0..=years {
                run.push(to_i64(r.run));
                year.push(to_i64(t));
                cov.push(r.coverage[t]);
                pop.push(r.population_coverage[t]);
                money.push(if t == 0 { 0.0 } else { r.money[t - 1] });
                spent.push(if t == 0 { 0.0 } else { r.spent[t - 1] });
                centres.push(to_i64(r.centres[t]));
                ty.push(r.target_year.map_or(-1, i64::from));
            }
        }
        Ok(Columns::new(py)
            .i64("run", run)?
            .i64("year", year)?
            .f64("coverage", cov)?
            .f64("population_coverage", pop)?
            .f64("money", money)?
            .f64("spent", spent)?
            .i64("centres_open", centres)?
            .i64("target_year", ty)?
            .finish())
    }

    fn __repr__(&self) -> String {
        let s = &self.inner;
        let years = s.scenario.years;
        format!(
            "Simulation(runs={}, seed={}, target={:.1}% of {} in {years} years, P(target by year {years})={:.3})",
            s.runs.len(),
            s.seed,
            100.0 * s.scenario.target,
            s.scenario.by.as_str(),
            s.probability_of_target(years)
        )
    }
}

/// "05" for 0.05, "50" for 0.5, "975" for 0.975.
fn format_level(q: f64) -> String {
    let s = format!("{:.4}", q * 100.0);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    let s = s.replace('.', "_");
    if q < 0.1 && !s.starts_with('0') {
        format!("0{s}")
    } else {
        s
    }
}

/// Monte Carlo simulation of a scenario on a county.
#[pyfunction]
#[pyo3(signature = (county, scenario, runs=1000, seed=1, plan=None, *, progress=None))]
pub fn simulate(
    py: Python<'_>,
    county: &Bound<'_, PyCounty>,
    scenario: &Bound<'_, PyScenario>,
    runs: i64,
    seed: u64,
    plan: Option<&Bound<'_, PyAny>>,
    progress: Option<&Bound<'_, PyAny>>,
) -> PyResult<PySimulation> {
    let runs = attached(py, || {
        usize::try_from(runs).map_err(|_| Error::param("runs", format!("runs must be 1 to 10000000, got {runs}")))
    })?;
    let instance = &*county.get().inner;
    let s = &scenario.get().inner;
    let plan_text = plan.map(core_plan).transpose()?;
    // Ctrl-C and progress go through `cancellable`: the waiting thread checks for signals and
    // forwards (runs done, runs) to `progress`; the callback below only reads the cancel flag.
    cancellable(py, progress, |control| {
        s.validate()?;
        let p = match &plan_text {
            Some(t) => Plan::from_json(t)?,
            None => crate::plan::plan(instance, &s.plan_options())?,
        };
        scenario::simulate_with(&p, s, runs, seed, Some(&keep_going(control)))
    })
    .map(|inner| PySimulation { inner })
}

fn sweep_columns<'py>(py: Python<'py>, rows: &[SweepRow]) -> PyResult<Bound<'py, PyDict>> {
    Ok(Columns::new(py)
        .f64("radius", rows.iter().map(|r| r.radius).collect())?
        .f64("target", rows.iter().map(|r| r.target).collect())?
        .f64("budget", rows.iter().map(|r| r.budget).collect())?
        .i64("years", rows.iter().map(|r| i64::from(r.years)).collect())?
        .text("status", rows.iter().map(|r| r.status.as_str()))?
        .f64("achievable", rows.iter().map(|r| r.achievable).collect())?
        .i64("centres", rows.iter().map(|r| to_i64(r.centres)).collect())?
        .f64("plan_cost", rows.iter().map(|r| r.plan_cost).collect())?
        .f64("plan_coverage", rows.iter().map(|r| r.plan_coverage).collect())?
        .i64("built", rows.iter().map(|r| to_i64(r.built)).collect())?
        .f64("spent", rows.iter().map(|r| r.spent).collect())?
        .f64("coverage", rows.iter().map(|r| r.coverage).collect())?
        .f64("population_coverage", rows.iter().map(|r| r.population_coverage).collect())?
        .i64("target_year", rows.iter().map(|r| r.target_year.map_or(-1, i64::from)).collect())?
        .f64("shortfall", rows.iter().map(|r| r.shortfall).collect())?
        .finish())
}

fn curve_columns<'py>(py: Python<'py>, rows: &[CurveRow]) -> PyResult<Bound<'py, PyDict>> {
    Ok(Columns::new(py)
        .f64("target", rows.iter().map(|r| r.target).collect())?
        .text("status", rows.iter().map(|r| r.status.as_str()))?
        .f64("coverage", rows.iter().map(|r| r.coverage).collect())?
        .f64("population_coverage", rows.iter().map(|r| r.population_coverage).collect())?
        .i64("centres", rows.iter().map(|r| to_i64(r.centres)).collect())?
        .f64("cost", rows.iter().map(|r| r.cost).collect())?
        .f64("marginal_cost_per_point", rows.iter().map(|r| r.marginal_cost_per_point).collect())?
        .i64("target_year", rows.iter().map(|r| r.target_year.map_or(-1, i64::from)).collect())?
        .f64("shortfall", rows.iter().map(|r| r.shortfall).collect())?
        .text_lists("sites", rows.iter().map(|r| r.sites.iter().map(String::as_str).collect()).collect())?
        .finish())
}

/// Radius × target × yearly budget grid: plan and schedule each, as columns.
#[pyfunction]
#[pyo3(signature = (county, scenario, radius, target, budget, *, progress=None))]
pub fn sweep<'py>(
    py: Python<'py>,
    county: &Bound<'py, PyCounty>,
    scenario: &Bound<'py, PyScenario>,
    radius: Vec<f64>,
    target: Vec<f64>,
    budget: Vec<f64>,
    progress: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
    let instance = &*county.get().inner;
    let s = &scenario.get().inner;
    let rows = cancellable(py, progress, |control| {
        scenario::sweep(instance, s, &radius, &target, &budget, Some(&keep_going(control)))
    })?;
    sweep_columns(py, &rows)
}

/// The cost-versus-coverage curve, as columns.
#[pyfunction]
pub fn cost_curve<'py>(
    py: Python<'py>,
    county: &Bound<'py, PyCounty>,
    scenario: &Bound<'py, PyScenario>,
    targets: Vec<f64>,
) -> PyResult<Bound<'py, PyDict>> {
    let instance = &*county.get().inner;
    let s = &scenario.get().inner;
    let rows = cancellable(py, None, |_| scenario::cost_curve(instance, s, &targets))?;
    curve_columns(py, &rows)
}

/// The cheapest plan found for each target, as columns.
#[pyfunction]
pub fn cheapest_plans<'py>(
    py: Python<'py>,
    county: &Bound<'py, PyCounty>,
    scenario: &Bound<'py, PyScenario>,
    targets: Vec<f64>,
) -> PyResult<Bound<'py, PyDict>> {
    let instance = &*county.get().inner;
    let s = &scenario.get().inner;
    let rows = cancellable(py, None, |_| scenario::cheapest_plans(instance, s, &targets))?;
    curve_columns(py, &rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantile_column_names() {
        assert_eq!(format_level(0.05), "05");
        assert_eq!(format_level(0.5), "50");
        assert_eq!(format_level(0.95), "95");
        assert_eq!(format_level(0.975), "97_5");
        assert_eq!(format_level(0.025), "02_5");
    }
}
