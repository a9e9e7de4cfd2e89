//! Plans under a centre capacity and a village limit.
//!
//! The covering solver picks centres as if they had no capacity; the capacitated assignment
//! ([`assign_capacitated`](crate::group::assign_capacitated)) then forms the communities. Where
//! that assigns less than the target, more centres open greedily, and centres that are no
//! longer needed close again.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use super::options::{CapacityBy, PlanOptions};
use crate::error::{Error, Result};
use crate::group::capacity::{assign_sparse, SparseAssignment};
use crate::group::{assign_capacitated_from, CapacitatedAssignment};
use crate::model::Instance;
use crate::solve::greedy::Candidate;
use crate::solve::{CoverLimit, CoverProblem};

/// Candidates evaluated exactly per greedy step (the best by estimate); the next batch is
/// evaluated only when none of these raises the assigned weight.
const BATCH: usize = 8;

/// Each village's load on a centre: households or people.
pub(crate) fn loads(county: &Instance, by: CapacityBy) -> Vec<f64> {
    county
        .villages()
        .iter()
        .map(|v| match by {
            CapacityBy::Households => v.households_or_default(),
            CapacityBy::Population => v.population,
        })
        .collect()
}

/// The centres and the assignment of a capacitated plan.
#[derive(Debug, Clone)]
pub(crate) struct Outcome {
    /// Open sites, ascending.
    pub open: Vec<u32>,
    /// Per village: `Some((position in open, distance in metres))` or `None`.
    pub assignment: Vec<Option<(u32, f64)>>,
    /// Sites opened plus sites closed by this step.
    pub steps: u64,
}

/// The capacitated problem behind a plan.
pub(crate) struct Capacitated<'p, 'a> {
    problem: &'p CoverProblem<'a>,
    load: Vec<f64>,
    capacity: f64,
    max_villages: Option<usize>,
}

/// What changes when one site opens or closes: the sites of the affected components before
/// and after, and the re-solved assignment of the sites after.
struct Change {
    before: Vec<u32>,
    after: Vec<u32>,
    assignment: SparseAssignment,
    /// Assigned weight of the affected villages before and after.
    old_weight: f64,
    new_weight: f64,
}

impl Change {
    fn gain(&self) -> f64 {
        self.new_weight - self.old_weight
    }
}

/// Components of the open sites (villages and sites joined by the pairs a centre may serve),
/// kept by union–find: opening a site merges components in O(its pairs); closing one rebuilds.
struct Components {
    /// Union–find parents over villages `0..n` and sites `n..n + m`.
    parent: Vec<u32>,
    /// Open sites of each root's component (empty for non-roots).
    sites: Vec<Vec<u32>>,
    n: usize,
}

impl Components {
    fn new(cap: &Capacitated<'_, '_>, open: &[u32]) -> Self {
        let cov = cap.problem.coverage;
        let (n, m) = (cov.n_villages(), cov.n_sites());
        let mut c = Components { parent: (0..(n + m) as u32).collect(), sites: vec![Vec::new(); n + m], n };
        for &s in open {
            c.open_site(cap, s);
        }
        c
    }

    fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] as usize != x {
            let p = self.parent[x] as usize;
            self.parent[x] = self.parent[p];
            x = self.parent[x] as usize;
        }
        x
    }

    fn union(&mut self, a: usize, b: usize) {
        let (a, b) = (self.find(a), self.find(b));
        if a == b {
            return;
        }
        // Keep the root with more sites; ties to the lower node, so the result is deterministic.
        let (keep, gone) = if (self.sites[a].len(), b) > (self.sites[b].len(), a) { (a, b) } else { (b, a) };
        self.parent[gone] = keep as u32;
        let moved = std::mem::take(&mut self.sites[gone]);
        self.sites[keep].extend(moved);
    }

    /// Add open site `s` with its pairs.
    fn open_site(&mut self, cap: &Capacitated<'_, '_>, s: u32) {
        let node = self.n + s as usize;
        let root = self.find(node);
        self.sites[root].push(s);
        for &v in cap.problem.coverage.villages_of(s as usize) {
            if cap.joinable(v) {
                self.union(v as usize, node);
            }
        }
    }

    /// The open sites of the components that `site` joins (when opening) or belongs to.
    fn touched(&mut self, cap: &Capacitated<'_, '_>, site: u32, opening: bool) -> Vec<u32> {
        let mut roots: Vec<usize> = Vec::new();
        if opening {
            for &v in cap.problem.coverage.villages_of(site as usize) {
                if cap.joinable(v) {
                    let r = self.find(v as usize);
                    if !self.sites[r].is_empty() {
                        roots.push(r);
                    }
                }
            }
        } else {
            roots.push(self.find(self.n + site as usize));
        }
        roots.sort_unstable();
        roots.dedup();
        let mut out: Vec<u32> = roots.iter().flat_map(|&r| self.sites[r].iter().copied()).collect();
        out.sort_unstable();
        out
    }
}

