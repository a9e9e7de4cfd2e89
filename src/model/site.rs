use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// What stands at a candidate site today, which decides whether and at what cost it can open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum SiteStatus {
    /// An ordinary candidate: nothing planned there yet; opening it means a new build.
    #[default]
    None,
    /// A centre that already meets the standard: always open, costs nothing.
    Existing,
    /// A pilot site whose building is renovated or extended.
    Rebuild,
    /// A pilot site that needs a new building.
    New,
    /// No usable building space: the site cannot open.
    NoSpace,
}

impl SiteStatus {
    /// Every status, in declaration order.
    pub const ALL: [SiteStatus; 5] =
        [SiteStatus::None, SiteStatus::Existing, SiteStatus::Rebuild, SiteStatus::New, SiteStatus::NoSpace];

    /// The lower-case name used in files and in Python.
    pub fn as_str(self) -> &'static str {
        match self {
            SiteStatus::None => "none",
            SiteStatus::Existing => "existing",
            SiteStatus::Rebuild => "rebuild",
            SiteStatus::New => "new",
            SiteStatus::NoSpace => "no_space",
        }
    }

    /// Parse a status name; empty text means [`SiteStatus::None`].
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming `status` and listing the accepted names.
    pub fn parse(text: &str) -> Result<Self> {
        let t = text.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        match t.as_str() {
            "" | "none" => Ok(SiteStatus::None),
            "existing" => Ok(SiteStatus::Existing),
            "rebuild" | "renovate" => Ok(SiteStatus::Rebuild),
            "new" => Ok(SiteStatus::New),
            "no_space" | "nospace" => Ok(SiteStatus::NoSpace),
            _ => Err(Error::param(
                "status",
                format!("unknown site status '{text}'; use one of none, existing, rebuild, new, no_space"),
            )),
        }
    }

    /// Whether a site of this status is always open.
    pub fn is_fixed_open(self) -> bool {
        self == SiteStatus::Existing
    }

    /// Whether a site of this status may never open.
    pub fn is_forbidden(self) -> bool {
        self == SiteStatus::NoSpace
    }
}

impl std::fmt::Display for SiteStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A candidate location for a community service centre.
///
/// By default every village is a site (status [`SiteStatus::None`]); pilot and existing sites
/// carry their status, floor area and cost.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Site {
    /// Unique id among sites.
    pub id: String,
    /// Id of the village the site stands in, if any.
    #[serde(default)]
    pub village: Option<String>,
    /// Town the site belongs to.
    pub town: String,
    /// Position, in the instance's CRS.
    pub x: f64,
    /// Position, in the instance's CRS.
    pub y: f64,
    /// What stands there today.
    #[serde(default)]
    pub status: SiteStatus,
    /// Floor area in m²: the existing building for `existing`/`rebuild`, the planned one for `new`.
    #[serde(default)]
    pub floor_area: Option<f64>,
    /// Cost of opening the site, in yuan (0 for `existing`).
    #[serde(default)]
    pub cost: Option<f64>,
}

impl Site {
    /// A site in a village, at the village's position, with the given status.
    pub fn at_village(village: &super::Village, status: SiteStatus) -> Self {
        Self {
            id: village.id.clone(),
            village: Some(village.id.clone()),
            town: village.town.clone(),
            x: village.x,
            y: village.y,
            status,
            floor_area: None,
            cost: None,
        }
    }

    /// The cost used when solving: 0 for an existing centre, otherwise the given cost.
    pub fn effective_cost(&self) -> Option<f64> {
        if self.status == SiteStatus::Existing {
            Some(0.0)
        } else {
            self.cost
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_names_round_trip() {
        for s in SiteStatus::ALL {
            assert_eq!(SiteStatus::parse(s.as_str()).unwrap(), s);
        }
        assert_eq!(SiteStatus::parse("No-Space").unwrap(), SiteStatus::NoSpace);
        assert_eq!(SiteStatus::parse("").unwrap(), SiteStatus::None);
        assert!(SiteStatus::parse("open").unwrap_err().to_string().contains("no_space"));
    }
}
