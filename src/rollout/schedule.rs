//! The multi-year build order of a plan's centres under a yearly budget.

use serde::{Deserialize, Serialize};

use super::budget::{Budget, Funding, Source};
use super::cost::CostModel;
use crate::error::{Error, Result};
use crate::model::SiteStatus;
use crate::plan::{CoverageBy, Plan};

/// Most centres (beyond existing ones) that [`ScheduleMethod::Auto`] schedules exactly.
pub const EXACT_AUTO_LIMIT: usize = 12;
/// Most centres [`ScheduleMethod::Exact`] accepts (the search is O(3ⁿ · years)).
pub const EXACT_MAX: usize = 16;

/// How [`Schedule::build`] searches for the build order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ScheduleMethod {
    /// Exact for at most [`EXACT_AUTO_LIMIT`] centres to build, the heuristic above.
    #[default]
    Auto,
    /// Dynamic programming over the sets of centres built (optimal; at most [`EXACT_MAX`]
    /// centres).
    Exact,
    /// Greedy constructions plus exchange local search (fast, no optimality proof).
    Heuristic,
}

impl ScheduleMethod {
    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            ScheduleMethod::Auto => "auto",
            ScheduleMethod::Exact => "exact",
            ScheduleMethod::Heuristic => "heuristic",
        }
    }

    /// Parse `"auto"`, `"exact"` or `"heuristic"`.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming `method`.
    pub fn parse(text: &str) -> Result<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "auto" => Ok(ScheduleMethod::Auto),
            "exact" => Ok(ScheduleMethod::Exact),
            "heuristic" => Ok(ScheduleMethod::Heuristic),
            other => {
                Err(Error::param("method", format!("unknown value '{other}'; use 'auto', 'exact' or 'heuristic'")))
            }
        }
    }
}

/// Options of [`Schedule::build_with`].
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ScheduleOptions {
    /// Coverage target share in (0, 1]; `None` uses the plan's target.
    pub target: Option<f64>,
    /// Search method (default [`ScheduleMethod::Auto`]).
    pub method: ScheduleMethod,
}

/// One year of a schedule. Year 0 is today (existing centres only, no money).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct YearReport {
    /// 0 for today, then 1, 2, ...
    pub year: u32,
    /// Site ids of the centres built this year.
    pub built: Vec<String>,
    /// Centres open at the end of the year (existing ones included).
    pub centres_open: usize,
    /// Money available this year by source, yuan (the year's budget plus any carry-over).
    pub available: Funding,
    /// Money spent this year by source, yuan (pro rata to `available`).
    pub spent: Funding,
    /// Money left at the end of the year by source, yuan.
    pub left: Funding,
    /// Villages covered at the end of the year.
    pub covered_villages: usize,
    /// Share of villages covered.
    pub coverage: f64,
    /// Population covered.
    pub covered_population: f64,
    /// Share of population covered.
    pub population_coverage: f64,
}

/// Coverage of one town at the end of one year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TownYear {
    /// Year (0 = today).
    pub year: u32,
    /// Town name.
    pub town: String,
    /// Villages in the town.
    pub villages: usize,
    /// Villages covered.
    pub covered: usize,
    /// Population of the town.
    pub population: f64,
    /// Population covered.
    pub covered_population: f64,
    /// Centres open in the town.
    pub centres: usize,
}

/// One centre of the plan with its cost and the year it is built.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScheduledCentre {
    /// Community index in the plan.
    pub community: u32,
    /// Site id.
    pub site_id: String,
    /// Town.
    pub town: String,
    /// Status before the plan.
    pub status: SiteStatus,
    /// Households served.
    pub households: f64,
    /// Floor area needed, m².
    pub required_m2: f64,
    /// Cost, yuan (from the cost model).
    pub cost: f64,
    /// Year built: 0 for existing centres, `None` when not built within the budget's years.
    pub year: Option<u32>,
}

/// The year-by-year build order of a plan's centres under a budget, with spending by funding
/// source and coverage per year (overall and per town).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Schedule {
    /// The coverage target share.
    pub target: f64,
    /// What the target counts.
    pub by: CoverageBy,
    /// Whether unspent money carried over.
    pub carry_over: bool,
    /// The method that made the schedule (`exact` or `heuristic`).
    pub method: ScheduleMethod,
    /// Years 0 (today) to the budget's last year.
    pub years: Vec<YearReport>,
    /// Every centre of the plan, in the plan's order.
    pub centres: Vec<ScheduledCentre>,
    /// Coverage per town and year, year-major (all towns of year 0, then year 1, ...).
    pub towns: Vec<TownYear>,
    /// First year in which coverage reaches the target (0 if existing centres already do);
    /// `None` when it is not reached.
    pub target_year: Option<u32>,
    /// Extra yuan, on top of the money left in the last year, that would reach the target by the
    /// last year with the cheapest (greedy) set of the plan's unbuilt centres; 0 when the target
    /// is reached, `None` when even the whole plan does not reach it.
    pub shortfall: Option<f64>,
    /// Cost of the plan's centres not built within the budget's years, yuan.
    pub cost_to_complete: f64,
    /// The objective: sum over the funded years of the share covered (area under the coverage
    /// curve, in share-years).
    pub area: f64,
}

