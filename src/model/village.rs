use serde::{Deserialize, Serialize};

/// An administrative village (行政村), the unit of demand.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Village {
    /// Unique id.
    pub id: String,
    /// Display name (may repeat across towns).
    pub name: String,
    /// Name of the town the village belongs to.
    pub town: String,
    /// Longitude (degrees) or easting (metres), per the instance's [`Crs`](super::Crs).
    pub x: f64,
    /// Latitude (degrees) or northing (metres), per the instance's [`Crs`](super::Crs).
    pub y: f64,
    /// Registered population (persons, ≥ 0).
    pub population: f64,
    /// Households; when `None` at construction, [`Instance::new`](super::Instance::new) fills in
    /// population / [`PERSONS_PER_HOUSEHOLD`](super::PERSONS_PER_HOUSEHOLD).
    #[serde(default)]
    pub households: Option<f64>,
}

impl Village {
    /// A village with households derived from the population.
    pub fn new(id: impl Into<String>, town: impl Into<String>, x: f64, y: f64, population: f64) -> Self {
        let id = id.into();
        Self { name: id.clone(), id, town: town.into(), x, y, population, households: None }
    }

    /// Households, or population / 2.8 when not given.
    pub fn households_or_default(&self) -> f64 {
        self.households.unwrap_or(self.population / super::PERSONS_PER_HOUSEHOLD)
    }
}
