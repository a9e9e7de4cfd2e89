//! Seeded centre facts for the pilot sites of a county ([`sample_facts`]), for demonstrating and
//! testing the acceptance assessment.

use rand::RngExt;
use rand_chacha::ChaCha8Rng;

use crate::assess::{CentreFacts, Facts};
use crate::defaults::{required_floor_area, CLINIC_M2, ONE_STOP_HALL_M2, SERVICE_RADIUS_M};
use crate::error::Result;
use crate::model::{Instance, SiteStatus};
use crate::spatial::{Metric, PointIndex};

/// Share of the pilots that can open which meet the default standard for their catchment.
const MEETS_SHARE: f64 = 0.5;
/// Share of the pilots that can open whose building stays short of their catchment's need.
const AREA_SHORT_SHARE: f64 = 0.25;
/// Probability that a pilot with room defects has a second one.
const SECOND_DEFECT: f64 = 0.3;
/// Probability of each optional room (elderly, children, library).
const OPTIONAL_ROOM: f64 = 0.5;

/// What a pilot's facts are drawn to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    /// Meets the default standard for every community inside its catchment.
    Meets,
    /// The building is smaller than the catchment needs.
    AreaShort,
    /// One or two required rooms are missing or too small.
    RoomsShort,
}

/// Room defects a `RoomsShort` pilot can have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Defect {
    NoPolice,
    NoClinic,
    NoCulture,
    NoOffice,
    SmallClinic,
    SmallHall,
}

const DEFECTS: [Defect; 6] =
    [Defect::NoPolice, Defect::NoClinic, Defect::NoCulture, Defect::NoOffice, Defect::SmallClinic, Defect::SmallHall];

/// Households of the villages of the site's town within the default service radius of it: the
/// most a community around this centre can serve when communities stay inside towns.
fn catchment_households(county: &Instance, index: &PointIndex, s: usize) -> f64 {
    let site = &county.sites()[s];
    let town = county.site_towns()[s];
    let village_towns = county.village_towns();
    let mut members: Vec<u32> = Vec::new();
    index.for_each_within([site.x, site.y], SERVICE_RADIUS_M, |v, _| {
        if village_towns[v as usize] == town {
            members.push(v);
        }
    });
    members.sort_unstable();
    let villages = county.villages();
    members.iter().map(|&v| villages[v as usize].households_or_default()).fold(0.0, |a, b| a + b)
}

/// A whole number of m² drawn uniformly from `[lo, hi]`.
fn area(rng: &mut ChaCha8Rng, lo: f64, hi: f64) -> f64 {
    rng.random_range(lo..=hi).round()
}

