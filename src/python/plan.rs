//! `Plan` and `plan()`: the planner's result and the function that makes it.

use std::path::PathBuf;

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBytes, PyDict, PyTuple};

use super::convert::{py_repr, to_i64, Columns};
use super::county::PyCounty;
use super::error::{attached, cancellable, detached};
use crate::error::{Error, Result};
use crate::io;
use crate::plan::{self as core, CapacityBy, CoverageBy, DistanceMetric, Goal, Plan, PlanObjective, PlanOptions};
use crate::solve::CoverLimit;

/// A plan: centres, the communities they form, each village's assignment, cost, coverage and the
/// solver's certificate (bound, gap, status).
#[pyclass(name = "Plan", module = "villageplan._core", frozen)]
pub struct PyPlan {
    inner: Plan,
    /// The county, made on first access (it is a copy of the one inside the plan).
    county: PyOnceLock<Py<PyCounty>>,
}

impl PyPlan {
    pub(super) fn new(inner: Plan) -> Self {
        Self { inner, county: PyOnceLock::new() }
    }
}

fn objective_name(o: PlanObjective) -> &'static str {
    match o {
        PlanObjective::Auto => "auto",
        PlanObjective::Count => "count",
        PlanObjective::Cost => "cost",
    }
}

fn plan_from_bytes(data: &[u8]) -> Result<Plan> {
    let text = std::str::from_utf8(data).map_err(|e| Error::Parse {
        what: "plan JSON".into(),
        line: None,
        reason: e.to_string(),
    })?;
    Plan::from_json(text)
}

#[pymethods]
impl PyPlan {
    /// Share of villages covered, in [0, 1].
    #[getter]
    fn coverage(&self) -> f64 {
        self.inner.coverage
    }

    /// Share of population covered, in [0, 1].
    #[getter]
    fn population_coverage(&self) -> f64 {
        self.inner.population_coverage
    }

    /// Total cost of the centres opened, yuan (existing centres cost 0).
    #[getter]
    fn cost(&self) -> f64 {
        self.inner.cost
    }

