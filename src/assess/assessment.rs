//! [`assess`]: check every centre of a [`Plan`](crate::plan::Plan) against a [`Standard`] and cost the upgrades.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use super::facts::{CentreFacts, Facts, HALL};
use super::standard::{AreaDriver, Standard};
use crate::defaults::{COST_NEW_YUAN_PER_M2, COST_RENOVATE_YUAN_PER_M2};
use crate::error::{Error, Location, Result};
use crate::model::SiteStatus;
use crate::plan::{Community, Plan};

/// Version of the assessment JSON format written by [`Assessment::to_json`].
pub const ASSESSMENT_FORMAT_VERSION: u32 = 1;

/// Relative tolerance of the area and distance comparisons (so that 231.00000000000003 m² of
/// requirement is met by a 231 m² building).
const TOLERANCE: f64 = 1e-9;

/// How an assessment treats centres without facts, and what upgrades cost.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssessOptions {
    /// Assess centres the plan builds new (site status `new` or `none`) that have no facts on
    /// their design: a building of the site's planned floor area (status `new` with a floor
    /// area) or else of exactly the required area, with every required room at the area the
    /// standard builds it and an unknown staff count. Default `true`. When `false`, such
    /// centres fail with `no_facts` like every other centre without facts.
    pub as_designed: bool,
    /// New-build cost, yuan per m² (default [`COST_NEW_YUAN_PER_M2`], 1,600).
    pub cost_new_yuan_per_m2: f64,
    /// Renovation cost of existing space, yuan per m² (default [`COST_RENOVATE_YUAN_PER_M2`], 600).
    pub cost_renovate_yuan_per_m2: f64,
}

impl Default for AssessOptions {
    fn default() -> Self {
        Self {
            as_designed: true,
            cost_new_yuan_per_m2: COST_NEW_YUAN_PER_M2,
            cost_renovate_yuan_per_m2: COST_RENOVATE_YUAN_PER_M2,
        }
    }
}

impl AssessOptions {
    /// Set whether new builds without facts are assessed on their design.
    #[must_use]
    pub fn as_designed(mut self, yes: bool) -> Self {
        self.as_designed = yes;
        self
    }

    /// Set the new-build and renovation costs, yuan per m².
    #[must_use]
    pub fn costs(mut self, new_yuan_per_m2: f64, renovate_yuan_per_m2: f64) -> Self {
        self.cost_new_yuan_per_m2 = new_yuan_per_m2;
        self.cost_renovate_yuan_per_m2 = renovate_yuan_per_m2;
        self
    }

    fn validate(&self) -> Result<()> {
        for (field, v) in [
            ("cost_new_yuan_per_m2", self.cost_new_yuan_per_m2),
            ("cost_renovate_yuan_per_m2", self.cost_renovate_yuan_per_m2),
        ] {
            if !v.is_finite() || v < 0.0 {
                return Err(Error::param(
                    field,
                    format!("a cost rate must be a finite number of yuan per m² ≥ 0, got {v}"),
                ));
            }
        }
        Ok(())
    }
}

/// Why a centre fails; the machine-readable part of a [`Reason`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReasonCode {
    /// No facts were given for the centre (and it is not assessed on a design).
    NoFacts,
    /// The building is smaller than the area the standard requires for the community.
    AreaShort,
    /// A required room is missing.
    RoomMissing,
    /// A required room is smaller than its minimum area.
    RoomSmall,
    /// A required room with a minimum area is present, but its area is not known.
    RoomAreaUnknown,
    /// Member villages lie beyond the radius from the centre.
    RadiusExceeded,
    /// Fewer staff than the standard's minimum.
    StaffShort,
    /// The standard sets a staff minimum but the staff count is not known.
    StaffUnknown,
}

