//! The p-median problem on a cost matrix: hybrid heuristic with a certified Lagrangian bound.

use std::time::{Duration, Instant};

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use super::lagrangian::{proves, rounded_bound, slack, MedianDual};
use super::local_search::{MedianInstance, SwapSearch};
use super::matrix::CostMatrix;
use super::{Sense, Solution, SolveOptions, Status};
use crate::error::{Error, Location, Result};
use crate::progress::{Control, Stop};

/// Independent searches per round of the multi-start phase. Fixed (not the thread count), so
/// results never depend on `RAYON_NUM_THREADS`.
const STARTS_PER_ROUND: usize = 8;

/// Site rules and the optional service radius of a p-median problem.
///
/// The defaults (no fixed or forbidden site, no radius) give the classical p-median problem.
/// Builder setters return `self`, in the style of geo's `KMeansParams`.
///
/// # Examples
/// ```
/// use villageplan::solve::MedianOptions;
/// let o = MedianOptions::default().fixed(vec![3]).forbidden(vec![7]).radius(2000.0, 5000.0);
/// assert_eq!((o.fixed, o.forbidden, o.radius, o.unserved_cost), (vec![3], vec![7], Some(2000.0), 5000.0));
/// assert_eq!(o.effort, 1.0);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct MedianOptions {
    /// Sites that are open whatever the solver does (existing centres); they count towards `p`.
    pub fixed: Vec<u32>,
    /// Sites that may not open (no space, not allowed).
    pub forbidden: Vec<u32>,
    /// Service radius: a row farther than this from every open site is *unserved* (its
    /// assignment is `None`) and costs `unserved_cost` (times its weight) instead of a distance.
    /// `None` serves every row, however far.
    pub radius: Option<f64>,
    /// Cost of an unserved row (per unit of weight) when `radius` is set; must be ≥ the radius.
    pub unserved_cost: f64,
    /// Multiplies the search budget (subgradient iterations, multi-start rounds); 1 by default.
    pub effort: f64,
}

impl Default for MedianOptions {
    fn default() -> Self {
        Self { fixed: Vec::new(), forbidden: Vec::new(), radius: None, unserved_cost: 0.0, effort: 1.0 }
    }
}

impl MedianOptions {
    /// Sites forced open.
    pub fn fixed(mut self, fixed: Vec<u32>) -> Self {
        self.fixed = fixed;
        self
    }
    /// Sites that may not open.
    pub fn forbidden(mut self, forbidden: Vec<u32>) -> Self {
        self.forbidden = forbidden;
        self
    }
    /// A service radius and the cost of leaving a row unserved (≥ radius), in the cost unit.
    pub fn radius(mut self, radius: f64, unserved_cost: f64) -> Self {
        self.radius = Some(radius);
        self.unserved_cost = unserved_cost;
        self
    }
    /// Search effort multiplier (> 0; 1 is the default budget, 2 searches about twice as long
    /// when the bound does not close).
    pub fn effort(mut self, effort: f64) -> Self {
        self.effort = effort;
        self
    }
}

/// Least weighted total distance with exactly `p` open sites (the p-median problem).
///
/// Minimises `Σ_i w_i · min_{s open} c(i, s)` over sets of exactly `p` sites (Hakimi 1964;
/// ReVelle & Swain 1970). Equivalent to [`p_median_with`] with default [`MedianOptions`].
///
/// # Arguments
/// * `costs`: the demand × site cost matrix (any unit; `∞` for unreachable pairs).
/// * `p`: number of sites to open, `1 ≤ p ≤ n_sites`.
/// * `weights`: one weight ≥ 0 per row (population, households); `None` for 1 each.
/// * `options`: seed and time limit.
///
/// # Returns
/// A [`Solution`] (see [`p_median_with`]).
///
/// # Errors
/// See [`p_median_with`].
///
/// # Complexity
/// See [`p_median_with`].
///
/// # Examples
/// ```
/// use villageplan::solve::{p_median, CostMatrix, SolveOptions, Status};
/// // Six villages on a line 1 km apart; two centres.
/// let costs = CostMatrix::from_fn(6, 6, |i, s| (i as f64 - s as f64).abs()).unwrap();
/// let sol = p_median(&costs, 2, None, &SolveOptions::default()).unwrap();
/// assert_eq!(sol.objective, 4.0); // sites 1 and 4: 1+0+1 + 1+0+1
/// assert_eq!(sol.open, vec![1, 4]);
/// assert_eq!(sol.status, Status::Optimal);
/// assert_eq!(sol.assignment[5], Some(4));
/// ```
pub fn p_median(costs: &CostMatrix, p: usize, weights: Option<&[f64]>, options: &SolveOptions) -> Result<Solution> {
    p_median_with(costs, p, weights, &MedianOptions::default(), options)
}