impl<'p, 'a> Capacitated<'p, 'a> {
    /// The capacitated version of `problem` under `options` (loads from `county`).
    pub fn new(county: &Instance, problem: &'p CoverProblem<'a>, options: &PlanOptions) -> Self {
        Self {
            problem,
            load: loads(county, options.capacity_by),
            capacity: options.capacity.unwrap_or(f64::INFINITY),
            max_villages: options.max_villages,
        }
    }

    /// Whether village `v` can join any centre (its load fits a centre's capacity).
    fn joinable(&self, v: u32) -> bool {
        self.load[v as usize] <= self.capacity
    }

    /// The capacitated assignment with `open` open, starting from `start` (site per village).
    ///
    /// # Errors
    /// As [`assign_capacitated_from`].
    pub fn assign(&self, open: &[u32], start: &[Option<u32>]) -> Result<CapacitatedAssignment> {
        let caps = vec![self.capacity; open.len()];
        assign_capacitated_from(
            self.problem.coverage,
            open,
            &self.load,
            &caps,
            self.max_villages,
            &self.problem.weights,
            start,
        )
    }

    /// [`assign`](Self::assign) over the villages in reach only, improving `start` by local
    /// search alone where loads are unsplittable (inputs checked by the first full
    /// [`assign`](Self::assign)).
    fn assign_sparse(&self, open: &[u32], start: &[Option<u32>]) -> SparseAssignment {
        let caps = vec![self.capacity; open.len()];
        assign_sparse(
            self.problem.coverage,
            open,
            &self.load,
            &caps,
            self.max_villages,
            &self.problem.weights,
            Some(start),
            true,
        )
    }

    /// A wording of the limits for messages.
    fn limits(&self, options: &PlanOptions) -> String {
        let mut parts = Vec::new();
        if let Some(c) = options.capacity {
            parts.push(format!("at most {c} {} per centre", options.capacity_by.as_str()));
        }
        if let Some(m) = options.max_villages {
            parts.push(format!("at most {m} villages per community"));
        }
        parts.join(" and ")
    }

    /// Assigned weight of the villages served by `sites`.
    fn weight_at(&self, sites: &[u32], site_of: &[Option<u32>]) -> f64 {
        let cov = self.problem.coverage;
        let mut w = 0.0;
        for &s in sites {
            for &v in cov.villages_of(s as usize) {
                if site_of[v as usize] == Some(s) {
                    w += self.problem.weights[v as usize];
                }
            }
        }
        w
    }

    /// Re-solve the components touched when `site` opens (`opening`) or closes.
    fn change(&self, site: u32, opening: bool, comps: &mut Components, site_of: &[Option<u32>]) -> Change {
        let before = comps.touched(self, site, opening);
        let mut after = before.clone();
        if opening {
            after.push(site);
            after.sort_unstable();
        } else {
            after.retain(|&s| s != site);
        }
        let assignment = self.assign_sparse(&after, site_of);
        Change {
            old_weight: self.weight_at(&before, site_of),
            new_weight: assignment.covered_weight,
            before,
            after,
            assignment,
        }
    }

    /// Make `change` the current state.
    fn apply(&self, change: &Change, site_of: &mut [Option<u32>]) {
        let cov = self.problem.coverage;
        for &s in change.before.iter().chain(&change.after) {
            for &v in cov.villages_of(s as usize) {
                site_of[v as usize] = None;
            }
        }
        for (&v, a) in change.assignment.villages.iter().zip(&change.assignment.assignment) {
            if let Some((k, _)) = *a {
                site_of[v as usize] = Some(change.after[k as usize]);
            }
        }
    }

    /// An optimistic estimate of what opening `site` adds: the unassigned villages it covers,
    /// by weight per load, up to the capacity and the village limit.
    fn estimate(&self, site: u32, site_of: &[Option<u32>]) -> f64 {
        let cov = self.problem.coverage;
        let w = &self.problem.weights;
        let mut free: Vec<u32> = cov
            .villages_of(site as usize)
            .iter()
            .copied()
            .filter(|&v| site_of[v as usize].is_none() && self.joinable(v) && w[v as usize] > 0.0)
            .collect();
        let density = |v: u32| {
            let l = self.load[v as usize];
            if l > 0.0 {
                w[v as usize] / l
            } else {
                f64::INFINITY
            }
        };
        free.sort_by(|&a, &b| density(b).total_cmp(&density(a)).then(a.cmp(&b)));
        let (mut room, mut slots, mut gain) = (self.capacity, self.max_villages.unwrap_or(usize::MAX), 0.0);
        for v in free {
            if slots == 0 {
                break;
            }
            let l = self.load[v as usize];
            if l <= room {
                room -= l;
                slots -= 1;
                gain += w[v as usize];
            }
        }
        gain
    }

