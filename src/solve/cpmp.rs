//! The capacitated p-median problem (CPMP): exactly `p` medians, every point assigned to one of
//! them, the demand assigned to a median at most its capacity, least total (unweighted) distance.

use std::time::Instant;

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use super::pmedian::{deadline_of, p_median};
use super::{CostMatrix, Sense, Solution, SolveOptions};
use crate::error::{Error, Location, Result};
use crate::progress::{Control, Stop};

/// Number of independent iterated-local-search starts (fixed, so results do not depend on the
/// thread count).
const STARTS: usize = 4;
/// Candidate replacement sites tried per median in the swap neighbourhood.
const CANDIDATES: usize = 6;
/// Largest number of medians replaced by one perturbation.
const MAX_SHAKE: usize = 3;
/// Relative tolerance on capacities (demand and capacity are floating point).
const CAP_EPS: f64 = 1e-9;

/// Least total distance with exactly `p` capacitated medians (the capacitated p-median problem).
///
/// Chooses `p` sites (medians) and assigns every demand row to one of them so that the demand
/// assigned to a site is at most its capacity, minimising `Σ_i c(i, median(i))` — the distance
/// is **not** weighted by the demand, as in the benchmark literature (Osman & Christofides 1994,
/// "Capacitated clustering problems by hybrid simulated annealing and tabu search", ITOR 1;
/// Lorena & Senne 2004, "A column generation approach to capacitated p-median problems",
/// Computers & OR 31). Weight the rows of `costs` yourself for a demand-weighted objective.
///
/// The method is a heuristic with a certified lower bound:
/// 1. the uncapacitated p-median problem is solved first ([`p_median`]); its medians are the
///    first start and its Lagrangian bound (Cornuéjols, Fisher & Nemhauser 1977) is the bound of
///    the CPMP, which is a restriction of it;
/// 2. a median set is evaluated by a capacitated assignment, a generalised assignment problem
///    solved heuristically: a regret-ordered greedy (rows with the largest gap between their two
///    nearest medians first, each to its cheapest median with room), a demand-ordered greedy
///    as fall-back, then shift, swap and two-step ejection-chain moves (row i takes the place
///    of a row j that moves on to a third median) until none improves;
/// 3. the median set is improved by the alternating "recentre" moves of Mulvey & Beck (1984,
///    "Solving capacitated clustering problems", EJOR 18) generalised to a swap neighbourhood:
///    each median may be replaced by one of the sites closest to its current cluster (by total
///    distance), the whole assignment is re-evaluated and the first improving swap is kept;
/// 4. an iterated local search with variable-neighbourhood shaking (Hansen & Mladenović 1997)
///    replaces 1–3 medians by members of other clusters, with several independent starts in
///    parallel (rayon), each with its own ChaCha8 stream derived from `options.seed`; the best
///    result by (objective, start index) wins, so the answer does not depend on the thread count
///    unless `options.time_limit` cuts the search short.
///
/// 5. the bound is the larger of the uncapacitated Lagrangian bound and a capacitated one:
///    the assignment constraints are relaxed with multipliers, each site solves the LP
///    relaxation of its capacity knapsack, the `p` best sites are taken (Osman & Christofides
///    1994; Lorena & Senne 2004, here without column generation), and the multipliers follow
///    subgradient steps from the heuristic's assignment costs. It is rounded up when every cost
///    is an integer.
///
/// The status is `optimal` only when the objective meets the bound; otherwise `feasible`, or
/// `time_limit` when the limit stopped the search.
///
/// # Arguments
/// * `costs`: the demand × site cost matrix (any unit, e.g. metres; `∞` for forbidden pairs).
///   For the classical CPMP the rows and the sites are the same points.
/// * `p`: number of medians, `1 ≤ p ≤ n_sites`.
/// * `demand`: one demand ≥ 0 per row (same unit as `capacity`).
/// * `capacity`: one capacity ≥ 0 per site (the most demand the site may serve if chosen).
/// * `options`: seed and time limit (seconds).
///
/// # Returns
/// A [`Solution`] with the `p` medians (ascending), each row's median, the total distance, the
/// lower bound, the gap and the status. `iterations` counts assignment evaluations.
///
/// # Errors
/// * [`Error::InvalidInput`] naming `p` (0 or above the site count), `demand` / `capacity`
///   (wrong length; NaN, infinite or negative value, with its row) or `time_limit`.
/// * [`Error::Infeasible`] when the total demand exceeds the sum of the `p` largest capacities,
///   a row's demand exceeds every capacity, or no feasible assignment was found.
///
/// # Complexity
/// O(n·m) memory. An assignment evaluation costs O(n·p log p) for the greedy plus O(n·p) per
/// shift pass, O(d·n) per swap pass and O(d·n·p) per ejection-chain pass (`d` rows not at
/// their nearest median); a swap sweep evaluates up to `6p` median sets; a subgradient step
/// of the bound costs O(m·n log n). The 50–400-point benchmark instances take from a fraction of
/// a second to about 20 seconds on two cores.
///
/// # Examples
/// ```
/// use villageplan::solve::{capacitated_p_median, CostMatrix, SolveOptions};
/// // Six points on a line; two medians of capacity 3 and unit demands: {0,1,2} and {3,4,5}.
/// let costs = CostMatrix::from_fn(6, 6, |i, s| (i as f64 - s as f64).abs()).unwrap();
/// let sol = capacitated_p_median(&costs, 2, &[1.0; 6], &[3.0; 6], &SolveOptions::default()).unwrap();
/// assert_eq!(sol.objective, 4.0);
/// assert_eq!(sol.open, vec![1, 4]);
/// assert_eq!(sol.assignment[2], Some(1));
/// // Capacity 2 with p = 2 cannot hold six units of demand.
/// assert!(capacitated_p_median(&costs, 2, &[1.0; 6], &[2.0; 6], &SolveOptions::default()).is_err());
/// ```
pub fn capacitated_p_median(
    costs: &CostMatrix,
    p: usize,
    demand: &[f64],
    capacity: &[f64],
    options: &SolveOptions,
) -> Result<Solution> {
    let start = Instant::now();
    let control = Control::current();
    let deadline = deadline_of(start, options, &control)?;
    let n = costs.n_demand();
    let m = costs.n_sites();
    check_inputs(n, m, p, demand, capacity)?;

    // Uncapacitated p-median: first start and lower bound.
    let relaxed = p_median(costs, p, None, options)?;
    let bound = relaxed.bound.max(0.0);
    let init: Vec<usize> = relaxed.open.iter().map(|&s| s as usize).collect();

    let ev = Evaluator { c: costs.as_slice(), n, m, demand, capacity, p };
    let iters = ils_iterations(n, p);
    let results: Vec<StartResult> = (0..STARTS)
        .into_par_iter()
        .map(|k| ils(&ev, &init, k, stream_seed(options.seed, k as u64), iters, deadline))
        .collect();
    let mut evaluations = relaxed.iterations;
    let mut timed_out = false;
    let mut best: Option<(f64, Vec<usize>, Vec<usize>)> = None;
    for r in results {
        evaluations += r.evaluations;
        timed_out |= r.timed_out;
        if let Some(s) = r.best {
            if best.as_ref().is_none_or(|b| s.cost < b.0) {
                best = Some((s.cost, s.meds, s.assign));
            }
        }
    }
    let Some((_, meds, assign)) = best else {
        return Err(Error::Infeasible {
            reason: format!(
                "no assignment of the {n} rows to {p} medians within the capacities was found; raise p or the capacities"
            ),
            achievable: 0.0,
        });
    };
    // Recompute the objective in row order (exact and deterministic).
    let mut objective = 0.0;
    let mut assignment = Vec::with_capacity(n);
    for (i, &t) in assign.iter().enumerate() {
        let s = meds[t];
        objective += ev.c[i * m + s];
        assignment.push(Some(s as u32));
    }
    let mut open: Vec<u32> = meds.iter().map(|&s| s as u32).collect();
    open.sort_unstable();
    // Capacitated Lagrangian bound, started from the heuristic's assignment costs.
    let init: Vec<f64> = (0..n).map(|i| ev.c[i * m + meds[assign[i]]]).collect();
    let kb = knapsack_bound(&ev, objective, &init, lagrangian_iterations(n), deadline);
    timed_out |= deadline.reached();
    control.check()?;
    let integral = costs.is_integral();
    let kb = if integral { (kb - 1e-6 * kb.abs().max(1.0)).ceil() } else { kb - 1e-9 * kb.abs().max(1.0) };
    let bound = if integral { bound.ceil() } else { bound };
    let bound = bound.max(kb);
    let mut sol = Solution::certify(open, objective, bound.min(objective), Sense::Minimize, timed_out);
    sol.assignment = assignment;
    sol.iterations = evaluations;
    sol.seconds = start.elapsed().as_secs_f64();
    Ok(sol)
}

