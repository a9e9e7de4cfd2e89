//! The objectives' problems for an outside solver, and plans made from its answer.
//!
//! `villageplan.exact` checks the heuristic planners by solving the maximal-coverage, p-median and
//! p-center objectives as mixed-integer programmes with HiGHS. Two functions connect it to the
//! core, so that the MIP solves exactly the problem the heuristic solves and its answer becomes
//! exactly the same kind of plan:
//!
//! * [`objective_problem`] runs the planners' checks and exports their problem as plain arrays:
//!   the village–site pairs the objective may use (with distances), the weights, the site costs
//!   and the fixed and allowed sites;
//! * [`plan_objective_with_centres`] makes the [`Plan`] of given centres with an outside bound:
//!   the objective is recomputed here from the centres, every village joins its nearest open
//!   centre by the planners' rule, and the status comes from [`Solution::certify`] (`optimal`
//!   only when the bound meets the objective).
//!
//! [`outside_solution`] is the certificate step on its own, shared with the cost-matrix solvers'
//! exact path.

use super::{finish, matrix_problem};
use crate::coverage::Coverage;
use crate::error::{Error, Result};
use crate::group::assign_nearest;
use crate::model::Instance;
use crate::plan::area::ServiceArea;
use crate::plan::options::{CoverageBy, Goal, PlanOptions};
use crate::plan::planner::{assemble, covering_problem, Plan};
use crate::solve::pmedian::{check_p, check_sites};
use crate::solve::{CostMatrix, CoverLimit, Sense, Solution};

/// Most village–site pairs (assignment or coverage entries) an exported problem may hold: 5
/// million. Larger problems get an [`Error::InvalidInput`] naming `exact`: a MIP of that size is
/// beyond what an exact solver finishes in reasonable time and memory.
pub const MAX_EXACT_PAIRS: usize = 5_000_000;

/// Relative slack (of `max(|objective|, 1)`) within which an outside bound may lie past the
/// objective: MIP solvers work to tolerances of about 1e-9, so such a bound is read as the
/// objective itself. A bound farther past is refused.
pub const BOUND_TOLERANCE: f64 = 1e-6;

/// An objective's problem as plain data, for an outside solver (see [`objective_problem`]).
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectiveProblem {
    /// The objective and its limit (`p` or a budget).
    pub goal: Goal,
    /// Number of villages (rows).
    pub n_villages: usize,
    /// Pairs grouped by site: those of site `s` are `offsets[s]..offsets[s + 1]` (one offset per
    /// site, plus one). Only sites that may open have pairs. For maximal coverage, the villages
    /// within the service limit; for p-median and p-center, every finite village–site distance
    /// (within the own town when `within_town`).
    pub offsets: Vec<usize>,
    /// The village of each pair, ascending within a site.
    pub villages: Vec<u32>,
    /// The distance of each pair (metres, or minutes for a limit in minutes).
    pub distances: Vec<f64>,
    /// Weight of each village: 1, or its population (`by` population; maximal coverage and
    /// p-median). Always 1 for p-center.
    pub weights: Vec<f64>,
    /// Cost of opening each site: its cost in yuan under a budget, 1 otherwise (0 for sites
    /// that are fixed open or cannot open, whose cost never counts).
    pub costs: Vec<f64>,
    /// Sites that are open whatever the solver does (existing and `options.fixed`).
    pub fixed: Vec<bool>,
    /// Sites that may open (not `no_space`, not `options.forbidden`).
    pub allowed: Vec<bool>,
}

impl ObjectiveProblem {
    /// Number of candidate sites.
    pub fn n_sites(&self) -> usize {
        self.fixed.len()
    }

    /// Number of village–site pairs.
    pub fn n_pairs(&self) -> usize {
        self.villages.len()
    }
}

