//! Min-cost maximum flow by successive shortest paths with node potentials.
//!
//! A small, dependency-free solver for the transportation networks of the capacitated
//! assignment ([`super::capacity`]): source → villages → centres → sink. Costs are
//! lexicographic triples of integers ([`Cost`]), so a cost like "priority first, then the number
//! of villages, then distance" is exact with no big-M constant; capacities are `f64` (whole
//! numbers for slot networks, loads in households or people for the splittable relaxation).

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};
use std::ops::{Add, Sub};

/// A lexicographic cost: tier 0 is compared first, then tier 1, then tier 2.
///
/// Arithmetic saturates instead of overflowing, so nothing can panic; callers scale their tiers
/// to at most about 2^40 so that saturation never happens in practice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub(crate) struct Cost(pub [i64; 3]);

impl Cost {
    /// The zero cost.
    pub const ZERO: Cost = Cost([0, 0, 0]);
}

impl Add for Cost {
    type Output = Cost;
    fn add(self, o: Cost) -> Cost {
        Cost([self.0[0].saturating_add(o.0[0]), self.0[1].saturating_add(o.0[1]), self.0[2].saturating_add(o.0[2])])
    }
}

impl Sub for Cost {
    type Output = Cost;
    fn sub(self, o: Cost) -> Cost {
        Cost([self.0[0].saturating_sub(o.0[0]), self.0[1].saturating_sub(o.0[1]), self.0[2].saturating_sub(o.0[2])])
    }
}

/// A residual network with a min-cost max-flow solver.
///
/// Arcs are stored in pairs: arc `e` and its reverse `e ^ 1`. The residual capacity of the
/// reverse arc is the flow on `e`.
#[derive(Debug, Clone)]
pub(crate) struct MinCostFlow {
    adj: Vec<Vec<u32>>,
    to: Vec<u32>,
    cap: Vec<f64>,
    cost: Vec<Cost>,
    /// Residual capacities at or below this count as saturated.
    tol: f64,
}

impl MinCostFlow {
    /// An empty network on `n` nodes; residual capacities `<= tol` count as zero.
    pub fn new(n: usize, tol: f64) -> Self {
        Self { adj: vec![Vec::new(); n], to: Vec::new(), cap: Vec::new(), cost: Vec::new(), tol: tol.max(0.0) }
    }

    /// Number of nodes.
    pub fn n_nodes(&self) -> usize {
        self.adj.len()
    }

    /// Add an arc `u → v` with capacity `cap` (≥ 0, may be infinite) and per-unit `cost`; returns
    /// its id.
    pub fn add_arc(&mut self, u: usize, v: usize, cap: f64, cost: Cost) -> usize {
        let e = self.to.len();
        self.to.push(v as u32);
        self.cap.push(cap.max(0.0));
        self.cost.push(cost);
        self.adj[u].push(e as u32);
        self.to.push(u as u32);
        self.cap.push(0.0);
        self.cost.push(Cost::ZERO - cost);
        self.adj[v].push(e as u32 + 1);
        e
    }

    /// Flow on arc `e` (as returned by [`add_arc`](Self::add_arc)).
    pub fn flow(&self, e: usize) -> f64 {
        self.cap[e ^ 1]
    }

    fn tail(&self, e: usize) -> usize {
        self.to[e ^ 1] as usize
    }

    fn residual(&self, e: usize) -> bool {
        self.cap[e] > self.tol
    }

