//! Row-weighting local search for covering every village with the fewest sites (all at one cost).
//!
//! # Algorithm
//! Gao, Weise & Li (2015), "An efficient local search heuristic with row weighting for the unicost
//! set covering problem" (RWLS). From a cover, the search repeatedly drops the open site whose
//! villages are least missed, and whenever the sites cover every village it records the cover and
//! drops one more. Each step then closes the least-missed open site (not the one just opened),
//! picks an uncovered village at random and opens, among the sites reaching it, the one that
//! would cover the most uncovered *weight*. Villages weigh 1 at first, and every village left
//! uncovered after a step weighs one more, so villages that stay hard to cover pull the search
//! towards them (an open site is missed by the weight only it covers). Configuration checking
//! keeps a closed site out until one of its neighbours (a site sharing a village) changes.
//!
//! # Complexity
//! Each step O(|S| + d²) for |S| open sites and d the largest number of sites per village (or
//! villages per site); memory O(K) for K covered pairs.
//!
//! # Determinism
//! Seeded: the same seed gives the same cover. Ties go to the site changed longest ago, then to
//! the lower index.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::problem::CoverProblem;
use crate::coverage::Coverage;
use crate::progress::Stop;

/// Whether [`cover_every_village`] applies: no fixed site, every allowed site at the same positive
/// cost, and a target of (all but round-off of) the whole weight, all of it coverable.
pub(crate) fn applies(problem: &CoverProblem<'_>, need: f64) -> bool {
    let total = problem.total_weight();
    let mut costs = (0..problem.coverage.n_sites()).filter(|&s| problem.allowed[s]).map(|s| problem.costs[s]);
    let first = costs.next();
    problem.fixed.is_empty()
        && first.is_some_and(|c| c > 0.0)
        && costs.all(|c| Some(c) == first)
        && total > 0.0
        && need >= total * (1.0 - 1e-6)
        && problem.max_coverable() >= total * (1.0 - 1e-12)
}

/// The search state: open sites, how often each village is covered, village weights and site
/// scores (for an open site minus the weight only it covers; for a closed one the uncovered
/// weight it would cover).
struct Search<'a> {
    cols: &'a Coverage,
    rows: &'a Coverage,
    open: Vec<bool>,
    count: Vec<u32>,
    weight: Vec<u64>,
    score: Vec<i64>,
    stamp: Vec<u64>,
    can_add: Vec<bool>,
    /// Uncovered villages (that must be covered), with each one's position in the list.
    uncovered: Vec<u32>,
    position: Vec<usize>,
    /// Open sites, with each one's position in the list and its [`Search::key`] at that position.
    opened: Vec<u32>,
    slot: Vec<usize>,
    keys: Vec<u128>,
    n_open: usize,
}

impl<'a> Search<'a> {
    fn new(problem: &'a CoverProblem<'_>, rows: &'a Coverage, must: &[bool]) -> Self {
        let cols = problem.coverage;
        let (n, m) = (cols.n_villages(), cols.n_sites());
        let mut s = Search {
            cols,
            rows,
            open: vec![false; m],
            count: vec![0; n],
            weight: vec![1; n],
            score: vec![0; m],
            stamp: vec![0; m],
            can_add: vec![true; m],
            uncovered: Vec::new(),
            position: vec![usize::MAX; n],
            opened: Vec::new(),
            slot: vec![usize::MAX; m],
            keys: Vec::new(),
            n_open: 0,
        };
        for (v, &needed) in must.iter().enumerate() {
            if needed {
                s.position[v] = s.uncovered.len();
                s.uncovered.push(v as u32);
            } else {
                // Villages that need no cover count as covered for good.
                s.count[v] = u32::MAX / 2;
            }
        }
        for c in 0..m {
            if problem.allowed[c] {
                s.score[c] = cols.villages_of(c).iter().filter(|&&v| must[v as usize]).count() as i64;
            } else {
                s.can_add[c] = false;
            }
        }
        s
    }