/// The problem behind [`plan_max_coverage`](super::plan_max_coverage),
/// [`plan_p_median`](super::plan_p_median) or [`plan_p_center`](super::plan_p_center) (per
/// `goal`), after the same checks, as plain arrays for an outside solver.
///
/// Uses from `options` what the planner of `goal` uses (`radius`, `by`, `within_town`, `fixed`,
/// `forbidden`, `metric`, `minutes`, and `time_limit`, which is only checked).
///
/// # Errors
/// * As the planner of `goal` for its options and limit (`radius`, `time_limit`, `fixed` /
///   `forbidden`, `by`, `p`, `budget`, `within_town`, `county`).
/// * [`Error::InvalidInput`] naming `goal` for [`Goal::Target`] (use
///   [`covering_problem`](crate::plan::covering_problem)), `capacity` when a capacity or village
///   limit is set (the exported problem has none), and `exact` when the problem has more than
///   [`MAX_EXACT_PAIRS`] village–site pairs.
/// * [`Error::Infeasible`] (p-median, p-center) when a village cannot be reached from any site
///   that may open.
///
/// # Examples
/// ```
/// use villageplan::model::{Crs, Instance, Village};
/// use villageplan::plan::{objective_problem, Goal, PlanOptions};
/// let villages = (0..5).map(|i| Village::new(format!("v{i}"), "T", i as f64 * 1000.0, 0.0, 100.0)).collect();
/// let county = Instance::from_villages(Crs::Planar, villages).unwrap();
/// let prob = objective_problem(&county, &PlanOptions::default(), Goal::PMedian { p: 2 }).unwrap();
/// assert_eq!(prob.n_pairs(), 25); // every village–site distance (each village is a site)
/// ```
pub fn objective_problem(county: &Instance, options: &PlanOptions, goal: Goal) -> Result<ObjectiveProblem> {
    match goal {
        Goal::Target => Err(target_goal()),
        Goal::MaxCoverage { limit } => {
            let (options, area) = exact_max_coverage_setup(county, options, limit)?;
            let (problem, _) = covering_problem(county, area.coverage(), &options)?;
            problem.validate()?;
            limit.check(problem.fixed.len())?;
            let m = area.coverage().n_sites();
            let (offsets, villages, distances) = coverage_pairs(area.coverage(), &problem.allowed)?;
            let fixed = problem.fixed_mask();
            let costs = (0..m).map(|s| if fixed[s] || !problem.allowed[s] { 0.0 } else { problem.costs[s] }).collect();
            Ok(ObjectiveProblem {
                goal,
                n_villages: county.n_villages(),
                offsets,
                villages,
                distances,
                weights: problem.weights,
                costs,
                fixed,
                allowed: problem.allowed,
            })
        }
        Goal::PMedian { p } | Goal::PCenter { p } => {
            let (matrix, _, fixed, forbidden, options) = matrix_problem(county, options, p)?;
            let m = matrix.n_sites();
            let (fixed, allowed) = check_sites(&fixed, &forbidden, m)?;
            check_p(p, &allowed, &fixed)?;
            let weights = median_weights(county, &options, goal)?;
            check_reachable(county, &matrix, &allowed)?;
            let (offsets, villages, distances) = matrix_pairs(&matrix, &allowed, None)?;
            let costs = (0..m).map(|s| if fixed[s] || !allowed[s] { 0.0 } else { 1.0 }).collect();
            Ok(ObjectiveProblem {
                goal,
                n_villages: county.n_villages(),
                offsets,
                villages,
                distances,
                weights,
                costs,
                fixed,
                allowed,
            })
        }
    }
}