/// Validate `p`, `demand` and `capacity`, and the obvious capacity infeasibilities.
pub(crate) fn check_inputs(n: usize, m: usize, p: usize, demand: &[f64], capacity: &[f64]) -> Result<()> {
    if p == 0 || p > m {
        return Err(Error::param("p", format!("p = {p} must be in 1..={m} (the number of sites)")));
    }
    if demand.len() != n {
        return Err(Error::param(
            "demand",
            format!("expected {n} demands (one per cost-matrix row), got {}", demand.len()),
        ));
    }
    if capacity.len() != m {
        return Err(Error::param(
            "capacity",
            format!("expected {m} capacities (one per cost-matrix column), got {}", capacity.len()),
        ));
    }
    for (name, v) in [("demand", demand), ("capacity", capacity)] {
        if let Some(i) = v.iter().position(|x| !x.is_finite() || *x < 0.0) {
            return Err(Error::invalid(
                name,
                Location::row(i),
                format!("value is {}; it must be finite and ≥ 0", v[i]),
            ));
        }
    }
    let total: f64 = demand.iter().sum();
    let mut caps = capacity.to_vec();
    caps.sort_unstable_by(|a, b| b.total_cmp(a));
    let top: f64 = caps.iter().take(p).sum();
    if total > top * (1.0 + CAP_EPS) {
        return Err(Error::Infeasible {
            reason: format!(
                "the total demand {total} exceeds {top}, the sum of the {p} largest capacities; raise p or the capacities"
            ),
            achievable: top,
        });
    }
    let max_cap = caps.first().copied().unwrap_or(0.0);
    if let Some(i) = demand.iter().position(|&d| d > max_cap * (1.0 + CAP_EPS)) {
        return Err(Error::Infeasible {
            reason: format!("row {i} has demand {} above every capacity (largest {max_cap})", demand[i]),
            achievable: max_cap,
        });
    }
    Ok(())
}

