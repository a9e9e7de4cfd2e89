//! Exact search for the covering objectives: problem reductions, then a Lagrangian branch and
//! bound that proves (or improves) the heuristics' answer.

// Rows and columns index several parallel arrays at once; index loops read better here.
#![allow(clippy::needless_range_loop)]

use super::greedy::lazy_greedy;
use super::problem::CoverProblem;
use crate::coverage::Coverage;
use crate::progress::Stop;

/// Largest instance (covered pairs) on which the solvers run the branch and bound.
pub(crate) const TREE_MAX_PAIRS: usize = 4_000_000;

/// Work cap of the branch and bound, in covered pairs visited by its subgradient iterations
/// (deterministic, unlike a clock): about 0.2–0.5 s on the machine of BENCHMARKS.md.
pub(crate) const TREE_WORK: f64 = 3.0e8;

/// Most subgradient iterations of one branch and bound (all nodes together) for maximal
/// coverage, and for a covering target (whose trees close less often: the local search after
/// them is the better use of the time when the first few thousand iterations do not).
const TREE_MAX_ITERATIONS: [f64; 2] = [10_000.0, 10_000.0];

/// A local search the branch and bound applies to some of its completions, possibly in the
/// background while the subgradient goes on.
///
/// Plans are original site indices, fixed ones included; values are in the caller's terms. The
/// tree asks for results only at fixed points of its search, and an implementation must return
/// the same results whatever the thread count, so that the search stays deterministic.
pub(crate) trait Polisher {
    /// Start improving `sites`.
    fn submit(&mut self, sites: Vec<u32>);
    /// Wait for the work due by now (every submitted plan when `all`) and return the best plan it
    /// found.
    fn collect(&mut self, all: bool) -> Option<(f64, Vec<u32>)>;
}

/// The polisher handed to [`cover_tree`].
pub(crate) type Polish<'a> = &'a mut dyn Polisher;

/// Largest gap between incumbent and root bound, relative to the objective, at which a capped
/// branch and bound goes on branching (wider gaps rarely close within the cap).
pub(crate) const ROOT_GAP_LIMIT: f64 = 0.01;

/// Root iterations whose completion is polished (early and often, for the caller's solution
/// merging), and how many nodes' final completions are.
const POLISH_AT: [usize; 7] = [0, 5, 10, 15, 50, 150, 300];
const POLISHED_NODES: u64 = 20;

/// Most rounds of dominance reductions (a presolved problem is not reduced again, so they go on
/// until little is left to remove).
const DOMINANCE_ROUNDS: usize = 6;

/// Which covering question the branch and bound answers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum CoverGoal {
    /// Cover the most weight with at most `p` open sites in total (fixed sites included).
    MaxSites(usize),
    /// Cover at least this much weight (fixed sites' coverage included) at least cost.
    Need(f64),
}

/// What the branch and bound found.
#[derive(Debug, Clone)]
pub(crate) struct TreeOutcome {
    /// A better solution than the incumbent (original site indices, fixed sites included,
    /// ascending), with its value in the caller's terms (covered weight, or cost).
    pub improved: Option<(f64, Vec<u32>)>,
    /// A valid bound in the caller's terms (upper bound on covered weight, lower bound on cost).
    pub bound: f64,
    /// Whether the search finished, so that the best solution is optimal.
    pub proven: bool,
    /// Nodes explored.
    pub nodes: u64,
    /// Subgradient iterations.
    pub iterations: u64,
    /// Whether a time limit or a cancellation cut the search short.
    pub stopped: bool,
}

/// Compressed lists: `idx[off[i]..off[i + 1]]` are the entries of list `i`.
#[derive(Debug, Clone, Default)]
struct Lists {
    off: Vec<usize>,
    idx: Vec<u32>,
}

impl Lists {
    /// No lists yet.
    fn empty() -> Self {
        Lists { off: vec![0], idx: Vec::new() }
    }

    /// Append a list.
    fn push(&mut self, list: impl IntoIterator<Item = u32>) {
        self.idx.extend(list);
        self.off.push(self.idx.len());
    }

    fn len(&self) -> usize {
        self.off.len() - 1
    }

    #[inline]
    fn of(&self, i: usize) -> &[u32] {
        &self.idx[self.off[i]..self.off[i + 1]]
    }

    /// The transposed lists over `n` targets (each list ascending), by counting.
    fn transpose(&self, n: usize) -> Lists {
        let mut off = vec![0usize; n + 1];
        for &j in &self.idx {
            off[j as usize + 1] += 1;
        }
        for j in 0..n {
            off[j + 1] += off[j];
        }
        let mut next = off.clone();
        let mut idx = vec![0u32; self.idx.len()];
        for i in 0..self.len() {
            for &j in self.of(i) {
                idx[next[j as usize]] = i as u32;
                next[j as usize] += 1;
            }
        }
        Lists { off, idx }
    }

    /// Drop the empty lists and merge identical ones, adding their weights; the lists left keep
    /// the order of their first appearance. Also returns where each list went (`u32::MAX` for the
    /// empty ones).
    fn merge_identical(&self, weight: &[f64]) -> (Lists, Vec<f64>, Vec<u32>) {
        // Open addressing on a hash of each list: a list meets the lists before it with the same
        // hash in its probe sequence, and merges into the first (lowest) one equal to it. The
        // hash sums a mix of each entry (entries are independent, so the sum needs no chain).
        let mix = |x: u32| {
            let m = (u64::from(x) + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15);
            (m ^ (m >> 29)).wrapping_mul(0xbf58_476d_1ce4_e5b9)
        };
        let hash = |l: &[u32]| {
            let h = l.iter().fold(l.len() as u64, |h, &x| h.wrapping_add(mix(x)));
            (h ^ (h >> 32)).wrapping_mul(0x94d0_49bb_1331_11eb)
        };
        let size = (2 * self.len()).next_power_of_two().max(16);
        let shift = 64 - size.trailing_zeros();
        let mut table: Vec<(u64, u32)> = vec![(0, u32::MAX); size];
        let mut slot = vec![u32::MAX; self.len()];
        let mut lists = Lists::empty();
        let mut merged = Vec::new();
        for i in 0..self.len() {
            let own = self.of(i);
            if own.is_empty() {
                continue;
            }
            let h = hash(own);
            // The top bits of the final product start the probe (they mix best).
            let mut k = (h >> shift) as usize;
            loop {
                let (hk, j) = table[k];
                if j == u32::MAX {
                    table[k] = (h, i as u32);
                    slot[i] = merged.len() as u32;
                    lists.push(own.iter().copied());
                    merged.push(weight[i]);
                    break;
                }
                if hk == h && self.of(j as usize) == own {
                    slot[i] = slot[j as usize];
                    merged[slot[i] as usize] += weight[i];
                    break;
                }
                k = (k + 1) & (size - 1);
            }
        }
        (lists, merged, slot)
    }
}

/// Each village's list of the `candidate` sites covering it (ascending), empty unless `keep`:
/// the transposed coverage restricted to both, by counting.
fn village_lists(cov: &Coverage, candidate: &[bool], keep: &[bool]) -> Lists {
    let n = cov.n_villages();
    let mut off = vec![0usize; n + 1];
    for s in (0..cov.n_sites()).filter(|&s| candidate[s]) {
        for &v in cov.villages_of(s) {
            off[v as usize + 1] += usize::from(keep[v as usize]);
        }
    }
    for v in 0..n {
        off[v + 1] += off[v];
    }
    let mut next = off[..n].to_vec();
    let mut idx = vec![0u32; off[n]];
    for s in (0..cov.n_sites()).filter(|&s| candidate[s]) {
        for &v in cov.villages_of(s) {
            let v = v as usize;
            if keep[v] {
                idx[next[v]] = s as u32;
                next[v] += 1;
            }
        }
    }
    Lists { off, idx }
}

/// A 64-bit signature of each list (bit `x mod 64` set for each entry `x`): `a ⊆ b` needs
/// `sig(a) & !sig(b) == 0`, which rejects most candidate pairs without comparing the lists.
fn signatures(lists: &Lists) -> Vec<u64> {
    (0..lists.len()).map(|i| lists.of(i).iter().fold(0u64, |s, &x| s | 1 << (x % 64))).collect()
}