/// Least weighted total distance with exactly `p` open sites, with fixed and forbidden sites and
/// an optional service radius.
///
/// The method is the hybrid of the p-median literature:
/// 1. a greedy construction (Kuehn & Hamburger 1963) improved by swap local search with the fast
///    interchange of Resende & Werneck (2004, "A hybrid heuristic for the p-median problem",
///    J. Heuristics 10) — see `local_search.rs`;
/// 2. Lagrangian relaxation of the assignment constraints (Cornuéjols, Fisher & Nemhauser 1977)
///    optimised by subgradient steps, with Beasley's (1993, EJOR 65) Lagrangian heuristic (local
///    search from every relaxed solution) and reduced-cost fixing, which closes or forces open
///    the sites that cannot change in any better solution;
/// 3. when the bound has not closed, rounds of parallel iterated local search with variable
///    neighbourhood shaking (Hansen & Mladenović 1997, "Variable neighborhood search for the
///    p-median", Location Science 5) on the reduced instance, each start with its own ChaCha8
///    stream derived from `options.seed` and its index, followed by more subgradient steps
///    against the improved incumbent;
/// 4. after the first round, a depth-first Lagrangian branch and bound on "site open / site
///    closed" (Beasley 1985, "A note on solving large p-median problems", EJOR 21), warm-started
///    from the root multipliers, with reduced-cost fixing and the Lagrangian heuristic at every
///    node, under a deterministic work budget (scaled by [`MedianOptions::effort`]). When it
///    finishes, the incumbent is proven optimal.
///
/// With a radius, `c'(i, s) = c(i, s)` within the radius and `unserved_cost` beyond it, which is
/// again a p-median problem: the same solver handles it exactly. Infinite costs (no radius) are
/// replaced internally by a penalty larger than any finite solution, so the search still prefers
/// every row served.
///
/// The bound is `max L(λ)` over the multipliers tried (rounded up to an integer when every
/// weight and cost is an integer), or the objective itself when the branch and bound finished;
/// the status is `optimal` only when the bound meets the objective. The
/// result depends only on the inputs and `options.seed`, never on the thread count
/// (`RAYON_NUM_THREADS`), unless `options.time_limit` cuts the search short.
///
/// # Arguments
/// * `costs`: the demand × site cost matrix (any unit; `∞` for unreachable pairs).
/// * `p`: number of sites to open, fixed ones included; `|fixed| ≤ p ≤ allowed sites`.
/// * `weights`: one weight ≥ 0 per row; `None` for 1 each.
/// * `median`: fixed and forbidden sites, radius and unserved cost, effort.
/// * `options`: seed and time limit (seconds); on time out the best solution so far is returned
///   with status `time_limit` (unless it is proven optimal).
///
/// # Returns
/// A [`Solution`] with the `p` open sites (ascending), each row's site (`None` when unserved
/// beyond the radius), the objective, the Lagrangian lower bound, the gap and the status; its
/// `iterations` count local-search moves plus subgradient iterations.
///
/// # Errors
/// * [`Error::InvalidInput`] naming `p` when `p = 0`, `p` exceeds the allowed sites or is below the
///   number of fixed sites; naming `weights` for a wrong length or a NaN, infinite or negative
///   weight; naming `fixed` / `forbidden` for an out-of-range site or a site in both; naming
///   `radius` / `unserved_cost` for a negative or non-finite value or an unserved cost below the
///   radius; naming `time_limit` for a negative or NaN limit.
/// * [`Error::Infeasible`] (no radius) when a row cannot be reached from any allowed site, or when
///   the best solution found leaves a weighted row unreachable (raise `p` or give a radius).
///
/// # Complexity
/// Memory O(n·m) (the weighted matrix and one cost-sorted site list per row) plus O(p·m) per
/// worker thread. Time: sorting O(n·m log m); each local-search move costs O(n + Σ_u |{s : c(u,s)
/// < d2(u)}|) plus the best-swap scan O(min(p·m, Σ_u |…|)); each subgradient iteration costs the
/// same row-prefix sum. The OR-Library instances (n ≤ 900) take milliseconds to about a second
/// each on two cores.
///
/// # Examples
/// ```
/// use villageplan::solve::{p_median_with, CostMatrix, MedianOptions, SolveOptions, Status};
/// let costs = CostMatrix::from_fn(6, 6, |i, s| (i as f64 - s as f64).abs()).unwrap();
/// // Site 0 exists already, site 4 has no space; weights favour the right end.
/// let opts = MedianOptions::default().fixed(vec![0]).forbidden(vec![4]);
/// let w = [1.0, 1.0, 1.0, 1.0, 5.0, 5.0];
/// let sol = p_median_with(&costs, 2, Some(&w), &opts, &SolveOptions::default()).unwrap();
/// assert_eq!(sol.open, vec![0, 5]);
/// assert_eq!(sol.objective, 0.0 + 1.0 + 2.0 + 2.0 + 5.0 + 0.0);
/// assert_eq!(sol.status, Status::Optimal);
/// // With a 1-unit radius and unserved cost 10, rows beyond 1 from an open site are unserved.
/// let opts = MedianOptions::default().radius(1.0, 10.0);
/// let sol = p_median_with(&costs, 1, None, &opts, &SolveOptions::default()).unwrap();
/// assert_eq!(sol.objective, 1.0 + 0.0 + 1.0 + 30.0);
/// assert_eq!(sol.assignment.iter().filter(|a| a.is_none()).count(), 3);
/// ```
pub fn p_median_with(
    costs: &CostMatrix,
    p: usize,
    weights: Option<&[f64]>,
    median: &MedianOptions,
    options: &SolveOptions,
) -> Result<Solution> {
    let start = Instant::now();
    let control = Control::current();
    let deadline = deadline_of(start, options, &control)?;
    let prep = prepare(costs, p, weights, median)?;
    let out = search(&prep.inst, prep.integral, options.seed, effort_of(median)?, deadline);
    control.check()?;
    finish(costs, &prep, out, start)
}

