use rayon::prelude::*;

use super::greedy::greedy_complete;
use super::problem::CoverProblem;
use crate::progress::Stop;

/// Lower bound on the cost of covering `need` more weight, given the villages already covered.
///
/// Relaxation: each candidate site `s` alone covers at most `g_s`, the weight of the still
/// uncovered villages within its radius, and overlaps can only reduce what a set of sites covers.
/// So any feasible set satisfies Σ g_s ≥ need, and the cheapest fractional choice of sites with
/// that property — a fractional knapsack, solved exactly by taking sites in order of g_s / c_s — costs
/// no more than any feasible solution (Dantzig's bound for the covering knapsack).
///
/// With `integral_costs` (counting centres), the bound is rounded up, as every solution's cost is
/// an integer.
///
/// # Complexity
/// O(K + m log m) for K covered pairs and m sites.
pub fn knapsack_cover_bound(problem: &CoverProblem<'_>, covered: &[bool], need: f64, integral_costs: bool) -> f64 {
    if need <= 0.0 {
        return 0.0;
    }
    let fixed = problem.fixed_mask();
    let mut items: Vec<(f64, f64)> = (0..problem.coverage.n_sites())
        .filter(|&s| problem.allowed[s] && !fixed[s])
        .filter_map(|s| {
            let g: f64 = problem
                .coverage
                .villages_of(s)
                .iter()
                .filter(|&&v| !covered[v as usize])
                .map(|&v| problem.weights[v as usize])
                .sum();
            (g > 0.0).then_some((g, problem.costs[s]))
        })
        .collect();
    // Best ratio first: free sites first, then by weight per unit cost. The ratio is a key per
    // item (g > 0 here; cost 0 gives +inf), so the order is total.
    let ratio = |&(g, c): &(f64, f64)| g / c;
    items.sort_by(|a, b| ratio(b).total_cmp(&ratio(a)).then(b.0.total_cmp(&a.0)));
    let mut left = need;
    let mut cost = 0.0;
    for (g, c) in items {
        if g >= left {
            cost += c * left / g;
            left = 0.0;
            break;
        }
        cost += c;
        left -= g;
    }
    if left > 0.0 {
        return f64::INFINITY;
    }
    if integral_costs {
        (cost - 1e-9).ceil().max(0.0)
    } else {
        cost
    }
}

/// The part of a covering problem that is still open once the fixed sites are open: which
/// villages are free (not yet covered but coverable) and which sites can still help.
pub(crate) struct Residual {
    /// Villages not covered by fixed sites but covered by at least one candidate site.
    pub free: Vec<bool>,
    /// Candidate sites: allowed, not fixed, covering at least one free village.
    pub sites: Vec<u32>,
    /// Weight still needed beyond what the fixed sites cover.
    pub need: f64,
}

impl Residual {
    pub(crate) fn new(problem: &CoverProblem<'_>, need: f64) -> Self {
        let cov = problem.coverage;
        let fixed = problem.fixed_mask();
        let by_fixed = cov.covered_by((0..cov.n_sites()).filter(|&s| fixed[s]));
        let fixed_w: f64 = by_fixed.iter().zip(&problem.weights).filter(|(c, _)| **c).map(|(_, w)| w).sum();
        let mut free = vec![false; cov.n_villages()];
        let mut sites = Vec::new();
        for (s, (&allowed, &is_fixed)) in problem.allowed.iter().zip(&fixed).enumerate() {
            if !allowed || is_fixed {
                continue;
            }
            let mut useful = false;
            for &v in cov.villages_of(s) {
                if !by_fixed[v as usize] {
                    free[v as usize] = true;
                    useful = true;
                }
            }
            if useful {
                sites.push(s as u32);
            }
        }
        Residual { free, sites, need: need - fixed_w }
    }
}

