//! Lagrangian lower bounds with subgradient optimisation: p-median (assignment constraints
//! relaxed) and set cover (cover constraints relaxed, used by the p-center decision problem).
//!
//! * p-median: Cornuéjols, Fisher & Nemhauser (1977, "Location of bank accounts to optimize
//!   float", Management Science 23) relax `Σ_s x(i,s) = 1` with multipliers `λ_i`; the relaxed
//!   problem opens the p sites with the most negative `ρ_s = Σ_i min(0, c(i,s) − λ_i)`, and
//!   `L(λ) = Σ_i λ_i + Σ_{s open} ρ_s` is a lower bound for every λ. Beasley (1993, "Lagrangean
//!   heuristics for location problems", EJOR 65) adds the subgradient schedule used here,
//!   reduced-cost variable fixing and the Lagrangian heuristic (local search from the relaxed
//!   solution).
//! * set cover: Beasley (1990, "A Lagrangian heuristic for set-covering problems", NRL 37) relaxes
//!   `Σ_{s ∋ i} y_s ≥ 1` with `u_i ≥ 0`: `L(u) = Σ_i u_i + Σ_s min(0, 1 − Σ_{i ∈ S_s} u_i)` bounds the
//!   fewest sites that cover every row.
//!
//! Polyak step sizes `t = α (target − L) / ‖g‖²` with α halved after a run of non-improving
//! iterations (Held, Wolfe & Crowder 1974).

use rayon::prelude::*;

use super::local_search::MedianInstance;
use crate::progress::Stop;

/// Rows per work item of the p-median subgradient evaluation (fixed, so the sums do not depend
/// on the thread count).
const ROW_CHUNK: usize = 256;

/// Sorted-list entries (rows × candidate sites) from which an evaluation runs on the rayon pool.
const PARALLEL_THRESHOLD: usize = 60_000;

/// Absolute slack for float round-off when comparing bounds (relative to the magnitude).
#[inline]
pub(crate) fn slack(x: f64) -> f64 {
    1e-9 * x.abs().max(1.0)
}

/// The best lower bound implied by a Lagrangian value: rounded up when every cost is an integer.
#[inline]
pub(crate) fn rounded_bound(lb: f64, integral: bool) -> f64 {
    if integral {
        (lb - slack(lb)).ceil()
    } else {
        lb - slack(lb)
    }
}

/// Whether a Lagrangian value proves that no solution costs less than `ub`.
#[inline]
pub(crate) fn proves(lb: f64, ub: f64, integral: bool) -> bool {
    rounded_bound(lb, integral) >= ub
}

/// Subgradient state for the p-median relaxation of one instance.
#[derive(Debug, Clone)]
pub(crate) struct MedianDual<'a> {
    inst: &'a MedianInstance,
    integral: bool,
    /// Multipliers λ_i.
    pub lambda: Vec<f64>,
    rho: Vec<f64>,
    in_y: Vec<bool>,
    grad: Vec<f64>,
    order: Vec<(f64, u32)>,
    /// Sites that no solution better than the cutoff opens.
    pub closed: Vec<bool>,
    /// Sites that every solution better than the cutoff opens (fixed sites included).
    pub forced: Vec<bool>,
    /// Best Lagrangian value found (of the instance restricted by `closed` / `forced`).
    pub best: f64,
    /// Multipliers at `best`.
    pub best_lambda: Vec<f64>,
    /// Iterations run.
    pub iterations: u64,
    /// Current step factor α.
    pub alpha: f64,
    /// Whether the last relaxed solution satisfied every relaxed constraint (it is then optimal
    /// for the restricted problem and its value is a feasible cost).
    pub relaxed_feasible: bool,
    /// Per-chunk partial sums of ρ.
    partial: Vec<f64>,
    /// Whether evaluations use the rayon pool.
    parallel: bool,
}

