//! Money per year from the six funding sources (六个一点).

use serde::{Deserialize, Serialize};

use crate::error::{Error, Location, Result};

/// One of the six funding sources of the founding document (六个一点, "six ones").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// Government (county or district) funds.
    Government,
    /// Town or subdistrict (镇/街道) funds.
    Town,
    /// The community's own funds.
    Community,
    /// Policy and upper-level (city, province) funds.
    Policy,
    /// Social donations.
    Donations,
    /// Partner units (结对帮扶单位).
    Partners,
}

impl Source {
    /// The six sources, in the order used everywhere (tables, arrays).
    pub const ALL: [Source; 6] =
        [Source::Government, Source::Town, Source::Community, Source::Policy, Source::Donations, Source::Partners];

    /// Lower-case name used in JSON, Python and tables.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Government => "government",
            Source::Town => "town",
            Source::Community => "community",
            Source::Policy => "policy",
            Source::Donations => "donations",
            Source::Partners => "partners",
        }
    }

    /// Parse a source name; a few aliases are accepted (`town_street`, `upper_level`,
    /// `social_donations`, `partner_units`, ...).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming `source` and listing the six names.
    pub fn parse(text: &str) -> Result<Self> {
        let t = text.trim().to_ascii_lowercase().replace(['-', ' ', '/'], "_");
        match t.as_str() {
            "government" | "gov" => Ok(Source::Government),
            "town" | "town_street" | "street" | "township" => Ok(Source::Town),
            "community" => Ok(Source::Community),
            "policy" | "upper_level" | "policy_funds" => Ok(Source::Policy),
            "donations" | "social_donations" | "donation" => Ok(Source::Donations),
            "partners" | "partner_units" | "partner" => Ok(Source::Partners),
            _ => Err(Error::param(
                "source",
                format!(
                    "unknown funding source '{text}'; use government, town, community, policy, donations or partners"
                ),
            )),
        }
    }

    /// Position in [`Source::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}

/// An amount (yuan) or a share for each of the six sources.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Funding {
    /// Government (county or district).
    pub government: f64,
    /// Town or subdistrict.
    pub town: f64,
    /// The community itself.
    pub community: f64,
    /// Policy and upper-level funds.
    pub policy: f64,
    /// Social donations.
    pub donations: f64,
    /// Partner units.
    pub partners: f64,
}

/// The default split of money over the six sources (DOMAIN.md §6, G anchored on C: upper levels
/// 0.70–0.85 combined): government 0.35, town 0.20, community 0.10, policy 0.25, donations 0.05,
/// partners 0.05.
pub const DEFAULT_SHARES: Funding =
    Funding { government: 0.35, town: 0.20, community: 0.10, policy: 0.25, donations: 0.05, partners: 0.05 };

impl Funding {
    /// The six values in [`Source::ALL`] order.
    pub fn to_array(&self) -> [f64; 6] {
        [self.government, self.town, self.community, self.policy, self.donations, self.partners]
    }

    /// From six values in [`Source::ALL`] order.
    pub fn from_array(a: [f64; 6]) -> Self {
        Funding { government: a[0], town: a[1], community: a[2], policy: a[3], donations: a[4], partners: a[5] }
    }

    /// The value of one source.
    pub fn get(&self, s: Source) -> f64 {
        self.to_array()[s.index()]
    }

    /// From `(name, value)` pairs; sources left out are 0.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for an unknown or repeated source name.
    pub fn from_named<'a>(pairs: impl IntoIterator<Item = (&'a str, f64)>) -> Result<Self> {
        let mut a = [0.0; 6];
        let mut seen = [false; 6];
        for (name, v) in pairs {
            let s = Source::parse(name)?;
            if std::mem::replace(&mut seen[s.index()], true) {
                return Err(Error::param("source", format!("funding source '{}' is given twice", s.as_str())));
            }
            a[s.index()] = v;
        }
        Ok(Self::from_array(a))
    }

    /// Sum over the six sources.
    pub fn total(&self) -> f64 {
        self.to_array().iter().fold(0.0, |a, b| a + b)
    }

    /// Every value times `k`.
    pub fn scaled(&self, k: f64) -> Self {
        Self::from_array(self.to_array().map(|v| v * k))
    }

    fn check(&self, field: &str, at: Location, what: &str) -> Result<()> {
        for (s, v) in Source::ALL.iter().zip(self.to_array()) {
            if !v.is_finite() || v < 0.0 {
                return Err(Error::invalid(
                    field,
                    at,
                    format!("{what} of `{}` is {v}; it must be a finite number ≥ 0", s.as_str()),
                ));
            }
        }
        Ok(())
    }

    /// Check that these are shares: finite, ≥ 0, summing to 1 (within 1e-6).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming `shares`.
    pub fn check_shares(&self) -> Result<()> {
        self.check("shares", Location::none(), "the share")?;
        let sum = self.total();
        if (sum - 1.0).abs() > 1e-6 {
            return Err(Error::param(
                "shares",
                format!(
                    "the shares sum to {sum}, not 1; scale them so that they sum to 1 (the default is government 0.35, town 0.20, community 0.10, policy 0.25, donations 0.05, partners 0.05)"
                ),
            ));
        }
        Ok(())
    }
}

