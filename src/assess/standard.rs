//! The acceptance [`Standard`] (达标验收 rules) for a community service centre.
//!
//! A standard is plain data: the building-area rule, the required rooms with their minimum
//! areas, the service-radius rule and an optional staffing minimum. It reads and writes as JSON
//! (format version [`STANDARD_FORMAT_VERSION`]); unknown or missing fields are refused with an
//! error naming the field, so a typo in a county's own standard never passes silently.
//!
//! The default ([`Standard::default`], also shipped as `data/standard_default.json` and embedded
//! as [`DEFAULT_STANDARD_JSON`]) follows the project's domain notes (DOMAIN.md §2 and §6):
//!
//! | rule | default | provenance |
//! |---|---|---|
//! | building area | ≥ max(200 m², 30 m² per 100 households served) | C: Hebei draft, Shaanxi 2009; national / provincial 14th Five-Year Plan |
//! | building area per person | off (Hebei's 200 m² per 1,000 persons can be switched on) | C: Hebei draft |
//! | one-stop hall (`hall`) | present, ≥ 50 m² | C: Hebei draft |
//! | clinic (`clinic`) | present, ≥ 80 m² | C: Shandong 2015 |
//! | police room, culture room, office | present (no minimum area) | C: function checklists (Zhucheng, Pingdu) |
//! | service radius | every member village within the plan's radius of its centre | C: 2 km norm |
//! | staffing | off (a minimum such as 3, the low end of rural committees, can be set) | C: 3–7 per rural committee |
//!
//! The areas used to cost a missing police room (20 m²), culture room (60 m²) and office (30 m²)
//! are guesses (G); the hall and clinic are costed at their minimum areas.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Deserializer, Serialize};

use crate::defaults::{BUILDING_M2_PER_100_HH, CLINIC_M2, MIN_BUILDING_M2, ONE_STOP_HALL_M2};
use crate::error::{Error, Result};

/// Version of the standard JSON format read and written by [`Standard`].
pub const STANDARD_FORMAT_VERSION: u32 = 1;

/// The default standard as JSON text (the file `data/standard_default.json`, embedded at build
/// time). It equals [`Standard::default`] (a test checks this).
pub const DEFAULT_STANDARD_JSON: &str = include_str!("../../data/standard_default.json");

/// Deserialise an `Option` field that must be present (as a value or `null`): without this,
/// serde would read a missing field as `None`, and a misspelt rule would be switched off silently.
fn required_option<'de, D, T>(d: D) -> std::result::Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d)
}

/// The building-area rule: the required floor area of a centre is the largest of the minimum and
/// each per-household or per-person term that is switched on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AreaRule {
    /// Smallest building area of any centre, m² (default 200).
    pub min_m2: f64,
    /// Area per 100 households served, m² (default 30); `None` switches the term off.
    #[serde(deserialize_with = "required_option")]
    pub per_100_households_m2: Option<f64>,
    /// Area per 1,000 persons served, m² (Hebei: 200); `None` (the default) switches it off.
    #[serde(deserialize_with = "required_option")]
    pub per_1000_persons_m2: Option<f64>,
}

/// Which term of an [`AreaRule`] sets the required area.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AreaDriver {
    /// The minimum area.
    Minimum,
    /// The households served.
    Households,
    /// The persons served.
    Persons,
}

impl AreaRule {
    /// The required building area in m² for a centre serving `households` households and
    /// `population` persons: max(`min_m2`, `per_100_households_m2` · households / 100,
    /// `per_1000_persons_m2` · population / 1000), with the terms that are off left out.
    ///
    /// # Examples
    /// ```
    /// use villageplan::assess::Standard;
    /// let rule = Standard::default().building;
    /// assert_eq!(rule.required(770.0, 2156.0), 231.0);   // 30 m² per 100 households
    /// assert_eq!(rule.required(300.0, 840.0), 200.0);    // the minimum
    /// ```
    pub fn required(&self, households: f64, population: f64) -> f64 {
        self.required_with_driver(households, population).0
    }

    /// [`AreaRule::required`] and the term that sets it (ties go to the minimum, then households).
    pub fn required_with_driver(&self, households: f64, population: f64) -> (f64, AreaDriver) {
        let mut best = (self.min_m2, AreaDriver::Minimum);
        if let Some(r) = self.per_100_households_m2 {
            let a = r * households / 100.0;
            if a > best.0 {
                best = (a, AreaDriver::Households);
            }
        }
        if let Some(r) = self.per_1000_persons_m2 {
            let a = r * population / 1000.0;
            if a > best.0 {
                best = (a, AreaDriver::Persons);
            }
        }
        best
    }
}