    /// `"optimal"`, `"feasible"` or `"time_limit"`.
    #[getter]
    fn status(&self) -> &'static str {
        self.inner.solution.status.as_str()
    }

    /// Relative gap between the objective and the proven bound (0 when optimal).
    #[getter]
    fn gap(&self) -> f64 {
        self.inner.solution.gap
    }

    /// Proven bound on the optimal objective: lower when minimising, upper for `max_coverage`.
    #[getter]
    fn bound(&self) -> f64 {
        self.inner.solution.bound
    }

    /// Objective value: for `goal == "target"` the number of new centres (`objective_kind ==
    /// "count"`) or their cost; for `max_coverage` the villages (or people) covered; for
    /// `p_median` the total (weighted) distance in metres; for `p_center` the largest distance.
    #[getter]
    fn objective(&self) -> f64 {
        self.inner.solution.objective
    }

    /// What was minimised: `"count"` or `"cost"`.
    #[getter]
    fn objective_kind(&self) -> &'static str {
        objective_name(self.inner.objective)
    }

    /// The objective that made the plan: `"target"`, `"max_coverage"`, `"p_median"` or
    /// `"p_center"`.
    #[getter]
    fn goal(&self) -> &'static str {
        self.inner.options.goal.as_str()
    }

    /// Number of centres asked for (`max_coverage` with `p`, `p_median`, `p_center`), else None.
    #[getter]
    fn p(&self) -> Option<usize> {
        match self.inner.options.goal {
            Goal::MaxCoverage { limit: CoverLimit::Sites(p) } | Goal::PMedian { p } | Goal::PCenter { p } => Some(p),
            _ => None,
        }
    }

    /// Budget in yuan (`max_coverage` with a budget), else None.
    #[getter]
    fn budget(&self) -> Option<f64> {
        match self.inner.options.goal {
            Goal::MaxCoverage { limit: CoverLimit::Budget(b) } => Some(b),
            _ => None,
        }
    }

    /// Service radius, metres.
    #[getter]
    fn radius(&self) -> f64 {
        self.inner.options.radius
    }

    /// How the radius was measured: `"straight"` or `"network"` (along roads).
    #[getter]
    fn metric(&self) -> &'static str {
        self.inner.options.metric.as_str()
    }

    /// Service limit in travel minutes along roads, or None.
    #[getter]
    fn minutes(&self) -> Option<f64> {
        self.inner.options.minutes
    }

    /// Villages no site that may open can reach, as columns: village (id), reason (code),
    /// detail (a sentence).
    fn unreachable_columns<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let u = &self.inner.unreachable;
        let details: Vec<String> = u.iter().map(crate::network::Unreachable::explain).collect();
        Ok(Columns::new(py)
            .text("village", u.iter().map(|x| x.id.as_str()))?
            .text("reason", u.iter().map(crate::network::Unreachable::code))?
            .text("detail", details.iter().map(String::as_str))?
            .finish())
    }

    /// How the plan used the road network, or None for straight-line plans: cost (`metres` or
    /// `minutes`), limit, off_road (village ids farther than the access tolerance from any
    /// road), components, road_km.
    fn network_summary<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDict>>> {
        let Some(n) = &self.inner.network else { return Ok(None) };
        let d = PyDict::new(py);
        d.set_item("cost", n.cost.as_str())?;
        d.set_item("limit", n.limit)?;
        d.set_item("off_road", n.off_road.clone())?;
        d.set_item("components", n.components)?;
        d.set_item("road_km", n.road_km)?;
        Ok(Some(d))
    }

    /// Coverage target share.
    #[getter]
    fn target(&self) -> f64 {
        self.inner.options.target
    }

    /// What the target counts: `"villages"` or `"population"`.
    #[getter]
    fn by(&self) -> &'static str {
        self.inner.options.by.as_str()
    }

    /// Whether communities stay inside one town.
    #[getter]
    fn within_town(&self) -> bool {
        self.inner.options.within_town
    }

    /// Seed the plan was made with.
    #[getter]
    fn seed(&self) -> u64 {
        self.inner.options.seed
    }

    /// Most load per centre (households or people, see `capacity_by`), or None.
    #[getter]
    fn capacity(&self) -> Option<f64> {
        self.inner.options.capacity
    }

    /// What `capacity` counts: `"households"` or `"population"`.
    #[getter]
    fn capacity_by(&self) -> &'static str {
        self.inner.options.capacity_by.as_str()
    }

    /// Most villages per community, or None.
    #[getter]
    fn max_villages(&self) -> Option<usize> {
        self.inner.options.max_villages
    }

    /// Number of centres (communities), including existing ones.
    #[getter]
    fn n_centres(&self) -> usize {
        self.inner.communities.len()
    }

    /// Number of covered villages.
    #[getter]
    fn n_covered(&self) -> usize {
        self.inner.covered_villages()
    }

    /// Wall-clock seconds of the solve (0 for a plan read from a file).
    #[getter]
    fn seconds(&self) -> f64 {
        self.inner.solution.seconds
    }

    /// Solver iterations.
    #[getter]
    fn iterations(&self) -> u64 {
        self.inner.solution.iterations
    }

    /// The county the plan is for.
    #[getter]
    fn county(&self, py: Python<'_>) -> PyResult<Py<PyCounty>> {
        self.county
            .get_or_try_init(py, || Py::new(py, PyCounty::new(self.inner.county.clone())))
            .map(|c| c.clone_ref(py))
    }

    /// One row per centre: community, site, village, town, lon/lat (or x/y), status, `floor_area`,
    /// cost.
    fn centres_columns<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let p = &self.inner;
        let sites = p.county.sites();
        let (xn, yn) = p.county.crs().axis_names();
        let site = |c: &core::Community| &sites[c.site as usize];
        let cs = &p.communities;
        Ok(Columns::new(py)
            .i64("community", cs.iter().map(|c| i64::from(c.id)).collect())?
            .text("site", cs.iter().map(|c| c.site_id.as_str()))?
            .opt_text("village", cs.iter().map(|c| c.centre_village.as_deref()))?
            .text("town", cs.iter().map(|c| c.town.as_str()))?
            .f64(xn, cs.iter().map(|c| site(c).x).collect())?
            .f64(yn, cs.iter().map(|c| site(c).y).collect())?
            .text("status", cs.iter().map(|c| c.status.as_str()))?
            .f64("floor_area", cs.iter().map(|c| site(c).floor_area.unwrap_or(f64::NAN)).collect())?
            .f64("cost", cs.iter().map(|c| c.cost.unwrap_or(f64::NAN)).collect())?
            .finish())
    }

    /// One row per community: community, centre (site id), `centre_village`, town, `n_villages`,
    /// population, households, status, cost, `max_distance_m`, villages (member ids).
    fn communities_columns<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let p = &self.inner;
        let villages = p.county.villages();
        let cs = &p.communities;
        let max_distance = |c: &core::Community| {
            c.villages.iter().filter_map(|&v| p.assignments[v as usize].distance).fold(0.0, f64::max)
        };
        Ok(Columns::new(py)
            .i64("community", cs.iter().map(|c| i64::from(c.id)).collect())?
            .text("centre", cs.iter().map(|c| c.site_id.as_str()))?
            .opt_text("centre_village", cs.iter().map(|c| c.centre_village.as_deref()))?
            .text("town", cs.iter().map(|c| c.town.as_str()))?
            .i64("n_villages", cs.iter().map(|c| to_i64(c.villages.len())).collect())?
            .f64("population", cs.iter().map(|c| c.population).collect())?
            .f64("households", cs.iter().map(|c| c.households).collect())?
            .text("status", cs.iter().map(|c| c.status.as_str()))?
            .f64("cost", cs.iter().map(|c| c.cost.unwrap_or(f64::NAN)).collect())?
            .f64("max_distance_m", cs.iter().map(max_distance).collect())?
            .text_lists(
                "villages",
                cs.iter().map(|c| c.villages.iter().map(|&v| villages[v as usize].id.as_str()).collect()).collect(),
            )?
            .finish())
    }

    /// One row per village, in the county's order: village, name, town, community (-1 when not
    /// covered), centre (site id or None), `distance_m` (NaN when not covered), covered.
    fn assignments_columns<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let p = &self.inner;
        let villages = p.county.villages();
        let a = &p.assignments;
        let village = |x: &core::Assignment| &villages[x.village as usize];
        Ok(Columns::new(py)
            .text("village", a.iter().map(|x| village(x).id.as_str()))?
            .text("name", a.iter().map(|x| village(x).name.as_str()))?
            .text("town", a.iter().map(|x| village(x).town.as_str()))?
            .i64("community", a.iter().map(|x| x.community.map_or(-1, i64::from)).collect())?
            .opt_text("centre", a.iter().map(|x| x.community.map(|k| p.communities[k as usize].site_id.as_str())))?
            .f64("distance_m", a.iter().map(|x| x.distance.unwrap_or(f64::NAN)).collect())?
            .f64("minutes", a.iter().map(|x| x.minutes.unwrap_or(f64::NAN)).collect())?
            .bool("covered", a.iter().map(core::Assignment::covered).collect())?
            .finish())
    }

    /// One row per town: town, villages, covered, coverage, population, `covered_population`,
    /// `population_coverage`, centres.
    fn town_summary_columns<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let t = self.inner.town_summary();
        let share = |a: f64, b: f64| if b > 0.0 { a / b } else { 0.0 };
        #[allow(clippy::cast_precision_loss)]
        let coverage: Vec<f64> = t.iter().map(|t| share(t.covered as f64, t.villages as f64)).collect();
        Ok(Columns::new(py)
            .text("town", t.iter().map(|t| t.town.as_str()))?
            .i64("villages", t.iter().map(|t| to_i64(t.villages)).collect())?
            .i64("covered", t.iter().map(|t| to_i64(t.covered)).collect())?
            .f64("coverage", coverage)?
            .f64("population", t.iter().map(|t| t.population).collect())?
            .f64("covered_population", t.iter().map(|t| t.covered_population).collect())?
            .f64("population_coverage", t.iter().map(|t| share(t.covered_population, t.population)).collect())?
            .i64("centres", t.iter().map(|t| to_i64(t.centres)).collect())?
            .finish())
    }

    /// The plan as JSON text (versioned, deterministic: equal plans give identical text).
    fn to_json(&self, py: Python<'_>) -> PyResult<String> {
        let inner = &self.inner;
        detached(py, || inner.to_json())
    }

    /// Read a plan from JSON text written by `to_json`.
    #[staticmethod]
    fn from_json(py: Python<'_>, text: &str) -> PyResult<Self> {
        detached(py, || Plan::from_json(text)).map(Self::new)
    }

    /// Write the plan as JSON to `path`.
    fn save(&self, py: Python<'_>, path: PathBuf) -> PyResult<()> {
        let inner = &self.inner;
        detached(py, || inner.save(&path))
    }

    /// Read a plan saved with `save`.
    #[staticmethod]
    fn load(py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        detached(py, || Plan::load(&path)).map(Self::new)
    }

    /// The plan as a `GeoJSON` `FeatureCollection`: returns the text when `path` is None, otherwise
    /// writes it to `path` and returns None. With `routes`, adds each covered village's route
    /// along the roads to its centre (network plans only).
    #[pyo3(signature = (path=None, routes=false))]
    fn to_geojson(&self, py: Python<'_>, path: Option<PathBuf>, routes: bool) -> PyResult<Option<String>> {
        let inner = &self.inner;
        match path {
            None => detached(py, || io::plan_to_geojson_with(inner, routes)).map(Some),
            Some(path) => detached(py, || io::write_plan_geojson_with(inner, &path, routes)).map(|()| None),
        }
    }

    /// Pickle support: rebuild from the plan's JSON bytes.
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let py = slf.py();
        let text = slf.get().to_json(py)?;
        let rebuild = py.import("villageplan._core")?.getattr("_plan_from_json_bytes")?;
        PyTuple::new(py, [rebuild, PyTuple::new(py, [PyBytes::new(py, text.as_bytes())])?.into_any()])
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other.cast::<PyPlan>().is_ok_and(|o| o.get().inner == self.inner)
    }

    fn __repr__(&self) -> String {
        let p = &self.inner;
        let goal = match p.options.goal {
            Goal::Target => format!("target={}% by {}", 100.0 * p.options.target, p.options.by.as_str()),
            Goal::MaxCoverage { limit: CoverLimit::Sites(k) } => format!("goal='max_coverage', p={k}"),
            Goal::MaxCoverage { limit: CoverLimit::Budget(b) } => format!("goal='max_coverage', budget={b}"),
            Goal::PMedian { p: k } => format!("goal='p_median', p={k}"),
            Goal::PCenter { p: k } => format!("goal='p_center', p={k}"),
        };
        format!(
            "Plan(county={}, centres={}, coverage={:.1}% of villages ({:.1}% of population), radius={} m, \
             {goal}, cost={:.0} yuan, status='{}', gap={:.2}%)",
            py_repr(p.county.name()),
            p.communities.len(),
            100.0 * p.coverage,
            100.0 * p.population_coverage,
            p.options.radius,
            p.cost,
            p.solution.status.as_str(),
            100.0 * p.solution.gap
        )
    }
}