/// Whether ascending `a` ⊆ ascending `b`.
fn subset(a: &[u32], b: &[u32]) -> bool {
    let mut j = 0;
    for &x in a {
        while j < b.len() && b[j] < x {
            j += 1;
        }
        if j == b.len() || b[j] != x {
            return false;
        }
        j += 1;
    }
    true
}

/// Lists that another list dominates: `lists[i] ⊆ lists[k]` with `cost[k] ≤ cost[i]`, ties
/// (equal lists and costs) to the lower index. `cross` is the transposed view, used to find the
/// candidates `k` through the element of `lists[i]` that appears in fewest lists. The relation is
/// a strict partial order, so removing every dominated list at once keeps a dominating one. With
/// `only`, just the lists it marks are tested (the others are known not to be dominated).
fn dominated(lists: &Lists, cross: &Lists, cost: &[f64], only: Option<&[bool]>) -> Vec<bool> {
    let sig = signatures(lists);
    let mut out = vec![false; lists.len()];
    for (i, flag) in out.iter_mut().enumerate() {
        if only.is_some_and(|o| !o[i]) {
            continue;
        }
        let own = lists.of(i);
        let Some(&rare) = own.iter().min_by_key(|&&e| cross.of(e as usize).len()) else {
            *flag = true;
            continue;
        };
        *flag = cross.of(rare as usize).iter().any(|&k| {
            let k = k as usize;
            let other = lists.of(k);
            k != i
                && other.len() >= own.len()
                && cost[k] <= cost[i]
                && (cost[k] < cost[i] || other.len() > own.len() || k < i)
                && sig[i] & !sig[k] == 0
                && subset(own, other)
        });
    }
    out
}

/// The covering problem after reductions, as a minimisation over free columns.
///
/// Max coverage minimises the uncovered weight (columns cost 0, at most `slots` open); a
/// covering target minimises the columns' cost subject to covering `need` of the rows' weight.
struct Reduced {
    /// Row → columns.
    rows: Lists,
    /// Column → rows.
    cols: Lists,
    /// Row weights (identical rows merged).
    weight: Vec<f64>,
    /// Column costs (0 under max coverage).
    cost: Vec<f64>,
    /// Original site of each column.
    site: Vec<u32>,
    /// `Some(slots)` for max coverage, `None` for a covering target.
    slots: Option<usize>,
    /// Weight still to cover (covering target).
    need: f64,
    /// Whether every row must be covered (row dominance is valid).
    full: bool,
    /// Whether every objective value is an integer (bounds round up).
    integral: bool,
    /// Weight of the rows (in the caller's terms, before this reduction) covered by fixed sites.
    fixed_weight: f64,
}

impl Reduced {
    fn new(problem: &CoverProblem<'_>, goal: CoverGoal) -> Self {
        let mut red = Reduced::undominated(problem, goal);
        red.drop_dominated();
        red
    }

    /// The problem before the dominance reductions: its rows merged, the villages no candidate
    /// reaches (or that fixed sites cover) left out.
    fn undominated(problem: &CoverProblem<'_>, goal: CoverGoal) -> Self {
        let cov = problem.coverage;
        let w = &problem.weights;
        let fixed = problem.fixed_mask();
        let by_fixed = cov.covered_by(problem.fixed.iter().map(|&s| s as usize));
        let fixed_weight: f64 = by_fixed.iter().zip(w).filter(|(c, _)| **c).map(|(_, x)| x).sum();
        let candidate: Vec<bool> = (0..cov.n_sites()).map(|s| problem.allowed[s] && !fixed[s]).collect();
        // Rows: villages of positive weight, not covered by fixed sites, reachable by a candidate;
        // villages with the same sites merge (they are always covered together).
        let keep: Vec<bool> = (0..cov.n_villages()).map(|v| !by_fixed[v] && w[v] > 0.0).collect();
        let village_cols = village_lists(cov, &candidate, &keep);
        let (row_sites, weight, _) = village_cols.merge_identical(w);
        let free_weight: f64 = weight.iter().sum();
        let (slots, need) = match goal {
            CoverGoal::MaxSites(p) => (Some(p.saturating_sub(problem.fixed.len())), 0.0),
            CoverGoal::Need(n) => (None, n - fixed_weight),
        };
        let full = slots.is_none() && need >= free_weight - 1e-9 * free_weight.max(1.0);
        let integral = match slots {
            Some(_) => problem.weights.iter().all(|x| x.fract() == 0.0),
            None => problem.costs.iter().all(|x| x.fract() == 0.0),
        };
        // Columns in site order, renumbered densely.
        let mut col_of = vec![u32::MAX; cov.n_sites()];
        let mut site: Vec<u32> = Vec::new();
        for &s in &row_sites.idx {
            col_of[s as usize] = 0;
        }
        for (s, c) in col_of.iter_mut().enumerate() {
            if *c == 0 {
                *c = site.len() as u32;
                site.push(s as u32);
            }
        }
        let mut rows = row_sites;
        rows.idx.iter_mut().for_each(|s| *s = col_of[*s as usize]);
        let cost: Vec<f64> =
            site.iter().map(|&s| if slots.is_some() { 0.0 } else { problem.costs[s as usize] }).collect();
        let mut red =
            Reduced { rows, cols: Lists::default(), weight, cost, site, slots, need, full, integral, fixed_weight };
        red.cols = red.rows.transpose(red.site.len());
        red
    }

    /// Remove dominated columns (and, when every row must be covered, dominated rows), round after
    /// round (each removal can expose more), at most [`DOMINANCE_ROUNDS`] rounds.
    ///
    /// After the first round only what changed is tested again: a column that lost no row is not
    /// dominated now if it was not before (every other column's rows only shrank, and merging rows
    /// keeps subset relations), and a row contains another only if that other lost a column (no
    /// two rows are equal once merged). The rounds remove exactly what testing everything would.
    fn drop_dominated(&mut self) {
        let (mut cols_to_test, mut rows_to_test): (Option<Vec<bool>>, Option<Vec<bool>>) = (None, None);
        for _ in 0..DOMINANCE_ROUNDS {
            let cols_out = dominated(&self.cols, &self.rows, &self.cost, cols_to_test.as_deref());
            let rows_out =
                if self.full { self.supersets(rows_to_test.as_deref()) } else { vec![false; self.rows.len()] };
            if !cols_out.iter().any(|&d| d) && !rows_out.iter().any(|&d| d) {
                return;
            }
            let (cols_changed, rows_changed) = self.retain(&cols_out, &rows_out);
            (cols_to_test, rows_to_test) = (Some(cols_changed), Some(rows_changed));
            if !self.full {
                // Without row removals, one round is final: retaining drops columns and merges rows
                // whose lists became equal, which keeps every subset relation (and order) among the
                // columns left, so none of them became dominated.
                return;
            }
        }
    }

    /// Rows whose column list contains another row's list (of equal lists, the lower index
    /// stays): covering the smaller row covers them. With `only`, just the rows inside which a row
    /// it marks lies (the others are known to contain none).
    fn supersets(&self, only: Option<&[bool]>) -> Vec<bool> {
        let sig = signatures(&self.rows);
        let mut out = vec![false; self.rows.len()];
        for q in (0..self.rows.len()).filter(|&q| only.is_none_or(|o| o[q])) {
            let own = self.rows.of(q);
            // A row containing `own` contains its column that is in fewest rows.
            let Some(&rare) = own.iter().min_by_key(|&&c| self.cols.of(c as usize).len()) else { continue };
            for &r in self.cols.of(rare as usize) {
                let r = r as usize;
                let other = self.rows.of(r);
                if !out[r]
                    && r != q
                    && own.len() <= other.len()
                    && (own.len() < other.len() || q < r)
                    && sig[q] & !sig[r] == 0
                    && subset(own, other)
                {
                    out[r] = true;
                }
            }
        }
        out
    }