/// A room the standard requires, with its minimum area and the area built when it is missing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoomRule {
    /// Canonical room name (lower case, `_` for spaces), e.g. `hall`, `clinic`, `police`.
    pub name: String,
    /// Smallest acceptable area of the room, m²; `None` when only its presence is required.
    #[serde(deserialize_with = "required_option")]
    pub min_m2: Option<f64>,
    /// Area in m² costed for building the room when it is missing (at least `min_m2`).
    pub build_m2: f64,
    /// Other names that count as this room in the facts (compared after the same
    /// normalisation as the name); may be left out of the JSON.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
}

impl RoomRule {
    /// A required room with an optional minimum area and the area built when it is missing.
    pub fn new(name: impl Into<String>, min_m2: Option<f64>, build_m2: f64) -> Self {
        Self { name: normalise_room(&name.into()), min_m2, build_m2, aliases: Vec::new() }
    }

    /// The rule with other names that count as this room.
    #[must_use]
    pub fn with_aliases<I: IntoIterator<Item = S>, S: Into<String>>(mut self, aliases: I) -> Self {
        self.aliases = aliases.into_iter().map(|a| normalise_room(&a.into())).collect();
        self
    }

    /// Whether a room of the facts (already normalised by [`normalise_room`]) counts as this room.
    pub fn matches(&self, room: &str) -> bool {
        self.name == room || self.aliases.iter().any(|a| a == room)
    }
}

/// The normal form of a room name: trimmed, lower case, spaces and hyphens as `_`.
///
/// # Examples
/// ```
/// use villageplan::assess::normalise_room;
/// assert_eq!(normalise_room("  Police Room "), "police_room");
/// assert_eq!(normalise_room("卫生室"), "卫生室");
/// ```
pub fn normalise_room(name: &str) -> String {
    name.trim().to_lowercase().replace([' ', '-'], "_")
}

/// The acceptance rules for a community service centre (达标验收).
///
/// See the [module documentation](self) for the default rules and their sources. Make a
/// variant by changing the public fields, then check it with [`Standard::validate`] (done by
/// every reader and by [`assess`](super::assess)).
///
/// # Examples
/// ```
/// use villageplan::assess::Standard;
/// let mut s = Standard::default();
/// s.building.per_1000_persons_m2 = Some(200.0);   // add Hebei's per-person rule
/// s.min_staff = Some(3);
/// let back = Standard::from_json(&s.to_json()?)?;
/// assert_eq!(back, s);
/// # Ok::<(), villageplan::error::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Standard {
    /// Format version, [`STANDARD_FORMAT_VERSION`].
    pub format_version: u32,
    /// A name for reports.
    pub name: String,
    /// The building-area rule.
    pub building: AreaRule,
    /// The required rooms.
    pub rooms: Vec<RoomRule>,
    /// Whether every member village must lie within the radius of its centre.
    pub check_radius: bool,
    /// The radius in metres for `check_radius`; `None` uses the plan's own service limit (the
    /// radius, or travel minutes for a plan made with a limit in minutes).
    #[serde(deserialize_with = "required_option")]
    pub radius_m: Option<f64>,
    /// Smallest number of staff at a centre; `None` (the default) does not check staffing.
    #[serde(deserialize_with = "required_option")]
    pub min_staff: Option<u32>,
    /// Where each default comes from (C confirmed, D derived, G guessed), keyed by field;
    /// informative only, may be left out of the JSON.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub provenance: BTreeMap<String, String>,
}

