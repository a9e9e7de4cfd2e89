//! What a centre costs: floor area from the households it serves, yuan from its site status.

use serde::{Deserialize, Serialize};

use crate::defaults;
use crate::error::{Error, Location, Result};
use crate::model::{Site, SiteStatus};
use crate::plan::Plan;

/// Unit costs and floor-area rules that turn a centre into yuan (DOMAIN.md §6).
///
/// A centre needs a building of at least [`required_area`](Self::required_area) m² for the
/// households its community serves: max(200 m², 30 m² per 100 households, the 50 m² one-stop
/// hall). What that costs depends on the site's status:
///
/// | status | cost |
/// |---|---|
/// | `existing` | 0 (it meets the standard already) |
/// | `rebuild` | the existing `floor_area` renovated at `renovate_yuan_per_m2`, plus any missing area built new at `new_build_yuan_per_m2` |
/// | `new` | a new building of max(required, planned `floor_area`) m² at `new_build_yuan_per_m2` |
/// | `none` | a new building of the required area at `new_build_yuan_per_m2` |
/// | `no_space` | `land_yuan` plus a new building of the required area; cannot open when `land_yuan` is `None` |
///
/// Every field has a default from DOMAIN.md §6 (serde fills in any left out, and unknown fields
/// are rejected). Yuan are at 2018 prices.
///
/// # Examples
/// ```
/// use villageplan::rollout::CostModel;
/// let m = CostModel::default();
/// assert_eq!(m.required_area(1000.0), 300.0);          // 30 m² per 100 households
/// assert_eq!(m.required_area(100.0), 200.0);           // at least 200 m²
/// let cheaper = CostModel { new_build_yuan_per_m2: 1200.0, ..CostModel::default() };
/// assert!(cheaper.validate().is_ok());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CostModel {
    /// Smallest building, m² (default 200; C: Hebei draft, Shaanxi 2009).
    pub min_floor_area_m2: f64,
    /// Building area per 100 households served, m² (default 30; C: 14th Five-Year Plan).
    pub floor_area_per_100_households_m2: f64,
    /// One-stop service hall, m², which the building must hold (default 50; C: Hebei draft).
    pub one_stop_hall_m2: f64,
    /// New-build cost, yuan per m² (default 1,600; C/D: Tianmen, Yangshuo; range 1,100–2,800).
    pub new_build_yuan_per_m2: f64,
    /// Renovation cost of an existing building, yuan per m² (default 600; G: range 300–900).
    pub renovate_yuan_per_m2: f64,
    /// Price of the land a `no_space` site needs, yuan; `None` (the default) means such sites
    /// cannot open.
    pub land_yuan: Option<f64>,
    /// Use a site's own `cost`, when it has one, instead of the model (default false).
    pub use_given_costs: bool,
}

impl Default for CostModel {
    fn default() -> Self {
        Self {
            min_floor_area_m2: defaults::MIN_BUILDING_M2,
            floor_area_per_100_households_m2: defaults::BUILDING_M2_PER_100_HH,
            one_stop_hall_m2: defaults::ONE_STOP_HALL_M2,
            new_build_yuan_per_m2: defaults::COST_NEW_YUAN_PER_M2,
            renovate_yuan_per_m2: defaults::COST_RENOVATE_YUAN_PER_M2,
            land_yuan: None,
            use_given_costs: false,
        }
    }
}

/// The cost of one centre of a plan and how it is made up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CentreCost {
    /// Index of the community in the plan.
    pub community: u32,
    /// Index of the centre's site in the county.
    pub site: u32,
    /// The site id.
    pub site_id: String,
    /// Town of the centre.
    pub town: String,
    /// Status of the site before the plan.
    pub status: SiteStatus,
    /// Households the community serves.
    pub households: f64,
    /// Floor area the centre needs, m².
    pub required_m2: f64,
    /// Existing floor area renovated, m².
    pub renovated_m2: f64,
    /// Floor area built new, m².
    pub new_m2: f64,
    /// Land bought, yuan (0 unless the site is `no_space`).
    pub land_yuan: f64,
    /// Total cost, yuan.
    pub cost: f64,
}