    /// Every closed allowed site with a positive estimate, keyed by estimate per cost.
    fn candidates(&self, is_open: &[bool], site_of: &[Option<u32>]) -> BinaryHeap<Candidate> {
        let p = self.problem;
        (0..p.coverage.n_sites() as u32)
            .filter(|&s| p.allowed[s as usize] && !is_open[s as usize])
            .filter_map(|s| {
                let est = self.estimate(s, site_of);
                (est > 0.0).then(|| Candidate { key: ratio(est, p.costs[s as usize]), site: s })
            })
            .collect()
    }

    /// From the covering solver's centres to a capacitated plan reaching `need` weight.
    ///
    /// 1. Assign ([`assign_capacitated_from`]).
    /// 2. While short, open the site that raises the assigned weight most per cost (the gain
    ///    capped at the weight still needed; ties to the lower site). Candidates sit in a lazy
    ///    max-heap keyed by an optimistic estimate (the unassigned villages a site covers, by
    ///    weight per load, up to its capacity and village limit); the best [`BATCH`] by fresh
    ///    estimate are re-solved exactly on the components they touch, warm-started from the
    ///    current assignment so that a re-solve never loses weight. When no single site helps,
    ///    every allowed site opens at once (or the target is infeasible).
    /// 3. If anything opened, close centres whose removal keeps the target, most expensive
    ///    first (fixed sites stay open), then re-solve the whole assignment with the full method,
    ///    warm-started, keeping it only if it assigns at least as much.
    ///
    /// # Errors
    /// [`Error::Infeasible`] when even every allowed site together assigns less than `need`
    /// under the limits; it states the highest share reached.
    ///
    /// # Complexity
    /// Per opened site: O(BATCH) component re-solves plus O(log m) heap work per stale
    /// candidate; each closing re-solves one component and, when accepted, rebuilds the
    /// components in O(n + m + E). Nothing is O(n) per evaluation.
    pub fn complete(&self, options: &PlanOptions, open: Vec<u32>, need: f64) -> Result<Outcome> {
        let p = self.problem;
        let cov = p.coverage;
        let (n, m) = (cov.n_villages(), cov.n_sites());
        let total = p.total_weight();
        let fixed = p.fixed_mask();
        let mut open = open;
        open.sort_unstable();
        open.dedup();
        let first = self.assign(&open, &vec![None; n])?;
        let mut site_of: Vec<Option<u32>> = first.assignment.iter().map(|a| a.map(|(k, _)| open[k as usize])).collect();
        let mut covered = first.covered_weight;
        let mut is_open = vec![false; m];
        open.iter().for_each(|&s| is_open[s as usize] = true);
        let mut steps = 0u64;
        let mut added = false;

        // Open more centres while short.
        if covered < need {
            let mut comps = Components::new(self, &open);
            let mut heap = self.candidates(&is_open, &site_of);
            let mut fresh_heap = true;
            let mut parked: Vec<Candidate> = Vec::new();
            while covered < need {
                // The best BATCH by fresh estimate (lazy: a stale key is re-estimated on top).
                let mut batch: Vec<Candidate> = Vec::new();
                while batch.len() < BATCH {
                    let Some(top) = heap.pop() else { break };
                    if is_open[top.site as usize] {
                        continue;
                    }
                    let est = self.estimate(top.site, &site_of);
                    if est <= 0.0 {
                        continue;
                    }
                    let fresh = Candidate { key: ratio(est, p.costs[top.site as usize]), site: top.site };
                    if heap.peek().is_some_and(|next| fresh < *next) {
                        heap.push(fresh);
                    } else {
                        batch.push(fresh);
                    }
                }
                if batch.is_empty() {
                    if !fresh_heap {
                        heap = self.candidates(&is_open, &site_of);
                        parked.clear();
                        fresh_heap = true;
                        continue;
                    }
                    // No single site helps: try every allowed site at once.
                    let all: Vec<u32> = (0..m as u32).filter(|&s| p.allowed[s as usize] || fixed[s as usize]).collect();
                    let a = self.assign(&all, &site_of)?;
                    if a.covered_weight < need {
                        return Err(Error::Infeasible {
                            reason: format!(
                                "the target of {:.1}% cannot be reached with {}: opening every allowed site assigns {:.2}% of {} at this radius; raise the limits, lower the target or enlarge the radius",
                                100.0 * options.target,
                                self.limits(options),
                                100.0 * a.covered_weight / total,
                                options.by.as_str()
                            ),
                            achievable: a.covered_weight / total,
                        });
                    }
                    site_of = a.assignment.iter().map(|x| x.map(|(k, _)| all[k as usize])).collect();
                    covered = a.covered_weight;
                    open = all;
                    is_open = vec![false; m];
                    open.iter().for_each(|&s| is_open[s as usize] = true);
                    added = true;
                    break;
                }
                let mut best: Option<(f64, u32, Change)> = None;
                for c in &batch {
                    let change = self.change(c.site, true, &mut comps, &site_of);
                    let gain = change.gain();
                    if gain <= 1e-12 * total {
                        continue;
                    }
                    let r = ratio(gain.min(need - covered), p.costs[c.site as usize]);
                    let better = match &best {
                        None => true,
                        Some((br, bs, _)) => match r.total_cmp(br) {
                            Ordering::Greater => true,
                            Ordering::Equal => c.site < *bs,
                            Ordering::Less => false,
                        },
                    };
                    if better {
                        best = Some((r, c.site, change));
                    }
                }
                match best {
                    Some((_, s, change)) => {
                        self.apply(&change, &mut site_of);
                        covered += change.gain();
                        open.push(s);
                        open.sort_unstable();
                        is_open[s as usize] = true;
                        comps.open_site(self, s);
                        steps += 1;
                        added = true;
                        fresh_heap = false;
                        heap.extend(batch.iter().copied().filter(|c| c.site != s));
                        heap.extend(parked.drain(..));
                    }
                    None => parked.extend(batch),
                }
            }
        }

        // Close centres that are no longer needed, most expensive first.
        if added {
            let mut order: Vec<u32> = open.iter().copied().filter(|&s| !fixed[s as usize]).collect();
            order.sort_by(|a, b| p.costs[*b as usize].total_cmp(&p.costs[*a as usize]).then(b.cmp(a)));
            let mut comps = Components::new(self, &open);
            for s in order {
                let change = self.change(s, false, &mut comps, &site_of);
                let after = covered + change.gain();
                if after >= need {
                    self.apply(&change, &mut site_of);
                    covered = after;
                    open.retain(|&x| x != s);
                    is_open[s as usize] = false;
                    steps += 1;
                    comps = Components::new(self, &open);
                }
            }
        }

        // Polish with the full method, starting from the current assignment (never worse).
        if steps > 0 {
            let last = self.assign(&open, &site_of)?;
            if last.covered_weight >= covered {
                site_of = last.assignment.iter().map(|a| a.map(|(k, _)| open[k as usize])).collect();
            }
        }
        Ok(self.outcome(open, &site_of, steps))
    }
}

