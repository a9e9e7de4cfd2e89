//! Swap-based local search for the p-median problem with the fast interchange of Resende &
//! Werneck (2004).
//!
//! The structure keeps, for every demand row `u`, its nearest and second-nearest open sites
//! (`φ1(u)`, `φ2(u)` at `d1(u)`, `d2(u)`), and three incremental tables (Resende & Werneck, "A
//! fast swap-based local search procedure for location problems", Annals of OR 150 (2007), and
//! "A hybrid heuristic for the p-median problem", J. Heuristics 10 (2004)):
//!
//! * `gain(f)`: the saving of opening the closed site `f`, `Σ_u max(0, d1(u) − c(u, f))`;
//! * `loss(r)`: the cost of closing the open site `r`, `Σ_{φ1(u) = r} (d2(u) − d1(u))`;
//! * `extra(r, f)`: `Σ_{φ1(u) = r, c(u,f) < d2(u)} (d2(u) − max(c(u, f), d1(u)))`,
//!
//! so that swapping `r` out and `f` in saves exactly `gain(f) − loss(r) + extra(r, f)`. After a
//! swap only the rows whose `φ1`/`φ2` change are re-accounted (Whitaker's "fast interchange" idea,
//! made incremental by Resende & Werneck). Each row's candidate sites are pre-sorted by cost, so a
//! row's contribution touches only the sites closer than `d2(u)`.

use crate::progress::Stop;

const NONE: u32 = u32::MAX;

/// A p-median instance prepared for the local search: weighted, finite costs, per-row sorted
/// candidate lists, fixed and candidate masks.
#[derive(Debug, Clone)]
pub(crate) struct MedianInstance {
    /// Demand rows.
    pub n: usize,
    /// Sites (columns of `wc`).
    pub m: usize,
    /// Number of open sites, fixed ones included.
    pub p: usize,
    /// Weighted effective costs `w_i · c'(i, s)`, row-major n × m, all finite.
    pub wc: std::sync::Arc<[f64]>,
    /// Entries per row in the sorted lists (number of candidate sites).
    pub l: usize,
    /// Per row, the candidate sites sorted by `wc` (ties by index), n × l.
    pub nb_site: Vec<u32>,
    /// The matching costs, n × l.
    pub nb_cost: Vec<f64>,
    /// Sites that are always open.
    pub fixed: Vec<bool>,
    /// Sites that may be open (fixed ones included).
    pub candidate: Vec<bool>,
    /// Candidate sites that are not fixed, ascending.
    pub free: Vec<u32>,
    /// A cost above every entry (the "second nearest" when only one site is open).
    pub far: f64,
}

impl MedianInstance {
    /// Build the sorted lists for the given masks.
    pub fn new(n: usize, m: usize, p: usize, wc: Vec<f64>, fixed: Vec<bool>, candidate: Vec<bool>) -> Self {
        let cand: Vec<u32> = (0..m as u32).filter(|&s| candidate[s as usize]).collect();
        let l = cand.len();
        let mut nb_site = vec![0u32; n * l];
        let mut nb_cost = vec![0f64; n * l];
        let mut far = 0.0f64;
        for i in 0..n {
            let row = &wc[i * m..(i + 1) * m];
            let out = &mut nb_site[i * l..(i + 1) * l];
            out.copy_from_slice(&cand);
            out.sort_unstable_by(|&a, &b| row[a as usize].total_cmp(&row[b as usize]).then(a.cmp(&b)));
            for k in 0..l {
                nb_cost[i * l + k] = row[out[k] as usize];
            }
            if l > 0 {
                far = far.max(nb_cost[i * l + l - 1]);
            }
        }
        let free = cand.iter().copied().filter(|&s| !fixed[s as usize]).collect();
        Self { n, m, p, wc: wc.into(), l, nb_site, nb_cost, fixed, candidate, free, far: 2.0 * far + 1.0 }
    }

