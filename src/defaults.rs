//! Default parameters, from the facts collected in the project's domain notes (DOMAIN.md §6).
//!
//! Each constant says where its value comes from: **C** confirmed in a cited source, **D**
//! derived by arithmetic from confirmed figures, **G** a guess anchored on confirmed figures.

/// Service radius in metres (C: Zhucheng and Weifang use 2 km; Hebei's draft standard ≤ 2–3 km).
pub const SERVICE_RADIUS_M: f64 = 2000.0;
/// Coverage target: share of villages with a centre (C: the founding document's 60% in 2–3 years).
pub const COVERAGE_TARGET: f64 = 0.60;
/// Years to reach the target (C: "two to three years").
pub const YEARS: u32 = 3;
/// Villages per community (C/D: Zhucheng 1,249 villages in 208 communities ≈ 6; Weifang 5–8).
pub const VILLAGES_PER_COMMUNITY: f64 = 6.0;
/// Persons per household (C: 2.62 in the 2020 census, 3.10 in 2010; 2.8 as a rural middle value).
pub const PERSONS_PER_HOUSEHOLD: f64 = crate::model::PERSONS_PER_HOUSEHOLD;
/// Minimum centre building area in m² (C: Hebei draft and Shaanxi 2009, ≥ 200 m²).
pub const MIN_BUILDING_M2: f64 = 200.0;
/// Building area per 100 households served, m² (C: national / provincial 14th Five-Year Plan).
pub const BUILDING_M2_PER_100_HH: f64 = 30.0;
/// Building area per 1,000 persons served, m² (C: Hebei draft).
pub const BUILDING_M2_PER_1000_POP: f64 = 200.0;
/// One-stop service hall, m² (C: Hebei draft ≥ 50 m²).
pub const ONE_STOP_HALL_M2: f64 = 50.0;
/// Village clinic, m² (C: Shandong 2015 ≥ 80 m²).
pub const CLINIC_M2: f64 = 80.0;
/// New-build cost, yuan per m², 2018 prices (C/D: Tianmen ≈ 1,420, Yangshuo ≈ 1,680 yuan/m²).
pub const COST_NEW_YUAN_PER_M2: f64 = 1600.0;
/// Renovation cost, yuan per m² (G: range 300–900).
pub const COST_RENOVATE_YUAN_PER_M2: f64 = 600.0;

/// Floor area in m² a centre needs for the households it serves:
/// max(200 m², 30 m² per 100 households).
pub fn required_floor_area(households: f64) -> f64 {
    MIN_BUILDING_M2.max(BUILDING_M2_PER_100_HH * households / 100.0)
}

/// Cost in yuan of a new building of `area` m² at the default rate.
pub fn new_build_cost(area: f64) -> f64 {
    area * COST_NEW_YUAN_PER_M2
}

/// Cost in yuan of renovating an existing building of `existing_area` m² and extending it, at new-build
/// rates, up to `required_area` m² when it is smaller.
pub fn rebuild_cost(existing_area: f64, required_area: f64) -> f64 {
    existing_area * COST_RENOVATE_YUAN_PER_M2 + (required_area - existing_area).max(0.0) * COST_NEW_YUAN_PER_M2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floor_area_and_costs() {
        assert_eq!(required_floor_area(100.0), 200.0);
        assert_eq!(required_floor_area(1000.0), 300.0);
        assert_eq!(new_build_cost(200.0), 320_000.0);
        assert_eq!(rebuild_cost(150.0, 200.0), 150.0 * 600.0 + 50.0 * 1600.0);
        assert_eq!(rebuild_cost(300.0, 200.0), 180_000.0);
    }
}
