use std::collections::HashMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::{Crs, Site, SiteStatus, Town, Village};
use crate::error::{Error, Location, Result};
use crate::network::RoadNetwork;

/// A validated planning instance (called `County` in Python): villages, the towns they belong
/// to and the candidate sites for centres, all in one coordinate system.
///
/// An `Instance` can only be made through [`Instance::new`] (or deserialised, which runs the same
/// checks), so every instance in the program is valid: positions finite and in range, ids unique,
/// populations ≥ 0, every town known. The inputs are taken by value and never altered beyond
/// filling in defaults (households = population / 2.8).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "InstanceData", into = "InstanceData")]
pub struct Instance {
    name: String,
    crs: Crs,
    villages: Vec<Village>,
    towns: Vec<Town>,
    sites: Vec<Site>,
    // Derived, dense indices for the hot paths.
    village_town: Vec<u32>,
    site_town: Vec<u32>,
    site_village: Vec<Option<u32>>,
    roads: Option<Arc<RoadNetwork>>,
}

/// The serialised form of an [`Instance`]; deserialising validates it again.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct InstanceData {
    #[serde(default = "default_name")]
    name: String,
    crs: Crs,
    villages: Vec<Village>,
    towns: Vec<Town>,
    sites: Vec<Site>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    roads: Option<RoadNetwork>,
}

fn default_name() -> String {
    "county".to_string()
}

impl TryFrom<InstanceData> for Instance {
    type Error = Error;
    fn try_from(d: InstanceData) -> Result<Self> {
        let inst = Instance::new(d.crs, d.villages, Some(d.sites), Some(d.towns))?.with_name(d.name);
        match d.roads {
            Some(r) => inst.with_roads(r),
            None => Ok(inst),
        }
    }
}

impl From<Instance> for InstanceData {
    fn from(i: Instance) -> Self {
        let roads = i.roads.map(|r| Arc::try_unwrap(r).unwrap_or_else(|shared| (*shared).clone()));
        InstanceData { name: i.name, crs: i.crs, villages: i.villages, towns: i.towns, sites: i.sites, roads }
    }
}

fn check_nonneg(field: &str, v: f64, at: &Location, what: &str) -> Result<()> {
    if !v.is_finite() || v < 0.0 {
        return Err(Error::invalid(
            field,
            at.clone(),
            format!("{what} must be a finite number ≥ 0, got {v}; fix or drop that row"),
        ));
    }
    Ok(())
}

