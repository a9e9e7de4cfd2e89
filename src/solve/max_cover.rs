use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::bounds::Residual;
use super::cover_bb::{cover_tree, CoverGoal, Polisher, Presolved, TREE_MAX_PAIRS, TREE_WORK};
use super::cover_search::{derive_seed, SearchParams};
use super::cover_state::CoverState;
use super::greedy::lazy_greedy;
use super::problem::CoverProblem;
use super::{Sense, Solution, SolveOptions};
use crate::coverage::Coverage;
use crate::error::{Error, Result};
use crate::progress::{Control, Stop};

/// What a maximal-coverage solution may spend.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CoverLimit {
    /// At most this many open sites in total, fixed sites included.
    Sites(usize),
    /// At most this total cost of the sites opened beyond the fixed ones.
    Budget(f64),
}

impl CoverLimit {
    /// Check the limit: p at least the fixed sites, a finite budget ≥ 0.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming `p` or `budget`.
    pub(crate) fn check(self, n_fixed: usize) -> Result<()> {
        match self {
            CoverLimit::Sites(p) if p < n_fixed => Err(Error::param(
                "p",
                format!("p = {p} is smaller than the {n_fixed} sites fixed open; raise p to at least {n_fixed}"),
            )),
            CoverLimit::Budget(b) if !b.is_finite() || b < 0.0 => {
                Err(Error::param("budget", format!("budget must be a finite amount ≥ 0, got {b}")))
            }
            _ => Ok(()),
        }
    }
}

/// Most weight covered with at most p sites or within a budget: the maximal covering location
/// problem (MCLP, Church & ReVelle 1974), budgeted variant of Khuller, Moss & Naor (1999).
///
/// Algorithm: with a limit on sites, a presolve first (the reductions of the branch and bound;
/// the reduced problem is solved when they shrink it by a fifth or more). Fixed sites open
/// first; a greedy adds the site with the largest newly covered weight (per unit cost under a
/// budget, compared with the best single affordable site, which keeps the (1 − 1/e)/2
/// guarantee); a best-improvement swap descent scores every swap from the weight only the closed
/// site covers (fast interchange in the manner of Resende & Werneck 2004). With p sites a
/// Lagrangian branch and bound (Galvão & ReVelle 1996 for the relaxation) then often proves the
/// plan optimal. Meanwhile, on a second thread, swap descents polish its first completions and
/// the problem restricted to the sites of those local optima is solved exactly (solution merging,
/// Blum et al. 2016), which usually finds the optimum long before the proof. Otherwise, or under
/// a budget, a Lagrangian relaxation optimised by subgradient steps gives the upper bound
/// (rounded down with integer weights) and a parallel, seeded variable neighbourhood search
/// improves the plan from the best plans and the distinct local optima met so far; with p sites
/// the chains' local optima are merged in turn and the problem restricted to their sites goes to
/// the branch and bound.
///
/// # Arguments
/// * `problem`: coverage, weights (1 per village or population), costs, fixed and allowed sites.
/// * `limit`: [`CoverLimit::Sites`] or [`CoverLimit::Budget`].
/// * `options`: seed and time limit.
///
/// # Returns
/// A [`Solution`] maximising covered weight; `bound` is an upper bound on the optimum.
///
/// # Errors
/// [`Error::InvalidInput`] for p below the number of fixed sites, a negative or non-finite budget,
/// or a malformed problem.
///
/// # Complexity
/// Greedy O(K log m); each local-search iteration O(m + Σ deg); the bound O(iterations · (K + m log m))
/// for K covered pairs and m sites.
///
/// # Examples
/// ```
/// use villageplan::coverage::Coverage;
/// use villageplan::solve::{max_coverage, CoverLimit, CoverProblem, SolveOptions, Status};
/// // 7 villages on a line 1 km apart; a site covers its neighbours within 1 km.
/// let n = 7;
/// let m: Vec<f64> = (0..n * n).map(|k| ((k / n) as f64 - (k % n) as f64).abs() * 1000.0).collect();
/// let cov = Coverage::from_matrix(&m, n, n, 1000.0).unwrap();
/// let sol = max_coverage(&CoverProblem::unit(&cov), CoverLimit::Sites(2), &SolveOptions::default()).unwrap();
/// assert_eq!(sol.objective, 6.0);
/// assert_eq!(sol.status, Status::Optimal);
/// ```
pub fn max_coverage(problem: &CoverProblem<'_>, limit: CoverLimit, options: &SolveOptions) -> Result<Solution> {
    let start = Instant::now();
    problem.validate()?;
    limit.check(problem.fixed.len())?;
    let cov = problem.coverage;
    // Presolve (a limit on sites only: the reductions ignore costs): when the reductions shrink the
    // problem by a fifth or more, solve the reduced one, whose every step is cheaper, and map its
    // sites back. Its rows leave out what the fixed sites cover, which the bound adds back.
    if let CoverLimit::Sites(p) = limit {
        if cov.n_pairs() <= TREE_MAX_PAIRS {
            let pre = Presolved::new(problem, CoverGoal::MaxSites(p));
            if pre.coverage.n_pairs() * 5 <= cov.n_pairs() * 4 && pre.coverage.n_sites() > 0 {
                let slots = p - problem.fixed.len();
                let sub = solve_max(&pre.problem(), CoverLimit::Sites(slots), options, start, Some(&pre))?;
                let open = pre.sites(problem, &sub.open);
                let objective = problem.covered_weight(&open);
                let bound = objective - sub.objective + sub.bound;
                let timed_out = sub.status == super::Status::TimeLimit;
                let sol = Solution::certify(open, objective, bound.max(objective), Sense::Maximize, timed_out);
                return Ok(Solution { iterations: sub.iterations, ..sol }.served_nearest(cov, start));
            }
        }
    }
    Ok(solve_max(problem, limit, options, start, None)?.served_nearest(cov, start))
}

