use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::{Progress, Scenario};
use crate::error::{Error, Result};
use crate::model::Instance;
use crate::plan::{plan, Plan};
use crate::rollout::{Budget, Funding, Schedule, ScheduleOptions, DEFAULT_SHARES};

/// One row of a [`sweep()`]: a radius, a target and a yearly budget, with the plan and its
/// schedule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepRow {
    /// Service radius, metres.
    pub radius: f64,
    /// Target share.
    pub target: f64,
    /// Yuan per year.
    pub budget: f64,
    /// Funded years.
    pub years: u32,
    /// `"ok"`, or `"infeasible"` when the target cannot be reached at this radius.
    pub status: String,
    /// Highest reachable share when infeasible, else the plan's share (by the target's measure).
    pub achievable: f64,
    /// Centres in the plan (existing included); 0 when infeasible.
    pub centres: usize,
    /// Cost of the whole plan by the cost model, yuan (NaN when infeasible).
    pub plan_cost: f64,
    /// Share of villages the whole plan covers.
    pub plan_coverage: f64,
    /// Share of villages covered at the end of the last funded year.
    pub coverage: f64,
    /// Share of population covered at the end of the last funded year.
    pub population_coverage: f64,
    /// Centres built within the years (existing excluded).
    pub built: usize,
    /// Yuan spent over the years.
    pub spent: f64,
    /// Year the target is reached, `None` if not.
    pub target_year: Option<u32>,
    /// Extra yuan needed to reach the target by the last year (0 when reached; NaN when the
    /// plan cannot reach it or is infeasible).
    pub shortfall: f64,
}

/// One row of a [`cost_curve`]: the cheapest plan found that reaches a target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CurveRow {
    /// Target share.
    pub target: f64,
    /// `"ok"` or `"infeasible"`.
    pub status: String,
    /// Share (by the target's measure) the chosen plan reaches.
    pub coverage: f64,
    /// Share of population the chosen plan covers.
    pub population_coverage: f64,
    /// Centres in the chosen plan (existing included).
    pub centres: usize,
    /// Cost of the chosen plan by the cost model, yuan (NaN when infeasible).
    pub cost: f64,
    /// Extra cost per extra percentage point of target over the previous row, yuan (NaN on the
    /// first feasible row).
    pub marginal_cost_per_point: f64,
    /// Year the plan's schedule under the scenario's budget reaches this target, if it does.
    pub target_year: Option<u32>,
    /// Extra yuan the scenario's budget lacks to reach this target by the last year (0 when
    /// reached).
    pub shortfall: f64,
    /// Site ids of the plan's centres.
    pub sites: Vec<String>,
}

/// The split of a budget's first year, or the default shares when it is zero.
fn shares_of(budget: &Budget) -> Funding {
    let first = budget.years.first().copied().unwrap_or_default();
    let total = first.total();
    if total > 0.0 {
        first.scaled(1.0 / total)
    } else {
        DEFAULT_SHARES
    }
}

fn check_values(name: &str, values: &[f64]) -> Result<()> {
    if values.is_empty() {
        return Err(Error::param(name, format!("give at least one value of `{name}`")));
    }
    Ok(())
}

/// Plan `county` at `radius` and `target` under the base scenario's other settings; `Ok(Err(a))`
/// for an infeasible target with the achievable share.
fn plan_at(county: &Instance, base: &Scenario, radius: f64, target: f64) -> Result<std::result::Result<Plan, f64>> {
    let s = Scenario { radius, target, ..base.clone() };
    match plan(county, &s.plan_options()) {
        Ok(p) => Ok(Ok(p)),
        Err(Error::Infeasible { achievable, .. }) => Ok(Err(achievable)),
        Err(e) => Err(e),
    }
}

fn plan_measure(p: &Plan, base: &Scenario) -> f64 {
    match base.by {
        crate::plan::CoverageBy::Villages => p.coverage,
        crate::plan::CoverageBy::Population => p.population_coverage,
    }
}

