//! The vertex p-center problem on a cost matrix: radius search with a set-cover oracle.

use std::time::Instant;

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use super::lagrangian::{CoverDual, CoverSets};
use super::matrix::CostMatrix;
use super::pmedian::{check_p, check_sites, deadline_of};
use super::{Sense, Solution, SolveOptions, Status};
use crate::error::{Error, Result};
use crate::progress::{Control, Stop};

const NONE: u32 = u32::MAX;

/// Independent cover searches per radius probe (fixed, not the thread count).
const SEEDS_PER_PROBE: usize = 2;

/// Site rules and effort of a p-center problem (builder setters return `self`).
///
/// # Examples
/// ```
/// use villageplan::solve::CenterOptions;
/// let o = CenterOptions::default().fixed(vec![0]).forbidden(vec![4]).effort(2.0);
/// assert_eq!((o.fixed, o.forbidden, o.effort), (vec![0], vec![4], 2.0));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct CenterOptions {
    /// Sites open whatever the solver does (existing centres); they count towards `p`.
    pub fixed: Vec<u32>,
    /// Sites that may not open.
    pub forbidden: Vec<u32>,
    /// Multiplies the search budget (local-search steps per radius, branch-and-bound nodes); 1 by
    /// default.
    pub effort: f64,
}

impl Default for CenterOptions {
    fn default() -> Self {
        Self { fixed: Vec::new(), forbidden: Vec::new(), effort: 1.0 }
    }
}

impl CenterOptions {
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
    /// Search effort multiplier (> 0).
    pub fn effort(mut self, effort: f64) -> Self {
        self.effort = effort;
        self
    }
}

/// Smallest worst-case distance with exactly `p` open sites (the vertex p-center problem).
///
/// Equivalent to [`p_center_with`] with default [`CenterOptions`].
///
/// # Arguments
/// * `costs`: the demand × site cost matrix (`∞` for unreachable pairs).
/// * `p`: number of sites to open, `1 ≤ p ≤ n_sites`.
/// * `options`: seed and time limit.
///
/// # Returns
/// See [`p_center_with`].
///
/// # Errors
/// See [`p_center_with`].
///
/// # Complexity
/// See [`p_center_with`].
///
/// # Examples
/// ```
/// use villageplan::solve::{p_center, CostMatrix, SolveOptions, Status};
/// let costs = CostMatrix::from_fn(7, 7, |i, s| (i as f64 - s as f64).abs()).unwrap();
/// let sol = p_center(&costs, 2, &SolveOptions::default()).unwrap();
/// assert_eq!(sol.objective, 2.0); // e.g. sites 1 and 5 (or 2 and 5) reach every village within 2
/// assert_eq!(sol.status, Status::Optimal);
/// assert_eq!(sol.bound, 2.0);
/// ```
pub fn p_center(costs: &CostMatrix, p: usize, options: &SolveOptions) -> Result<Solution> {
    p_center_with(costs, p, &CenterOptions::default(), options)
}

/// Smallest worst-case distance with exactly `p` open sites, with fixed and forbidden sites.
///
/// Minimises `max_i min_{s open} c(i, s)`. The optimum is one of the matrix entries, so the solver
/// searches the sorted distinct entries for the smallest radius `r` at which `p` sites can cover
/// every row (the set-cover view of Minieka 1970 and Daskin 1995, "Network and Discrete Location",
/// ch. 5; Elloumi, Labbé & Pochet 2004, INFORMS J. Computing 16, for its strength):
/// 1. an initial solution by farthest-first traversal (Gonzalez 1985);
/// 2. a binary search over radii, where each probe first tries to *prove* that `r` is infeasible
///    with the Lagrangian set-cover bound (Beasley 1990, NRL 37: if the fewest sites covering every
///    row within `r` exceed `p`, no solution has radius ≤ `r`), and otherwise runs a row-weighting
///    swap local search for a cover with `p` sites (in the line of Pullan 2008, "A memetic genetic
///    algorithm for the vertex p-center problem", Evolutionary Computation 16, and Gao, Weise &
///    Li 2015 for unicost set cover), from the incumbent, with seeded ChaCha8 streams;
/// 3. a bound search that proves as many radii infeasible as it can;
/// 4. a small depth-first branch and bound on the set-cover decision problem just below the
///    incumbent radius, with the same Lagrangian bound at every node, which either finds a better
///    cover or proves the incumbent optimal.
///
/// The bound is the smallest radius not proven infeasible (never below
/// `max_i min_s c(i, s)`); the status is `optimal` only when it equals the objective. The result
/// depends only on the inputs and `options.seed`, never on the thread count, unless the time
/// limit cuts the search short.
///
/// # Arguments
/// * `costs`: the demand × site cost matrix (`∞` for unreachable pairs).
/// * `p`: number of sites to open, fixed ones included.
/// * `center`: fixed and forbidden sites, effort.
/// * `options`: seed and time limit (seconds).
///
/// # Returns
/// A [`Solution`] whose objective is the largest row-to-nearest-open-site distance, with the
/// open sites, each row's nearest open site, a proven lower bound, gap and status; `iterations`
/// counts local-search steps, subgradient iterations and branch-and-bound nodes.
///
/// # Errors
/// * [`Error::InvalidInput`] naming `p` (0, above the allowed sites, below the fixed sites),
///   `fixed` / `forbidden` (out of range, or both), `effort` or `time_limit`.
/// * [`Error::Infeasible`] when a row cannot be reached from any allowed site, or no set of `p`
///   sites found reaches every row.
///
/// # Complexity
/// O(n·m log(n·m)) to sort the distinct distances; each probe builds the cover lists in O(n·m)
/// and runs O(K) local-search steps of O(|cols(i)|·(|rows(s)| + p)) each and subgradient
/// iterations of O(pairs within r); O(n·m) memory for the sorted radii plus O(pairs) per probe.
///
/// # Examples
/// ```
/// use villageplan::solve::{p_center_with, CenterOptions, CostMatrix, SolveOptions, Status};
/// let costs = CostMatrix::from_fn(7, 7, |i, s| (i as f64 - s as f64).abs()).unwrap();
/// // Site 0 already exists and site 4 has no space: the second centre must be site 5.
/// let opts = CenterOptions::default().fixed(vec![0]).forbidden(vec![4]);
/// let sol = p_center_with(&costs, 2, &opts, &SolveOptions::default()).unwrap();
/// assert_eq!(sol.objective, 2.0); // village 2 is 2 from site 0; villages 3..=6 within 2 of site 5
/// assert_eq!(sol.open, vec![0, 5]);
/// assert_eq!(sol.status, Status::Optimal);
/// ```
pub fn p_center_with(costs: &CostMatrix, p: usize, center: &CenterOptions, options: &SolveOptions) -> Result<Solution> {
    let start = Instant::now();
    let control = Control::current();
    let deadline = deadline_of(start, options, &control)?;
    let effort = center.effort;
    if !(effort.is_finite() && effort > 0.0) {
        return Err(Error::param("effort", format!("effort must be a finite number > 0, got {effort}")));
    }
    let (n, m) = (costs.n_demand(), costs.n_sites());
    let (fixed, allowed) = check_sites(&center.fixed, &center.forbidden, m)?;
    check_p(p, &allowed, &fixed)?;
    let mut trivial = 0.0f64;
    for i in 0..n {
        let row = costs.row(i);
        let near = (0..m).filter(|&s| allowed[s]).map(|s| row[s]).fold(f64::INFINITY, f64::min);
        if near.is_infinite() {
            let ok = (0..n).filter(|&k| (0..m).any(|s| allowed[s] && costs.get(k, s).is_finite())).count();
            return Err(Error::Infeasible {
                reason: format!(
                    "row {i} cannot be reached from any allowed site (every cost is infinite); only {ok} of {n} rows are reachable. Allow a site that reaches it or drop the row"
                ),
                achievable: ok as f64 / n as f64,
            });
        }
        trivial = trivial.max(near);
    }
    let problem = Center::new(costs, p, fixed, allowed, trivial);
    let mut search = Search::new(&problem, options.seed, effort, deadline);
    search.run();
    control.check()?;
    search.finish(start)
}