/// The plan of `goal` with the given centres and an outside `bound` on the optimum, as if the
/// planner of `goal` had chosen them: for an exact MIP's answer, or a planner's own proposal.
///
/// `centres` are site ids; existing and `options.fixed` sites are added. The objective is
/// recomputed from the centres (covered weight; total or largest distance to the nearest open
/// centre, an exact tie going to the lower site index), the communities are formed as the
/// planner forms them, and the status comes from [`Solution::certify`] through
/// [`outside_solution`]: `optimal` only when `bound` meets the objective, `time_limit` when
/// `timed_out` and not proven. `bound` must be a proven bound (upper for maximal coverage, lower
/// otherwise); one past the objective by at most [`BOUND_TOLERANCE`] is read as the objective.
///
/// # Errors
/// * As [`objective_problem`] for the options and the limit.
/// * [`Error::InvalidInput`] naming `centres` for an unknown id, a site that cannot open, more
///   centres than `p` or a cost above the budget (maximal coverage), or not exactly `p` centres
///   (p-median, p-center); naming `bound` for a NaN bound or one on the wrong side of the
///   objective.
/// * [`Error::Infeasible`] (p-median, p-center) when a village (with weight, for p-median)
///   cannot reach any of the centres.
///
/// # Examples
/// ```
/// use villageplan::model::{Crs, Instance, Village};
/// use villageplan::plan::{plan_objective_with_centres, Goal, PlanOptions};
/// let villages = (0..6).map(|i| Village::new(format!("v{i}"), "T", i as f64 * 1000.0, 0.0, 100.0)).collect();
/// let county = Instance::from_villages(Crs::Planar, villages).unwrap();
/// let sites = county.sites().iter().map(|s| s.id.clone()).collect::<Vec<_>>();
/// let centres = vec![sites[1].clone(), sites[4].clone()];
/// let p = plan_objective_with_centres(&county, &PlanOptions::default(), Goal::PMedian { p: 2 }, &centres, 4000.0, false)
///     .unwrap();
/// assert_eq!(p.solution.objective, 4000.0);
/// assert_eq!(p.status().as_str(), "optimal");
/// ```
pub fn plan_objective_with_centres(
    county: &Instance,
    options: &PlanOptions,
    goal: Goal,
    centres: &[String],
    bound: f64,
    timed_out: bool,
) -> Result<Plan> {
    match goal {
        Goal::Target => Err(target_goal()),
        Goal::MaxCoverage { limit } => {
            let (options, area) = exact_max_coverage_setup(county, options, limit)?;
            let (problem, objective) = covering_problem(county, area.coverage(), &options)?;
            problem.validate()?;
            limit.check(problem.fixed.len())?;
            let fixed = problem.fixed_mask();
            let open = open_sites(county, &fixed, &problem.allowed, centres)?;
            match limit {
                CoverLimit::Sites(p) if open.len() > p => {
                    return Err(Error::param(
                        "centres",
                        format!(
                            "{} centres are open (existing and fixed ones included), more than p = {p}",
                            open.len()
                        ),
                    ));
                }
                CoverLimit::Budget(b) => {
                    let spent = open
                        .iter()
                        .filter(|&&s| !fixed[s as usize])
                        .map(|&s| problem.costs[s as usize])
                        .fold(0.0, |a, c| a + c);
                    if spent > b * (1.0 + 1e-9) {
                        return Err(Error::param(
                            "centres",
                            format!("the centres cost {spent} yuan beyond the fixed ones, more than the budget of {b}"),
                        ));
                    }
                }
                CoverLimit::Sites(_) => {}
            }
            let covered = area.coverage().covered_by(open.iter().map(|&s| s as usize));
            let value: f64 =
                covered.iter().zip(&problem.weights).filter(|(c, _)| **c).map(|(_, w)| w).fold(0.0, |a, b| a + b);
            let solution = outside_solution(open, value, bound, Sense::Maximize, timed_out)?;
            let best = assign_nearest(area.coverage(), &solution.open);
            Ok(area.finish(county, assemble(county, options, objective, solution, &best)))
        }
        Goal::PMedian { p } | Goal::PCenter { p } => {
            let (matrix, area, fixed, forbidden, mut options) = matrix_problem(county, options, p)?;
            options.goal = goal;
            let (fixed, allowed) = check_sites(&fixed, &forbidden, matrix.n_sites())?;
            check_p(p, &allowed, &fixed)?;
            let weights = median_weights(county, &options, goal)?;
            let open = open_sites(county, &fixed, &allowed, centres)?;
            if open.len() != p {
                return Err(Error::param(
                    "centres",
                    format!(
                        "{} centres are open (existing and fixed ones included); exactly p = {p} are needed",
                        open.len()
                    ),
                ));
            }
            let (assignment, value) = nearest(county, &matrix, &open, &weights, matches!(goal, Goal::PCenter { .. }))?;
            let mut solution = outside_solution(open, value, bound, Sense::Minimize, timed_out)?;
            solution.assignment = assignment;
            Ok(finish(county, options, solution, &matrix, area.as_ref()))
        }
    }
}