impl ReasonCode {
    /// Every code, in declaration order.
    pub const ALL: [ReasonCode; 8] = [
        ReasonCode::NoFacts,
        ReasonCode::AreaShort,
        ReasonCode::RoomMissing,
        ReasonCode::RoomSmall,
        ReasonCode::RoomAreaUnknown,
        ReasonCode::RadiusExceeded,
        ReasonCode::StaffShort,
        ReasonCode::StaffUnknown,
    ];

    /// The snake-case name used in files, DataFrames and messages.
    pub fn as_str(self) -> &'static str {
        match self {
            ReasonCode::NoFacts => "no_facts",
            ReasonCode::AreaShort => "area_short",
            ReasonCode::RoomMissing => "room_missing",
            ReasonCode::RoomSmall => "room_small",
            ReasonCode::RoomAreaUnknown => "room_area_unknown",
            ReasonCode::RadiusExceeded => "radius_exceeded",
            ReasonCode::StaffShort => "staff_short",
            ReasonCode::StaffUnknown => "staff_unknown",
        }
    }
}

impl std::fmt::Display for ReasonCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One reason a centre fails: a code and a sentence for people.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reason {
    /// What failed.
    pub code: ReasonCode,
    /// What exactly, with the figures, e.g. `building 150 m² < required 231 m² for 770 households`.
    pub message: String,
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

/// What a centre's assessment rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// The surveyed facts.
    Facts,
    /// The design of a planned new build ([`AssessOptions::as_designed`]).
    Design,
    /// Nothing: no facts were given (the centre fails with `no_facts`).
    None,
}

impl Basis {
    /// The snake-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::Facts => "facts",
            Basis::Design => "design",
            Basis::None => "none",
        }
    }
}

/// The assessment of one centre.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CentreAssessment {
    /// Index of the community in the plan.
    pub community: u32,
    /// Site id of the centre.
    pub site: String,
    /// Town of the centre.
    pub town: String,
    /// Status of the site before the plan.
    pub status: SiteStatus,
    /// What the assessment rests on.
    pub basis: Basis,
    /// Households the community serves.
    pub households: f64,
    /// Persons the community serves.
    pub population: f64,
    /// Building area the standard requires, m².
    pub required_area_m2: f64,
    /// Building area assessed (surveyed or designed), m²; `None` without facts.
    pub building_area_m2: Option<f64>,
    /// Whether every rule of the standard is met.
    pub passed: bool,
    /// Why it fails, in rule order (area, rooms, radius, staff); empty when it passes.
    pub reasons: Vec<Reason>,
    /// Area to build new to meet the standard, m² (see [`assess`] for the rule).
    pub new_area_m2: f64,
    /// Existing area to renovate, m² (undersized rooms that are enlarged).
    pub renovated_area_m2: f64,
    /// Cost of the upgrade in yuan; `None` without facts (unknown).
    pub upgrade_cost: Option<f64>,
}

impl CentreAssessment {
    /// The reason codes, in order.
    pub fn codes(&self) -> Vec<ReasonCode> {
        self.reasons.iter().map(|r| r.code).collect()
    }
}

/// The assessment of the centres of one town.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TownAssessment {
    /// Town name.
    pub town: String,
    /// Centres in the town.
    pub centres: usize,
    /// Centres that pass.
    pub passed: usize,
    /// Centres that fail (including those without facts).
    pub failed: usize,
    /// Centres assessed on their design (passed or not).
    pub as_designed: usize,
    /// Centres without facts.
    pub no_facts: usize,
    /// Total upgrade cost of the centres whose cost is known, yuan.
    pub upgrade_cost: f64,
}

/// The result of [`assess`]: one [`CentreAssessment`] per centre of the plan, a summary per
/// town, and the facts that were not used.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assessment {
    /// Format version ([`ASSESSMENT_FORMAT_VERSION`]).
    pub format_version: u32,
    /// The standard applied.
    pub standard: Standard,
    /// The options applied.
    pub options: AssessOptions,
    /// One entry per centre, in the plan's community order.
    pub centres: Vec<CentreAssessment>,
    /// One entry per town of the county, in the county's town order.
    pub towns: Vec<TownAssessment>,
    /// Site ids that have facts but are not centres of the plan (sites of the county the plan
    /// does not open); their facts are not used.
    pub unused_facts: Vec<String>,
}