    /// The same instance with fewer candidates (`closed` sites removed) and more fixed sites
    /// (`open` ones), reusing the sorted lists.
    pub fn restrict(&self, closed: &[bool], open: &[bool]) -> Self {
        let candidate: Vec<bool> = (0..self.m).map(|s| self.candidate[s] && !closed[s]).collect();
        let fixed: Vec<bool> = (0..self.m).map(|s| self.fixed[s] || (open[s] && candidate[s])).collect();
        let l = candidate.iter().filter(|&&c| c).count();
        let mut nb_site = Vec::with_capacity(self.n * l);
        let mut nb_cost = Vec::with_capacity(self.n * l);
        for i in 0..self.n {
            for k in i * self.l..(i + 1) * self.l {
                let s = self.nb_site[k];
                if candidate[s as usize] {
                    nb_site.push(s);
                    nb_cost.push(self.nb_cost[k]);
                }
            }
        }
        let free = (0..self.m as u32).filter(|&s| candidate[s as usize] && !fixed[s as usize]).collect();
        Self {
            n: self.n,
            m: self.m,
            p: self.p,
            wc: self.wc.clone(),
            l,
            nb_site,
            nb_cost,
            fixed,
            candidate,
            free,
            far: self.far,
        }
    }

    /// Sorted candidate sites of row `i`.
    #[inline]
    pub fn sites_of(&self, i: usize) -> &[u32] {
        &self.nb_site[i * self.l..(i + 1) * self.l]
    }

    /// Sorted costs of row `i`.
    #[inline]
    pub fn costs_of(&self, i: usize) -> &[f64] {
        &self.nb_cost[i * self.l..(i + 1) * self.l]
    }

    /// Objective of a set of open sites (sum over rows of the cheapest open site).
    #[cfg(test)]
    pub fn evaluate(&self, open: &[bool]) -> f64 {
        (0..self.n)
            .map(|i| {
                let sites = self.sites_of(i);
                let k = sites.iter().position(|&s| open[s as usize]).unwrap_or(self.l.saturating_sub(1));
                self.costs_of(i).get(k).copied().unwrap_or(self.far)
            })
            .sum()
    }

    /// Fixed sites, ascending.
    pub fn fixed_sites(&self) -> Vec<u32> {
        (0..self.m as u32).filter(|&s| self.fixed[s as usize]).collect()
    }
}

/// The Resende–Werneck local search state for one solution.
#[derive(Debug, Clone)]
pub(crate) struct SwapSearch<'a> {
    inst: &'a MedianInstance,
    open: Vec<bool>,
    slot: Vec<u32>,
    sites: Vec<u32>,
    d1: Vec<f64>,
    d2: Vec<f64>,
    f1: Vec<u32>,
    f2: Vec<u32>,
    gain: Vec<f64>,
    loss: Vec<f64>,
    extra: Vec<f64>,
    affected: Vec<u32>,
    /// Whether to find the best swap by enumerating the (row, closer site) pairs rather than by a
    /// dense scan of the p × m table (cheaper when p² > 2n).
    sparse_scan: bool,
    /// Improving swaps applied so far.
    pub moves: u64,
}

impl<'a> SwapSearch<'a> {
    /// Allocate the tables for `inst` (no solution loaded yet).
    pub fn new(inst: &'a MedianInstance) -> Self {
        let (n, m, p) = (inst.n, inst.m, inst.p);
        Self {
            inst,
            open: vec![false; m],
            slot: vec![NONE; m],
            sites: Vec::with_capacity(p),
            d1: vec![0.0; n],
            d2: vec![0.0; n],
            f1: vec![NONE; n],
            f2: vec![NONE; n],
            gain: vec![0.0; m],
            loss: vec![0.0; p],
            extra: vec![0.0; p * m],
            affected: Vec::with_capacity(n),
            sparse_scan: p * p > 2 * n,
            moves: 0,
        }
    }

    /// Load a solution: exactly `p` distinct candidate sites including every fixed one.
    pub fn load(&mut self, sites: &[u32]) {
        let inst = self.inst;
        debug_assert_eq!(sites.len(), inst.p);
        self.open.fill(false);
        self.slot.fill(NONE);
        self.sites.clear();
        for (r, &s) in sites.iter().enumerate() {
            self.open[s as usize] = true;
            self.slot[s as usize] = r as u32;
            self.sites.push(s);
        }
        for s in 0..inst.m {
            self.gain[s] = if inst.candidate[s] && !inst.fixed[s] { 0.0 } else { f64::NEG_INFINITY };
        }
        self.loss.fill(0.0);
        self.extra.fill(0.0);
        for u in 0..inst.n {
            self.locate(u);
            self.account(u, 1.0);
        }
    }

    /// Recompute the nearest and second-nearest open sites of row `u`.
    #[inline]
    fn locate(&mut self, u: usize) {
        let sites = self.inst.sites_of(u);
        let costs = self.inst.costs_of(u);
        let mut first = true;
        self.f2[u] = NONE;
        self.d2[u] = self.inst.far;
        for (k, &s) in sites.iter().enumerate() {
            if self.open[s as usize] {
                if first {
                    self.f1[u] = s;
                    self.d1[u] = costs[k];
                    first = false;
                } else {
                    self.f2[u] = s;
                    self.d2[u] = costs[k];
                    break;
                }
            }
        }
    }

