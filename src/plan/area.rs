use serde::{Deserialize, Serialize};

use super::options::{DistanceMetric, PlanOptions};
use super::planner::Plan;
use crate::coverage::Coverage;
use crate::error::{Error, Result};
use crate::model::Instance;
use crate::network::{network_coverage, reachability, NetworkCoverage, TravelCost, Unreachable};

/// Limit of a search that should reach everything connected (p-median and p-center matrices).
const UNBOUNDED: f64 = 1e300;

/// How a plan used the road network.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NetworkSummary {
    /// What the limit measured: metres along the roads or travel minutes.
    pub cost: TravelCost,
    /// The limit, in metres or minutes.
    pub limit: f64,
    /// Ids of the villages farther than the network's access tolerance from every road (they are
    /// still served through their access leg when a centre is near enough).
    pub off_road: Vec<String>,
    /// Connected components of the road network.
    pub components: usize,
    /// Total road length in km.
    pub road_km: f64,
}

/// The service area of every site: which villages it reaches within the plan's limit, by
/// straight line or along the county's roads.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceArea(Area);

#[derive(Debug, Clone, PartialEq)]
enum Area {
    /// The straight-line coverage.
    Straight(Coverage),
    /// The network search, which holds its coverage.
    Network(NetworkCoverage),
}

impl ServiceArea {
    /// The service area of `county`'s sites under `options` (radius or minutes, straight line or
    /// along roads, inside towns or not).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming `radius` or `minutes` for a limit that is not a positive
    /// number, `minutes` when given without the network metric, and `metric` when the network
    /// metric is asked for a county without roads.
    pub fn build(county: &Instance, options: &PlanOptions) -> Result<Self> {
        Self::with_limit(county, options, None)
    }

    /// The service area without a limit on the network (every connected pair), for the
    /// objectives that need every distance (p-median, p-center). Straight-line areas are not
    /// built this way.
    pub(crate) fn unbounded(county: &Instance, options: &PlanOptions) -> Result<Self> {
        Self::with_limit(county, options, Some(UNBOUNDED))
    }

    fn with_limit(county: &Instance, options: &PlanOptions, limit: Option<f64>) -> Result<Self> {
        crate::coverage::sets::check_radius(options.radius)?;
        match options.metric {
            DistanceMetric::Straight => {
                if options.minutes.is_some() {
                    return Err(Error::param(
                        "minutes",
                        "travel minutes are measured along roads: plan with metric='network' on a county with roads (County.with_roads), or give a radius in metres",
                    ));
                }
                Ok(Self(Area::Straight(Coverage::build(county, options.radius, options.within_town)?)))
            }
            DistanceMetric::Network => {
                let Some(net) = county.roads() else {
                    return Err(Error::param(
                        "metric",
                        "metric='network' needs a road network; attach one with County.with_roads(...) (Rust: Instance::with_roads), or plan with metric='straight'",
                    ));
                };
                let cost = if options.minutes.is_some() { TravelCost::Minutes } else { TravelCost::Metres };
                let wanted = options.limit();
                if !wanted.is_finite() || wanted <= 0.0 {
                    return Err(Error::param(
                        "minutes",
                        format!("the limit must be a positive number of minutes, got {wanted}; 30 is usual"),
                    ));
                }
                let nc = network_coverage(county, net, limit.unwrap_or(wanted), cost, options.within_town)?;
                Ok(Self(Area::Network(nc)))
            }
        }
    }

    /// Sites → villages within the limit; distances in metres, or minutes for a limit in minutes.
    pub fn coverage(&self) -> &Coverage {
        match &self.0 {
            Area::Straight(c) => c,
            Area::Network(nc) => &nc.coverage,
        }
    }

    /// The coverage, without the rest of the network search.
    pub fn into_coverage(self) -> Coverage {
        match self.0 {
            Area::Straight(c) => c,
            Area::Network(nc) => nc.coverage,
        }
    }

    /// The network search behind a network plan's coverage (road metres of each pair, snaps).
    pub fn network(&self) -> Option<&NetworkCoverage> {
        match &self.0 {
            Area::Straight(_) => None,
            Area::Network(nc) => Some(nc),
        }
    }

    /// The villages no site that may open reaches, with reasons.
    ///
    /// # Errors
    /// As [`plan`](super::plan) for the site rules (`fixed`, `forbidden`).
    pub fn unreachable(&self, county: &Instance, options: &PlanOptions) -> Result<Vec<Unreachable>> {
        let (_, allowed) = super::objectives::site_rules(county, options)?;
        let net = county.roads().zip(self.network());
        Ok(reachability(county, self.coverage(), &allowed, net))
    }

    /// Add what the plan needs from the service area: the unreachable villages, and for network
    /// plans the road metres (and minutes) of each assignment and the network summary.
    pub(crate) fn finish(&self, county: &Instance, mut plan: Plan) -> Plan {
        if let Ok(u) = self.unreachable(county, &plan.options) {
            plan.unreachable = u;
        }
        let (Some(nc), Some(net)) = (self.network(), county.roads()) else {
            return plan;
        };
        for a in &mut plan.assignments {
            let Some(k) = a.community else { continue };
            let s = plan.communities[k as usize].site as usize;
            if nc.cost == TravelCost::Minutes {
                a.minutes = a.distance;
                a.distance = nc.metres_between(s, a.village);
            }
        }
        let tolerance = net.options().access_tolerance;
        let villages = county.villages();
        plan.network = Some(NetworkSummary {
            cost: nc.cost,
            limit: plan.options.limit(),
            off_road: (0..villages.len())
                .filter(|&v| nc.village_snaps[v].access > tolerance)
                .map(|v| villages[v].id.clone())
                .collect(),
            components: net.n_components(),
            road_km: net.total_length() / 1000.0,
        });
        plan
    }

    /// An infeasibility error that also says how many villages no site can reach, and why.
    pub(crate) fn explain(&self, county: &Instance, options: &PlanOptions, err: Error) -> Error {
        let Error::Infeasible { reason, achievable } = err else { return err };
        let Ok(u) = self.unreachable(county, options) else { return Error::Infeasible { reason, achievable } };
        if u.is_empty() {
            return Error::Infeasible { reason, achievable };
        }
        let mut counts: Vec<(&str, usize)> = Vec::new();
        for x in &u {
            match counts.iter_mut().find(|c| c.0 == x.code()) {
                Some(c) => c.1 += 1,
                None => counts.push((x.code(), 1)),
            }
        }
        let parts: Vec<String> = counts.iter().map(|(c, n)| format!("{n} {}", c.replace('_', " "))).collect();
        Error::Infeasible {
            reason: format!(
                "{reason}; {} cannot be reached by any site ({}; for example: {})",
                if u.len() == 1 { "1 village".to_string() } else { format!("{} villages", u.len()) },
                parts.join(", "),
                u[0].explain()
            ),
            achievable,
        }
    }
}