/// The relaxed solution at one λ.
#[derive(Debug, Clone)]
pub(crate) struct DualPoint {
    /// L(λ).
    pub value: f64,
    /// Open sites of the relaxed problem, ascending.
    pub open: Vec<u32>,
}

impl<'a> MedianDual<'a> {
    /// Start from multipliers `lambda` (one per row).
    pub fn new(inst: &'a MedianInstance, lambda: Vec<f64>, integral: bool) -> Self {
        let forced = inst.fixed.clone();
        let closed = inst.candidate.iter().map(|c| !c).collect();
        Self {
            inst,
            integral,
            best_lambda: lambda.clone(),
            lambda,
            rho: vec![0.0; inst.m],
            in_y: vec![false; inst.m],
            grad: vec![0.0; inst.n],
            order: Vec::with_capacity(inst.m),
            closed,
            forced,
            best: f64::NEG_INFINITY,
            iterations: 0,
            alpha: 1.0,
            relaxed_feasible: false,
            partial: Vec::new(),
            parallel: inst.n * inst.l >= PARALLEL_THRESHOLD,
        }
    }

    /// Evaluate L at the current λ: fills ρ, the relaxed solution and the subgradient.
    pub fn evaluate(&mut self) -> DualPoint {
        let inst = self.inst;
        let m = inst.m;
        // ρ in fixed row chunks, summed in chunk order: the same floating-point result whether
        // the chunks run on one thread or many.
        let chunks = inst.n.div_ceil(ROW_CHUNK);
        self.partial.resize(chunks * m, 0.0);
        let lambda = &self.lambda;
        let parallel = self.parallel;
        let chunk_rho = |(ch, part): (usize, &mut [f64])| {
            part.fill(0.0);
            let first = ch * ROW_CHUNK;
            for (i, &lam) in lambda.iter().enumerate().skip(first).take(ROW_CHUNK) {
                for (&c, &site) in inst.costs_of(i).iter().zip(inst.sites_of(i)) {
                    if c >= lam {
                        break;
                    }
                    part[site as usize] += c - lam;
                }
            }
        };
        if parallel {
            self.partial.par_chunks_mut(m).enumerate().for_each(chunk_rho);
        } else {
            self.partial.chunks_mut(m).enumerate().for_each(chunk_rho);
        }
        self.rho.copy_from_slice(&self.partial[..m]);
        for part in self.partial[m..].chunks(m) {
            for (r, &x) in self.rho.iter_mut().zip(part) {
                *r += x;
            }
        }
        // Forced sites, then the most negative ρ among the rest (ties by index).
        self.in_y.fill(false);
        let mut value: f64 = self.lambda.iter().sum();
        let mut count = 0usize;
        for s in 0..inst.m {
            if self.forced[s] {
                self.in_y[s] = true;
                value += self.rho[s];
                count += 1;
            }
        }
        self.order.clear();
        for s in 0..inst.m {
            if !self.forced[s] && !self.closed[s] {
                self.order.push((self.rho[s], s as u32));
            }
        }
        let need = inst.p.saturating_sub(count).min(self.order.len());
        if need > 0 && need < self.order.len() {
            self.order.select_nth_unstable_by(need - 1, |a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        }
        for &(r, s) in &self.order[..need] {
            self.in_y[s as usize] = true;
            value += r;
        }
        let (lambda, in_y) = (&self.lambda, &self.in_y);
        let chunk_grad = |(ch, g): (usize, &mut [f64])| {
            for (k, gi) in g.iter_mut().enumerate() {
                let i = ch * ROW_CHUNK + k;
                let lam = lambda[i];
                let mut x = 0u32;
                for (&c, &site) in inst.costs_of(i).iter().zip(inst.sites_of(i)) {
                    if c >= lam {
                        break;
                    }
                    x += u32::from(in_y[site as usize]);
                }
                *gi = 1.0 - f64::from(x);
            }
        };
        if parallel {
            self.grad.par_chunks_mut(ROW_CHUNK).enumerate().for_each(chunk_grad);
        } else {
            self.grad.chunks_mut(ROW_CHUNK).enumerate().for_each(chunk_grad);
        }
        let open = (0..inst.m as u32).filter(|&s| self.in_y[s as usize]).collect();
        DualPoint { value, open }
    }

    /// Reduced-cost fixing at the point just evaluated (Beasley 1993): with `L` the current
    /// value, opening a site `s` outside the relaxed solution costs at least
    /// `L + ρ_s − max_{open} ρ`, and closing an open one at least `L − ρ_s + min_{closed} ρ`. Sites
    /// whose forced change cannot beat `cutoff` are closed / forced open for good. Returns
    /// whether anything changed.
    pub fn fix(&mut self, value: f64, cutoff: f64) -> bool {
        let inst = self.inst;
        let mut worst_in = f64::NEG_INFINITY;
        let mut best_out = f64::INFINITY;
        for s in 0..inst.m {
            if self.forced[s] || self.closed[s] {
                continue;
            }
            if self.in_y[s] {
                worst_in = worst_in.max(self.rho[s]);
            } else {
                best_out = best_out.min(self.rho[s]);
            }
        }
        let mut changed = false;
        for s in 0..inst.m {
            if self.forced[s] || self.closed[s] {
                continue;
            }
            if self.in_y[s] {
                if best_out.is_finite() && proves(value - self.rho[s] + best_out, cutoff, self.integral) {
                    self.forced[s] = true;
                    changed = true;
                }
            } else if worst_in.is_finite() && proves(value + self.rho[s] - worst_in, cutoff, self.integral) {
                self.closed[s] = true;
                changed = true;
            }
        }
        changed
    }

    /// The undecided site of the last relaxed solution with the most negative ρ (closing it
    /// raises the bound the most): the branching variable of the branch and bound.
    pub fn branch_site(&self) -> Option<u32> {
        (0..self.inst.m)
            .filter(|&s| self.in_y[s] && !self.forced[s] && !self.closed[s])
            .min_by(|&a, &b| self.rho[a].total_cmp(&self.rho[b]).then(a.cmp(&b)))
            .map(|s| s as u32)
    }

    /// Whether every cost is an integer (bounds are rounded up).
    pub fn integral(&self) -> bool {
        self.integral
    }

    /// Run up to `max_iter` subgradient iterations against the target `ub` (the incumbent). After
    /// each evaluation `heuristic` gets the relaxed solution and may return a better incumbent.
    /// Stops early when the bound proves `ub` optimal or α falls below `min_alpha`.
    #[allow(clippy::too_many_arguments)]
    pub fn run(
        &mut self,
        ub: &mut f64,
        max_iter: u64,
        patience: u32,
        min_alpha: f64,
        deadline: Stop<'_>,
        mut heuristic: impl FnMut(&DualPoint, u64) -> Option<f64>,
    ) {
        let mut stale = 0u32;
        let mut checkpoint = self.best;
        for _ in 0..max_iter {
            let point = self.evaluate();
            self.iterations += 1;
            if let Some(better) = heuristic(&point, self.iterations) {
                if better < *ub {
                    *ub = better;
                }
            }
            if point.value > self.best {
                if point.value > self.best + slack(self.best) {
                    stale = 0;
                }
                self.best = point.value;
                self.best_lambda.copy_from_slice(&self.lambda);
                if self.fix(point.value, *ub) {
                    stale = 0;
                }
            } else {
                stale += 1;
            }
            if proves(self.best, *ub, self.integral) {
                return;
            }
            let norm: f64 = self.grad.iter().map(|g| g * g).sum();
            if norm == 0.0 {
                // The relaxed solution is feasible: it is optimal for the restricted problem.
                self.relaxed_feasible = true;
                return;
            }
            if stale >= patience {
                self.alpha *= 0.5;
                stale = 0;
                // Restart from the best multipliers.
                self.lambda.copy_from_slice(&self.best_lambda);
                if self.alpha < min_alpha {
                    return;
                }
            }
            let target = if self.integral { *ub - 1.0 + 1e-3 } else { *ub };
            let t = self.alpha * (target.max(point.value + slack(point.value)) - point.value) / norm;
            for (l, g) in self.lambda.iter_mut().zip(&self.grad) {
                *l += t * g;
            }
            if self.iterations % 32 == 0 {
                deadline.tick(self.iterations, max_iter);
                if deadline.reached() {
                    return;
                }
            }
            // Stagnation: over the last 100 iterations the bound closed < 1% of what it still needs.
            if self.iterations % 100 == 0 {
                let needed = if self.integral { *ub - 1.0 } else { *ub } - self.best;
                if checkpoint.is_finite() && self.best - checkpoint < 0.01 * needed {
                    return;
                }
                checkpoint = self.best;
            }
        }
    }
}

/// Subgradient state for the set-cover relaxation: rows to cover (each with its covering
/// columns) and columns (each with its rows).
#[derive(Debug, Clone)]
pub(crate) struct CoverDual {
    /// u_i ≥ 0.
    pub u: Vec<f64>,
    /// Best L found.
    pub best: f64,
    /// Multipliers at `best`.
    pub best_u: Vec<f64>,
    /// Reduced costs `1 − Σ_{i∈S_s} u_i` at the last evaluation.
    pub reduced: Vec<f64>,
    /// Iterations run.
    pub iterations: u64,
}

/// A set-cover instance in CSR form both ways.
#[derive(Debug, Clone, Default)]
pub(crate) struct CoverSets {
    /// Rows.
    pub n_rows: usize,
    /// Columns.
    pub n_cols: usize,
    /// Column → rows offsets (n_cols + 1).
    pub col_off: Vec<usize>,
    /// Column → rows.
    pub col_rows: Vec<u32>,
    /// Row → columns offsets (n_rows + 1).
    pub row_off: Vec<usize>,
    /// Row → columns.
    pub row_cols: Vec<u32>,
}

impl CoverSets {
    /// Build from the row → columns lists.
    pub fn from_rows(n_cols: usize, rows: &[Vec<u32>]) -> Self {
        let n_rows = rows.len();
        let mut row_off = Vec::with_capacity(n_rows + 1);
        row_off.push(0);
        let mut row_cols = Vec::new();
        let mut count = vec![0usize; n_cols + 1];
        for r in rows {
            row_cols.extend_from_slice(r);
            row_off.push(row_cols.len());
            for &c in r {
                count[c as usize + 1] += 1;
            }
        }
        for c in 0..n_cols {
            count[c + 1] += count[c];
        }
        let col_off = count.clone();
        let mut next = count;
        let mut col_rows = vec![0u32; row_cols.len()];
        for (i, r) in rows.iter().enumerate() {
            for &c in r {
                col_rows[next[c as usize]] = i as u32;
                next[c as usize] += 1;
            }
        }
        Self { n_rows, n_cols, col_off, col_rows, row_off, row_cols }
    }

