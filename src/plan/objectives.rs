//! The other objectives on a county: maximal coverage, p-median and p-center, each returning the
//! same [`Plan`] as the coverage-target planner ([`plan`](super::plan)).
//!
//! | function | objective | limit |
//! |---|---|---|
//! | [`plan`](super::plan) | fewest / cheapest centres reaching a coverage target | target share |
//! | [`plan_max_coverage`] | most villages (or people) within the radius | `p` centres or a budget |
//! | [`plan_p_median`] | least total (weighted) village–centre distance | exactly `p` centres |
//! | [`plan_p_center`] | least largest village–centre distance | exactly `p` centres |
//!
//! Every plan records its objective in [`PlanOptions::goal`]. Existing sites are always open and
//! count towards `p`, as do the sites of `options.fixed`; `no_space` sites and those of
//! `options.forbidden` never open. With `within_town`, a centre serves only villages of its own
//! town.
//!
//! The p-median and p-center objectives work on a dense village × site distance matrix
//! (great-circle distances for geographic counties, straight lines for planar ones, in metres;
//! unreachable between different towns when `within_town`). Its size is capped at
//! [`MAX_MATRIX_ENTRIES`] villages × sites; larger counties need a radius-capped objective
//! ([`plan_max_coverage`] or [`plan`](super::plan)), which only stores the pairs within the radius.

use rayon::prelude::*;

use super::area::ServiceArea;
use super::capacitated::Capacitated;
use super::options::{CoverageBy, DistanceMetric, Goal, PlanObjective, PlanOptions};
use super::planner::{assemble, covering_problem, Plan};
use crate::coverage::Coverage;
use crate::error::{Error, Location, Result};
use crate::group::assign_nearest;
use crate::model::Instance;
use crate::solve::{self, CenterOptions, CostMatrix, CoverLimit, MedianOptions, Sense, Solution, SolveOptions, Status};
use crate::spatial::Metric;

/// Largest village × site distance matrix the p-median and p-center plans build (50 million
/// entries, 400 MB of distances before the solver's own working copies). Larger counties get an
/// [`Error::InvalidInput`] naming `county`.
pub const MAX_MATRIX_ENTRIES: usize = 50_000_000;

/// Plan the centres that cover the most villages (or people) within the radius, with at most `p`
/// centres or within a budget: the maximal covering location problem on the county.
///
/// Uses from `options`: `radius`, `by` (villages or population), `within_town`, `fixed`,
/// `forbidden`, `seed`, `time_limit`, `capacity`, `capacity_by` and `max_villages`. `target` and
/// `objective` are ignored; the plan records
/// [`Goal::MaxCoverage`] in `options.goal` and its [`Plan::objective`] is `count` for
/// [`CoverLimit::Sites`], `cost` for [`CoverLimit::Budget`].
///
/// * [`CoverLimit::Sites`]`(p)`: at most `p` centres in all, existing and fixed ones included.
/// * [`CoverLimit::Budget`]`(yuan)`: the sites opened beyond the existing and fixed ones cost at
///   most `yuan` in total; every site that may open needs a cost.
///
/// Communities are formed as in [`plan`](super::plan): every covered village joins its nearest
/// open centre within the radius (in its own town when `within_town`); the others are uncovered.
/// The solution's `objective` is the covered weight (villages or people) and its `bound` a proven
/// upper bound on the best reachable.
///
/// With a capacity or a village limit, the uncapacitated centres are the start of a capacitated
/// search (capacitated assignment, greedy fill, then swaps that raise the assigned weight); the objective
/// is then the weight the capacitated assignment serves, and the uncapacitated bound (still
/// valid, as capacities only restrict) is reported.
///
/// # Errors
/// [`Error::InvalidInput`] naming `radius`, `time_limit`, `fixed` / `forbidden` (unknown id, or
/// both), `by` (population on a county without population), `p` (below the existing and fixed
/// sites), `budget` (negative or not finite, or a site that may open has no cost), `capacity`
/// (NaN or ≤ 0) or `max_villages` (0).
///
/// # Examples
/// ```
/// use villageplan::model::{Crs, Instance, Village};
/// use villageplan::plan::{plan_max_coverage, PlanOptions};
/// use villageplan::solve::CoverLimit;
/// let villages = (0..10).map(|i| Village::new(format!("v{i}"), "T", i as f64 * 900.0, 0.0, 500.0)).collect();
/// let county = Instance::from_villages(Crs::Planar, villages).unwrap();
/// let p = plan_max_coverage(&county, &PlanOptions::default().radius(1000.0), CoverLimit::Sites(2)).unwrap();
/// assert_eq!(p.covered_villages(), 6); // each centre covers itself and its two neighbours
/// assert_eq!(p.communities.len(), 2);
/// ```
pub fn plan_max_coverage(county: &Instance, options: &PlanOptions, limit: CoverLimit) -> Result<Plan> {
    let (options, area) = max_coverage_setup(county, options, limit)?;
    let (problem, objective) = covering_problem(county, area.coverage(), &options)?;
    let solution = solve::max_coverage(&problem, limit, &solve_options(&options))?;
    if options.is_capacitated() {
        let capacitated = Capacitated::new(county, &problem, &options);
        let (outcome, covered) = capacitated.maximise(solution.open.clone(), limit, CAPACITY_SWAP_ROUNDS)?;
        // The uncapacitated bound stays valid: the capacitated problem is a restriction of it.
        let timed_out = solution.status == Status::TimeLimit;
        let mut certified =
            Solution::certify(outcome.open, covered, solution.bound.max(covered), Sense::Maximize, timed_out);
        certified.iterations = solution.iterations + outcome.steps;
        certified.seconds = solution.seconds;
        return Ok(area.finish(county, assemble(county, options, objective, certified, &outcome.assignment)));
    }
    let best = assign_nearest(area.coverage(), &solution.open);
    Ok(area.finish(county, assemble(county, options, objective, solution, &best)))
}