// ---------------------------------------------------------------------------------------------
// The scheduling problem

/// How a schedule scores: years at or above the target, then area under the coverage curve,
/// then (for ties) less money spent.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Score {
    /// Funded years whose coverage is at or above the target.
    pub years_at_target: u32,
    /// Sum over funded years of the share covered.
    pub area: f64,
    /// Yuan spent in all.
    pub spent: f64,
}

impl Score {
    /// Whether `self` is strictly better than `other` (lexicographic, with a relative tolerance
    /// of 1e-12 on the area and 1e-9 on money).
    pub fn better_than(&self, other: &Score) -> bool {
        if self.years_at_target != other.years_at_target {
            return self.years_at_target > other.years_at_target;
        }
        let tol = 1e-12 * (1.0 + other.area.abs());
        if self.area > other.area + tol {
            return true;
        }
        if self.area < other.area - tol {
            return false;
        }
        self.spent < other.spent - 1e-9 * (1.0 + other.spent.abs())
    }
}

/// The scheduling problem on its own: n centres, each with a cost and the share of coverage it
/// adds in each year once built, and money per year.
///
/// A schedule `x` gives each centre its build year 1..=`years`, or `years + 1` for never.
/// Coverage is additive: a plan's communities are disjoint, and a village counts as covered
/// from the year its community's centre opens.
#[derive(Debug, Clone, PartialEq)]
pub struct Rollout {
    /// Funded years.
    pub years: usize,
    /// Cost of each centre, yuan.
    pub cost: Vec<f64>,
    /// Share gained by each centre in each year once built: `value[i * years + t]` for year t+1.
    pub value: Vec<f64>,
    /// Share covered by the existing centres in each year.
    pub base: Vec<f64>,
    /// Target share.
    pub target: f64,
    /// Money per year, yuan.
    pub money: Vec<f64>,
    /// Whether unspent money carries over.
    pub carry_over: bool,
}

fn money_tol(m: f64) -> f64 {
    1e-9 * (1.0 + m.abs())
}

impl Rollout {
    /// Number of centres.
    pub fn n(&self) -> usize {
        self.cost.len()
    }

    /// The "never built" year.
    pub fn never(&self) -> u32 {
        self.years as u32 + 1
    }

    /// Share covered at the end of each funded year.
    pub fn shares(&self, x: &[u32]) -> Vec<f64> {
        let y = self.years;
        (0..y)
            .map(|t| {
                x.iter()
                    .enumerate()
                    .filter(|(_, &xi)| xi as usize <= t + 1)
                    .map(|(i, _)| self.value[i * y + t])
                    .fold(self.base[t], |a, b| a + b)
            })
            .collect()
    }

    fn reached(&self, share: f64) -> bool {
        share >= self.target - 1e-12
    }

    /// The score of a schedule (feasible or not).
    pub fn score(&self, x: &[u32]) -> Score {
        let shares = self.shares(x);
        let spent = x
            .iter()
            .zip(&self.cost)
            .filter(|(&xi, _)| (xi as usize) <= self.years)
            .map(|(_, c)| *c)
            .fold(0.0, |a, b| a + b);
        Score {
            years_at_target: shares.iter().filter(|&&s| self.reached(s)).count() as u32,
            area: shares.iter().fold(0.0, |a, b| a + b),
            spent,
        }
    }

    /// Spending per funded year.
    pub fn spending(&self, x: &[u32]) -> Vec<f64> {
        let mut s = vec![0.0; self.years];
        for (&xi, &c) in x.iter().zip(&self.cost) {
            if (1..=self.years).contains(&(xi as usize)) {
                s[xi as usize - 1] += c;
            }
        }
        s
    }

    /// Whether a schedule keeps within the money: every year without carry-over, cumulatively
    /// with it.
    pub fn feasible(&self, x: &[u32]) -> bool {
        let s = self.spending(x);
        let (mut cs, mut cm) = (0.0, 0.0);
        for (&st, &mt) in s.iter().zip(&self.money) {
            if self.carry_over {
                cs += st;
                cm += mt;
                if cs > cm + money_tol(cm) {
                    return false;
                }
            } else if st > mt + money_tol(mt) {
                return false;
            }
        }
        true
    }

    /// Money still free to spend in year `t` (1-based) without breaking any year.
    fn room(&self, spend: &[f64], t: usize) -> f64 {
        if !self.carry_over {
            return self.money[t - 1] - spend[t - 1];
        }
        let (mut cs, mut cm) = (0.0, 0.0);
        let mut room = f64::INFINITY;
        for (k, (&sk, &mk)) in spend.iter().zip(&self.money).enumerate() {
            cs += sk;
            cm += mk;
            if k + 1 >= t {
                room = room.min(cm - cs);
            }
        }
        room
    }

    /// Area gained by building centre `i` in year `t` (1-based).
    fn gain(&self, i: usize, t: usize) -> f64 {
        let y = self.years;
        self.value[i * y + t - 1..(i + 1) * y].iter().fold(0.0, |a, b| a + b)
    }