    /// Drop the columns and rows marked out, merge the rows left equal, and return which columns
    /// lost a row and which rows lost a column (in the new numbering).
    fn retain(&mut self, cols_out: &[bool], rows_out: &[bool]) -> (Vec<bool>, Vec<bool>) {
        let mut col_lost = vec![false; self.site.len()];
        for r in (0..self.rows.len()).filter(|&r| rows_out[r]) {
            for &c in self.rows.of(r) {
                col_lost[c as usize] = true;
            }
        }
        let mut new_col = vec![u32::MAX; self.site.len()];
        let mut site = Vec::new();
        let mut cost = Vec::new();
        for c in 0..self.site.len() {
            if !cols_out[c] {
                new_col[c] = site.len() as u32;
                site.push(self.site[c]);
                cost.push(self.cost[c]);
            }
        }
        // Rows left with the same columns merge again.
        let mut kept =
            Lists { off: Vec::with_capacity(self.rows.len() + 1), idx: Vec::with_capacity(self.rows.idx.len()) };
        kept.off.push(0);
        let mut row_lost = vec![false; self.rows.len()];
        for r in 0..self.rows.len() {
            let out = rows_out[r];
            let list = self.rows.of(r);
            kept.push(list.iter().filter(|&&c| !out && !cols_out[c as usize]).map(|&c| new_col[c as usize]));
            row_lost[r] = !out && kept.of(r).len() < list.len();
        }
        let (lists, weight, slot) = kept.merge_identical(&self.weight);
        let mut rows_changed = vec![false; lists.len()];
        for r in (0..row_lost.len()).filter(|&r| row_lost[r] && slot[r] != u32::MAX) {
            rows_changed[slot[r] as usize] = true;
        }
        let cols_changed = (0..col_lost.len()).filter(|&c| !cols_out[c]).map(|c| col_lost[c]).collect();
        self.rows = lists;
        self.weight = weight;
        if self.full {
            // Every row left must be covered (the dropped ones come with them).
            self.need = self.weight.iter().sum();
        }
        self.site = site;
        self.cost = cost;
        self.cols = self.rows.transpose(self.site.len());
        (cols_changed, rows_changed)
    }

    fn n_cols(&self) -> usize {
        self.site.len()
    }

    /// Smallest objective value that counts as strictly better than `ub`.
    fn cutoff(&self, ub: f64) -> f64 {
        if !ub.is_finite() {
            ub
        } else if self.integral {
            ub - 1.0 + 1e-6
        } else {
            ub - 1e-9 * ub.abs().max(1.0)
        }
    }

    /// Node objective of a complete choice: uncovered weight, or the cost when `need` is met
    /// (infinity otherwise).
    fn value(&self, open: &[bool]) -> f64 {
        let mut uncovered = 0.0;
        let mut covered = 0.0;
        for r in 0..self.rows.len() {
            if self.rows.of(r).iter().any(|&c| open[c as usize]) {
                covered += self.weight[r];
            } else {
                uncovered += self.weight[r];
            }
        }
        match self.slots {
            Some(_) => uncovered,
            None => {
                if covered >= self.need - 1e-9 * self.need.abs().max(1.0) {
                    (0..self.n_cols()).filter(|&c| open[c]).map(|c| self.cost[c]).sum()
                } else {
                    f64::INFINITY
                }
            }
        }
    }
}

/// A covering problem after the reductions of [`cover_tree`], as a problem of its own: its sites
/// are the columns left, its villages the rows left (identical ones merged, their weights added),
/// with no fixed site. Solving it solves the original: every reduction keeps an optimal solution.
pub(crate) struct Presolved {
    /// Column → rows (distances are not kept: 0).
    pub coverage: Coverage,
    /// Row weights.
    pub weights: Vec<f64>,
    /// Column costs (1 under max coverage, where they do not matter).
    pub costs: Vec<f64>,
    /// The original site of each column.
    pub site: Vec<u32>,
    /// Weight still to cover once the fixed sites are open (covering goal).
    pub need: f64,
    /// The reduced problem in the branch and bound's terms, its columns numbered as its sites
    /// (what reducing [`Presolved::problem`] again would give, without the work).
    local: Reduced,
}

impl Presolved {
    /// Reduce `problem` for `goal`.
    pub(crate) fn new(problem: &CoverProblem<'_>, goal: CoverGoal) -> Self {
        let mut red = Reduced::new(problem, goal);
        let coverage = Coverage::from_csr_parts(
            problem.coverage.radius(),
            problem.coverage.within_town(),
            red.rows.len(),
            red.cols.off.clone(),
            red.cols.idx.clone(),
            vec![0.0; red.cols.idx.len()],
        );
        let costs = match goal {
            CoverGoal::MaxSites(_) => vec![1.0; red.n_cols()],
            CoverGoal::Need(_) => red.cost.clone(),
        };
        // The reduction itself becomes the local one: its columns renumbered as the sites.
        let numbered = (0..red.n_cols() as u32).collect();
        let site = std::mem::replace(&mut red.site, numbered);
        let local = Reduced { fixed_weight: 0.0, ..red };
        Presolved { coverage, weights: local.weight.clone(), costs, site, need: local.need, local }
    }

    /// The reduced problem.
    pub(crate) fn problem(&self) -> CoverProblem<'_> {
        let mut p = CoverProblem::unit(&self.coverage);
        p.weights = self.weights.clone();
        p.costs = self.costs.clone();
        p
    }

    /// The original sites of the columns `open`, with the fixed sites of `problem`, ascending.
    pub(crate) fn sites(&self, problem: &CoverProblem<'_>, open: &[u32]) -> Vec<u32> {
        let mut sites: Vec<u32> =
            open.iter().map(|&c| self.site[c as usize]).chain(problem.fixed.iter().copied()).collect();
        sites.sort_unstable();
        sites.dedup();
        sites
    }
}

/// A key that orders (value, column) pairs as `f64::total_cmp` on the value, then the column:
/// the value's bits mapped to an unsigned order above the column's 32 bits, so that sorting
/// compares plain integers.
fn rank_key(value: f64, column: u32) -> u128 {
    let bits = value.to_bits();
    let ordered = if bits >> 63 == 1 { !bits } else { bits | 1 << 63 };
    u128::from(ordered) << 32 | u128::from(column)
}

/// `start` plus `min(u, w)` over the uncovered rows (`count` 0), in row order, with the
/// subgradient of that part in `grad`: the row part of the Lagrangian under a slot limit.
/// Without branches (the comparison is unpredictable) or bounds checks, and kept out of line so
/// that the sum stays in a register (inlined, it went through memory on every row).
#[inline(never)]
fn capped_rows(start: f64, u: &[f64], weight: &[f64], count: &[u32], grad: &mut [f64]) -> f64 {
    let rows = grad.iter_mut().zip(count).zip(u.iter().zip(weight));
    rows.fold(start, |sum, ((g, &k), (&x, &w))| {
        let open = k == 0;
        *g = if open && x < w { 1.0 } else { 0.0 };
        sum + if open { x.min(w) } else { 0.0 }
    })
}

/// Squared norm of the subgradient `grad` projected at the multipliers `u` (a component that
/// would push a zero multiplier below zero counts for nothing). With `integral` (every component
/// an integer, as under a slot limit) the sum is exact in any order, so four running sums break
/// the chain of additions; otherwise it adds in row order.
#[inline(never)]
fn step_norm(grad: &[f64], u: &[f64], integral: bool) -> f64 {
    let term = |(&g, &x): (&f64, &f64)| if x <= 0.0 && g < 0.0 { 0.0 } else { g * g };
    if !integral {
        return grad.iter().zip(u).map(term).sum();
    }
    let (g4, u4) = (grad.chunks_exact(4), u.chunks_exact(4));
    let tail: f64 = g4.remainder().iter().zip(u4.remainder()).map(term).sum();
    let mut acc = [0.0f64; 4];
    for (g, x) in g4.zip(u4) {
        for k in 0..4 {
            acc[k] += term((&g[k], &x[k]));
        }
    }
    acc.iter().sum::<f64>() + tail
}

/// A subgradient step: `u + step · grad`, projected on `u ≥ 0` and, with `cap`, `u ≤ cap`.
#[inline(never)]
fn take_step(u: &mut [f64], grad: &[f64], step: f64, cap: Option<&[f64]>) {
    match cap {
        Some(cap) => {
            for ((x, &g), &c) in u.iter_mut().zip(grad).zip(cap) {
                *x = (*x + step * g).max(0.0).min(c);
            }
        }
        None => {
            for (x, &g) in u.iter_mut().zip(grad) {
                *x = (*x + step * g).max(0.0);
            }
        }
    }
}