impl CostModel {
    /// Check that every area and rate is a finite number ≥ 0.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming the field, with its default as a hint.
    pub fn validate(&self) -> Result<()> {
        let fields = [
            ("min_floor_area_m2", self.min_floor_area_m2, defaults::MIN_BUILDING_M2),
            (
                "floor_area_per_100_households_m2",
                self.floor_area_per_100_households_m2,
                defaults::BUILDING_M2_PER_100_HH,
            ),
            ("one_stop_hall_m2", self.one_stop_hall_m2, defaults::ONE_STOP_HALL_M2),
            ("new_build_yuan_per_m2", self.new_build_yuan_per_m2, defaults::COST_NEW_YUAN_PER_M2),
            ("renovate_yuan_per_m2", self.renovate_yuan_per_m2, defaults::COST_RENOVATE_YUAN_PER_M2),
        ];
        for (name, v, default) in fields {
            if !v.is_finite() || v < 0.0 {
                return Err(Error::param(
                    name,
                    format!("must be a finite number ≥ 0, got {v}; the default is {default}"),
                ));
            }
        }
        if let Some(l) = self.land_yuan {
            if !l.is_finite() || l < 0.0 {
                return Err(Error::param(
                    "land_yuan",
                    format!("the land price must be a finite number of yuan ≥ 0, got {l}; or leave it out so that no_space sites stay closed"),
                ));
            }
        }
        Ok(())
    }

    /// Floor area in m² a centre needs for `households`: max(minimum building, area per 100
    /// households, one-stop hall).
    pub fn required_area(&self, households: f64) -> f64 {
        self.min_floor_area_m2
            .max(self.floor_area_per_100_households_m2 * households.max(0.0) / 100.0)
            .max(self.one_stop_hall_m2)
    }

    /// The cost in yuan of opening `site` for a community of `households`, with the unit rates
    /// scaled by `new_factor` (new build) and `renovate_factor` (renovation), e.g. 1.0 and 1.0.
    ///
    /// Returns `(renovated m², new m², land yuan, cost)`, or `None` for a `no_space` site when the
    /// model has no land price. See [`CostModel`] for the rule per status.
    pub fn site_cost(
        &self,
        site: &Site,
        households: f64,
        new_factor: f64,
        renovate_factor: f64,
    ) -> Option<(f64, f64, f64, f64)> {
        let required = self.required_area(households);
        let new_rate = self.new_build_yuan_per_m2 * new_factor;
        let renovate_rate = self.renovate_yuan_per_m2 * renovate_factor;
        if self.use_given_costs && site.status != SiteStatus::NoSpace {
            if let Some(c) = site.effective_cost() {
                return Some((0.0, 0.0, 0.0, c * new_factor));
            }
        }
        match site.status {
            SiteStatus::Existing => Some((0.0, 0.0, 0.0, 0.0)),
            SiteStatus::Rebuild => {
                let existing = site.floor_area.unwrap_or(0.0).max(0.0);
                let extra = (required - existing).max(0.0);
                Some((existing, extra, 0.0, existing * renovate_rate + extra * new_rate))
            }
            SiteStatus::New => {
                let area = required.max(site.floor_area.unwrap_or(0.0));
                Some((0.0, area, 0.0, area * new_rate))
            }
            SiteStatus::None => Some((0.0, required, 0.0, required * new_rate)),
            SiteStatus::NoSpace => self.land_yuan.map(|land| (0.0, required, land, land + required * new_rate)),
        }
    }

    /// Cost every centre of a plan for the households its community actually serves.
    ///
    /// Algorithm: for each community, its households (the members' `households`, or population
    /// / 2.8 where missing) give the required floor area ([`required_area`](Self::required_area));
    /// the site's status and floor area then give the yuan (table at [`CostModel`]).
    ///
    /// # Arguments
    /// * `plan`: any plan; its communities are costed in order.
    ///
    /// # Returns
    /// One [`CentreCost`] per community, in the plan's order.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a model that fails [`validate`](Self::validate), or naming
    /// `land_yuan` at the site's row when a centre stands on a `no_space` site and the model has
    /// no land price.
    ///
    /// # Complexity
    /// O(c) time and space for c communities.
    ///
    /// # Examples
    /// ```
    /// use villageplan::prelude::*;
    /// use villageplan::rollout::CostModel;
    /// let county = sample_county(2008)?;
    /// let p = plan(&county, &PlanOptions::default())?;
    /// let costs = CostModel::default().cost_plan(&p)?;
    /// assert_eq!(costs.len(), p.communities.len());
    /// assert!(costs.iter().all(|c| c.required_m2 >= 200.0 && c.cost >= 0.0));
    /// # Ok::<(), villageplan::error::Error>(())
    /// ```
    pub fn cost_plan(&self, plan: &Plan) -> Result<Vec<CentreCost>> {
        self.cost_plan_scaled(plan, None, 1.0, 1.0)
    }