/// Subgradient iterations of the capacitated Lagrangian bound.
fn lagrangian_iterations(n: usize) -> usize {
    (100_000 / n.max(1)).clamp(100, 500)
}

/// ILS iterations per start: more for small instances, fewer for large ones.
fn ils_iterations(n: usize, p: usize) -> usize {
    let work = (n * p).max(1);
    (200_000 / work).clamp(20, 200)
}

fn stream_seed(seed: u64, k: u64) -> u64 {
    let mut z = seed ^ 0x9E37_79B9_7F4A_7C15u64.wrapping_mul(k + 1) ^ 0xC9A0_7F2D;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The instance data shared by the evaluations.
struct Evaluator<'a> {
    c: &'a [f64],
    n: usize,
    m: usize,
    demand: &'a [f64],
    capacity: &'a [f64],
    p: usize,
}

/// A median set with its capacitated assignment (`assign[i]` indexes `meds`).
#[derive(Clone)]
struct State {
    cost: f64,
    meds: Vec<usize>,
    assign: Vec<usize>,
}

fn fits(resid: f64, d: f64, cap: f64) -> bool {
    d <= resid + CAP_EPS * cap.max(1.0)
}

impl Evaluator<'_> {
    /// Capacitated assignment of every row to `meds` (a GAP heuristic); `None` when none found.
    fn assign(&self, meds: &[usize]) -> Option<State> {
        let (n, m, k) = (self.n, self.m, meds.len());
        let mut cm = vec![0.0; n * k];
        for i in 0..n {
            for (t, &s) in meds.iter().enumerate() {
                cm[i * k + t] = self.c[i * m + s];
            }
        }
        let caps: Vec<f64> = meds.iter().map(|&s| self.capacity[s]).collect();
        // Per row: medians by increasing cost.
        let mut order = vec![0u32; n * k];
        let mut nearest = vec![0.0; n];
        let mut regret = vec![0.0; n];
        for i in 0..n {
            let row = &cm[i * k..(i + 1) * k];
            let o = &mut order[i * k..(i + 1) * k];
            for (t, v) in o.iter_mut().enumerate() {
                *v = t as u32;
            }
            o.sort_unstable_by(|&a, &b| row[a as usize].total_cmp(&row[b as usize]).then(a.cmp(&b)));
            nearest[i] = row[o[0] as usize];
            regret[i] = if k > 1 { row[o[1] as usize] - row[o[0] as usize] } else { 0.0 };
        }
        let mut rows: Vec<usize> = (0..n).collect();
        rows.sort_by(|&a, &b| {
            regret[b].total_cmp(&regret[a]).then(self.demand[b].total_cmp(&self.demand[a])).then(a.cmp(&b))
        });
        let mut assign = self.greedy(&rows, &order, &cm, &caps, k);
        if assign.is_none() {
            rows.sort_by(|&a, &b| self.demand[b].total_cmp(&self.demand[a]).then(a.cmp(&b)));
            assign = self.greedy(&rows, &order, &cm, &caps, k);
        }
        let mut assign = assign?;
        let mut resid = caps.clone();
        for i in 0..n {
            resid[assign[i]] -= self.demand[i];
        }
        self.improve(&cm, &caps, &nearest, k, &mut assign, &mut resid);
        let cost = (0..n).map(|i| cm[i * k + assign[i]]).sum();
        if !f64::is_finite(cost) {
            return None;
        }
        Some(State { cost, meds: meds.to_vec(), assign })
    }

    fn greedy(&self, rows: &[usize], order: &[u32], cm: &[f64], caps: &[f64], k: usize) -> Option<Vec<usize>> {
        let mut resid = caps.to_vec();
        let mut assign = vec![0usize; self.n];
        for &i in rows {
            let d = self.demand[i];
            let t = order[i * k..(i + 1) * k]
                .iter()
                .map(|&t| t as usize)
                .find(|&t| cm[i * k + t].is_finite() && fits(resid[t], d, caps[t]))?;
            resid[t] -= d;
            assign[i] = t;
        }
        Some(assign)
    }

    /// Shift, swap and ejection-chain moves until no move improves.
    fn improve(&self, cm: &[f64], caps: &[f64], nearest: &[f64], k: usize, assign: &mut [usize], resid: &mut [f64]) {
        let n = self.n;
        for _pass in 0..50 {
            let mut moved = false;
            // Shift: move a row to a cheaper median with room.
            for i in 0..n {
                let a = assign[i];
                let cur = cm[i * k + a];
                if cur <= nearest[i] {
                    continue;
                }
                let d = self.demand[i];
                let mut best = (cur, a);
                for t in 0..k {
                    let c = cm[i * k + t];
                    if c < best.0 && t != a && fits(resid[t], d, caps[t]) {
                        best = (c, t);
                    }
                }
                if best.1 != a {
                    resid[a] += d;
                    resid[best.1] -= d;
                    assign[i] = best.1;
                    moved = true;
                }
            }
            // Swap: exchange the medians of two rows.
            for i in 0..n {
                let a = assign[i];
                let ci = cm[i * k + a];
                if ci <= nearest[i] {
                    continue;
                }
                let di = self.demand[i];
                let mut best: Option<(f64, usize)> = None;
                for j in 0..n {
                    let b = assign[j];
                    if b == a {
                        continue;
                    }
                    let delta = cm[i * k + b] + cm[j * k + a] - ci - cm[j * k + b];
                    if delta < -1e-9 && best.is_none_or(|(bd, _)| delta < bd) {
                        let dj = self.demand[j];
                        if fits(resid[b] + dj, di, caps[b]) && fits(resid[a] + di, dj, caps[a]) {
                            best = Some((delta, j));
                        }
                    }
                }
                if let Some((_, j)) = best {
                    let b = assign[j];
                    let dj = self.demand[j];
                    resid[a] += di - dj;
                    resid[b] += dj - di;
                    assign[i] = b;
                    assign[j] = a;
                    moved = true;
                }
            }
            // Ejection chain: row i moves a → b, making room by moving a row j of b to c.
            for i in 0..n {
                let a = assign[i];
                let ci = cm[i * k + a];
                if ci <= nearest[i] {
                    continue;
                }
                let di = self.demand[i];
                let mut best: Option<(f64, usize, usize)> = None;
                for j in 0..n {
                    let b = assign[j];
                    let gain_i = cm[i * k + b] - ci;
                    if b == a || gain_i >= 0.0 {
                        continue;
                    }
                    let dj = self.demand[j];
                    if !fits(resid[b] + dj, di, caps[b]) {
                        continue;
                    }
                    let cjb = cm[j * k + b];
                    for t in 0..k {
                        if t == a || t == b {
                            continue;
                        }
                        let delta = gain_i + cm[j * k + t] - cjb;
                        if delta < -1e-9 && best.is_none_or(|(bd, _, _)| delta < bd) && fits(resid[t], dj, caps[t]) {
                            best = Some((delta, j, t));
                        }
                    }
                }
                if let Some((_, j, t)) = best {
                    let b = assign[j];
                    let dj = self.demand[j];
                    resid[a] += di;
                    resid[b] += dj - di;
                    resid[t] -= dj;
                    assign[i] = b;
                    assign[j] = t;
                    moved = true;
                }
            }
            if !moved {
                break;
            }
        }
    }

    /// For each median, the sites closest (by total distance) to its cluster, best first.
    fn candidates(&self, st: &State) -> Vec<Vec<usize>> {
        let (n, m, k) = (self.n, self.m, st.meds.len());
        let mut sums = vec![0.0; k * m];
        let mut load = vec![0.0; k];
        for i in 0..n {
            let t = st.assign[i];
            load[t] += self.demand[i];
            let row = &self.c[i * m..(i + 1) * m];
            for (acc, &c) in sums[t * m..(t + 1) * m].iter_mut().zip(row) {
                *acc += c;
            }
        }
        let mut is_med = vec![false; m];
        for &s in &st.meds {
            is_med[s] = true;
        }
        (0..k)
            .map(|t| {
                let row = &sums[t * m..(t + 1) * m];
                let mut cands: Vec<usize> =
                    (0..m).filter(|&s| !is_med[s] && row[s].is_finite() && self.capacity[s] > 0.0).collect();
                // Sites that can hold the whole cluster first, then by total distance.
                let key = |s: usize| (!fits(self.capacity[s], load[t], self.capacity[s]), row[s]);
                let take = CANDIDATES.min(cands.len());
                if take > 0 && take < cands.len() {
                    cands.select_nth_unstable_by(take - 1, |&a, &b| {
                        let (ka, kb) = (key(a), key(b));
                        ka.0.cmp(&kb.0).then(ka.1.total_cmp(&kb.1)).then(a.cmp(&b))
                    });
                }
                cands.truncate(take);
                cands.sort_by(|&a, &b| {
                    let (ka, kb) = (key(a), key(b));
                    ka.0.cmp(&kb.0).then(ka.1.total_cmp(&kb.1)).then(a.cmp(&b))
                });
                cands
            })
            .collect()
    }

    /// First-improvement swap local search on the median set.
    fn local_search(&self, mut st: State, evals: &mut u64, deadline: Stop<'_>) -> (State, bool) {
        loop {
            let cands = self.candidates(&st);
            let mut improved = false;
            'outer: for (t, list) in cands.iter().enumerate() {
                for &s in list {
                    if deadline.reached() {
                        return (st, true);
                    }
                    let mut meds = st.meds.clone();
                    meds[t] = s;
                    *evals += 1;
                    if let Some(trial) = self.assign(&meds) {
                        if trial.cost < st.cost - 1e-9 * st.cost.abs().max(1.0) {
                            st = trial;
                            improved = true;
                            break 'outer;
                        }
                    }
                }
            }
            if !improved {
                return (st, false);
            }
        }
    }
}