/// Whether `v` is strictly better (smaller) than `ub`, beyond float round-off.
fn improves(v: f64, ub: f64) -> bool {
    if ub.is_finite() {
        v < ub - 1e-9 * ub.abs().max(1.0)
    } else {
        v.is_finite()
    }
}

/// Rearrange `items` (price per weight, row) so that its first `k` items are the cheapest rows
/// worth `need` (the `k`-th, the dearest of them, possibly needed only in part); returns `k`.
/// A weighted quickselect: expected O(n), where sorting would be O(n log n) per evaluation.
fn cheapest_prefix(items: &mut [(f64, u32)], weight: &[f64], need: f64) -> usize {
    let order = |a: &(f64, u32), b: &(f64, u32)| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1));
    let (mut lo, mut hi, mut left) = (0, items.len(), need);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        items[lo..hi].select_nth_unstable_by(mid - lo, order);
        let below: f64 = items[lo..mid].iter().map(|&(_, r)| weight[r as usize]).sum();
        if below >= left {
            hi = mid;
        } else {
            let at = weight[items[mid].1 as usize];
            if below + at >= left {
                return mid + 1;
            }
            left -= below + at;
            lo = mid + 1;
        }
    }
    lo
}

/// Column states in a node.
const FREE: u8 = 0;
const ONE: u8 = 1;
const ZERO: u8 = 2;

/// Lagrangian relaxation of a node: relaxing "row r is covered by an open column" with u_r ≥ 0
/// splits the problem into rows (max coverage: Σ min(u_r, w_r) over uncovered rows; covering:
/// the cheapest fractional choice of rows worth `need` at prices u_r) and columns (each free
/// column's reduced cost c_j − Σ_{r ∈ j} u_r, the most negative ones taken: at most `slots` of
/// them under max coverage).
struct Node<'r> {
    red: &'r Reduced,
    state: Vec<u8>,
    /// Open fixed columns covering each row.
    count: Vec<u32>,
    /// Objective of the fixed part (the cost of the columns fixed open).
    fixed_cost: f64,
    /// Slots left (max coverage).
    slots: usize,
    /// Columns fixed open.
    ones: usize,
    /// Weight still needed (covering).
    need: f64,
    /// Reduced costs at the last evaluation.
    reduced: Vec<f64>,
    /// Columns chosen by the relaxation at the last evaluation, most negative reduced cost first.
    chosen: Vec<u32>,
    /// Subgradient at the last evaluation.
    grad: Vec<f64>,
    /// Scratch: which columns are in `chosen`.
    in_chosen: Vec<bool>,
    /// Scratch: each row's price if it is uncovered, else 0.
    priced: Vec<f64>,
    /// Scratch: the columns of negative reduced cost, keyed by [`rank_key`].
    negative: Vec<u128>,
    /// Uncovered rows keyed by price per weight (covering target).
    order: Vec<(f64, u32)>,
}

/// A plan being completed: open columns, open columns covering each row, and covered weight.
struct Fill {
    open: Vec<bool>,
    count: Vec<u32>,
    n_open: usize,
    covered: f64,
}

impl Fill {
    fn add(&mut self, red: &Reduced, c: usize) {
        self.open[c] = true;
        self.n_open += 1;
        for &r in red.cols.of(c) {
            if self.count[r as usize] == 0 {
                self.covered += red.weight[r as usize];
            }
            self.count[r as usize] += 1;
        }
    }

    /// Lazy greedy: open the free column with the most `price` on uncovered rows (per cost when
    /// `per_cost`) until `done` or no column adds any; a column's gain only falls as others open,
    /// so a stale key bounds it. Ties go to the lower column.
    fn greedy(&mut self, red: &Reduced, state: &[u8], price: &[f64], per_cost: bool, done: impl Fn(&Fill) -> bool) {
        // The prices of the rows still uncovered, 0 for the others (sums over a column then need
        // no test; adding zeros leaves them unchanged).
        let left: Vec<f64> = price.iter().zip(&self.count).map(|(&x, &k)| if k == 0 { x } else { 0.0 }).collect();
        let key = |(_, left): &(&mut Fill, Vec<f64>), c: usize| {
            let g: f64 = red.cols.of(c).iter().map(|&r| left[r as usize]).sum();
            match per_cost {
                true if g > 0.0 && red.cost[c] > 0.0 => g / red.cost[c],
                true if g > 0.0 => f64::INFINITY,
                _ => g,
            }
        };
        let free: Vec<usize> = (0..red.n_cols()).filter(|&c| !self.open[c] && state[c] != ZERO).collect();
        lazy_greedy(
            &mut (self, left),
            free,
            key,
            |(fill, _)| done(fill),
            |(fill, left), c| {
                fill.add(red, c);
                for &r in red.cols.of(c) {
                    left[r as usize] = 0.0;
                }
            },
        );
    }
}

impl<'r> Node<'r> {
    fn new(red: &'r Reduced, state: Vec<u8>) -> Self {
        let mut count = vec![0u32; red.rows.len()];
        let mut fixed_cost = 0.0;
        let mut n_one = 0;
        for c in 0..red.n_cols() {
            if state[c] == ONE {
                n_one += 1;
                fixed_cost += red.cost[c];
                for &r in red.cols.of(c) {
                    count[r as usize] += 1;
                }
            }
        }
        let covered: f64 = (0..red.rows.len()).filter(|&r| count[r] > 0).map(|r| red.weight[r]).sum();
        Node {
            red,
            state,
            count,
            fixed_cost,
            slots: red.slots.map_or(usize::MAX, |s| s.saturating_sub(n_one)),
            ones: n_one,
            need: red.need - covered,
            reduced: vec![0.0; red.n_cols()],
            chosen: Vec::new(),
            grad: vec![0.0; red.rows.len()],
            in_chosen: vec![false; red.n_cols()],
            priced: vec![0.0; red.rows.len()],
            negative: Vec::new(),
            order: Vec::new(),
        }
    }

    /// Whether the fixings already exceed the slots.
    fn infeasible(&self) -> bool {
        self.red.slots.is_some_and(|s| self.ones > s)
    }

    /// Whether the columns fixed open already meet a covering target (the node is then solved:
    /// opening nothing more is cheapest).
    fn met(&self) -> bool {
        self.red.slots.is_none() && self.need <= 1e-9 * self.red.need.abs().max(1.0)
    }

    fn fix(&mut self, c: usize, to: u8) {
        self.state[c] = to;
        if to == ONE {
            self.fixed_cost += self.red.cost[c];
            self.slots = self.slots.saturating_sub(1);
            self.ones += 1;
            for &r in self.red.cols.of(c) {
                if self.count[r as usize] == 0 {
                    self.need -= self.red.weight[r as usize];
                }
                self.count[r as usize] += 1;
            }
        }
    }