    /// [`cost_plan`](Self::cost_plan) with households per community given (`None`: from the
    /// plan) and scaled unit rates.
    pub(crate) fn cost_plan_scaled(
        &self,
        plan: &Plan,
        households: Option<&[f64]>,
        new_factor: f64,
        renovate_factor: f64,
    ) -> Result<Vec<CentreCost>> {
        self.validate()?;
        let sites = plan.county.sites();
        plan.communities
            .iter()
            .enumerate()
            .map(|(k, c)| {
                let site = sites.get(c.site as usize).ok_or_else(|| {
                    Error::Internal(format!("community {k} names site {} beyond the county's sites", c.site))
                })?;
                let hh = households.and_then(|h| h.get(k).copied()).unwrap_or(c.households);
                let (renovated_m2, new_m2, land_yuan, cost) =
                    self.site_cost(site, hh, new_factor, renovate_factor).ok_or_else(|| {
                        Error::invalid(
                            "land_yuan",
                            Location::row_id(c.site as usize, site.id.clone()),
                            "the centre stands on a no_space site, which can only open when land is bought; give the cost model a land_yuan price",
                        )
                    })?;
                Ok(CentreCost {
                    community: c.id,
                    site: c.site,
                    site_id: c.site_id.clone(),
                    town: c.town.clone(),
                    status: c.status,
                    households: hh,
                    required_m2: self.required_area(hh),
                    renovated_m2,
                    new_m2,
                    land_yuan,
                    cost,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(status: SiteStatus, area: Option<f64>) -> Site {
        Site {
            id: "s".into(),
            village: None,
            town: "T".into(),
            x: 0.0,
            y: 0.0,
            status,
            floor_area: area,
            cost: Some(123.0),
        }
    }

    #[test]
    fn costs_follow_the_defaults_module() {
        let m = CostModel::default();
        let hh = 1500.0;
        let need = defaults::required_floor_area(hh);
        assert_eq!(m.required_area(hh), need);
        assert_eq!(m.site_cost(&site(SiteStatus::None, None), hh, 1.0, 1.0).unwrap().3, defaults::new_build_cost(need));
        assert_eq!(
            m.site_cost(&site(SiteStatus::Rebuild, Some(150.0)), hh, 1.0, 1.0).unwrap().3,
            defaults::rebuild_cost(150.0, need)
        );
        assert_eq!(m.site_cost(&site(SiteStatus::Existing, Some(300.0)), hh, 1.0, 1.0).unwrap().3, 0.0);
        assert_eq!(m.site_cost(&site(SiteStatus::New, Some(900.0)), hh, 1.0, 1.0).unwrap().3, 900.0 * 1600.0);
        assert!(m.site_cost(&site(SiteStatus::NoSpace, None), hh, 1.0, 1.0).is_none());
        let land = CostModel { land_yuan: Some(50_000.0), ..CostModel::default() };
        assert_eq!(land.site_cost(&site(SiteStatus::NoSpace, None), hh, 1.0, 1.0).unwrap().3, 50_000.0 + need * 1600.0);
        let given = CostModel { use_given_costs: true, ..CostModel::default() };
        assert_eq!(given.site_cost(&site(SiteStatus::None, None), hh, 1.0, 1.0).unwrap().3, 123.0);
    }

    #[test]
    fn bad_fields_are_named() {
        let m = CostModel { renovate_yuan_per_m2: -1.0, ..CostModel::default() };
        assert!(m.validate().unwrap_err().to_string().contains("renovate_yuan_per_m2"));
        let m = CostModel { land_yuan: Some(f64::NAN), ..CostModel::default() };
        assert!(m.validate().unwrap_err().to_string().contains("land_yuan"));
        let e = serde_json::from_str::<CostModel>(r#"{"new_build": 1}"#).unwrap_err().to_string();
        assert!(e.contains("unknown field"), "{e}");
    }
}
