use serde::{Deserialize, Serialize};

use crate::defaults;
use crate::error::{Error, Result};
use crate::solve::CoverLimit;

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

/// What a centre's capacity counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum CapacityBy {
    /// Households served (the building standard is 30 m² per 100 households; about 1,500 per
    /// community, range 1,000–2,500).
    #[default]
    Households,
    /// People served (about 4,000 per community, range 2,500–7,000).
    Population,
}

impl CapacityBy {
    /// Parse `"households"` or `"population"`.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming `capacity_by`.
    pub fn parse(text: &str) -> Result<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "households" | "household" | "hh" => Ok(CapacityBy::Households),
            "population" | "people" => Ok(CapacityBy::Population),
            other => {
                Err(Error::param("capacity_by", format!("unknown value '{other}'; use 'households' or 'population'")))
            }
        }
    }

    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            CapacityBy::Households => "households",
            CapacityBy::Population => "population",
        }
    }

    fn is_default(&self) -> bool {
        *self == CapacityBy::default()
    }
}

/// Which objective a plan solves (see [`crate::plan::objectives`]).
///
/// Recorded in [`PlanOptions::goal`] so that a saved plan says what produced it. The default,
/// [`Goal::Target`], is not written to JSON, so plans to a coverage target serialise exactly as
/// before this field existed, and older plan JSON (without it) still loads.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Goal {
    /// Reach the coverage target ([`PlanOptions::target`]) with the fewest or cheapest centres
    /// ([`plan`](super::plan)).
    #[default]
    Target,
    /// Cover the most villages (or people) within the radius, with at most `p` centres or within
    /// a budget in yuan ([`plan_max_coverage`](super::plan_max_coverage)).
    MaxCoverage {
        /// The site count or the budget.
        limit: CoverLimit,
    },
    /// Least total (weighted) village–centre distance with exactly `p` centres
    /// ([`plan_p_median`](super::plan_p_median)).
    PMedian {
        /// Number of centres, existing and fixed ones included.
        p: usize,
    },
    /// Least largest village–centre distance with exactly `p` centres
    /// ([`plan_p_center`](super::plan_p_center)).
    PCenter {
        /// Number of centres, existing and fixed ones included.
        p: usize,
    },
}

impl Goal {
    /// Lower-case name: `"target"`, `"max_coverage"`, `"p_median"` or `"p_center"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Goal::Target => "target",
            Goal::MaxCoverage { .. } => "max_coverage",
            Goal::PMedian { .. } => "p_median",
            Goal::PCenter { .. } => "p_center",
        }
    }

    /// Whether this is the default, [`Goal::Target`].
    pub fn is_target(&self) -> bool {
        *self == Goal::Target
    }
}

/// How the service radius is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum DistanceMetric {
    /// The straight line: great-circle distance for lon/lat, Euclidean for projected metres.
    #[default]
    Straight,
    /// Along the county's road network ([`Instance::with_roads`](crate::model::Instance::with_roads)),
    /// in metres, or in travel minutes when [`PlanOptions::minutes`] is set.
    Network,
}

impl DistanceMetric {
    /// Parse `"straight"` (also `"straight_line"`, `"euclidean"`, `"haversine"`) or `"network"`
    /// (also `"road"`, `"roads"`).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming `metric`.
    pub fn parse(text: &str) -> Result<Self> {
        match text.trim().to_ascii_lowercase().replace(['-', ' '], "_").as_str() {
            "straight" | "straight_line" | "euclidean" | "haversine" | "crow" => Ok(DistanceMetric::Straight),
            "network" | "road" | "roads" => Ok(DistanceMetric::Network),
            other => Err(Error::param(
                "metric",
                format!("unknown metric '{other}'; use 'straight' (straight-line distance) or 'network' (along roads)"),
            )),
        }
    }

    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            DistanceMetric::Straight => "straight",
            DistanceMetric::Network => "network",
        }
    }

    fn is_straight(&self) -> bool {
        *self == DistanceMetric::Straight
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
    /// Most load one centre may serve, in households or people (see
    /// [`capacity_by`](Self::capacity_by)); `None` for no limit. A village whose own load exceeds
    /// it can join no centre and counts as uncovered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity: Option<f64>,
    /// What [`capacity`](Self::capacity) counts (default households).
    #[serde(default, skip_serializing_if = "CapacityBy::is_default")]
    pub capacity_by: CapacityBy,
    /// Most villages one community may have (5–8 is usual); `None` for no limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_villages: Option<usize>,
    /// The objective the plan solves (default [`Goal::Target`], not written to JSON). The
    /// planner functions set it in the plan they return, whatever it was on the way in:
    /// [`plan`](super::plan) records [`Goal::Target`], the functions of
    /// [`objectives`](super::objectives) their own goal.
    #[serde(default, skip_serializing_if = "Goal::is_target")]
    pub goal: Goal,
    /// How the radius is measured (default straight line; not written to JSON when straight).
    #[serde(default, skip_serializing_if = "DistanceMetric::is_straight")]
    pub metric: DistanceMetric,
    /// Service limit in travel minutes along the roads instead of [`radius`](Self::radius)
    /// metres; needs [`DistanceMetric::Network`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minutes: Option<f64>,
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
            capacity: None,
            capacity_by: CapacityBy::Households,
            max_villages: None,
            goal: Goal::Target,
            metric: DistanceMetric::Straight,
            minutes: None,
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
    /// Limit the load per centre (households or people, see [`capacity_by`](Self::capacity_by)).
    pub fn capacity(mut self, load: f64) -> Self {
        self.capacity = Some(load);
        self
    }
    /// Set what the capacity counts.
    pub fn capacity_by(mut self, by: CapacityBy) -> Self {
        self.capacity_by = by;
        self
    }
    /// Limit the number of villages per community.
    pub fn max_villages(mut self, n: usize) -> Self {
        self.max_villages = Some(n);
        self
    }

    /// Measure the radius along the county's roads.
    pub fn network(mut self) -> Self {
        self.metric = DistanceMetric::Network;
        self
    }
    /// Serve villages within this many travel minutes along the roads (sets the network metric).
    pub fn minutes(mut self, minutes: f64) -> Self {
        self.metric = DistanceMetric::Network;
        self.minutes = Some(minutes);
        self
    }

    /// The service limit in its unit: [`minutes`](Self::minutes) when set, else
    /// [`radius`](Self::radius) metres.
    pub fn limit(&self) -> f64 {
        self.minutes.unwrap_or(self.radius)
    }

    /// Whether a capacity or a village limit applies (communities then come from the
    /// capacitated assignment instead of the nearest centre).
    pub fn is_capacitated(&self) -> bool {
        self.capacity.is_some() || self.max_villages.is_some()
    }

    /// Check the capacity options.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming `capacity` for a NaN or a value ≤ 0, or `max_villages` for 0.
    pub fn check_capacity(&self) -> Result<()> {
        if let Some(c) = self.capacity {
            if c.is_nan() || c <= 0.0 {
                return Err(Error::param(
                    "capacity",
                    format!(
                        "capacity must be a positive number of {} per centre, got {c}; about 1500 households or 4000 people is usual, or leave it out for no limit",
                        self.capacity_by.as_str()
                    ),
                ));
            }
        }
        if self.max_villages == Some(0) {
            return Err(Error::param(
                "max_villages",
                "a community needs at least 1 village; 5 to 8 is usual, or leave it out for no limit",
            ));
        }
        Ok(())
    }
}