impl Assessment {
    /// Number of centres that pass.
    pub fn passed(&self) -> usize {
        self.centres.iter().filter(|c| c.passed).count()
    }

    /// Number of centres that fail (including those without facts).
    pub fn failed(&self) -> usize {
        self.centres.len() - self.passed()
    }

    /// Total upgrade cost of the centres whose cost is known, yuan.
    pub fn upgrade_cost(&self) -> f64 {
        self.centres.iter().filter_map(|c| c.upgrade_cost).fold(0.0, |a, b| a + b)
    }

    /// The assessment as JSON (format [`ASSESSMENT_FORMAT_VERSION`]).
    ///
    /// # Errors
    /// [`Error::Internal`] if serialisation fails (it does not).
    pub fn to_json(&self) -> Result<String> {
        serde_json::to_string(self).map_err(|e| Error::Internal(format!("assessment serialisation failed: {e}")))
    }
}

/// [`assess_with`] with the default [`AssessOptions`]: new builds without facts assessed on
/// their design, 1,600 yuan/m² new, 600 yuan/m² renovation.
///
/// # Errors
/// As [`assess_with`].
///
/// # Examples
/// ```
/// use villageplan::prelude::*;
/// use villageplan::assess::{assess, CentreFacts, Facts, ReasonCode, Standard};
///
/// let villages = vec![Village::new("a", "T", 0.0, 0.0, 2156.0), Village::new("b", "T", 900.0, 0.0, 0.0)];
/// let county = Instance::from_villages(Crs::Planar, villages)?;
/// let p = plan(&county, &PlanOptions::default().radius(1000.0).target(1.0))?;
/// // One centre serving 770 households: 231 m² required; the building has 150 m² and no police room.
/// let site = p.communities[0].site_id.clone();
/// let facts = Facts::new(vec![CentreFacts::new(site, 150.0)
///     .room("hall", Some(60.0)).room("clinic", Some(90.0)).room("culture", None).room("office", None)])?;
/// let a = assess(&p, &facts, &Standard::default())?;
/// let c = &a.centres[0];
/// assert!(!c.passed);
/// assert_eq!(c.codes(), [ReasonCode::AreaShort, ReasonCode::RoomMissing]);
/// assert_eq!(c.reasons[0].to_string(), "area_short: building 150 m² < required 231 m² for 770 households");
/// // New area: max(81 m² short, 20 m² police room) = 81 m² at 1,600 yuan/m².
/// assert_eq!(c.upgrade_cost, Some(81.0 * 1600.0));
/// # Ok::<(), villageplan::error::Error>(())
/// ```
pub fn assess(plan: &Plan, facts: &Facts, standard: &Standard) -> Result<Assessment> {
    assess_with(plan, facts, standard, &AssessOptions::default())
}