/// The checks of a maximal-coverage plan, its options (objective and goal recorded) and its
/// service area.
pub(super) fn max_coverage_setup(
    county: &Instance,
    options: &PlanOptions,
    limit: CoverLimit,
) -> Result<(PlanOptions, ServiceArea)> {
    check_common(options, true)?;
    options.check_capacity()?;
    let (fixed, allowed) = site_rules(county, options)?;
    let objective = match limit {
        CoverLimit::Sites(_) => PlanObjective::Count,
        CoverLimit::Budget(b) => {
            if !b.is_finite() || b < 0.0 {
                return Err(Error::param("budget", format!("budget must be a finite amount ≥ 0 yuan, got {b}")));
            }
            let sites = county.sites();
            if let Some(s) = (0..sites.len()).find(|&s| allowed[s] && !fixed[s] && sites[s].effective_cost().is_none())
            {
                return Err(Error::invalid(
                    "budget",
                    Location::row_id(s, sites[s].id.clone()),
                    "this site may open but has no cost, so a budget cannot be checked; give every site a cost, \
                     forbid the sites without one, or plan with p instead of a budget",
                ));
            }
            PlanObjective::Cost
        }
    };
    let mut options = options.clone();
    options.objective = objective;
    options.goal = Goal::MaxCoverage { limit };
    let area = ServiceArea::build(county, &options)?;
    Ok((options, area))
}

/// Village populations as p-median weights.
///
/// # Errors
/// [`Error::InvalidInput`] naming `by` when the county's total population is 0.
pub(super) fn population_weights(county: &Instance) -> Result<Vec<f64>> {
    if county.total_population() <= 0.0 {
        return Err(Error::param(
            "by",
            "the county's total population is 0, so distances cannot be weighted by it; fill in \
             populations or plan with by='villages'",
        ));
    }
    Ok(county.villages().iter().map(|v| v.population).collect())
}