/// Rebuild a plan from pickled JSON bytes.
#[pyfunction]
pub fn _plan_from_json_bytes(py: Python<'_>, data: &[u8]) -> PyResult<PyPlan> {
    detached(py, || plan_from_bytes(data)).map(PyPlan::new)
}

// The defaults in the signature below are literals so that Python shows them; keep them equal to
// the crate's defaults.
const _: () = assert!(crate::defaults::SERVICE_RADIUS_M == 2000.0 && crate::defaults::COVERAGE_TARGET == 0.6);

/// The capacity keyword arguments: `capacity`, `capacity_by`, `max_villages`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits<'a> {
    pub capacity: Option<f64>,
    pub capacity_by: &'a str,
    pub max_villages: Option<i64>,
}

/// The keyword arguments that say how the radius is measured: `metric` and `minutes`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Reach<'a> {
    pub metric: &'a str,
    pub minutes: Option<f64>,
}

impl Limits<'_> {
    /// No capacity and no village limit.
    pub const NONE: Limits<'static> = Limits { capacity: None, capacity_by: "households", max_villages: None };
}

/// Plan options from the Python keyword arguments.
///
/// # Errors
/// [`Error::InvalidInput`] naming the keyword at fault.
#[allow(clippy::too_many_arguments)]
pub(crate) fn options(
    radius: f64,
    target: f64,
    by: &str,
    within_town: bool,
    objective: &str,
    fixed: Option<Vec<String>>,
    forbidden: Option<Vec<String>>,
    seed: u64,
    time_limit: Option<f64>,
    limits: Limits<'_>,
    reach: Reach<'_>,
) -> Result<PlanOptions> {
    if let Some(t) = time_limit {
        if t.is_nan() || t < 0.0 {
            return Err(Error::param("time_limit", format!("time limit must be ≥ 0 seconds, got {t}")));
        }
    }
    let max_villages = match limits.max_villages {
        None => None,
        Some(m) if m >= 1 => Some(usize::try_from(m).unwrap_or(usize::MAX)),
        Some(m) => {
            return Err(Error::param(
                "max_villages",
                format!("a community needs at least 1 village, got {m}; 5 to 8 is usual, or pass None for no limit"),
            ))
        }
    };
    let options = PlanOptions {
        radius,
        target,
        by: CoverageBy::parse(by)?,
        within_town,
        objective: PlanObjective::parse(objective)?,
        fixed: fixed.unwrap_or_default(),
        forbidden: forbidden.unwrap_or_default(),
        seed,
        time_limit,
        capacity: limits.capacity,
        capacity_by: CapacityBy::parse(limits.capacity_by)?,
        max_villages,
        goal: Goal::Target,
        metric: DistanceMetric::parse(reach.metric)?,
        minutes: reach.minutes,
    };
    options.check_capacity()?;
    Ok(options)
}