    /// Add (`sign = 1`) or remove (`sign = -1`) the contribution of row `u` to gain, loss, extra.
    #[inline]
    fn account(&mut self, u: usize, sign: f64) {
        let (d1, d2) = (self.d1[u], self.d2[u]);
        let r = self.slot[self.f1[u] as usize] as usize;
        self.loss[r] += sign * (d2 - d1);
        let sites = self.inst.sites_of(u);
        let costs = self.inst.costs_of(u);
        let m = self.inst.m;
        let extra = &mut self.extra[r * m..(r + 1) * m];
        for (k, &c) in costs.iter().enumerate() {
            if c >= d2 {
                break;
            }
            let f = sites[k] as usize;
            if self.open[f] {
                continue;
            }
            if c < d1 {
                self.gain[f] += sign * (d1 - c);
            }
            extra[f] += sign * (d2 - c.max(d1));
        }
    }

    /// The best swap `(slot, site in, saving)`, ties to the first found in a fixed order.
    pub fn best_swap(&self) -> Option<(usize, u32, f64)> {
        let inst = self.inst;
        let m = inst.m;
        let mut best: Option<(usize, u32, f64)> = None;
        let mut consider = |r: usize, f: u32, v: f64| {
            if best.is_none_or(|b| v > b.2) {
                best = Some((r, f, v));
            }
        };
        if self.sparse_scan {
            // Pairs with extra > 0 come from (slot of φ1(u), f) with c(u, f) < d2(u).
            for u in 0..inst.n {
                let f1 = self.f1[u] as usize;
                if inst.fixed[f1] {
                    continue;
                }
                let r = self.slot[f1] as usize;
                let base = -self.loss[r];
                let sites = inst.sites_of(u);
                for (k, &c) in inst.costs_of(u).iter().enumerate() {
                    if c >= self.d2[u] {
                        break;
                    }
                    let f = sites[k];
                    if !self.open[f as usize] {
                        consider(r, f, base + self.gain[f as usize] + self.extra[r * m + f as usize]);
                    }
                }
            }
            // Every other pair has extra = 0: the best is the largest gain with the smallest loss.
            let fg =
                inst.free.iter().copied().filter(|&f| !self.open[f as usize]).fold(
                    None,
                    |acc: Option<u32>, f| match acc {
                        Some(a) if self.gain[a as usize] >= self.gain[f as usize] => Some(a),
                        _ => Some(f),
                    },
                );
            let rl = (0..self.sites.len()).filter(|&r| !inst.fixed[self.sites[r] as usize]).fold(
                None,
                |acc: Option<usize>, r| match acc {
                    Some(a) if self.loss[a] <= self.loss[r] => Some(a),
                    _ => Some(r),
                },
            );
            if let (Some(f), Some(r)) = (fg, rl) {
                consider(r, f, self.gain[f as usize] - self.loss[r] + self.extra[r * m + f as usize]);
            }
        } else {
            for r in 0..self.sites.len() {
                if inst.fixed[self.sites[r] as usize] {
                    continue;
                }
                let row = &self.extra[r * m..(r + 1) * m];
                let mut bv = f64::NEG_INFINITY;
                let mut bf = 0usize;
                for (f, (&g, &e)) in self.gain.iter().zip(row).enumerate() {
                    let v = g + e;
                    if v > bv {
                        bv = v;
                        bf = f;
                    }
                }
                if bv > f64::NEG_INFINITY && !self.open[bf] {
                    consider(r, bf as u32, bv - self.loss[r]);
                }
            }
        }
        best
    }

    /// Close the site in slot `r` and open `f_in`, updating every table.
    pub fn apply_swap(&mut self, r: usize, f_in: u32) {
        let inst = self.inst;
        let m = inst.m;
        let out = self.sites[r];
        self.affected.clear();
        for u in 0..inst.n {
            if self.f1[u] == out || self.f2[u] == out || inst.wc[u * m + f_in as usize] < self.d2[u] {
                self.affected.push(u as u32);
            }
        }
        let affected = std::mem::take(&mut self.affected);
        for &u in &affected {
            self.account(u as usize, -1.0);
        }
        self.open[out as usize] = false;
        self.slot[out as usize] = NONE;
        self.open[f_in as usize] = true;
        self.slot[f_in as usize] = r as u32;
        self.sites[r] = f_in;
        // Every row served by `out` was removed: reset the slot exactly (no rounding drift).
        self.loss[r] = 0.0;
        self.extra[r * m..(r + 1) * m].fill(0.0);
        self.gain[f_in as usize] = 0.0;
        self.gain[out as usize] = 0.0;
        for q in 0..self.sites.len() {
            self.extra[q * m + f_in as usize] = 0.0;
        }
        for &u in &affected {
            self.locate(u as usize);
            self.account(u as usize, 1.0);
        }
        self.affected = affected;
    }