    /// Rows of column `c`.
    #[inline]
    pub fn rows_of(&self, c: usize) -> &[u32] {
        &self.col_rows[self.col_off[c]..self.col_off[c + 1]]
    }

    /// Columns of row `i`.
    #[inline]
    pub fn cols_of(&self, i: usize) -> &[u32] {
        &self.row_cols[self.row_off[i]..self.row_off[i + 1]]
    }
}

impl CoverDual {
    /// Start with `u_i = 1 / |cols of i|` (a feasible dual point of the LP).
    pub fn new(sets: &CoverSets) -> Self {
        let u: Vec<f64> = (0..sets.n_rows).map(|i| 1.0 / sets.cols_of(i).len().max(1) as f64).collect();
        Self { best_u: u.clone(), u, best: f64::NEG_INFINITY, reduced: vec![0.0; sets.n_cols], iterations: 0 }
    }

    /// Subgradient optimisation of the set-cover bound, trying to push it above `p` (the
    /// question is whether `p` columns can cover every row). Returns the best bound found; stops
    /// as soon as it exceeds `p` (infeasible) or when the step factor has shrunk.
    pub fn run(&mut self, sets: &CoverSets, p: usize, max_iter: u64, deadline: Stop<'_>) -> f64 {
        let (n, m) = (sets.n_rows, sets.n_cols);
        let mut grad = vec![0.0; n];
        let mut alpha = 1.0;
        let mut stale = 0;
        let target = p as f64 + 1.0;
        for it in 0..max_iter {
            let mut value: f64 = self.u.iter().sum();
            for c in 0..m {
                let s: f64 = sets.rows_of(c).iter().map(|&i| self.u[i as usize]).sum();
                self.reduced[c] = 1.0 - s;
                if self.reduced[c] < 0.0 {
                    value += self.reduced[c];
                }
            }
            self.iterations += 1;
            if value > self.best + 1e-12 {
                self.best = value;
                self.best_u.copy_from_slice(&self.u);
                stale = 0;
            } else {
                stale += 1;
            }
            if self.best > p as f64 + 1e-7 {
                break;
            }
            // g_i = 1 − #{chosen columns covering i}; chosen = reduced cost < 0.
            for (i, g) in grad.iter_mut().enumerate() {
                let x = sets.cols_of(i).iter().filter(|&&c| self.reduced[c as usize] < 0.0).count();
                *g = 1.0 - x as f64;
                if self.u[i] <= 0.0 && *g < 0.0 {
                    *g = 0.0;
                }
            }
            let norm: f64 = grad.iter().map(|g| g * g).sum();
            if norm == 0.0 {
                break;
            }
            if stale >= 20 {
                alpha *= 0.5;
                stale = 0;
                self.u.copy_from_slice(&self.best_u);
                if alpha < 1e-4 {
                    break;
                }
            }
            let t = alpha * (target - value).max(1e-3) / norm;
            for (x, g) in self.u.iter_mut().zip(&grad) {
                *x = (*x + t * g).max(0.0);
            }
            if it % 32 == 31 && deadline.reached() {
                break;
            }
        }
        self.best
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parallel_and_serial_evaluations_are_identical() {
        let (n, m, p) = (700, 120, 7);
        let mut state = 99u64;
        let wc: Vec<f64> = (0..n * m)
            .map(|_| {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                ((state >> 33) % 1000) as f64 * 0.37
            })
            .collect();
        let inst = MedianInstance::new(n, m, p, wc, vec![false; m], vec![true; m]);
        let lambda: Vec<f64> = (0..n).map(|i| 50.0 + (i % 13) as f64 * 7.3).collect();
        let run = |parallel: bool| {
            let mut d = MedianDual::new(&inst, lambda.clone(), false);
            d.parallel = parallel;
            let mut out = Vec::new();
            let mut ub = f64::INFINITY;
            for _ in 0..5 {
                let pt = d.evaluate();
                out.push((pt.value.to_bits(), pt.open, d.grad.clone()));
                d.run(&mut ub, 3, 10, 1e-3, Stop::never(), |_, _| None);
            }
            out
        };
        let pool = rayon::ThreadPoolBuilder::new().num_threads(2).build().unwrap();
        assert_eq!(pool.install(|| run(true)), run(false));
    }

    #[test]
    fn bound_rounding_is_conservative() {
        assert_eq!(rounded_bound(5818.0001, true), 5819.0);
        // Within the float slack of an integer: treated as that integer (never rounded past it).
        assert_eq!(rounded_bound(5818.0000001, true), 5818.0);
        assert_eq!(rounded_bound(5818.0, true), 5818.0);
        assert_eq!(rounded_bound(5817.9999999999, true), 5818.0);
        assert!(proves(5818.001, 5819.0, true));
        assert!(!proves(5818.0, 5819.0, true));
        assert!(!proves(5818.9, 5819.0, false));
    }
}