/// Check every centre of a plan against an acceptance standard (达标验收) and cost the upgrades.
///
/// For each community of the plan, with H its households and P its persons:
///
/// 1. **Basis.** The facts of the centre's site; without them, a centre the plan builds new
///    (status `new` or `none`) is assessed on its design when `options.as_designed` (a building
///    of the site's planned `floor_area` for status `new`, else exactly the required area; every
///    required room at its `build_m2`; staff unknown); any other centre fails with `no_facts`
///    and an unknown upgrade cost.
/// 2. **Area.** Required area R = max(`min_m2`, `per_100_households_m2`·H/100,
///    `per_1000_persons_m2`·P/1000) over the terms switched on; `area_short` when the building
///    is smaller. Shortfall A = R − building.
/// 3. **Rooms.** For each required room (matched by name or alias; of several matches the
///    largest known area counts): `room_missing` when absent (adds its `build_m2` to the room
///    shortfall S); `room_small` when its area a is below its minimum m (adds m − a to S and a to
///    the renovated area); `room_area_unknown` when it has a minimum but no area (no cost).
/// 4. **Radius.** With `check_radius`, `radius_exceeded` when a member village lies beyond the
///    limit: with `radius_m` set, when its distance in metres (straight line, or along the roads
///    for a network plan) exceeds `radius_m`; with `radius_m` null, when the plan itself marks
///    it beyond the plan's own limit (metres or minutes; p-median and p-center plans serve every
///    village, however far). No cost: it is fixed by re-planning.
/// 5. **Staff.** With `min_staff`, `staff_short` below it, `staff_unknown` without a count. No
///    cost.
///
/// The centre passes when no reason is found. **Upgrade cost rule:** the new-build area is
/// max(A, S) — an extension of A m² houses the missing space of the rooms, and when the rooms
///    need more than the area shortfall the building is extended by S instead — at
/// `cost_new_yuan_per_m2`, plus the renovated area at `cost_renovate_yuan_per_m2`. Spare space
/// inside the existing building is not counted (its layout is not in the facts), so the cost is
/// an upper estimate of what the rooms need.
///
/// Facts for sites of the county that are not centres of the plan are listed in
/// [`Assessment::unused_facts`]; facts for a site id the county does not have are an error.
///
/// # Arguments
/// * `plan` — the plan whose centres are assessed.
/// * `facts` — what stands at (some of) the centres.
/// * `standard` — the rules ([`Standard::default`] for DOMAIN.md's).
/// * `options` — the design basis for new builds and the cost rates.
///
/// # Returns
/// An [`Assessment`] with one entry per centre in community order and one per town.
///
/// # Errors
/// * [`Error::InvalidInput`] naming `site`, the row and the id for facts of a site the plan's
///   county does not have (check the site ids: they are the county's site ids);
/// * every check of [`Standard::validate`], and `cost_*` rates that are not finite and ≥ 0.
///
/// # Complexity
/// O(V + F·k + C·r·q) time for V villages, F facts with k rooms each, C centres, r required
/// rooms and q rooms per centre; O(V + F) auxiliary space.
///
/// # Examples
/// See [`assess`].
pub fn assess_with(plan: &Plan, facts: &Facts, standard: &Standard, options: &AssessOptions) -> Result<Assessment> {
    standard.validate()?;
    options.validate()?;
    let county = &plan.county;
    let centre_of: HashMap<&str, usize> =
        plan.communities.iter().enumerate().map(|(k, c)| (c.site_id.as_str(), k)).collect();
    let mut by_centre: Vec<Option<&CentreFacts>> = vec![None; plan.communities.len()];
    let mut unused_facts = Vec::new();
    for (row, f) in facts.centres().iter().enumerate() {
        match centre_of.get(f.site.as_str()) {
            Some(&k) => by_centre[k] = Some(f),
            None if county.site_index(&f.site).is_some() => unused_facts.push(f.site.clone()),
            None => {
                return Err(Error::invalid(
                    "site",
                    Location::row_id(row, f.site.clone()),
                    format!(
                        "no site of the plan's county '{}' has this id; check the site ids (facts are keyed by the \
                         county's site ids, such as '{}')",
                        county.name(),
                        county.sites().first().map_or("", |s| s.id.as_str())
                    ),
                ))
            }
        }
    }
    let radius = standard.radius_m;
    let centres: Vec<CentreAssessment> = plan
        .communities
        .iter()
        .zip(by_centre)
        .map(|(c, f)| assess_centre(plan, c, f, standard, options, radius))
        .collect();
    let mut towns: Vec<TownAssessment> = county
        .towns()
        .iter()
        .map(|t| TownAssessment {
            town: t.name.clone(),
            centres: 0,
            passed: 0,
            failed: 0,
            as_designed: 0,
            no_facts: 0,
            upgrade_cost: 0.0,
        })
        .collect();
    let site_towns = county.site_towns();
    for (c, comm) in centres.iter().zip(&plan.communities) {
        let t = &mut towns[site_towns[comm.site as usize] as usize];
        t.centres += 1;
        if c.passed {
            t.passed += 1;
        } else {
            t.failed += 1;
        }
        match c.basis {
            Basis::Design => t.as_designed += 1,
            Basis::None => t.no_facts += 1,
            Basis::Facts => {}
        }
        t.upgrade_cost += c.upgrade_cost.unwrap_or(0.0);
    }
    Ok(Assessment {
        format_version: ASSESSMENT_FORMAT_VERSION,
        standard: standard.clone(),
        options: *options,
        centres,
        towns,
        unused_facts,
    })
}

