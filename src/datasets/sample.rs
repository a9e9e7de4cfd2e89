//! The seeded synthetic "sample county" (DOMAIN.md §7).
//!
//! A plausible North-China plain county, generated in steps, each with its own random stream:
//!
//! 1. **boundary**: a noisy, roughly round polygon of exactly `area_km2`;
//! 2. **towns**: town seats placed by Poisson-disc dart throwing; town 0 is the county-seat
//!    subdistrict near the centre;
//! 3. **villages**: per-town counts from a negative binomial, positions from a Thomas cluster
//!    process around each seat plus a uniform background, every village in its seat's Voronoi
//!    cell and at least 400 m from every other village;
//! 4. **population**: lognormal village sizes, larger near the seats;
//! 5. **sites**: every village a candidate site, plus the pilot sites of the speech (new
//!    building, rebuild, no space).
//!
//! The stream of a step is seeded from the seed and the step's label only, so a step added later
//! (roads) leaves the earlier outputs unchanged.

use std::f64::consts::{PI, TAU};

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Gamma, LogNormal, Normal, Poisson};
use serde::{Deserialize, Serialize};

use super::geom::{self, haversine_km, planar_dist, Grid, Projection, Ring};
use super::names;
use crate::defaults::{new_build_cost, rebuild_cost, required_floor_area, MIN_BUILDING_M2, PERSONS_PER_HOUSEHOLD};
use crate::error::{Error, Result};
use crate::model::{Crs, Instance, Site, SiteStatus, Town, Village};

/// Villages of the default county (DOMAIN.md §7.3).
const DEFAULT_VILLAGES: usize = 300;
/// Area of the default county, km² (DOMAIN.md §7.1).
const DEFAULT_AREA_KM2: f64 = 1200.0;
/// Villages per town kept by the scaling rule (300 / 12).
const VILLAGES_PER_TOWN: usize = 25;
/// Most villages accepted.
const MAX_VILLAGES: usize = 10_000_000;
/// Highest village density accepted, per km² (4× the default; DOMAIN.md §7.3 gives 0.3–0.8 for
/// plains). A 400 m hard core packs at most about 4 random points per km², and towns with twice
/// the mean count in a small cell, plus the clusters, need the slack.
const MAX_DENSITY_PER_KM2: f64 = 1.0;
/// Vertices of the boundary polygon.
const BOUNDARY_VERTICES: usize = 64;
/// Town-seat spacing in km at 100 km² per town (DOMAIN.md §7.2: 7–9 km).
const TOWN_SPACING_KM: f64 = 8.0;
/// Smallest distance of a seat from the boundary, as a share of the seat spacing.
const SEAT_EDGE_MARGIN: f64 = 0.2;
/// Consecutive failed darts before the seat spacing is relaxed by 5%.
const SEAT_MAX_FAILS: usize = 300;
/// Smallest distance between two villages, km (DOMAIN.md §7.3).
const MIN_VILLAGE_SPACING_KM: f64 = 0.4;
/// Share of villages drawn uniformly (background) rather than in clusters.
const BACKGROUND_SHARE: f64 = 0.4;
/// Mean number of villages per cluster parent.
const CHILDREN_PER_PARENT: f64 = 4.0;
/// Standard deviation of cluster parents around the seat, as a share of the seat spacing.
const PARENT_SIGMA: f64 = 0.45;
/// Standard deviation of villages around their cluster parent, km.
const CHILD_SIGMA_KM: f64 = 1.5;
/// Radius of the disc of background draws around a seat, as a multiple of the seat spacing.
const BACKGROUND_RADIUS: f64 = 1.5;
/// Draws near a cluster parent before a village falls back to a background draw.
const CLUSTER_TRIES: usize = 30;
/// Background draws before giving up on a village.
const BACKGROUND_TRIES: usize = 20_000;
/// Dispersion `r` of the negative binomial of villages per town (variance = m + m²/r).
const NB_DISPERSION: f64 = 8.0;
/// Median village population (DOMAIN.md §7.4).
const POP_MEDIAN: f64 = 1100.0;
/// Log-space standard deviation of village population.
const POP_SIGMA: f64 = 0.5;
/// Population clip range.
const POP_RANGE: (f64, f64) = (150.0, 6000.0);
/// Population boost at a seat: × (1 + 0.8 · exp(−d / 1.5 km)).
const SEAT_BOOST: f64 = 0.8;
/// Decay length of the seat boost, km.
const SEAT_BOOST_KM: f64 = 1.5;

/// How many pilot sites of each status the sample county gets.
///
/// The default is the founding speech's 28 pilots (DOMAIN.md §7.6): 12 needing a new building,
/// 13 to rebuild, 3 without space, and no existing centre.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct PilotCounts {
    /// Sites that need a new building ([`SiteStatus::New`]).
    pub new: usize,
    /// Sites whose building is renovated or extended ([`SiteStatus::Rebuild`]).
    pub rebuild: usize,
    /// Sites without usable building space ([`SiteStatus::NoSpace`]).
    pub no_space: usize,
    /// Centres that already meet the standard ([`SiteStatus::Existing`]).
    pub existing: usize,
}

impl Default for PilotCounts {
    /// The speech's 28 pilots: 12 new, 13 rebuild, 3 no space, 0 existing.
    fn default() -> Self {
        Self { new: 12, rebuild: 13, no_space: 3, existing: 0 }
    }
}

impl PilotCounts {
    /// Pilot counts by status.
    pub fn new(new: usize, rebuild: usize, no_space: usize, existing: usize) -> Self {
        Self { new, rebuild, no_space, existing }
    }

    /// No pilot sites at all: every site is an ordinary candidate.
    pub fn none() -> Self {
        Self::new(0, 0, 0, 0)
    }

    /// Total number of pilot sites.
    pub fn total(&self) -> usize {
        self.new + self.rebuild + self.no_space + self.existing
    }

    /// The default counts scaled to `villages` in proportion (12, 13, 3 and 0 per 300 villages,
    /// each rounded to the nearest integer, halves up); `scaled(300)` is the default.
    pub fn scaled(villages: usize) -> Self {
        let d = Self::default();
        let s = |k: usize| {
            ((k as u128 * villages as u128 + DEFAULT_VILLAGES as u128 / 2) / DEFAULT_VILLAGES as u128) as usize
        };
        Self::new(s(d.new), s(d.rebuild), s(d.no_space), s(d.existing))
    }
}