/// Plan exactly `p` centres that minimise the total distance from each village to its nearest
/// open centre: the p-median problem on the county.
///
/// The total is weighted by population when `options.by` is population, otherwise every village
/// counts once; the solution's `objective` is that total (metres, or person-metres) and its
/// `bound` a proven lower bound. Distances are great-circle (geographic counties) or straight
/// lines (planar), in metres, from each village to each site; with `within_town` a village can
/// only be served from a site of its own town.
///
/// Uses from `options`: `radius` (for the coverage figures only), `by`, `within_town`, `fixed`,
/// `forbidden`, `seed`, `time_limit`; `target` and `objective` are ignored. The plan records
/// [`Goal::PMedian`] in `options.goal`, and its [`Plan::objective`] is `count`.
///
/// Communities: **every** village joins the open centre the solver assigns it (its nearest), even
/// when that centre is farther than `options.radius`: a p-median plan serves everyone. Such a
/// village has its community and distance in [`Plan::assignments`] but
/// [`beyond_radius`](super::Assignment::beyond_radius) set, so it is *not covered*:
/// [`Plan::coverage`], [`Plan::population_coverage`], [`Plan::covered_villages`] and
/// [`Plan::town_summary`] count only the villages within the radius of their centre. The
/// communities' populations and households include every member.
///
/// # Errors
/// * [`Error::InvalidInput`] naming `radius`, `time_limit`, `fixed` / `forbidden`, `by`, `p` (0,
///   more than the sites that may open, fewer than the existing and fixed sites, or fewer than the
///   towns that need a centre when `within_town`), `within_town` (a town with villages but no site
///   that may open), `capacity` (not supported here), or `county` when villages × sites exceeds
///   [`MAX_MATRIX_ENTRIES`] (use [`plan_max_coverage`] or [`plan`](super::plan) instead).
/// * [`Error::Infeasible`] when some village cannot reach any open centre.
///
/// # Examples
/// ```
/// use villageplan::model::{Crs, Instance, Village};
/// use villageplan::plan::{plan_p_median, PlanOptions};
/// let villages = (0..6).map(|i| Village::new(format!("v{i}"), "T", i as f64 * 1000.0, 0.0, 100.0)).collect();
/// let county = Instance::from_villages(Crs::Planar, villages).unwrap();
/// let p = plan_p_median(&county, &PlanOptions::default(), 2).unwrap();
/// assert_eq!(p.solution.objective, 4000.0); // centres at v1 and v4: 1+0+1 + 1+0+1 km
/// assert_eq!(p.coverage, 1.0);
/// ```
pub fn plan_p_median(county: &Instance, options: &PlanOptions, p: usize) -> Result<Plan> {
    let (matrix, area, fixed, forbidden, mut options) = matrix_problem(county, options, p)?;
    options.goal = Goal::PMedian { p };
    let weights: Option<Vec<f64>> = match options.by {
        CoverageBy::Villages => None,
        CoverageBy::Population => Some(population_weights(county)?),
    };
    let median = MedianOptions::default().fixed(fixed).forbidden(forbidden);
    let solution = solve::p_median_with(&matrix, p, weights.as_deref(), &median, &solve_options(&options))?;
    Ok(finish(county, options, solution, &matrix, area.as_ref()))
}

/// Plan exactly `p` centres that minimise the largest distance from a village to its nearest open
/// centre: the (vertex) p-center problem on the county.
///
/// Every village counts alike (`options.by` does not change the objective; it is kept for the
/// record). The solution's `objective` is the largest village–centre distance in metres and its
/// `bound` a proven lower bound. Distances, site rules, `within_town`, the recorded goal
/// ([`Goal::PCenter`]) and the communities are as in [`plan_p_median`]: every village joins its
/// nearest open centre, and only those within `options.radius` count as covered.
///
/// # Errors
/// As [`plan_p_median`] (except `by`, which is not checked).
///
/// # Examples
/// ```
/// use villageplan::model::{Crs, Instance, Village};
/// use villageplan::plan::{plan_p_center, PlanOptions};
/// let villages = (0..7).map(|i| Village::new(format!("v{i}"), "T", i as f64 * 1000.0, 0.0, 100.0)).collect();
/// let county = Instance::from_villages(Crs::Planar, villages).unwrap();
/// let p = plan_p_center(&county, &PlanOptions::default().radius(1500.0), 2).unwrap();
/// assert_eq!(p.solution.objective, 2000.0);
/// assert!(p.coverage < 1.0); // villages 2 km from their centre are served but not covered
/// ```
pub fn plan_p_center(county: &Instance, options: &PlanOptions, p: usize) -> Result<Plan> {
    let (matrix, area, fixed, forbidden, mut options) = matrix_problem(county, options, p)?;
    options.goal = Goal::PCenter { p };
    let center = CenterOptions::default().fixed(fixed).forbidden(forbidden);
    let solution = solve::p_center_with(&matrix, p, &center, &solve_options(&options))?;
    Ok(finish(county, options, solution, &matrix, area.as_ref()))
}

/// Swap rounds of the capacitated maximal-coverage plan.
const CAPACITY_SWAP_ROUNDS: usize = 3;