impl Instance {
    /// Validate villages, sites and towns into an instance.
    ///
    /// * `sites = None` makes every village a candidate site (status `none`, no cost).
    /// * `towns = None` derives the towns from the villages, in order of first appearance; when
    ///   given, every village and site must name one of them.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming the field and row for: an empty village list or an empty
    /// site list; an empty or duplicate id; a NaN, infinite or out-of-range coordinate; planar
    /// coordinates that look like degrees; a negative or NaN population or household count; an
    /// unknown town; a site in an unknown village or in another town than its village; a negative
    /// or NaN floor area or cost.
    pub fn new(
        crs: Crs,
        mut villages: Vec<Village>,
        sites: Option<Vec<Site>>,
        towns: Option<Vec<Town>>,
    ) -> Result<Self> {
        if villages.is_empty() {
            return Err(Error::param("villages", "the input has no villages; give at least one village"));
        }
        let (xn, _) = crs.axis_names();
        let mut village_index: HashMap<&str, u32> = HashMap::with_capacity(villages.len());
        for (row, v) in villages.iter().enumerate() {
            let at = Location::row_id(row, v.id.clone());
            if v.id.trim().is_empty() {
                return Err(Error::invalid(
                    "id",
                    Location::row(row),
                    "village id is empty; give every village a unique id",
                ));
            }
            if let Some(first) = village_index.insert(v.id.as_str(), row as u32) {
                return Err(Error::invalid(
                    "id",
                    at,
                    format!("duplicate village id (first seen at row {first}); ids must be unique"),
                ));
            }
            crs.check_position(v.x, v.y, &at)?;
            check_nonneg("population", v.population, &at, "population")?;
            if let Some(h) = v.households {
                check_nonneg("households", h, &at, "households")?;
            }
        }
        let xs: Vec<f64> = villages.iter().map(|v| v.x).collect();
        let ys: Vec<f64> = villages.iter().map(|v| v.y).collect();
        crs.check_planar_not_degrees(&xs, &ys).map_err(|e| match e {
            Error::InvalidInput { reason, .. } => Error::param(xn, reason),
            other => other,
        })?;

        // Towns: given (checked) or derived.
        let towns = match towns {
            Some(towns) => {
                let mut seen = HashMap::new();
                for (row, t) in towns.iter().enumerate() {
                    if let Some(first) = seen.insert(t.name.as_str(), row) {
                        return Err(Error::invalid(
                            "town",
                            Location::row_id(row, t.name.clone()),
                            format!("duplicate town name (first seen at row {first}); town names must be unique"),
                        ));
                    }
                    if let Some([sx, sy]) = t.seat {
                        crs.check_position(sx, sy, &Location::row_id(row, t.name.clone()))?;
                    }
                }
                towns
            }
            None => {
                let mut seen = HashMap::new();
                let mut out = Vec::new();
                for v in &villages {
                    if !seen.contains_key(v.town.as_str()) {
                        seen.insert(v.town.as_str(), ());
                        out.push(Town::new(v.town.clone()));
                    }
                }
                out
            }
        };
        let town_index: HashMap<&str, u32> =
            towns.iter().enumerate().map(|(i, t)| (t.name.as_str(), i as u32)).collect();
        let known_towns = || {
            let mut names: Vec<&str> = towns.iter().map(|t| t.name.as_str()).take(12).collect();
            if towns.len() > 12 {
                names.push("...");
            }
            names.join(", ")
        };
        let mut village_town = Vec::with_capacity(villages.len());
        for (row, v) in villages.iter().enumerate() {
            match town_index.get(v.town.as_str()) {
                Some(&t) => village_town.push(t),
                None => {
                    return Err(Error::invalid(
                        "town",
                        Location::row_id(row, v.id.clone()),
                        format!(
                            "unknown town '{}'; known towns: {}. Add the town or fix the name",
                            v.town,
                            known_towns()
                        ),
                    ))
                }
            }
        }

        // Sites: given (checked) or one per village.
        let sites = match sites {
            Some(s) if s.is_empty() => {
                return Err(Error::param(
                    "sites",
                    "the site list is empty; give at least one candidate site, or none to use every village",
                ))
            }
            Some(s) => s,
            None => villages.iter().map(|v| Site::at_village(v, SiteStatus::None)).collect(),
        };
        let mut site_ids: HashMap<&str, usize> = HashMap::with_capacity(sites.len());
        let mut site_town = Vec::with_capacity(sites.len());
        let mut site_village = Vec::with_capacity(sites.len());
        for (row, s) in sites.iter().enumerate() {
            let at = Location::row_id(row, s.id.clone());
            if s.id.trim().is_empty() {
                return Err(Error::invalid(
                    "site id",
                    Location::row(row),
                    "site id is empty; give every site a unique id",
                ));
            }
            if let Some(first) = site_ids.insert(s.id.as_str(), row) {
                return Err(Error::invalid(
                    "site id",
                    at,
                    format!("duplicate site id (first seen at row {first}); ids must be unique"),
                ));
            }
            crs.check_position(s.x, s.y, &at)?;
            let t = *town_index.get(s.town.as_str()).ok_or_else(|| {
                Error::invalid(
                    "town",
                    at.clone(),
                    format!("site names unknown town '{}'; known towns: {}", s.town, known_towns()),
                )
            })?;
            let vi = match &s.village {
                Some(vid) => {
                    let vi = *village_index.get(vid.as_str()).ok_or_else(|| {
                        Error::invalid(
                            "village",
                            at.clone(),
                            format!("site names unknown village '{vid}'; use a village id from the villages table"),
                        )
                    })?;
                    if village_town[vi as usize] != t {
                        return Err(Error::invalid(
                            "town",
                            at.clone(),
                            format!(
                                "site is in town '{}' but its village '{vid}' is in '{}'; make them agree",
                                s.town, villages[vi as usize].town
                            ),
                        ));
                    }
                    Some(vi)
                }
                None => None,
            };
            if let Some(a) = s.floor_area {
                check_nonneg("floor_area", a, &at, "floor area")?;
            }
            if let Some(c) = s.cost {
                check_nonneg("cost", c, &at, "cost")?;
            }
            site_town.push(t);
            site_village.push(vi);
        }
        drop(site_ids);
        drop(village_index);

        for v in &mut villages {
            if v.households.is_none() {
                v.households = Some(v.households_or_default());
            }
        }
        Ok(Instance {
            name: default_name(),
            crs,
            villages,
            towns,
            sites,
            village_town,
            site_town,
            site_village,
            roads: None,
        })
    }