/// Options of the synthetic county; the defaults give the demonstration county of DOMAIN.md §7.
///
/// # Scaling rule
///
/// The default county has 300 villages on 1,200 km² in 12 towns: 0.25 villages per km² and 25
/// villages per town. [`SampleOptions::scaled`] and the [`villages`](Self::villages) setter keep
/// those densities for another village count `n`:
///
/// * `area_km2 = 1200 · n / 300` (that is, 4 km² per village);
/// * `towns = max(1, round(n / 25))`;
/// * `pilots = PilotCounts::scaled(n)` (12, 13, 3, 0 per 300 villages).
///
/// The setter rescales a field only while it still follows the rule for the current village
/// count (at first, while it holds its default), so `SampleOptions::default().villages(100_000)`
/// gives 400,000 km² and 4,000 towns, while `.area_km2(500.0).villages(1_000)` keeps 500 km².
/// To override a rescaled field, set it after calling `villages`. Setting the public fields
/// directly never rescales anything.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SampleOptions {
    /// Number of administrative villages (default 300).
    pub villages: usize,
    /// Number of towns, the first being the county-seat subdistrict (default 12).
    pub towns: usize,
    /// County area in km² (default 1,200).
    pub area_km2: f64,
    /// Pilot sites by status (default 12 new, 13 rebuild, 3 no space, 0 existing).
    pub pilots: PilotCounts,
    /// Longitude and latitude of the county centre, degrees (default `[119.40, 36.00]`, near
    /// Zhucheng, Shandong).
    pub origin: [f64; 2],
    /// Generate the road network (default true); off saves time and memory in benchmarks that
    /// only need villages.
    pub roads: bool,
}

impl Default for SampleOptions {
    fn default() -> Self {
        Self {
            villages: DEFAULT_VILLAGES,
            towns: scaled_towns(DEFAULT_VILLAGES),
            area_km2: DEFAULT_AREA_KM2,
            pilots: PilotCounts::default(),
            origin: [119.40, 36.00],
            roads: true,
        }
    }
}

/// Area in km² the scaling rule gives for `n` villages: 1200 · n / 300.
fn scaled_area(n: usize) -> f64 {
    DEFAULT_AREA_KM2 * n as f64 / DEFAULT_VILLAGES as f64
}

/// Towns the scaling rule gives for `n` villages: max(1, round(n / 25)).
fn scaled_towns(n: usize) -> usize {
    ((n + VILLAGES_PER_TOWN / 2) / VILLAGES_PER_TOWN).max(1)
}

impl SampleOptions {
    /// Options for `n` villages at the default densities: 1200·n/300 km², max(1, round(n/25))
    /// towns and [`PilotCounts::scaled`]`(n)` pilots (see the scaling rule in the type's doc).
    ///
    /// # Examples
    /// ```
    /// use villageplan::datasets::SampleOptions;
    /// let o = SampleOptions::scaled(100_000);
    /// assert_eq!((o.villages, o.towns, o.area_km2), (100_000, 4_000, 400_000.0));
    /// assert_eq!(SampleOptions::scaled(300), SampleOptions::default());
    /// ```
    pub fn scaled(n_villages: usize) -> Self {
        Self::default().villages(n_villages)
    }

    /// Set the number of villages, rescaling `area_km2`, `towns` and `pilots` that still follow
    /// the scaling rule for the current count (see the type's doc).
    #[must_use]
    pub fn villages(mut self, n: usize) -> Self {
        let old = self.villages;
        if self.area_km2.to_bits() == scaled_area(old).to_bits() {
            self.area_km2 = scaled_area(n);
        }
        if self.towns == scaled_towns(old) {
            self.towns = scaled_towns(n);
        }
        if self.pilots == PilotCounts::scaled(old) {
            self.pilots = PilotCounts::scaled(n);
        }
        self.villages = n;
        self
    }

    /// Set the number of towns (the first is the county-seat subdistrict).
    #[must_use]
    pub fn towns(mut self, n: usize) -> Self {
        self.towns = n;
        self
    }

    /// Set the county area, km².
    #[must_use]
    pub fn area_km2(mut self, area: f64) -> Self {
        self.area_km2 = area;
        self
    }

    /// Set the pilot sites by status.
    #[must_use]
    pub fn pilots(mut self, pilots: PilotCounts) -> Self {
        self.pilots = pilots;
        self
    }

    /// Generate the road network, or not.
    #[must_use]
    pub fn roads(mut self, yes: bool) -> Self {
        self.roads = yes;
        self
    }

    /// Set the county centre, `[lon, lat]` in degrees.
    #[must_use]
    pub fn origin(mut self, origin: [f64; 2]) -> Self {
        self.origin = origin;
        self
    }

    /// Check the options before generating.
    fn validate(&self) -> Result<()> {
        let n = self.villages;
        if n == 0 {
            return Err(Error::param("villages", "must be at least 1; the default county has 300"));
        }
        if n > MAX_VILLAGES {
            return Err(Error::param(
                "villages",
                format!("{n} is more than the {MAX_VILLAGES} the generator supports"),
            ));
        }
        if self.towns == 0 {
            return Err(Error::param(
                "towns",
                "must be at least 1; the default county has 12 (about 25 villages per town)",
            ));
        }
        if self.towns > n {
            return Err(Error::param(
                "towns",
                format!(
                    "{} towns but only {n} villages; every town needs at least one village, so use at most {n} towns (about {} keeps 25 villages per town)",
                    self.towns,
                    scaled_towns(n)
                ),
            ));
        }
        let a = self.area_km2;
        if !a.is_finite() || a <= 0.0 {
            return Err(Error::param(
                "area_km2",
                format!(
                    "must be a finite number of km² above 0, got {a}; the default county has 1200 (4 km² per village)"
                ),
            ));
        }
        if n as f64 / a > MAX_DENSITY_PER_KM2 {
            return Err(Error::param(
                "area_km2",
                format!(
                    "{n} villages on {a} km² is {:.2} villages per km², more than the {MAX_DENSITY_PER_KM2} per km² the generator supports (clustered villages 400 m apart need room); use area_km2 ≥ {} (the default density is 0.25 per km²)",
                    n as f64 / a,
                    (n as f64 / MAX_DENSITY_PER_KM2).ceil()
                ),
            ));
        }
        let p = self.pilots.total();
        if p > n {
            return Err(Error::param(
                "pilots",
                format!("{p} pilot sites ({:?}) but only {n} villages; each pilot is a distinct village, so lower the counts", self.pilots),
            ));
        }
        let [lon, lat] = self.origin;
        if !lon.is_finite() || !lat.is_finite() || !(-180.0..=180.0).contains(&lon) || !(-80.0..=80.0).contains(&lat) {
            return Err(Error::param(
                "origin",
                format!("[{lon}, {lat}] is not a usable [lon, lat]; give a longitude in [-180, 180] and a latitude in [-80, 80] degrees"),
            ));
        }
        Ok(())
    }
}

