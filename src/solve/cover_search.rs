use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use super::cover_state::CoverState;
use super::problem::CoverProblem;
use crate::coverage::Coverage;
use crate::progress::Stop;

/// Budget and seeding of a local search.
#[derive(Debug, Clone)]
pub(crate) struct SearchParams<'a> {
    /// Iterations per chain.
    pub iterations: usize,
    /// Independent chains, run in parallel; their number is fixed (not the thread count), so the
    /// result does not depend on the machine.
    pub chains: usize,
    /// Base seed; chain `k` uses a stream derived from `(seed, k)`.
    pub seed: u64,
    /// Wall-clock deadline and cancel flag; reaching either ends the search early.
    pub deadline: Stop<'a>,
}

impl<'a> SearchParams<'a> {
    /// Iterations scaled to the instance: about 2·10⁸ elementary steps per chain, at least 50 and at
    /// most 4,000 iterations.
    pub fn scaled(coverage: &Coverage, seed: u64, deadline: Stop<'a>) -> Self {
        let work = (coverage.n_pairs() + coverage.n_sites() + 1) as f64;
        let iterations = (2.0e8 / work).clamp(50.0, 4000.0) as usize;
        SearchParams { iterations, chains: 4, seed, deadline }
    }
}

/// Outcome of a search: the best open set, its cost, iterations run, whether the deadline hit.
pub(crate) struct SearchResult {
    pub open: Vec<u32>,
    pub cost: f64,
    pub iterations: u64,
    pub timed_out: bool,
}

/// SplitMix64 step, to derive independent chain seeds from one seed.
pub(crate) fn derive_seed(seed: u64, k: u64) -> u64 {
    let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15u64.wrapping_mul(k.wrapping_add(1)));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Iterated local search for least-cost partial cover, from a feasible start.
///
/// Each iteration closes 1–3 random open sites (they may not reopen in that iteration), repairs
/// the coverage greedily by capped gain per cost, then closes every site that has become
/// redundant, most expensive first. A move is kept when the cost does not rise (plateaus are
/// allowed) and undone otherwise. Chains run in parallel from different seeds; the cheapest
/// result wins, ties to the lower chain. The search stops at `bound` (proven optimal).
pub(crate) fn improve_target(
    p: &CoverProblem<'_>,
    by_village: &Coverage,
    start: &[u32],
    need: f64,
    bound: f64,
    params: &SearchParams<'_>,
) -> SearchResult {
    let results: Vec<SearchResult> = (0..params.chains)
        .into_par_iter()
        .map(|k| target_chain(p, by_village, start, need, bound, params, derive_seed(params.seed, k as u64)))
        .collect();
    let iterations = results.iter().map(|r| r.iterations).sum();
    let timed_out = results.iter().any(|r| r.timed_out);
    let mut best = results
        .into_iter()
        .enumerate()
        .min_by(|a, b| a.1.cost.total_cmp(&b.1.cost).then(a.0.cmp(&b.0)))
        .map(|(_, r)| r);
    match best.take() {
        Some(mut r) => {
            r.iterations = iterations;
            r.timed_out = timed_out;
            r
        }
        None => SearchResult { open: start.to_vec(), cost: f64::INFINITY, iterations, timed_out },
    }
}

fn ratio(gain: f64, cost: f64) -> f64 {
    if cost <= 0.0 {
        f64::INFINITY
    } else {
        gain / cost
    }
}

fn target_chain(
    p: &CoverProblem<'_>,
    by_village: &Coverage,
    start: &[u32],
    need: f64,
    bound: f64,
    params: &SearchParams<'_>,
    seed: u64,
) -> SearchResult {
    let fixed = p.fixed_mask();
    let m = p.coverage.n_sites();
    let mut st = CoverState::new(p, by_village, start);
    let tol = 1e-9 * st.cost.abs().max(1.0);
    let mut best_cost = st.cost;
    let mut best_open = st.open_list();
    let mut current = st.cost;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let candidates: Vec<usize> =
        (0..m).filter(|&s| p.allowed[s] && !fixed[s] && !p.coverage.villages_of(s).is_empty()).collect();
    let mut tabu = vec![usize::MAX; m];
    let mut log: Vec<(usize, bool)> = Vec::new();
    let mut iterations = 0u64;
    let mut timed_out = false;
    for it in 0..params.iterations {
        if best_cost <= bound + tol {
            break;
        }
        if params.deadline.reached() {
            timed_out = true;
            break;
        }
        if it % 8 == 0 {
            params.deadline.tick(it as u64, params.iterations as u64);
        }
        iterations += 1;
        let mut movable: Vec<usize> = candidates.iter().copied().filter(|&s| st.open[s]).collect();
        if movable.is_empty() {
            break;
        }
        log.clear();
        let r = 1 + rng.random_range(0..movable.len().min(3));
        for k in 0..r {
            let j = rng.random_range(k..movable.len());
            movable.swap(k, j);
            let s = movable[k];
            st.close_site(s, true);
            log.push((s, false));
            tabu[s] = it;
        }
        // Repair by capped gain per cost.
        while st.covered < need {
            let left = need - st.covered;
            let mut pick: Option<(f64, usize)> = None;
            for &t in &candidates {
                if st.open[t] || tabu[t] == it || st.gain[t] <= 0.0 {
                    continue;
                }
                let key = ratio(st.gain[t].min(left), p.costs[t]);
                if pick.is_none_or(|(k, _)| key > k) {
                    pick = Some((key, t));
                }
            }
            let Some((_, t)) = pick else { break };
            st.open_site(t, true);
            log.push((t, true));
        }
        if st.covered >= need {
            // Close what has become redundant, most expensive first.
            let mut open_now: Vec<usize> = candidates.iter().copied().filter(|&s| st.open[s]).collect();
            open_now.sort_by(|&a, &b| p.costs[b].total_cmp(&p.costs[a]).then(b.cmp(&a)));
            for s in open_now {
                if st.covered - st.loss[s] >= need {
                    st.close_site(s, true);
                    log.push((s, false));
                }
            }
        }
        if st.covered >= need && st.cost <= current + tol {
            current = st.cost;
            if st.cost < best_cost - tol {
                best_cost = st.cost;
                best_open = st.open_list();
            }
        } else {
            for &(s, opened) in log.iter().rev() {
                if opened {
                    st.close_site(s, true);
                } else {
                    st.open_site(s, true);
                }
            }
        }
    }
    SearchResult { open: best_open, cost: best_cost, iterations, timed_out }
}