/// [`max_coverage`] on a checked problem, the clock started at `start`; `pre` is the presolve
/// that gave `problem`, if any (the branch and bound then need not reduce it again). The villages
/// are not assigned: the caller does it once, for its own problem.
fn solve_max(
    problem: &CoverProblem<'_>,
    limit: CoverLimit,
    options: &SolveOptions,
    start: Instant,
    pre: Option<&Presolved>,
) -> Result<Solution> {
    let control = Control::current();
    let fixed = problem.fixed_mask();
    let cov = problem.coverage;
    let by_village = cov.transpose();
    let fixed_list: Vec<u32> = (0..cov.n_sites() as u32).filter(|&s| fixed[s as usize]).collect();
    let candidates: Vec<usize> = (0..cov.n_sites()).filter(|&s| problem.allowed[s] && !fixed[s]).collect();

    let mut st = CoverState::new(problem, &by_village, &fixed_list);
    fill(&mut st, &candidates, limit, &[], usize::MAX);
    if let CoverLimit::Budget(b) = limit {
        // Best single affordable site, for the budgeted greedy's guarantee.
        let base = CoverState::new(problem, &by_village, &fixed_list);
        if let Some(&s) = candidates
            .iter()
            .filter(|&&s| problem.costs[s] <= b)
            .max_by(|&&a, &&c| base.gain[a].total_cmp(&base.gain[c]).then(c.cmp(&a)))
        {
            if base.gain[s] > st.covered - base.covered {
                let mut single = base;
                single.open_site(s, true);
                fill(&mut single, &candidates, limit, &[], usize::MAX);
                if single.covered > st.covered {
                    st = single;
                }
            }
        }
    }
    let deadline = options.time_limit.map(|t| start + Duration::from_secs_f64(t.max(0.0)));
    let mut iterations = 0u64;
    let mut timed_out = false;
    // A second start for the local-search chains, when two different good plans exist, and the
    // local optima the branch and bound's polish met, for further starts.
    let mut other_start: Option<Vec<u32>> = None;
    let mut polished: Vec<Vec<u32>> = Vec::new();
    let mut early_plan: Option<Plan> = None;
    let (bound, greedy_open, greedy_value) = match limit {
        CoverLimit::Sites(p) if cov.n_pairs() <= TREE_MAX_PAIRS => {
            // A swap descent from the greedy, then reductions and the branch and bound, which
            // usually proves optimality at once on county-sized instances.
            let greedy = st.open_list();
            let stop = Stop::new(deadline, &control);
            iterations += swap_descent(&mut st, &candidates, limit, &stop);
            let (mut value, mut open) = (st.covered, st.open_list());
            let root = problem.max_coverable();
            // The tree's completions are polished by a swap descent (a Lagrangian heuristic) in the
            // background; the first few local optima and the descent's are then merged, and the
            // problem restricted to their sites is solved exactly, also in the background.
            let work = |task: Task| match task {
                _ if stop.reached() => None,
                Task::Polish(sites) => {
                    let mut st = CoverState::new(problem, &by_village, &sites);
                    swap_descent(&mut st, &candidates, limit, &stop);
                    Some((st.covered, st.open_list()))
                }
                Task::Merge(plans, lower, cap) => merged_optimum(problem, &plans, p, lower, &stop, cap, root),
            };
            // The tree stays on this thread (a scope injected into the pool would wait for a pool
            // thread to take it, and this one to be woken at the end): the background tasks go to
            // the pool, and a waiting tree runs the ones nobody has started.
            let (tree, seen, early) = rayon::in_place_scope(|scope| {
                let mut background = Background::new(scope, &work, greedy.clone(), (value, open.clone()));
                let (goal, stop) = (CoverGoal::MaxSites(p), Stop::new(deadline, &control));
                let tree = cover_tree(problem, pre, goal, value, root, TREE_WORK, stop, Some(&mut background));
                let early = background.early();
                (tree, background.seen, early)
            });
            polished = seen;
            early_plan = early;
            iterations += tree.nodes + tree.iterations;
            timed_out |= tree.stopped;
            if let Some((v, o)) = tree.improved {
                if v > value {
                    (value, open) = (v, o);
                }
            }
            if tree.proven {
                (value, open, value)
            } else if timed_out {
                (tree.bound.max(value), open, value)
            } else {
                // Unproven: the Lagrangian heuristic's best plan and the tree's both seed the
                // local search below (different starts reach different local optima).
                let greedy_value = problem.covered_weight(&greedy);
                let (lb, lopen, lvalue) =
                    lagrangian_start(problem, limit, &by_village, &candidates, greedy, greedy_value, &stop);
                timed_out |= stop.reached();
                let bound = lb.min(tree.bound);
                if lvalue > value {
                    other_start = Some(open);
                    (bound.max(lvalue), lopen, lvalue)
                } else {
                    other_start = Some(lopen);
                    (bound.max(value), open, value)
                }
            }
        }
        _ => {
            let stop = Stop::new(deadline, &control);
            let open = st.open_list();
            let out = lagrangian_start(problem, limit, &by_village, &candidates, open, st.covered, &stop);
            timed_out |= stop.reached();
            out
        }
    };

    let (open, _) = if greedy_value < bound - 1e-9 * bound.abs().max(1.0) && !timed_out {
        let params = SearchParams::scaled(cov, options.seed, Stop::new(deadline, &control));
        // Chains start from the best plan, the other start and the distinct local optima the
        // branch and bound's polish met (different basins lead to different optima): one chain a
        // start, at most FINAL_WORK chains' worth of iterations in all.
        let mut starts: Vec<&Vec<u32>> = vec![&greedy_open];
        starts.extend(other_start.iter());
        for o in &polished {
            if starts.len() < MAX_STARTS && !starts.contains(&o) {
                starts.push(o);
            }
        }
        let n_chains = params.chains.max(starts.len());
        let mut params = params;
        params.iterations = (params.iterations * n_chains.min(FINAL_WORK) / n_chains).max(1);
        let results: Vec<(f64, Vec<u32>, u64, bool)> = (0..n_chains)
            .into_par_iter()
            .map(|k| {
                let start = starts[k % starts.len()];
                max_chain(
                    problem,
                    &by_village,
                    &candidates,
                    start,
                    limit,
                    bound,
                    &params,
                    derive_seed(params.seed, k as u64),
                )
            })
            .collect();
        iterations += results.iter().map(|r| r.2).sum::<u64>();
        timed_out |= results.iter().any(|r| r.3);
        // The chains' local optima merged, and the problem restricted to their sites solved by the
        // branch and bound (its full work): different chains settle different parts of the plan,
        // and the best combination of those parts is often better than each.
        let merged = match limit {
            CoverLimit::Sites(p) if cov.n_pairs() <= TREE_MAX_PAIRS && !timed_out => {
                let plans: Vec<Vec<u32>> = results.iter().map(|r| r.1.clone()).collect();
                let lower = results.iter().map(|r| r.0).fold(greedy_value, f64::max);
                let stop = Stop::new(deadline, &control);
                let found = merged_optimum(problem, &plans, p, lower, &stop, TREE_WORK, problem.max_coverable());
                timed_out |= stop.reached();
                found
            }
            _ => None,
        };
        let best = results
            .into_iter()
            .map(|(v, o, _, _)| (v, o))
            .chain(merged)
            .enumerate()
            .max_by(|a, b| a.1 .0.total_cmp(&b.1 .0).then(b.0.cmp(&a.0)))
            .map(|(_, r)| r);
        match best {
            Some((v, o)) if v > greedy_value => (o, v),
            _ => (greedy_open, greedy_value),
        }
    } else {
        (greedy_open, greedy_value)
    };
    // The early merge's plan, when it beats everything else (as when the time limit cut the rest
    // short); it fed no search, so that the rest is the same with it or without.
    let open = match early_plan {
        Some((_, o)) if problem.covered_weight(&o) > problem.covered_weight(&open) => o,
        _ => open,
    };
    // Recompute the objective from scratch so that it carries no incremental rounding.
    let objective = problem.covered_weight(&open);
    Ok(Solution { iterations, ..Solution::certify(open, objective, bound.max(objective), Sense::Maximize, timed_out) })
}

/// The Lagrangian upper bound and the best of `start` and the Lagrangian heuristic's plans:
/// (bound, open sites, covered weight).
fn lagrangian_start(
    problem: &CoverProblem<'_>,
    limit: CoverLimit,
    by_village: &Coverage,
    candidates: &[usize],
    open: Vec<u32>,
    value: f64,
    stop: &Stop<'_>,
) -> (f64, Vec<u32>, f64) {
    let cov = problem.coverage;
    let integral = problem.weights.iter().all(|w| w.fract() == 0.0);
    let work = (cov.n_pairs() + cov.n_villages() + cov.n_sites()) as f64;
    let lag_iterations = (4.0e8 / work).clamp(30.0, 300.0) as usize;
    let (bound, primal) =
        lagrangian_max_cover(problem, limit, value, integral, lag_iterations, Some((by_village, candidates)), stop);
    match primal {
        Some((v, o)) if v > value => (bound, o, v),
        _ => (bound, open, value),
    }
}