/// A generated sample county: the planning instance, the county boundary and the seed.
#[derive(Debug, Clone, PartialEq)]
pub struct SampleCounty {
    /// Villages, towns (with seats) and candidate sites, in lon/lat ([`Crs::Geographic`]).
    pub instance: Instance,
    /// The county boundary as a closed lon/lat ring (degrees; the first vertex is repeated at the
    /// end, counter-clockwise), ready for a GeoJSON polygon.
    pub boundary: Vec<[f64; 2]>,
    /// The seed it was generated from.
    pub seed: u64,
}

impl SampleCounty {
    /// Generate a synthetic county from a seed.
    ///
    /// Builds the county of DOMAIN.md §7 in five steps, each drawing from its own ChaCha8
    /// stream seeded by `seed` and the step's name, so the same `seed` and `options` always give
    /// the same county, byte for byte, on any thread count:
    ///
    /// 1. **Boundary.** A 64-gon around the origin whose radius is modulated by five seeded
    ///    low-frequency sinusoids (harmonics 2–6) and ±1.5% vertex noise, rescaled to exactly
    ///    `area_km2`.
    /// 2. **Towns.** Seat 0 (the county-seat "Chengguan Subdistrict") near the centre, the others
    ///    by Poisson-disc dart throwing (Cook 1986) with spacing 8 km · √(area per town / 100 km²)
    ///    and at least 0.2 spacing from the boundary, the spacing relaxed by 5% after 300
    ///    consecutive misses. Other towns get unique pinyin names ("Longquan Town").
    /// 3. **Villages.** Per-town counts from a negative binomial (gamma–Poisson, mean
    ///    villages/towns, variance m + m²/8), clipped to [max(1, ⌈0.4m⌉), ⌊2m⌋] and adjusted at
    ///    random to the exact total. Positions: 60% from a Thomas process (Thomas 1949) — about
    ///    4 villages per parent, parents N(seat, (0.45 · spacing)²) per axis, villages
    ///    N(parent, (1.5 km)²) per axis — and 40% uniform in a disc of 1.5 spacings around the
    ///    seat. These settings make a 2 km community hold about 6–7 villages, as in Zhucheng
    ///    (1,249 villages in 208 communities) and Weifang (5–8). A draw is kept only if it
    ///    lies inside the boundary, is strictly nearer (great-circle) to its own seat than to any
    ///    other (so towns are the seats' Voronoi cells), and is at least 400 m (great-circle)
    ///    from every village so far; otherwise it is redrawn. Ids are `V0001`, `V0002`, … (as
    ///    many digits as needed, at least 4), in town order; names are pinyin ("Zhangjiazhuang",
    ///    "Dongliuzhai"), unique within each town and, for the first 15,000 or so villages,
    ///    across the county.
    /// 4. **Population.** Lognormal with median 1,100 and σ = 0.5, times
    ///    1 + 0.8 · exp(−d / 1.5 km) for the great-circle distance d to the town seat, clipped to
    ///    [150, 6000] and rounded to whole persons (the boost lifts the county's median village
    ///    to about 1,100–1,300); households = round(population / 2.8).
    /// 5. **Sites.** Every village is a candidate ([`SiteStatus::None`], no floor area, cost
    ///    [`new_build_cost`]`(200 m²)` = 320,000 yuan), with the site id equal to the village
    ///    id. The pilots are drawn by population-weighted sampling without replacement
    ///    (Efraimidis & Spirakis 2006), at most ⌈pilots/towns⌉ + 1 per town while possible, and
    ///    given their statuses in random order: `new` floor area U[200, 600] m², cost
    ///    [`new_build_cost`]; `rebuild` U[80, 600] m², cost
    ///    [`rebuild_cost`]`(area, `[`required_floor_area`]`(households))`; `no_space` U[80, 200] m²,
    ///    no cost; `existing` U[200, 600] m², cost 0. Areas are whole m², costs whole yuan.
    ///
    /// Work is done in planar km on the sinusoidal (equal-area) projection centred on
    /// `options.origin`, on the sphere of geo's [`Haversine`](geo::Haversine) (R = 6,371.0088 km):
    /// `lat = lat0 + y/R`, `lon = lon0 + x/(R·cos lat)` (radians). Positions are rounded to
    /// 1e-6° (about 0.1 m) before they are checked, so the 400 m spacing and the nearest-seat
    /// rule hold exactly for the output coordinates under [`Haversine`](geo::Haversine). The
    /// polygon's spherical area equals `area_km2` (the projection is equal-area). Very large
    /// areas (millions of km²) stretch far from the origin, where lon/lat distances differ from
    /// planar ones by up to `1 + Δlon·sin(lat)`; the guarantees above still hold.
    ///
    /// References: Thomas, M. (1949) A generalization of Poisson's binomial limit for use in
    /// ecology, *Biometrika* 36, 18–25. Cook, R. L. (1986) Stochastic sampling in computer
    /// graphics, *ACM TOG* 5(1), 51–72. Efraimidis, P. S. & Spirakis, P. G. (2006) Weighted
    /// random sampling with a reservoir, *IPL* 97(5), 181–185. Snyder, J. P. (1987) *Map
    /// Projections — A Working Manual*, USGS PP 1395.
    ///
    /// # Arguments
    /// * `seed` — any `u64`; DOMAIN.md §7 uses 2008.
    /// * `options` — sizes, pilots and origin; [`SampleOptions::default`] is the demo county and
    ///   [`SampleOptions::scaled`] keeps its densities for other sizes.
    ///
    /// # Returns
    /// The county: a validated [`Instance`] in [`Crs::Geographic`] named
    /// `"Sample County (seed <seed>)"` (villages in town order, one site per village in the same
    /// order, towns with their seats), the closed boundary ring and the seed.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming the option when `villages` is 0 or above 10 million,
    /// `towns` is 0 or above `villages`, `area_km2` is not a positive finite number or gives more
    /// than 1 village per km², the pilots outnumber the villages, `origin` is not a valid
    /// lon/lat with |lat| ≤ 80, or the county would reach beyond latitude ±85° or longitude ±180°
    /// (area too large for the origin). [`Error::Internal`] if a step fails in a way that the
    /// checks above should have ruled out.
    ///
    /// # Complexity
    /// Expected O(n log n + t + a / c²) time for n villages, t towns and a grid of cells of
    /// c ≈ √(4a/n) km over the area a — the spacing and nearest-seat checks visit only nearby
    /// grid cells, never all pairs, and the log factor is the pilot sort. O(n + t) auxiliary
    /// space plus one `u32` per grid cell (about 4n cells). One million villages take a few
    /// seconds in a release build.
    ///
    /// # Examples
    /// ```
    /// use villageplan::datasets::{SampleCounty, SampleOptions};
    /// let c = SampleCounty::generate(7, &SampleOptions::scaled(1_000))?;
    /// assert_eq!(c.instance.n_villages(), 1_000);
    /// assert_eq!(c.instance.towns().len(), 40);
    /// assert_eq!(c.boundary.first(), c.boundary.last());
    /// # Ok::<(), villageplan::error::Error>(())
    /// ```
    pub fn generate(seed: u64, options: &SampleOptions) -> Result<SampleCounty> {
        options.validate()?;
        let proj = Projection::new(options.origin);
        let boundary = make_boundary(seed, options, proj)?;
        let seats = place_seats(seed, options, &boundary, proj)?;
        let placed = place_villages(seed, options, &boundary, &seats)?;
        let population = village_population(seed, &placed, &seats)?;

        let town_names = names::town_names(&mut step_rng(seed, "town_names"), options.towns);
        let village_names = names::village_names(&mut step_rng(seed, "village_names"), &placed.town, options.towns);
        let width = options.villages.to_string().len().max(4);
        let villages: Vec<Village> = (0..placed.lonlat.len())
            .map(|i| {
                let [lon, lat] = placed.lonlat[i];
                let pop = population[i];
                Village {
                    id: format!("V{:0width$}", i + 1),
                    name: village_names[i].clone(),
                    town: town_names[placed.town[i] as usize].clone(),
                    x: lon,
                    y: lat,
                    population: pop,
                    households: Some((pop / PERSONS_PER_HOUSEHOLD).round()),
                }
            })
            .collect();
        let towns: Vec<Town> =
            town_names.into_iter().zip(&seats.lonlat).map(|(name, &seat)| Town { name, seat: Some(seat) }).collect();
        let sites = make_sites(seed, options, &villages, &placed.town)?;
        let instance = Instance::new(Crs::Geographic, villages, Some(sites), Some(towns))
            .map_err(|e| Error::Internal(format!("the sample county failed validation: {e}")))?
            .with_name(format!("Sample County (seed {seed})"));
        let instance = if options.roads {
            let ids: Vec<String> = instance.villages().iter().map(|v| v.id.clone()).collect();
            let net = super::roads::make_roads(
                &mut step_rng(seed, "roads"),
                proj,
                &seats.lonlat,
                &ids,
                &placed.lonlat,
                &placed.town,
            )?;
            instance.with_roads(net)?
        } else {
            instance
        };
        let mut ring = boundary.lonlat.points.clone();
        ring.push(ring[0]);
        Ok(SampleCounty { instance, boundary: ring, seed })
    }
}