/// Every combination of radius × target × yearly budget: plan, cost and schedule, as a tidy
/// table.
///
/// Each (radius, target) pair is planned once ([`plan`], with the base scenario's `by` and
/// `within_town`); each yearly budget is then split over the sources as the base scenario's
/// first year is (or by [`DEFAULT_SHARES`] when that year is empty), over the base scenario's
/// years and carry-over rule, and the plan is scheduled ([`Schedule::build_with`]) with the base
/// scenario's cost model. Pairs run in parallel on the rayon pool; rows come back in the order
/// radius, then target, then budget, whatever the thread count.
///
/// # Arguments
/// * `county`: the villages and sites.
/// * `base`: the other assumptions.
/// * `radii`: service radii, metres; `targets`: shares in (0, 1]; `budgets`: yuan per year ≥ 0.
/// * `progress`: optional callback with (pairs done, pairs); false cancels.
///
/// # Returns
/// One [`SweepRow`] per combination; a target that cannot be reached at a radius gives rows with
/// status `"infeasible"` and the achievable share.
///
/// # Errors
/// [`Error::InvalidInput`] for an empty list, a bad radius, target, budget or base scenario;
/// [`Error::Cancelled`] when `progress` returns false.
///
/// # Complexity
/// |radii| · |targets| plans plus |radii| · |targets| · |budgets| schedules.
///
/// # Examples
/// ```
/// use villageplan::prelude::*;
/// use villageplan::scenario::sweep;
/// let county = sample_county(2008)?;
/// let rows = sweep(&county, &Scenario::default(), &[2000.0], &[0.5, 0.6], &[1e6, 1e7], None)?;
/// assert_eq!(rows.len(), 4);
/// assert!(rows[3].coverage >= rows[2].coverage); // more money, more coverage
/// # Ok::<(), villageplan::error::Error>(())
/// ```
pub fn sweep(
    county: &Instance,
    base: &Scenario,
    radii: &[f64],
    targets: &[f64],
    budgets: &[f64],
    progress: Option<Progress<'_>>,
) -> Result<Vec<SweepRow>> {
    base.validate()?;
    check_values("radius", radii)?;
    check_values("target", targets)?;
    check_values("budget", budgets)?;
    for &r in radii {
        crate::coverage::sets::check_radius(r)?;
    }
    for &t in targets {
        crate::rollout::schedule::check_target(t)?;
    }
    let shares = shares_of(&base.budget);
    let budget_list: Vec<Budget> = budgets
        .iter()
        .map(|&b| Budget::yearly(b, &shares, base.years, base.budget.carry_over))
        .collect::<Result<_>>()?;
    let pairs: Vec<(f64, f64)> = radii.iter().flat_map(|&r| targets.iter().map(move |&t| (r, t))).collect();
    let done = AtomicUsize::new(0);
    let cancelled = AtomicBool::new(false);
    let chunks: Vec<Result<Vec<SweepRow>>> = pairs
        .par_iter()
        .map(|&(radius, target)| {
            if cancelled.load(Ordering::Relaxed) {
                return Err(Error::Cancelled);
            }
            let planned = plan_at(county, base, radius, target)?;
            let rows = budgets
                .iter()
                .zip(&budget_list)
                .map(|(&yearly, budget)| sweep_row(base, radius, target, yearly, budget, &planned))
                .collect::<Result<Vec<_>>>()?;
            let n = done.fetch_add(1, Ordering::Relaxed) + 1;
            if let Some(f) = progress {
                if !f(n, pairs.len()) {
                    cancelled.store(true, Ordering::Relaxed);
                }
            }
            Ok(rows)
        })
        .collect();
    if cancelled.load(Ordering::Relaxed) {
        return Err(Error::Cancelled);
    }
    let mut out = Vec::with_capacity(pairs.len() * budgets.len());
    for c in chunks {
        out.extend(c?);
    }
    Ok(out)
}

fn sweep_row(
    base: &Scenario,
    radius: f64,
    target: f64,
    yearly: f64,
    budget: &Budget,
    planned: &std::result::Result<Plan, f64>,
) -> Result<SweepRow> {
    let p = match planned {
        Err(achievable) => {
            return Ok(SweepRow {
                radius,
                target,
                budget: yearly,
                years: base.years,
                status: "infeasible".into(),
                achievable: *achievable,
                centres: 0,
                plan_cost: f64::NAN,
                plan_coverage: f64::NAN,
                coverage: f64::NAN,
                population_coverage: f64::NAN,
                built: 0,
                spent: f64::NAN,
                target_year: None,
                shortfall: f64::NAN,
            })
        }
        Ok(p) => p,
    };
    let s =
        Schedule::build_with(p, budget, &base.costs, &ScheduleOptions { target: Some(target), ..Default::default() })?;
    let last = s.years.last().ok_or_else(|| Error::Internal("a schedule without years".into()))?;
    Ok(SweepRow {
        radius,
        target,
        budget: yearly,
        years: base.years,
        status: "ok".into(),
        achievable: plan_measure(p, base),
        centres: p.communities.len(),
        plan_cost: s.centres.iter().map(|c| c.cost).fold(0.0, |a, b| a + b),
        plan_coverage: p.coverage,
        coverage: last.coverage,
        population_coverage: last.population_coverage,
        built: s.centres.iter().filter(|c| c.year.is_some_and(|y| y > 0)).count(),
        spent: s.years.iter().map(|y| y.spent.total()).fold(0.0, |a, b| a + b),
        target_year: s.target_year,
        shortfall: s.shortfall.unwrap_or(f64::NAN),
    })
}