    /// Apply best-improvement swaps until none saves more than a relative 1e-12 (or the deadline
    /// passes). Returns the number of swaps made.
    pub fn descend(&mut self, deadline: Stop<'_>) -> u64 {
        let mut made = 0u64;
        loop {
            let tol = 1e-12 * self.cost().abs().max(1.0);
            match self.best_swap() {
                Some((r, f, v)) if v > tol => {
                    self.apply_swap(r, f);
                    made += 1;
                }
                _ => break,
            }
            if made % 16 == 0 && deadline.reached() {
                break;
            }
        }
        self.moves += made;
        made
    }

    /// Objective of the loaded solution (sum over rows of the nearest open site's cost).
    pub fn cost(&self) -> f64 {
        self.d1.iter().sum()
    }

    /// Open sites, ascending.
    pub fn solution(&self) -> Vec<u32> {
        let mut s = self.sites.clone();
        s.sort_unstable();
        s
    }

    /// Open sites in slot order.
    pub fn slots(&self) -> &[u32] {
        &self.sites
    }

    /// Whether site `s` is open.
    pub fn is_open(&self, s: usize) -> bool {
        self.open[s]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line_instance(n: usize, p: usize) -> MedianInstance {
        let wc: Vec<f64> = (0..n * n).map(|k| ((k / n) as f64 - (k % n) as f64).abs()).collect();
        MedianInstance::new(n, n, p, wc, vec![false; n], vec![true; n])
    }

    #[test]
    fn profits_match_recomputation() {
        let mut state = 7u64;
        let mut rnd = || {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (state >> 33) as usize
        };
        for &(n, p) in &[(12usize, 1usize), (12, 3), (20, 6), (9, 8)] {
            let wc: Vec<f64> = (0..n * n).map(|_| (rnd() % 50) as f64).collect();
            let inst = MedianInstance::new(n, n, p, wc, vec![false; n], vec![true; n]);
            let mut ls = SwapSearch::new(&inst);
            let start: Vec<u32> = (0..p as u32).collect();
            ls.load(&start);
            for _ in 0..30 {
                // Every swap's predicted saving equals the recomputed one.
                for r in 0..p {
                    for f in 0..n as u32 {
                        if ls.is_open(f as usize) {
                            continue;
                        }
                        let mut open = vec![false; n];
                        for &s in ls.slots() {
                            open[s as usize] = true;
                        }
                        let before = inst.evaluate(&open);
                        open[ls.slots()[r] as usize] = false;
                        open[f as usize] = true;
                        let after = inst.evaluate(&open);
                        let pred = ls.gain[f as usize] - ls.loss[r] + ls.extra[r * n + f as usize];
                        assert!((before - after - pred).abs() < 1e-9, "n={n} p={p} r={r} f={f}");
                    }
                }
                let r = rnd() % p;
                let f = loop {
                    let f = (rnd() % n) as u32;
                    if !ls.is_open(f as usize) {
                        break f;
                    }
                };
                if p < n {
                    ls.apply_swap(r, f);
                }
            }
        }
    }

    #[test]
    fn descends_to_a_swap_local_optimum_on_a_line() {
        let inst = line_instance(10, 2);
        let mut ls = SwapSearch::new(&inst);
        ls.load(&[0, 1]);
        ls.descend(Stop::never());
        // {1, 6} costs 13 and no single swap improves it (the optimum {2, 7} needs two).
        assert_eq!((ls.solution(), ls.cost()), (vec![1, 6], 13.0));
        let mut open = vec![false; 10];
        for &s in ls.slots() {
            open[s as usize] = true;
        }
        for r in ls.solution() {
            for f in 0..10 {
                if !open[f] {
                    let mut o = open.clone();
                    o[r as usize] = false;
                    o[f] = true;
                    assert!(inst.evaluate(&o) >= 13.0);
                }
            }
        }
    }
}
