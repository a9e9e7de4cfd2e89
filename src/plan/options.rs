use serde::{Deserialize, Serialize};

use crate::defaults;
use crate::error::{Error, Result};

/// What the coverage target counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum CoverageBy {
    /// The share of villages with a centre within the radius (the founding document's measure).
    #[default]
    Villages,
    /// The share of population with a centre within the radius.
    Population,
}

impl CoverageBy {
    /// Parse `"villages"` or `"population"`.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming `by`.
    pub fn parse(text: &str) -> Result<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "villages" | "village" => Ok(CoverageBy::Villages),
            "population" | "people" => Ok(CoverageBy::Population),
            other => Err(Error::param("by", format!("unknown value '{other}'; use 'villages' or 'population'"))),
        }
    }

    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            CoverageBy::Villages => "villages",
            CoverageBy::Population => "population",
        }
    }
}

/// What the planner minimises while reaching the target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum PlanObjective {
    /// Least cost when every openable site has a cost, fewest centres when none has; a mix is an error.
    #[default]
    Auto,
    /// Fewest new centres (existing ones are not counted).
    Count,
    /// Least total cost of the centres opened (existing ones cost 0).
    Cost,
}

impl PlanObjective {
    /// Parse `"auto"`, `"count"` or `"cost"`.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming `objective`.
    pub fn parse(text: &str) -> Result<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "auto" => Ok(PlanObjective::Auto),
            "count" | "centres" | "centers" => Ok(PlanObjective::Count),
            "cost" => Ok(PlanObjective::Cost),
            other => Err(Error::param("objective", format!("unknown value '{other}'; use 'auto', 'count' or 'cost'"))),
        }
    }
}

/// Options of [`plan`](super::plan).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanOptions {
    /// Service radius in metres (default 2000).
    pub radius: f64,
    /// Share to cover, in (0, 1] (default 0.6).
    pub target: f64,
    /// What the share counts (default villages).
    pub by: CoverageBy,
    /// Keep every community inside one town (default true).
    pub within_town: bool,
    /// What to minimise (default auto).
    pub objective: PlanObjective,
    /// Ids of further sites to keep open (existing centres always are).
    #[serde(default)]
    pub fixed: Vec<String>,
    /// Ids of further sites never to open (`no_space` sites never are).
    #[serde(default)]
    pub forbidden: Vec<String>,
    /// Seed for any randomised part of the solver.
    #[serde(default)]
    pub seed: u64,
    /// Wall-clock limit for the solver in seconds; the best plan so far is returned with status
    /// `time_limit` (unless proven optimal). `None` runs the full, deterministic search.
    #[serde(default)]
    pub time_limit: Option<f64>,
}

impl Default for PlanOptions {
    fn default() -> Self {
        Self {
            radius: defaults::SERVICE_RADIUS_M,
            target: defaults::COVERAGE_TARGET,
            by: CoverageBy::Villages,
            within_town: true,
            objective: PlanObjective::Auto,
            fixed: Vec::new(),
            forbidden: Vec::new(),
            seed: 0,
            time_limit: None,
        }
    }
}

impl PlanOptions {
    /// Set the radius in metres.
    pub fn radius(mut self, metres: f64) -> Self {
        self.radius = metres;
        self
    }
    /// Set the target share.
    pub fn target(mut self, share: f64) -> Self {
        self.target = share;
        self
    }
    /// Set what the share counts.
    pub fn by(mut self, by: CoverageBy) -> Self {
        self.by = by;
        self
    }
    /// Keep communities inside one town, or not.
    pub fn within_town(mut self, yes: bool) -> Self {
        self.within_town = yes;
        self
    }
    /// Set what to minimise.
    pub fn objective(mut self, objective: PlanObjective) -> Self {
        self.objective = objective;
        self
    }
}
