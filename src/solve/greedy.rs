use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::time::Instant;

use super::bounds::{knapsack_cover_bound, lagrangian_cover_until};
use super::cover_bb::{cover_tree, CoverGoal, Presolved, ROOT_GAP_LIMIT, TREE_MAX_PAIRS, TREE_WORK};
use super::cover_search::{improve_target, SearchParams};
use super::problem::CoverProblem;
use super::rwls;
use super::{Sense, Solution, SolveOptions};
use crate::error::{Error, Result};
use crate::progress::{Control, Stop};

/// A heap entry: a site and its (possibly stale) gain-per-cost key. Ties go to the lower index,
/// so the result never depends on heap internals or threads.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Candidate {
    /// Gain per cost (higher is better).
    pub key: f64,
    /// Site index.
    pub site: u32,
}

impl PartialEq for Candidate {
    fn eq(&self, o: &Self) -> bool {
        self.cmp(o) == Ordering::Equal
    }
}
impl Eq for Candidate {}
impl PartialOrd for Candidate {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Candidate {
    fn cmp(&self, o: &Self) -> Ordering {
        self.key.total_cmp(&o.key).then_with(|| o.site.cmp(&self.site))
    }
}

/// Lazy greedy (Minoux 1978): until `done`, take the site of largest key among `sites`, ties to
/// the lower index. A site's key may only fall as others are taken, so a stale key bounds its
/// fresh one and only the top of the heap is recomputed: it is taken when its fresh key still
/// leads, else put back. `key(state, s)` is the fresh key; a site whose key is no longer positive
/// leaves the heap. Returns how many sites were taken.
pub(crate) fn lazy_greedy<S>(
    state: &mut S,
    sites: impl IntoIterator<Item = usize>,
    key: impl Fn(&S, usize) -> f64,
    done: impl Fn(&S) -> bool,
    mut take: impl FnMut(&mut S, usize),
) -> u64 {
    // An entry packs the key's bits (positive floats order like their bits) above the site's
    // complement, so that one integer comparison orders by key, then lower site first.
    let entry = |key: f64, s: usize| (key > 0.0).then(|| u128::from(key.to_bits()) << 64 | u128::from(!(s as u64)));
    if done(state) {
        return 0;
    }
    let mut heap: BinaryHeap<u128> = sites.into_iter().filter_map(|s| entry(key(state, s), s)).collect();
    let mut taken = 0;
    while !done(state) {
        let Some(top) = heap.pop() else { break };
        let s = !(top as u64) as usize;
        let Some(fresh) = entry(key(state, s), s) else { continue };
        if heap.peek().is_none_or(|&next| fresh >= next) {
            take(state, s);
            taken += 1;
        } else {
            heap.push(fresh);
        }
    }
    taken
}

fn ratio(gain: f64, cost: f64) -> f64 {
    if cost <= 0.0 {
        if gain > 0.0 {
            f64::INFINITY
        } else {
            0.0
        }
    } else {
        gain / cost
    }
}

/// Check a coverage share in (0, 1].
///
/// # Errors
/// [`Error::InvalidInput`] naming `target`.
pub fn check_share(share: f64) -> Result<()> {
    if !(share > 0.0 && share <= 1.0) {
        return Err(Error::param(
            "target",
            format!("coverage target must be a share in (0, 1], got {share}; for 60% pass 0.6"),
        ));
    }
    Ok(())
}

/// Cheapest set of sites covering at least `share` of the total village weight.
///
/// The partial set-cover (least-cost covering) problem; with unit costs it asks for the fewest
/// centres (Toregas et al. 1971 for full cover; Slavík 1997 for the partial-cover greedy).
///
/// Algorithm:
/// 1. Presolve: the reductions of the branch and bound (dominated sites, villages reached by the
///    same sites merged, under a full cover villages implied by others; Toregas & ReVelle 1973);
///    when they shrink the problem by a fifth or more, the reduced problem is solved instead and
///    its sites mapped back.
/// 2. Fixed sites open first. A lazy greedy (Minoux 1978) repeatedly opens the site with the
///    largest ratio of newly covered weight, capped at the weight still needed, to cost; a
///    clean-up pass then closes, most expensive first, every site whose removal keeps the target.
/// 3. A cover of every village at one cost per site (the LSCP) is improved by row-weighting local
///    search (Gao, Weise & Li 2015).
/// 4. The covering-knapsack bound ([`knapsack_cover_bound`]) and a Lagrangian relaxation with
///    Beasley's heuristic (1990) bound the optimum and may improve the plan.
/// 5. When the gap is narrow (1%, or one unit of integer cost), a Lagrangian branch and bound
///    tries to close it.
/// 6. Otherwise a seeded, parallel iterated local search (close 1–3 sites, repair greedily) and
///    another try of the branch and bound. A time limit returns the best plan so far.
///
/// # Arguments
/// * `problem`: coverage, weights, costs, fixed and allowed sites.
/// * `share`: the share of total weight to cover, in (0, 1].
/// * `options`: seed of the local searches and time limit.
///
/// # Returns
/// A [`Solution`] whose objective is the total cost of the sites opened beyond the fixed ones
/// (fixed sites are sunk cost), with a proven lower bound.
///
/// # Errors
/// * [`Error::InvalidInput`] for a share outside (0, 1], a zero total weight or a malformed problem.
/// * [`Error::Infeasible`] when opening every allowed site still covers less than `share`; the
///   error carries the highest achievable share.
///
/// # Complexity
/// Greedy O(K log m) expected for K covered pairs and m sites; the bound, the local searches and
/// the branch and bound have deterministic work caps scaled to K (the branch and bound only up to
/// 4 million pairs); O(n + m + K) extra space.
///
/// # Examples
/// ```
/// use villageplan::coverage::Coverage;
/// use villageplan::solve::{target_coverage, CoverProblem, SolveOptions, Status};
/// // 6 villages on a line 1 km apart, every village a site, radius 1 km.
/// let n = 6;
/// let m: Vec<f64> = (0..n * n).map(|k| ((k / n) as f64 - (k % n) as f64).abs() * 1000.0).collect();
/// let cov = Coverage::from_matrix(&m, n, n, 1000.0).unwrap();
/// let sol = target_coverage(&CoverProblem::unit(&cov), 1.0, &SolveOptions::default()).unwrap();
/// assert_eq!(sol.open.len(), 2); // e.g. sites 1 and 4 cover 0..=2 and 3..=5
/// assert_eq!(sol.status, Status::Optimal);
/// ```
pub fn target_coverage(problem: &CoverProblem<'_>, share: f64, options: &SolveOptions) -> Result<Solution> {
    let start = Instant::now();
    check_share(share)?;
    problem.validate()?;
    let need = cover_need(problem, share)?;
    let cov = problem.coverage;
    // Presolve: when the reductions shrink the problem by a fifth or more, solve the reduced one
    // (every solver step is then cheaper) and map its sites back.
    if cov.n_pairs() <= TREE_MAX_PAIRS {
        let pre = Presolved::new(problem, CoverGoal::Need(need));
        if pre.need > 0.0 && pre.coverage.n_pairs() * 5 <= cov.n_pairs() * 4 {
            let sub = solve_target(&pre.problem(), pre.need, options, start, Some(&pre))?;
            let open = pre.sites(problem, &sub.open);
            if problem.covered_weight(&open) >= need {
                let objective = problem.opening_cost(&open);
                let timed_out = sub.status == super::Status::TimeLimit;
                let sol = Solution::certify(open, objective, sub.bound.min(objective), Sense::Minimize, timed_out);
                return Ok(Solution { iterations: sub.iterations, ..sol }.served_nearest(cov, start));
            }
        }
    }
    Ok(solve_target(problem, need, options, start, None)?.served_nearest(cov, start))
}

/// [`target_coverage`] for a weight `need` to cover (checked), the clock started at `start`;
/// `pre` is the presolve that gave `problem`, if any (the branch and bound then need not reduce
/// it again). The villages are not assigned: the caller does it once, for its own problem.
fn solve_target(
    problem: &CoverProblem<'_>,
    need: f64,
    options: &SolveOptions,
    start: Instant,
    pre: Option<&Presolved>,
) -> Result<Solution> {
    let control = Control::current();
    let cov = problem.coverage;
    let w = &problem.weights;

    let mut bound_lagrangian = 0.0f64;
    let fixed_list: Vec<u32> = problem.fixed.clone();
    let integral = problem.costs.iter().all(|c| c.fract() == 0.0);
    let by_fixed = cov.covered_by(fixed_list.iter().map(|&s| s as usize));
    let fixed_w: f64 = by_fixed.iter().zip(w).filter(|(c, _)| **c).map(|(_, x)| x).sum();
    let bound = knapsack_cover_bound(problem, &by_fixed, need - fixed_w, integral);
    let (mut open, mut iterations) = greedy_complete(problem, &fixed_list, need)
        .ok_or_else(|| Error::Internal("greedy ran out of sites before reaching a reachable target".into()))?;
    let mut objective = problem.opening_cost(&open);
    let deadline = options.time_limit.map(|t| start + std::time::Duration::from_secs_f64(t.max(0.0)));
    let mut timed_out = false;
    // A cover of every village at one cost per site (the LSCP): row-weighting local search, which
    // finds small covers far sooner than the iterated local search below, replaces it.
    let unit_cover = rwls::applies(problem, need);
    if unit_cover && bound < objective - 1e-9 * objective.abs().max(1.0) {
        let cost = open.first().map_or(1.0, |&s| problem.costs[s as usize]);
        let floor = (bound / cost - 1e-9).ceil().max(0.0) as usize;
        let steps = (5 * cov.n_pairs()).clamp(5_000, 100_000) as u64;
        let stop = Stop::new(deadline, &control);
        let (found, taken) = rwls::cover_every_village(problem, &open, floor, steps, options.seed, &stop);
        iterations += taken;
        timed_out |= stop.reached();
        if found.len() < open.len() {
            objective = problem.opening_cost(&found);
            open = found;
        }
    }
    // Lagrangian bound, with Beasley's heuristic turning relaxed solutions into plans; it stops
    // early (keeping the best bound so far) at the time limit.
    if bound < objective {
        // About 4·10⁸ elementary steps at most: 300 iterations on a county, fewer at national scale.
        let work = (cov.n_pairs() + cov.n_villages() + cov.n_sites()) as f64;
        let lag_iterations = (4.0e8 / work).clamp(30.0, 300.0) as usize;
        let stop = Stop::new(deadline, &control);
        let lag = lagrangian_cover_until(problem, need, objective, integral, lag_iterations, stop);
        timed_out = lag.stopped;
        if let Some((o, c)) = lag.primal {
            if c < objective {
                open = o;
                objective = c;
            }
        }
        iterations += lag.iterations;
        bound_lagrangian = lag.bound;
    }
    control.check()?;
    let mut bound = bound.max(bound_lagrangian);
    // Reductions and the branch and bound: on county-sized instances they usually prove the plan
    // optimal (or find the optimum) in a few milliseconds. Tried when the gap is narrow enough for
    // branching to close it: after the Lagrangian bound, or else after the local search.
    let mut tree_tried = false;
    let mut tree = |open: &mut Vec<u32>, objective: &mut f64, bound: &mut f64, timed_out: &mut bool| -> u64 {
        // With integer costs a gap of one unit is the least there can be: worth a try however
        // small the objective.
        let narrow = (ROOT_GAP_LIMIT * objective.abs().max(1.0)).max(if integral { 1.0 + 1e-9 } else { 0.0 });
        let worth = *bound < *objective - 1e-9 * objective.abs().max(1.0)
            && *objective - *bound <= narrow
            && !*timed_out
            && !tree_tried
            && cov.n_pairs() <= TREE_MAX_PAIRS;
        if !worth {
            return 0;
        }
        tree_tried = true;
        let stop = Stop::new(deadline, &control);
        let tree = cover_tree(problem, pre, CoverGoal::Need(need), *objective, *bound, TREE_WORK, stop, None);
        *timed_out |= tree.stopped;
        if let Some((c, o)) = tree.improved {
            if c < *objective {
                *objective = problem.opening_cost(&o);
                *open = o;
            }
        }
        *bound = if tree.proven { *objective } else { bound.max(tree.bound).min(*objective) };
        tree.nodes + tree.iterations
    };
    iterations += tree(&mut open, &mut objective, &mut bound, &mut timed_out);
    control.check()?;
    // Improve the plan by iterated local search unless it is already proven optimal.
    if !unit_cover && bound < objective - 1e-9 * objective.abs().max(1.0) && !timed_out {
        let by_village = cov.transpose();
        let params = SearchParams::scaled(cov, options.seed, Stop::new(deadline, &control));
        let found = improve_target(problem, &by_village, &open, need, bound, &params);
        iterations += found.iterations;
        timed_out |= found.timed_out;
        if found.cost < objective {
            let mut o = found.open;
            o.sort_unstable();
            objective = problem.opening_cost(&o);
            open = o;
        }
        iterations += tree(&mut open, &mut objective, &mut bound, &mut timed_out);
    }
    control.check()?;
    Ok(Solution { iterations, ..Solution::certify(open, objective, bound.min(objective), Sense::Minimize, timed_out) })
}

/// The weight a cover of `share` must reach (share × total weight, less a relative 10⁻⁹ for
/// round-off), after checking that it can be reached.
///
/// # Errors
/// [`Error::InvalidInput`] naming `target` or `weights` (total 0); [`Error::Infeasible`] when
/// opening every allowed site covers less, carrying the highest achievable share.
pub(crate) fn cover_need(problem: &CoverProblem<'_>, share: f64) -> Result<f64> {
    check_share(share)?;
    let total = problem.total_weight();
    if total <= 0.0 {
        return Err(Error::param(
            "weights",
            "the total weight is 0 (for example every population is 0), so no share of it can be covered; plan by villages instead",
        ));
    }
    let need = share * total - 1e-9 * total;
    let reachable = problem.max_coverable();
    if reachable < need {
        return Err(Error::Infeasible {
            reason: format!(
                "the target of {:.1}% cannot be reached: opening every allowed site covers at most {:.2}% at this radius; lower the target, enlarge the radius or allow more sites",
                share * 100.0,
                100.0 * reachable / total
            ),
            achievable: reachable / total,
        });
    }
    Ok(need)
}

/// Lazy greedy completion from a starting set, then redundancy elimination.
///
/// Opens `start` (fixed sites and any seeds), then repeatedly the allowed site with the largest
/// capped gain per cost until `need` weight is covered, then closes, most expensive first, every
/// non-fixed site whose removal keeps `need` covered. Returns the open sites (ascending) and the
/// number of greedy steps, or `None` when `need` cannot be reached.
pub(crate) fn greedy_complete(problem: &CoverProblem<'_>, start: &[u32], need: f64) -> Option<(Vec<u32>, u64)> {
    let cov = problem.coverage;
    let w = &problem.weights;
    let fixed = problem.fixed_mask();
    let mut covered = vec![false; cov.n_villages()];
    let mut covered_w = 0.0;
    let mut is_open = vec![false; cov.n_sites()];
    let mut open: Vec<u32> = Vec::new();
    let take = |s: usize, covered: &mut Vec<bool>, covered_w: &mut f64| {
        for &v in cov.villages_of(s) {
            if !covered[v as usize] {
                covered[v as usize] = true;
                *covered_w += w[v as usize];
            }
        }
    };
    for &s in start {
        if !is_open[s as usize] {
            is_open[s as usize] = true;
            take(s as usize, &mut covered, &mut covered_w);
            open.push(s);
        }
    }
    let gain = |s: usize, covered: &[bool]| -> f64 {
        cov.villages_of(s).iter().filter(|&&v| !covered[v as usize]).map(|&v| w[v as usize]).sum()
    };
    let mut state = (covered, covered_w, open);
    let mut iterations = lazy_greedy(
        &mut state,
        (0..cov.n_sites()).filter(|&s| problem.allowed[s] && !is_open[s]),
        |(covered, covered_w, _), s| ratio(gain(s, covered).min((need - covered_w).max(0.0)), problem.costs[s]),
        |&(_, covered_w, _)| covered_w >= need,
        |(covered, covered_w, open), s| {
            take(s, covered, covered_w);
            open.push(s as u32);
        },
    );
    let (_, mut covered_w, mut open) = state;
    if covered_w < need {
        return None;
    }
    // Clean-up: close redundant sites, most expensive first.
    let mut count = vec![0u32; cov.n_villages()];
    for &s in &open {
        for &v in cov.villages_of(s as usize) {
            count[v as usize] += 1;
        }
    }
    let mut order: Vec<u32> = open.iter().copied().filter(|&s| !fixed[s as usize]).collect();
    order.sort_by(|a, b| problem.costs[*b as usize].total_cmp(&problem.costs[*a as usize]).then(b.cmp(a)));
    let mut closed = vec![false; cov.n_sites()];
    for s in order {
        let loss: f64 =
            cov.villages_of(s as usize).iter().filter(|&&v| count[v as usize] == 1).map(|&v| w[v as usize]).sum();
        if covered_w - loss >= need {
            covered_w -= loss;
            for &v in cov.villages_of(s as usize) {
                count[v as usize] -= 1;
            }
            closed[s as usize] = true;
            iterations += 1;
        }
    }
    open.retain(|&s| !closed[s as usize]);
    open.sort_unstable();
    Some((open, iterations))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coverage::Coverage;
    use crate::solve::Status;

    fn line(n: usize, radius: f64) -> Coverage {
        let m: Vec<f64> = (0..n * n).map(|k| ((k / n) as f64 - (k % n) as f64).abs() * 1000.0).collect();
        Coverage::from_matrix(&m, n, n, radius).unwrap()
    }

    /// Exhaustive minimum over all subsets (small m only).
    fn brute(p: &CoverProblem<'_>, share: f64) -> f64 {
        let m = p.coverage.n_sites();
        let total = p.total_weight();
        let fixed = p.fixed_mask();
        let mut best = f64::INFINITY;
        for mask in 0u32..(1 << m) {
            if (0..m).any(|s| fixed[s] && mask & (1 << s) == 0 || mask & (1 << s) != 0 && !p.allowed[s]) {
                continue;
            }
            let cov = p.coverage.covered_by((0..m).filter(|s| mask & (1 << s) != 0));
            let w: f64 = cov.iter().zip(&p.weights).filter(|(c, _)| **c).map(|(_, w)| w).sum();
            if w >= share * total - 1e-9 * total {
                let c: f64 = (0..m).filter(|&s| mask & (1 << s) != 0 && !fixed[s]).map(|s| p.costs[s]).sum();
                best = best.min(c);
            }
        }
        best
    }

    #[test]
    fn bound_never_above_objective_and_optimal_is_true() {
        // Small pseudo-random instances against exhaustive search.
        let mut state = 12345u64;
        let mut next = || {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (state >> 33) as f64 / (1u64 << 31) as f64
        };
        let mut presolved = 0;
        for _ in 0..60 {
            let n = 12;
            let pts: Vec<[f64; 2]> = (0..n).map(|_| [next() * 6000.0, next() * 6000.0]).collect();
            let m: Vec<f64> = (0..n * n)
                .map(|k| {
                    let (a, b) = (pts[k / n], pts[k % n]);
                    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt()
                })
                .collect();
            let cov = Coverage::from_matrix(&m, n, n, 1800.0).unwrap();
            let mut p = CoverProblem::unit(&cov);
            p.weights = (0..n).map(|_| (next() * 10.0).round()).collect();
            p.costs = (0..n).map(|_| 1.0 + (next() * 5.0).round()).collect();
            p.allowed[0] = false;
            p.fixed = vec![1];
            let share = 0.3 + next() * 0.7;
            if let Ok(need) = cover_need(&p, share) {
                let pre = Presolved::new(&p, CoverGoal::Need(need));
                presolved += usize::from(pre.coverage.n_pairs() * 5 <= cov.n_pairs() * 4);
            }
            match target_coverage(&p, share, &SolveOptions::default()) {
                Ok(sol) => {
                    let opt = brute(&p, share);
                    assert!(sol.bound <= opt + 1e-9, "bound {} above optimum {opt}", sol.bound);
                    assert!(sol.objective >= opt - 1e-9);
                    // Recomputed here, independently of the solver: the plan meets the target at its cost.
                    let covered = p.coverage.covered_by(sol.open.iter().map(|&s| s as usize));
                    let weight: f64 = covered.iter().zip(&p.weights).filter(|(c, _)| **c).map(|(_, w)| w).sum();
                    assert!(weight >= share * p.total_weight() * (1.0 - 1e-9));
                    let cost: f64 = sol.open.iter().filter(|&&s| s != 1).map(|&s| p.costs[s as usize]).sum();
                    assert!((sol.objective - cost).abs() < 1e-9);
                    if sol.status == Status::Optimal {
                        assert!((sol.objective - opt).abs() < 1e-9);
                    }
                    assert!(sol.open.contains(&1) && !sol.open.contains(&0));
                }
                Err(Error::Infeasible { achievable, .. }) => {
                    assert!(achievable < share);
                    assert!(brute(&p, share).is_infinite());
                }
                Err(e) => panic!("{e}"),
            }
        }
        assert!(presolved >= 10, "the presolve engaged on {presolved} of 60 instances only");
    }

    #[test]
    fn infeasible_says_what_is_reachable() {
        let cov = line(5, 0.0);
        let mut p = CoverProblem::unit(&cov);
        p.allowed = vec![true, true, false, false, false];
        match target_coverage(&p, 0.6, &SolveOptions::default()) {
            Err(Error::Infeasible { achievable, reason }) => {
                assert!((achievable - 0.4).abs() < 1e-12);
                assert!(reason.contains("40.00%"), "{reason}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn rejects_bad_share() {
        let cov = line(3, 1000.0);
        for s in [0.0, -0.1, 1.5, f64::NAN] {
            let e = target_coverage(&CoverProblem::unit(&cov), s, &SolveOptions::default()).unwrap_err();
            assert!(e.to_string().contains("`target`"));
        }
    }

    #[test]
    fn fewest_centres_on_a_line_is_optimal() {
        let cov = line(9, 1000.0);
        let sol = target_coverage(&CoverProblem::unit(&cov), 1.0, &SolveOptions::default()).unwrap();
        assert_eq!(sol.objective, 3.0);
        assert_eq!(sol.status, Status::Optimal);
        assert_eq!(sol.gap, 0.0);
    }
}