/// The deadline implied by `options.time_limit`.
pub(crate) fn deadline_of<'a>(start: Instant, options: &SolveOptions, control: &'a Control) -> Result<Stop<'a>> {
    let at = match options.time_limit {
        None => None,
        Some(t) if t.is_nan() || t < 0.0 => {
            return Err(Error::param("time_limit", format!("time limit must be ≥ 0 seconds, got {t}")));
        }
        Some(t) => Duration::try_from_secs_f64(t).ok().and_then(|d| start.checked_add(d)),
    };
    Ok(Stop::new(at, control))
}

fn effort_of(median: &MedianOptions) -> Result<f64> {
    let e = median.effort;
    if !(e.is_finite() && e > 0.0) {
        return Err(Error::param("effort", format!("effort must be a finite number > 0, got {e}")));
    }
    Ok(e)
}

/// Validated weights: one finite non-negative value per row.
pub(crate) fn check_weights(weights: Option<&[f64]>, n: usize) -> Result<Vec<f64>> {
    let Some(w) = weights else { return Ok(vec![1.0; n]) };
    if w.len() != n {
        return Err(Error::param(
            "weights",
            format!("expected {n} weights (one per cost-matrix row), got {}", w.len()),
        ));
    }
    if let Some(i) = w.iter().position(|x| !x.is_finite() || *x < 0.0) {
        return Err(Error::invalid(
            "weights",
            Location::row(i),
            format!("weight is {}; weights must be finite and ≥ 0", w[i]),
        ));
    }
    Ok(w.to_vec())
}

/// Validated site rules: (fixed mask, allowed mask).
pub(crate) fn check_sites(fixed: &[u32], forbidden: &[u32], m: usize) -> Result<(Vec<bool>, Vec<bool>)> {
    let mut is_fixed = vec![false; m];
    let mut allowed = vec![true; m];
    for &s in forbidden {
        if s as usize >= m {
            return Err(Error::param("forbidden", format!("site {s} is out of range (there are {m} sites)")));
        }
        allowed[s as usize] = false;
    }
    for &s in fixed {
        if s as usize >= m {
            return Err(Error::param("fixed", format!("site {s} is out of range (there are {m} sites)")));
        }
        if !allowed[s as usize] {
            return Err(Error::invalid(
                "fixed",
                Location::row(s as usize),
                "site is fixed open but also forbidden; drop one of the two",
            ));
        }
        is_fixed[s as usize] = true;
    }
    Ok((is_fixed, allowed))
}

/// Check `p` against the allowed and fixed sites.
pub(crate) fn check_p(p: usize, allowed: &[bool], fixed: &[bool]) -> Result<()> {
    let n_allowed = allowed.iter().filter(|&&a| a).count();
    let n_fixed = fixed.iter().filter(|&&f| f).count();
    if p == 0 {
        return Err(Error::param("p", "p must be at least 1 (the number of sites to open)"));
    }
    if p > n_allowed {
        return Err(Error::param(
            "p",
            format!("p = {p} is more than the {n_allowed} sites that may open; lower p or allow more sites"),
        ));
    }
    if p < n_fixed {
        return Err(Error::param(
            "p",
            format!("p = {p} is less than the {n_fixed} fixed sites; raise p or fix fewer sites"),
        ));
    }
    Ok(())
}

/// A validated problem ready for the search.
#[derive(Debug)]
struct Prepared {
    inst: MedianInstance,
    integral: bool,
    weights: Vec<f64>,
    radius: Option<f64>,
    unserved: f64,
}

/// Check the radius cap of a p-median: a finite radius ≥ 0 and an unserved cost at least as large.
///
/// # Errors
/// [`Error::InvalidInput`] naming `radius` or `unserved_cost`.
pub(crate) fn check_radius_cap(median: &MedianOptions) -> Result<()> {
    if let Some(r) = median.radius {
        if !r.is_finite() || r < 0.0 {
            return Err(Error::param("radius", format!("radius must be a finite number ≥ 0, got {r}")));
        }
        let u = median.unserved_cost;
        if !u.is_finite() || u < r {
            return Err(Error::param(
                "unserved_cost",
                format!("the cost of an unserved row must be finite and at least the radius {r}, got {u}"),
            ));
        }
    }
    Ok(())
}

fn prepare(costs: &CostMatrix, p: usize, weights: Option<&[f64]>, median: &MedianOptions) -> Result<Prepared> {
    let (n, m) = (costs.n_demand(), costs.n_sites());
    let w = check_weights(weights, n)?;
    let (fixed, allowed) = check_sites(&median.fixed, &median.forbidden, m)?;
    check_p(p, &allowed, &fixed)?;
    check_radius_cap(median)?;
    // Effective costs: beyond the radius → unserved cost; without radius, ∞ → a big penalty.
    let eff = |c: f64| -> f64 {
        match median.radius {
            Some(r) if c > r => median.unserved_cost,
            _ => c,
        }
    };
    let mut max_finite = 0.0f64;
    for i in 0..n {
        let row = costs.row(i);
        let mut reachable = false;
        for s in 0..m {
            if allowed[s] {
                let c = eff(row[s]);
                if c.is_finite() {
                    reachable = true;
                    max_finite = max_finite.max(c);
                }
            }
        }
        if !reachable {
            let ok = (0..n).filter(|&k| (0..m).any(|s| allowed[s] && costs.get(k, s).is_finite())).count();
            return Err(Error::Infeasible {
                reason: format!(
                    "row {i} cannot be reached from any allowed site (every cost is infinite); only {ok} of {n} rows are reachable. Allow a site that reaches it, drop the row, or give a radius with an unserved cost"
                ),
                achievable: ok as f64 / n as f64,
            });
        }
    }
    let total_w: f64 = w.iter().sum();
    let min_w = w.iter().copied().filter(|&x| x > 0.0).fold(f64::INFINITY, f64::min);
    let mut big = if min_w.is_finite() { total_w * max_finite / min_w + max_finite + 1.0 } else { max_finite + 1.0 };
    let integral_w = w.iter().all(|x| x.fract() == 0.0);
    let mut integral = integral_w;
    if !big.is_finite() {
        big = f64::MAX.sqrt();
    }
    if integral {
        big = big.ceil();
    }
    let mut wc = vec![0.0; n * m];
    for i in 0..n {
        let row = costs.row(i);
        for s in 0..m {
            let c = eff(row[s]);
            let c = if c.is_finite() { c } else { big };
            if c.fract() != 0.0 {
                integral = false;
            }
            wc[i * m + s] = if w[i] == 0.0 { 0.0 } else { w[i] * c };
        }
    }
    let inst = MedianInstance::new(n, m, p, wc, fixed, allowed);
    Ok(Prepared { inst, integral, weights: w, radius: median.radius, unserved: median.unserved_cost })
}