impl Capacitated<'_, '_> {
    /// From the uncapacitated maximal-coverage centres to capacitated ones: most assigned weight
    /// within `limit` (`Sites(p)` centres in all, or a `Budget` for the sites beyond the fixed ones).
    ///
    /// 1. Assign `start` ([`assign_capacitated_from`]).
    /// 2. Fill: while the limit allows, open the site that raises the assigned weight most (per
    ///    cost under a budget), among the [`BATCH`] best by optimistic estimate, each re-solved
    ///    exactly on the components it touches.
    /// 3. Swap rounds: for each open non-fixed site in turn, close it and open the best of the
    ///    [`BATCH`] candidates by estimate that fits the limit; keep the swap when the assigned
    ///    weight rises, undo it otherwise. Stops after a round without improvement (at most
    ///    `rounds`).
    /// 4. Re-solve the whole assignment with the full method, warm-started (never worse).
    ///
    /// # Errors
    /// As [`assign_capacitated_from`] (inputs checked by the first assignment).
    ///
    /// # Complexity
    /// Per swap: two component rebuilds, O(n + m + E), and O(BATCH) component re-solves.
    pub fn maximise(&self, start: Vec<u32>, limit: CoverLimit, rounds: usize) -> Result<(Outcome, f64)> {
        let p = self.problem;
        let m = p.coverage.n_sites();
        let fixed = p.fixed_mask();
        let mut open = start;
        open.sort_unstable();
        open.dedup();
        let first = self.assign(&open, &vec![None; p.coverage.n_villages()])?;
        let mut site_of: Vec<Option<u32>> = first.assignment.iter().map(|a| a.map(|(k, _)| open[k as usize])).collect();
        let mut covered = first.covered_weight;
        let tol = 1e-12 * p.total_weight().max(1.0);
        let spent = |open: &[u32]| -> f64 {
            open.iter().filter(|&&s| !fixed[s as usize]).map(|&s| p.costs[s as usize]).fold(0.0, |a, b| a + b)
        };
        // Whether opening `t` beside `open` keeps within the limit.
        let fits = |open: &[u32], t: u32| -> bool {
            match limit {
                CoverLimit::Sites(k) => open.len() < k,
                CoverLimit::Budget(b) => spent(open) + p.costs[t as usize] <= b * (1.0 + 1e-12),
            }
        };
        let mut steps = 0u64;
        // The BATCH closed, allowed sites (other than `skip`) that fit, with the best estimates.
        let batch = |open: &[u32], site_of: &[Option<u32>], skip: Option<u32>| -> Vec<u32> {
            let is_open: Vec<bool> = {
                let mut o = vec![false; m];
                open.iter().for_each(|&s| o[s as usize] = true);
                o
            };
            let mut c: Vec<(f64, u32)> = (0..m as u32)
                .filter(|&t| p.allowed[t as usize] && !is_open[t as usize] && Some(t) != skip && fits(open, t))
                .filter_map(|t| {
                    let e = self.estimate(t, site_of);
                    (e > 0.0).then(|| {
                        (ratio(e, if matches!(limit, CoverLimit::Budget(_)) { p.costs[t as usize] } else { 1.0 }), t)
                    })
                })
                .collect();
            c.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            c.truncate(BATCH);
            c.into_iter().map(|(_, t)| t).collect()
        };
        // 2. Fill.
        loop {
            let mut comps = Components::new(self, &open);
            let mut best: Option<(f64, u32, Change)> = None;
            for t in batch(&open, &site_of, None) {
                let change = self.change(t, true, &mut comps, &site_of);
                if change.gain() > tol && best.as_ref().is_none_or(|b| change.gain() > b.0) {
                    best = Some((change.gain(), t, change));
                }
            }
            let Some((gain, t, change)) = best else { break };
            self.apply(&change, &mut site_of);
            covered += gain;
            open.push(t);
            open.sort_unstable();
            steps += 1;
        }
        // 3. Swaps.
        for _ in 0..rounds {
            let mut improved = false;
            let movable: Vec<u32> = open.iter().copied().filter(|&s| !fixed[s as usize]).collect();
            for s in movable {
                let mut comps = Components::new(self, &open);
                let close = self.change(s, false, &mut comps, &site_of);
                let mut trial_site_of = site_of.clone();
                self.apply(&close, &mut trial_site_of);
                let trial_open: Vec<u32> = open.iter().copied().filter(|&x| x != s).collect();
                let mut comps = Components::new(self, &trial_open);
                let mut best: Option<(f64, u32, Change)> = None;
                for t in batch(&trial_open, &trial_site_of, Some(s)) {
                    let change = self.change(t, true, &mut comps, &trial_site_of);
                    if best.as_ref().is_none_or(|b| change.gain() > b.0) {
                        best = Some((change.gain(), t, change));
                    }
                }
                if let Some((gain, t, change)) = best {
                    if close.gain() + gain > tol {
                        self.apply(&change, &mut trial_site_of);
                        site_of = trial_site_of;
                        covered += close.gain() + gain;
                        open = trial_open;
                        open.push(t);
                        open.sort_unstable();
                        steps += 2;
                        improved = true;
                    }
                }
            }
            if !improved {
                break;
            }
        }
        // 4. Polish.
        if steps > 0 {
            let last = self.assign(&open, &site_of)?;
            if last.covered_weight >= covered {
                site_of = last.assignment.iter().map(|a| a.map(|(k, _)| open[k as usize])).collect();
                covered = last.covered_weight;
            }
        }
        Ok((self.outcome(open, &site_of, steps), covered))
    }
}

impl Capacitated<'_, '_> {
    /// The outcome of `open` (ascending) with each village's site: its position in `open` and
    /// its distance.
    fn outcome(&self, open: Vec<u32>, site_of: &[Option<u32>], steps: u64) -> Outcome {
        let cov = self.problem.coverage;
        let assignment = site_of
            .iter()
            .enumerate()
            .map(|(v, s)| {
                let s = (*s)?;
                let k = open.binary_search(&s).ok()?;
                let i = cov.villages_of(s as usize).binary_search(&(v as u32)).ok()?;
                Some((k as u32, cov.distances_of(s as usize)[i]))
            })
            .collect();
        Outcome { open, assignment, steps }
    }
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