    /// Send as much flow as possible from `s` to `t`, at least cost among all maximum flows.
    ///
    /// Successive shortest paths (Ford & Fulkerson; Edmonds & Karp 1972; Tomizawa 1971): initial
    /// potentials from a queue-based Bellman–Ford (the network may start with negative costs but
    /// has no negative cycle), then repeatedly Dijkstra on reduced costs (stopping once the sink
    /// is settled), a potential update `π += min(dist, dist(t))` that keeps every reduced cost
    /// non-negative, and a blocking flow (Dinic) on the arcs of zero reduced cost, so that one
    /// Dijkstra serves every shortest path of the same length. Ties in Dijkstra go to the lower
    /// node index and arcs are scanned in insertion order: the result is deterministic.
    ///
    /// Returns the total flow sent.
    ///
    /// # Complexity
    /// O(P · (E log V + V E)) time in the worst case for P distinct shortest-path lengths, V nodes
    /// and E arcs (P is at most the number of augmentations; in assignment networks it is usually
    /// far smaller); O(V + E) space.
    pub fn run(&mut self, s: usize, t: usize) -> f64 {
        let n = self.n_nodes();
        if s == t || s >= n || t >= n {
            return 0.0;
        }
        let mut pi = self.initial_potentials(s);
        let mut total = 0.0;
        let mut dist: Vec<Option<Cost>> = vec![None; n];
        let mut done = vec![false; n];
        let mut heap: BinaryHeap<Reverse<(Cost, u32)>> = BinaryHeap::new();
        let mut level = vec![u32::MAX; n];
        let mut next = vec![0usize; n];
        let mut queue = VecDeque::new();
        loop {
            // Dijkstra on reduced costs.
            dist.iter_mut().for_each(|d| *d = None);
            done.iter_mut().for_each(|d| *d = false);
            heap.clear();
            dist[s] = Some(Cost::ZERO);
            heap.push(Reverse((Cost::ZERO, s as u32)));
            while let Some(Reverse((d, u))) = heap.pop() {
                let u = u as usize;
                if done[u] {
                    continue;
                }
                done[u] = true;
                if u == t {
                    break;
                }
                for &e in &self.adj[u] {
                    let e = e as usize;
                    if !self.residual(e) {
                        continue;
                    }
                    let v = self.to[e] as usize;
                    if done[v] {
                        continue;
                    }
                    let rc = (self.cost[e] + pi[u] - pi[v]).max(Cost::ZERO);
                    let nd = d + rc;
                    if dist[v].is_none_or(|old| nd < old) {
                        dist[v] = Some(nd);
                        heap.push(Reverse((nd, v as u32)));
                    }
                }
            }
            let Some(dt) = dist[t].filter(|_| done[t]) else { break };
            for v in 0..n {
                let add = match dist[v] {
                    Some(d) if done[v] && d < dt => d,
                    _ => dt,
                };
                pi[v] = pi[v] + add;
            }
            // Blocking flows on the zero-reduced-cost arcs (all shortest paths of this length).
            loop {
                level.iter_mut().for_each(|l| *l = u32::MAX);
                level[s] = 0;
                queue.clear();
                queue.push_back(s);
                while let Some(u) = queue.pop_front() {
                    for &e in &self.adj[u] {
                        let e = e as usize;
                        let v = self.to[e] as usize;
                        if level[v] == u32::MAX && self.residual(e) && self.cost[e] + pi[u] - pi[v] == Cost::ZERO {
                            level[v] = level[u] + 1;
                            queue.push_back(v);
                        }
                    }
                }
                if level[t] == u32::MAX {
                    break;
                }
                next.iter_mut().for_each(|x| *x = 0);
                let sent = self.blocking_flow(s, t, &pi, &mut level, &mut next);
                if sent <= 0.0 {
                    break;
                }
                total += sent;
            }
        }
        total
    }

