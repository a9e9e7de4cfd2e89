//! [`CentreFacts`]: what stands at each centre (building and hall area, rooms, staff), and the
//! validated table [`Facts`] read from CSV, JSON or columns.
//!
//! # CSV
//!
//! One row per centre, with a header. Columns (names matched ignoring case):
//!
//! | role | names | required | unit |
//! |---|---|---|---|
//! | site id | `site`, `id`, `site_id`, `centre` | yes | the county's site id |
//! | building area | `building_area`, `area`, `area_m2`, `floor_area` | yes | m² |
//! | one-stop hall area | `hall_area`, `hall_m2` | no | m² (empty: unknown) |
//! | rooms | `rooms` | no | `name` or `name:area` items separated by `,` or `;` |
//! | staff | `staff`, `staff_count` | no | persons (empty: unknown) |
//!
//! For example `V0007,413,60,"hall:60,clinic:90,police,culture:75,office:30",5`.
//!
//! The hall area is the area of the room named `hall`: a `hall_area` of 60 is the same fact as a
//! room `hall:60`, and a `hall_area` of 0 means there is no hall.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::standard::{check_version, normalise_room, serde_field_error};
use crate::error::{Error, Location, Result};

/// Version of the facts JSON format read and written by [`Facts`].
pub const FACTS_FORMAT_VERSION: u32 = 1;

/// The canonical name of the one-stop service hall; the `hall_area` fact is this room's area.
pub const HALL: &str = "hall";

/// What stands at one centre, as surveyed (or as designed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CentreFacts {
    /// Site id of the centre, as in the county's sites.
    pub site: String,
    /// Building (floor) area, m².
    pub building_area: f64,
    /// Rooms present, by normalised name ([`normalise_room`]), each with its area in m² when
    /// known. The one-stop hall is the room [`HALL`].
    #[serde(default)]
    pub rooms: BTreeMap<String, Option<f64>>,
    /// Number of staff, when known.
    #[serde(default)]
    pub staff: Option<u32>,
}

impl CentreFacts {
    /// Facts of a centre with a building of `building_area` m² and no rooms yet.
    pub fn new(site: impl Into<String>, building_area: f64) -> Self {
        Self { site: site.into(), building_area, rooms: BTreeMap::new(), staff: None }
    }

    /// The facts with a room (name normalised) of known or unknown area.
    #[must_use]
    pub fn room(mut self, name: &str, area: Option<f64>) -> Self {
        self.rooms.insert(normalise_room(name), area);
        self
    }

    /// The facts with a staff count.
    #[must_use]
    pub fn staff(mut self, staff: u32) -> Self {
        self.staff = Some(staff);
        self
    }

    /// The area of the one-stop hall: `None` when there is no hall, `Some(None)` when there is
    /// one of unknown area.
    pub fn hall_area(&self) -> Option<Option<f64>> {
        self.rooms.get(HALL).copied()
    }
}

/// Parse a rooms cell: `name` or `name:area` items separated by `,` `;` `，` `；` or `、`; the
/// area may also follow `=` or `：`. Names are normalised; empty items are skipped.
///
/// # Errors
/// [`Error::InvalidInput`] naming `rooms` for an area that is not a number ≥ 0 or a room given
/// twice.
///
/// # Examples
/// ```
/// use villageplan::assess::parse_rooms;
/// let rooms = parse_rooms("Hall:60, clinic:85.5; police")?;
/// assert_eq!(rooms.get("hall"), Some(&Some(60.0)));
/// assert_eq!(rooms.get("police"), Some(&None));
/// # Ok::<(), villageplan::error::Error>(())
/// ```
pub fn parse_rooms(text: &str) -> Result<BTreeMap<String, Option<f64>>> {
    parse_rooms_at(text, &Location::none())
}

fn parse_rooms_at(text: &str, at: &Location) -> Result<BTreeMap<String, Option<f64>>> {
    let mut rooms = BTreeMap::new();
    for item in text.split([',', ';', '，', '；', '、']) {
        let item = item.trim();
        if item.is_empty() {
            continue;
        }
        let (name, area) = match item.split_once([':', '=', '：']) {
            Some((n, a)) => {
                let a = a.trim();
                let v: f64 = a.parse().map_err(|_| {
                    Error::invalid(
                        "rooms",
                        at.clone(),
                        format!(
                            "area '{a}' of room '{}' is not a number; write name:area in m², e.g. clinic:80",
                            n.trim()
                        ),
                    )
                })?;
                (n, Some(v))
            }
            None => (item, None),
        };
        let name = normalise_room(name);
        if name.is_empty() {
            return Err(Error::invalid("rooms", at.clone(), format!("room item '{item}' has no name")));
        }
        if let Some(a) = area {
            if !a.is_finite() || a < 0.0 {
                return Err(Error::invalid(
                    "rooms",
                    at.clone(),
                    format!("area of room '{name}' must be a finite number of m² ≥ 0, got {a}"),
                ));
            }
        }
        if rooms.insert(name.clone(), area).is_some() {
            return Err(Error::invalid(
                "rooms",
                at.clone(),
                format!("room '{name}' is listed twice; list each room once"),
            ));
        }
    }
    Ok(rooms)
}