    /// Greedy fill, year by year: add the affordable unbuilt centre (among `allowed`) with the
    /// best key (gain per yuan, or gain) until none fits.
    fn fill(&self, x: &mut [u32], allowed: &[bool], by_ratio: bool) {
        let never = self.never();
        let mut spend = self.spending(x);
        for t in 1..=self.years {
            loop {
                let room = self.room(&spend, t);
                let mut pick: Option<(f64, f64, usize)> = None;
                for i in 0..self.n() {
                    if x[i] != never || !allowed[i] || self.cost[i] > room + money_tol(room) {
                        continue;
                    }
                    let g = self.gain(i, t);
                    if g <= 0.0 {
                        continue;
                    }
                    let key = if !by_ratio {
                        g
                    } else if self.cost[i] <= 0.0 {
                        f64::INFINITY
                    } else {
                        g / self.cost[i]
                    };
                    if pick.is_none_or(|(k, pg, _)| key > k || (key == k && g > pg)) {
                        pick = Some((key, g, i));
                    }
                }
                match pick {
                    Some((_, _, i)) => {
                        x[i] = t as u32;
                        spend[t - 1] += self.cost[i];
                    }
                    None => break,
                }
            }
        }
    }

    /// The cheapest (greedy) set of centres not built in `x` that lifts last-year coverage to
    /// the target, and its cost; `Some(0)` when already reached, `None` when unreachable.
    pub fn completion_cost(&self, x: &[u32]) -> Option<(f64, Vec<usize>)> {
        let y = self.years;
        let never = self.never();
        let last = |i: usize| self.value[i * y + y - 1];
        let mut share = self.shares(x)[y - 1];
        if self.reached(share) {
            return Some((0.0, Vec::new()));
        }
        let mut free: Vec<usize> = (0..self.n()).filter(|&i| x[i] == never && last(i) > 0.0).collect();
        let mut picked = Vec::new();
        while !self.reached(share) {
            let best = free.iter().enumerate().max_by(|(_, &a), (_, &b)| {
                let ka = if self.cost[a] <= 0.0 { f64::INFINITY } else { last(a) / self.cost[a] };
                let kb = if self.cost[b] <= 0.0 { f64::INFINITY } else { last(b) / self.cost[b] };
                ka.total_cmp(&kb).then(b.cmp(&a))
            });
            let (pos, &i) = best?;
            free.swap_remove(pos);
            share += last(i);
            picked.push(i);
        }
        // Drop what is not needed, most expensive first.
        picked.sort_by(|&a, &b| self.cost[b].total_cmp(&self.cost[a]).then(a.cmp(&b)));
        let mut keep = Vec::new();
        for &i in &picked {
            if self.reached(share - last(i)) {
                share -= last(i);
            } else {
                keep.push(i);
            }
        }
        keep.sort_unstable();
        Some((keep.iter().map(|&i| self.cost[i]).fold(0.0, |a, b| a + b), keep))
    }

    /// Year by year, the unbuilt centres (among `allowed`) of most area gained that fit the
    /// year's room, chosen by an exact 0/1 knapsack (branch and bound, node-limited).
    fn fill_knapsack(&self, x: &mut [u32], allowed: &[bool]) {
        let never = self.never();
        let mut spend = self.spending(x);
        for t in 1..=self.years {
            let room = self.room(&spend, t);
            let items: Vec<usize> = (0..self.n())
                .filter(|&i| {
                    x[i] == never && allowed[i] && self.cost[i] <= room + money_tol(room) && self.gain(i, t) > 0.0
                })
                .collect();
            let profit: Vec<f64> = items.iter().map(|&i| self.gain(i, t)).collect();
            let weight: Vec<f64> = items.iter().map(|&i| self.cost[i]).collect();
            for j in knapsack(&profit, &weight, room + money_tol(room)) {
                x[items[j]] = t as u32;
                spend[t - 1] += self.cost[items[j]];
            }
        }
    }

    /// A start that reaches the target as early as it can: for the first year t for which it
    /// works, the cheapest set of centres (exact knapsack cover) whose shares reach the target
    /// in year t, placed most expensive first in the earliest year with room; then the rest
    /// filled by knapsack.
    fn target_start(&self) -> Option<Vec<u32>> {
        let n = self.n();
        let y = self.years;
        let never = self.never();
        for t in 1..=y {
            let need = self.target - 1e-12 - self.base[t - 1];
            let values: Vec<f64> = (0..n).map(|i| self.value[i * y + t - 1]).collect();
            let total: f64 = values.iter().fold(0.0, |a, b| a + b);
            if total < need {
                continue;
            }
            let cover: Vec<usize> = if need <= 0.0 {
                Vec::new()
            } else {
                // Leave out the most cost whose value the target can spare.
                let left_out = knapsack(&self.cost, &values, total - need);
                let mut out = vec![false; n];
                for j in left_out {
                    out[j] = true;
                }
                (0..n).filter(|&i| !out[i]).collect()
            };
            let mut order = cover.clone();
            order.sort_by(|&a, &b| self.cost[b].total_cmp(&self.cost[a]).then(a.cmp(&b)));
            let mut x = vec![never; n];
            let mut spend = vec![0.0; y];
            let mut placed = true;
            for &i in &order {
                match (1..=t).find(|&k| self.cost[i] <= self.room(&spend, k) + money_tol(self.room(&spend, k))) {
                    Some(k) => {
                        x[i] = k as u32;
                        spend[k - 1] += self.cost[i];
                    }
                    None => {
                        placed = false;
                        break;
                    }
                }
            }
            if placed {
                self.fill_knapsack(&mut x, &vec![true; n]);
                return Some(x);
            }
        }
        None
    }

