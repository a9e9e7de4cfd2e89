use serde::{Deserialize, Serialize};

use super::roads::RoadNetwork;
use super::search::NetworkCoverage;
use crate::coverage::Coverage;
use crate::model::Instance;

/// Why no site can reach a village.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum UnreachableReason {
    /// The village is farther than the access tolerance from every road.
    FarFromRoad {
        /// Metres to the nearest road.
        access: f64,
    },
    /// The roads at the village form a component on which no site may open (a disconnected
    /// piece of the network).
    NoSiteOnComponent {
        /// The road component (see [`RoadNetwork::components`]).
        component: u32,
    },
    /// Sites exist, but none that may open is within the radius (straight line or along the
    /// roads; of the village's own town when communities stay inside one town).
    BeyondRadius,
}

/// A village that no site that may open can reach within the radius.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unreachable {
    /// Village index.
    pub village: u32,
    /// Village id.
    pub id: String,
    /// Why.
    pub reason: UnreachableReason,
}

impl Unreachable {
    /// A short reason code: `far_from_road`, `no_site_on_component` or `beyond_radius`.
    pub fn code(&self) -> &'static str {
        match self.reason {
            UnreachableReason::FarFromRoad { .. } => "far_from_road",
            UnreachableReason::NoSiteOnComponent { .. } => "no_site_on_component",
            UnreachableReason::BeyondRadius => "beyond_radius",
        }
    }

    /// A sentence for a planner.
    pub fn explain(&self) -> String {
        match &self.reason {
            UnreachableReason::FarFromRoad { access } => {
                format!("village '{}' is {access:.0} m from the nearest road", self.id)
            }
            UnreachableReason::NoSiteOnComponent { component } => format!(
                "village '{}' is on road component {component}, which no candidate site shares (the roads there do not connect to the rest)",
                self.id
            ),
            UnreachableReason::BeyondRadius => {
                format!("no candidate site that may open is within the radius of village '{}'", self.id)
            }
        }
    }
}

/// The villages that no allowed site covers, each with the reason.
///
/// Algorithm: mark the villages covered by any site with `allowed[s]`; for each other village,
/// the reason is [`UnreachableReason::FarFromRoad`] when its access leg exceeds the network's
/// access tolerance, else [`UnreachableReason::NoSiteOnComponent`] when no allowed site (of its
/// town, when the coverage keeps communities inside towns) is snapped to its road component, else
/// [`UnreachableReason::BeyondRadius`]. Without a network every reason is `BeyondRadius`.
/// O(n + m + K) for n villages, m sites and K covered pairs.
pub fn reachability(
    instance: &Instance,
    coverage: &Coverage,
    allowed: &[bool],
    network: Option<(&RoadNetwork, &NetworkCoverage)>,
) -> Vec<Unreachable> {
    let covered = coverage.covered_by((0..coverage.n_sites()).filter(|&s| allowed.get(s).copied().unwrap_or(false)));
    let missing: Vec<usize> = (0..covered.len()).filter(|&v| !covered[v]).collect();
    if missing.is_empty() {
        return Vec::new();
    }
    let villages = instance.villages();
    let context = network.map(|(net, nc)| {
        let vc = nc.village_components(net);
        let sc = nc.site_components(net);
        // (component, town) pairs that hold an allowed site.
        let mut with_site: Vec<(u32, u32)> = (0..sc.len())
            .filter(|&s| allowed.get(s).copied().unwrap_or(false))
            .map(|s| (sc[s], if coverage.within_town() { instance.site_towns()[s] } else { 0 }))
            .collect();
        with_site.sort_unstable();
        with_site.dedup();
        (net, nc, vc, with_site)
    });
    missing
        .into_iter()
        .map(|v| {
            let reason = match &context {
                None => UnreachableReason::BeyondRadius,
                Some((net, nc, vc, with_site)) => {
                    let access = nc.village_snaps[v].access;
                    let town = if coverage.within_town() { instance.village_towns()[v] } else { 0 };
                    if access > net.options().access_tolerance {
                        UnreachableReason::FarFromRoad { access }
                    } else if with_site.binary_search(&(vc[v], town)).is_err() {
                        UnreachableReason::NoSiteOnComponent { component: vc[v] }
                    } else {
                        UnreachableReason::BeyondRadius
                    }
                }
            };
            Unreachable { village: v as u32, id: villages[v].id.clone(), reason }
        })
        .collect()
}