/// The default demonstration county: 300 villages in 12 towns on 1,200 km² around Zhucheng's
/// position, with 28 pilot sites (12 new, 13 rebuild, 3 no space).
///
/// Shorthand for [`SampleCounty::generate`]`(seed, &SampleOptions::default())` keeping only the
/// instance; see there for the recipe, references and guarantees. DOMAIN.md §7 uses seed 2008.
///
/// # Arguments
/// * `seed` — any `u64`; the same seed always gives the same county.
///
/// # Returns
/// A validated [`Instance`] in lon/lat ([`Crs::Geographic`]).
///
/// # Errors
/// Only [`Error::Internal`], which would be a bug.
///
/// # Complexity
/// A few milliseconds (fixed size).
///
/// # Examples
/// ```
/// use villageplan::datasets::sample_county;
/// use villageplan::model::SiteStatus;
///
/// let county = sample_county(2008)?;
/// assert_eq!(county.n_villages(), 300);
/// assert_eq!(county.towns().len(), 12);
/// assert_eq!(county.towns()[0].name, "Chengguan Subdistrict");
/// let pilots = county.sites().iter().filter(|s| s.status != SiteStatus::None).count();
/// assert_eq!(pilots, 28);
/// // Deterministic: the same seed gives the same county.
/// assert_eq!(sample_county(2008)?, county);
/// # Ok::<(), villageplan::error::Error>(())
/// ```
pub fn sample_county(seed: u64) -> Result<Instance> {
    SampleCounty::generate(seed, &SampleOptions::default()).map(|c| c.instance)
}

// ---------------------------------------------------------------------------------------------
// Random streams

/// FNV-1a hash of a step label (stable across Rust versions, unlike `DefaultHasher`).
fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// SplitMix64 finaliser, to decorrelate nearby seeds.
fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The random stream of one generation step: ChaCha8 seeded from `seed` and the step label.
pub(crate) fn step_rng(seed: u64, step: &str) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(splitmix64(seed ^ fnv1a64(step.as_bytes())))
}

fn internal<E: std::fmt::Display>(what: &str) -> impl Fn(E) -> Error + '_ {
    move |e| Error::Internal(format!("sample county: {what}: {e}"))
}

// ---------------------------------------------------------------------------------------------
// Step 1: boundary

/// The county boundary in planar km and in lon/lat, with the projection's distortion bound.
struct Boundary {
    proj: Projection,
    km: Ring,
    lonlat: Ring,
    /// `K` of [`Projection::distortion_bound`] over the county.
    distortion: f64,
}

fn make_boundary(seed: u64, options: &SampleOptions, proj: Projection) -> Result<Boundary> {
    let mut rng = step_rng(seed, "boundary");
    let harmonics: Vec<(f64, f64, f64)> = (2..=6)
        .map(|k| {
            let k = f64::from(k);
            (k, rng.random_range(0.5..1.0) * 0.18 / k, rng.random_range(0.0..TAU))
        })
        .collect();
    let mut pts: Vec<[f64; 2]> = Vec::with_capacity(BOUNDARY_VERTICES);
    for i in 0..BOUNDARY_VERTICES {
        let th = TAU * i as f64 / BOUNDARY_VERTICES as f64;
        let r: f64 = 1.0 + harmonics.iter().map(|&(k, a, ph)| a * (k * th + ph).sin()).sum::<f64>();
        let r = r * (1.0 + rng.random_range(-0.015..0.015));
        pts.push([r * th.cos(), r * th.sin()]);
    }
    let unit_area = geom::signed_area(&pts);
    if unit_area.is_nan() || unit_area <= 0.0 {
        return Err(Error::Internal(format!("sample county: boundary area {unit_area} is not positive")));
    }
    let scale = (options.area_km2 / unit_area).sqrt();
    let mut lonlat = Vec::with_capacity(BOUNDARY_VERTICES);
    let mut km = Vec::with_capacity(BOUNDARY_VERTICES);
    for p in &pts {
        let q = [p[0] * scale, p[1] * scale];
        let lat = proj.to_lonlat(q)[1];
        if !(-85.0..=85.0).contains(&lat) {
            return Err(too_large(options, "latitude", lat));
        }
        let (ll, k) = proj.snap(q);
        if !(-180.0..=180.0).contains(&ll[0]) {
            return Err(too_large(options, "longitude", ll[0]));
        }
        lonlat.push(ll);
        km.push(k);
    }
    let distortion = proj.distortion_bound(&lonlat);
    Ok(Boundary { proj, km: Ring::new(km), lonlat: Ring::new(lonlat), distortion })
}