/// Format rooms as the text [`parse_rooms`] reads: `hall:60,clinic:90,police`.
pub fn format_rooms(rooms: &BTreeMap<String, Option<f64>>) -> String {
    rooms
        .iter()
        .map(|(name, area)| match area {
            Some(a) => format!("{name}:{a}"),
            None => name.clone(),
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// The serialised form of [`Facts`].
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FactsData {
    format_version: u32,
    centres: Vec<CentreFacts>,
}

/// A validated table of centre facts: one [`CentreFacts`] per site id, in input order.
///
/// # Examples
/// ```
/// use villageplan::assess::{CentreFacts, Facts};
/// let facts = Facts::new(vec![
///     CentreFacts::new("V0007", 413.0).room("hall", Some(60.0)).room("police", None).staff(5),
/// ])?;
/// assert_eq!(facts.len(), 1);
/// let csv = "site,area,hall_area,rooms,staff\nV0007,413,60,police,5\n";
/// assert_eq!(Facts::from_csv_str(csv, "facts.csv")?, facts);
/// # Ok::<(), villageplan::error::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Facts {
    centres: Vec<CentreFacts>,
}

impl Facts {
    /// Validate a list of centre facts (room names are normalised).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming the field, the row and the site id for an empty or
    /// duplicate site id, a building area or room area that is not a finite number ≥ 0, or two
    /// rooms that are the same after normalisation.
    pub fn new(centres: Vec<CentreFacts>) -> Result<Self> {
        let mut seen: HashMap<String, usize> = HashMap::with_capacity(centres.len());
        let mut out = Vec::with_capacity(centres.len());
        for (row, mut c) in centres.into_iter().enumerate() {
            c.site = c.site.trim().to_string();
            if c.site.is_empty() {
                return Err(Error::invalid(
                    "site",
                    Location::row(row),
                    "the site id is empty; give the site id of the centre",
                ));
            }
            let at = Location::row_id(row, c.site.clone());
            if let Some(first) = seen.insert(c.site.clone(), row) {
                return Err(Error::invalid(
                    "site",
                    at,
                    format!("facts for this site are given twice (first at row {first}); give one row per centre"),
                ));
            }
            if !c.building_area.is_finite() || c.building_area < 0.0 {
                return Err(Error::invalid(
                    "building_area",
                    at,
                    format!("building area must be a finite number of m² ≥ 0, got {}; fix the value", c.building_area),
                ));
            }
            let mut rooms = BTreeMap::new();
            for (name, area) in std::mem::take(&mut c.rooms) {
                let n = normalise_room(&name);
                if n.is_empty() {
                    return Err(Error::invalid("rooms", at, "a room has an empty name; name every room"));
                }
                if let Some(a) = area {
                    if !a.is_finite() || a < 0.0 {
                        return Err(Error::invalid(
                            "rooms",
                            at,
                            format!("area of room '{n}' must be a finite number of m² ≥ 0, got {a}"),
                        ));
                    }
                }
                if rooms.insert(n.clone(), area).is_some() {
                    return Err(Error::invalid(
                        "rooms",
                        at,
                        format!("room '{n}' is listed twice (after normalising the names); list each room once"),
                    ));
                }
            }
            c.rooms = rooms;
            out.push(c);
        }
        Ok(Self { centres: out })
    }

    /// Build facts from columns, one entry per centre (the Python `DataFrame` path).
    ///
    /// * `hall_area`: NaN means unknown, 0 means no hall; a number sets the area of the room
    ///   [`HALL`] (which must then not also be listed with another area in `rooms`).
    /// * `rooms`: text as read by [`parse_rooms`].
    /// * `staff`: NaN means unknown; otherwise a whole number ≥ 0.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming the column and row for columns of different lengths, a
    /// building area that is missing or not ≥ 0, a bad hall area, rooms text or staff count,
    /// and every check of [`Facts::new`].
    pub fn from_columns(
        site: Vec<String>,
        building_area: Vec<f64>,
        hall_area: Option<Vec<f64>>,
        rooms: Option<Vec<String>>,
        staff: Option<Vec<f64>>,
    ) -> Result<Self> {
        let n = site.len();
        let check_len = |field: &str, len: usize| {
            if len == n {
                Ok(())
            } else {
                Err(Error::param(field, format!("has {len} entries but `site` has {n}; give one entry per centre")))
            }
        };
        check_len("building_area", building_area.len())?;
        if let Some(h) = &hall_area {
            check_len("hall_area", h.len())?;
        }
        if let Some(r) = &rooms {
            check_len("rooms", r.len())?;
        }
        if let Some(s) = &staff {
            check_len("staff", s.len())?;
        }
        let mut centres = Vec::with_capacity(n);
        for (row, (id, area)) in site.into_iter().zip(building_area).enumerate() {
            let at = Location::row_id(row, id.clone());
            if area.is_nan() {
                return Err(Error::invalid(
                    "building_area",
                    at,
                    "value is missing; give the building area in m² (0 if there is no building)",
                ));
            }
            let room_map = match &rooms {
                Some(r) => parse_rooms_at(&r[row], &at)?,
                None => BTreeMap::new(),
            };
            let hall = hall_area.as_ref().map(|h| h[row]).filter(|h| !h.is_nan());
            let staff = match staff.as_ref().map(|s| s[row]) {
                None => None,
                Some(s) if s.is_nan() => None,
                Some(s) => Some(staff_count(s, &at)?),
            };
            let mut c = CentreFacts { site: id, building_area: area, rooms: room_map, staff };
            set_hall_area(&mut c, hall, &at)?;
            centres.push(c);
        }
        Facts::new(centres)
    }

    /// The facts, in input order.
    pub fn centres(&self) -> &[CentreFacts] {
        &self.centres
    }

    /// Number of centres with facts.
    pub fn len(&self) -> usize {
        self.centres.len()
    }

    /// Whether there are no facts.
    pub fn is_empty(&self) -> bool {
        self.centres.is_empty()
    }

    /// The facts of a site, if any.
    pub fn get(&self, site: &str) -> Option<&CentreFacts> {
        self.centres.iter().find(|c| c.site == site)
    }

    /// Read facts from CSV text; `what` names the text in messages (e.g. the file name). See
    /// the [module documentation](self) for the columns.
    ///
    /// # Errors
    /// * [`Error::Parse`] for malformed CSV or a missing header, naming the line;
    /// * [`Error::MissingColumn`] when there is no site id or building area column, listing the
    ///   columns that exist;
    /// * [`Error::InvalidInput`] naming the column and row for a cell that is not a number, a
    ///   missing building area, a staff count that is not a whole number ≥ 0, bad rooms text,
    ///   and every check of [`Facts::new`].
    pub fn from_csv_str(text: &str, what: &str) -> Result<Self> {
        let name = if what.is_empty() { "facts CSV" } else { what };
        let parse_err = |e: ::csv::Error| Error::Parse {
            what: name.to_string(),
            line: e.position().map(|p| p.line() as usize),
            reason: e.to_string(),
        };
        let mut rdr = ::csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(false)
            .trim(::csv::Trim::All)
            .from_reader(text.as_bytes());
        let headers: Vec<String> =
            rdr.headers().map_err(parse_err)?.iter().map(|h| h.trim_start_matches('\u{feff}').to_string()).collect();
        if headers.iter().all(String::is_empty) {
            return Err(Error::Parse {
                what: name.to_string(),
                line: Some(1),
                reason: "the file is empty or has no header row".into(),
            });
        }
        let context = format!(" in {name}");
        let find = |role: &str, names: &[&str], required: bool| -> Result<Option<usize>> {
            let found = names.iter().find_map(|n| headers.iter().position(|h| h.trim().eq_ignore_ascii_case(n)));
            match found {
                Some(i) => Ok(Some(i)),
                None if required => Err(Error::MissingColumn {
                    column: names[0].to_string(),
                    role: role.to_string(),
                    context: context.clone(),
                    available: headers.clone(),
                }),
                None => Ok(None),
            }
        };
        let site_col = find("site", &["site", "id", "site_id", "centre"], true)?;
        let area_col = find("building_area", &["building_area", "area", "area_m2", "floor_area"], true)?;
        let hall_col = find("hall_area", &["hall_area", "hall_m2"], false)?;
        let rooms_col = find("rooms", &["rooms"], false)?;
        let staff_col = find("staff", &["staff", "staff_count"], false)?;
        let mut centres = Vec::new();
        for (row, rec) in rdr.records().enumerate() {
            let rec = rec.map_err(parse_err)?;
            let get = |col: Option<usize>| col.and_then(|i| rec.get(i)).unwrap_or("");
            let id = get(site_col).to_string();
            let at = Location::row_id(row, id.clone());
            let number = |field: &str, cell: &str| -> Result<Option<f64>> {
                if cell.is_empty() {
                    return Ok(None);
                }
                cell.parse::<f64>().map(Some).map_err(|_| {
                    Error::invalid(
                        field,
                        at.clone(),
                        format!("'{cell}' is not a number; write a number or leave it empty"),
                    )
                })
            };
            let area = number("building_area", get(area_col))?.ok_or_else(|| {
                Error::invalid(
                    "building_area",
                    at.clone(),
                    "value is missing; give the building area in m² (0 if there is no building)",
                )
            })?;
            let hall = number("hall_area", get(hall_col))?;
            let staff = match number("staff", get(staff_col))? {
                Some(s) => Some(staff_count(s, &at)?),
                None => None,
            };
            let rooms = parse_rooms_at(get(rooms_col), &at)?;
            let mut c = CentreFacts { site: id, building_area: area, rooms, staff };
            set_hall_area(&mut c, hall, &at)?;
            centres.push(c);
        }
        Facts::new(centres)
    }

    /// Read facts from a CSV file (see [`Facts::from_csv_str`]).
    ///
    /// # Errors
    /// [`Error::Io`] when the file cannot be read; otherwise as [`Facts::from_csv_str`].
    pub fn read_csv(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path.display().to_string(), e))?;
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        Facts::from_csv_str(&text, &name)
    }

    /// The facts as CSV text with the columns `site,building_area,hall_area,rooms,staff`
    /// (the hall is written in `hall_area` and left out of `rooms`); [`Facts::from_csv_str`]
    /// reads it back.
    ///
    /// # Errors
    /// [`Error::Internal`] if the CSV writer fails (it does not in memory).
    pub fn to_csv(&self) -> Result<String> {
        let internal = |e: ::csv::Error| Error::Internal(format!("facts CSV: {e}"));
        let mut w = ::csv::Writer::from_writer(Vec::new());
        w.write_record(["site", "building_area", "hall_area", "rooms", "staff"]).map_err(internal)?;
        for c in &self.centres {
            let mut rooms = c.rooms.clone();
            let hall = match rooms.remove(HALL) {
                Some(Some(a)) => a.to_string(),
                // A hall of unknown area stays in the rooms list.
                Some(None) => {
                    rooms.insert(HALL.to_string(), None);
                    String::new()
                }
                None => "0".to_string(),
            };
            let staff = c.staff.map(|s| s.to_string()).unwrap_or_default();
            w.write_record([c.site.as_str(), &c.building_area.to_string(), &hall, &format_rooms(&rooms), &staff])
                .map_err(internal)?;
        }
        let bytes = w.into_inner().map_err(|e| Error::Internal(format!("facts CSV: {e}")))?;
        String::from_utf8(bytes).map_err(|e| Error::Internal(format!("facts CSV: {e}")))
    }

    /// The facts as JSON (format [`FACTS_FORMAT_VERSION`]): `{"format_version": 1, "centres":
    /// [{"site", "building_area", "rooms": {name: area or null}, "staff"}]}`.
    ///
    /// # Errors
    /// [`Error::Internal`] if serialisation fails (it does not for valid facts).
    pub fn to_json(&self) -> Result<String> {
        let data = FactsData { format_version: FACTS_FORMAT_VERSION, centres: self.centres.clone() };
        serde_json::to_string_pretty(&data).map_err(|e| Error::Internal(format!("facts serialisation failed: {e}")))
    }

    /// Read facts from JSON written by [`Facts::to_json`].
    ///
    /// # Errors
    /// [`Error::Parse`] for text that is not a JSON object; [`Error::InvalidInput`] naming
    /// `format_version` or the unknown, missing or mistyped field; every check of [`Facts::new`].
    pub fn from_json(text: &str) -> Result<Self> {
        check_version(text, "facts", FACTS_FORMAT_VERSION)?;
        let data: FactsData = serde_json::from_str(text).map_err(|e| serde_field_error(&e, "facts"))?;
        Facts::new(data.centres)
    }

    /// Write the facts as JSON to `path`.
    ///
    /// # Errors
    /// [`Error::Io`] when the file cannot be written.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        std::fs::write(path, self.to_json()? + "\n").map_err(|e| Error::io(path.display().to_string(), e))
    }

    /// Read facts from a file: JSON when the name ends in `.json`, CSV otherwise.
    ///
    /// # Errors
    /// [`Error::Io`] when the file cannot be read; otherwise as [`Facts::from_json`] or
    /// [`Facts::from_csv_str`].
    pub fn load(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let is_json = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json"));
        if is_json {
            let text = std::fs::read_to_string(path).map_err(|e| Error::io(path.display().to_string(), e))?;
            Facts::from_json(&text)
        } else {
            Facts::read_csv(path)
        }
    }
}

