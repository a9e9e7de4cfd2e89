//! Scenarios: versioned sets of planning assumptions (radius, target, years, budget, costs,
//! uncertainty), run through the planner and the schedule once, many times under uncertainty
//! ([`simulate()`]) or over a grid of values ([`sweep()`], [`cost_curve`]).

/// Monte Carlo simulation of a scenario.
pub mod simulate;
/// Parameter sweeps and the cost-versus-coverage curve.
pub mod sweep;

pub use simulate::{simulate, simulate_with, RunResult, Simulation, YearQuantiles};
pub use sweep::{cheapest_plans, cost_curve, sweep, CurveRow, SweepRow};

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::defaults;
use crate::error::{Error, Result};
use crate::plan::{CoverageBy, PlanOptions};
use crate::rollout::{Budget, CostModel, Funding, DEFAULT_SHARES};

/// Version of the scenario JSON format.
pub const SCENARIO_FORMAT_VERSION: u32 = 1;

/// The sample county's yearly budget: 1.0 million yuan (DOMAIN.md §7, the founding document's
/// "over 1 million yuan from city and district" for the pilots).
pub const SAMPLE_YEARLY_BUDGET: f64 = 1_000_000.0;

/// How uncertain the assumptions are, for [`simulate()`].
///
/// Per run: one lognormal factor with median 1 and log-sd `cost_sigma` for each yuan/m² rate
/// (new build, renovation); per run, year and source a mean-1 lognormal factor
/// exp(σZ − σ²/2) with σ from `funding_sigma` on the amount that source delivers; and per run
/// a county-wide yearly population change drawn from N(`population_growth`,
/// `population_growth_sd`²), to which each village adds its own N(0, `village_growth_sd`²).
/// All values are **G** (guesses); change them to match local knowledge.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Uncertainty {
    /// Log-sd of the unit-cost factor (default ln 1.2 ≈ 0.182: about ±20%).
    pub cost_sigma: f64,
    /// Log-sd of each source's realised amount (default government 0.05, town 0.10, community
    /// 0.15, policy 0.10, donations 0.40, partners 0.40: donations and partner units least
    /// certain).
    pub funding_sigma: Funding,
    /// Mean yearly population change, as a fraction (default −0.005: rural decline).
    pub population_growth: f64,
    /// Sd across runs of the county-wide yearly change (default 0.005).
    pub population_growth_sd: f64,
    /// Sd of each village's yearly change around the county's (default 0.01).
    pub village_growth_sd: f64,
}

impl Default for Uncertainty {
    fn default() -> Self {
        Self {
            cost_sigma: 1.2_f64.ln(),
            funding_sigma: Funding {
                government: 0.05,
                town: 0.10,
                community: 0.15,
                policy: 0.10,
                donations: 0.40,
                partners: 0.40,
            },
            population_growth: -0.005,
            population_growth_sd: 0.005,
            village_growth_sd: 0.01,
        }
    }
}

impl Uncertainty {
    /// No uncertainty at all: every run equals the deterministic schedule.
    pub fn none() -> Self {
        Self {
            cost_sigma: 0.0,
            funding_sigma: Funding::default(),
            population_growth: 0.0,
            population_growth_sd: 0.0,
            village_growth_sd: 0.0,
        }
    }

    /// Check every value.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming the field for a NaN, an infinite or a negative sd, or a
    /// yearly change not above −1.
    pub fn validate(&self) -> Result<()> {
        let sds = [
            ("cost_sigma", self.cost_sigma),
            ("population_growth_sd", self.population_growth_sd),
            ("village_growth_sd", self.village_growth_sd),
        ];
        for (name, v) in sds {
            if !v.is_finite() || v < 0.0 {
                return Err(Error::param(name, format!("must be a finite number ≥ 0, got {v}")));
            }
        }
        for (s, v) in crate::rollout::Source::ALL.iter().zip(self.funding_sigma.to_array()) {
            if !v.is_finite() || v < 0.0 {
                return Err(Error::param(
                    "funding_sigma",
                    format!("the sd of `{}` must be a finite number ≥ 0, got {v}", s.as_str()),
                ));
            }
        }
        if !self.population_growth.is_finite() || self.population_growth <= -1.0 {
            return Err(Error::param(
                "population_growth",
                format!("the yearly change must be a fraction above -1, got {}; e.g. -0.005", self.population_growth),
            ));
        }
        Ok(())
    }
}

/// A set of planning assumptions that analysts can save, version and run: radius, target,
/// years, budget, cost model and uncertainty.
///
/// Serialised as JSON with `format_version` = [`SCENARIO_FORMAT_VERSION`]; fields left out take
/// the defaults of [`Scenario::default`], unknown fields are rejected.
///
/// # Examples
/// ```
/// use villageplan::scenario::Scenario;
/// let s = Scenario::default();
/// assert_eq!((s.radius, s.target, s.years), (2000.0, 0.6, 3));
/// assert_eq!(s.budget.total(), 3_000_000.0);
/// let back = Scenario::from_json(&s.to_json()?)?;
/// assert_eq!(back, s);
/// assert!(Scenario::from_json(r#"{"format_version": 1, "radios": 1500}"#).is_err());
/// # Ok::<(), villageplan::error::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Scenario {
    /// Format version ([`SCENARIO_FORMAT_VERSION`]).
    pub format_version: u32,
    /// A name for the scenario (free text).
    pub name: String,
    /// Service radius, metres.
    pub radius: f64,
    /// Coverage target share in (0, 1].
    pub target: f64,
    /// What the target counts.
    pub by: CoverageBy,
    /// Keep communities inside one town.
    pub within_town: bool,
    /// Years to reach the target; equals the budget's years.
    pub years: u32,
    /// Money per year and source.
    pub budget: Budget,
    /// Unit costs and floor-area rules.
    pub costs: CostModel,
    /// Uncertainty for [`simulate()`].
    pub uncertainty: Uncertainty,
}