/// Seeded, plausible centre facts for every pilot site of a county (every site whose status is
/// not `none`): the survey a county makes before its acceptance check.
///
/// The facts are drawn from their own random stream (ChaCha8 seeded from `seed` and the label
/// `"facts"`), so they never change the county, and the same county and seed always give the
/// same facts. For each pilot, in site order:
///
/// 1. **Catchment.** H = the households of the villages of its town within 2 km
///    ([`SERVICE_RADIUS_M`]); N = [`required_floor_area`]`(H)`, the area the default standard
///    asks of the largest community the centre can serve inside its town.
/// 2. **Class.** The pilots that can open (status other than `no_space`) are dealt, in random
///    order, exact shares of three classes: half *meets* (rounded), a quarter *area short*, the
///    rest *rooms short*; `no_space` pilots get a class at random (they never become centres).
/// 3. **Building area** (whole m²), from the site's `floor_area` F (200 m² when unknown):
///    *meets* and *rooms short* max(F, ⌈N⌉) — the pilot works brought the building up to its
///    catchment's need; *area short* min(F, ⌊U·N⌋) with U ~ U[0.55, 0.9].
/// 4. **Rooms** (whole m²): hall U[50, 120], clinic U[80, 150], police U[15, 30], culture
///    U[40, 120], office U[20, 60], and each of elderly U[30, 80], children U[20, 60] and
///    library U[20, 50] with probability ½. *Rooms short* pilots then get one defect, and a
///    second with probability 0.3, among: no police room, no clinic, no culture room, no office,
///    a clinic of U[50, 79] m², a hall of U[30, 49] m².
/// 5. **Staff**: uniform in 3–7 (rural committees, DOMAIN.md §2).
///
/// So, under the default [`Standard`](crate::assess::Standard), every *meets* pilot passes in
/// any plan that keeps communities inside towns within a 2 km radius (its community is part of
/// its catchment), every *rooms short* pilot fails for its rooms, and an *area short* pilot
/// fails for its area unless its community is much smaller than its catchment. With the 25
/// pilots of the sample county that can open all made centres, about half pass.
///
/// # Arguments
/// * `county` — any county; only its pilot sites get facts.
/// * `seed` — the seed of the facts' stream (the sample county uses the county's seed, 2008).
///
/// # Returns
/// The facts, one row per pilot site in site order (empty when the county has no pilots).
///
/// # Errors
/// Only as [`Facts::new`], which does not fail on the values drawn here.
///
/// # Complexity
/// O(V log V + p·k) time for V villages, p pilots and k villages within 2 km of a pilot; O(V)
/// auxiliary space for the R-tree.
///
/// # Examples
/// ```
/// use villageplan::datasets::{sample_county, sample_facts};
/// let county = sample_county(2008)?;
/// let facts = sample_facts(&county, 2008)?;
/// assert_eq!(facts.len(), 28);                       // one row per pilot site
/// assert_eq!(sample_facts(&county, 2008)?, facts);   // deterministic
/// # Ok::<(), villageplan::error::Error>(())
/// ```
pub fn sample_facts(county: &Instance, seed: u64) -> Result<Facts> {
    let mut rng = super::sample::step_rng(seed, "facts");
    let sites = county.sites();
    let pilots: Vec<usize> = (0..sites.len()).filter(|&s| sites[s].status != SiteStatus::None).collect();
    if pilots.is_empty() {
        return Facts::new(Vec::new());
    }
    let index = PointIndex::new(county.villages().iter().map(|v| [v.x, v.y]), Metric::for_crs(county.crs()));

    // Deal the classes to the pilots that can open.
    let openable = pilots.iter().filter(|&&s| sites[s].status != SiteStatus::NoSpace).count();
    let meets = (MEETS_SHARE * openable as f64).round() as usize;
    let area_short = ((AREA_SHORT_SHARE * openable as f64).round() as usize).min(openable - meets);
    let mut deck: Vec<Class> = std::iter::repeat_n(Class::Meets, meets)
        .chain(std::iter::repeat_n(Class::AreaShort, area_short))
        .chain(std::iter::repeat_n(Class::RoomsShort, openable - meets - area_short))
        .collect();
    for k in (1..deck.len()).rev() {
        let j = rng.random_range(0..=k);
        deck.swap(k, j);
    }
    let mut deck = deck.into_iter();

    let mut centres = Vec::with_capacity(pilots.len());
    for &s in &pilots {
        let site = &sites[s];
        let class = if site.status == SiteStatus::NoSpace {
            [Class::Meets, Class::AreaShort, Class::RoomsShort][rng.random_range(0..3usize)]
        } else {
            deck.next().unwrap_or(Class::Meets)
        };
        let need = required_floor_area(catchment_households(county, &index, s));
        let floor = site.floor_area.unwrap_or(crate::defaults::MIN_BUILDING_M2);
        let building = match class {
            Class::AreaShort => floor.min((rng.random_range(0.55..=0.9) * need).floor()),
            Class::Meets | Class::RoomsShort => floor.max(need.ceil()),
        };
        let mut c = CentreFacts::new(site.id.clone(), building)
            .room("hall", Some(area(&mut rng, ONE_STOP_HALL_M2, 120.0)))
            .room("clinic", Some(area(&mut rng, CLINIC_M2, 150.0)))
            .room("police", Some(area(&mut rng, 15.0, 30.0)))
            .room("culture", Some(area(&mut rng, 40.0, 120.0)))
            .room("office", Some(area(&mut rng, 20.0, 60.0)));
        for (name, lo, hi) in [("elderly", 30.0, 80.0), ("children", 20.0, 60.0), ("library", 20.0, 50.0)] {
            let a = area(&mut rng, lo, hi);
            if rng.random_bool(OPTIONAL_ROOM) {
                c = c.room(name, Some(a));
            }
        }
        if class == Class::RoomsShort {
            let first = DEFECTS[rng.random_range(0..DEFECTS.len())];
            let second = rng.random_bool(SECOND_DEFECT).then(|| DEFECTS[rng.random_range(0..DEFECTS.len())]);
            for d in std::iter::once(first).chain(second) {
                match d {
                    Defect::NoPolice => c.rooms.remove("police"),
                    Defect::NoClinic => c.rooms.remove("clinic"),
                    Defect::NoCulture => c.rooms.remove("culture"),
                    Defect::NoOffice => c.rooms.remove("office"),
                    Defect::SmallClinic => c.rooms.insert("clinic".into(), Some(area(&mut rng, 50.0, CLINIC_M2 - 1.0))),
                    Defect::SmallHall => {
                        c.rooms.insert("hall".into(), Some(area(&mut rng, 30.0, ONE_STOP_HALL_M2 - 1.0)))
                    }
                };
            }
        }
        c.staff = Some(rng.random_range(3..=7u32));
        centres.push(c);
    }
    Facts::new(centres)
}