/// A [`Solution`] from an outside solver's open sites, objective and proven bound, certified as
/// the engine's own solutions are ([`Solution::certify`]): the gap is derived from objective and
/// bound, the status is `optimal` only when the gap is within the optimality tolerance and
/// `time_limit` when `timed_out` and not proven. The assignment is left empty for the caller.
///
/// A bound past the objective by at most [`BOUND_TOLERANCE`] (relative) is read as the
/// objective (solver tolerances); farther past, it cannot be a valid bound and is refused. An
/// infinite bound on the correct side is accepted (nothing proven: the gap is infinite).
///
/// # Errors
/// [`Error::InvalidInput`] naming `objective` when it is not finite, or `bound` when it is NaN
/// or on the wrong side of the objective.
///
/// # Examples
/// ```
/// use villageplan::plan::outside_solution;
/// use villageplan::solve::{Sense, Status};
/// let s = outside_solution(vec![0, 3], 10.0, 10.0 - 1e-12, Sense::Minimize, false).unwrap();
/// assert_eq!((s.status, s.gap), (Status::Optimal, 0.0));
/// let s = outside_solution(vec![0, 3], 10.0, 8.0, Sense::Minimize, true).unwrap();
/// assert_eq!(s.status, Status::TimeLimit);
/// assert!(outside_solution(vec![0], 10.0, 12.0, Sense::Minimize, false).is_err());
/// ```
pub fn outside_solution(open: Vec<u32>, objective: f64, bound: f64, sense: Sense, timed_out: bool) -> Result<Solution> {
    if !objective.is_finite() {
        return Err(Error::param("objective", format!("the objective must be a finite number, got {objective}")));
    }
    if bound.is_nan() {
        return Err(Error::param("bound", "the bound is NaN; give a proven bound on the optimum"));
    }
    let slack = BOUND_TOLERANCE * objective.abs().max(1.0);
    let bound = match sense {
        Sense::Minimize if bound > objective + slack => {
            return Err(Error::param(
                "bound",
                format!(
                    "a lower bound of {bound} is above the objective {objective}, so it cannot be valid; give a proven \
                     lower bound"
                ),
            ))
        }
        Sense::Maximize if bound < objective - slack => {
            return Err(Error::param(
                "bound",
                format!(
                "an upper bound of {bound} is below the objective {objective}, so it cannot be valid; give a proven \
                     upper bound"
            ),
            ))
        }
        Sense::Minimize => bound.min(objective),
        Sense::Maximize => bound.max(objective),
    };
    Ok(Solution::certify(open, objective, bound, sense, timed_out))
}

fn target_goal() -> Error {
    Error::param(
        "goal",
        "a coverage target is planned by plan(); its problem is exported by covering_problem and its plan made by \
         plan_with_centres",
    )
}

/// Refuse a problem with more than [`MAX_EXACT_PAIRS`] pairs, naming `exact`.
pub(crate) fn check_exact_size(pairs: usize) -> Result<()> {
    if pairs > MAX_EXACT_PAIRS {
        return Err(Error::param(
            "exact",
            format!(
                "the exact MIP would have {pairs} village–site pairs, more than the {MAX_EXACT_PAIRS} it may hold; \
                 use exact=False (the heuristic engine, which certifies its result with a bound), a smaller radius \
                 or fewer candidate sites"
            ),
        ));
    }
    Ok(())
}

/// Village weights of a p-median (1 or the population) or p-center (1) plan.
fn median_weights(county: &Instance, options: &PlanOptions, goal: Goal) -> Result<Vec<f64>> {
    if !matches!(goal, Goal::PMedian { .. }) || options.by == CoverageBy::Villages {
        return Ok(vec![1.0; county.n_villages()]);
    }
    super::population_weights(county)
}

/// Every village needs a site that may open at a finite distance.
fn check_reachable(county: &Instance, matrix: &CostMatrix, allowed: &[bool]) -> Result<()> {
    let reachable = |i: usize| matrix.row(i).iter().zip(allowed).any(|(d, &a)| a && d.is_finite());
    let n = matrix.n_demand();
    if let Some(i) = (0..n).find(|&i| !reachable(i)) {
        let ok = (0..n).filter(|&k| reachable(k)).count();
        return Err(Error::Infeasible {
            reason: format!(
                "village '{}' cannot be reached from any site that may open; only {ok} of {n} villages are \
                 reachable. Allow a site that reaches it, or plan with within_town=false",
                county.villages()[i].id
            ),
            achievable: ok as f64 / n as f64,
        });
    }
    Ok(())
}

/// Pairs grouped by site (CSR: offsets, villages, distances).
type Pairs = (Vec<usize>, Vec<u32>, Vec<f64>);

/// The coverage pairs of the sites in `allowed`, grouped by site (CSR), after the size check.
pub(crate) fn coverage_pairs(cov: &Coverage, allowed: &[bool]) -> Result<Pairs> {
    let m = cov.n_sites();
    let count: usize = (0..m).filter(|&s| allowed[s]).map(|s| cov.villages_of(s).len()).sum();
    check_exact_size(count)?;
    let mut offsets = Vec::with_capacity(m + 1);
    offsets.push(0);
    let (mut villages, mut distances) = (Vec::with_capacity(count), Vec::with_capacity(count));
    for (s, &a) in allowed.iter().enumerate().take(m) {
        if a {
            villages.extend_from_slice(cov.villages_of(s));
            distances.extend_from_slice(cov.distances_of(s));
        }
        offsets.push(villages.len());
    }
    Ok((offsets, villages, distances))
}