/// Lagrangian lower bound of Osman & Christofides / Lorena & Senne type: the assignment
/// constraints `Σ_j x_ij = 1` are relaxed with multipliers `λ_i`; each site then solves a
/// knapsack `min Σ_i (c_ij − λ_i) x_ij, Σ_i d_i x_ij ≤ Q_j` — here its LP relaxation (Dantzig
/// 1957), which keeps the bound valid — and the `p` smallest knapsack values are taken. The
/// multipliers follow subgradient steps (Held, Wolfe & Crowder 1974) against `upper`.
fn knapsack_bound(ev: &Evaluator, upper: f64, init: &[f64], max_iter: usize, deadline: Stop<'_>) -> f64 {
    let (n, m) = (ev.n, ev.m);
    let mut lambda = init.to_vec();
    let mut best = f64::NEG_INFINITY;
    let mut alpha = 2.0;
    let mut stall = 0;
    for _ in 0..max_iter {
        if deadline.reached() {
            break;
        }
        // Per site: knapsack value and the fractional x it takes.
        let per_site: Vec<(f64, Vec<(u32, f64)>)> = (0..m)
            .into_par_iter()
            .map(|j| {
                let mut items: Vec<(f64, u32)> = Vec::new();
                let mut value = 0.0;
                let mut taken = Vec::new();
                for (i, &l) in lambda.iter().enumerate() {
                    let r = ev.c[i * m + j] - l;
                    if r < 0.0 {
                        if ev.demand[i] <= 0.0 {
                            value += r;
                            taken.push((i as u32, 1.0));
                        } else {
                            items.push((r / ev.demand[i], i as u32));
                        }
                    }
                }
                items.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                let mut room = ev.capacity[j];
                for (_, i) in items {
                    if room <= 0.0 {
                        break;
                    }
                    let d = ev.demand[i as usize];
                    let r = ev.c[i as usize * m + j] - lambda[i as usize];
                    let f = (room / d).min(1.0);
                    value += f * r;
                    room -= f * d;
                    taken.push((i, f));
                }
                (value, taken)
            })
            .collect();
        let mut order: Vec<usize> = (0..m).collect();
        order.sort_unstable_by(|&a, &b| per_site[a].0.total_cmp(&per_site[b].0).then(a.cmp(&b)));
        let p = ev.p;
        let value: f64 = lambda.iter().sum::<f64>() + order[..p].iter().map(|&j| per_site[j].0).sum::<f64>();
        if best == f64::NEG_INFINITY || value > best + 1e-9 * best.abs().max(1.0) {
            best = value;
            stall = 0;
        } else {
            stall += 1;
            if stall >= 20 {
                alpha /= 2.0;
                stall = 0;
            }
        }
        if best >= upper - 1e-9 * upper.abs().max(1.0) || alpha < 1e-4 {
            break;
        }
        let mut g = vec![1.0; n];
        for &j in &order[..p] {
            for &(i, f) in &per_site[j].1 {
                g[i as usize] -= f;
            }
        }
        let norm: f64 = g.iter().map(|x| x * x).sum();
        if norm <= 1e-12 {
            break;
        }
        let step = alpha * (upper - value).max(1e-9 * upper.abs().max(1.0)) / norm;
        for (l, gi) in lambda.iter_mut().zip(&g) {
            *l += step * gi;
        }
    }
    best
}