impl Default for Standard {
    /// The default standard of DOMAIN.md §2/§6 (see the [module documentation](self)).
    fn default() -> Self {
        let provenance = [
            ("building.min_m2", "C: Hebei draft and Shaanxi 2009, building of at least 200 m²"),
            (
                "building.per_100_households_m2",
                "C: national / provincial 14th Five-Year Plan, 30 m² per 100 households",
            ),
            ("building.per_1000_persons_m2", "C: Hebei draft, 200 m² per 1,000 persons (off by default)"),
            ("rooms.hall", "C: Hebei draft, one-stop service hall of at least 50 m²"),
            ("rooms.clinic", "C: Shandong 2015, village clinic of at least 80 m²"),
            ("rooms.police", "C: function checklists (Zhucheng, Pingdu); G: 20 m² when built"),
            ("rooms.culture", "C: function checklists (Zhucheng, Pingdu); G: 60 m² when built"),
            ("rooms.office", "C: function checklists (two-committee office); G: 30 m² when built"),
            ("check_radius", "C: 2 km service radius (Zhucheng, Weifang); the plan's radius"),
            ("min_staff", "C: rural committees have 3 to 7 members; off by default"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        Self {
            format_version: STANDARD_FORMAT_VERSION,
            name: "villageplan default (DOMAIN.md §2, §6)".to_string(),
            building: AreaRule {
                min_m2: MIN_BUILDING_M2,
                per_100_households_m2: Some(BUILDING_M2_PER_100_HH),
                per_1000_persons_m2: None,
            },
            rooms: vec![
                RoomRule::new("hall", Some(ONE_STOP_HALL_M2), ONE_STOP_HALL_M2).with_aliases([
                    "one_stop_hall",
                    "service_hall",
                    "一站式服务大厅",
                    "服务大厅",
                ]),
                RoomRule::new("clinic", Some(CLINIC_M2), CLINIC_M2).with_aliases(["health", "health_room", "卫生室"]),
                RoomRule::new("police", None, 20.0).with_aliases(["police_room", "警务室"]),
                RoomRule::new("culture", None, 60.0).with_aliases(["culture_room", "activity_room", "文化活动室"]),
                RoomRule::new("office", None, 30.0).with_aliases(["two_committee_office", "两委办公室", "办公室"]),
            ],
            check_radius: true,
            radius_m: None,
            min_staff: None,
            provenance,
        }
    }
}

/// The field a serde message names (`unknown field `x``, `missing field `x``), if any.
fn field_in_message(message: &str) -> Option<String> {
    for key in ["unknown field `", "missing field `", "duplicate field `"] {
        if let Some(i) = message.find(key) {
            let rest = &message[i + key.len()..];
            return rest.find('`').map(|j| rest[..j].to_string());
        }
    }
    None
}

/// Check the `format_version` member of a JSON document of `what` and return the document.
///
/// # Errors
/// [`Error::Parse`] for text that is not JSON or not an object; [`Error::InvalidInput`] naming
/// `format_version` when it is missing or not `expected`.
pub(crate) fn check_version(text: &str, what: &str, expected: u32) -> Result<()> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| Error::Parse {
        what: format!("{what} JSON"),
        line: Some(e.line()),
        reason: e.to_string(),
    })?;
    let Some(object) = value.as_object() else {
        return Err(Error::Parse {
            what: format!("{what} JSON"),
            line: None,
            reason: format!("expected a JSON object with `format_version: {expected}`"),
        });
    };
    match object.get("format_version") {
        None => Err(Error::param(
            "format_version",
            format!("missing: this is not a villageplan {what}; add `\"format_version\": {expected}`"),
        )),
        Some(v) if v.as_u64() == Some(u64::from(expected)) => Ok(()),
        Some(v) => Err(Error::param(
            "format_version",
            format!(
                "this {what} has format version {v}, but this villageplan reads version {expected}; \
                 write it for version {expected}"
            ),
        )),
    }
}

/// A serde error of a JSON document of `what`, as an [`Error::InvalidInput`] naming the field.
pub(crate) fn serde_field_error(e: &serde_json::Error, what: &str) -> Error {
    let message = e.to_string();
    let field = field_in_message(&message).unwrap_or_else(|| what.to_string());
    Error::param(field, format!("in the {what} JSON: {message}; fix the field (see the documentation of the {what})"))
}

fn check_number(field: &str, value: f64, what: &str) -> Result<()> {
    if value.is_finite() && value >= 0.0 {
        Ok(())
    } else {
        Err(Error::param(field, format!("{what} must be a finite number ≥ 0, got {value}")))
    }
}