fn too_large(options: &SampleOptions, axis: &str, value: f64) -> Error {
    let fix =
        if axis == "latitude" { "an origin nearer the equator" } else { "an origin farther from the 180° meridian" };
    Error::param(
        "area_km2",
        format!(
            "a county of {} km² around {:?} would reach {axis} {value:.2}°, beyond the valid range (latitude ±85°, longitude ±180°); use a smaller area (fewer villages) or {fix}",
            options.area_km2, options.origin
        ),
    )
}

// ---------------------------------------------------------------------------------------------
// Step 2: town seats

/// Town seats in planar km and lon/lat, indexed by a grid for nearest-seat queries.
struct Seats {
    km: Vec<[f64; 2]>,
    lonlat: Vec<[f64; 2]>,
    /// Final (possibly relaxed) seat spacing, km.
    spacing: f64,
    grid: Grid,
}

fn place_seats(seed: u64, options: &SampleOptions, b: &Boundary, proj: Projection) -> Result<Seats> {
    let mut rng = step_rng(seed, "towns");
    let t = options.towns;
    let d0 = TOWN_SPACING_KM * (options.area_km2 / t as f64 / 100.0).sqrt();
    let r0 = (options.area_km2 / PI).sqrt();
    let bb = b.km.bbox;
    let mut grid = Grid::new(bb, d0, 4 * t);
    let mut pts: Vec<[f64; 2]> = Vec::with_capacity(t);
    let jitter = Normal::new(0.0, 0.03 * r0).map_err(internal("seat jitter"))?;
    let mut p0 = [jitter.sample(&mut rng), jitter.sample(&mut rng)];
    if !b.km.contains(p0) {
        p0 = [0.0, 0.0];
    }
    grid.insert(p0);
    pts.push(p0);
    let mut d = d0;
    let mut fails = 0;
    while pts.len() < t {
        let p = [rng.random_range(bb[0]..bb[2]), rng.random_range(bb[1]..bb[3])];
        if !b.km.contains(p) {
            continue;
        }
        let ok =
            b.km.distance_to_edges(p) >= SEAT_EDGE_MARGIN * d && grid.visit_near(p, d, |_, q| planar_dist(p, q) >= d);
        if ok {
            grid.insert(p);
            pts.push(p);
            fails = 0;
        } else {
            fails += 1;
            if fails >= SEAT_MAX_FAILS {
                fails = 0;
                d *= 0.95;
                if d < d0 * 1e-4 {
                    return Err(Error::Internal(format!("sample county: could not place {t} town seats")));
                }
            }
        }
    }
    let mut seats =
        Seats { km: Vec::with_capacity(t), lonlat: Vec::with_capacity(t), spacing: d, grid: Grid::new(bb, d0, 4 * t) };
    for p in pts {
        let (ll, k) = proj.snap(p);
        seats.lonlat.push(ll);
        seats.km.push(k);
        seats.grid.insert(k);
    }
    Ok(seats)
}

// ---------------------------------------------------------------------------------------------
// Step 3: villages

/// Village positions (lon/lat) and town index, in town order.
struct Placed {
    lonlat: Vec<[f64; 2]>,
    town: Vec<u32>,
}

/// Villages per town: negative binomial (gamma–Poisson) around villages/towns, clipped, then
/// adjusted one at a time at random until the total is exact.
fn village_counts(rng: &mut ChaCha8Rng, n: usize, t: usize) -> Result<Vec<usize>> {
    if t == 1 {
        return Ok(vec![n]);
    }
    let mean = n as f64 / t as f64;
    let lo = ((0.4 * mean).ceil() as usize).max(1);
    let hi = ((2.0 * mean).floor() as usize).max(lo);
    let gamma = Gamma::new(NB_DISPERSION, mean / NB_DISPERSION).map_err(internal("village counts"))?;
    let mut counts = Vec::with_capacity(t);
    for _ in 0..t {
        let lambda = gamma.sample(rng).max(1e-9);
        let k: f64 = Poisson::new(lambda).map_err(internal("village counts"))?.sample(rng);
        counts.push((k as usize).clamp(lo, hi));
    }
    let mut total: usize = counts.iter().sum();
    while total != n {
        let grow = total < n;
        let start = rng.random_range(0..t);
        let j = (0..t)
            .map(|k| (start + k) % t)
            .find(|&j| if grow { counts[j] < hi } else { counts[j] > lo })
            .ok_or_else(|| Error::Internal(format!("sample county: cannot split {n} villages over {t} towns")))?;
        if grow {
            counts[j] += 1;
            total += 1;
        } else {
            counts[j] -= 1;
            total -= 1;
        }
    }
    Ok(counts)
}

/// Acceptance tests for village candidates, with the villages placed so far.
struct Placer<'a> {
    b: &'a Boundary,
    seats: &'a Seats,
    grid: Grid,
    lonlat: Vec<[f64; 2]>,
    town: Vec<u32>,
}

impl Placer<'_> {
    /// Snap `p` (planar km) and check that it is inside the county and strictly nearer
    /// (great-circle) to seat `t` than to any other seat. Returns the snapped lon/lat and km.
    fn in_cell(&self, t: usize, p: [f64; 2]) -> Option<([f64; 2], [f64; 2])> {
        let (ll, q) = self.b.proj.snap(p);
        if !self.b.lonlat.contains(ll) {
            return None;
        }
        let own = haversine_km(ll, self.seats.lonlat[t]);
        // Any seat at great-circle distance ≤ own lies within planar distance K·own.
        let r = self.b.distortion * own;
        let nearest = self.seats.grid.visit_near(q, r, |u, s| {
            u as usize == t || planar_dist(q, s) > r || haversine_km(ll, self.seats.lonlat[u as usize]) > own
        });
        nearest.then_some((ll, q))
    }

    /// Place a village of town `t` at `p` if it passes every test; returns whether it did.
    fn try_place(&mut self, t: usize, p: [f64; 2]) -> bool {
        let Some((ll, q)) = self.in_cell(t, p) else {
            return false;
        };
        // Any village within 400 m great-circle lies within planar distance K·400 m.
        let r = self.b.distortion * MIN_VILLAGE_SPACING_KM;
        let lonlat = &self.lonlat;
        let spaced = self.grid.visit_near(q, r, |j, s| {
            planar_dist(q, s) > r || haversine_km(ll, lonlat[j as usize]) >= MIN_VILLAGE_SPACING_KM
        });
        if !spaced {
            return false;
        }
        self.grid.insert(q);
        self.lonlat.push(ll);
        self.town.push(t as u32);
        true
    }
}