    /// Every village a candidate site, towns derived from the villages.
    ///
    /// # Errors
    /// As [`Instance::new`].
    pub fn from_villages(crs: Crs, villages: Vec<Village>) -> Result<Self> {
        Self::new(crs, villages, None, None)
    }

    /// Read an instance from its JSON form (as serialised), running every check of
    /// [`Instance::new`]; a failed check keeps its field and row.
    ///
    /// # Errors
    /// [`Error::Parse`] for text that is not an instance (with its line when known), and every
    /// check of [`Instance::new`] and of the road network.
    pub fn from_json(text: &str) -> Result<Self> {
        let data: InstanceData = serde_json::from_str(text).map_err(|e| Error::Parse {
            what: "county JSON".into(),
            line: (e.line() > 0).then_some(e.line()),
            reason: e.to_string(),
        })?;
        Instance::try_from(data)
    }

    /// The same instance with another display name (a county name, used in reports).
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// The same villages and towns with another set of candidate sites.
    ///
    /// # Errors
    /// As [`Instance::new`] for the sites.
    pub fn with_sites(&self, sites: Vec<Site>) -> Result<Self> {
        let mut out = Instance::new(self.crs, self.villages.clone(), Some(sites), Some(self.towns.clone()))?
            .with_name(self.name.clone());
        out.roads = self.roads.clone();
        Ok(out)
    }

    /// The same instance with a road network, for planning along roads
    /// ([`PlanOptions::metric`](crate::plan::PlanOptions::metric)).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming `roads` when the network's CRS differs from the instance's.
    pub fn with_roads(&self, roads: RoadNetwork) -> Result<Self> {
        if roads.crs() != self.crs {
            return Err(Error::param(
                "roads",
                format!(
                    "the roads are in {:?} coordinates but the county is in {:?}; give both in the same CRS",
                    roads.crs(),
                    self.crs
                ),
            ));
        }
        let mut out = self.clone();
        out.roads = Some(Arc::new(roads));
        Ok(out)
    }

    /// The same instance without its road network.
    pub fn without_roads(&self) -> Self {
        let mut out = self.clone();
        out.roads = None;
        out
    }

    /// The road network, if one was attached with [`Instance::with_roads`].
    pub fn roads(&self) -> Option<&RoadNetwork> {
        self.roads.as_deref()
    }