    /// The pilot method (Duin & Voß 1999): commit one (centre, year) at a time, choosing the one
    /// whose greedy completion (gain per yuan) scores best, until no commitment beats the
    /// completion of what is committed. Stops committing after about `work` elementary steps,
    /// so its cost stays bounded on large problems (deterministic: it counts steps, not time).
    fn pilot(&self, work: usize) -> Vec<u32> {
        let n = self.n();
        let never = self.never();
        let all = vec![true; n];
        let mut x = vec![never; n];
        let step = self.years * self.years * n * n + 1;
        let mut used = 0usize;
        loop {
            let mut base = x.clone();
            self.fill(&mut base, &all, true);
            let mut best = (self.score(&base), None);
            let spend = self.spending(&x);
            for i in 0..n {
                if x[i] != never {
                    continue;
                }
                for t in 1..=self.years {
                    let room = self.room(&spend, t);
                    if self.cost[i] > room + money_tol(room) {
                        continue;
                    }
                    let mut y = x.clone();
                    y[i] = t as u32;
                    self.fill(&mut y, &all, true);
                    used += step;
                    let s = self.score(&y);
                    if s.better_than(&best.0) {
                        best = (s, Some((i, t)));
                    }
                }
            }
            match best.1 {
                Some((i, t)) if used <= work => x[i] = t as u32,
                _ => return base,
            }
        }
    }

    /// Best schedule by the heuristic: greedy constructions (gain per yuan, gain, a knapsack per
    /// year, the cheapest set reaching the target first, and the pilot method), each improved
    /// by exchange local search.
    pub fn heuristic(&self) -> Vec<u32> {
        let n = self.n();
        let never = self.never();
        let all = vec![true; n];
        let mut starts = Vec::with_capacity(5);
        for by_ratio in [true, false] {
            let mut x = vec![never; n];
            self.fill(&mut x, &all, by_ratio);
            starts.push(x);
        }
        let mut x = vec![never; n];
        self.fill_knapsack(&mut x, &all);
        starts.push(x);
        if let Some(x) = self.target_start() {
            starts.push(x);
        }
        starts.push(self.pilot(PILOT_WORK));
        let mut best: Option<(Score, Vec<u32>)> = None;
        for mut x in starts {
            let s = self.local_search(&mut x);
            if best.as_ref().is_none_or(|(b, _)| s.better_than(b)) {
                best = Some((s, x));
            }
        }
        best.map(|b| b.1).unwrap_or_else(|| vec![never; n])
    }

    /// Exchange local search (first improvement): move one centre to another year (or never),
    /// swap the years of two centres, or drop one and refill greedily; until no move improves.
    fn local_search(&self, x: &mut [u32]) -> Score {
        let n = self.n();
        let never = self.never();
        let all = vec![true; n];
        let mut best = self.score(x);
        let mut y = x.to_vec();
        for _round in 0..200 {
            let mut improved = false;
            for i in 0..n {
                for t in 1..=never {
                    if t == x[i] {
                        continue;
                    }
                    y.copy_from_slice(x);
                    y[i] = t;
                    if self.feasible(&y) {
                        let s = self.score(&y);
                        if s.better_than(&best) {
                            x.copy_from_slice(&y);
                            best = s;
                            improved = true;
                        }
                    }
                }
            }
            for i in 0..n {
                for j in i + 1..n {
                    if x[i] == x[j] {
                        continue;
                    }
                    y.copy_from_slice(x);
                    y.swap(i, j);
                    if self.feasible(&y) {
                        let s = self.score(&y);
                        if s.better_than(&best) {
                            x.copy_from_slice(&y);
                            best = s;
                            improved = true;
                        }
                    }
                }
            }
            for i in 0..n {
                if x[i] == never {
                    continue;
                }
                y.copy_from_slice(x);
                y[i] = never;
                let mut tabu = all.clone();
                tabu[i] = false;
                self.fill_knapsack(&mut y, &tabu);
                let s = self.score(&y);
                if s.better_than(&best) {
                    x.copy_from_slice(&y);
                    best = s;
                    improved = true;
                }
            }
            if !improved {
                break;
            }
        }
        best
    }