    fn cover(&mut self, v: usize) {
        let k = self.position[v];
        let last = *self.uncovered.last().expect("an uncovered village is listed");
        self.uncovered.swap_remove(k);
        if last as usize != v {
            self.position[last as usize] = k;
        }
        self.position[v] = usize::MAX;
    }

    fn uncover(&mut self, v: usize) {
        self.position[v] = self.uncovered.len();
        self.uncovered.push(v as u32);
    }

    /// The open site covering `v`, when exactly one does.
    fn lone(&self, v: usize) -> usize {
        self.rows.villages_of(v).iter().map(|&c| c as usize).find(|&c| self.open[c]).expect("one open site covers it")
    }

    fn add(&mut self, c: usize, step: u64) {
        self.open[c] = true;
        self.n_open += 1;
        self.slot[c] = self.opened.len();
        self.opened.push(c as u32);
        self.keys.push(0);
        self.stamp[c] = step;
        let mut own = 0i64;
        for &v in self.cols.villages_of(c) {
            let v = v as usize;
            let w = self.weight[v] as i64;
            self.count[v] += 1;
            match self.count[v] {
                1 => {
                    self.cover(v);
                    own -= w;
                    for &d in self.rows.villages_of(v) {
                        if d as usize != c {
                            self.score[d as usize] -= w;
                        }
                    }
                }
                2 => {
                    let other = self.lone_other(v, c);
                    self.score[other] += w;
                    self.rekey(other);
                }
                _ => {}
            }
            for &d in self.rows.villages_of(v) {
                self.can_add[d as usize] = true;
            }
        }
        self.score[c] = own;
        self.rekey(c);
    }

    /// The other open site covering `v` (covered twice, once by `c`).
    fn lone_other(&self, v: usize, c: usize) -> usize {
        self.rows
            .villages_of(v)
            .iter()
            .map(|&d| d as usize)
            .find(|&d| d != c && self.open[d])
            .expect("a second open site covers it")
    }

    fn remove(&mut self, c: usize, step: u64) {
        self.open[c] = false;
        self.n_open -= 1;
        let k = self.slot[c];
        let last = *self.opened.last().expect("an open site is listed");
        self.opened.swap_remove(k);
        self.keys.swap_remove(k);
        if last as usize != c {
            self.slot[last as usize] = k;
        }
        self.slot[c] = usize::MAX;
        self.stamp[c] = step;
        let mut gain = 0i64;
        for &v in self.cols.villages_of(c) {
            let v = v as usize;
            let w = self.weight[v] as i64;
            self.count[v] -= 1;
            match self.count[v] {
                0 => {
                    self.uncover(v);
                    gain += w;
                    for &d in self.rows.villages_of(v) {
                        if d as usize != c {
                            self.score[d as usize] += w;
                        }
                    }
                }
                1 => {
                    let other = self.lone(v);
                    self.score[other] -= w;
                    self.rekey(other);
                }
                _ => {}
            }
            for &d in self.rows.villages_of(v) {
                self.can_add[d as usize] = true;
            }
        }
        self.score[c] = gain;
        self.can_add[c] = false;
    }

    /// The order of open sites for closing: higher score (less missed) first, then changed longer
    /// ago, then the lower index, packed into one integer so that the scan is a plain maximum.
    fn key(&self, c: usize) -> u128 {
        let score = (self.score[c] as i128 + (1i128 << 62)) as u128;
        let older = u128::from(u32::MAX - self.stamp[c].min(u64::from(u32::MAX)) as u32);
        let lower = u128::from(u32::MAX - c as u32);
        (score << 64) | (older << 32) | lower
    }

    /// Refresh the key of the open site `c`.
    fn rekey(&mut self, c: usize) {
        self.keys[self.slot[c]] = self.key(c);
    }