    /// Lagrangian value at `u`, filling reduced costs, the chosen columns and the subgradient.
    fn evaluate(&mut self, u: &[f64]) -> f64 {
        let red = self.red;
        let mut value = self.fixed_cost;
        // Row part.
        match red.slots {
            Some(_) => {
                value = capped_rows(value, u, &red.weight, &self.count, &mut self.grad);
            }
            None => {
                self.grad.iter_mut().for_each(|g| *g = 0.0);
                if self.need > 0.0 {
                    self.order.clear();
                    let w = &red.weight;
                    self.order.extend(
                        (0..red.rows.len() as u32)
                            .filter(|&r| self.count[r as usize] == 0)
                            .map(|r| (u[r as usize] / w[r as usize], r)),
                    );
                    let k = if red.full { self.order.len() } else { cheapest_prefix(&mut self.order, w, self.need) };
                    let mut left = self.need;
                    for &(_, r) in &self.order[..k] {
                        let r = r as usize;
                        if left <= 0.0 {
                            break;
                        }
                        let y = (left / red.weight[r]).min(1.0);
                        value += y * u[r];
                        self.grad[r] = y;
                        left -= y * red.weight[r];
                    }
                }
            }
        }
        // Column part, over the prices of the rows still uncovered (0 for the covered ones, so that
        // the sums need no test).
        for (m, (&x, &k)) in self.priced.iter_mut().zip(u.iter().zip(&self.count)) {
            *m = if k == 0 { x } else { 0.0 };
        }
        let mut negative = std::mem::take(&mut self.negative);
        negative.clear();
        for c in 0..red.n_cols() {
            if self.state[c] != FREE {
                continue;
            }
            let a: f64 = red.cols.of(c).iter().map(|&r| self.priced[r as usize]).sum();
            self.reduced[c] = red.cost[c] - a;
            if self.reduced[c] < 0.0 {
                negative.push(rank_key(self.reduced[c], c as u32));
            }
        }
        // Most negative first (ties to the lower column): only the `slots` best are ordered, after
        // an O(n) selection; without a slot limit only the first one needs to be in place.
        if self.slots < negative.len() {
            if self.slots > 0 {
                negative.select_nth_unstable(self.slots - 1);
            }
            negative.truncate(self.slots);
            negative.sort_unstable();
        } else if red.slots.is_some() {
            negative.sort_unstable();
        } else if let Some(k) = (0..negative.len()).min_by_key(|&i| negative[i]) {
            negative.swap(0, k);
        }
        self.chosen.clear();
        self.chosen.extend(negative.iter().map(|&key| key as u32));
        self.negative = negative;
        for &c in &self.chosen {
            value += self.reduced[c as usize];
            for &r in red.cols.of(c as usize) {
                if self.count[r as usize] == 0 {
                    self.grad[r as usize] -= 1.0;
                }
            }
        }
        value
    }

    /// Reduced-cost fixing at the last evaluation (value `l`): fix every free column whose
    /// opposite choice would lift the bound to `cutoff`.
    fn fix_by_reduced_costs(&mut self, l: f64, cutoff: f64) {
        let red = self.red;
        let full_slots = red.slots.is_some() && self.chosen.len() >= self.slots;
        let last = if full_slots { self.chosen.last().map_or(0.0, |&c| self.reduced[c as usize]) } else { 0.0 };
        let in_chosen = &mut self.in_chosen;
        in_chosen.iter_mut().for_each(|x| *x = false);
        for &c in &self.chosen {
            in_chosen[c as usize] = true;
        }
        let in_chosen = std::mem::take(in_chosen);
        // The best column left out (its reduced cost, when negative, would replace a forced-out one).
        let next = if full_slots {
            (0..red.n_cols())
                .filter(|&c| self.state[c] == FREE && !in_chosen[c])
                .map(|c| self.reduced[c])
                .fold(0.0f64, |m, r| if r < m { r } else { m })
        } else {
            0.0
        };
        for c in 0..red.n_cols() {
            if self.state[c] != FREE {
                continue;
            }
            // The bound with the column forced out (if chosen) or in (if not): computed either way,
            // so that the choice is a select rather than an unpredictable branch.
            let rc = self.reduced[c];
            let out = l - rc + if full_slots { next } else { 0.0 };
            let into = l + rc - last;
            let chosen = in_chosen[c];
            if (if chosen { out } else { into }) >= cutoff {
                if chosen {
                    self.fix(c, ONE);
                } else {
                    self.state[c] = ZERO;
                }
            }
        }
        self.in_chosen = in_chosen;
    }

    /// A feasible completion of the relaxation at the last evaluation.
    ///
    /// Under a slot limit (maximal coverage): the columns fixed open, then a lazy greedy on the
    /// Lagrangian prices of the rows still uncovered, then on their weights while slots remain.
    /// The relaxation's own choice prices every column alone, so its columns crowd onto the same
    /// expensive rows; a greedy on the prices spreads them, and its plans are several times
    /// closer to the optimum before any local search. Under a covering target: the columns fixed
    /// open and chosen, then the best columns by newly covered weight per cost until the need is
    /// met, then the columns that became redundant close again, most expensive first.
    fn complete(&self) -> Option<Vec<bool>> {
        let red = self.red;
        let n = red.n_cols();
        let mut open: Vec<bool> = (0..n).map(|c| self.state[c] == ONE).collect();
        if red.slots.is_none() {
            for &c in &self.chosen {
                open[c as usize] = true;
            }
        }
        let mut fill = Fill { open, count: vec![0u32; red.rows.len()], n_open: 0, covered: 0.0 };
        for c in 0..n {
            if fill.open[c] {
                fill.add(red, c);
            }
        }
        let tol = 1e-9 * red.need.abs().max(1.0);
        match red.slots {
            Some(limit) => {
                fill.greedy(red, &self.state, &self.priced, false, |f| f.n_open >= limit);
                fill.greedy(red, &self.state, &red.weight, false, |f| f.n_open >= limit);
            }
            None => {
                fill.greedy(red, &self.state, &red.weight, true, |f| f.covered >= red.need - tol);
                if fill.covered < red.need - tol {
                    return None;
                }
                let (open, count) = (&mut fill.open, &mut fill.count);
                let mut order: Vec<usize> = (0..n).filter(|&c| open[c] && self.state[c] != ONE).collect();
                order.sort_by(|&a, &b| red.cost[b].total_cmp(&red.cost[a]).then(b.cmp(&a)));
                for c in order {
                    let loss: f64 = red
                        .cols
                        .of(c)
                        .iter()
                        .filter(|&&r| count[r as usize] == 1)
                        .map(|&r| red.weight[r as usize])
                        .sum();
                    if fill.covered - loss >= red.need - tol {
                        fill.covered -= loss;
                        open[c] = false;
                        for &r in red.cols.of(c) {
                            count[r as usize] -= 1;
                        }
                    }
                }
            }
        }
        Some(fill.open)
    }

    /// The free column to branch on: the chosen column with the most negative reduced cost, or,
    /// when the relaxation chose none, the free column covering most uncovered weight.
    fn branch_column(&self) -> Option<usize> {
        if let Some(&c) = self.chosen.first() {
            return Some(c as usize);
        }
        let red = self.red;
        (0..red.n_cols())
            .filter(|&c| self.state[c] == FREE)
            .map(|c| {
                let g: f64 = red
                    .cols
                    .of(c)
                    .iter()
                    .filter(|&&r| self.count[r as usize] == 0)
                    .map(|&r| red.weight[r as usize])
                    .sum();
                (g, c)
            })
            .filter(|&(g, _)| g > 0.0)
            .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)))
            .map(|(_, c)| c)
    }
}