/// Checks shared by every objective: radius, time limit, and no capacity unless `capacity_ok`.
fn check_common(options: &PlanOptions, capacity_ok: bool) -> Result<()> {
    crate::coverage::sets::check_radius(options.radius)?;
    if let Some(t) = options.time_limit {
        if t.is_nan() || t < 0.0 {
            return Err(Error::param("time_limit", format!("time limit must be ≥ 0 seconds, got {t}")));
        }
    }
    if options.is_capacitated() && !capacity_ok {
        return Err(Error::param(
            "capacity",
            "capacity and max_villages are supported when planning to a coverage target (plan) or for \
             maximal coverage (max_coverage), not for p-median or p-center; leave them out for this objective",
        ));
    }
    Ok(())
}

fn solve_options(options: &PlanOptions) -> SolveOptions {
    SolveOptions { seed: options.seed, time_limit: options.time_limit }
}

/// Fixed-open mask (existing sites and `options.fixed`) and allowed mask (not `no_space`, not in
/// `options.forbidden`).
pub(crate) fn site_rules(county: &Instance, options: &PlanOptions) -> Result<(Vec<bool>, Vec<bool>)> {
    let sites = county.sites();
    let find = |field: &str, id: &str| {
        county
            .site_index(id)
            .ok_or_else(|| Error::param(field, format!("unknown site id '{id}'; use ids from the sites table")))
    };
    let mut fixed: Vec<bool> = sites.iter().map(|s| s.status.is_fixed_open()).collect();
    let mut allowed: Vec<bool> = sites.iter().map(|s| !s.status.is_forbidden()).collect();
    for id in &options.forbidden {
        allowed[find("forbidden", id)?] = false;
    }
    for id in &options.fixed {
        let s = find("fixed", id)?;
        if !allowed[s] {
            return Err(Error::param(
                "fixed",
                format!("site '{id}' is fixed open but cannot open (no_space or forbidden)"),
            ));
        }
        fixed[s] = true;
    }
    Ok((fixed, allowed))
}

/// What a p-median or p-center plan solves on: the distance matrix, the service area behind it
/// (network plans), the fixed and forbidden sites and the options to record.
type MatrixProblem = (CostMatrix, Option<ServiceArea>, Vec<u32>, Vec<u32>, PlanOptions);

/// The distance matrix and the site rules of a p-median or p-center plan, after the checks.
fn matrix_problem(county: &Instance, options: &PlanOptions, p: usize) -> Result<MatrixProblem> {
    check_common(options, false)?;
    let (fixed, allowed) = site_rules(county, options)?;
    let (n, m) = (county.n_villages(), county.n_sites());
    if n.saturating_mul(m) > MAX_MATRIX_ENTRIES {
        return Err(Error::param(
            "county",
            format!(
                "{n} villages × {m} sites is more than the {MAX_MATRIX_ENTRIES} distances a p-median or \
                 p-center plan may hold; use a radius-capped objective (max_coverage or plan), or fewer \
                 candidate sites"
            ),
        ));
    }
    if options.within_town {
        check_towns(county, &fixed, &allowed, p)?;
    }
    let (matrix, area) = match options.metric {
        DistanceMetric::Straight => {
            if options.minutes.is_some() {
                // Let the service area give the error about minutes without roads.
                ServiceArea::build(county, options)?;
            }
            (distance_matrix(county, options.within_town)?, None)
        }
        DistanceMetric::Network => {
            let area = ServiceArea::unbounded(county, options)?;
            (network_matrix(area.coverage())?, Some(area))
        }
    };
    let fixed_list: Vec<u32> = (0..m).filter(|&s| fixed[s]).map(|s| s as u32).collect();
    let forbidden_list: Vec<u32> = (0..m).filter(|&s| !allowed[s]).map(|s| s as u32).collect();
    let mut options = options.clone();
    options.objective = PlanObjective::Count;
    Ok((matrix, area, fixed_list, forbidden_list, options))
}