    /// The open site with the highest score (least missed), other than `not`; ties to the oldest,
    /// then the lower index.
    fn best_open(&self, not: Option<usize>) -> Option<usize> {
        let skip = not.map_or(usize::MAX, |c| self.slot[c]);
        let mut best: Option<(u128, usize)> = None;
        for (k, &key) in self.keys.iter().enumerate() {
            if k != skip && best.is_none_or(|(b, _)| key > b) {
                best = Some((key, k));
            }
        }
        best.map(|(_, k)| self.opened[k] as usize)
    }
}

/// Improve a cover of every village that must be covered (`applies` holds) by row-weighting
/// local search; stop after `steps` steps, at a cover of `floor` sites (a lower bound on their
/// number), or when `stop` is reached.
///
/// Returns the smallest cover found (ascending; the start when nothing smaller was found) and the
/// steps taken.
pub(crate) fn cover_every_village(
    problem: &CoverProblem<'_>,
    start: &[u32],
    floor: usize,
    steps: u64,
    seed: u64,
    stop: &Stop<'_>,
) -> (Vec<u32>, u64) {
    let cols = problem.coverage;
    let rows = cols.transpose();
    let must: Vec<bool> = problem.weights.iter().map(|&w| w > 0.0).collect();
    let mut s = Search::new(problem, &rows, &must);
    for &c in start {
        s.add(c as usize, 0);
    }
    let mut best: Vec<u32> = start.to_vec();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut tabu: Option<usize> = None;
    let mut step = 0u64;
    while step < steps && best.len() > floor {
        if step % 256 == 0 && stop.reached() {
            break;
        }
        step += 1;
        while s.uncovered.is_empty() {
            if s.n_open < best.len() {
                best = s.opened.clone();
                best.sort_unstable();
                if best.len() <= floor {
                    return (best, step);
                }
            }
            let Some(c) = s.best_open(None) else { break };
            s.remove(c, step);
        }
        // Close the least-missed site, then cover a random uncovered village by its best site.
        if let Some(c) = s.best_open(tabu) {
            s.remove(c, step);
        }
        if s.uncovered.is_empty() {
            break;
        }
        let v = s.uncovered[rng.random_range(0..s.uncovered.len())] as usize;
        let sites = rows.villages_of(v);
        let pick = |only_addable: bool| {
            sites.iter().map(|&c| c as usize).filter(|&c| problem.allowed[c] && (!only_addable || s.can_add[c])).max_by(
                |&a, &b| {
                    (s.score[a], std::cmp::Reverse(s.stamp[a]), std::cmp::Reverse(a)).cmp(&(
                        s.score[b],
                        std::cmp::Reverse(s.stamp[b]),
                        std::cmp::Reverse(b),
                    ))
                },
            )
        };
        let Some(c) = pick(true).or_else(|| pick(false)) else { break };
        s.add(c, step);
        tabu = Some(c);
        // The villages still uncovered weigh more.
        for k in 0..s.uncovered.len() {
            let v = s.uncovered[k] as usize;
            s.weight[v] += 1;
            for &d in rows.villages_of(v) {
                s.score[d as usize] += 1;
            }
        }
    }
    if s.uncovered.is_empty() && s.n_open < best.len() {
        best = s.opened.clone();
        best.sort_unstable();
    }
    (best, step)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::Control;

    fn check(s: &Search<'_>, must: &[bool]) {
        for (v, _) in must.iter().enumerate().filter(|(_, &m)| m) {
            let k = s.rows.villages_of(v).iter().filter(|&&c| s.open[c as usize]).count() as u32;
            assert_eq!(s.count[v], k, "count of {v}");
            assert_eq!(s.position[v] != usize::MAX, k == 0, "uncovered list at {v}");
        }
        for c in 0..s.open.len() {
            let want: i64 = if s.open[c] {
                -s.cols
                    .villages_of(c)
                    .iter()
                    .filter(|&&v| must[v as usize] && s.count[v as usize] == 1)
                    .map(|&v| s.weight[v as usize] as i64)
                    .sum::<i64>()
            } else {
                s.cols
                    .villages_of(c)
                    .iter()
                    .filter(|&&v| must[v as usize] && s.count[v as usize] == 0)
                    .map(|&v| s.weight[v as usize] as i64)
                    .sum::<i64>()
            };
            assert_eq!(s.score[c], want, "score of {c} (open {})", s.open[c]);
        }
        let listed: Vec<usize> = s.opened.iter().map(|&c| c as usize).collect();
        assert_eq!(listed.len(), s.open.iter().filter(|&&o| o).count());
        for (k, &c) in listed.iter().enumerate() {
            assert!(s.open[c] && s.slot[c] == k && s.keys[k] == s.key(c), "open list at {c}");
        }
    }

    /// `n` random points in a `side` metre square, each a site covering the points within `radius`.
    fn random_coverage(seed: u64, n: usize, side: f64, radius: f64) -> Coverage {
        let mut state = seed;
        let mut next = || {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (state >> 33) as f64 / (1u64 << 31) as f64
        };
        let pts: Vec<[f64; 2]> = (0..n).map(|_| [next() * side, next() * side]).collect();
        let m: Vec<f64> = (0..n * n)
            .map(|k| ((pts[k / n][0] - pts[k % n][0]).powi(2) + (pts[k / n][1] - pts[k % n][1]).powi(2)).sqrt())
            .collect();
        Coverage::from_matrix(&m, n, n, radius).unwrap()
    }

    #[test]
    fn incremental_scores_match_recomputation() {
        let n = 30;
        let cov = random_coverage(5, n, 4000.0, 1200.0);
        let p = CoverProblem::unit(&cov);
        let rows = cov.transpose();
        let must = vec![true; n];
        let mut s = Search::new(&p, &rows, &must);
        check(&s, &must);
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        for step in 1..400u64 {
            let c = rng.random_range(0..n);
            if s.open[c] {
                s.remove(c, step)
            } else {
                s.add(c, step)
            }
            check(&s, &must);
            if step % 7 == 0 {
                for k in 0..s.uncovered.len() {
                    let v = s.uncovered[k] as usize;
                    s.weight[v] += 1;
                    for &d in rows.villages_of(v) {
                        s.score[d as usize] += 1;
                    }
                }
                check(&s, &must);
            }
        }
        let _ = Control::current();
    }

    /// The fewest sites covering every village, by enumeration.
    fn fewest(cov: &Coverage) -> usize {
        let m = cov.n_sites();
        (0u32..1 << m)
            .filter(|mask| cov.covered_by((0..m).filter(|s| mask & (1 << s) != 0)).iter().all(|&c| c))
            .map(|mask| mask.count_ones() as usize)
            .min()
            .unwrap()
    }

    #[test]
    fn finds_the_smallest_cover_of_small_instances() {
        let control = Control::current();
        for seed in 0..20u64 {
            let n = 13;
            let cov = random_coverage(seed + 1, n, 5000.0, 1600.0);
            let p = CoverProblem::unit(&cov);
            assert!(applies(&p, n as f64));
            let start: Vec<u32> = (0..n as u32).collect();
            let (found, _) = cover_every_village(&p, &start, 0, 5_000, seed, &Stop::new(None, &control));
            assert!(cov.covered_by(found.iter().map(|&s| s as usize)).iter().all(|&c| c), "seed {seed}: not a cover");
            assert_eq!(found.len(), fewest(&cov), "seed {seed}");
            // The solver reaches the same size through its own pipeline.
            let sol = crate::solve::target_coverage(&p, 1.0, &crate::solve::SolveOptions::default()).unwrap();
            assert_eq!(sol.objective as usize, found.len(), "seed {seed}");
        }
        // Not for partial targets, unequal costs or fixed sites.
        let cov = Coverage::from_matrix(&[0.0, 1.0, 1.0, 0.0], 2, 2, 0.5).unwrap();
        let mut p = CoverProblem::unit(&cov);
        assert!(applies(&p, 2.0) && !applies(&p, 1.0));
        p.costs[1] = 2.0;
        assert!(!applies(&p, 2.0));
        p.costs[1] = 1.0;
        p.fixed = vec![0];
        assert!(!applies(&p, 2.0));
    }
}