    /// Display name.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// Coordinate system of every position.
    pub fn crs(&self) -> Crs {
        self.crs
    }
    /// Villages, in input order; households are always `Some`.
    pub fn villages(&self) -> &[Village] {
        &self.villages
    }
    /// Towns, in input order (or first appearance).
    pub fn towns(&self) -> &[Town] {
        &self.towns
    }
    /// Candidate sites, in input order.
    pub fn sites(&self) -> &[Site] {
        &self.sites
    }
    /// Number of villages.
    pub fn n_villages(&self) -> usize {
        self.villages.len()
    }
    /// Number of candidate sites.
    pub fn n_sites(&self) -> usize {
        self.sites.len()
    }
    /// Index into [`towns`](Self::towns) of each village.
    pub fn village_towns(&self) -> &[u32] {
        &self.village_town
    }
    /// Index into [`towns`](Self::towns) of each site.
    pub fn site_towns(&self) -> &[u32] {
        &self.site_town
    }
    /// Index into [`villages`](Self::villages) of the village each site stands in, if any.
    pub fn site_villages(&self) -> &[Option<u32>] {
        &self.site_village
    }
    /// Total population of all villages.
    pub fn total_population(&self) -> f64 {
        self.villages.iter().map(|v| v.population).sum()
    }
    /// Index of the village with this id.
    pub fn village_index(&self, id: &str) -> Option<usize> {
        self.villages.iter().position(|v| v.id == id)
    }
    /// Index of the site with this id.
    pub fn site_index(&self, id: &str) -> Option<usize> {
        self.sites.iter().position(|s| s.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn villages() -> Vec<Village> {
        vec![
            Village::new("a", "T1", 119.0, 36.0, 1000.0),
            Village::new("b", "T1", 119.01, 36.0, 500.0),
            Village::new("c", "T2", 119.05, 36.02, 800.0),
        ]
    }

    fn err(villages: Vec<Village>) -> String {
        Instance::from_villages(Crs::Geographic, villages).unwrap_err().to_string()
    }

    #[test]
    fn defaults_fill_households_sites_and_towns() {
        let i = Instance::from_villages(Crs::Geographic, villages()).unwrap();
        assert_eq!(i.n_sites(), 3);
        assert_eq!(i.towns().len(), 2);
        assert_eq!(i.village_towns(), &[0, 0, 1]);
        assert!((i.villages()[0].households.unwrap() - 1000.0 / 2.8).abs() < 1e-9);
        assert_eq!(i.site_villages()[2], Some(2));
    }

    #[test]
    fn rejects_each_bad_village() {
        assert!(Instance::from_villages(Crs::Geographic, vec![]).unwrap_err().to_string().contains("no villages"));
        let mut v = villages();
        v[1].id = "a".into();
        assert!(err(v).contains("duplicate village id (first seen at row 0)"));
        let mut v = villages();
        v[2].population = -1.0;
        assert!(err(v).contains("`population` at row 2"));
        let mut v = villages();
        v[2].population = f64::NAN;
        assert!(err(v).contains("`population` at row 2"));
        let mut v = villages();
        v[0].y = f64::INFINITY;
        assert!(err(v).contains("`lat` at row 0"));
        let mut v = villages();
        v[0].households = Some(-3.0);
        assert!(err(v).contains("`households` at row 0"));
        let e = Instance::from_villages(Crs::Planar, villages()).unwrap_err().to_string();
        assert!(e.contains("look like degrees") || e.contains("looks like degrees"), "{e}");
    }

    #[test]
    fn unknown_town_lists_known_ones() {
        let e = Instance::new(Crs::Geographic, villages(), None, Some(vec![Town::new("T1")])).unwrap_err().to_string();
        assert!(e.contains("unknown town 'T2'") && e.contains("known towns: T1"), "{e}");
    }

    #[test]
    fn site_checks() {
        let v = villages();
        let mut s = Site::at_village(&v[0], SiteStatus::New);
        s.cost = Some(-1.0);
        let e = Instance::new(Crs::Geographic, v.clone(), Some(vec![s]), None).unwrap_err().to_string();
        assert!(e.contains("`cost` at row 0"), "{e}");
        let mut s = Site::at_village(&v[0], SiteStatus::New);
        s.village = Some("zz".into());
        let e = Instance::new(Crs::Geographic, v.clone(), Some(vec![s]), None).unwrap_err().to_string();
        assert!(e.contains("unknown village 'zz'"), "{e}");
        let e = Instance::new(Crs::Geographic, v, Some(vec![]), None).unwrap_err().to_string();
        assert!(e.contains("site list is empty"), "{e}");
    }

    #[test]
    fn serde_round_trip_revalidates() {
        let i = Instance::from_villages(Crs::Geographic, villages()).unwrap().with_name("X");
        let s = serde_json::to_string(&i).unwrap();
        let back: Instance = serde_json::from_str(&s).unwrap();
        assert_eq!(back, i);
        let bad = s.replace("1000.0", "-1000.0");
        assert!(serde_json::from_str::<Instance>(&bad).unwrap_err().to_string().contains("population"));
    }

    #[test]
    fn input_not_mutated_on_error() {
        let mut v = villages();
        v[2].population = -1.0;
        let copy = v.clone();
        let _ = Instance::from_villages(Crs::Geographic, v.clone());
        assert_eq!(v, copy);
    }
}