/// Plan a county to a coverage target (see the Python docstring of `villageplan.plan`).
#[pyfunction]
#[pyo3(signature = (
    county, radius=2000.0, target=0.6, by="villages",
    within_town=true, objective="auto", fixed=None, forbidden=None, seed=0, time_limit=None,
    capacity=None, capacity_by="households", max_villages=None, metric="straight", minutes=None, *, progress=None
))]
#[pyo3(name = "plan")]
#[allow(clippy::too_many_arguments)]
pub fn plan_county(
    py: Python<'_>,
    county: &Bound<'_, PyCounty>,
    radius: f64,
    target: f64,
    by: &str,
    within_town: bool,
    objective: &str,
    fixed: Option<Vec<String>>,
    forbidden: Option<Vec<String>>,
    seed: u64,
    time_limit: Option<f64>,
    capacity: Option<f64>,
    capacity_by: &str,
    max_villages: Option<i64>,
    metric: &str,
    minutes: Option<f64>,
    progress: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyPlan> {
    let limits = Limits { capacity, capacity_by, max_villages };
    let reach = Reach { metric, minutes };
    let options = attached(py, || {
        options(radius, target, by, within_town, objective, fixed, forbidden, seed, time_limit, limits, reach)
    })?;
    let instance = &*county.get().inner;
    cancellable(py, progress, |_| core::plan(instance, &options)).map(PyPlan::new)
}

/// The covering problem behind a plan, as arrays (see `villageplan.exact`).
#[pyfunction]
#[pyo3(signature = (
    county, radius=2000.0, target=0.6, by="villages", within_town=true, objective="auto", fixed=None, forbidden=None,
    metric="straight", minutes=None
))]
#[allow(clippy::too_many_arguments)]
pub fn covering_problem<'py>(
    py: Python<'py>,
    county: &Bound<'py, PyCounty>,
    radius: f64,
    target: f64,
    by: &str,
    within_town: bool,
    objective: &str,
    fixed: Option<Vec<String>>,
    forbidden: Option<Vec<String>>,
    metric: &str,
    minutes: Option<f64>,
) -> PyResult<Bound<'py, PyDict>> {
    let reach = Reach { metric, minutes };
    let options = attached(py, || {
        options(radius, target, by, within_town, objective, fixed, forbidden, 0, None, Limits::NONE, reach)
    })?;
    let instance = &*county.get().inner;
    let coverage = detached(py, || {
        crate::solve::greedy::check_share(target)?;
        core::ServiceArea::build(instance, &options).map(core::ServiceArea::into_coverage)
    })?;
    let (problem, kind) = attached(py, || core::covering_problem(instance, &coverage, &options))?;
    let (offsets, villages, _) = coverage.csr();
    let fixed_mask = problem.fixed_mask();
    let total = problem.total_weight();
    let dict = Columns::new(py)
        .i64("indptr", offsets.iter().map(|&o| to_i64(o)).collect())?
        .i64("villages", villages.iter().map(|&v| i64::from(v)).collect())?
        .f64("weights", problem.weights.clone())?
        .f64("costs", problem.costs.clone())?
        .finish();
    dict.set_item("fixed", fixed_mask)?;
    dict.set_item("allowed", problem.allowed.clone())?;
    dict.set_item("need", options.target * total - 1e-9 * total)?;
    dict.set_item("objective", if kind == PlanObjective::Cost { "cost" } else { "count" })?;
    Ok(dict)
}