    /// Dinic's blocking flow on the level graph of zero-reduced-cost residual arcs.
    fn blocking_flow(&mut self, s: usize, t: usize, pi: &[Cost], level: &mut [u32], next: &mut [usize]) -> f64 {
        let mut total = 0.0;
        let mut path: Vec<usize> = Vec::new();
        let mut u = s;
        loop {
            if u == t {
                let b = path.iter().map(|&e| self.cap[e]).fold(f64::INFINITY, f64::min);
                if !(b.is_finite() && b > 0.0) {
                    // An infinite-capacity path cannot occur in the networks built here; stop
                    // rather than loop.
                    return total;
                }
                for &e in &path {
                    self.cap[e] -= b;
                    self.cap[e ^ 1] += b;
                }
                total += b;
                path.clear();
                u = s;
                continue;
            }
            let mut advanced = false;
            while next[u] < self.adj[u].len() {
                let e = self.adj[u][next[u]] as usize;
                let v = self.to[e] as usize;
                if self.residual(e)
                    && level[v] != u32::MAX
                    && level[v] == level[u] + 1
                    && self.cost[e] + pi[u] - pi[v] == Cost::ZERO
                {
                    path.push(e);
                    u = v;
                    advanced = true;
                    break;
                }
                next[u] += 1;
            }
            if !advanced {
                if u == s {
                    return total;
                }
                level[u] = u32::MAX; // dead end for the rest of this phase
                let Some(e) = path.pop() else { return total };
                u = self.tail(e);
                next[u] += 1;
            }
        }
    }

    /// Shortest-path labels from `s` on the residual network (queue-based Bellman–Ford); nodes
    /// that `s` does not reach get 0 (they stay unreachable for the rest of the run).
    fn initial_potentials(&self, s: usize) -> Vec<Cost> {
        let n = self.n_nodes();
        let mut dist: Vec<Option<Cost>> = vec![None; n];
        let mut queued = vec![false; n];
        let mut queue = VecDeque::new();
        dist[s] = Some(Cost::ZERO);
        queue.push_back(s);
        queued[s] = true;
        // A guard against a negative cycle (none exists in the networks built here).
        let mut budget = (n + 1).saturating_mul(self.to.len() + 1);
        while let Some(u) = queue.pop_front() {
            queued[u] = false;
            let Some(du) = dist[u] else { continue };
            for &e in &self.adj[u] {
                let e = e as usize;
                if !self.residual(e) {
                    continue;
                }
                budget = budget.saturating_sub(1);
                let v = self.to[e] as usize;
                let nd = du + self.cost[e];
                if dist[v].is_none_or(|old| nd < old) {
                    dist[v] = Some(nd);
                    if !queued[v] {
                        queued[v] = true;
                        queue.push_back(v);
                    }
                }
            }
            if budget == 0 {
                break;
            }
        }
        dist.into_iter().map(|d| d.unwrap_or(Cost::ZERO)).collect()
    }