struct StartResult {
    best: Option<State>,
    evaluations: u64,
    timed_out: bool,
}

/// Iterated local search from `init` (half of it replaced at random unless `index` is 0).
fn ils(ev: &Evaluator, init: &[usize], index: usize, seed: u64, iters: usize, deadline: Stop<'_>) -> StartResult {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut evaluations = 0u64;
    let k = init.len();
    let mut meds = init.to_vec();
    // Starts after the first replace half of the medians by random sites, for diversity.
    if index > 0 && ev.m > k {
        for _ in 0..k.div_ceil(2) {
            let t = rng.random_range(0..k);
            let s = rng.random_range(0..ev.m);
            if !meds.contains(&s) && ev.capacity[s] > 0.0 {
                meds[t] = s;
            }
        }
    }
    // A starting median set with a feasible assignment: the given one, else random repairs.
    let mut start = None;
    for attempt in 0..50 {
        evaluations += 1;
        if let Some(s) = ev.assign(&meds) {
            start = Some(s);
            break;
        }
        if deadline.reached() {
            return StartResult { best: None, evaluations, timed_out: true };
        }
        // Replace a median by a site of larger capacity, then random ones.
        let t = rng.random_range(0..k);
        let s = if attempt < 10 {
            let mut by_cap: Vec<usize> = (0..ev.m).filter(|s| !meds.contains(s)).collect();
            by_cap.sort_by(|&a, &b| ev.capacity[b].total_cmp(&ev.capacity[a]).then(a.cmp(&b)));
            by_cap.get(rng.random_range(0..by_cap.len().clamp(1, k + 1))).copied()
        } else {
            let free: Vec<usize> = (0..ev.m).filter(|s| !meds.contains(s)).collect();
            free.get(rng.random_range(0..free.len().max(1))).copied()
        };
        if let Some(s) = s {
            meds[t] = s;
        }
    }
    let Some(start) = start else { return StartResult { best: None, evaluations, timed_out: false } };
    let (mut best, mut timed_out) = ev.local_search(start, &mut evaluations, deadline);
    let mut r = 1usize;
    for _ in 0..iters {
        if timed_out || deadline.reached() {
            timed_out = true;
            break;
        }
        // Shake: replace r medians by members of other clusters.
        let mut meds = best.meds.clone();
        for _ in 0..r.min(k) {
            let t = rng.random_range(0..k);
            let i = rng.random_range(0..ev.n);
            let s = if ev.n == ev.m && rng.random_range(0..2) == 0 { i } else { rng.random_range(0..ev.m) };
            if !meds.contains(&s) && ev.capacity[s] > 0.0 {
                meds[t] = s;
            }
        }
        evaluations += 1;
        let Some(trial) = ev.assign(&meds) else {
            r = r % MAX_SHAKE + 1;
            continue;
        };
        let (trial, to) = ev.local_search(trial, &mut evaluations, deadline);
        timed_out |= to;
        if trial.cost < best.cost - 1e-9 * best.cost.abs().max(1.0) {
            best = trial;
            r = 1;
        } else {
            r = r % MAX_SHAKE + 1;
        }
    }
    StartResult { best: Some(best), evaluations, timed_out }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_bad_inputs() {
        let c = CostMatrix::from_fn(3, 3, |i, s| (i as f64 - s as f64).abs()).unwrap();
        let o = SolveOptions::default();
        let e = capacitated_p_median(&c, 0, &[1.0; 3], &[3.0; 3], &o).unwrap_err();
        assert!(e.to_string().contains("`p`"), "{e}");
        let e = capacitated_p_median(&c, 1, &[1.0; 2], &[3.0; 3], &o).unwrap_err();
        assert!(e.to_string().contains("`demand`"), "{e}");
        let e = capacitated_p_median(&c, 1, &[1.0; 3], &[3.0, f64::NAN, 1.0], &o).unwrap_err();
        assert!(e.to_string().contains("`capacity` at row 1"), "{e}");
        let e = capacitated_p_median(&c, 1, &[1.0; 3], &[2.0; 3], &o).unwrap_err();
        assert!(matches!(e, Error::Infeasible { .. }), "{e}");
        let e = capacitated_p_median(&c, 2, &[1.0, 5.0, 1.0], &[4.0; 3], &o).unwrap_err();
        assert!(matches!(e, Error::Infeasible { .. }), "{e}");
    }
}