/// A plan with given centres and an outside bound (see `villageplan.exact`).
#[pyfunction]
#[pyo3(signature = (
    county, centres, bound=None, timed_out=false, radius=2000.0, target=0.6, by="villages",
    within_town=true, objective="auto", fixed=None, forbidden=None,
    capacity=None, capacity_by="households", max_villages=None, metric="straight", minutes=None
))]
#[allow(clippy::too_many_arguments)]
pub fn plan_with_centres(
    py: Python<'_>,
    county: &Bound<'_, PyCounty>,
    centres: Vec<String>,
    bound: Option<f64>,
    timed_out: bool,
    radius: f64,
    target: f64,
    by: &str,
    within_town: bool,
    objective: &str,
    fixed: Option<Vec<String>>,
    forbidden: Option<Vec<String>>,
    capacity: Option<f64>,
    capacity_by: &str,
    max_villages: Option<i64>,
    metric: &str,
    minutes: Option<f64>,
) -> PyResult<PyPlan> {
    let limits = Limits { capacity, capacity_by, max_villages };
    let reach = Reach { metric, minutes };
    let options =
        attached(py, || options(radius, target, by, within_town, objective, fixed, forbidden, 0, None, limits, reach))?;
    let instance = &*county.get().inner;
    detached(py, || core::plan_with_centres(instance, &options, &centres, bound, timed_out)).map(PyPlan::new)
}