    /// The optimal schedule by dynamic programming over the sets of centres built by each year:
    /// O(3ⁿ · years) time, O(2ⁿ · years) space. Ties keep the first optimum found.
    pub fn exact(&self) -> Vec<u32> {
        let n = self.n();
        let y = self.years;
        let full = 1usize << n;
        let mut cost = vec![0.0; full];
        let mut share = vec![0.0; full * y];
        for m in 1..full {
            let i = m.trailing_zeros() as usize;
            let p = m & (m - 1);
            cost[m] = cost[p] + self.cost[i];
            for t in 0..y {
                share[m * y + t] = share[p * y + t] + self.value[i * y + t];
            }
        }
        let cum: Vec<f64> = self
            .money
            .iter()
            .scan(0.0, |acc, &m| {
                *acc += m;
                Some(*acc)
            })
            .collect();
        let mut next: Vec<Score> = (0..full).map(|b| Score { years_at_target: 0, area: 0.0, spent: cost[b] }).collect();
        let mut choice = vec![0u32; full * y];
        for t in (0..y).rev() {
            let mut cur = next.clone();
            for b in 0..full {
                let comp = !b & (full - 1);
                let mut sub = comp;
                let mut best: Option<(Score, usize)> = None;
                loop {
                    let nb = b | sub;
                    let ok = if self.carry_over {
                        cost[nb] <= cum[t] + money_tol(cum[t])
                    } else {
                        cost[nb] - cost[b] <= self.money[t] + money_tol(self.money[t])
                    };
                    if ok {
                        let s = self.base[t] + share[nb * y + t];
                        let tail = next[nb];
                        let v = Score {
                            years_at_target: tail.years_at_target + u32::from(self.reached(s)),
                            area: s + tail.area,
                            spent: tail.spent,
                        };
                        if best.as_ref().is_none_or(|(bs, _)| v.better_than(bs)) {
                            best = Some((v, nb));
                        }
                    }
                    if sub == 0 {
                        break;
                    }
                    sub = (sub - 1) & comp;
                }
                if let Some((v, nb)) = best {
                    cur[b] = v;
                    choice[t * full + b] = nb as u32;
                }
            }
            next = cur;
        }
        let mut x = vec![self.never(); n];
        let mut b = 0usize;
        for t in 0..y {
            let nb = choice[t * full + b] as usize;
            for (i, xi) in x.iter_mut().enumerate() {
                if nb & (1 << i) != 0 && b & (1 << i) == 0 {
                    *xi = t as u32 + 1;
                }
            }
            b = nb;
        }
        x
    }

    /// Solve with `method`; returns the schedule and the method actually used.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming `method` for [`ScheduleMethod::Exact`] with more than
    /// [`EXACT_MAX`] centres.
    pub fn solve(&self, method: ScheduleMethod) -> Result<(Vec<u32>, ScheduleMethod)> {
        let n = self.n();
        match method {
            ScheduleMethod::Exact if n > EXACT_MAX => Err(Error::param(
                "method",
                format!("the exact schedule handles at most {EXACT_MAX} centres to build, the plan has {n}; use method='heuristic' or 'auto'"),
            )),
            ScheduleMethod::Exact => Ok((self.exact(), ScheduleMethod::Exact)),
            ScheduleMethod::Auto if n <= EXACT_AUTO_LIMIT => Ok((self.exact(), ScheduleMethod::Exact)),
            _ => Ok((self.heuristic(), ScheduleMethod::Heuristic)),
        }
    }
}

/// Elementary steps the pilot method may take (about 5 ms).
const PILOT_WORK: usize = 20_000_000;

/// Most branch-and-bound nodes one knapsack may visit before it settles for the best found.
const KNAPSACK_NODES: usize = 20_000;

/// 0/1 knapsack: the items (by position) of most total `profit` whose `weight` sums to at most
/// `capacity`. Branch and bound in order of profit per weight with the fractional (Dantzig)
/// bound (Horowitz & Sahni 1974), visiting at most [`KNAPSACK_NODES`] nodes; items of weight 0
/// and positive profit are always taken. Deterministic: ties by position.
pub(crate) fn knapsack(profit: &[f64], weight: &[f64], capacity: f64) -> Vec<usize> {
    let mut free: Vec<usize> = Vec::new();
    let mut items: Vec<usize> = Vec::new();
    for i in 0..profit.len() {
        if profit[i] <= 0.0 || weight[i] > capacity {
            continue;
        }
        if weight[i] <= 0.0 {
            free.push(i);
        } else {
            items.push(i);
        }
    }
    items.sort_by(|&a, &b| (profit[b] / weight[b]).total_cmp(&(profit[a] / weight[a])).then(a.cmp(&b)));
    let p: Vec<f64> = items.iter().map(|&i| profit[i]).collect();
    let w: Vec<f64> = items.iter().map(|&i| weight[i]).collect();
    let m = items.len();
    // Greedy first: a good incumbent.
    let mut best_take = vec![false; m];
    let (mut best_p, mut room) = (0.0, capacity);
    for k in 0..m {
        if w[k] <= room {
            best_take[k] = true;
            best_p += p[k];
            room -= w[k];
        }
    }
    let bound = |k: usize, mut room: f64, mut val: f64| {
        for j in k..m {
            if w[j] <= room {
                room -= w[j];
                val += p[j];
            } else {
                return val + p[j] * room / w[j];
            }
        }
        val
    };
    let mut take = vec![false; m];
    let mut nodes = 0usize;
    // Iterative DFS: (depth, room, value), choosing "take" before "skip".
    fn dfs(
        k: usize,
        room: f64,
        val: f64,
        st: &mut (Vec<bool>, Vec<bool>, f64, usize),
        p: &[f64],
        w: &[f64],
        bound: &dyn Fn(usize, f64, f64) -> f64,
    ) {
        let (take, best_take, best_p, nodes) = (&mut st.0, &mut st.1, &mut st.2, &mut st.3);
        *nodes += 1;
        if k == p.len() {
            if val > *best_p + 1e-12 * (1.0 + best_p.abs()) {
                *best_p = val;
                best_take.copy_from_slice(take);
            }
            return;
        }
        if *nodes > KNAPSACK_NODES || bound(k, room, val) <= *best_p + 1e-12 * (1.0 + best_p.abs()) {
            return;
        }
        if w[k] <= room {
            st.0[k] = true;
            dfs(k + 1, room - w[k], val + p[k], st, p, w, bound);
            st.0[k] = false;
        }
        dfs(k + 1, room, val, st, p, w, bound);
    }
    let mut st = (std::mem::take(&mut take), best_take, best_p, nodes);
    dfs(0, capacity, 0.0, &mut st, &p, &w, &bound);
    nodes = st.3;
    let _ = nodes;
    let mut out: Vec<usize> = free;
    out.extend((0..m).filter(|&k| st.1[k]).map(|k| items[k]));
    out.sort_unstable();
    out
}