/// The validated problem.
struct Center<'a> {
    costs: &'a CostMatrix,
    p: usize,
    fixed_sites: Vec<u32>,
    /// Candidate sites that are not fixed (the columns of every cover instance).
    free: Vec<u32>,
    /// Distance from each row to the nearest fixed site (∞ without fixed sites).
    fixed_dist: Vec<f64>,
    /// Sorted distinct finite entries ≥ the trivial bound (candidate radii).
    radii: Vec<f64>,
}

impl<'a> Center<'a> {
    fn new(costs: &'a CostMatrix, p: usize, fixed: Vec<bool>, allowed: Vec<bool>, trivial: f64) -> Self {
        let (n, m) = (costs.n_demand(), costs.n_sites());
        let fixed_sites: Vec<u32> = (0..m as u32).filter(|&s| fixed[s as usize]).collect();
        let free: Vec<u32> = (0..m as u32).filter(|&s| allowed[s as usize] && !fixed[s as usize]).collect();
        let fixed_dist = (0..n)
            .map(|i| fixed_sites.iter().map(|&s| costs.get(i, s as usize)).fold(f64::INFINITY, f64::min))
            .collect();
        let mut radii: Vec<f64> = Vec::new();
        for i in 0..n {
            let row = costs.row(i);
            radii.extend((0..m).filter(|&s| allowed[s]).map(|s| row[s]).filter(|c| c.is_finite() && *c >= trivial));
        }
        radii.sort_unstable_by(f64::total_cmp);
        radii.dedup();
        Self { costs, p, fixed_sites, free, fixed_dist, radii }
    }

    /// Sites needed beyond the fixed ones.
    fn k(&self) -> usize {
        self.p - self.fixed_sites.len()
    }

    /// The cover instance at radius `r`: rows not within `r` of a fixed site (compact indices,
    /// with their original index) × free sites.
    fn cover_at(&self, r: f64) -> (CoverSets, Vec<u32>) {
        let n = self.costs.n_demand();
        let mut rows = Vec::new();
        let mut orig = Vec::new();
        for i in 0..n {
            if self.fixed_dist[i] <= r {
                continue;
            }
            let row = self.costs.row(i);
            let cols: Vec<u32> =
                self.free.iter().enumerate().filter(|(_, &s)| row[s as usize] <= r).map(|(c, _)| c as u32).collect();
            rows.push(cols);
            orig.push(i as u32);
        }
        (CoverSets::from_rows(self.free.len(), &rows), orig)
    }

    /// Largest distance from a row to its nearest open site.
    fn radius_of(&self, open: &[u32]) -> f64 {
        (0..self.costs.n_demand())
            .map(|i| {
                let row = self.costs.row(i);
                open.iter().map(|&s| row[s as usize]).fold(f64::INFINITY, f64::min)
            })
            .fold(0.0, f64::max)
    }

    /// Index of the smallest candidate radius ≥ `r`.
    fn index_of(&self, r: f64) -> usize {
        self.radii.partition_point(|&x| x < r)
    }
}

/// A cover instance after the classical reductions (Toregas et al. 1971; Garfinkel & Nemhauser
/// 1972): columns whose rows another column also covers are dropped, rows whose columns include
/// all columns of another row are dropped (covering the smaller row covers them), and a row left
/// with a single column forces that column. Repeated until nothing changes. A cover of the
/// reduced instance plus the forced columns covers the original, and the reduced instance needs
/// a cover of at most `k − forced` columns exactly when the original needs one of at most `k`.
struct Reduced {
    /// The reduced instance (compact rows and columns).
    sets: CoverSets,
    /// Reduced column → column of the original instance.
    cols: Vec<u32>,
    /// Original columns forced into every cover.
    forced: Vec<u32>,
    /// Proven that no cover with `k` columns exists (a row without columns, or too many forced).
    infeasible: bool,
}

fn words(n: usize) -> usize {
    n.div_ceil(64)
}