    /// Node potentials that certify the current flow as a least-cost flow *of any value* from
    /// `s` to `t`: labels of a Bellman–Ford from a virtual root over the residual arcs, plus the
    /// return arc `t → s` of cost 0 (and `s → t` when flow is positive).
    ///
    /// After [`run`](Self::run) with every augmenting path of negative cost, every residual arc
    /// `u → v` then has `cost + π(u) − π(v) ≥ 0` (LP dual feasibility). The search stops after
    /// `max_relaxations`; labels are then still usable where only *some* potentials are needed
    /// (the caller derives a bound that is valid for any labels).
    pub fn dual_potentials(&self, s: usize, t: usize, max_relaxations: usize) -> Vec<Cost> {
        let n = self.n_nodes();
        let mut dist = vec![Cost::ZERO; n];
        let mut queued = vec![true; n];
        let mut queue: VecDeque<usize> = (0..n).collect();
        let mut budget = max_relaxations;
        let flow_out: f64 = self.adj[s].iter().map(|&e| e as usize).filter(|e| e % 2 == 0).map(|e| self.flow(e)).sum();
        while let Some(u) = queue.pop_front() {
            queued[u] = false;
            let du = dist[u];
            let mut relax = |v: usize, c: Cost, dist: &mut Vec<Cost>, queue: &mut VecDeque<usize>| {
                let nd = du + c;
                if nd < dist[v] {
                    dist[v] = nd;
                    if !queued[v] {
                        queued[v] = true;
                        queue.push_back(v);
                    }
                }
            };
            for &e in &self.adj[u] {
                let e = e as usize;
                if self.residual(e) {
                    relax(self.to[e] as usize, self.cost[e], &mut dist, &mut queue);
                }
            }
            if u == t {
                relax(s, Cost::ZERO, &mut dist, &mut queue);
            }
            if u == s && flow_out > self.tol {
                relax(t, Cost::ZERO, &mut dist, &mut queue);
            }
            budget = budget.saturating_sub(self.adj[u].len() + 1);
            if budget == 0 {
                break;
            }
        }
        dist
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(a: i64) -> Cost {
        Cost([a, 0, 0])
    }

    /// Exhaustive min-cost assignment of `n` unit demands to `m` unit-slot sinks (for checking).
    #[test]
    fn assignment_matches_brute_force() {
        let mut state = 7u64;
        let mut rnd = |k: u64| {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (state >> 33) % k
        };
        for _ in 0..200 {
            let n = 1 + rnd(5) as usize;
            let m = 1 + rnd(4) as usize;
            let costs: Vec<Vec<Option<i64>>> = (0..n)
                .map(|_| (0..m).map(|_| if rnd(4) == 0 { None } else { Some(rnd(20) as i64) }).collect())
                .collect();
            let mut g = MinCostFlow::new(n + m + 2, 0.5);
            let (s, t) = (0, n + m + 1);
            for (i, row) in costs.iter().enumerate() {
                g.add_arc(s, 1 + i, 1.0, Cost([-1, 0, 0]));
                for (j, x) in row.iter().enumerate() {
                    if let Some(x) = *x {
                        g.add_arc(1 + i, 1 + n + j, 1.0, Cost([0, x, 0]));
                    }
                }
            }
            for j in 0..m {
                g.add_arc(1 + n + j, t, 1.0, Cost::ZERO);
            }
            let f = g.run(s, t);
            // Brute force: every injective partial map, lexicographic (most assigned, least cost).
            let mut best = (0usize, 0i64);
            let mut choice = vec![0usize; n];
            loop {
                let mut used = vec![false; m];
                let (mut k, mut cost, mut ok) = (0, 0, true);
                for i in 0..n {
                    if choice[i] > 0 {
                        let j = choice[i] - 1;
                        match costs[i][j] {
                            Some(x) if !used[j] => {
                                used[j] = true;
                                k += 1;
                                cost += x;
                            }
                            _ => ok = false,
                        }
                    }
                }
                if ok && (k > best.0 || (k == best.0 && cost < best.1)) {
                    best = (k, cost);
                }
                let mut i = 0;
                while i < n && choice[i] == m {
                    choice[i] = 0;
                    i += 1;
                }
                if i == n {
                    break;
                }
                choice[i] += 1;
            }
            assert_eq!(f as usize, best.0);
            let mut cost = 0;
            for e in (0..g.to.len()).step_by(2) {
                if g.flow(e) > 0.5 {
                    cost += g.cost[e].0[1] * g.flow(e) as i64;
                }
            }
            assert_eq!(cost, best.1);
        }
    }

    #[test]
    fn fractional_capacities_and_duals() {
        // Two demands of 10 and 6 units worth 5 and 3 per unit; one centre of capacity 12.
        let mut g = MinCostFlow::new(5, 1e-9);
        let (s, t) = (0, 4);
        g.add_arc(s, 1, 10.0, c(-5));
        g.add_arc(s, 2, 6.0, c(-3));
        let a = g.add_arc(1, 3, 10.0, Cost::ZERO);
        let b = g.add_arc(2, 3, 6.0, Cost::ZERO);
        g.add_arc(3, t, 12.0, Cost::ZERO);
        assert_eq!(g.run(s, t), 12.0);
        assert_eq!((g.flow(a), g.flow(b)), (10.0, 2.0)); // the more valuable demand first
        let pi = g.dual_potentials(s, t, 1000);
        for e in 0..g.to.len() {
            if g.residual(e) {
                let (u, v) = (g.tail(e), g.to[e] as usize);
                assert!(g.cost[e] + pi[u] - pi[v] >= Cost::ZERO, "arc {e} has a negative reduced cost");
            }
        }
        // The price of the centre's capacity is the marginal value, 3 per unit.
        assert_eq!(pi[t].0[0] - pi[3].0[0], 3);
    }
}