// ---------------------------------------------------------------------------------------------
// From a plan

/// Check a target share.
pub(crate) fn check_target(target: f64) -> Result<()> {
    if !(target > 0.0 && target <= 1.0) {
        return Err(Error::param(
            "target",
            format!("the target must be a share in (0, 1], got {target}; 0.6 means 60% of villages"),
        ));
    }
    Ok(())
}

/// The plan's centres split into existing ones (open from year 0) and those to build, with each
/// village's weight towards the target.
pub(crate) struct PlanParts {
    /// Communities open from year 0 (status `existing`).
    pub fixed: Vec<usize>,
    /// Communities to build, in plan order: the rollout's centres.
    pub free: Vec<usize>,
    /// The covered member villages of each community (members beyond the radius, which only
    /// p-median and p-center plans have, are left out).
    pub members: Vec<Vec<u32>>,
}

impl PlanParts {
    pub(crate) fn new(plan: &Plan) -> Self {
        let (fixed, free) =
            (0..plan.communities.len()).partition(|&k| plan.communities[k].status == SiteStatus::Existing);
        let covered = |v: u32| plan.assignments.get(v as usize).is_some_and(crate::plan::Assignment::covered);
        let members =
            plan.communities.iter().map(|c| c.villages.iter().copied().filter(|&v| covered(v)).collect()).collect();
        Self { fixed, free, members }
    }
}

/// The share each village adds towards a target counted `by` villages or population
/// (`population` per village, possibly grown).
pub(crate) fn village_weights(by: CoverageBy, population: &[f64]) -> Vec<f64> {
    let n = population.len();
    match by {
        CoverageBy::Villages => vec![1.0 / n.max(1) as f64; n],
        CoverageBy::Population => {
            let total = population.iter().fold(0.0, |a, b| a + b);
            if total > 0.0 {
                population.iter().map(|p| p / total).collect()
            } else {
                vec![0.0; n]
            }
        }
    }
}

impl Schedule {
    /// The build order of a plan's centres over the budget's years, with the plan's target
    /// (see [`Schedule::build_with`]).
    ///
    /// # Errors
    /// As [`Schedule::build_with`].
    pub fn build(plan: &Plan, budget: &Budget, costs: &CostModel) -> Result<Schedule> {
        Self::build_with(plan, budget, costs, &ScheduleOptions::default())
    }