fn place_villages(seed: u64, options: &SampleOptions, b: &Boundary, seats: &Seats) -> Result<Placed> {
    let n = options.villages;
    let counts = village_counts(&mut step_rng(seed, "villages/counts"), n, options.towns)?;
    let mut rng = step_rng(seed, "villages/positions");
    let pad = 1.0;
    let bb = b.km.bbox;
    let bb = [bb[0] - pad, bb[1] - pad, bb[2] + pad, bb[3] + pad];
    let mut placer = Placer {
        b,
        seats,
        grid: Grid::new(bb, b.distortion * MIN_VILLAGE_SPACING_KM, 4 * n),
        lonlat: Vec::with_capacity(n),
        town: Vec::with_capacity(n),
    };
    let parent_sd = Normal::new(0.0, PARENT_SIGMA * seats.spacing).map_err(internal("cluster parents"))?;
    let child_sd = Normal::new(0.0, CHILD_SIGMA_KM).map_err(internal("cluster children"))?;
    let r_bg = BACKGROUND_RADIUS * seats.spacing;
    for (t, &n_t) in counts.iter().enumerate() {
        let seat = seats.km[t];
        let n_parents = ((n_t as f64 * (1.0 - BACKGROUND_SHARE) / CHILDREN_PER_PARENT).round() as usize).max(1);
        let mut parents = Vec::with_capacity(n_parents);
        for _ in 0..n_parents {
            let mut parent = seat;
            for _ in 0..50 {
                let p = [seat[0] + parent_sd.sample(&mut rng), seat[1] + parent_sd.sample(&mut rng)];
                if placer.in_cell(t, p).is_some() {
                    parent = p;
                    break;
                }
            }
            parents.push(parent);
        }
        for i in 0..n_t {
            let mut placed = false;
            if rng.random::<f64>() >= BACKGROUND_SHARE {
                for _ in 0..CLUSTER_TRIES {
                    let c = parents[rng.random_range(0..n_parents)];
                    let p = [c[0] + child_sd.sample(&mut rng), c[1] + child_sd.sample(&mut rng)];
                    if placer.try_place(t, p) {
                        placed = true;
                        break;
                    }
                }
            }
            if !placed {
                for _ in 0..BACKGROUND_TRIES {
                    let r = r_bg * rng.random::<f64>().sqrt();
                    let th = TAU * rng.random::<f64>();
                    if placer.try_place(t, [seat[0] + r * th.cos(), seat[1] + r * th.sin()]) {
                        placed = true;
                        break;
                    }
                }
            }
            if !placed {
                return Err(Error::param(
                    "area_km2",
                    format!(
                        "could not place village {} of {n_t} in town {t} at least 400 m from the others after {BACKGROUND_TRIES} tries; the county is too crowded, so use a larger area_km2 or more towns",
                        i + 1
                    ),
                ));
            }
        }
    }
    Ok(Placed { lonlat: placer.lonlat, town: placer.town })
}

// ---------------------------------------------------------------------------------------------
// Step 4: population

fn village_population(seed: u64, placed: &Placed, seats: &Seats) -> Result<Vec<f64>> {
    let mut rng = step_rng(seed, "population");
    let size = LogNormal::new(POP_MEDIAN.ln(), POP_SIGMA).map_err(internal("population"))?;
    Ok(placed
        .lonlat
        .iter()
        .zip(&placed.town)
        .map(|(&ll, &t)| {
            let d = haversine_km(ll, seats.lonlat[t as usize]);
            let boost = 1.0 + SEAT_BOOST * (-d / SEAT_BOOST_KM).exp();
            (size.sample(&mut rng) * boost).clamp(POP_RANGE.0, POP_RANGE.1).round()
        })
        .collect())
}

// ---------------------------------------------------------------------------------------------
// Step 5: sites