impl Default for Scenario {
    /// The sample county's scenario, mirroring the founding document: 60% of villages within
    /// 2 km in 3 years on 1.0 million yuan a year split by the default shares, with carry-over.
    fn default() -> Self {
        Self {
            format_version: SCENARIO_FORMAT_VERSION,
            name: "sample county: 60% in 3 years on 1.0 M yuan a year".into(),
            radius: defaults::SERVICE_RADIUS_M,
            target: defaults::COVERAGE_TARGET,
            by: CoverageBy::Villages,
            within_town: true,
            years: defaults::YEARS,
            budget: Budget { years: vec![DEFAULT_SHARES.scaled(SAMPLE_YEARLY_BUDGET); 3], carry_over: true },
            costs: CostModel::default(),
            uncertainty: Uncertainty::default(),
        }
    }
}

impl Scenario {
    /// Check every part.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming the field: `format_version`, `radius`, `target`, `years`
    /// (not the budget's number of years), or a field of the budget, cost model or uncertainty.
    pub fn validate(&self) -> Result<()> {
        if self.format_version != SCENARIO_FORMAT_VERSION {
            return Err(version_error(u64::from(self.format_version)));
        }
        crate::coverage::sets::check_radius(self.radius)?;
        crate::rollout::schedule::check_target(self.target)?;
        self.budget.validate()?;
        if self.years as usize != self.budget.n_years() {
            return Err(Error::param(
                "years",
                format!(
                    "the scenario says {} years but its budget has {}; give the budget one entry per year",
                    self.years,
                    self.budget.n_years()
                ),
            ));
        }
        self.costs.validate()?;
        self.uncertainty.validate()
    }

    /// The planner options of the scenario (radius, target, by, within town).
    pub fn plan_options(&self) -> PlanOptions {
        PlanOptions::default().radius(self.radius).target(self.target).by(self.by).within_town(self.within_town)
    }

    /// The scenario as JSON (deterministic).
    ///
    /// # Errors
    /// [`Error::Internal`] if serialisation fails (it does not).
    pub fn to_json(&self) -> Result<String> {
        serde_json::to_string_pretty(self).map_err(|e| Error::Internal(format!("scenario serialisation failed: {e}")))
    }

    /// Read and validate a scenario.
    ///
    /// # Errors
    /// * [`Error::Parse`] for malformed JSON or an unknown field (named in the message);
    /// * [`Error::InvalidInput`] naming `format_version` for another version, or as
    ///   [`Scenario::validate`].
    pub fn from_json(text: &str) -> Result<Self> {
        let value: serde_json::Value = serde_json::from_str(text).map_err(|e| Error::Parse {
            what: "scenario JSON".into(),
            line: Some(e.line()),
            reason: e.to_string(),
        })?;
        match value.get("format_version").and_then(serde_json::Value::as_u64) {
            Some(v) if v == u64::from(SCENARIO_FORMAT_VERSION) => {}
            Some(v) => return Err(version_error(v)),
            None => {
                return Err(Error::Parse {
                    what: "scenario JSON".into(),
                    line: None,
                    reason: format!("no `format_version` field: add \"format_version\": {SCENARIO_FORMAT_VERSION}"),
                })
            }
        }
        let s: Scenario = serde_json::from_value(value).map_err(|e| Error::Parse {
            what: "scenario JSON".into(),
            line: None,
            reason: e.to_string(),
        })?;
        s.validate()?;
        Ok(s)
    }

    /// Write the scenario as JSON to `path`.
    ///
    /// # Errors
    /// [`Error::Io`] when the file cannot be written.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        std::fs::write(path, self.to_json()?).map_err(|e| Error::io(path.display().to_string(), e))
    }

    /// Read a scenario saved with [`Scenario::save`].
    ///
    /// # Errors
    /// [`Error::Io`] when the file cannot be read; otherwise as [`Scenario::from_json`].
    pub fn load(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path.display().to_string(), e))?;
        Self::from_json(&text)
    }
}

fn version_error(v: u64) -> Error {
    Error::param(
        "format_version",
        format!("this scenario has format version {v}, but this villageplan reads version {SCENARIO_FORMAT_VERSION}; set \"format_version\": {SCENARIO_FORMAT_VERSION} and check the fields"),
    )
}

/// A progress callback: called with (work done, work in all); returning false cancels the work
/// with [`Error::Cancelled`].
pub type Progress<'a> = &'a (dyn Fn(usize, usize) -> bool + Sync);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_and_fields_are_checked() {
        let e = Scenario::from_json(r#"{"format_version": 2}"#).unwrap_err().to_string();
        assert!(e.contains("format version 2"), "{e}");
        let e = Scenario::from_json(r#"{"format_version": 1, "years": 5}"#).unwrap_err().to_string();
        assert!(e.contains("`years`"), "{e}");
        let e = Scenario::from_json(r#"{"format_version": 1, "costs": {"foo": 1}}"#).unwrap_err().to_string();
        assert!(e.contains("foo"), "{e}");
        let s = Scenario::from_json(r#"{"format_version": 1, "target": 0.8}"#).unwrap();
        assert_eq!(s.target, 0.8);
    }
}