/// Prove or improve a covering solution by reductions and a Lagrangian branch and bound.
///
/// Reductions: villages that fixed sites cover, that weigh nothing or that no candidate reaches
/// leave the problem; villages reached by the same sites merge (they are always covered together);
/// a site whose villages another site covers at no greater cost goes (it could always be swapped
/// for that one); under a full cover, a village whose sites include all of another's goes too
/// (covering that one covers it). These are the classical set-covering reductions (Toregas &
/// ReVelle 1973).
///
/// Branch and bound: depth first on "site open / site closed" (open first), each node bounded by
/// the Lagrangian relaxation of its covering constraints, maximised by subgradient steps warm
/// started from the parent's multipliers (Beasley 1990, "A Lagrangian heuristic for set-covering
/// problems"; Galvão & ReVelle 1996 for maximal covering). At every evaluation, reduced-cost
/// fixing closes or opens the sites whose other choice would lift the bound past the incumbent,
/// and every few iterations a completion of the relaxation (a greedy on the Lagrangian prices
/// under a limit on sites) may become the incumbent. With `polish`, the completions of chosen
/// root iterations and of the first nodes go to the caller's local search, whose results count
/// at the next such point (so that it may run in the background).
///
/// `incumbent` is the value of a known solution in the caller's terms (covered weight for
/// [`CoverGoal::MaxSites`], cost of the non-fixed sites for [`CoverGoal::Need`]); only strictly
/// better solutions are returned. `pre`, when `problem` is [`Presolved::problem`], hands over the
/// presolve's reduction so that it is not computed again. `work` caps the subgradient work (in
/// covered pairs visited) so the search is deterministic; `stop` ends it early (time limit or
/// cancellation).
///
/// # Complexity
/// Reductions O(K · d) for K covered pairs and d the largest number of sites per village; each
/// subgradient iteration O(K + m log m); the number of nodes is exponential in the worst case,
/// which the work cap bounds.
#[allow(clippy::too_many_arguments)]
pub(crate) fn cover_tree(
    problem: &CoverProblem<'_>,
    pre: Option<&Presolved>,
    goal: CoverGoal,
    incumbent: f64,
    root_bound: f64,
    work: f64,
    stop: Stop<'_>,
    mut polish: Option<Polish<'_>>,
) -> TreeOutcome {
    let own;
    let red = match pre {
        Some(pre) => {
            debug_assert!(problem.fixed.is_empty() && pre.local.n_cols() == problem.coverage.n_sites());
            debug_assert!(match goal {
                CoverGoal::MaxSites(p) => pre.local.slots == Some(p),
                CoverGoal::Need(n) =>
                    pre.local.slots.is_none() && (n - pre.local.need).abs() <= 1e-9 * n.abs().max(1.0),
            });
            &pre.local
        }
        None => {
            own = Reduced::new(problem, goal);
            &own
        }
    };
    // The caller's terms ↔ the reduced minimisation.
    let free_weight: f64 = red.weight.iter().sum();
    let to_min = |v: f64| match red.slots {
        Some(_) => free_weight - (v - red.fixed_weight),
        None => v,
    };
    let to_user = |v: f64| match red.slots {
        Some(_) => red.fixed_weight + free_weight - v,
        None => v,
    };
    let mut ub = to_min(incumbent);

    let mut improved: Option<Vec<u32>> = None;
    // The plan of a completion (original sites, fixed ones included).
    let sites_of = |open: &[bool]| -> Vec<u32> {
        let mut sites: Vec<u32> = problem.fixed.clone();
        sites.extend((0..red.n_cols()).filter(|&c| open[c]).map(|c| red.site[c]));
        sites.sort_unstable();
        sites.dedup();
        sites
    };
    // Offer a completion as the incumbent, and hand it to the caller's local search when asked:
    // `Some(all)` collects what is due (everything when `all`) first, then submits the completion.
    let mut offer = |open: &[bool], polished: Option<bool>, ub: &mut f64, improved: &mut Option<Vec<u32>>| {
        let v = red.value(open);
        if improves(v, *ub) {
            *ub = v;
            *improved = Some(sites_of(open));
        }
        if let (Some(all), Some(p)) = (polished, polish.as_mut()) {
            if v.is_finite() {
                p.submit(sites_of(open));
            }
            if let Some((value, sites)) = p.collect(all) {
                if improves(to_min(value), *ub) {
                    *ub = to_min(value);
                    *improved = Some(sites);
                }
            }
        }
    };
    let floor = to_min(root_bound);
    let mut outcome =
        TreeOutcome { improved: None, bound: root_bound, proven: false, nodes: 0, iterations: 0, stopped: false };
    // Open nodes: fixings, warm-start multipliers, inherited bound.
    let initial_u: Vec<f64> = (0..red.rows.len())
        .map(|r| match red.slots {
            Some(_) => 0.5 * red.weight[r],
            None => red.cost.iter().copied().fold(f64::INFINITY, f64::min).min(1.0) / red.rows.of(r).len() as f64,
        })
        .collect();
    let mut stack: Vec<(Vec<u8>, Vec<f64>, f64)> = vec![(vec![FREE; red.n_cols()], initial_u, floor)];
    let pairs = red.rows.idx.len() as f64 + red.n_cols() as f64 + red.rows.len() as f64;
    // Small instances stop after a fixed number of subgradient iterations instead.
    let cap = match goal {
        CoverGoal::MaxSites(_) => TREE_MAX_ITERATIONS[0],
        CoverGoal::Need(_) => TREE_MAX_ITERATIONS[1],
    };
    let unlimited = work.is_infinite();
    let work = work.min(cap * pairs);
    let mut spent = 0.0;
    let mut min_open = f64::INFINITY;
    while let Some((state, mut u, inherited)) = stack.pop() {
        if inherited >= red.cutoff(ub) {
            continue;
        }
        if spent >= work || stop.reached() {
            outcome.stopped = stop.reached();
            min_open = stack.iter().map(|n| n.2).fold(inherited, f64::min);
            stack.clear();
            break;
        }
        outcome.nodes += 1;
        let mut node = Node::new(red, state);
        if node.infeasible() {
            continue;
        }
        if node.met() {
            let open: Vec<bool> = node.state.iter().map(|&s| s == ONE).collect();
            offer(&open, None, &mut ub, &mut improved);
            continue;
        }
        // Subgradient ascent with fixing.
        let root = outcome.nodes == 1;
        let (max_it, patience) = if root { (400, 25) } else { (60, 8) };
        let mut mu = if root { 2.0 } else { 0.5 };
        // `here` tracks this node's ascent (for the step size); `best` is the node's bound, at least
        // the inherited one.
        let mut here = f64::NEG_INFINITY;
        let mut best = inherited;
        let mut best_u = u.clone();
        let mut since = 0;
        let mut pruned = false;
        for it in 0..max_it {
            let l = node.evaluate(&u);
            outcome.iterations += 1;
            spent += pairs;
            if here == f64::NEG_INFINITY || l > here + 1e-12 * here.abs().max(1.0) {
                here = l;
                best = best.max(l);
                best_u.copy_from_slice(&u);
                since = 0;
            } else {
                since += 1;
                if since >= patience {
                    mu /= 2.0;
                    since = 0;
                    u.copy_from_slice(&best_u);
                }
            }
            let cutoff = red.cutoff(ub);
            if best >= cutoff {
                pruned = true;
                break;
            }
            node.fix_by_reduced_costs(l, cutoff);
            if node.infeasible() || node.met() {
                break;
            }
            if it % 10 == 0 || (root && POLISH_AT.contains(&it)) {
                if let Some(open) = node.complete() {
                    let polished = (root && POLISH_AT.contains(&it)).then_some(false);
                    offer(&open, polished, &mut ub, &mut improved);
                    if best >= red.cutoff(ub) {
                        pruned = true;
                        break;
                    }
                }
            }
            if mu < 1e-3 || (it > 0 && stop.reached()) {
                break;
            }
            let norm = step_norm(&node.grad, &u, red.slots.is_some());
            if norm <= 0.0 {
                break;
            }
            // Polyak's step aims past the incumbent by the current gap, so that a good incumbent
            // does not shrink the steps to nothing (or 10% above the bound while there is none).
            let target = if ub.is_finite() { ub + (ub - l).max(0.0) } else { l + 0.1 * l.abs().max(1.0) };
            let step = mu * (target - l).max(1e-6 * l.abs().max(1.0)) / norm;
            take_step(&mut u, &node.grad, step, red.slots.map(|_| &red.weight[..]));
        }
        if pruned {
            continue;
        }
        if node.infeasible() {
            continue;
        }
        if node.met() {
            // Re-queue as a leaf: its value is the cost of the columns fixed open.
            stack.push((node.state, best_u, best));
            continue;
        }
        // The relaxation at the best multipliers decides the branch.
        let l = node.evaluate(&best_u);
        node.fix_by_reduced_costs(l, red.cutoff(ub));
        if let Some(open) = node.complete() {
            let polished = outcome.nodes <= POLISHED_NODES && !stop.reached();
            offer(&open, polished.then_some(true), &mut ub, &mut improved);
        }
        if best >= red.cutoff(ub) {
            continue;
        }
        if outcome.nodes == 1 && !unlimited && ub - best > ROOT_GAP_LIMIT * to_user(ub).abs().max(1.0) {
            // Too far apart for branching to close within the work cap (or cut short by the clock):
            // leave the rest to the local search.
            min_open = best;
            outcome.stopped = stop.reached();
            break;
        }
        let Some(c) = node.branch_column() else {
            // Nothing left to decide: the completion above is this node's optimum.
            continue;
        };
        if red.slots.is_some() && node.slots == 0 {
            continue;
        }
        let mut zero = node.state.clone();
        zero[c] = ZERO;
        let mut one = node.state;
        one[c] = ONE;
        stack.push((zero, best_u.clone(), best));
        stack.push((one, best_u, best));
    }
    // What the local search still holds (it may end sooner when stopped).
    if let Some((value, sites)) = polish.as_mut().and_then(|p| p.collect(true)) {
        if improves(to_min(value), ub) {
            ub = to_min(value);
            improved = Some(sites);
        }
    }
    if let Some(sites) = improved {
        outcome.improved = Some((to_user(ub), sites));
    }

    if min_open.is_finite() {
        // Stopped: the weakest open node bounds what is left.
        let b = if red.integral { (min_open - 1e-6).ceil() } else { min_open };
        let b = b.min(ub).max(floor);
        outcome.bound = to_user(b);
    } else {
        outcome.proven = true;
        outcome.bound = to_user(ub);
    }
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coverage::Coverage;

    struct Lcg(u64);
    impl Lcg {
        fn next(&mut self) -> f64 {
            self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (self.0 >> 33) as f64 / (1u64 << 31) as f64
        }
    }

    fn instance(rng: &mut Lcg, n: usize, radius: f64) -> Coverage {
        let pts: Vec<[f64; 2]> = (0..n).map(|_| [rng.next() * 6000.0, rng.next() * 6000.0]).collect();
        let m: Vec<f64> = (0..n * n)
            .map(|k| {
                let (a, b) = (pts[k / n], pts[k % n]);
                ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt()
            })
            .collect();
        Coverage::from_matrix(&m, n, n, radius).unwrap()
    }

    fn covered(p: &CoverProblem<'_>, sites: &[u32]) -> f64 {
        let c = p.coverage.covered_by(sites.iter().map(|&s| s as usize));
        c.iter().zip(&p.weights).filter(|(c, _)| **c).map(|(_, w)| w).sum()
    }

    /// Exhaustive optimum: most weight with ≤ k sites, or least cost covering `need`.
    fn brute(p: &CoverProblem<'_>, goal: CoverGoal) -> f64 {
        let m = p.coverage.n_sites();
        let fixed = p.fixed_mask();
        let mut best = match goal {
            CoverGoal::MaxSites(_) => f64::NEG_INFINITY,
            CoverGoal::Need(_) => f64::INFINITY,
        };
        for mask in 0u32..(1 << m) {
            let sites: Vec<u32> = (0..m as u32).filter(|s| mask & (1 << s) != 0).collect();
            if (0..m).any(|s| fixed[s] && mask & (1 << s) == 0) || sites.iter().any(|&s| !p.allowed[s as usize]) {
                continue;
            }
            let w = covered(p, &sites);
            match goal {
                CoverGoal::MaxSites(k) if sites.len() <= k => best = best.max(w),
                CoverGoal::Need(need) if w >= need - 1e-9 => {
                    let c: f64 = sites.iter().filter(|&&s| !fixed[s as usize]).map(|&s| p.costs[s as usize]).sum();
                    best = best.min(c);
                }
                _ => {}
            }
        }
        best
    }

    /// Coverage, weights, costs, fixed sites and a forbidden site.
    type Case = (Coverage, Vec<f64>, Vec<f64>, Vec<u32>, usize);

    /// The problem of a case (its forbidden site allowed when it is also fixed).
    fn problem_of(case: &Case) -> CoverProblem<'_> {
        let (cov, w, c, fixed, banned) = case;
        let mut p = CoverProblem::unit(cov);
        p.weights = w.clone();
        p.costs = c.clone();
        p.fixed = fixed.clone();
        if !fixed.contains(&(*banned as u32)) {
            p.allowed[*banned] = false;
        }
        p
    }

    fn problems(seed: u64) -> Vec<Case> {
        let mut rng = Lcg(seed);
        (0..30)
            .map(|k| {
                let n = 12;
                let radius = 1200.0 + 1200.0 * rng.next();
                let cov = instance(&mut rng, n, radius);
                let integral = k % 3 != 0;
                let w: Vec<f64> =
                    (0..n).map(|_| if integral { (rng.next() * 9.0).round() } else { rng.next() * 9.0 }).collect();
                let c: Vec<f64> = (0..n)
                    .map(|_| if integral { 1.0 + (rng.next() * 4.0).round() } else { 0.5 + rng.next() * 4.0 })
                    .collect();
                let fixed = if k % 2 == 0 { vec![(k % n) as u32] } else { Vec::new() };
                (cov, w, c, fixed, k % n)
            })
            .collect()
    }

    #[test]
    fn finished_tree_is_the_enumerated_optimum_and_a_capped_tree_keeps_a_valid_bound() {
        let mut finished = 0;
        for seed in 1..4u64 {
            for case in problems(seed) {
                let (p, fixed) = (problem_of(&case), &case.3);
                let total = p.max_coverable();
                for goal in [
                    CoverGoal::MaxSites(2),
                    CoverGoal::MaxSites(4),
                    CoverGoal::Need(0.7 * total),
                    CoverGoal::Need(total),
                ] {
                    let opt = brute(&p, goal);
                    // A weak incumbent (the fixed sites alone, or an unbounded cost) and a strong one.
                    let weak = match goal {
                        CoverGoal::MaxSites(_) => covered(&p, fixed),
                        CoverGoal::Need(_) => f64::INFINITY,
                    };
                    for (incumbent, root) in [
                        (
                            weak,
                            match goal {
                                CoverGoal::MaxSites(_) => total,
                                CoverGoal::Need(_) => 0.0,
                            },
                        ),
                        (opt, opt),
                    ] {
                        let out = cover_tree(&p, None, goal, incumbent, root, f64::INFINITY, Stop::never(), None);
                        assert!(out.proven);
                        finished += 1;
                        let best = match &out.improved {
                            Some((v, sites)) => {
                                // The returned plan is what it claims and obeys every constraint.
                                assert!(fixed.iter().all(|f| sites.contains(f)));
                                assert!(sites.iter().all(|&s| p.allowed[s as usize] || fixed.contains(&s)));
                                match goal {
                                    CoverGoal::MaxSites(k) => {
                                        assert!(sites.len() <= k);
                                        assert!((covered(&p, sites) - v).abs() < 1e-9);
                                    }
                                    CoverGoal::Need(need) => {
                                        assert!(covered(&p, sites) >= need - 1e-9);
                                        let cost: f64 = sites
                                            .iter()
                                            .filter(|s| !fixed.contains(s))
                                            .map(|&s| p.costs[s as usize])
                                            .sum();
                                        assert!((cost - v).abs() < 1e-9);
                                    }
                                }
                                *v
                            }
                            None => incumbent,
                        };
                        assert!((best - opt).abs() < 1e-6, "seed {seed} {goal:?}: {best} vs optimum {opt}");
                        assert!((out.bound - opt).abs() < 1e-6, "seed {seed} {goal:?}: bound {} vs {opt}", out.bound);
                        if incumbent == opt {
                            assert!(out.improved.is_none(), "nothing beats the optimum");
                        }
                    }
                    // Capped after the root: a finished tree has the optimum, an unfinished one a
                    // bound on the right side of it.
                    let trivial = match goal {
                        CoverGoal::MaxSites(_) => total,
                        CoverGoal::Need(_) => 0.0,
                    };
                    let out = cover_tree(&p, None, goal, weak, trivial, 1.0, Stop::never(), None);
                    let best = out.improved.as_ref().map_or(weak, |i| i.0);
                    if out.proven {
                        assert!((best - opt).abs() < 1e-6, "{goal:?}: proven {best} vs optimum {opt}");
                    }
                    match goal {
                        CoverGoal::MaxSites(_) => assert!(out.bound >= opt - 1e-6, "{goal:?}: {} < {opt}", out.bound),
                        CoverGoal::Need(_) => assert!(out.bound <= opt + 1e-6, "{goal:?}: {} > {opt}", out.bound),
                    }
                }
            }
        }
        assert!(finished >= 700);
    }

    #[test]
    fn rank_keys_order_like_total_cmp_then_column() {
        let values =
            [-1e300, -3.5, -1.0, -1e-300, -0.0, 0.0, 1e-300, 2.0, 7.25, 1e300, f64::INFINITY, f64::NEG_INFINITY];
        for &a in &values {
            for &b in &values {
                for (i, j) in [(0u32, 1u32), (1, 0), (5, 5), (u32::MAX, 0)] {
                    let want = a.total_cmp(&b).then(i.cmp(&j));
                    assert_eq!(rank_key(a, i).cmp(&rank_key(b, j)), want, "{a} {i} vs {b} {j}");
                }
            }
        }
    }

    #[test]
    fn cheapest_prefix_equals_sorting() {
        let mut rng = Lcg(5);
        for n in [1usize, 2, 3, 10, 57, 200] {
            for _ in 0..20 {
                let weight: Vec<f64> = (0..n).map(|_| 0.5 + (rng.next() * 4.0).round()).collect();
                let items: Vec<(f64, u32)> = (0..n as u32).map(|r| ((rng.next() * 5.0).round(), r)).collect();
                let total: f64 = weight.iter().sum();
                let need = rng.next() * total * 1.1;
                // Value of the cheapest fractional choice, by sorting.
                let mut sorted = items.clone();
                sorted.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                let fill = |list: &[(f64, u32)]| {
                    let (mut left, mut value) = (need, 0.0);
                    for &(key, r) in list {
                        let y = (left / weight[r as usize]).min(1.0);
                        if y <= 0.0 {
                            break;
                        }
                        value += y * key * weight[r as usize];
                        left -= y * weight[r as usize];
                    }
                    value
                };
                let mut quick = items.clone();
                let k = cheapest_prefix(&mut quick, &weight, need);
                assert!((fill(&quick[..k]) - fill(&sorted)).abs() < 1e-9, "n {n}");
            }
        }
    }

    #[test]
    fn reductions_keep_the_optimum() {
        // Site 1 covers {0, 1}, site 0 only {0}: site 0 is dominated; villages 2 and 3 are covered
        // by the same sites and merge.
        let m = vec![
            0.0, 500.0, 9e9, //
            9e9, 0.0, 9e9, //
            9e9, 9e9, 0.0, //
            9e9, 9e9, 0.0,
        ];
        let cov = Coverage::from_matrix(&m, 4, 3, 600.0).unwrap();
        let mut p = CoverProblem::unit(&cov);
        p.weights = vec![1.0, 2.0, 3.0, 4.0];
        let red = Reduced::new(&p, CoverGoal::MaxSites(1));
        assert_eq!(red.site, vec![1, 2]);
        assert_eq!(red.weight, vec![3.0, 7.0]);
        let out = cover_tree(&p, None, CoverGoal::MaxSites(1), 0.0, 10.0, f64::INFINITY, Stop::never(), None);
        assert_eq!(out.improved.map(|i| i.1), Some(vec![2]));
        assert!(out.proven);
        assert_eq!(out.bound, 7.0);
    }

    /// Dominance rounds that test every column and row against every other, by brute force.
    fn drop_dominated_by_brute_force(red: &mut Reduced) {
        for _ in 0..DOMINANCE_ROUNDS {
            let (cols, rows) = (&red.cols, &red.rows);
            let cols_out: Vec<bool> = (0..cols.len())
                .map(|i| {
                    let own = cols.of(i);
                    own.is_empty()
                        || (0..cols.len()).any(|k| {
                            let other = cols.of(k);
                            k != i
                                && subset(own, other)
                                && red.cost[k] <= red.cost[i]
                                && (red.cost[k] < red.cost[i] || other.len() > own.len() || k < i)
                        })
                })
                .collect();
            let rows_out: Vec<bool> = (0..rows.len())
                .map(|r| {
                    let own = rows.of(r);
                    red.full
                        && (0..rows.len()).any(|q| {
                            let other = rows.of(q);
                            q != r && subset(other, own) && (other.len() < own.len() || q < r)
                        })
                })
                .collect();
            if !cols_out.iter().any(|&d| d) && !rows_out.iter().any(|&d| d) {
                return;
            }
            red.retain(&cols_out, &rows_out);
        }
    }

    /// Also the single round under max coverage and a partial target (no row can go, so a second
    /// round would find nothing): the brute force runs every round.
    #[test]
    fn dominance_rounds_test_only_what_changed_and_remove_the_same() {
        let mut reduced_rows = 0;
        for seed in 1..4u64 {
            for case in problems(seed) {
                let p = problem_of(&case);
                let total = p.max_coverable();
                for goal in [CoverGoal::Need(total), CoverGoal::Need(0.8 * total), CoverGoal::MaxSites(3)] {
                    let mut fast = Reduced::undominated(&p, goal);
                    let mut slow = Reduced::undominated(&p, goal);
                    let rows_before = fast.rows.len();
                    fast.drop_dominated();
                    drop_dominated_by_brute_force(&mut slow);
                    assert_eq!(
                        (&fast.site, &fast.rows.off, &fast.rows.idx),
                        (&slow.site, &slow.rows.off, &slow.rows.idx)
                    );
                    assert_eq!((&fast.weight, fast.need), (&slow.weight, slow.need));
                    reduced_rows += usize::from(fast.rows.len() < rows_before);
                }
            }
        }
        assert!(reduced_rows > 10, "only {reduced_rows} problems lost rows");
    }

    #[test]
    fn village_lists_are_the_filtered_transpose() {
        let mut rng = Lcg(7);
        let cov = instance(&mut rng, 14, 2500.0);
        let by_village = cov.transpose();
        let candidate: Vec<bool> = (0..cov.n_sites()).map(|s| s % 3 != 1).collect();
        let keep: Vec<bool> = (0..cov.n_villages()).map(|v| v % 4 != 2).collect();
        let lists = village_lists(&cov, &candidate, &keep);
        assert_eq!(lists.len(), cov.n_villages());
        for v in 0..cov.n_villages() {
            let want: Vec<u32> =
                by_village.villages_of(v).iter().copied().filter(|&s| keep[v] && candidate[s as usize]).collect();
            assert_eq!(lists.of(v), &want[..], "village {v}");
        }
    }

    #[test]
    fn merging_matches_a_pairwise_reference_on_many_duplicates() {
        // Short lists over a small alphabet repeat often; the reference compares every pair.
        let mut rng = Lcg(11);
        let mut lists = Lists::empty();
        let mut weight = Vec::new();
        for _ in 0..400 {
            let len = (rng.next() * 4.0) as usize;
            let mut l: Vec<u32> = (0..len).map(|_| (rng.next() * 6.0) as u32).collect();
            l.sort_unstable();
            l.dedup();
            lists.push(l);
            weight.push((rng.next() * 10.0).round());
        }
        let (merged, merged_weight, slot) = lists.merge_identical(&weight);
        let mut want: Vec<(Vec<u32>, f64)> = Vec::new();
        for i in 0..lists.len() {
            let own = lists.of(i);
            if own.is_empty() {
                continue;
            }
            match want.iter_mut().find(|(l, _)| l == own) {
                Some((_, w)) => *w += weight[i],
                None => want.push((own.to_vec(), weight[i])),
            }
        }
        let got: Vec<(Vec<u32>, f64)> = (0..merged.len()).map(|i| (merged.of(i).to_vec(), merged_weight[i])).collect();
        assert_eq!(got, want);
        for i in 0..lists.len() {
            match lists.of(i) {
                [] => assert_eq!(slot[i], u32::MAX),
                own => assert_eq!(merged.of(slot[i] as usize), own),
            }
        }
        assert!(want.len() < 100, "too few duplicates to test merging: {}", want.len());
    }

    #[test]
    fn merging_identical_lists_keeps_first_appearances_and_adds_weights() {
        let mut lists = Lists::empty();
        for l in [vec![1u32, 3], vec![], vec![0, 2], vec![1, 3], vec![1], vec![0, 2], vec![1, 3]] {
            lists.push(l);
        }
        let (merged, weight, slot) = lists.merge_identical(&[1.0, 5.0, 2.0, 3.0, 4.0, 6.0, 0.5]);
        assert_eq!(slot, vec![0, u32::MAX, 1, 0, 2, 1, 0]);
        let got: Vec<Vec<u32>> = (0..merged.len()).map(|i| merged.of(i).to_vec()).collect();
        assert_eq!(got, vec![vec![1, 3], vec![0, 2], vec![1]]);
        assert_eq!(weight, vec![4.5, 8.0, 4.0]);
        // Transposing twice gives the lists back (each ascending).
        let t = merged.transpose(4);
        let back = t.transpose(merged.len());
        assert_eq!((back.off.clone(), back.idx.clone()), (merged.off.clone(), merged.idx.clone()));
        assert_eq!(t.of(1), &[0, 2]);
    }
}