fn make_sites(seed: u64, options: &SampleOptions, villages: &[Village], town: &[u32]) -> Result<Vec<Site>> {
    let mut rng = step_rng(seed, "sites");
    let default_cost = new_build_cost(MIN_BUILDING_M2).round();
    let mut sites: Vec<Site> = villages
        .iter()
        .map(|v| {
            let mut s = Site::at_village(v, SiteStatus::None);
            s.cost = Some(default_cost);
            s
        })
        .collect();
    let p = options.pilots;
    let total = p.total();
    if total == 0 {
        return Ok(sites);
    }
    // Efraimidis–Spirakis: key = ln(u) / w, the largest keys form a weighted sample.
    let mut keyed: Vec<(f64, usize)> = villages
        .iter()
        .enumerate()
        .map(|(i, v)| ((1.0 - rng.random::<f64>()).ln() / v.population.max(1.0), i))
        .collect();
    keyed.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let cap = total.div_ceil(options.towns) + 1;
    let mut per_town = vec![0usize; options.towns];
    let mut taken = vec![false; villages.len()];
    let mut chosen = Vec::with_capacity(total);
    for capped in [true, false] {
        for &(_, i) in &keyed {
            if chosen.len() == total {
                break;
            }
            let t = town[i] as usize;
            if !taken[i] && (!capped || per_town[t] < cap) {
                taken[i] = true;
                per_town[t] += 1;
                chosen.push(i);
            }
        }
    }
    if chosen.len() != total {
        return Err(Error::Internal(format!("sample county: chose {} of {total} pilot sites", chosen.len())));
    }
    // Fisher–Yates, so that status does not follow the sampling order.
    for k in (1..chosen.len()).rev() {
        let j = rng.random_range(0..=k);
        chosen.swap(k, j);
    }
    let statuses = std::iter::repeat_n(SiteStatus::New, p.new)
        .chain(std::iter::repeat_n(SiteStatus::Rebuild, p.rebuild))
        .chain(std::iter::repeat_n(SiteStatus::NoSpace, p.no_space))
        .chain(std::iter::repeat_n(SiteStatus::Existing, p.existing));
    for (i, status) in chosen.into_iter().zip(statuses) {
        let s = &mut sites[i];
        s.status = status;
        let (area, cost) = match status {
            SiteStatus::New => {
                let a = rng.random_range(200.0..=600.0_f64).round();
                (a, Some(new_build_cost(a).round()))
            }
            SiteStatus::Rebuild => {
                let a = rng.random_range(80.0..=600.0_f64).round();
                let hh = villages[i].households_or_default();
                (a, Some(rebuild_cost(a, required_floor_area(hh)).round()))
            }
            SiteStatus::NoSpace => (rng.random_range(80.0..=200.0_f64).round(), None),
            SiteStatus::Existing => (rng.random_range(200.0..=600.0_f64).round(), Some(0.0)),
            SiteStatus::None => continue,
        };
        s.floor_area = Some(area);
        s.cost = cost;
    }
    Ok(sites)
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{GeodesicArea, LineString, Polygon};

    fn pilots_by_status(inst: &Instance) -> [usize; 5] {
        let mut c = [0; 5];
        for s in inst.sites() {
            c[SiteStatus::ALL.iter().position(|&x| x == s.status).unwrap()] += 1;
        }
        c
    }

    #[test]
    fn same_seed_same_bytes_other_seed_other_county() {
        let a = serde_json::to_string(&sample_county(2008).unwrap()).unwrap();
        let b = serde_json::to_string(&sample_county(2008).unwrap()).unwrap();
        assert_eq!(a, b);
        let c = serde_json::to_string(&sample_county(2009).unwrap()).unwrap();
        assert_ne!(a, c);
        // The boundary is deterministic too.
        let o = SampleOptions::default();
        assert_eq!(SampleCounty::generate(5, &o).unwrap(), SampleCounty::generate(5, &o).unwrap());
    }

    #[test]
    fn default_county_has_the_speech_scenario() {
        for seed in [2008, 1, 42] {
            let inst = sample_county(seed).unwrap();
            assert_eq!(inst.n_villages(), 300);
            assert_eq!(inst.n_sites(), 300);
            assert_eq!(inst.towns().len(), 12);
            assert_eq!(inst.towns()[0].name, "Chengguan Subdistrict");
            assert!(inst.towns()[1..].iter().all(|t| t.name.ends_with(" Town")));
            let mut per_town = [0usize; 12];
            for &t in inst.village_towns() {
                per_town[t as usize] += 1;
            }
            assert!(per_town.iter().all(|&k| (10..=50).contains(&k)), "{per_town:?}");
            assert_eq!(inst.villages()[0].id, "V0001");
            assert_eq!(inst.villages()[299].id, "V0300");
            let by = pilots_by_status(&inst);
            // ALL = [None, Existing, Rebuild, New, NoSpace]
            assert_eq!(by, [272, 0, 13, 12, 3], "seed {seed}");
            let mut pilots_per_town = [0usize; 12];
            for (i, s) in inst.sites().iter().enumerate() {
                let v = &inst.villages()[i];
                assert_eq!(s.id, v.id);
                assert_eq!(s.village.as_deref(), Some(v.id.as_str()));
                if s.status != SiteStatus::None {
                    pilots_per_town[inst.site_towns()[i] as usize] += 1;
                }
                match s.status {
                    SiteStatus::None => {
                        assert_eq!(s.cost, Some(320_000.0));
                        assert_eq!(s.floor_area, None);
                    }
                    SiteStatus::New => {
                        let a = s.floor_area.unwrap();
                        assert!((200.0..=600.0).contains(&a) && a.fract() == 0.0);
                        assert_eq!(s.cost, Some(new_build_cost(a).round()));
                    }
                    SiteStatus::Rebuild => {
                        let a = s.floor_area.unwrap();
                        assert!((80.0..=600.0).contains(&a) && a.fract() == 0.0);
                        let need = required_floor_area(v.households.unwrap());
                        assert_eq!(s.cost, Some(rebuild_cost(a, need).round()));
                    }
                    SiteStatus::NoSpace => {
                        let a = s.floor_area.unwrap();
                        assert!((80.0..=200.0).contains(&a));
                        assert_eq!(s.cost, None);
                    }
                    SiteStatus::Existing => unreachable!("no existing pilots by default"),
                }
            }
            assert!(pilots_per_town.iter().all(|&k| k <= 28usize.div_ceil(12) + 1), "{pilots_per_town:?}");
        }
    }

    #[test]
    fn pilots_favour_large_villages() {
        let inst = sample_county(2008).unwrap();
        let mut pilot_pop: Vec<f64> = Vec::new();
        let mut other_pop: Vec<f64> = Vec::new();
        for (s, v) in inst.sites().iter().zip(inst.villages()) {
            if s.status == SiteStatus::None {
                other_pop.push(v.population)
            } else {
                pilot_pop.push(v.population)
            }
        }
        let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
        assert!(mean(&pilot_pop) > mean(&other_pop), "{} vs {}", mean(&pilot_pop), mean(&other_pop));
    }

    #[test]
    fn existing_pilots_cost_nothing() {
        let o = SampleOptions::default().pilots(PilotCounts::new(2, 2, 1, 4));
        let c = SampleCounty::generate(3, &o).unwrap();
        let by = pilots_by_status(&c.instance);
        assert_eq!(by, [291, 4, 2, 2, 1]);
        for s in c.instance.sites().iter().filter(|s| s.status == SiteStatus::Existing) {
            assert_eq!(s.cost, Some(0.0));
            assert!((200.0..=600.0).contains(&s.floor_area.unwrap()));
        }
        let none = SampleCounty::generate(3, &SampleOptions::default().pilots(PilotCounts::none())).unwrap();
        assert!(none.instance.sites().iter().all(|s| s.status == SiteStatus::None));
        // Pilots do not change the villages.
        assert_eq!(none.instance.villages(), c.instance.villages());
    }

    #[test]
    fn population_and_households() {
        for seed in [2008, 7] {
            let inst = sample_county(seed).unwrap();
            let mut pops: Vec<f64> = inst.villages().iter().map(|v| v.population).collect();
            for v in inst.villages() {
                assert!((150.0..=6000.0).contains(&v.population), "{}", v.population);
                assert_eq!(v.population.fract(), 0.0);
                assert_eq!(v.households, Some((v.population / 2.8).round()));
            }
            pops.sort_by(f64::total_cmp);
            let median = 0.5 * (pops[149] + pops[150]);
            assert!((900.0..=1400.0).contains(&median), "median {median}");
        }
    }

    fn dist_m(a: &Village, b: &Village) -> f64 {
        use geo::{Distance, Haversine, Point};
        Haversine.distance(Point::new(a.x, a.y), Point::new(b.x, b.y))
    }

    #[test]
    fn villages_are_spaced_and_in_their_seats_voronoi_cell() {
        use geo::{Distance, Haversine, Point};
        let c = SampleCounty::generate(2008, &SampleOptions::default()).unwrap();
        let inst = &c.instance;
        let v = inst.villages();
        for i in 0..v.len() {
            for j in i + 1..v.len() {
                assert!(
                    dist_m(&v[i], &v[j]) >= 400.0,
                    "{} and {} are {} m apart",
                    v[i].id,
                    v[j].id,
                    dist_m(&v[i], &v[j])
                );
            }
        }
        let seats: Vec<[f64; 2]> = inst.towns().iter().map(|t| t.seat.unwrap()).collect();
        let poly = Polygon::new(LineString::from(c.boundary.clone()), vec![]);
        for (k, village) in v.iter().enumerate() {
            let p = Point::new(village.x, village.y);
            let d: Vec<f64> = seats.iter().map(|s| Haversine.distance(p, Point::new(s[0], s[1]))).collect();
            let own = inst.village_towns()[k] as usize;
            for (u, &du) in d.iter().enumerate() {
                if u != own {
                    assert!(d[own] < du, "{} is nearer to town {u} than to its own {own}", village.id);
                }
            }
            assert!(geo::Contains::contains(&poly, &p), "{} lies outside the boundary", village.id);
        }
    }

    #[test]
    fn villages_are_clustered() {
        // Clark & Evans (1954): R = mean nearest-neighbour distance / (0.5 / sqrt(density)).
        for seed in [2008, 11] {
            let inst = sample_county(seed).unwrap();
            let v = inst.villages();
            let mean_nn = v
                .iter()
                .enumerate()
                .map(|(i, a)| {
                    v.iter()
                        .enumerate()
                        .filter(|&(j, _)| j != i)
                        .map(|(_, b)| dist_m(a, b))
                        .fold(f64::INFINITY, f64::min)
                })
                .sum::<f64>()
                / v.len() as f64;
            let expected = 0.5 / (300.0 / 1200e6_f64).sqrt();
            let r = mean_nn / expected;
            assert!(r < 1.0, "Clark–Evans R = {r}");
        }
    }

    #[test]
    fn boundary_has_the_requested_area() {
        for (seed, area) in [(2008, 1200.0), (9, 350.0)] {
            let c = SampleCounty::generate(seed, &SampleOptions::default().area_km2(area)).unwrap();
            assert_eq!(c.boundary.len(), 65);
            assert_eq!(c.boundary.first(), c.boundary.last());
            let poly = Polygon::new(LineString::from(c.boundary.clone()), vec![]);
            let km2 = poly.geodesic_area_unsigned() / 1e6;
            assert!((km2 - area).abs() / area < 0.02, "area {km2} km² for {area}");
            // The county seat subdistrict sits near the centre.
            let seat = c.instance.towns()[0].seat.unwrap();
            assert!(geom::haversine_km(seat, [119.40, 36.00]) < 0.15 * (area / PI).sqrt());
        }
    }

    #[test]
    fn scaled_county_keeps_density() {
        let o = SampleOptions::scaled(20_000);
        assert_eq!((o.villages, o.towns, o.area_km2), (20_000, 800, 80_000.0));
        assert_eq!(o.pilots, PilotCounts::new(800, 867, 200, 0));
        let c = SampleCounty::generate(1, &o).unwrap();
        assert_eq!(c.instance.n_villages(), 20_000);
        assert_eq!(c.instance.towns().len(), 800);
        assert_eq!(c.instance.villages()[0].id, "V00001");
        // Round-trips through serde, which validates again.
        let json = serde_json::to_string(&c.instance).unwrap();
        let back: Instance = serde_json::from_str(&json).unwrap();
        assert_eq!(back.n_villages(), 20_000);
        let mut per_town = vec![0usize; 800];
        for &t in c.instance.village_towns() {
            per_town[t as usize] += 1;
        }
        assert!(per_town.iter().all(|&k| (10..=50).contains(&k)));
    }

    #[test]
    fn scaling_rule_of_the_setter() {
        assert_eq!(SampleOptions::scaled(300), SampleOptions::default());
        let o = SampleOptions::default().villages(1_000);
        assert_eq!((o.area_km2, o.towns), (4_000.0, 40));
        // Explicit values are kept, and chains compose.
        let o = SampleOptions::default().area_km2(500.0).villages(1_000);
        assert_eq!((o.area_km2, o.towns), (500.0, 40));
        let o = SampleOptions::default().villages(600).villages(900);
        assert_eq!((o.area_km2, o.towns), (3_600.0, 36));
        let o = SampleOptions::default().villages(600).towns(5);
        assert_eq!(o.towns, 5);
        assert_eq!(SampleOptions::scaled(10).towns, 1);
        assert_eq!(SampleOptions::scaled(10).pilots, PilotCounts::new(0, 0, 0, 0));
        assert_eq!(PilotCounts::scaled(300), PilotCounts::default());
        let c = SampleCounty::generate(4, &SampleOptions::scaled(10)).unwrap();
        assert_eq!(c.instance.n_villages(), 10);
    }

    #[test]
    fn steps_have_independent_streams() {
        // Changing the pilots (step 5) leaves villages alone; changing towns changes them.
        let a = SampleCounty::generate(8, &SampleOptions::default()).unwrap();
        let b = SampleCounty::generate(8, &SampleOptions::default().pilots(PilotCounts::new(1, 0, 0, 0))).unwrap();
        assert_eq!(a.instance.villages(), b.instance.villages());
        assert_eq!(a.boundary, b.boundary);
        let c = SampleCounty::generate(8, &SampleOptions::default().towns(10)).unwrap();
        assert_eq!(a.boundary, c.boundary);
        assert_ne!(a.instance.villages(), c.instance.villages());
    }

    #[test]
    fn options_are_validated() {
        let err = |o: SampleOptions| SampleCounty::generate(1, &o).unwrap_err().to_string();
        let d = SampleOptions::default;
        assert!(err(SampleOptions { villages: 0, ..d() }).contains("`villages`"));
        assert!(err(d().towns(0)).contains("`towns`"));
        assert!(err(d().towns(301)).contains("at most 300 towns"));
        assert!(err(d().area_km2(0.0)).contains("`area_km2`"));
        assert!(err(d().area_km2(-5.0)).contains("`area_km2`"));
        assert!(err(d().area_km2(f64::NAN)).contains("`area_km2`"));
        assert!(err(d().area_km2(100.0)).contains("area_km2 ≥ 300"));
        let e = err(d().villages(20).towns(2).pilots(PilotCounts::new(10, 10, 3, 0)));
        assert!(e.contains("`pilots`") && e.contains("23 pilot sites"), "{e}");
        assert!(err(d().origin([200.0, 36.0])).contains("`origin`"));
        assert!(err(d().origin([119.0, f64::NAN])).contains("`origin`"));
        assert!(err(d().origin([119.0, 84.0])).contains("`origin`"));
        let e = err(d().origin([119.0, 79.0]).area_km2(5.0e6));
        assert!(e.contains("`area_km2`") && e.contains("beyond the valid range"), "{e}");
        let e = err(d().origin([179.95, 10.0]));
        assert!(e.contains("longitude") && e.contains("180° meridian"), "{e}");
        assert!(matches!(SampleCounty::generate(1, &d().towns(0)), Err(Error::InvalidInput { .. })));
    }

    #[test]
    #[ignore = "slow: run with `cargo test --release -- --ignored million_villages_generation`"]
    fn million_villages_generation() {
        let start = std::time::Instant::now();
        let c = SampleCounty::generate(2008, &SampleOptions::scaled(1_000_000)).unwrap();
        let elapsed = start.elapsed();
        eprintln!("1,000,000 villages in {elapsed:.2?}");
        assert_eq!(c.instance.n_villages(), 1_000_000);
        assert_eq!(c.instance.towns().len(), 40_000);
    }
}