#[inline]
fn subset(a: &[u64], b: &[u64]) -> bool {
    a.iter().zip(b).all(|(x, y)| x & !y == 0)
}

fn reduce(sets: &CoverSets, k: usize) -> Reduced {
    let (n, m) = (sets.n_rows, sets.n_cols);
    let (wr, wc) = (words(n), words(m));
    let mut rowbits = vec![0u64; n * wc];
    let mut colbits = vec![0u64; m * wr];
    for i in 0..n {
        for &c in sets.cols_of(i) {
            rowbits[i * wc + c as usize / 64] |= 1 << (c % 64);
            colbits[c as usize * wr + i / 64] |= 1 << (i % 64);
        }
    }
    let mut row_alive = vec![true; n];
    let mut col_alive = vec![true; m];
    let mut forced: Vec<u32> = Vec::new();
    let kill_row = |i: usize, colbits: &mut [u64], rowbits: &[u64]| {
        for w in 0..wc {
            let mut bits = rowbits[i * wc + w];
            while bits != 0 {
                let c = w * 64 + bits.trailing_zeros() as usize;
                bits &= bits - 1;
                colbits[c * wr + i / 64] &= !(1 << (i % 64));
            }
        }
    };
    let kill_col = |c: usize, rowbits: &mut [u64], colbits: &[u64]| {
        for w in 0..wr {
            let mut bits = colbits[c * wr + w];
            while bits != 0 {
                let i = w * 64 + bits.trailing_zeros() as usize;
                bits &= bits - 1;
                rowbits[i * wc + c / 64] &= !(1 << (c % 64));
            }
        }
    };
    let count = |b: &[u64]| b.iter().map(|x| x.count_ones()).sum::<u32>();
    let mut infeasible = false;
    loop {
        let mut changed = false;
        // Rows with zero or one column.
        for i in 0..n {
            if !row_alive[i] {
                continue;
            }
            let bits = &rowbits[i * wc..(i + 1) * wc];
            match count(bits) {
                0 => {
                    infeasible = true;
                }
                1 => {
                    let w = bits.iter().position(|&x| x != 0).unwrap_or(0);
                    let c = w * 64 + bits[w].trailing_zeros() as usize;
                    forced.push(c as u32);
                    // Its rows are covered: drop them, then the column.
                    let rows: Vec<usize> = (0..n).filter(|&r| colbits[c * wr + r / 64] >> (r % 64) & 1 == 1).collect();
                    for r in rows {
                        row_alive[r] = false;
                        kill_row(r, &mut colbits, &rowbits);
                    }
                    col_alive[c] = false;
                    kill_col(c, &mut rowbits, &colbits);
                    changed = true;
                }
                _ => {}
            }
        }
        if infeasible || forced.len() > k {
            infeasible = true;
            break;
        }
        // Dominated columns.
        let mut order: Vec<(u32, usize)> =
            (0..m).filter(|&c| col_alive[c]).map(|c| (count(&colbits[c * wr..(c + 1) * wr]), c)).collect();
        order.sort_unstable();
        for a in 0..order.len() {
            let (ca, c) = order[a];
            if !col_alive[c] {
                continue;
            }
            let dominated = ca == 0
                || order[a + 1..].iter().any(|&(_, d)| {
                    col_alive[d] && subset(&colbits[c * wr..(c + 1) * wr], &colbits[d * wr..(d + 1) * wr])
                })
                || order[..a].iter().any(|&(cb, d)| {
                    cb == ca && d < c && col_alive[d] && colbits[c * wr..(c + 1) * wr] == colbits[d * wr..(d + 1) * wr]
                });
            if dominated {
                col_alive[c] = false;
                kill_col(c, &mut rowbits, &colbits);
                changed = true;
            }
        }
        // Dominated rows.
        let mut order: Vec<(u32, usize)> =
            (0..n).filter(|&i| row_alive[i]).map(|i| (count(&rowbits[i * wc..(i + 1) * wc]), i)).collect();
        order.sort_unstable();
        for a in (0..order.len()).rev() {
            let (ca, i) = order[a];
            if !row_alive[i] {
                continue;
            }
            let bi = &rowbits[i * wc..(i + 1) * wc];
            let dominated = order[..a]
                .iter()
                .any(|&(cb, r)| row_alive[r] && (cb < ca || r < i) && subset(&rowbits[r * wc..(r + 1) * wc], bi));
            if dominated {
                row_alive[i] = false;
                kill_row(i, &mut colbits, &rowbits);
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let cols: Vec<u32> = (0..m as u32).filter(|&c| col_alive[c as usize]).collect();
    let mut index = vec![NONE; m];
    for (k, &c) in cols.iter().enumerate() {
        index[c as usize] = k as u32;
    }
    let rows: Vec<Vec<u32>> = (0..n)
        .filter(|&i| row_alive[i])
        .map(|i| sets.cols_of(i).iter().filter(|&&c| col_alive[c as usize]).map(|&c| index[c as usize]).collect())
        .collect();
    Reduced { sets: CoverSets::from_rows(cols.len(), &rows), cols, forced, infeasible }
}

/// Depth-first branch and bound for "can `k` columns cover every row?" on a reduced instance.
///
/// Branches on the uncovered row with the fewest available columns (each child takes one of its
/// columns and excludes the columns of the earlier children), ordered by how many uncovered rows
/// the column covers. A node is pruned when a set of uncovered rows that share no available
/// column (a packing: each needs its own column) is larger than the columns left, or when the
/// Lagrangian bound `Σ u_i + Σ_c min(0, 1 − Σ_{i ∈ c} u_i)` over the uncovered rows and
/// available columns (valid for every `u ≥ 0`; a few subgradient steps from the parent's
/// multipliers) exceeds them. With one column left the test is exact.
struct CoverBnb<'a> {
    sets: &'a CoverSets,
    wr: usize,
    wc: usize,
    colbits: Vec<u64>,
    rowbits: Vec<u64>,
    nodes: u64,
    limit: u64,
    deadline: Stop<'a>,
    found: Option<Vec<u32>>,
}

impl<'a> CoverBnb<'a> {
    fn new(sets: &'a CoverSets, limit: u64, deadline: Stop<'a>) -> Self {
        let (n, m) = (sets.n_rows, sets.n_cols);
        let (wr, wc) = (words(n), words(m));
        let mut rowbits = vec![0u64; n * wc];
        let mut colbits = vec![0u64; m * wr];
        for i in 0..n {
            for &c in sets.cols_of(i) {
                rowbits[i * wc + c as usize / 64] |= 1 << (c % 64);
                colbits[c as usize * wr + i / 64] |= 1 << (i % 64);
            }
        }
        Self { sets, wr, wc, colbits, rowbits, nodes: 0, limit, deadline, found: None }
    }

    /// `Some(true)`: a cover was found (in `found`); `Some(false)`: proven impossible; `None`:
    /// the node limit or the deadline was reached.
    fn solve(&mut self, k: usize, u: &[f64]) -> Option<bool> {
        let covered = vec![0u64; self.wr];
        let excluded = vec![0u64; self.wc];
        let mut chosen = Vec::with_capacity(k);
        let mut u = u.to_vec();
        self.node(&covered, &mut excluded.clone(), &mut chosen, k, &mut u)
    }

    fn node(
        &mut self,
        covered: &[u64],
        excluded: &mut [u64],
        chosen: &mut Vec<u32>,
        k: usize,
        u: &mut [f64],
    ) -> Option<bool> {
        self.nodes += 1;
        if self.nodes > self.limit || (self.nodes % 256 == 0 && self.deadline.reached()) {
            return None;
        }
        let (n, wc, wr) = (self.sets.n_rows, self.wc, self.wr);
        let uncovered: Vec<usize> = (0..n).filter(|&i| covered[i / 64] >> (i % 64) & 1 == 0).collect();
        if uncovered.is_empty() {
            self.found = Some(chosen.clone());
            return Some(true);
        }
        if k == 0 {
            return Some(false);
        }
        let avail = |i: usize, rowbits: &[u64]| -> u32 {
            (0..wc).map(|w| (rowbits[i * wc + w] & !excluded[w]).count_ones()).sum()
        };
        let mut by_avail: Vec<(u32, usize)> = uncovered.iter().map(|&i| (avail(i, &self.rowbits), i)).collect();
        by_avail.sort_unstable();
        if by_avail[0].0 == 0 {
            return Some(false);
        }
        if k == 1 {
            let mut both: Vec<u64> = (0..wc).map(|w| !excluded[w]).collect();
            for &i in &uncovered {
                for (w, b) in both.iter_mut().enumerate() {
                    *b &= self.rowbits[i * wc + w];
                }
            }
            return match both.iter().position(|&b| b != 0) {
                Some(w) => {
                    chosen.push((w * 64) as u32 + both[w].trailing_zeros());
                    self.found = Some(chosen.clone());
                    chosen.pop();
                    Some(true)
                }
                None => Some(false),
            };
        }
        // Packing bound.
        let mut union = vec![0u64; wc];
        let mut packed = 0usize;
        for &(_, i) in &by_avail {
            let row = &self.rowbits[i * wc..(i + 1) * wc];
            if (0..wc).all(|w| row[w] & !excluded[w] & union[w] == 0) {
                packed += 1;
                for w in 0..wc {
                    union[w] |= row[w] & !excluded[w];
                }
                if packed > k {
                    return Some(false);
                }
            }
        }
        // Lagrangian bound over the uncovered rows and available columns.
        if self.lagrangian(covered, excluded, &uncovered, k, u) {
            return Some(false);
        }
        // Branch on the most constrained row.
        let b = by_avail[0].1;
        let mut cols: Vec<(u32, u32)> = Vec::new();
        for (w, &ex) in excluded.iter().enumerate() {
            let mut bits = self.rowbits[b * wc + w] & !ex;
            while bits != 0 {
                let c = w * 64 + bits.trailing_zeros() as usize;
                bits &= bits - 1;
                let gain: u32 = (0..wr).map(|x| (self.colbits[c * wr + x] & !covered[x]).count_ones()).sum();
                cols.push((gain, c as u32));
            }
        }
        cols.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut result = Some(false);
        let mut done = Vec::new();
        for &(_, c) in &cols {
            let next: Vec<u64> = (0..wr).map(|x| covered[x] | self.colbits[c as usize * wr + x]).collect();
            chosen.push(c);
            let mut child_u = u.to_vec();
            let r = self.node(&next, excluded, chosen, k - 1, &mut child_u);
            chosen.pop();
            match r {
                Some(false) => {}
                other => {
                    result = other;
                    break;
                }
            }
            excluded[c as usize / 64] |= 1 << (c % 64);
            done.push(c);
        }
        for c in done {
            excluded[c as usize / 64] &= !(1 << (c % 64));
        }
        result
    }

    /// A few subgradient steps of the set-cover bound restricted to the node; true when it proves
    /// that `k` columns cannot cover the uncovered rows.
    fn lagrangian(&self, covered: &[u64], excluded: &[u64], uncovered: &[usize], k: usize, u: &mut [f64]) -> bool {
        let m = self.sets.n_cols;
        let wr = self.wr;
        let avail: Vec<usize> = (0..m).filter(|&c| excluded[c / 64] >> (c % 64) & 1 == 0).collect();
        let mut reduced = vec![0.0; m];
        let mut grad = vec![0.0; self.sets.n_rows];
        let mut alpha = 1.0;
        let mut best = f64::NEG_INFINITY;
        for _ in 0..12 {
            let mut value: f64 = uncovered.iter().map(|&i| u[i]).sum();
            for &c in &avail {
                let mut sum = 0.0;
                for (x, &cov) in covered.iter().enumerate() {
                    let mut bits = self.colbits[c * wr + x] & !cov;
                    while bits != 0 {
                        let i = x * 64 + bits.trailing_zeros() as usize;
                        bits &= bits - 1;
                        sum += u[i];
                    }
                }
                reduced[c] = 1.0 - sum;
                if reduced[c] < 0.0 {
                    value += reduced[c];
                }
            }
            best = best.max(value);
            if best > k as f64 + 1e-7 {
                return true;
            }
            let mut norm = 0.0;
            for &i in uncovered {
                let x = self
                    .sets
                    .cols_of(i)
                    .iter()
                    .filter(|&&c| excluded[c as usize / 64] >> (c % 64) & 1 == 0 && reduced[c as usize] < 0.0);
                let g = 1.0 - x.count() as f64;
                let g = if u[i] <= 0.0 && g < 0.0 { 0.0 } else { g };
                grad[i] = g;
                norm += g * g;
            }
            if norm == 0.0 {
                return false;
            }
            let t = alpha * (k as f64 + 1.0 - value).max(1e-3) / norm;
            for &i in uncovered {
                u[i] = (u[i] + t * grad[i]).max(0.0);
            }
            alpha *= 0.8;
        }
        false
    }
}

/// Farthest-first traversal (Gonzalez 1985) from the fixed sites (or the best single site).
fn farthest_first(c: &Center<'_>) -> Vec<u32> {
    let costs = c.costs;
    let n = costs.n_demand();
    let mut open = c.fixed_sites.clone();
    let mut is_open = vec![false; costs.n_sites()];
    for &s in &open {
        is_open[s as usize] = true;
    }
    let mut dist = c.fixed_dist.clone();
    if open.is_empty() {
        // The 1-center among the free sites.
        let best = c
            .free
            .iter()
            .copied()
            .map(|s| ((0..n).map(|i| costs.get(i, s as usize)).fold(0.0, f64::max), s))
            .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        if let Some((_, s)) = best {
            open.push(s);
            is_open[s as usize] = true;
            for (i, d) in dist.iter_mut().enumerate() {
                *d = d.min(costs.get(i, s as usize));
            }
        }
    }
    while open.len() < c.p {
        let far = (0..n).max_by(|&a, &b| dist[a].total_cmp(&dist[b]).then(b.cmp(&a))).unwrap_or(0);
        let row = costs.row(far);
        let pick = c
            .free
            .iter()
            .copied()
            .filter(|&s| !is_open[s as usize])
            .min_by(|&a, &b| row[a as usize].total_cmp(&row[b as usize]).then(a.cmp(&b)));
        let Some(s) = pick else { break };
        open.push(s);
        is_open[s as usize] = true;
        for (i, d) in dist.iter_mut().enumerate() {
            *d = d.min(costs.get(i, s as usize));
        }
    }
    open.sort_unstable();
    open
}

/// Row-weighting swap local search for "cover every row with exactly k columns".
struct CoverSearch<'a> {
    sets: &'a CoverSets,
    chosen: Vec<u32>,
    pos: Vec<u32>,
    cnt: Vec<u32>,
    who: Vec<u32>,
    weight: Vec<u64>,
    loss: Vec<u64>,
    uncovered: Vec<u32>,
    upos: Vec<u32>,
    common: Vec<u64>,
    tabu_until: Vec<u64>,
    steps: u64,
}

impl<'a> CoverSearch<'a> {
    fn new(sets: &'a CoverSets, start: &[u32]) -> Self {
        let (n, m) = (sets.n_rows, sets.n_cols);
        let mut me = Self {
            sets,
            chosen: Vec::with_capacity(start.len()),
            pos: vec![NONE; m],
            cnt: vec![0; n],
            who: vec![0; n],
            weight: vec![1; n],
            loss: vec![0; m],
            uncovered: (0..n as u32).collect(),
            upos: (0..n as u32).collect(),
            common: vec![0; m],
            tabu_until: vec![0; m],
            steps: 0,
        };
        for &c in start {
            me.add(c);
        }
        me
    }

    fn drop_uncovered(&mut self, i: u32) {
        let k = self.upos[i as usize] as usize;
        let last = self.uncovered.pop().unwrap_or(i);
        if last != i {
            self.uncovered[k] = last;
            self.upos[last as usize] = k as u32;
        }
        self.upos[i as usize] = NONE;
    }

    fn add(&mut self, c: u32) {
        self.pos[c as usize] = self.chosen.len() as u32;
        self.chosen.push(c);
        self.loss[c as usize] = 0;
        for &i in self.sets.rows_of(c as usize) {
            let iu = i as usize;
            match self.cnt[iu] {
                0 => {
                    self.loss[c as usize] += self.weight[iu];
                    self.drop_uncovered(i);
                }
                1 => {
                    let u = self.who[iu] as usize;
                    self.loss[u] -= self.weight[iu];
                }
                _ => {}
            }
            self.cnt[iu] += 1;
            self.who[iu] ^= c;
        }
    }

    fn remove(&mut self, c: u32) {
        let k = self.pos[c as usize] as usize;
        let last = self.chosen.pop().unwrap_or(c);
        if last != c {
            self.chosen[k] = last;
            self.pos[last as usize] = k as u32;
        }
        self.pos[c as usize] = NONE;
        for &i in self.sets.rows_of(c as usize) {
            let iu = i as usize;
            self.cnt[iu] -= 1;
            self.who[iu] ^= c;
            match self.cnt[iu] {
                0 => {
                    self.upos[iu] = self.uncovered.len() as u32;
                    self.uncovered.push(i);
                }
                1 => {
                    let u = self.who[iu] as usize;
                    self.loss[u] += self.weight[iu];
                }
                _ => {}
            }
        }
    }

    /// Search until every row is covered (true) or `max_steps` pass.
    fn run(&mut self, rng: &mut ChaCha8Rng, max_steps: u64, deadline: Stop<'_>) -> bool {
        let sets = self.sets;
        let mut touched: Vec<u32> = Vec::new();
        for _ in 0..max_steps {
            if self.uncovered.is_empty() {
                return true;
            }
            if self.chosen.is_empty() {
                return false;
            }
            self.steps += 1;
            if self.steps % 1024 == 0 && deadline.reached() {
                return false;
            }
            let i = self.uncovered[rng.random_range(0..self.uncovered.len())] as usize;
            let mut best: Option<(i64, u32, u32)> = None;
            let mut ties = 0u32;
            for &t in sets.cols_of(i) {
                if self.tabu_until[t as usize] > self.steps {
                    continue;
                }
                let mut gain = 0i64;
                for &r in sets.rows_of(t as usize) {
                    let ru = r as usize;
                    match self.cnt[ru] {
                        0 => gain += self.weight[ru] as i64,
                        1 => {
                            let u = self.who[ru];
                            if self.common[u as usize] == 0 {
                                touched.push(u);
                            }
                            self.common[u as usize] += self.weight[ru];
                        }
                        _ => {}
                    }
                }
                for &s in &self.chosen {
                    let score = gain - self.loss[s as usize] as i64 + self.common[s as usize] as i64;
                    let better = match best {
                        None => true,
                        Some((b, _, _)) if score > b => {
                            ties = 0;
                            true
                        }
                        Some((b, _, _)) if score == b => {
                            ties += 1;
                            rng.random_range(0..=ties) == 0
                        }
                        _ => false,
                    };
                    if better {
                        best = Some((score, s, t));
                    }
                }
                for &u in &touched {
                    self.common[u as usize] = 0;
                }
                touched.clear();
            }
            let (s, t) = match best {
                Some((_, s, t)) => (s, t),
                None => {
                    let cols = sets.cols_of(i);
                    if cols.is_empty() {
                        return false;
                    }
                    (self.chosen[rng.random_range(0..self.chosen.len())], cols[rng.random_range(0..cols.len())])
                }
            };
            self.remove(s);
            self.add(t);
            self.tabu_until[s as usize] = self.steps + 2;
            for &u in &self.uncovered {
                self.weight[u as usize] += 1;
            }
        }
        self.uncovered.is_empty()
    }
}

/// State of the radius search.
struct Search<'a, 'b> {
    c: &'a Center<'b>,
    seed: u64,
    effort: f64,
    deadline: Stop<'a>,
    /// Best open sites and the index of their radius.
    best: Vec<u32>,
    hi: usize,
    /// Every radius below index `lo` is proven infeasible.
    lo: usize,
    /// Per radius index: `Some(true)` proven infeasible, `Some(false)` tried and not proven.
    proofs: Vec<Option<bool>>,
    probes: u64,
    iterations: u64,
    timed_out: bool,
    cache: Option<(usize, std::rc::Rc<Reduced>)>,
}

impl<'a, 'b> Search<'a, 'b> {
    fn new(c: &'a Center<'b>, seed: u64, effort: f64, deadline: Stop<'a>) -> Self {
        let best = farthest_first(c);
        let hi = c.index_of(c.radius_of(&best));
        Self {
            c,
            seed,
            effort,
            deadline,
            best,
            hi,
            lo: 0,
            proofs: vec![None; c.radii.len()],
            probes: 0,
            iterations: 0,
            timed_out: false,
            cache: None,
        }
    }

    fn timed(&mut self) -> bool {
        if self.deadline.reached() {
            self.timed_out = true;
        }
        self.timed_out
    }

    /// The reduced cover instance at radius index `j` (cached for the last index asked).
    fn reduced(&mut self, j: usize) -> std::rc::Rc<Reduced> {
        if let Some((cj, red)) = &self.cache {
            if *cj == j {
                return red.clone();
            }
        }
        let (sets, _) = self.c.cover_at(self.c.radii[j]);
        let red = std::rc::Rc::new(reduce(&sets, self.c.k()));
        self.cache = Some((j, red.clone()));
        red
    }

    /// Try to prove radius index `j` infeasible with the Lagrangian set-cover bound.
    fn prove(&mut self, j: usize) -> bool {
        if let Some(done) = self.proofs[j] {
            return done;
        }
        let red = self.reduced(j);
        let k = self.c.k();
        let proven = if red.infeasible {
            true
        } else if red.sets.n_rows == 0 {
            false
        } else if red.forced.len() >= k {
            true
        } else {
            let kr = k - red.forced.len();
            let mut dual = CoverDual::new(&red.sets);
            let lb = dual.run(&red.sets, kr, (600.0 * self.effort) as u64, self.deadline);
            self.iterations += dual.iterations;
            lb > kr as f64 + 1e-7
        };
        self.proofs[j] = Some(proven);
        if proven {
            self.lo = self.lo.max(j + 1);
        }
        proven
    }

    /// Turn free-column indices into a full set of p open sites (fixed sites, then the given
    /// columns, then unused free sites in index order if fewer than k).
    fn open_from(&self, cols: &[u32]) -> Vec<u32> {
        let k = self.c.k();
        let mut used = vec![false; self.c.free.len()];
        let mut open = self.c.fixed_sites.clone();
        for &c in cols {
            if !used[c as usize] && open.len() < self.c.p {
                used[c as usize] = true;
                open.push(self.c.free[c as usize]);
            }
        }
        let mut c = 0;
        while open.len() < self.c.fixed_sites.len() + k && c < used.len() {
            if !used[c] {
                used[c] = true;
                open.push(self.c.free[c]);
            }
            c += 1;
        }
        open
    }

    /// Look for `p` sites covering every row within radius index `j`; on success record them.
    fn improve(&mut self, j: usize) -> bool {
        let red = self.reduced(j);
        let k = self.c.k();
        if red.infeasible || red.forced.len() > k {
            self.proofs[j] = Some(true);
            self.lo = self.lo.max(j + 1);
            return false;
        }
        if red.sets.n_rows == 0 {
            let open = self.open_from(&red.forced);
            return self.accept(open);
        }
        let kr = k - red.forced.len();
        if kr == 0 {
            return false;
        }
        // Start from the incumbent's sites that survive the reduction, filled greedily.
        let mut index = vec![NONE; self.c.free.len()];
        for (rc, &c) in red.cols.iter().enumerate() {
            index[c as usize] = rc as u32;
        }
        let mut taken = vec![false; red.sets.n_cols];
        let mut start: Vec<u32> = Vec::with_capacity(kr);
        for &s in &self.best {
            if let Ok(c) = self.c.free.binary_search(&s) {
                let rc = index[c];
                if rc != NONE && !taken[rc as usize] && start.len() < kr {
                    taken[rc as usize] = true;
                    start.push(rc);
                }
            }
        }
        let mut by_size: Vec<usize> = (0..red.sets.n_cols).collect();
        by_size.sort_by_key(|&c| std::cmp::Reverse(red.sets.rows_of(c).len()));
        for c in by_size {
            if start.len() >= kr {
                break;
            }
            if !taken[c] {
                taken[c] = true;
                start.push(c as u32);
            }
        }
        if start.len() < kr {
            // Fewer useful columns than sites: every column is in; check directly.
            let mut cols: Vec<u32> = red.forced.clone();
            cols.extend(start.iter().map(|&rc| red.cols[rc as usize]));
            let open = self.open_from(&cols);
            return self.accept(open);
        }
        let steps = (self.effort * (20_000.0 + 40.0 * (red.sets.n_rows + red.sets.n_cols) as f64)) as u64;
        let probe = self.probes;
        self.probes += 1;
        let (seed, deadline) = (self.seed, self.deadline);
        let sets = &red.sets;
        let results: Vec<(bool, Vec<u32>, u64)> = (0..SEEDS_PER_PROBE)
            .into_par_iter()
            .map(|t| {
                let mut rng = ChaCha8Rng::seed_from_u64(stream_seed(seed, probe, t as u64));
                let mut ls = CoverSearch::new(sets, &start);
                let ok = ls.run(&mut rng, steps, deadline);
                (ok, ls.chosen.clone(), ls.steps)
            })
            .collect();
        let mut found = None;
        for (ok, chosen, steps) in results {
            self.iterations += steps;
            if ok && found.is_none() {
                found = Some(chosen);
            }
        }
        match found {
            Some(chosen) => {
                let mut cols: Vec<u32> = red.forced.clone();
                cols.extend(chosen.iter().map(|&rc| red.cols[rc as usize]));
                let open = self.open_from(&cols);
                self.accept(open)
            }
            None => false,
        }
    }

    fn accept(&mut self, mut open: Vec<u32>) -> bool {
        open.sort_unstable();
        let j = self.c.index_of(self.c.radius_of(&open));
        if j < self.hi {
            self.hi = j;
            self.best = open;
            true
        } else {
            false
        }
    }

    fn run(&mut self) {
        // Phase 1: binary search with proofs first, then the local search.
        let mut lo = 0usize;
        while lo < self.hi && !self.timed() {
            let mid = (lo + self.hi) / 2;
            // Proven infeasible, or no cover found: search the larger radii.
            if self.prove(mid) || !self.improve(mid) {
                lo = mid + 1;
            }
        }
        // Phase 2: push the proven bound up towards the incumbent.
        let mut lo = self.lo;
        let mut top = self.hi;
        while lo < top && !self.timed() {
            let mid = (lo + top) / 2;
            if self.prove(mid) {
                lo = mid + 1;
            } else {
                top = mid;
            }
        }
        // Phase 3: branch and bound just below the incumbent: a cover there improves it, a proof
        // of infeasibility closes the gap.
        while self.lo < self.hi && !self.timed() {
            match self.exact(self.hi - 1) {
                Some(true) => continue,
                Some(false) => {
                    self.lo = self.hi;
                }
                None => break,
            }
        }
    }

    /// Decide radius index `j` exactly (within the node budget); a cover found is accepted.
    fn exact(&mut self, j: usize) -> Option<bool> {
        let red = self.reduced(j);
        let k = self.c.k();
        if red.infeasible || red.forced.len() > k {
            return Some(false);
        }
        if red.sets.n_rows == 0 {
            let open = self.open_from(&red.forced);
            return Some(self.accept(open));
        }
        let kr = k - red.forced.len();
        let mut dual = CoverDual::new(&red.sets);
        let lb = dual.run(&red.sets, kr, (600.0 * self.effort) as u64, self.deadline);
        self.iterations += dual.iterations;
        if lb > kr as f64 + 1e-7 {
            return Some(false);
        }
        let limit = (self.effort * 200_000.0) as u64;
        let mut bnb = CoverBnb::new(&red.sets, limit, self.deadline);
        let r = bnb.solve(kr, &dual.best_u);
        self.iterations += bnb.nodes;
        match (r, bnb.found) {
            (Some(true), Some(chosen)) => {
                let mut cols: Vec<u32> = red.forced.clone();
                cols.extend(chosen.iter().map(|&rc| red.cols[rc as usize]));
                let open = self.open_from(&cols);
                if self.accept(open) {
                    Some(true)
                } else {
                    None
                }
            }
            (Some(false), _) => Some(false),
            _ => None,
        }
    }

    fn finish(self, start: Instant) -> Result<Solution> {
        let c = self.c;
        let costs = c.costs;
        let n = costs.n_demand();
        let mut assignment = Vec::with_capacity(n);
        let mut objective = 0.0f64;
        for i in 0..n {
            let row = costs.row(i);
            let mut best: Option<(u32, f64)> = None;
            for &s in &self.best {
                let d = row[s as usize];
                if best.is_none_or(|(b, bd)| d < bd || (d == bd && s < b)) {
                    best = Some((s, d));
                }
            }
            let (s, d) = best.ok_or_else(|| Error::Internal("p-center produced no open site".into()))?;
            objective = objective.max(d);
            assignment.push(if d.is_finite() { Some(s) } else { None });
        }
        if objective.is_infinite() {
            let unreached = assignment.iter().filter(|a| a.is_none()).count();
            return Err(Error::Infeasible {
                reason: format!(
                    "no set of {} sites found reaches every row ({unreached} rows unreachable from the best set found); raise p or allow more sites",
                    c.p
                ),
                achievable: (n - unreached) as f64 / n as f64,
            });
        }
        let bound = c.radii.get(self.lo).copied().unwrap_or(objective).min(objective);
        let mut sol = Solution::certify(self.best, objective, bound, Sense::Minimize, self.timed_out);
        if sol.status == Status::Optimal {
            sol.gap = 0.0;
        }
        sol.assignment = assignment;
        sol.iterations = self.iterations;
        sol.seconds = start.elapsed().as_secs_f64();
        Ok(sol)
    }
}

/// A seed for stream `k` of probe `tag` (SplitMix64 finaliser).
fn stream_seed(seed: u64, tag: u64, k: u64) -> u64 {
    let mut z = seed ^ 0xC0FF_EE00 ^ tag.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ k.wrapping_mul(0xD1B5_4A32_D192_ED03);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn brute(c: &CostMatrix, p: usize, opts: &CenterOptions) -> f64 {
        let (n, m) = (c.n_demand(), c.n_sites());
        let mut best = f64::INFINITY;
        for mask in 0u32..(1 << m) {
            if mask.count_ones() as usize != p
                || opts.forbidden.iter().any(|&f| mask >> f & 1 == 1)
                || opts.fixed.iter().any(|&f| mask >> f & 1 == 0)
            {
                continue;
            }
            let r = (0..n)
                .map(|i| (0..m).filter(|&s| mask >> s & 1 == 1).map(|s| c.get(i, s)).fold(f64::INFINITY, f64::min))
                .fold(0.0, f64::max);
            best = best.min(r);
        }
        best
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn matches_enumeration_and_bound_is_valid(
            n in 1usize..12, m in 2usize..10, pk in 0usize..9,
            vals in proptest::collection::vec(0u8..30, 1..130), rule in 0u8..3, seed in 0u64..4,
        ) {
            let c = CostMatrix::from_fn(n, m, |i, s| vals[(i * m + s) % vals.len()] as f64).unwrap();
            let p = 1 + pk % m;
            let opts = match rule {
                1 if p < m => CenterOptions::default().forbidden(vec![(m - 1) as u32]),
                2 => CenterOptions::default().fixed(vec![0]),
                _ => CenterOptions::default(),
            };
            let sol = p_center_with(&c, p, &opts, &SolveOptions { seed, time_limit: None }).unwrap();
            let opt = brute(&c, p, &opts);
            prop_assert!(sol.bound <= opt, "bound {} above optimum {}", sol.bound, opt);
            prop_assert_eq!(sol.objective, opt);
            prop_assert_eq!(sol.open.len(), p);
            if sol.status == Status::Optimal {
                prop_assert_eq!(sol.bound, sol.objective);
            }
            for &f in &opts.fixed { prop_assert!(sol.open.contains(&f)); }
            for &f in &opts.forbidden { prop_assert!(!sol.open.contains(&f)); }
        }

        #[test]
        fn reductions_keep_the_cover_number(
            n in 1usize..10, m in 1usize..9, bits in proptest::collection::vec(any::<u16>(), 10), k in 1usize..5,
        ) {
            let rows: Vec<Vec<u32>> = (0..n).map(|i| (0..m as u32).filter(|&c| bits[i] >> c & 1 == 1).collect()).collect();
            let sets = CoverSets::from_rows(m, &rows);
            let coverable = |cols: u32| rows.iter().all(|r| r.iter().any(|&c| cols >> c & 1 == 1));
            let exists = (0u32..(1 << m)).any(|mask| mask.count_ones() as usize <= k && coverable(mask));
            let red = reduce(&sets, k);
            let decided = if red.infeasible {
                false
            } else if red.sets.n_rows == 0 {
                true
            } else {
                let kr = k - red.forced.len();
                let mut bnb = CoverBnb::new(&red.sets, u64::MAX, Stop::never());
                let r = bnb.solve(kr, &vec![0.0; red.sets.n_rows]);
                if let Some(found) = &bnb.found {
                    let mut mask = 0u32;
                    for &c in found { mask |= 1 << red.cols[c as usize]; }
                    for &c in &red.forced { mask |= 1 << c; }
                    prop_assert!(coverable(mask) && mask.count_ones() as usize <= k);
                }
                r == Some(true)
            };
            prop_assert_eq!(decided, exists);
        }
    }

    #[test]
    fn same_seed_same_solution_on_one_and_two_threads() {
        let mut rng = ChaCha8Rng::seed_from_u64(9);
        let pts: Vec<(f64, f64)> =
            (0..150).map(|_| (rng.random_range(0.0..100.0), rng.random_range(0.0..100.0))).collect();
        let c =
            CostMatrix::from_fn(150, 150, |i, s| ((pts[i].0 - pts[s].0).abs() + (pts[i].1 - pts[s].1).abs()).round())
                .unwrap();
        let run = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            pool.install(|| p_center(&c, 9, &SolveOptions { seed: 4, time_limit: None }).unwrap())
        };
        assert_eq!(run(1), run(2));
        let t = p_center(&c, 9, &SolveOptions { seed: 4, time_limit: Some(0.0) }).unwrap();
        assert!(t.bound <= t.objective && t.open.len() == 9);
        assert!(matches!(t.status, Status::TimeLimit | Status::Optimal));
    }

    #[test]
    fn errors() {
        let inf = f64::INFINITY;
        let c = CostMatrix::new(vec![0.0, 1.0, 1.0, 0.0, inf, inf], 3, 2).unwrap();
        assert!(matches!(p_center(&c, 1, &SolveOptions::default()), Err(Error::Infeasible { .. })));
        let c = CostMatrix::from_fn(3, 3, |i, s| (i + s) as f64).unwrap();
        for p in [0, 4] {
            match p_center(&c, p, &SolveOptions::default()) {
                Err(Error::InvalidInput { field, .. }) => assert_eq!(field, "p"),
                other => panic!("{other:?}"),
            }
        }
        let c = CostMatrix::new(vec![0.0, inf, inf, 0.0], 2, 2).unwrap();
        assert!(matches!(p_center(&c, 1, &SolveOptions::default()), Err(Error::Infeasible { .. })));
        assert_eq!(p_center(&c, 2, &SolveOptions::default()).unwrap().objective, 0.0);
    }
}