/// Greedily add sites by gain (per cost under a budget) until the limit, skipping `tabu` sites
/// and at most `max_adds` additions; ties go to the first in `candidates` (ascending).
fn fill(
    st: &mut CoverState<'_, '_>,
    candidates: &[usize],
    limit: CoverLimit,
    tabu: &[usize],
    max_adds: usize,
) -> Vec<usize> {
    let p = st.p;
    let mut added = Vec::new();
    if let CoverLimit::Sites(n) = limit {
        if tabu.is_empty() && n.saturating_sub(st.n_open).min(max_adds) >= LAZY_FILL {
            // Many sites to add: a lazy greedy (a site's gain only falls as others open) picks the
            // same sites as the scans below, in far fewer steps.
            let closed: Vec<usize> = candidates.iter().copied().filter(|&t| !st.open[t]).collect();
            lazy_greedy(
                &mut (st, &mut added),
                closed,
                |(st, _), t| st.gain[t],
                |(st, added)| added.len() >= max_adds || st.n_open >= n,
                |(st, added), t| {
                    st.open_site(t, true);
                    added.push(t);
                },
            );
            return added;
        }
    }
    let spent = |st: &CoverState<'_, '_>| st.cost;
    while added.len() < max_adds {
        let mut pick: Option<(f64, usize)> = None;
        for &t in candidates {
            if st.open[t] || st.gain[t] <= 0.0 || tabu.contains(&t) {
                continue;
            }
            let key = match limit {
                CoverLimit::Sites(n) => {
                    if st.n_open >= n {
                        break;
                    }
                    st.gain[t]
                }
                CoverLimit::Budget(b) => {
                    if spent(st) + p.costs[t] > b * (1.0 + 1e-12) {
                        continue;
                    }
                    if p.costs[t] <= 0.0 {
                        f64::INFINITY
                    } else {
                        st.gain[t] / p.costs[t]
                    }
                }
            };
            if pick.is_none_or(|(k, _)| key > k) {
                pick = Some((key, t));
            }
        }
        let Some((_, t)) = pick else { break };
        st.open_site(t, true);
        added.push(t);
    }
    added
}

/// Whether opening `t` after closing `s` stays within the limit.
fn swap_fits(st: &CoverState<'_, '_>, limit: CoverLimit, t: usize) -> bool {
    match limit {
        CoverLimit::Sites(_) => true,
        CoverLimit::Budget(b) => st.cost + st.p.costs[t] <= b * (1.0 + 1e-12),
    }
}

/// Best-improvement swap local search: repeatedly apply the swap (close `s`, open `t`) with the
/// largest coverage gain, then top up with any site that still fits. Stops at a swap-optimal
/// solution, or after a move once `stop` is reached.
///
/// A swap's gain is `gain[t] − loss[s] + extra(t, s)`, where `extra(t, s)` is the weight of the
/// villages only `s` covers that `t` covers too (the fast interchange of Resende & Werneck 2004
/// for the p-median, here for coverage). For each open `s`, `extra` is kept as a short list over
/// the sites near its lone-covered villages; every other `t` has `extra = 0`, so the best of
/// those is the first in gain order that fits. A move changes the lone-covered villages only of
/// the open sites that share a village with the two swapped sites, so only their lists are
/// rebuilt; the others are kept from move to move.
///
/// # Complexity
/// Per move O(m + Σ_{s open} |extra list of s| + Σ_{s rebuilt} Σ_{v ∈ s} deg(v)), against
/// O(p · (m + Σ deg)) for evaluating each swap by closing and reopening.
fn swap_descent(st: &mut CoverState<'_, '_>, candidates: &[usize], limit: CoverLimit, stop: &Stop<'_>) -> u64 {
    let tol = 1e-9 * st.covered.abs().max(1.0);
    let m = st.open.len();
    let mut is_candidate = vec![false; m];
    for &c in candidates {
        is_candidate[c] = true;
    }
    let mut extra = vec![0.0f64; m];
    let mut touched = vec![false; m];
    let mut near: Vec<usize> = Vec::new();
    // Per open candidate site, its `extra` list (site, weight) in the order first met.
    let mut lists: Vec<Vec<(u32, f64)>> = vec![Vec::new(); m];
    let mut stale = vec![false; m];
    let mut rebuild: Vec<usize> = Vec::new();
    let mut changed: Vec<usize> = Vec::new();
    let mut moves = 0u64;
    loop {
        if moves > 0 && stop.reached() {
            return moves;
        }
        changed.extend(fill(st, candidates, limit, &[], usize::MAX));
        if moves == 0 {
            // At first every open site's list is built (the others' are empty).
            changed.clear();
            rebuild.extend(candidates.iter().copied().filter(|&s| st.open[s]));
        }
        // Lists to rebuild: the candidate sites sharing a village with a site opened or closed,
        // and those sites (each list depends only on the plan, so the order does not matter).
        for &c in &changed {
            let near_c = st.p.coverage.villages_of(c).iter().flat_map(|&v| st.by_village.villages_of(v as usize));
            for u in near_c.map(|&u| u as usize).chain([c]) {
                if is_candidate[u] && !stale[u] {
                    stale[u] = true;
                    rebuild.push(u);
                }
            }
        }
        changed.clear();
        for s in rebuild.drain(..) {
            stale[s] = false;
            lists[s].clear();
            if !st.open[s] {
                continue;
            }
            for &v in st.p.coverage.villages_of(s) {
                if st.count[v as usize] != 1 {
                    continue;
                }
                let w = st.p.weights[v as usize];
                for &t in st.by_village.villages_of(v as usize) {
                    let t = t as usize;
                    if !touched[t] {
                        touched[t] = true;
                        near.push(t);
                    }
                    extra[t] += w;
                }
            }
            lists[s].extend(near.iter().map(|&t| (t as u32, extra[t])));
            for &t in &near {
                touched[t] = false;
                extra[t] = 0.0;
            }
            near.clear();
        }
        // The sites worth opening with the highest gains, highest first (ties to the lower index):
        // the best site without `extra` for a given `s` is usually among them; when it is not, all
        // the sites worth opening are scanned.
        let gain = &st.gain;
        let higher = |a: usize, b: usize| gain[a] > gain[b] || (gain[a] == gain[b] && a < b);
        let worth = || candidates.iter().filter(|&&t| !st.open[t] && gain[t] > tol);
        let mut by_gain: Vec<usize> = Vec::with_capacity(TOP_GAINS + 1);
        for &t in worth() {
            if by_gain.len() < TOP_GAINS || higher(t, by_gain[TOP_GAINS - 1]) {
                let at = by_gain.iter().position(|&u| higher(t, u)).unwrap_or(by_gain.len());
                by_gain.insert(at, t);
                by_gain.truncate(TOP_GAINS);
            }
        }
        let mut best: Option<(f64, usize, usize)> = None;
        for &s in candidates {
            if !st.open[s] {
                continue;
            }
            let lost = st.loss[s];
            // The best conceivable swap out of `s` opens the top site and keeps all of `lost`.
            if by_gain.first().is_none_or(|&t| gain[t] <= best.map_or(tol, |b| b.0 + tol)) {
                break;
            }
            let mut consider = |t: usize, delta: f64| {
                if delta > tol && best.is_none_or(|(d, _, _)| delta > d) && swap_fits_after(st, limit, s, t) {
                    best = Some((delta, s, t));
                }
            };
            // A site that covers nothing new cannot gain from a swap: its `extra` is at most `lost`.
            for &(t, e) in &lists[s] {
                let t = t as usize;
                touched[t] = true;
                if gain[t] > tol && is_candidate[t] {
                    consider(t, gain[t] - lost + e);
                }
            }
            let free = |&&t: &&usize| !touched[t] && swap_fits_after(st, limit, s, t);
            let top = by_gain.iter().find(free).or_else(|| {
                let mut rest = worth().filter(free);
                let first = rest.next()?;
                Some(rest.fold(first, |b, t| if higher(*t, *b) { t } else { b }))
            });
            if let Some(&t) = top {
                consider(t, gain[t] - lost);
            }
            for &(t, _) in &lists[s] {
                touched[t as usize] = false;
            }
        }
        match best {
            Some((_, s, t)) => {
                st.close_site(s, true);
                st.open_site(t, true);
                changed.extend([s, t]);
                moves += 1;
            }
            None => return moves,
        }
    }
}