/// The finite entries (at most `limit`, when given) of the columns in `allowed`, grouped by site
/// (CSR), after the size check.
pub(crate) fn matrix_pairs(matrix: &CostMatrix, allowed: &[bool], limit: Option<f64>) -> Result<Pairs> {
    let (n, m) = (matrix.n_demand(), matrix.n_sites());
    let keep = |s: usize, d: f64| allowed[s] && d.is_finite() && limit.is_none_or(|r| d <= r);
    let mut counts = vec![0usize; m];
    for i in 0..n {
        for (s, &d) in matrix.row(i).iter().enumerate() {
            if keep(s, d) {
                counts[s] += 1;
            }
        }
    }
    let total: usize = counts.iter().sum();
    check_exact_size(total)?;
    let mut offsets = Vec::with_capacity(m + 1);
    offsets.push(0usize);
    for c in &counts {
        offsets.push(offsets[offsets.len() - 1] + c);
    }
    let mut next = offsets[..m].to_vec();
    let (mut villages, mut distances) = (vec![0u32; total], vec![0.0f64; total]);
    for i in 0..n {
        for (s, &d) in matrix.row(i).iter().enumerate() {
            if keep(s, d) {
                villages[next[s]] = i as u32;
                distances[next[s]] = d;
                next[s] += 1;
            }
        }
    }
    Ok((offsets, villages, distances))
}

/// Fixed sites plus the given centres (by id), ascending.
fn open_sites(county: &Instance, fixed: &[bool], allowed: &[bool], centres: &[String]) -> Result<Vec<u32>> {
    let mut open: Vec<u32> = (0..fixed.len()).filter(|&s| fixed[s]).map(|s| s as u32).collect();
    for id in centres {
        let s = county
            .site_index(id)
            .ok_or_else(|| Error::param("centres", format!("unknown site id '{id}'; use ids from the sites table")))?;
        if !allowed[s] {
            return Err(Error::param("centres", format!("site '{id}' cannot open (no_space or forbidden)")));
        }
        open.push(s as u32);
    }
    open.sort_unstable();
    open.dedup();
    Ok(open)
}

/// Each village's nearest open site (an exact tie to the lower index; `None` when every open
/// site is unreachable) and the objective: the weighted total distance, or the largest distance
/// for p-center; the rule of the p-median and p-center solvers.
fn nearest(
    county: &Instance,
    matrix: &CostMatrix,
    open: &[u32],
    weights: &[f64],
    center: bool,
) -> Result<(Vec<Option<u32>>, f64)> {
    let n = matrix.n_demand();
    let mut assignment = Vec::with_capacity(n);
    let mut value = 0.0f64;
    let mut unreached: Option<usize> = None;
    let mut n_unreached = 0usize;
    for (i, &w) in weights.iter().enumerate().take(n) {
        let row = matrix.row(i);
        let mut best: Option<(u32, f64)> = None;
        for &s in open {
            let d = row[s as usize];
            if best.is_none_or(|(b, bd)| d < bd || (d == bd && s < b)) {
                best = Some((s, d));
            }
        }
        match best {
            Some((s, d)) if d.is_finite() => {
                assignment.push(Some(s));
                if center {
                    value = value.max(d);
                } else if w > 0.0 {
                    value += w * d;
                }
            }
            _ => {
                assignment.push(None);
                if center || w > 0.0 {
                    unreached.get_or_insert(i);
                    n_unreached += 1;
                }
            }
        }
    }
    if let Some(i) = unreached {
        return Err(Error::Infeasible {
            reason: format!(
                "{n_unreached} village(s) cannot reach any of the {} centres (for example '{}'); choose centres that \
                 reach every village",
                open.len(),
                county.villages()[i].id
            ),
            achievable: (n - n_unreached) as f64 / n as f64,
        });
    }
    Ok((assignment, value))
}