/// Lagrangian lower bound on the least cost of covering `need` weight (fixed sites are sunk).
///
/// Formulation: minimise Σ c_s x_s subject to Σ w_v y_v ≥ need and y_v ≤ Σ_{s ∋ v} x_s, with
/// binary x and y. Relaxing the linking constraints with multipliers λ_v ≥ 0 splits the problem
/// into a site part, Σ_s min(0, c_s − Σ_{v ∈ s} λ_v), and a village part, the cheapest way to pick
/// villages of total weight `need` at prices λ_v (exact by sorting for unit weights, its LP
/// relaxation otherwise — both keep the bound valid). Subgradient optimisation (Held, Wolfe &
/// Crowder 1974; step rule of Fisher 1981) maximises the bound; Beasley (1990, "A Lagrangian
/// heuristic for set-covering problems") uses the same relaxation for the full cover.
///
/// `upper` is the cost of a known solution (it scales the steps and stops the search once the
/// bound proves it optimal). With `integral_costs` the bound is rounded up.
///
/// Along the way, Beasley's Lagrangian heuristic turns relaxed solutions into plans: the sites
/// with negative reduced cost, completed greedily and pruned (the greedy of [`target_coverage`](super::target_coverage)). The cheapest
/// such plan is returned with the bound, and it tightens `upper` as the search goes.
///
/// # Complexity
/// O(iterations × (K + n log n)) time for K covered pairs and n villages, plus one greedy
/// completion every tenth iteration; O(n + m) space.
pub fn lagrangian_cover(
    problem: &CoverProblem<'_>,
    need: f64,
    upper: f64,
    integral_costs: bool,
    max_iterations: usize,
) -> LagrangianCover {
    lagrangian_cover_until(problem, need, upper, integral_costs, max_iterations, Stop::never())
}