/// Additions from which [`fill`] runs a lazy greedy instead of scanning the sites each time.
const LAZY_FILL: usize = 8;

/// How many of the highest-gain sites [`swap_descent`] keeps in order.
const TOP_GAINS: usize = 8;

/// How many of the first polished completions of the branch and bound [`merged_optimum`]
/// merges with the swap descent's plan.
const MERGE_POOL: usize = 4;

/// How many of the first polished completions the early merge takes (the first is usually the
/// descent's plan again), and its work cap: it comes about 0.3 ms sooner than the full merge.
const EARLY_POOL: usize = 3;
const EARLY_WORK: f64 = 5.0e6;

/// Collection points after its submission at which a polish, and the merge, are due.
const POLISH_DUE: u32 = 1;
const MERGE_DUE: u32 = 2;

/// Most starts of the final local search.
const MAX_STARTS: usize = 16;

/// Most iterations of the final local search in all, in chains' worth of [`SearchParams::scaled`].
const FINAL_WORK: usize = 12;

/// Subgradient work (pair visits) of the branch and bound on the merged sites.
const MERGE_WORK: f64 = 2.0e7;

/// The best plan of at most `p` sites among the sites of `plans`, if it covers more than `lower`:
/// solution merging (in the manner of Blum et al. 2016, "Construct, merge, solve & adapt").
///
/// Local optima of a good search share most of their sites and differ where the choice is close;
/// the union of a few of them is a small problem that holds better plans than each, and the
/// branch and bound, with its work capped at `work`, solves it (usually to optimality: on a
/// 1,000 × 1,000 instance with p = 50, five plans give about 100 sites and the restricted optimum
/// is the optimum). The result is a feasible plan of the whole problem whatever the restriction.
fn merged_optimum(
    problem: &CoverProblem<'_>,
    plans: &[Vec<u32>],
    p: usize,
    lower: f64,
    stop: &Stop<'_>,
    work: f64,
    root: f64,
) -> Option<(f64, Vec<u32>)> {
    // The problem on the union's sites only (ascending, so that the tree numbers its columns as it
    // would with the other sites merely forbidden, and finds the same plans), mapped back after.
    let mut union: Vec<u32> = plans.iter().flatten().chain(&problem.fixed).copied().collect();
    union.sort_unstable();
    union.dedup();
    let cov = problem.coverage;
    let mut offsets = Vec::with_capacity(union.len() + 1);
    offsets.push(0);
    let mut villages = Vec::new();
    for &s in &union {
        villages.extend_from_slice(cov.villages_of(s as usize));
        offsets.push(villages.len());
    }
    let distances = vec![0.0; villages.len()];
    let coverage =
        Coverage::from_csr_parts(cov.radius(), cov.within_town(), cov.n_villages(), offsets, villages, distances);
    let place = |s: u32| union.binary_search(&s).map(|k| k as u32);
    let sub = CoverProblem {
        coverage: &coverage,
        weights: problem.weights.clone(),
        costs: union.iter().map(|&s| problem.costs[s as usize]).collect(),
        fixed: problem.fixed.iter().filter_map(|&s| place(s).ok()).collect(),
        allowed: union.iter().map(|&s| problem.allowed[s as usize]).collect(),
    };
    let tree = cover_tree(&sub, None, CoverGoal::MaxSites(p), lower, root, work, *stop, None);
    let (value, open) = tree.improved.filter(|(v, _)| *v > lower)?;
    Some((value, open.iter().map(|&k| union[k as usize]).collect()))
}

/// Work the branch and bound hands to the background.
enum Task {
    /// Swap descent from a plan.
    Polish(Vec<u32>),
    /// [`merged_optimum`] of plans, to beat a value, with a work cap.
    Merge(Vec<Vec<u32>>, f64, f64),
}

/// A plan's covered weight and its sites.
type Plan = (f64, Vec<u32>);

/// The work of a task: a plan, if it found one.
type Work<'scope> = &'scope (dyn Fn(Task) -> Option<Plan> + Sync);

/// One task: taken by whichever thread gets to it first, the pool's or the waiting one.
struct Job {
    task: Mutex<Option<Task>>,
    result: OnceLock<Option<(f64, Vec<u32>)>>,
    /// The merges this task's plan goes into, and its place in each.
    feeds: Vec<(Arc<Merge>, usize)>,
}

impl Job {
    fn new(task: Option<Task>, feeds: Vec<(Arc<Merge>, usize)>) -> Arc<Self> {
        Arc::new(Job { task: Mutex::new(task), result: OnceLock::new(), feeds })
    }

    /// Run the task unless another thread has taken it (or it is a merge still waiting for its
    /// plans).
    fn run<'scope>(&self, work: Work<'scope>, scope: &rayon::Scope<'scope>) {
        let task = self.task.lock().map(|mut t| t.take()).unwrap_or_else(|e| e.into_inner().take());
        if let Some(task) = task {
            let mut finish = Finish { job: self, work, scope, found: None };
            finish.found = work(task);
        }
    }
}

/// Publishes a task's result, and feeds its merge, when the task ends, even by a panic (as
/// nothing), so that no thread waits for it forever; the scope then passes the panic on.
struct Finish<'j, 's, 'scope> {
    job: &'j Job,
    work: Work<'scope>,
    scope: &'s rayon::Scope<'scope>,
    found: Option<Plan>,
}

impl Drop for Finish<'_, '_, '_> {
    fn drop(&mut self) {
        for (merge, place) in &self.job.feeds {
            merge.deliver(*place, self.found.clone(), self.work, self.scope);
        }
        let _ = self.job.result.set(self.found.take());
    }
}

/// The merge of the descent's plan and the first polished ones: its task is set, and spawned, by
/// whichever thread delivers the last plan.
struct Merge {
    job: Arc<Job>,
    plans: Mutex<Vec<Option<Plan>>>,
    left: AtomicUsize,
    /// Work cap of its branch and bound.
    cap: f64,
}

impl Merge {
    /// The merge of `start` and the next `pool` polished plans, its branch and bound capped at `cap`.
    fn new(start: Plan, pool: usize, cap: f64) -> Arc<Self> {
        let mut plans = vec![None; pool + 1];
        plans[0] = Some(start);
        let (job, plans, left) = (Job::new(None, Vec::new()), Mutex::new(plans), AtomicUsize::new(pool));
        Arc::new(Merge { job, plans, left, cap })
    }

    fn deliver<'scope>(
        &self,
        place: usize,
        found: Option<(f64, Vec<u32>)>,
        work: Work<'scope>,
        scope: &rayon::Scope<'scope>,
    ) {
        let plans = {
            let mut plans = self.plans.lock().unwrap_or_else(|e| e.into_inner());
            plans[place] = found;
            if self.left.fetch_sub(1, Ordering::AcqRel) != 1 {
                return;
            }
            std::mem::take(&mut *plans)
        };
        let lower = plans.iter().flatten().map(|p| p.0).fold(f64::NEG_INFINITY, f64::max);
        let plans = plans.into_iter().flatten().map(|p| p.1).collect();
        *self.job.task.lock().unwrap_or_else(|e| e.into_inner()) = Some(Task::Merge(plans, lower, self.cap));
        let job = self.job.clone();
        scope.spawn(move |scope| job.run(work, scope));
    }
}