/// The cost-versus-coverage curve: for each target, the cheapest plan found that reaches it, its
/// cost by the cost model and the marginal cost of each extra percentage point.
///
/// Method: the planner ([`plan`]) at each target level, with its objective (least cost when the
/// county's sites have costs, else fewest centres) and the base scenario's radius, `by` and
/// `within_town`; each plan is then costed by the scenario's cost model for the households its
/// communities serve. Since a plan for a higher target also reaches every lower one, each row
/// takes the cheapest of the plans computed that reaches its target, which makes the curve
/// non-decreasing. The marginal cost per point is the cost difference to the previous row over
/// the difference in target, in percentage points. Each plan is also scheduled under the
/// scenario's budget (target year, shortfall). Targets are sorted ascending; plans run in
/// parallel.
///
/// # Arguments
/// * `county`, `base`: as [`sweep()`]; `targets`: shares in (0, 1].
///
/// # Returns
/// One [`CurveRow`] per target, ascending; unreachable targets have status `"infeasible"`.
///
/// # Errors
/// [`Error::InvalidInput`] for an empty or bad target list or an invalid scenario.
///
/// # Complexity
/// |targets| plans and schedules.
///
/// # Examples
/// ```
/// use villageplan::prelude::*;
/// use villageplan::scenario::cost_curve;
/// let county = sample_county(2008)?;
/// let rows = cost_curve(&county, &Scenario::default(), &[0.4, 0.6, 0.8])?;
/// assert!(rows.windows(2).all(|w| w[0].cost <= w[1].cost));
/// # Ok::<(), villageplan::error::Error>(())
/// ```
pub fn cost_curve(county: &Instance, base: &Scenario, targets: &[f64]) -> Result<Vec<CurveRow>> {
    base.validate()?;
    check_values("target", targets)?;
    for &t in targets {
        crate::rollout::schedule::check_target(t)?;
    }
    let mut ts = targets.to_vec();
    ts.sort_by(f64::total_cmp);
    ts.dedup();
    let plans: Vec<std::result::Result<Plan, f64>> =
        ts.par_iter().map(|&t| plan_at(county, base, base.radius, t)).collect::<Result<_>>()?;
    // Cost-model cost and measure of each feasible plan.
    let costed: Vec<Option<(f64, f64, &Plan)>> = plans
        .iter()
        .map(|p| match p {
            Ok(p) => {
                let c = base.costs.cost_plan(p)?.iter().map(|c| c.cost).fold(0.0, |a, b| a + b);
                Ok(Some((c, plan_measure(p, base), p)))
            }
            Err(_) => Ok(None),
        })
        .collect::<Result<_>>()?;
    let mut rows = Vec::with_capacity(ts.len());
    let mut previous: Option<(f64, f64)> = None;
    for (j, &t) in ts.iter().enumerate() {
        let best = costed
            .iter()
            .flatten()
            .filter(|(_, m, _)| *m >= t - 1e-12)
            .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
        let Some(&(cost, measure, p)) = best else {
            let achievable = match &plans[j] {
                Err(a) => *a,
                Ok(p) => plan_measure(p, base),
            };
            rows.push(CurveRow {
                target: t,
                status: "infeasible".into(),
                coverage: achievable,
                population_coverage: f64::NAN,
                centres: 0,
                cost: f64::NAN,
                marginal_cost_per_point: f64::NAN,
                target_year: None,
                shortfall: f64::NAN,
                sites: Vec::new(),
            });
            continue;
        };
        let marginal = match previous {
            Some((pt, pc)) if t > pt => (cost - pc) / (100.0 * (t - pt)),
            _ => f64::NAN,
        };
        previous = Some((t, cost));
        let s = Schedule::build_with(
            p,
            &base.budget,
            &base.costs,
            &ScheduleOptions { target: Some(t), ..Default::default() },
        )?;
        rows.push(CurveRow {
            target: t,
            status: "ok".into(),
            coverage: measure,
            population_coverage: p.population_coverage,
            centres: p.communities.len(),
            cost,
            marginal_cost_per_point: marginal,
            target_year: s.target_year,
            shortfall: s.shortfall.unwrap_or(f64::NAN),
            sites: p.communities.iter().map(|c| c.site_id.clone()).collect(),
        });
    }
    Ok(rows)
}

/// The cheapest plan found for each of `targets` (default in Python: 50, 60, 70 and 80%): the
/// rows of [`cost_curve`] at those targets.
///
/// # Errors
/// As [`cost_curve`].
pub fn cheapest_plans(county: &Instance, base: &Scenario, targets: &[f64]) -> Result<Vec<CurveRow>> {
    cost_curve(county, base, targets)
}