/// [`lagrangian_cover`] that also stops, after its first iteration, when `stop` is reached (a
/// time limit or a cancellation); the bound returned is the best one found so far, which is
/// still valid (every Lagrangian value is a lower bound).
pub fn lagrangian_cover_until(
    problem: &CoverProblem<'_>,
    need: f64,
    upper: f64,
    integral_costs: bool,
    max_iterations: usize,
    stop: Stop<'_>,
) -> LagrangianCover {
    let res = Residual::new(problem, need);
    let mut out = LagrangianCover { bound: 0.0, primal: None, iterations: 0, stopped: false };
    if res.need <= 0.0 {
        return out;
    }
    let mut upper = upper;
    let cov = problem.coverage;
    let w = &problem.weights;
    let unit = w.iter().all(|&x| x == 1.0);
    let round = |b: f64| if integral_costs { (b - 1e-9).ceil().max(0.0) } else { b.max(0.0) };
    // Start from the better of 0 and a per-village share of the cheapest covering cost.
    let mut lambda = vec![0.0f64; cov.n_villages()];
    for &s in &res.sites {
        let s = s as usize;
        let k = cov.villages_of(s).iter().filter(|&&v| res.free[v as usize]).count().max(1) as f64;
        let share = problem.costs[s] / k;
        for &v in cov.villages_of(s) {
            let v = v as usize;
            if res.free[v] && (lambda[v] == 0.0 || share < lambda[v]) {
                lambda[v] = share;
            }
        }
    }
    let free_list: Vec<u32> = (0..cov.n_villages() as u32).filter(|&v| res.free[v as usize]).collect();
    let mut best = 0.0f64; // costs are ≥ 0, so 0 is always a valid bound
    let mut mu = 2.0;
    let mut since_improved = 0;
    let mut g = vec![0.0f64; cov.n_villages()];
    let mut order = free_list.clone();
    let free_weight: f64 = free_list.iter().map(|&v| w[v as usize]).sum();
    let stride = 10;
    for it in 0..max_iterations {
        if it > 0 && stop.reached() {
            out.stopped = true;
            break;
        }
        out.iterations += 1;
        // Site part.
        let mut value = 0.0;
        let mut relaxed_open: Vec<u32> = Vec::new();
        for &v in &free_list {
            g[v as usize] = 0.0;
        }
        // Reduced costs in parallel (each is independent), summed in site order so the result
        // does not depend on the thread count.
        let reduced: Vec<f64> = res
            .sites
            .par_iter()
            .with_min_len(4096)
            .map(|&s| {
                let s = s as usize;
                problem.costs[s]
                    - cov
                        .villages_of(s)
                        .iter()
                        .filter(|&&v| res.free[v as usize])
                        .map(|&v| lambda[v as usize])
                        .sum::<f64>()
            })
            .collect();
        for (&s, &r) in res.sites.iter().zip(&reduced) {
            if r < 0.0 {
                value += r;
                relaxed_open.push(s);
                for &v in cov.villages_of(s as usize) {
                    if res.free[v as usize] {
                        g[v as usize] -= 1.0;
                    }
                }
            }
        }
        // Village part: cheapest weight `need` at prices λ.
        // Price per unit weight as a key per village, so that the order is total (comparing
        // λ_a·w_b with λ_b·w_a is not when some weights are 0, e.g. villages of population 0
        // under a population target); weight-0 villages, which never count, go last.
        let price = |v: usize| if w[v] > 0.0 { lambda[v] / w[v] } else { f64::INFINITY };
        let by_price = |&a: &u32, &b: &u32| {
            let (a, b) = (a as usize, b as usize);
            price(a).total_cmp(&price(b)).then(a.cmp(&b))
        };
        let mut left = if unit { (res.need - 1e-9).ceil() } else { res.need };
        if left >= free_weight * (1.0 - 1e-9) {
            // Every free village counts (a full cover): the order does not matter.
        } else if unit && (left as usize) < order.len() && left >= 1.0 {
            // Unit weights: only the `left` cheapest matter; select them in linear time.
            order.select_nth_unstable_by(left as usize - 1, by_price);
            order[..left as usize].sort_unstable_by(by_price);
        } else {
            order.sort_unstable_by(by_price);
        }
        for &v in &order {
            if left <= 0.0 {
                break;
            }
            let v = v as usize;
            if w[v] <= 0.0 {
                continue;
            }
            let take = if w[v] <= left { 1.0 } else { left / w[v] };
            value += take * lambda[v];
            g[v] += take;
            left -= take * w[v];
        }
        if left > 1e-9 * res.need.abs().max(1.0) {
            out.bound = f64::INFINITY; // not even the relaxation can reach the need
            return out;
        }
        // Lagrangian heuristic: complete the relaxed solution into a plan.
        if it % stride == stride - 1 {
            let mut seeds = problem.fixed.clone();
            seeds.extend_from_slice(&relaxed_open);
            if let Some((open, _)) = greedy_complete(problem, &seeds, need) {
                let fixed = problem.fixed_mask();
                let cost: f64 = open
                    .iter()
                    .filter(|&&s| !fixed[s as usize])
                    .map(|&s| problem.costs[s as usize])
                    .fold(0.0, |a, b| a + b);
                if cost < upper - 1e-9 * upper.abs().max(1.0) {
                    upper = cost;
                    out.primal = Some((open, cost));
                }
            }
        }
        if value > best + 1e-12 * best.abs().max(1.0) {
            best = value;
            since_improved = 0;
        } else {
            since_improved += 1;
            if since_improved >= 20 {
                mu /= 2.0;
                since_improved = 0;
            }
        }
        if round(best) >= upper - 1e-9 * upper.abs().max(1.0) || mu < 1e-4 {
            break;
        }
        // Subgradient step (only on components that can move).
        let norm: f64 = free_list
            .iter()
            .map(|&v| {
                let gv = g[v as usize];
                if lambda[v as usize] <= 0.0 && gv < 0.0 {
                    0.0
                } else {
                    gv * gv
                }
            })
            .sum();
        if norm <= 0.0 {
            break; // the relaxed solution is feasible: its value is the optimum of the relaxation
        }
        let gap = (upper - value).max(1e-6 * upper.abs().max(1.0));
        let step = mu * gap / norm;
        for &v in &free_list {
            let v = v as usize;
            lambda[v] = (lambda[v] + step * g[v]).max(0.0);
        }
    }
    out.bound = round(best);
    out
}

/// Result of [`lagrangian_cover`].
#[derive(Debug, Clone)]
pub struct LagrangianCover {
    /// Proven lower bound on the cost of covering the need.
    pub bound: f64,
    /// The cheapest plan the Lagrangian heuristic found below the given upper bound, with its cost.
    pub primal: Option<(Vec<u32>, f64)>,
    /// Subgradient iterations run.
    pub iterations: u64,
    /// Whether the iterations were cut short by a time limit or a cancellation.
    pub stopped: bool,
}