/// The [`Polisher`] of maximal coverage: polishes and merges run as tasks of a rayon scope while
/// the branch and bound goes on, and their results are taken at the tree's collection points.
///
/// A polish submitted at one collection point is due [`POLISH_DUE`] points later. The merge of
/// the descent's plan and the first [`MERGE_POOL`] polished plans starts as soon as they are all
/// in, whichever thread finishes the last, and is due [`MERGE_DUE`] points after the last of them.
/// An early merge of the first [`EARLY_POOL`] plans never counts in the tree (so the search is
/// the same with it or without): its plan is taken after the tree, for when the time limit cuts
/// the rest short. Waiting for a task nobody has started runs it on the waiting thread, which
/// also takes on other unstarted tasks meanwhile, so results and the points where they count are
/// the same at any thread count, one included.
struct Background<'s, 'scope> {
    scope: &'s rayon::Scope<'scope>,
    work: Work<'scope>,
    /// Submitted tasks not yet collected, with the collection at which each is due.
    jobs: Vec<(u32, Arc<Job>)>,
    /// Collections so far.
    round: u32,
    /// The merge, until its last plan is submitted.
    merge: Option<Arc<Merge>>,
    /// The early merge, until its last plan is submitted, and then its job.
    early: Option<Arc<Merge>>,
    early_job: Option<Arc<Job>>,
    /// Polishes submitted.
    submitted: usize,
    /// Every plan collected.
    seen: Vec<Vec<u32>>,
    /// The greedy's plan and the plan of the swap descent from it.
    descended: (Vec<u32>, Plan),
}

impl<'s, 'scope> Background<'s, 'scope> {
    /// Wait for `job`: run it, or while another thread does (or a merge waits for its plans),
    /// take on the tasks nobody has started.
    fn wait(&self, job: &Job) {
        while job.result.get().is_none() {
            job.run(self.work, self.scope);
            for (_, other) in &self.jobs {
                if job.result.get().is_some() {
                    break;
                }
                other.run(self.work, self.scope);
            }
            if job.result.get().is_none() {
                std::thread::yield_now();
            }
        }
    }

    /// The early merge's plan, if it found one; taken after the tree's last collection (every
    /// plan it merges is then in).
    fn early(&mut self) -> Option<Plan> {
        let job = self.early_job.take()?;
        self.wait(&job);
        job.result.get().cloned().flatten()
    }

    /// Background work from the swap descent's `start` plan, found from the greedy's `greedy`.
    fn new(scope: &'s rayon::Scope<'scope>, work: Work<'scope>, greedy: Vec<u32>, start: Plan) -> Self {
        // Wake a pool thread now: one asleep since the last parallel work takes a fraction of a
        // millisecond to start, and the first polish comes with the tree's first iteration.
        scope.spawn(|_| {});
        Background {
            scope,
            work,
            jobs: Vec::new(),
            round: 0,
            merge: Some(Merge::new(start.clone(), MERGE_POOL, MERGE_WORK)),
            early: Some(Merge::new(start.clone(), EARLY_POOL, EARLY_WORK)),
            early_job: None,
            submitted: 0,
            seen: Vec::new(),
            descended: (greedy, start),
        }
    }
}

impl Polisher for Background<'_, '_> {
    fn submit(&mut self, sites: Vec<u32>) {
        self.submitted += 1;
        let feeds: Vec<(Arc<Merge>, usize)> =
            self.merge.iter().chain(&self.early).map(|m| (m.clone(), self.submitted)).collect();
        let (greedy, descended) = &self.descended;
        let job = if *greedy == sites {
            // The greedy's plan again (the first completion, at prices proportional to the
            // weights, usually is): its polish is the descent already done.
            let job = Job::new(None, Vec::new());
            let _ = job.result.set(Some(descended.clone()));
            for (merge, place) in feeds {
                merge.deliver(place, Some(descended.clone()), self.work, self.scope);
            }
            job
        } else {
            let job = Job::new(Some(Task::Polish(sites)), feeds);
            let (theirs, work) = (job.clone(), self.work);
            self.scope.spawn(move |scope| theirs.run(work, scope));
            job
        };
        let due = self.round + POLISH_DUE;
        self.jobs.push((due, job));
        if self.submitted == EARLY_POOL {
            self.early_job = self.early.take().map(|m| m.job.clone());
        }
        if self.submitted == MERGE_POOL {
            if let Some(merge) = self.merge.take() {
                self.jobs.push((due + MERGE_DUE, merge.job.clone()));
            }
        }
    }

    fn collect(&mut self, all: bool) -> Option<(f64, Vec<u32>)> {
        let mut best: Option<(f64, Vec<u32>)> = None;
        let mut k = 0;
        while k < self.jobs.len() {
            if !all && self.jobs[k].0 > self.round {
                k += 1;
                continue;
            }
            let (_, job) = self.jobs.remove(k);
            self.wait(&job);
            let Some(Some(found)) = job.result.get().cloned() else { continue };
            self.seen.push(found.1.clone());
            if best.as_ref().is_none_or(|b| found.0 > b.0) {
                best = Some(found);
            }
        }
        self.round += 1;
        best
    }
}

/// Whether opening `t` in place of the open site `s` stays within the limit.
fn swap_fits_after(st: &CoverState<'_, '_>, limit: CoverLimit, s: usize, t: usize) -> bool {
    match limit {
        CoverLimit::Sites(_) => true,
        CoverLimit::Budget(b) => st.cost - st.p.costs[s] + st.p.costs[t] <= b * (1.0 + 1e-12),
    }
}

#[allow(clippy::too_many_arguments)]
fn max_chain(
    problem: &CoverProblem<'_>,
    by_village: &Coverage,
    candidates: &[usize],
    start: &[u32],
    limit: CoverLimit,
    bound: f64,
    params: &SearchParams<'_>,
    seed: u64,
) -> (f64, Vec<u32>, u64, bool) {
    // Variable neighbourhood search (Mladenović & Hansen 1997): shake by k random swaps,
    // descend by best-improvement swaps, keep the result if it covers more, else widen k.
    let mut st = CoverState::new(problem, by_village, start);
    let mut iterations = swap_descent(&mut st, candidates, limit, &params.deadline);
    let tol = 1e-9 * st.covered.abs().max(1.0);
    let mut best = (st.covered, st.open_list());
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut timed_out = false;
    let k_max = 4;
    let mut k = 1;
    let rounds = (params.iterations / 20).max(20);
    for round in 0..rounds {
        if best.0 >= bound - tol {
            break;
        }
        params.deadline.tick(round as u64, rounds as u64);
        if params.deadline.reached() {
            timed_out = true;
            break;
        }
        iterations += 1;
        // Shake: close k random sites of the best solution, open up to k random ones that fit.
        let mut trial = CoverState::new(problem, by_village, &best.1);
        let mut open: Vec<usize> = candidates.iter().copied().filter(|&s| trial.open[s]).collect();
        let mut closed_now = Vec::new();
        for j in 0..k.min(open.len()) {
            let r = rng.random_range(j..open.len());
            open.swap(j, r);
            trial.close_site(open[j], true);
            closed_now.push(open[j]);
        }
        for _ in 0..k {
            let fits: Vec<usize> = candidates
                .iter()
                .copied()
                .filter(|&t| {
                    !trial.open[t] && trial.gain[t] > 0.0 && !closed_now.contains(&t) && swap_fits(&trial, limit, t)
                })
                .collect();
            if fits.is_empty() {
                break;
            }
            if let CoverLimit::Sites(p) = limit {
                if trial.n_open >= p {
                    break;
                }
            }
            trial.open_site(fits[rng.random_range(0..fits.len())], true);
        }
        iterations += swap_descent(&mut trial, candidates, limit, &params.deadline);
        if trial.covered > best.0 + tol {
            best = (trial.covered, trial.open_list());
            k = 1;
        } else {
            k = if k >= k_max { 1 } else { k + 1 };
        }
    }
    (best.0, best.1, iterations, timed_out)
}