/// A number of m², households or persons for a message: whole numbers without decimals,
/// thousands separated by commas.
fn num(x: f64) -> String {
    let rounded = (x * 10.0).round() / 10.0;
    let text = if rounded.fract() == 0.0 { format!("{rounded:.0}") } else { format!("{rounded:.1}") };
    let (int, frac) = text.split_once('.').map_or((text.as_str(), ""), |(a, b)| (a, b));
    let (sign, digits) = int.strip_prefix('-').map_or(("", int), |d| ("-", d));
    let mut grouped = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    if frac.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}.{frac}")
    }
}

fn short(required: f64, have: f64) -> bool {
    have < required - TOLERANCE * required.abs().max(1.0)
}

/// The building a centre is assessed on: facts, or the design of a new build.
struct Building<'a> {
    area: f64,
    rooms: BTreeMap<String, Option<f64>>,
    staff: Option<u32>,
    facts: Option<&'a CentreFacts>,
}

fn assess_centre(
    plan: &Plan,
    c: &Community,
    facts: Option<&CentreFacts>,
    standard: &Standard,
    options: &AssessOptions,
    radius: Option<f64>,
) -> CentreAssessment {
    let (required, driver) = standard.building.required_with_driver(c.households, c.population);
    let site = &plan.county.sites()[c.site as usize];
    let new_build = matches!(c.status, SiteStatus::New | SiteStatus::None);
    let (basis, building) = match facts {
        Some(f) => (
            Basis::Facts,
            Some(Building { area: f.building_area, rooms: f.rooms.clone(), staff: f.staff, facts: Some(f) }),
        ),
        None if options.as_designed && new_build => {
            let area = match (c.status, site.floor_area) {
                (SiteStatus::New, Some(a)) => a,
                _ => required,
            };
            let rooms = standard.rooms.iter().map(|r| (r.name.clone(), Some(r.build_m2))).collect();
            (Basis::Design, Some(Building { area, rooms, staff: None, facts: None }))
        }
        None => (Basis::None, None),
    };
    let mut reasons = Vec::new();
    let (mut area_short, mut rooms_short, mut renovated) = (0.0, 0.0, 0.0);
    match &building {
        None => reasons.push(Reason {
            code: ReasonCode::NoFacts,
            message: format!(
                "no facts for this centre (status {}); survey it and add a row for site '{}'",
                c.status, c.site_id
            ),
        }),
        Some(b) => {
            if short(required, b.area) {
                area_short = required - b.area;
                let why = match driver {
                    AreaDriver::Minimum => "(the minimum)".to_string(),
                    AreaDriver::Households => format!("for {} households", num(c.households)),
                    AreaDriver::Persons => format!("for {} persons", num(c.population)),
                };
                let what = if b.facts.is_some() { "building" } else { "planned building" };
                reasons.push(Reason {
                    code: ReasonCode::AreaShort,
                    message: format!("{what} {} m² < required {} m² {why}", num(b.area), num(required)),
                });
            }
            for rule in &standard.rooms {
                let found = b.rooms.iter().filter(|(name, _)| rule.matches(name)).map(|(_, a)| *a);
                let mut present = false;
                let mut best: Option<f64> = None;
                for a in found {
                    present = true;
                    if let Some(a) = a {
                        best = Some(best.map_or(a, |b: f64| b.max(a)));
                    }
                }
                if !present {
                    rooms_short += rule.build_m2;
                    reasons.push(Reason {
                        code: ReasonCode::RoomMissing,
                        message: format!(
                            "no {} room; build one of {} m² or assign a room to it",
                            rule.name,
                            num(rule.build_m2)
                        ),
                    });
                    continue;
                }
                let Some(min) = rule.min_m2 else { continue };
                match best {
                    Some(a) if short(min, a) => {
                        rooms_short += min - a;
                        renovated += a;
                        reasons.push(Reason {
                            code: ReasonCode::RoomSmall,
                            message: format!("{} {} m² < required {} m²", rule.name, num(a), num(min)),
                        });
                    }
                    Some(_) => {}
                    None => reasons.push(Reason {
                        code: ReasonCode::RoomAreaUnknown,
                        message: format!(
                            "{} area not given; the standard requires ≥ {} m²; measure it{}",
                            rule.name,
                            num(min),
                            if rule.name == HALL { " (hall_area)" } else { "" }
                        ),
                    }),
                }
            }
        }
    }
    if standard.check_radius {
        let mut beyond = 0usize;
        let mut farthest: Option<(f64, u32)> = None;
        for &v in &c.villages {
            let a = &plan.assignments[v as usize];
            let d = a.distance.unwrap_or(f64::INFINITY);
            let outside = match radius {
                // The plan's own limit (metres or minutes, as the plan was made): its verdict.
                None => a.beyond_radius,
                Some(r) => d > r * (1.0 + TOLERANCE),
            };
            if outside {
                beyond += 1;
                if farthest.is_none_or(|(fd, _)| d > fd) {
                    farthest = Some((d, v));
                }
            }
        }
        if let Some((d, v)) = farthest {
            let id = &plan.county.villages()[v as usize].id;
            let dist = if d.is_finite() { format!("{} m", num(d)) } else { "unknown distance".to_string() };
            reasons.push(Reason {
                code: ReasonCode::RadiusExceeded,
                message: format!(
                    "{beyond} member village{} beyond {} of the centre (farthest {id} at {dist}); re-plan so \
                     they join a nearer centre",
                    if beyond == 1 { "" } else { "s" },
                    radius.map_or_else(|| "the plan's service limit".to_string(), |r| format!("{} m", num(r)))
                ),
            });
        }
    }
    if let (Some(min), Some(b)) = (standard.min_staff, &building) {
        match b.staff {
            Some(s) if s < min => {
                reasons.push(Reason { code: ReasonCode::StaffShort, message: format!("{s} staff < required {min}") })
            }
            Some(_) => {}
            None => reasons.push(Reason {
                code: ReasonCode::StaffUnknown,
                message: format!("staff count not given; the standard requires ≥ {min} staff"),
            }),
        }
    }
    let (new_area, upgrade_cost) = match building {
        Some(_) => {
            let new_area = f64::max(area_short, rooms_short);
            let cost = new_area * options.cost_new_yuan_per_m2 + renovated * options.cost_renovate_yuan_per_m2;
            (new_area, Some(cost))
        }
        None => (0.0, None),
    };
    CentreAssessment {
        community: c.id,
        site: c.site_id.clone(),
        town: c.town.clone(),
        status: c.status,
        basis,
        households: c.households,
        population: c.population,
        required_area_m2: required,
        building_area_m2: building.as_ref().map(|b| b.area),
        passed: reasons.is_empty(),
        reasons,
        new_area_m2: new_area,
        renovated_area_m2: renovated,
        upgrade_cost,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_well() {
        assert_eq!(num(231.0), "231");
        assert_eq!(num(2450.4), "2,450.4");
        assert_eq!(num(1_234_567.0), "1,234,567");
        assert_eq!(num(-1500.0), "-1,500");
        assert_eq!(num(0.25), "0.3");
        assert_eq!(num(999.96), "1,000");
    }
}