impl Standard {
    /// Check the rules: areas finite and ≥ 0, room names non-empty and distinct (aliases
    /// included), `build_m2` ≥ `min_m2`, the radius > 0, the format version.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming the field, e.g. `rooms[1].min_m2`.
    pub fn validate(&self) -> Result<()> {
        if self.format_version != STANDARD_FORMAT_VERSION {
            return Err(Error::param(
                "format_version",
                format!(
                    "this standard has format version {}, but this villageplan reads version {STANDARD_FORMAT_VERSION}",
                    self.format_version
                ),
            ));
        }
        check_number("building.min_m2", self.building.min_m2, "the minimum building area (m²)")?;
        if let Some(r) = self.building.per_100_households_m2 {
            check_number("building.per_100_households_m2", r, "the area per 100 households (m²)")?;
        }
        if let Some(r) = self.building.per_1000_persons_m2 {
            check_number("building.per_1000_persons_m2", r, "the area per 1,000 persons (m²)")?;
        }
        let mut names: BTreeMap<String, usize> = BTreeMap::new();
        for (i, room) in self.rooms.iter().enumerate() {
            let field = |f: &str| format!("rooms[{i}].{f}");
            let name = normalise_room(&room.name);
            if name.is_empty() {
                return Err(Error::param(field("name"), "a required room has no name; name it, e.g. \"clinic\""));
            }
            if name != room.name {
                return Err(Error::param(
                    field("name"),
                    format!(
                        "room name '{}' is not in normal form; write '{name}' (lower case, `_` for spaces)",
                        room.name
                    ),
                ));
            }
            for alias in std::iter::once(&room.name).chain(&room.aliases) {
                let a = normalise_room(alias);
                if let Some(j) = names.insert(a.clone(), i) {
                    return Err(Error::param(
                        field("name"),
                        format!("room name or alias '{a}' is used by rooms[{j}] too; each name must be unique"),
                    ));
                }
            }
            if let Some(m) = room.min_m2 {
                check_number(&field("min_m2"), m, "a room's minimum area (m²)")?;
            }
            check_number(&field("build_m2"), room.build_m2, "a room's build area (m²)")?;
            if room.build_m2 < room.min_m2.unwrap_or(0.0) {
                return Err(Error::param(
                    field("build_m2"),
                    format!(
                        "the area built for a missing {} ({} m²) is below its minimum ({} m²); raise it",
                        room.name,
                        room.build_m2,
                        room.min_m2.unwrap_or(0.0)
                    ),
                ));
            }
        }
        if let Some(r) = self.radius_m {
            if !r.is_finite() || r <= 0.0 {
                return Err(Error::param(
                    "radius_m",
                    format!("the radius must be a finite number of metres > 0, got {r}; or null for the plan's radius"),
                ));
            }
        }
        Ok(())
    }

    /// The standard as pretty-printed JSON (format [`STANDARD_FORMAT_VERSION`]).
    ///
    /// # Errors
    /// [`Error::Internal`] if serialisation fails (it does not for a standard).
    pub fn to_json(&self) -> Result<String> {
        serde_json::to_string_pretty(self).map_err(|e| Error::Internal(format!("standard serialisation failed: {e}")))
    }

    /// Read a standard from JSON text written by [`Standard::to_json`] (or by hand).
    ///
    /// # Errors
    /// * [`Error::Parse`] for text that is not a JSON object;
    /// * [`Error::InvalidInput`] naming `format_version` when it is missing or not
    ///   [`STANDARD_FORMAT_VERSION`];
    /// * [`Error::InvalidInput`] naming the field for an unknown field, a missing field or a
    ///   value of the wrong type, and every check of [`Standard::validate`].
    pub fn from_json(text: &str) -> Result<Standard> {
        check_version(text, "standard", STANDARD_FORMAT_VERSION)?;
        let s: Standard = serde_json::from_str(text).map_err(|e| serde_field_error(&e, "standard"))?;
        s.validate()?;
        Ok(s)
    }

    /// Write the standard as JSON to `path`.
    ///
    /// # Errors
    /// [`Error::Io`] when the file cannot be written.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        std::fs::write(path, self.to_json()? + "\n").map_err(|e| Error::io(path.display().to_string(), e))
    }

    /// Read a standard from a JSON file.
    ///
    /// # Errors
    /// [`Error::Io`] when the file cannot be read; otherwise as [`Standard::from_json`].
    pub fn load(path: impl AsRef<Path>) -> Result<Standard> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path.display().to_string(), e))?;
        Standard::from_json(&text)
    }

    /// The index of the room rule a facts room (normalised) counts as, if any.
    pub fn room_rule(&self, room: &str) -> Option<usize> {
        self.rooms.iter().position(|r| r.matches(room))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_file_equals_default() {
        assert_eq!(Standard::from_json(DEFAULT_STANDARD_JSON).unwrap(), Standard::default());
        assert_eq!(Standard::default().to_json().unwrap() + "\n", DEFAULT_STANDARD_JSON);
    }

    #[test]
    fn default_area_rule_is_the_crate_default() {
        let s = Standard::default();
        for hh in [0.0, 100.0, 666.0, 667.0, 770.0, 1500.0, 4000.0] {
            assert_eq!(s.building.required(hh, 2.8 * hh), crate::defaults::required_floor_area(hh));
        }
    }

    #[test]
    fn field_names_are_found_in_serde_messages() {
        assert_eq!(field_in_message("unknown field `romos`, expected one of").as_deref(), Some("romos"));
        assert_eq!(field_in_message("missing field `rooms` at line 3").as_deref(), Some("rooms"));
        assert_eq!(field_in_message("invalid type: string"), None);
    }
}