/// Lagrangian upper bound on the most weight coverable within `limit`.
///
/// Relaxing y_v ≤ Σ_{s ∋ v} x_s with λ_v ≥ 0 gives
/// U(λ) = W_fixed + Σ_v max(0, w_v − λ_v) + max { Σ_s x_s Σ_{v ∈ s} λ_v : x within the limit },
/// the last term the p largest site values, or a fractional knapsack under a budget (its LP
/// relaxation, so U stays an upper bound). Subgradient steps minimise U; `lower` is the value
/// of a known solution. With integer weights the bound is rounded down.
///
/// With `heuristic` (the village → sites view and the candidate sites), every tenth iteration
/// the relaxed solution's sites seed a swap descent (a Lagrangian heuristic in the manner of
/// Beasley 1993); the best plan found is returned with the bound and raises `lower` as it goes.
/// Once `stop` is reached (time limit or cancellation) the iterations end; every value computed
/// is an upper bound, so the best so far stays valid.
///
/// # Complexity
/// O(iterations · (K + m log m)), plus one swap descent every tenth iteration.
pub fn lagrangian_max_cover(
    problem: &CoverProblem<'_>,
    limit: CoverLimit,
    lower: f64,
    integral: bool,
    max_iterations: usize,
    heuristic: Option<(&Coverage, &[usize])>,
    stop: &Stop<'_>,
) -> (f64, Option<(f64, Vec<u32>)>) {
    let mut lower = lower;
    let mut primal: Option<(f64, Vec<u32>)> = None;
    let cov = problem.coverage;
    let res = Residual::new(problem, 0.0);
    let fixed_w = -res.need; // Residual::new with need 0 leaves −(weight covered by fixed sites)
    let w = &problem.weights;
    let free: Vec<u32> = (0..cov.n_villages() as u32).filter(|&v| res.free[v as usize]).collect();
    let free_total: f64 = free.iter().map(|&v| w[v as usize]).sum();
    let slots = match limit {
        CoverLimit::Sites(p) => p.saturating_sub(problem.fixed.len()),
        CoverLimit::Budget(_) => usize::MAX,
    };
    let round = |u: f64| if integral { (u + 1e-9).floor() } else { u };
    if slots == 0 || res.sites.is_empty() {
        return (round(fixed_w), None);
    }
    let mut lambda: Vec<f64> = (0..cov.n_villages()).map(|v| 0.5 * w[v]).collect();
    let mut best = fixed_w + free_total;
    let mut mu = 2.0;
    let mut since = 0;
    let mut g = vec![0.0f64; cov.n_villages()];
    let mut values: Vec<(f64, u32)> = Vec::with_capacity(res.sites.len());
    for it in 0..max_iterations {
        if it > 0 && stop.reached() {
            break;
        }
        let mut u = fixed_w;
        for &v in &free {
            let v = v as usize;
            if w[v] > lambda[v] {
                u += w[v] - lambda[v];
                g[v] = -1.0;
            } else {
                g[v] = 0.0;
            }
        }
        values.clear();
        for &s in &res.sites {
            let a: f64 = cov
                .villages_of(s as usize)
                .iter()
                .filter(|&&v| res.free[v as usize])
                .map(|&v| lambda[v as usize])
                .sum();
            values.push((a, s));
        }
        let mut chosen: Vec<(u32, f64)> = Vec::new();
        match limit {
            CoverLimit::Sites(_) => {
                values.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
                for &(a, s) in values.iter().take(slots) {
                    if a > 0.0 {
                        u += a;
                        chosen.push((s, 1.0));
                    }
                }
            }
            CoverLimit::Budget(b) => {
                let c = &problem.costs;
                // Value per unit cost as a key per site, so that the order is total (cross
                // products are not when some costs or values are 0); free sites with value first.
                let ratio = |&(a, s): &(f64, u32)| {
                    let cs = c[s as usize];
                    if cs > 0.0 {
                        a / cs
                    } else if a > 0.0 {
                        f64::INFINITY
                    } else {
                        0.0
                    }
                };
                values.sort_by(|x, y| ratio(y).total_cmp(&ratio(x)).then(x.1.cmp(&y.1)));
                let mut left = b;
                for &(a, s) in &values {
                    if a <= 0.0 {
                        break;
                    }
                    let cs = c[s as usize];
                    let x = if cs <= left {
                        1.0
                    } else if cs > 0.0 {
                        left / cs
                    } else {
                        1.0
                    };
                    if x <= 0.0 {
                        break;
                    }
                    u += a * x;
                    left -= cs * x;
                    chosen.push((s, x));
                }
            }
        }
        for &(s, x) in &chosen {
            for &v in cov.villages_of(s as usize) {
                if res.free[v as usize] {
                    g[v as usize] += x;
                }
            }
        }
        if let Some((by_village, candidates)) = heuristic.filter(|_| it % 10 == 9) {
            let mut seeds = problem.fixed.clone();
            seeds.extend(chosen.iter().filter(|c| c.1 >= 1.0).map(|c| c.0));
            let mut st = CoverState::new(problem, by_village, &seeds);
            swap_descent(&mut st, candidates, limit, stop);
            if st.covered > lower + 1e-9 * lower.abs().max(1.0) {
                lower = st.covered;
                primal = Some((st.covered, st.open_list()));
            }
        }
        if u < best - 1e-12 * best.abs().max(1.0) {
            best = u;
            since = 0;
        } else {
            since += 1;
            if since >= 20 {
                mu /= 2.0;
                since = 0;
            }
        }
        if round(best) <= lower + 1e-9 * lower.abs().max(1.0) || mu < 1e-4 {
            break;
        }
        let norm: f64 = free
            .iter()
            .map(|&v| {
                let gv = g[v as usize];
                if lambda[v as usize] <= 0.0 && gv > 0.0 {
                    0.0
                } else {
                    gv * gv
                }
            })
            .sum();
        if norm <= 0.0 {
            break;
        }
        let step = mu * (u - lower).max(1e-6 * u.abs().max(1.0)) / norm;
        for &v in &free {
            let v = v as usize;
            lambda[v] = (lambda[v] - step * g[v]).max(0.0);
        }
    }
    (round(best), primal)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solve::Status;

    fn random_instance(seed: u64, n: usize) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
        let mut state = seed;
        let mut next = || {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (state >> 33) as f64 / (1u64 << 31) as f64
        };
        let pts: Vec<[f64; 2]> = (0..n).map(|_| [next() * 5000.0, next() * 5000.0]).collect();
        let m = (0..n * n)
            .map(|k| {
                let (a, b) = (pts[k / n], pts[k % n]);
                ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt()
            })
            .collect();
        let w = (0..n).map(|_| (1.0 + next() * 9.0).round()).collect();
        let c = (0..n).map(|_| (1.0 + next() * 4.0).round()).collect();
        (m, w, c)
    }

    /// A problem with these weights and costs, one forbidden site and maybe one fixed site.
    fn weighted(
        cov: &Coverage,
        weights: Vec<f64>,
        costs: Vec<f64>,
        forbidden: usize,
        fixed: Option<u32>,
    ) -> CoverProblem<'_> {
        let mut p = CoverProblem::unit(cov);
        p.weights = weights;
        p.costs = costs;
        p.allowed[forbidden] = false;
        p.fixed = fixed.into_iter().collect();
        p
    }

    fn brute(p: &CoverProblem<'_>, limit: CoverLimit) -> f64 {
        let m = p.coverage.n_sites();
        let fixed = p.fixed_mask();
        let mut best = 0.0f64;
        for mask in 0u32..(1 << m) {
            let sites: Vec<usize> = (0..m).filter(|s| mask & (1 << s) != 0).collect();
            if (0..m).any(|s| fixed[s] && mask & (1 << s) == 0) || sites.iter().any(|&s| !p.allowed[s]) {
                continue;
            }
            let ok = match limit {
                CoverLimit::Sites(k) => sites.len() <= k,
                CoverLimit::Budget(b) => {
                    sites.iter().filter(|&&s| !fixed[s]).map(|&s| p.costs[s]).sum::<f64>() <= b + 1e-9
                }
            };
            if ok {
                let c = p.coverage.covered_by(sites);
                best = best.max(c.iter().zip(&p.weights).filter(|(c, _)| **c).map(|(_, w)| w).sum());
            }
        }
        best
    }

    #[test]
    fn matches_exhaustive_search_with_valid_bounds() {
        for seed in 0..40u64 {
            let n = 11;
            let (m, w, c) = random_instance(seed, n);
            let cov = Coverage::from_matrix(&m, n, n, 1300.0).unwrap();
            let p = weighted(&cov, w, c, 3, (seed % 2 == 0).then_some(5));
            for limit in [CoverLimit::Sites(3), CoverLimit::Budget(6.0)] {
                let sol = max_coverage(&p, limit, &SolveOptions { seed, time_limit: None }).unwrap();
                let opt = brute(&p, limit);
                assert!(sol.bound >= opt - 1e-9, "seed {seed} {limit:?}: bound {} below optimum {opt}", sol.bound);
                assert!(sol.objective <= opt + 1e-9);
                assert!(
                    (sol.objective - opt).abs() < 1e-9,
                    "seed {seed} {limit:?}: {} vs optimum {opt}",
                    sol.objective
                );
                if sol.status == Status::Optimal {
                    assert!((sol.bound - opt).abs() < 1e-9);
                }
                assert!(!sol.open.contains(&3));
                match limit {
                    CoverLimit::Sites(k) => assert!(sol.open.len() <= k),
                    CoverLimit::Budget(b) => assert!(
                        sol.open
                            .iter()
                            .filter(|&&s| s != 5 || seed % 2 == 1)
                            .map(|&s| p.costs[s as usize])
                            .sum::<f64>()
                            <= b + 1e-9
                    ),
                }
            }
        }
    }

    #[test]
    fn limit_errors() {
        let (m, _, _) = random_instance(1, 4);
        let cov = Coverage::from_matrix(&m, 4, 4, 100.0).unwrap();
        let mut p = CoverProblem::unit(&cov);
        p.fixed = vec![0, 1];
        assert!(max_coverage(&p, CoverLimit::Sites(1), &SolveOptions::default())
            .unwrap_err()
            .to_string()
            .contains("`p`"));
        assert!(max_coverage(&p, CoverLimit::Budget(-1.0), &SolveOptions::default())
            .unwrap_err()
            .to_string()
            .contains("`budget`"));
    }

    /// Covered weight of a set of sites, recomputed from scratch.
    fn value(p: &CoverProblem<'_>, sites: &[u32]) -> f64 {
        let covered = p.coverage.covered_by(sites.iter().map(|&s| s as usize));
        covered.iter().zip(&p.weights).filter(|(c, _)| **c).map(|(_, w)| w).sum()
    }

    #[test]
    fn lazy_fill_picks_the_sites_of_the_scanning_greedy() {
        // Integer weights give many ties, which both must break towards the lower site.
        let mut lazy_runs = 0;
        for seed in 0..20u64 {
            let n = 60;
            let (m, w, _) = random_instance(seed, n);
            let cov = Coverage::from_matrix(&m, n, n, 700.0 + 40.0 * seed as f64).unwrap();
            let by_village = cov.transpose();
            let mut p = CoverProblem::unit(&cov);
            p.weights = w;
            let candidates: Vec<usize> = (0..n).collect();
            for (k, start) in [(12, vec![]), (20, vec![3, 7]), (LAZY_FILL + 1, vec![5])] {
                let limit = CoverLimit::Sites(k + start.len());
                let mut lazy = CoverState::new(&p, &by_village, &start);
                let added = fill(&mut lazy, &candidates, limit, &[], usize::MAX);
                lazy_runs += usize::from(added.len() >= LAZY_FILL);
                // One site at a time takes the scanning path.
                let mut scan = CoverState::new(&p, &by_village, &start);
                let mut one_by_one = Vec::new();
                while let Some(&t) = fill(&mut scan, &candidates, limit, &[], 1).first() {
                    one_by_one.push(t);
                }
                assert_eq!(added, one_by_one, "seed {seed}, k {k}");
                assert_eq!(lazy.covered, scan.covered);
            }
        }
        assert!(lazy_runs >= 20, "the lazy path ran {lazy_runs} times");
    }

    #[test]
    fn swap_descent_stops_where_no_single_swap_improves() {
        for seed in 0..12u64 {
            let n = 40;
            let (m, w, c) = random_instance(seed, n);
            let cov = Coverage::from_matrix(&m, n, n, 900.0).unwrap();
            let by_village = cov.transpose();
            let mut p = CoverProblem::unit(&cov);
            p.weights = w;
            p.costs = c;
            let candidates: Vec<usize> = (0..n).collect();
            for limit in [CoverLimit::Sites(5), CoverLimit::Budget(9.0)] {
                let control = Control::current();
                let stop = Stop::new(None, &control);
                // Start from three arbitrary sites within the limit.
                let mut st = CoverState::new(&p, &by_village, &[0, 1, 2]);
                if let CoverLimit::Budget(b) = limit {
                    while st.cost > b {
                        let s = st.open_list()[0] as usize;
                        st.close_site(s, true);
                    }
                }
                swap_descent(&mut st, &candidates, limit, &stop);
                let open = st.open_list();
                let here = value(&p, &open);
                assert!((st.covered - here).abs() < 1e-9, "incremental value {} vs {here}", st.covered);
                let cost: f64 = open.iter().map(|&s| p.costs[s as usize]).sum();
                match limit {
                    CoverLimit::Sites(k) => assert!(open.len() <= k),
                    CoverLimit::Budget(b) => assert!(cost <= b + 1e-9),
                }
                for &s in &open {
                    for t in 0..n as u32 {
                        if open.contains(&t) {
                            continue;
                        }
                        let swapped: Vec<u32> = open.iter().map(|&x| if x == s { t } else { x }).collect();
                        let fits = match limit {
                            CoverLimit::Sites(_) => true,
                            CoverLimit::Budget(b) => cost - p.costs[s as usize] + p.costs[t as usize] <= b + 1e-9,
                        };
                        assert!(
                            !fits || value(&p, &swapped) <= here + 1e-9,
                            "seed {seed} {limit:?}: swapping {s} for {t} improves {here}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn presolved_solves_match_exhaustive_search() {
        // Dense instances, where dominated sites and identical villages shrink the problem, so
        // that the presolve engages; with fixed and forbidden sites.
        let mut engaged = 0;
        for seed in 0..40u64 {
            let n = 12;
            let (m, w, c) = random_instance(seed, n);
            let cov = Coverage::from_matrix(&m, n, n, 1700.0).unwrap();
            let p = weighted(&cov, w, c, 2, (seed % 3 == 0).then_some(7));
            let pre = Presolved::new(&p, CoverGoal::MaxSites(3));
            engaged += usize::from(pre.coverage.n_pairs() * 5 <= cov.n_pairs() * 4);
            let sol = max_coverage(&p, CoverLimit::Sites(3), &SolveOptions::default()).unwrap();
            let opt = brute(&p, CoverLimit::Sites(3));
            assert!((sol.objective - opt).abs() < 1e-9, "seed {seed}: {} vs optimum {opt}", sol.objective);
            assert!((sol.objective - value(&p, &sol.open)).abs() < 1e-9);
            assert!(sol.bound >= opt - 1e-9 && sol.open.len() <= 3 && !sol.open.contains(&2));
            assert!(p.fixed.iter().all(|f| sol.open.contains(f)));
            // Each village is served by an open site that covers it, when one does.
            let covered = cov.covered_by(sol.open.iter().map(|&s| s as usize));
            for (v, a) in sol.assignment.iter().enumerate() {
                match a {
                    Some(s) => assert!(sol.open.contains(s) && cov.villages_of(*s as usize).contains(&(v as u32))),
                    None => assert!(!covered[v]),
                }
            }
        }
        assert!(engaged >= 10, "the presolve engaged on {engaged} of 40 instances only");
    }

    /// The merged optimum is the best plan of at most p sites among the plans' sites, found by
    /// enumerating the subsets of their union; nothing is returned when it does not beat `lower`.
    #[test]
    fn merged_optimum_is_the_best_plan_on_the_union() {
        for seed in 0..30u64 {
            let n = 14;
            let (m, w, _) = random_instance(seed, n);
            let cov = Coverage::from_matrix(&m, n, n, 1300.0).unwrap();
            let mut p = CoverProblem::unit(&cov);
            p.weights = w;
            let fixed = (seed % 3 == 0).then_some(2u32);
            p.fixed = fixed.into_iter().collect();
            p.allowed[7] = false;
            let k = 3;
            let plans: Vec<Vec<u32>> = (0..3u32)
                .map(|j| {
                    let mut o: Vec<u32> = (0..k as u32).map(|i| (seed as u32 * 5 + j * 4 + i * 3) % n as u32).collect();
                    o.extend(fixed);
                    o.sort_unstable();
                    o.dedup();
                    o
                })
                .collect();
            let union: Vec<usize> = (0..n).filter(|&s| plans.iter().flatten().any(|&t| t as usize == s)).collect();
            let mut best = 0.0f64;
            for mask in 0u32..(1 << union.len()) {
                let sites: Vec<u32> =
                    (0..union.len()).filter(|i| mask & (1 << i) != 0).map(|i| union[i] as u32).collect();
                let ok = sites.len() <= k + 1
                    && fixed.is_none_or(|f| sites.contains(&f))
                    && sites.iter().all(|&s| p.allowed[s as usize] || Some(s) == fixed);
                if ok {
                    best = best.max(value(&p, &sites));
                }
            }
            let lower = plans.iter().map(|o| value(&p, o)).fold(0.0, f64::max);
            let got = merged_optimum(&p, &plans, k + 1, lower, &Stop::never(), MERGE_WORK, p.max_coverable());
            match got {
                Some((v, sites)) => {
                    assert!((v - best).abs() < 1e-9, "seed {seed}: merged {v}, best on the union {best}");
                    assert!((value(&p, &sites) - v).abs() < 1e-9);
                    assert!(sites.len() <= k + 1 && sites.iter().all(|s| union.contains(&(*s as usize))));
                    assert!(fixed.is_none_or(|f| sites.contains(&f)) && !sites.contains(&7));
                }
                None => assert!(best <= lower + 1e-9, "seed {seed}: the union holds {best} > {lower}"),
            }
        }
    }

    /// The background polisher gives the same results at the same collection points on one
    /// thread and on two, with the merge submitted once the pool is full and due a point later.
    #[test]
    fn background_results_do_not_depend_on_threads() {
        // Merges add 1000 to the best plan they merge, the early one 500.
        let work = |task: Task| match task {
            Task::Polish(mut sites) => {
                let v = sites.iter().map(|&s| s as f64).sum::<f64>();
                sites.push(99);
                Some((v, sites))
            }
            Task::Merge(plans, lower, cap) => {
                Some((lower + if cap == EARLY_WORK { 500.0 } else { 1000.0 }, plans.concat()))
            }
        };
        let run = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            pool.install(|| {
                rayon::scope(|scope| {
                    // The greedy's plan is [1, 2]: submitted (at point 1), it is the descent's plan.
                    let mut bg = Background::new(scope, &work, vec![1, 2], (5.0, vec![5]));
                    let mut log = Vec::new();
                    for k in 0..8u32 {
                        bg.submit(vec![k, 2 * k]);
                        log.push(bg.collect(false));
                    }
                    log.push(bg.collect(true));
                    (log, bg.seen.clone(), bg.early())
                })
            })
        };
        let (one, seen, early) = run(1);
        assert_eq!((one.clone(), seen.clone(), early.clone()), run(2));
        // A polish is due one point after it is submitted: point k returns plan k − 1.
        assert_eq!(one[0], None);
        assert_eq!(one[1], Some((0.0, vec![0, 0, 99])));
        assert_eq!(one[2], Some((5.0, vec![5])), "the greedy's plan is not polished again");
        assert_eq!(one[3], Some((6.0, vec![2, 4, 99])));
        // The pool (start + MERGE_POOL polishes) fills at point MERGE_POOL; the merge is due two
        // points later and beats every plan in it.
        let merged = one[MERGE_POOL + 2].as_ref().unwrap();
        assert_eq!(merged.0, (3 * (MERGE_POOL - 1)) as f64 + 1000.0);
        assert_eq!(merged.1[..1], [5]);
        assert_eq!(seen.len(), 8 + 1, "eight polishes and the merge");
        // The early merge takes the start and the first EARLY_POOL plans, and only at the end.
        let best_early = (3 * (EARLY_POOL - 1)) as f64;
        assert_eq!(early.as_ref().map(|e| e.0), Some(best_early + 500.0));
        assert_eq!(early.unwrap().1, [vec![5], vec![0, 0, 99], vec![5], vec![2, 4, 99]].concat());
        assert!(one.iter().flatten().all(|p| p.0 != best_early + 500.0));
    }

    /// A task that panics publishes nothing and still feeds the merge, so nobody waits for it
    /// forever; the scope passes the panic on, on one thread and on two.
    #[test]
    fn a_panicking_task_does_not_hang_the_background() {
        let work = |task: Task| match task {
            Task::Polish(sites) if sites == [2] => panic!("polish failed"),
            Task::Polish(sites) => Some((1.0, sites)),
            Task::Merge(plans, lower, _) => Some((lower + 1.0, plans.concat())),
        };
        for threads in [1, 2] {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                pool.install(|| {
                    rayon::scope(|scope| {
                        let mut bg = Background::new(scope, &work, Vec::new(), (0.0, vec![0]));
                        for k in 0..MERGE_POOL as u32 + 2 {
                            bg.submit(vec![k]);
                            // Time for the other thread, if any, to take the task first.
                            std::thread::sleep(std::time::Duration::from_millis(20));
                            let _ = bg.collect(false);
                        }
                        bg.collect(true)
                    })
                })
            }));
            assert!(out.is_err(), "the panic reaches the caller on {threads} thread(s)");
        }
    }
}