/// What the search found.
#[derive(Debug)]
struct Outcome {
    sites: Vec<u32>,
    bound: f64,
    iterations: u64,
    timed_out: bool,
}

/// Greedy (add) construction from `start` (which must hold the fixed sites) up to p sites.
fn greedy_fill(inst: &MedianInstance, start: &[u32]) -> Vec<u32> {
    let (n, m) = (inst.n, inst.m);
    let mut open = vec![false; m];
    let mut sites = start.to_vec();
    let mut d1 = vec![inst.far; n];
    let mut gain = vec![0.0; m];
    let add = |f: u32, open: &mut Vec<bool>, d1: &mut Vec<f64>| {
        open[f as usize] = true;
        for (i, d) in d1.iter_mut().enumerate() {
            *d = d.min(inst.wc[i * m + f as usize]);
        }
    };
    for &f in start {
        add(f, &mut open, &mut d1);
    }
    while sites.len() < inst.p {
        gain.fill(0.0);
        for (i, &di) in d1.iter().enumerate() {
            let s = inst.sites_of(i);
            for (k, &c) in inst.costs_of(i).iter().enumerate() {
                if c >= di {
                    break;
                }
                gain[s[k] as usize] += di - c;
            }
        }
        let mut best: Option<u32> = None;
        for &f in &inst.free {
            if !open[f as usize] && best.is_none_or(|b| gain[f as usize] > gain[b as usize]) {
                best = Some(f);
            }
        }
        let Some(f) = best else { break };
        sites.push(f);
        add(f, &mut open, &mut d1);
    }
    sites
}

/// Make `sites` a valid start for `inst`: keep its candidates, add the fixed sites, trim or fill
/// greedily to p.
fn repair(inst: &MedianInstance, sites: &[u32]) -> Vec<u32> {
    let mut keep = inst.fixed_sites();
    let mut extra: Vec<u32> =
        sites.iter().copied().filter(|&s| inst.candidate[s as usize] && !inst.fixed[s as usize]).collect();
    extra.truncate(inst.p - keep.len());
    keep.extend(extra);
    greedy_fill(inst, &keep)
}