    /// Decide which of a plan's centres are built in which year, within each year's money,
    /// reaching the target as early as possible and covering as much as possible as early as
    /// possible.
    ///
    /// Each centre costs what the cost model says for the households its community serves
    /// ([`CostModel::cost_plan`]); existing centres are open from year 0 at no cost. A village
    /// counts as covered from the year its community's centre opens. Without carry-over, each
    /// year's spending stays within that year's money; with it, within the money of that year and
    /// everything left before.
    ///
    /// The schedule maximises, in this order: the number of funded years at or above the target
    /// (that is, the earliest year the target is reached), the area under the coverage curve
    /// (the sum over funded years of the share covered, by villages or population as the
    /// target counts), then the least money spent. For up to [`EXACT_AUTO_LIMIT`] centres to
    /// build, dynamic programming over the sets built by each year finds the optimum
    /// ([`ScheduleMethod::Exact`]). Above, a heuristic ([`ScheduleMethod::Heuristic`]) starts from
    /// three greedy constructions — year by year the affordable centre with the best area gained
    /// per yuan; the same by area gained; and the cheapest (greedy) set of centres reaching the
    /// target placed first — and improves each by exchange local search (move a centre to
    /// another year or drop it; swap two centres' years; drop one and refill greedily) until no
    /// move improves. Integration tests compare it with exhaustive search.
    ///
    /// Each year's spending is split over the six sources pro rata to the money available from
    /// each that year (its budget plus, with carry-over, what it had left), so no source ever
    /// spends more than it has.
    ///
    /// # Arguments
    /// * `plan`: the centres and their communities.
    /// * `budget`: money per year and source; its length is the number of years.
    /// * `costs`: unit costs and floor-area rules.
    /// * `options`: target (default: the plan's) and method.
    ///
    /// # Returns
    /// The [`Schedule`]: per year the centres built, money available, spent and left by source,
    /// coverage overall and per town; the year the target is reached or the shortfall in yuan.
    ///
    /// # Errors
    /// * [`Error::InvalidInput`] for a bad budget or cost model, a target outside (0, 1], a
    ///   centre on a `no_space` site when the cost model has no land price, or
    ///   [`ScheduleMethod::Exact`] with more than [`EXACT_MAX`] centres to build.
    ///
    /// # Complexity
    /// Exact: O(3ⁿ · y) time and O(2ⁿ · y) space for n centres to build and y years. Heuristic:
    /// each local-search round O(n² · y); rounds stop at the first without improvement (at most
    /// 200). Reporting is O(v · y) for v villages.
    ///
    /// # Examples
    /// ```
    /// use villageplan::prelude::*;
    /// use villageplan::rollout::{Budget, CostModel, Schedule, DEFAULT_SHARES};
    /// let county = sample_county(2008)?;
    /// let p = plan(&county, &PlanOptions::default())?;
    /// let budget = Budget::yearly(5_000_000.0, &DEFAULT_SHARES, 3, true)?;
    /// let s = Schedule::build(&p, &budget, &CostModel::default())?;
    /// assert_eq!(s.years.len(), 4); // year 0 and three funded years
    /// for y in &s.years[1..] {
    ///     assert!(y.spent.total() <= y.available.total() + 1e-6);
    /// }
    /// assert!(s.years.windows(2).all(|w| w[0].coverage <= w[1].coverage));
    /// # Ok::<(), villageplan::error::Error>(())
    /// ```
    pub fn build_with(plan: &Plan, budget: &Budget, costs: &CostModel, options: &ScheduleOptions) -> Result<Schedule> {
        budget.validate()?;
        let target = options.target.unwrap_or(plan.options.target);
        check_target(target)?;
        let centre_costs = costs.cost_plan(plan)?;
        let parts = PlanParts::new(plan);
        let population: Vec<f64> = plan.county.villages().iter().map(|v| v.population).collect();
        let w = village_weights(plan.options.by, &population);
        let years = budget.n_years();
        let member_share = |k: usize| parts.members[k].iter().map(|&v| w[v as usize]).fold(0.0, |a, b| a + b);
        let base_share = parts.fixed.iter().map(|&k| member_share(k)).fold(0.0, |a, b| a + b);
        let rollout = Rollout {
            years,
            cost: parts.free.iter().map(|&k| centre_costs[k].cost).collect(),
            value: parts.free.iter().flat_map(|&k| std::iter::repeat_n(member_share(k), years)).collect(),
            base: vec![base_share; years],
            target,
            money: budget.years.iter().map(Funding::total).collect(),
            carry_over: budget.carry_over,
        };
        let (x, method) = rollout.solve(options.method)?;
        let mut year_of: Vec<Option<u32>> = vec![Some(0); plan.communities.len()];
        for (j, &k) in parts.free.iter().enumerate() {
            year_of[k] = (x[j] <= years as u32).then_some(x[j]);
        }
        Ok(report(plan, &parts, budget, &centre_costs, &year_of, &rollout, &x, method, target))
    }
}