/// A staff count from a number: a whole number ≥ 0.
fn staff_count(s: f64, at: &Location) -> Result<u32> {
    if s.is_finite() && s >= 0.0 && s.fract() == 0.0 && s <= f64::from(u32::MAX) {
        // In range and whole, so the conversion is exact.
        Ok(s as u32)
    } else {
        Err(Error::invalid(
            "staff",
            at.clone(),
            format!("the staff count must be a whole number ≥ 0, got {s}; fix the value or leave it empty"),
        ))
    }
}

/// Merge a `hall_area` fact into the rooms: 0 removes nothing and adds no hall, a positive area
/// sets the hall's area.
fn set_hall_area(c: &mut CentreFacts, hall: Option<f64>, at: &Location) -> Result<()> {
    let Some(h) = hall else { return Ok(()) };
    if !h.is_finite() || h < 0.0 {
        return Err(Error::invalid(
            "hall_area",
            at.clone(),
            format!("the hall area must be a finite number of m² ≥ 0, got {h}; leave it empty when unknown"),
        ));
    }
    match c.rooms.get(HALL).copied() {
        Some(Some(a)) if a != h => Err(Error::invalid(
            "hall_area",
            at.clone(),
            format!("hall_area is {h} m² but the rooms list the hall with {a} m²; give the hall area once"),
        )),
        Some(_) => {
            c.rooms.insert(HALL.to_string(), Some(h));
            Ok(())
        }
        None if h == 0.0 => Ok(()),
        None => {
            c.rooms.insert(HALL.to_string(), Some(h));
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_round_trip_and_hall_merging() {
        let csv = "Site,Area,hall_area,rooms,staff\n\
                   a,300,60,\"clinic:90,Police Room\",4\n\
                   b,150,0,office,\n\
                   c,250,,hall,\n";
        let f = Facts::from_csv_str(csv, "t.csv").unwrap();
        assert_eq!(f.len(), 3);
        let a = f.get("a").unwrap();
        assert_eq!(a.hall_area(), Some(Some(60.0)));
        assert_eq!(a.rooms.get("police_room"), Some(&None));
        assert_eq!(a.staff, Some(4));
        assert_eq!(f.get("b").unwrap().hall_area(), None);
        assert_eq!(f.get("c").unwrap().hall_area(), Some(None));
        let back = Facts::from_csv_str(&f.to_csv().unwrap(), "back").unwrap();
        assert_eq!(back, f);
        let json = Facts::from_json(&f.to_json().unwrap()).unwrap();
        assert_eq!(json, f);
    }

    #[test]
    fn bad_cells_name_column_and_row() {
        let e = Facts::from_csv_str("site,area\na,12x\n", "t").unwrap_err().to_string();
        assert!(e.contains("`building_area` at row 0 (id 'a')") && e.contains("not a number"), "{e}");
        let e = Facts::from_csv_str("site,area,staff\na,100,2.5\n", "t").unwrap_err().to_string();
        assert!(e.contains("`staff`") && e.contains("whole number"), "{e}");
        let e = Facts::from_csv_str("site,area,hall_area,rooms\na,100,50,hall:40\n", "t").unwrap_err().to_string();
        assert!(e.contains("`hall_area`") && e.contains("once"), "{e}");
        let e = Facts::from_csv_str("id,size\na,100\n", "t.csv").unwrap_err().to_string();
        assert!(e.contains("`building_area` not found in t.csv") && e.contains("id, size"), "{e}");
        let e = Facts::from_csv_str("site,area\na,100\na,120\n", "t").unwrap_err().to_string();
        assert!(e.contains("row 1 (id 'a')") && e.contains("twice"), "{e}");
        let e = parse_rooms("clinic:80, Clinic").unwrap_err().to_string();
        assert!(e.contains("listed twice"), "{e}");
        let e = parse_rooms("clinic:-3").unwrap_err().to_string();
        assert!(e.contains("≥ 0"), "{e}");
    }
}