/// A seed for stream `k` of phase `tag` (SplitMix64 finaliser).
fn stream_seed(seed: u64, tag: u64, k: u64) -> u64 {
    let mut z = seed ^ tag.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ k.wrapping_mul(0xD1B5_4A32_D192_ED03);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Iterated local search with VNS shaking from `start`: returns (cost, sites, moves).
fn ils(inst: &MedianInstance, start: &[u32], seed: u64, iters: usize, deadline: Stop<'_>) -> (f64, Vec<u32>, u64) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut ls = SwapSearch::new(inst);
    ls.load(start);
    ls.descend(deadline);
    let mut best_cost = ls.cost();
    let mut best = ls.slots().to_vec();
    let free_open: usize = inst.p - inst.fixed_sites().len();
    let free_closed = inst.free.len() - free_open;
    if free_open == 0 || free_closed == 0 {
        return (best_cost, sorted(best), ls.moves);
    }
    let kmax = free_open.min(free_closed).clamp(1, 12);
    let mut k = 1;
    for _ in 0..iters {
        if deadline.reached() {
            break;
        }
        for _ in 0..k {
            let r = loop {
                let r = rng.random_range(0..inst.p);
                if !inst.fixed[ls.slots()[r] as usize] {
                    break r;
                }
            };
            let f = loop {
                let f = inst.free[rng.random_range(0..inst.free.len())];
                if !ls.is_open(f as usize) {
                    break f;
                }
            };
            ls.apply_swap(r, f);
        }
        ls.descend(deadline);
        let c = ls.cost();
        if c < best_cost - slack(best_cost) * 1e-3 {
            best_cost = c;
            best = ls.slots().to_vec();
            k = 1;
        } else {
            ls.load(&best);
            k = if k >= kmax { 1 } else { k + 1 };
        }
    }
    (best_cost, sorted(best), ls.moves)
}

fn sorted(mut v: Vec<u32>) -> Vec<u32> {
    v.sort_unstable();
    v
}

/// The whole search on a prepared instance.
fn search(inst: &MedianInstance, integral: bool, seed: u64, effort: f64, deadline: Stop<'_>) -> Outcome {
    let timed = || deadline.reached();
    let mut iterations = 0u64;
    // Stage 1: greedy + local search.
    let mut ls = SwapSearch::new(inst);
    ls.load(&greedy_fill(inst, &inst.fixed_sites()));
    ls.descend(deadline);
    let mut ub = ls.cost();
    let mut best = ls.solution();
    if inst.free.len() + inst.fixed_sites().len() == inst.p || inst.fixed_sites().len() == inst.p {
        // Nothing to choose.
        return Outcome { bound: ub, sites: best, iterations: ls.moves, timed_out: false };
    }

    // Stage 2: Lagrangian bound with the Lagrangian heuristic.
    let lambda: Vec<f64> = (0..inst.n)
        .map(|i| {
            let c = inst.costs_of(i);
            c.get(1).or(c.first()).copied().unwrap_or(0.0)
        })
        .collect();
    let mut dual = MedianDual::new(inst, lambda, integral);
    let mut last_y: Vec<u32> = Vec::new();
    let mut heur_best = ub;
    let mut heur_sites: Option<Vec<u32>> = None;
    dual.run(&mut ub, (30000.0 * effort) as u64, 150, 1e-6, deadline, |pt, it| {
        if it % 10 != 0 || pt.open.len() != inst.p || pt.open == last_y {
            return None;
        }
        last_y.clone_from(&pt.open);
        ls.load(&pt.open);
        ls.descend(deadline);
        let c = ls.cost();
        if c < heur_best {
            heur_best = c;
            heur_sites = Some(ls.solution());
            Some(c)
        } else {
            None
        }
    });
    if let Some(s) = heur_sites {
        best = s;
    }
    iterations += ls.moves;
    let mut timed_out = timed();

    // Stage 3: rounds of parallel ILS on the reduced instance, each improvement followed by more
    // subgradient steps; after the first round, stage 4: the Lagrangian branch and bound (Beasley
    // 1985) on the instance reduced by the root's fixings.
    let max_rounds = (12.0 * effort).ceil() as usize;
    let mut stall = 0;
    let mut round = 0;
    let mut tree: Option<bool> = None;
    while !proves(dual.best, ub, integral) && tree != Some(true) && !timed_out {
        if round == 1 && tree.is_none() {
            let (closed, work) = tree_search(inst, &dual, effort, deadline, &mut ub, &mut best, &mut ls);
            iterations += work;
            tree = Some(closed);
            timed_out = timed();
            continue;
        }
        if round >= max_rounds || stall >= 3 {
            break;
        }
        let reduced = inst.restrict(&dual.closed, &dual.forced);
        if reduced.free.len() + reduced.fixed_sites().len() < inst.p || reduced.fixed_sites().len() > inst.p {
            break;
        }
        let start = repair(&reduced, &best);
        let iters = 40 + 10 * round;
        let results: Vec<(f64, Vec<u32>, u64)> = (0..STARTS_PER_ROUND)
            .into_par_iter()
            .map(|k| ils(&reduced, &start, stream_seed(seed, round as u64 + 1, k as u64), iters, deadline))
            .collect();
        let mut improved = false;
        for (c, s, mv) in results {
            iterations += mv;
            if c < ub - slack(ub) * 1e-3 {
                ub = c;
                best = s;
                improved = true;
            }
        }
        stall = if improved { 0 } else { stall + 1 };
        round += 1;
        if improved && !proves(dual.best, ub, integral) {
            dual.alpha = dual.alpha.max(0.25);
            let mut ubv = ub;
            dual.run(&mut ubv, (1000.0 * effort) as u64, 30, 1e-4, deadline, |_, _| None);
        }
        timed_out = timed();
    }
    iterations += dual.iterations;
    // Costs are ≥ 0, so 0 bounds every objective even before the first subgradient step.
    let bound = if tree == Some(true) { ub } else { rounded_bound(dual.best, integral).max(0.0).min(ub) };
    Outcome { sites: best, bound: bound.min(ub), iterations, timed_out }
}

/// Stage 4: the branch and bound from the root dual. Returns (closed, nodes + iterations).
fn tree_search(
    inst: &MedianInstance,
    dual: &MedianDual<'_>,
    effort: f64,
    deadline: Stop<'_>,
    ub: &mut f64,
    best: &mut Vec<u32>,
    ls: &mut SwapSearch<'_>,
) -> (bool, u64) {
    // Closed sites leave every sorted list, which shortens each subgradient iteration.
    let reduced = inst.restrict(&dual.closed, &dual.forced);
    let mut root = MedianDual::new(&reduced, dual.best_lambda.clone(), dual.integral());
    root.best = dual.best;
    // The Lagrangian heuristic inside the tree searches the reduced instance too.
    let mut local = SwapSearch::new(&reduced);
    let (closed, nodes, its) = branch_and_bound(&reduced, &root, ub, best, BNB_WORK * effort, deadline, &mut local);
    ls.moves += local.moves;
    (closed, nodes + its)
}

/// Work budget of the branch and bound, in sorted-list entries visited by its subgradient
/// iterations (each costs rows × candidate sites of the reduced instance), times the effort.
/// Deterministic, unlike a time budget: about 1.5–3 s on the machine of BENCHMARKS.md.
const BNB_WORK: f64 = 1.5e9;

/// Depth-first Lagrangian branch and bound on "open site s / close site s" (Beasley 1985, "A
/// note on solving large p-median problems", EJOR 21), each node warm-started from its parent's
/// multipliers and fixings, until its subgradient iterations have visited `limit` sorted-list
/// entries. Returns (every node closed, nodes, subgradient iterations).
fn branch_and_bound(
    inst: &MedianInstance,
    root: &MedianDual<'_>,
    ub: &mut f64,
    best: &mut Vec<u32>,
    limit: f64,
    deadline: Stop<'_>,
    ls: &mut SwapSearch<'_>,
) -> (bool, u64, u64) {
    /// An open node: its fixings, warm-start multipliers and inherited bound.
    struct Node {
        forced: Vec<bool>,
        closed: Vec<bool>,
        lambda: Vec<f64>,
        best: f64,
    }
    let integral = root.integral();
    let mut stack = vec![Node {
        forced: root.forced.clone(),
        closed: root.closed.clone(),
        lambda: root.best_lambda.clone(),
        best: root.best,
    }];
    let mut nodes = 0u64;
    let mut its = 0u64;
    let mut work = 0.0;
    let mut tried: std::collections::HashSet<Vec<u32>> = std::collections::HashSet::new();
    while let Some(node) = stack.pop() {
        if work >= limit || deadline.reached() {
            return (false, nodes, its);
        }
        nodes += 1;
        let forced = node.forced.iter().filter(|&&f| f).count();
        let open_sites = (0..inst.m).filter(|&s| !node.closed[s]).count();
        if forced > inst.p || open_sites < inst.p {
            continue;
        }
        if forced == inst.p {
            let open: Vec<u32> = (0..inst.m as u32).filter(|&s| node.forced[s as usize]).collect();
            ls.load(&open);
            if ls.cost() < *ub {
                *ub = ls.cost();
                *best = open;
            }
            continue;
        }
        // Deep nodes have closed most sites: drop them from the sorted lists first.
        let local = (open_sites * 10 < inst.l * 7).then(|| inst.restrict(&node.closed, &node.forced));
        let here = local.as_ref().unwrap_or(inst);
        let mut d = MedianDual::new(here, node.lambda, integral);
        d.forced.copy_from_slice(&node.forced);
        d.closed.copy_from_slice(&node.closed);
        d.best = node.best;
        d.best_lambda.copy_from_slice(&d.lambda);
        d.alpha = 0.5;
        let mut ubv = *ub;
        let mut found: Option<(f64, Vec<u32>)> = None;
        d.run(&mut ubv, 120, 8, 1e-2, deadline, |pt, it| {
            if it % 40 != 0 || pt.open.len() != inst.p || !tried.insert(pt.open.clone()) {
                return None;
            }
            ls.load(&pt.open);
            ls.descend(deadline);
            let c = ls.cost();
            if found.as_ref().is_none_or(|f| c < f.0) {
                found = Some((c, ls.solution()));
            }
            Some(c)
        });
        its += d.iterations;
        work += (d.iterations * (here.n * here.l) as u64) as f64;
        if let Some((c, s)) = found {
            if c < *ub {
                *ub = c;
                *best = s;
            }
        }
        if proves(d.best, *ub, integral) {
            continue;
        }
        if d.relaxed_feasible {
            // The relaxed solution is optimal for this node; its cost is its value.
            let pt = d.evaluate();
            ls.load(&pt.open);
            if ls.cost() < *ub {
                *ub = ls.cost();
                *best = ls.solution();
            }
            continue;
        }
        let Some(j) = d.branch_site() else { continue };
        let closed_child = Node {
            forced: d.forced.clone(),
            closed: {
                let mut c = d.closed.clone();
                c[j as usize] = true;
                c
            },
            lambda: d.best_lambda.clone(),
            best: d.best,
        };
        let mut forced_child = Node { forced: d.forced, closed: d.closed, lambda: d.best_lambda, best: d.best };
        forced_child.forced[j as usize] = true;
        stack.push(closed_child);
        stack.push(forced_child);
    }
    (true, nodes, its)
}

/// Assignment, objective in the user's terms, and the certificate.
fn finish(costs: &CostMatrix, prep: &Prepared, out: Outcome, start: Instant) -> Result<Solution> {
    let n = costs.n_demand();
    let mut assignment = Vec::with_capacity(n);
    let mut objective = 0.0;
    let mut unreachable = 0usize;
    for i in 0..n {
        let row = costs.row(i);
        let mut best: Option<(u32, f64)> = None;
        for &s in &out.sites {
            let c = row[s as usize];
            if best.is_none_or(|(b, d)| c < d || (c == d && s < b)) {
                best = Some((s, c));
            }
        }
        let (s, c) = best.ok_or_else(|| Error::Internal("p-median produced no open site".into()))?;
        let served = match prep.radius {
            Some(r) => c <= r,
            None => c.is_finite(),
        };
        let w = prep.weights[i];
        if served {
            assignment.push(Some(s));
            if w > 0.0 {
                objective += w * c;
            }
        } else {
            assignment.push(None);
            if prep.radius.is_some() {
                objective += w * prep.unserved;
            } else if w > 0.0 {
                unreachable += 1;
            }
        }
    }
    if unreachable > 0 {
        return Err(Error::Infeasible {
            reason: format!(
                "the best set of {} sites found leaves {unreachable} weighted row(s) unreachable (infinite cost); raise p, allow more sites, or give a radius with an unserved cost",
                out.sites.len()
            ),
            achievable: (n - unreachable) as f64 / n as f64,
        });
    }
    let bound = out.bound.min(objective);
    let mut sol = Solution::certify(out.sites, objective, bound, Sense::Minimize, out.timed_out);
    if sol.status == Status::Optimal {
        sol.bound = objective;
        sol.gap = 0.0;
    }
    sol.assignment = assignment;
    sol.iterations = out.iterations;
    sol.seconds = start.elapsed().as_secs_f64();
    Ok(sol)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Exhaustive optimum over every p-subset of the allowed sites (small m only).
    fn brute(c: &CostMatrix, p: usize, w: &[f64], opts: &MedianOptions) -> f64 {
        let (n, m) = (c.n_demand(), c.n_sites());
        let mut best = f64::INFINITY;
        for mask in 0u32..(1 << m) {
            if mask.count_ones() as usize != p
                || opts.forbidden.iter().any(|&f| mask >> f & 1 == 1)
                || opts.fixed.iter().any(|&f| mask >> f & 1 == 0)
            {
                continue;
            }
            let mut total = 0.0;
            for (i, &wi) in w.iter().enumerate().take(n) {
                let d = (0..m).filter(|&s| mask >> s & 1 == 1).map(|s| c.get(i, s)).fold(f64::INFINITY, f64::min);
                total += match opts.radius {
                    Some(r) if d > r => wi * opts.unserved_cost,
                    _ if wi == 0.0 => 0.0,
                    _ => wi * d,
                };
            }
            best = best.min(total);
        }
        best
    }

    fn matrix(n: usize, m: usize, vals: &[u8], integral: bool) -> CostMatrix {
        CostMatrix::from_fn(n, m, |i, s| {
            let v = vals[(i * m + s) % vals.len()] as f64;
            if integral {
                v
            } else {
                v * 0.37 + 0.01
            }
        })
        .unwrap()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        #[test]
        fn matches_enumeration_and_bound_is_valid(
            n in 1usize..9, m in 2usize..9, pk in 0usize..8,
            vals in proptest::collection::vec(0u8..40, 1..100),
            weights in proptest::collection::vec(0u8..5, 9),
            integral in any::<bool>(), rule in 0u8..4, seed in 0u64..4,
        ) {
            let c = matrix(n, m, &vals, integral);
            let p = 1 + pk % m;
            let w: Vec<f64> = weights[..n].iter().map(|&x| x as f64).collect();
            let mut opts = MedianOptions::default();
            match rule {
                1 if p < m => opts = opts.forbidden(vec![(m - 1) as u32]),
                2 => opts = opts.fixed(vec![0]),
                3 => opts = opts.radius(10.0, 25.0),
                _ => {}
            }
            let sol = p_median_with(&c, p, Some(&w), &opts, &SolveOptions { seed, time_limit: None }).unwrap();
            let opt = brute(&c, p, &w, &opts);
            prop_assert!(sol.bound <= opt + 1e-9 * opt.abs().max(1.0), "bound {} above optimum {}", sol.bound, opt);
            prop_assert!(sol.bound <= sol.objective);
            prop_assert!((sol.objective - opt).abs() <= 1e-9 * opt.abs().max(1.0), "objective {} optimum {}", sol.objective, opt);
            prop_assert_eq!(sol.open.len(), p);
            prop_assert_eq!(sol.assignment.len(), n);
            if sol.status == Status::Optimal {
                prop_assert_eq!(sol.gap, 0.0);
            }
            for &f in &opts.fixed { prop_assert!(sol.open.contains(&f)); }
            for &f in &opts.forbidden { prop_assert!(!sol.open.contains(&f)); }
            // The assignment is the nearest open site and reproduces the objective.
            let mut total = 0.0;
            for (i, a) in sol.assignment.iter().enumerate() {
                let d = sol.open.iter().map(|&s| c.get(i, s as usize)).fold(f64::INFINITY, f64::min);
                match a {
                    Some(s) => { prop_assert_eq!(c.get(i, *s as usize), d); total += w[i] * d; }
                    None => { prop_assert!(opts.radius.is_some_and(|r| d > r)); total += w[i] * opts.unserved_cost; }
                }
            }
            prop_assert!((total - sol.objective).abs() <= 1e-9 * total.max(1.0));
        }

        #[test]
        fn objective_never_rises_with_p(n in 2usize..14, vals in proptest::collection::vec(0u8..60, 1..200)) {
            let c = matrix(n, n, &vals, true);
            let mut last = f64::INFINITY;
            for p in 1..=n {
                let sol = p_median(&c, p, None, &SolveOptions::default()).unwrap();
                prop_assert!(sol.objective <= last);
                last = sol.objective;
            }
        }
    }

    #[test]
    fn branch_and_bound_proves_the_enumerated_optimum() {
        for seed in 0..40u64 {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let (n, m, p) = (10, 9, 2 + (seed % 4) as usize);
            let integral = seed % 2 == 0;
            let vals: Vec<f64> = (0..n * m)
                .map(|_| {
                    let v: f64 = rng.random_range(0.0..50.0);
                    if integral {
                        v.round()
                    } else {
                        v
                    }
                })
                .collect();
            let c = CostMatrix::new(vals, n, m).unwrap();
            let opts = MedianOptions::default();
            let opt = brute(&c, p, &[1.0; 10], &opts);
            let prep = prepare(&c, p, None, &opts).unwrap();
            let inst = &prep.inst;
            // A weak root (a few iterations) and a poor incumbent, so the tree does the work.
            let mut dual = MedianDual::new(inst, vec![0.0; n], prep.integral);
            let mut ub = f64::INFINITY;
            dual.run(&mut ub, 3, 10, 1e-3, Stop::never(), |_, _| None);
            let mut ls = SwapSearch::new(inst);
            let mut best: Vec<u32> = (0..p as u32).collect();
            ls.load(&best);
            let mut ub = ls.cost();
            let (closed, _, _) =
                branch_and_bound(inst, &dual, &mut ub, &mut best, f64::INFINITY, Stop::never(), &mut ls);
            assert!(closed);
            assert!((ub - opt).abs() < 1e-9, "seed {seed}: {ub} vs {opt}");
        }
    }

    fn random_matrix(n: usize, seed: u64) -> CostMatrix {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let pts: Vec<(f64, f64)> =
            (0..n).map(|_| (rng.random_range(0.0..100.0), rng.random_range(0.0..100.0))).collect();
        CostMatrix::from_fn(n, n, |i, s| ((pts[i].0 - pts[s].0).powi(2) + (pts[i].1 - pts[s].1).powi(2)).sqrt().round())
            .unwrap()
    }

    #[test]
    fn same_seed_same_solution_on_one_and_two_threads() {
        let c = random_matrix(120, 3);
        let run = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            pool.install(|| p_median(&c, 12, None, &SolveOptions { seed: 11, time_limit: None }).unwrap())
        };
        let (a, b) = (run(1), run(2));
        assert_eq!(a, b);
        assert_eq!(a.open.len(), 12);
    }

    #[test]
    fn time_limit_returns_a_feasible_solution_with_a_valid_bound() {
        let c = random_matrix(150, 5);
        let sol = p_median(&c, 15, None, &SolveOptions { seed: 0, time_limit: Some(0.0) }).unwrap();
        assert_eq!(sol.open.len(), 15);
        assert!(sol.bound <= sol.objective);
        assert!(matches!(sol.status, Status::TimeLimit | Status::Optimal), "{:?}", sol.status);
        assert!(sol.assignment.iter().all(|a| a.is_some()));
    }

    #[test]
    fn errors_name_the_parameter() {
        let c = CostMatrix::from_fn(4, 4, |i, s| (i as f64 - s as f64).abs()).unwrap();
        let o = SolveOptions::default();
        let field = |e: Error| match e {
            Error::InvalidInput { field, .. } => field,
            other => panic!("{other:?}"),
        };
        assert_eq!(field(p_median(&c, 0, None, &o).unwrap_err()), "p");
        assert_eq!(field(p_median(&c, 5, None, &o).unwrap_err()), "p");
        let forbid = MedianOptions::default().forbidden(vec![0, 1]);
        assert_eq!(field(p_median_with(&c, 3, None, &forbid, &o).unwrap_err()), "p");
        let fixed = MedianOptions::default().fixed(vec![0, 1]);
        assert_eq!(field(p_median_with(&c, 1, None, &fixed, &o).unwrap_err()), "p");
        assert_eq!(field(p_median(&c, 2, Some(&[1.0; 3]), &o).unwrap_err()), "weights");
        assert_eq!(field(p_median(&c, 2, Some(&[1.0, f64::NAN, 1.0, 1.0]), &o).unwrap_err()), "weights");
        assert_eq!(field(p_median(&c, 2, Some(&[1.0, -1.0, 1.0, 1.0]), &o).unwrap_err()), "weights");
        let both = MedianOptions::default().fixed(vec![1]).forbidden(vec![1]);
        assert_eq!(field(p_median_with(&c, 2, None, &both, &o).unwrap_err()), "fixed");
        assert_eq!(
            field(p_median_with(&c, 2, None, &MedianOptions::default().fixed(vec![9]), &o).unwrap_err()),
            "fixed"
        );
        let bad_radius = MedianOptions::default().radius(2.0, 1.0);
        assert_eq!(field(p_median_with(&c, 2, None, &bad_radius, &o).unwrap_err()), "unserved_cost");
        let neg = SolveOptions { seed: 0, time_limit: Some(-1.0) };
        assert_eq!(field(p_median(&c, 2, None, &neg).unwrap_err()), "time_limit");
    }

    #[test]
    fn unreachable_rows_are_infeasible_unless_a_radius_is_given() {
        let inf = f64::INFINITY;
        let c = CostMatrix::new(vec![0.0, 1.0, 1.0, 0.0, inf, inf], 3, 2).unwrap();
        match p_median(&c, 1, None, &SolveOptions::default()) {
            Err(Error::Infeasible { reason, .. }) => assert!(reason.contains("row 2"), "{reason}"),
            other => panic!("{other:?}"),
        }
        let opts = MedianOptions::default().radius(5.0, 7.0);
        let sol = p_median_with(&c, 1, None, &opts, &SolveOptions::default()).unwrap();
        assert_eq!(sol.objective, 1.0 + 7.0);
        assert_eq!(sol.assignment[2], None);
        // Reachable from some site but not from any single one: p = 1 cannot serve both.
        let c = CostMatrix::new(vec![0.0, inf, inf, 0.0], 2, 2).unwrap();
        assert!(matches!(p_median(&c, 1, None, &SolveOptions::default()), Err(Error::Infeasible { .. })));
        let sol = p_median(&c, 2, None, &SolveOptions::default()).unwrap();
        assert_eq!((sol.objective, sol.status), (0.0, Status::Optimal));
    }
}