/// The checks and set-up of [`plan_max_coverage`](super::plan_max_coverage), refusing limits
/// first: the exported problem has no capacity.
fn exact_max_coverage_setup(
    county: &Instance,
    options: &PlanOptions,
    limit: CoverLimit,
) -> Result<(PlanOptions, ServiceArea)> {
    if options.is_capacitated() {
        return Err(Error::param(
            "capacity",
            "the exported maximal-coverage problem has no capacity or village limit; leave them out",
        ));
    }
    super::max_coverage_setup(county, options, limit)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Crs, Village};
    use crate::plan::{plan_max_coverage, plan_p_center, plan_p_median};

    fn line(n: usize) -> Instance {
        let villages = (0..n).map(|i| Village::new(format!("v{i}"), "T", i as f64 * 1000.0, 0.0, 100.0)).collect();
        Instance::from_villages(Crs::Planar, villages).unwrap()
    }

    fn ids(county: &Instance, open: &[u32]) -> Vec<String> {
        open.iter().map(|&s| county.sites()[s as usize].id.clone()).collect()
    }

    #[test]
    fn plans_from_the_heuristics_centres_equal_the_heuristics_plans() {
        let county = line(9);
        let options = PlanOptions::default().radius(1000.0);
        for goal in [Goal::MaxCoverage { limit: CoverLimit::Sites(2) }, Goal::PMedian { p: 3 }, Goal::PCenter { p: 2 }]
        {
            let heuristic = match goal {
                Goal::MaxCoverage { limit } => plan_max_coverage(&county, &options, limit),
                Goal::PMedian { p } => plan_p_median(&county, &options, p),
                Goal::PCenter { p } => plan_p_center(&county, &options, p),
                Goal::Target => unreachable!(),
            }
            .unwrap();
            let sol = &heuristic.solution;
            let again =
                plan_objective_with_centres(&county, &options, goal, &ids(&county, &sol.open), sol.bound, false)
                    .unwrap();
            assert_eq!(again.solution.objective, sol.objective, "{goal:?}");
            assert_eq!(again.solution.open, sol.open);
            assert_eq!(again.assignments, heuristic.assignments);
            assert_eq!(again.communities, heuristic.communities);
            assert_eq!(again.options.goal, goal);
            let prob = objective_problem(&county, &options, goal).unwrap();
            assert_eq!(prob.offsets.len(), county.n_sites() + 1);
            assert_eq!(prob.distances.len(), prob.n_pairs());
        }
    }

    #[test]
    fn errors_name_the_field() {
        let county = line(5);
        let options = PlanOptions::default();
        let field = |e: Error| match e {
            Error::InvalidInput { field, .. } => field,
            other => panic!("{other}"),
        };
        let goal = Goal::PMedian { p: 2 };
        let one = ids(&county, &[1]);
        assert_eq!(
            field(plan_objective_with_centres(&county, &options, goal, &one, 0.0, false).unwrap_err()),
            "centres"
        );
        let two = ids(&county, &[1, 3]);
        assert_eq!(field(plan_objective_with_centres(&county, &options, goal, &two, 1e9, false).unwrap_err()), "bound");
        assert_eq!(
            field(plan_objective_with_centres(&county, &options, goal, &two, f64::NAN, false).unwrap_err()),
            "bound"
        );
        let unknown = vec!["nope".to_string()];
        assert_eq!(
            field(plan_objective_with_centres(&county, &options, goal, &unknown, 0.0, false).unwrap_err()),
            "centres"
        );
        assert_eq!(field(objective_problem(&county, &options, Goal::Target).unwrap_err()), "goal");
        assert_eq!(field(objective_problem(&county, &options, Goal::PCenter { p: 0 }).unwrap_err()), "p");
        let limit = CoverLimit::Budget(-1.0);
        assert_eq!(field(objective_problem(&county, &options, Goal::MaxCoverage { limit }).unwrap_err()), "budget");
        assert_eq!(field(check_exact_size(MAX_EXACT_PAIRS + 1).unwrap_err()), "exact");
        let three = ids(&county, &[0, 2, 4]);
        let limit = CoverLimit::Sites(2);
        let e = plan_objective_with_centres(&county, &options, Goal::MaxCoverage { limit }, &three, 5.0, false);
        assert_eq!(field(e.unwrap_err()), "centres");
    }

    #[test]
    fn status_comes_from_the_bound() {
        let county = line(6);
        let options = PlanOptions::default();
        let goal = Goal::PMedian { p: 2 };
        let centres = ids(&county, &[1, 4]);
        let loose = plan_objective_with_centres(&county, &options, goal, &centres, 3000.0, true).unwrap();
        assert_eq!(loose.status().as_str(), "time_limit");
        assert!(loose.solution.gap > 0.0);
        let worse = ids(&county, &[0, 5]);
        let p = plan_objective_with_centres(&county, &options, goal, &worse, 4000.0, false).unwrap();
        assert_eq!(p.solution.objective, 6000.0);
        assert_eq!(p.status().as_str(), "feasible");
    }
}