/// With `within_town`, every town with villages needs a site that may open, and `p` must leave
/// room for one centre per town not yet served by a fixed site.
fn check_towns(county: &Instance, fixed: &[bool], allowed: &[bool], p: usize) -> Result<()> {
    let n_towns = county.towns().len();
    let (mut has_village, mut has_site, mut has_fixed) =
        (vec![false; n_towns], vec![false; n_towns], vec![false; n_towns]);
    for &t in county.village_towns() {
        has_village[t as usize] = true;
    }
    for (s, &t) in county.site_towns().iter().enumerate() {
        has_site[t as usize] |= allowed[s];
        has_fixed[t as usize] |= fixed[s];
    }
    if let Some(t) = (0..n_towns).find(|&t| has_village[t] && !has_site[t]) {
        return Err(Error::param(
            "within_town",
            format!(
                "town '{}' has villages but no site that may open, so they cannot be served inside their town; \
                 add or allow a site there, or pass within_town=false",
                county.towns()[t].name
            ),
        ));
    }
    let n_fixed = fixed.iter().filter(|&&f| f).count();
    let unserved = (0..n_towns).filter(|&t| has_village[t] && !has_fixed[t]).count();
    if p < n_fixed + unserved {
        return Err(Error::param(
            "p",
            format!(
                "p = {p} is too small: {n_fixed} sites are open already and {unserved} towns without one need a \
                 centre each to serve their villages inside their town; raise p to at least {}, or pass \
                 within_town=false",
                n_fixed + unserved
            ),
        ));
    }
    Ok(())
}

/// Village × site costs from a service area (∞ where the site does not reach the village).
fn network_matrix(coverage: &Coverage) -> Result<CostMatrix> {
    let (n, m) = (coverage.n_villages(), coverage.n_sites());
    let mut costs = vec![f64::INFINITY; n * m];
    for s in 0..m {
        for (v, d) in coverage.pairs_of(s) {
            costs[v as usize * m + s] = d;
        }
    }
    CostMatrix::new(costs, n, m)
}

/// Village × site distances in metres (∞ between towns when `within_town`), computed in parallel.
fn distance_matrix(county: &Instance, within_town: bool) -> Result<CostMatrix> {
    let (n, m) = (county.n_villages(), county.n_sites());
    let metric = Metric::for_crs(county.crs());
    let (villages, sites) = (county.villages(), county.sites());
    let (vt, st) = (county.village_towns(), county.site_towns());
    let mut costs = vec![0.0; n * m];
    if m > 0 {
        costs.par_chunks_mut(m).enumerate().for_each(|(i, row)| {
            let v = [villages[i].x, villages[i].y];
            for (s, c) in row.iter_mut().enumerate() {
                *c = if within_town && vt[i] != st[s] {
                    f64::INFINITY
                } else {
                    metric.distance(v, [sites[s].x, sites[s].y])
                };
            }
        });
    }
    CostMatrix::new(costs, n, m)
}

/// The plan of a matrix solution: every village joins the centre the solver assigned; those
/// farther than the radius are marked `beyond_radius` and not counted as covered.
fn finish(
    county: &Instance,
    options: PlanOptions,
    solution: Solution,
    matrix: &CostMatrix,
    area: Option<&ServiceArea>,
) -> Plan {
    let mut position = vec![u32::MAX; county.n_sites()];
    for (k, &s) in solution.open.iter().enumerate() {
        position[s as usize] = k as u32;
    }
    let best: Vec<Option<(u32, f64)>> = solution
        .assignment
        .iter()
        .enumerate()
        .map(|(i, a)| {
            a.and_then(|s| {
                let d = matrix.get(i, s as usize);
                let k = position[s as usize];
                (k != u32::MAX && d.is_finite()).then_some((k, d))
            })
        })
        .collect();
    let radius = options.limit();
    let mut plan = assemble(county, options, PlanObjective::Count, solution, &best);
    for a in &mut plan.assignments {
        a.beyond_radius = a.distance.is_some_and(|d| d > radius);
    }
    let villages = county.villages();
    let (mut n_cov, mut pop_cov) = (0usize, 0.0);
    for a in plan.assignments.iter().filter(|a| a.covered()) {
        n_cov += 1;
        pop_cov += villages[a.village as usize].population;
    }
    let total_pop = county.total_population();
    plan.coverage = if villages.is_empty() { 0.0 } else { n_cov as f64 / villages.len() as f64 };
    plan.population_coverage = if total_pop > 0.0 { pop_cov / total_pop } else { 0.0 };
    match area {
        Some(a) => a.finish(county, plan),
        None => plan,
    }
}

/// The objectives' problems exported for an outside solver (the exact MIP of `villageplan.exact`),
/// and plans made from its answer.
mod exact;
#[cfg(feature = "python")]
pub(crate) use exact::{coverage_pairs, matrix_pairs};
pub use exact::{
    objective_problem, outside_solution, plan_objective_with_centres, ObjectiveProblem, BOUND_TOLERANCE,
    MAX_EXACT_PAIRS,
};