/// The money for the roll-out: yuan per year from each of the six sources, and whether money
/// not spent in a year carries over to the next.
///
/// Year 1 is the first funded year (year 0 is today: existing centres only).
///
/// # Examples
/// ```
/// use villageplan::rollout::{Budget, Source, DEFAULT_SHARES};
/// let b = Budget::yearly(1_000_000.0, &DEFAULT_SHARES, 3, true)?;
/// assert_eq!(b.n_years(), 3);
/// assert_eq!(b.years[0].get(Source::Government), 350_000.0);
/// assert_eq!(b.total(), 3_000_000.0);
/// # Ok::<(), villageplan::error::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Budget {
    /// Money per funded year (year 1 first), by source, in yuan.
    pub years: Vec<Funding>,
    /// Whether money not spent in a year is available in the next (default true).
    #[serde(default = "yes")]
    pub carry_over: bool,
}

fn yes() -> bool {
    true
}

/// Most years a budget may span.
pub const MAX_YEARS: usize = 100;

impl Budget {
    /// A budget from amounts per year and source.
    ///
    /// # Errors
    /// As [`Budget::validate`].
    pub fn new(years: Vec<Funding>, carry_over: bool) -> Result<Self> {
        let b = Budget { years, carry_over };
        b.validate()?;
        Ok(b)
    }

    /// The same total every year, split over the sources by `shares`.
    ///
    /// # Arguments
    /// * `total`: yuan per year (≥ 0), e.g. 1,000,000 for the founding document's pilots.
    /// * `shares`: the split over the six sources; must sum to 1 ([`DEFAULT_SHARES`] is the
    ///   default).
    /// * `years`: number of funded years, 1 to [`MAX_YEARS`].
    /// * `carry_over`: whether unspent money carries to the next year.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming `total` (negative or not finite), `shares` (negative, or
    /// not summing to 1) or `years` (0 or too many).
    pub fn yearly(total: f64, shares: &Funding, years: u32, carry_over: bool) -> Result<Self> {
        if !total.is_finite() || total < 0.0 {
            return Err(Error::param(
                "total",
                format!("the yearly budget must be a finite number of yuan ≥ 0, got {total}; e.g. 1000000"),
            ));
        }
        shares.check_shares()?;
        Self::check_years(years as usize)?;
        Self::new(vec![shares.scaled(total); years as usize], carry_over)
    }

    fn check_years(n: usize) -> Result<()> {
        if n == 0 || n > MAX_YEARS {
            return Err(Error::param(
                "years",
                format!("a budget needs 1 to {MAX_YEARS} years, got {n}; 3 years is the founding document's horizon"),
            ));
        }
        Ok(())
    }

    /// Check every amount (finite, ≥ 0) and the number of years.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming `years` (none, or too many) or `budget` at the 0-based row
    /// of the year whose amount is bad.
    pub fn validate(&self) -> Result<()> {
        Self::check_years(self.years.len())?;
        for (t, f) in self.years.iter().enumerate() {
            f.check("budget", Location::row(t), &format!("the amount in year {}", t + 1))?;
        }
        Ok(())
    }

    /// Number of funded years.
    pub fn n_years(&self) -> usize {
        self.years.len()
    }

    /// Total over all years and sources, yuan.
    pub fn total(&self) -> f64 {
        self.years.iter().map(Funding::total).fold(0.0, |a, b| a + b)
    }

    /// The budget as JSON.
    ///
    /// # Errors
    /// [`Error::Internal`] if serialisation fails (it does not).
    pub fn to_json(&self) -> Result<String> {
        serde_json::to_string(self).map_err(|e| Error::Internal(format!("budget serialisation failed: {e}")))
    }

    /// Read and validate a budget written by [`Budget::to_json`]:
    /// `{"years": [{"government": 350000, ...}, ...], "carry_over": true}`.
    ///
    /// # Errors
    /// [`Error::Parse`] for malformed JSON or an unknown field (e.g. a misspelt source name),
    /// otherwise as [`Budget::validate`].
    pub fn from_json(text: &str) -> Result<Self> {
        let b: Budget = serde_json::from_str(text).map_err(|e| Error::Parse {
            what: "budget JSON".into(),
            line: Some(e.line()),
            reason: format!("{e}; sources are government, town, community, policy, donations, partners"),
        })?;
        b.validate()?;
        Ok(b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_aliases() {
        for s in Source::ALL {
            assert_eq!(Source::parse(s.as_str()).unwrap(), s);
        }
        assert_eq!(Source::parse("Partner units").unwrap(), Source::Partners);
        assert_eq!(Source::parse("town/street").unwrap(), Source::Town);
        assert!(Source::parse("lottery").unwrap_err().to_string().contains("donations"));
        assert_eq!(DEFAULT_SHARES.total(), 1.0);
    }

    #[test]
    fn bad_budgets_are_typed_errors() {
        assert!(Budget::yearly(-1.0, &DEFAULT_SHARES, 3, true).unwrap_err().to_string().contains("`total`"));
        let bad = Funding { government: 0.5, ..DEFAULT_SHARES };
        assert!(Budget::yearly(1.0, &bad, 3, true).unwrap_err().to_string().contains("sum to"));
        assert!(Budget::yearly(1.0, &DEFAULT_SHARES, 0, true).unwrap_err().to_string().contains("`years`"));
        let neg = Funding { donations: -5.0, ..Funding::default() };
        let e = Budget::new(vec![Funding::default(), neg], false).unwrap_err().to_string();
        assert!(e.contains("at row 1") && e.contains("donations"), "{e}");
        let e = Budget::from_json(r#"{"years":[{"lottery":1}]}"#).unwrap_err().to_string();
        assert!(e.contains("lottery"), "{e}");
        assert!(Funding::from_named([("gov", 1.0), ("government", 2.0)]).is_err());
    }

    #[test]
    fn json_round_trip() {
        let b = Budget::yearly(1e6, &DEFAULT_SHARES, 2, false).unwrap();
        assert_eq!(Budget::from_json(&b.to_json().unwrap()).unwrap(), b);
    }
}