/// Assemble the schedule's tables from the build years.
#[allow(clippy::too_many_arguments)]
fn report(
    plan: &Plan,
    parts: &PlanParts,
    budget: &Budget,
    centre_costs: &[super::cost::CentreCost],
    year_of: &[Option<u32>],
    rollout: &Rollout,
    x: &[u32],
    method: ScheduleMethod,
    target: f64,
) -> Schedule {
    let years = budget.n_years();
    let county = &plan.county;
    let villages = county.villages();
    let total_pop = county.total_population();
    let n_towns = county.towns().len();
    let vt = county.village_towns();
    let st = county.site_towns();
    // Year each village becomes covered.
    let mut covered_from: Vec<Option<u32>> = vec![None; villages.len()];
    for (k, members) in parts.members.iter().enumerate() {
        for &v in members {
            covered_from[v as usize] = year_of[k];
        }
    }
    let spend = rollout.spending(x);
    let mut carried = [0.0; 6];
    let mut out_years = Vec::with_capacity(years + 1);
    let mut towns = Vec::with_capacity((years + 1) * n_towns);
    for t in 0..=years as u32 {
        let (available, spent, left) = if t == 0 {
            (Funding::default(), Funding::default(), Funding::default())
        } else {
            let budget_t = budget.years[t as usize - 1].to_array();
            let avail: [f64; 6] = std::array::from_fn(|k| budget_t[k] + carried[k]);
            let total = avail.iter().fold(0.0, |a, b| a + b);
            let s = spend[t as usize - 1];
            let ratio = if total > 0.0 { (s / total).min(1.0) } else { 0.0 };
            let sp: [f64; 6] = avail.map(|a| a * ratio);
            let lf: [f64; 6] = std::array::from_fn(|k| (avail[k] - sp[k]).max(0.0));
            carried = if budget.carry_over { lf } else { [0.0; 6] };
            (Funding::from_array(avail), Funding::from_array(sp), Funding::from_array(lf))
        };
        let is_covered = |v: usize| covered_from[v].is_some_and(|y| y <= t);
        let mut town_rows: Vec<TownYear> = county
            .towns()
            .iter()
            .map(|tw| TownYear {
                year: t,
                town: tw.name.clone(),
                villages: 0,
                covered: 0,
                population: 0.0,
                covered_population: 0.0,
                centres: 0,
            })
            .collect();
        let (mut n_cov, mut pop_cov) = (0usize, 0.0);
        for (v, village) in villages.iter().enumerate() {
            let row = &mut town_rows[vt[v] as usize];
            row.villages += 1;
            row.population += village.population;
            if is_covered(v) {
                row.covered += 1;
                row.covered_population += village.population;
                n_cov += 1;
                pop_cov += village.population;
            }
        }
        let mut built = Vec::new();
        let mut open = 0;
        for (k, c) in plan.communities.iter().enumerate() {
            if let Some(y) = year_of[k] {
                if y <= t {
                    open += 1;
                    town_rows[st[c.site as usize] as usize].centres += 1;
                }
                if y == t && c.status != SiteStatus::Existing {
                    built.push(c.site_id.clone());
                }
            }
        }
        towns.extend(town_rows);
        out_years.push(YearReport {
            year: t,
            built,
            centres_open: open,
            available,
            spent,
            left,
            covered_villages: n_cov,
            coverage: n_cov as f64 / villages.len().max(1) as f64,
            covered_population: pop_cov,
            population_coverage: if total_pop > 0.0 { pop_cov / total_pop } else { 0.0 },
        });
    }
    let shares = rollout.shares(x);
    let base_reached = rollout.base.first().is_some_and(|&b| rollout.reached(b));
    let target_year =
        if base_reached { Some(0) } else { shares.iter().position(|&s| rollout.reached(s)).map(|t| t as u32 + 1) };
    let left_last = out_years.last().map_or(0.0, |y| y.left.total());
    let shortfall =
        rollout.completion_cost(x).map(|(c, _)| if target_year.is_some() { 0.0 } else { (c - left_last).max(0.0) });
    let centres: Vec<ScheduledCentre> = plan
        .communities
        .iter()
        .enumerate()
        .map(|(k, c)| ScheduledCentre {
            community: c.id,
            site_id: c.site_id.clone(),
            town: c.town.clone(),
            status: c.status,
            households: centre_costs[k].households,
            required_m2: centre_costs[k].required_m2,
            cost: centre_costs[k].cost,
            year: year_of[k],
        })
        .collect();
    let cost_to_complete = centres.iter().filter(|c| c.year.is_none()).map(|c| c.cost).fold(0.0, |a, b| a + b);
    Schedule {
        target,
        by: plan.options.by,
        carry_over: budget.carry_over,
        method,
        years: out_years,
        centres,
        towns,
        target_year,
        shortfall,
        cost_to_complete,
        area: shares.iter().fold(0.0, |a, b| a + b),
    }
}

impl Schedule {
    /// Spending per year by source as `(year, source, available, spent, left)` rows, funded
    /// years only.
    pub fn spending_rows(&self) -> Vec<(u32, Source, f64, f64, f64)> {
        self.years
            .iter()
            .filter(|y| y.year > 0)
            .flat_map(|y| Source::ALL.map(|s| (y.year, s, y.available.get(s), y.spent.get(s), y.left.get(s))))
            .collect()
    }

    /// The schedule as JSON.
    ///
    /// # Errors
    /// [`Error::Internal`] if serialisation fails (it does not).
    pub fn to_json(&self) -> Result<String> {
        serde_json::to_string(self).map_err(|e| Error::Internal(format!("schedule serialisation failed: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rollout(cost: &[f64], value: &[f64], money: &[f64], carry: bool, target: f64) -> Rollout {
        let y = money.len();
        Rollout {
            years: y,
            cost: cost.to_vec(),
            value: value.iter().flat_map(|&v| std::iter::repeat_n(v, y)).collect(),
            base: vec![0.0; y],
            target,
            money: money.to_vec(),
            carry_over: carry,
        }
    }

    #[test]
    fn saving_up_reaches_the_target() {
        // A covers 20%, B 25%; the target is 25%. Only saving year 1's money buys B in year 2.
        let r = rollout(&[100.0, 200.0], &[0.20, 0.25], &[100.0, 100.0], true, 0.25);
        for x in [r.exact(), r.heuristic()] {
            assert_eq!(x, vec![3, 2]);
        }
        // Without carry-over B never fits; A is built in year 1.
        let r = rollout(&[100.0, 200.0], &[0.20, 0.25], &[100.0, 100.0], false, 0.25);
        assert_eq!(r.exact(), vec![1, 3]);
        assert_eq!(r.completion_cost(&[1, 3]).unwrap().0, 200.0);
    }

    #[test]
    fn everything_affordable_is_built_in_year_one() {
        let r = rollout(&[1.0, 2.0, 3.0], &[0.1, 0.2, 0.3], &[10.0, 0.0], false, 0.5);
        assert_eq!(r.exact(), vec![1, 1, 1]);
        assert_eq!(r.heuristic(), vec![1, 1, 1]);
    }
}
