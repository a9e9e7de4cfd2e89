use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::{Progress, Scenario};
use crate::error::{Error, Result};
use crate::model::Instance;
use crate::plan::{plan, CoverageBy, Plan};
use crate::rollout::schedule::{village_weights, PlanParts};
use crate::rollout::{Rollout, Schedule, ScheduleMethod, Source};

/// Runs per block: progress is reported, and cancellation checked, between blocks.
const BLOCK: usize = 512;
/// Most runs one simulation may do.
pub const MAX_RUNS: usize = 10_000_000;

/// The outcome of one Monte Carlo run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunResult {
    /// Run index (0-based).
    pub run: usize,
    /// Share of villages covered at the end of years 0 (today) to the last.
    pub coverage: Vec<f64>,
    /// Share of population covered at the end of years 0 to the last.
    pub population_coverage: Vec<f64>,
    /// Money received per funded year, yuan.
    pub money: Vec<f64>,
    /// Money spent per funded year, yuan.
    pub spent: Vec<f64>,
    /// Centres open at the end of years 0 to the last.
    pub centres: Vec<usize>,
    /// First year the target is reached (0 if the existing centres reach it), `None` if never.
    pub target_year: Option<u32>,
    /// The run's factor on the new-build rate.
    pub new_cost_factor: f64,
    /// The run's factor on the renovation rate.
    pub renovate_cost_factor: f64,
    /// The run's county-wide yearly population change.
    pub growth: f64,
}

/// Quantiles of coverage across runs for one year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct YearQuantiles {
    /// Year (0 = today).
    pub year: u32,
    /// Mean share covered (by the target's measure).
    pub mean: f64,
    /// Quantiles at the simulation's levels, in the same order.
    pub quantiles: Vec<f64>,
    /// Share of runs that reached the target by this year.
    pub probability_of_target: f64,
}

/// The result of [`simulate()`]: one [`RunResult`] per run, plus the deterministic schedule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Simulation {
    /// The scenario simulated.
    pub scenario: Scenario,
    /// The seed.
    pub seed: u64,
    /// The plan's centres (existing ones included).
    pub n_centres: usize,
    /// The schedule without uncertainty.
    pub schedule: Schedule,
    /// Every run, in run order.
    pub runs: Vec<RunResult>,
}

/// Derive the seed of run `k` from the simulation's seed (SplitMix64 finaliser), so that each
/// run's random stream depends on (seed, run index) only, never on the thread that runs it.
pub fn run_seed(seed: u64, k: u64) -> u64 {
    let mut z = seed ^ 0x5851_F42D_4C95_7F2D;
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15u64.wrapping_mul(k.wrapping_add(1)));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Linear-interpolation quantile (numpy's default, Hyndman & Fan type 7) of sorted values.
fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let h = q.clamp(0.0, 1.0) * (sorted.len() - 1) as f64;
    let lo = h.floor() as usize;
    let hi = h.ceil() as usize;
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

impl Simulation {
    /// Share of runs that reach the target by `year` (0 = today).
    pub fn probability_of_target(&self, year: u32) -> f64 {
        let hit = self.runs.iter().filter(|r| r.target_year.is_some_and(|y| y <= year)).count();
        hit as f64 / self.runs.len().max(1) as f64
    }

    /// Per year, the mean and the quantiles at `levels` (each in [0, 1]) of the share covered,
    /// counted as the target counts (villages or population), and the probability of having
    /// reached the target.
    pub fn quantiles(&self, levels: &[f64]) -> Vec<YearQuantiles> {
        let years = self.scenario.years;
        (0..=years)
            .map(|t| {
                let mut v: Vec<f64> = self
                    .runs
                    .iter()
                    .map(|r| match self.scenario.by {
                        CoverageBy::Villages => r.coverage[t as usize],
                        CoverageBy::Population => r.population_coverage[t as usize],
                    })
                    .collect();
                v.sort_by(f64::total_cmp);
                YearQuantiles {
                    year: t,
                    mean: v.iter().fold(0.0, |a, b| a + b) / v.len().max(1) as f64,
                    quantiles: levels.iter().map(|&q| quantile(&v, q)).collect(),
                    probability_of_target: self.probability_of_target(t),
                }
            })
            .collect()
    }
}

/// Monte Carlo simulation of a scenario on a county: how sure is reaching the target, year by
/// year, under uncertain unit costs, funding and population?
///
/// Plans once ([`plan`] with the scenario's radius, target, `by` and `within_town`), then
/// [`simulate_with`] re-schedules that plan in every run.
///
/// # Errors
/// As [`simulate_with`], plus any error of the planner (for example [`Error::Infeasible`] when
/// the target cannot be reached at the radius).
///
/// # Examples
/// ```
/// use villageplan::prelude::*;
/// let county = sample_county(2008)?;
/// let sim = simulate(&county, &Scenario::default(), 200, 1)?;
/// assert_eq!(sim.runs.len(), 200);
/// let p3 = sim.probability_of_target(3);
/// assert!((0.0..=1.0).contains(&p3));
/// assert_eq!(simulate(&county, &Scenario::default(), 200, 1)?, sim); // seeded
/// # Ok::<(), villageplan::error::Error>(())
/// ```
pub fn simulate(county: &Instance, scenario: &Scenario, runs: usize, seed: u64) -> Result<Simulation> {
    scenario.validate()?;
    let p = plan(county, &scenario.plan_options())?;
    simulate_with(&p, scenario, runs, seed, None)
}

/// Monte Carlo simulation of a plan's roll-out under a scenario's uncertainty: seeded, parallel
/// and independent of the number of threads.
///
/// Each run draws, from its own ChaCha8 stream seeded by ([`run_seed`]`(seed, run)`):
/// 1. a lognormal factor (median 1, log-sd `cost_sigma`) on each yuan/m² rate;
/// 2. for each year and source, a mean-1 lognormal factor exp(σZ − σ²/2) on the amount
///    received, σ = `funding_sigma` of the source;
/// 3. a county-wide yearly population change g ~ N(`population_growth`,
///    `population_growth_sd`²) and per village g + N(0, `village_growth_sd`²); village
///    population in year t is its population × (1 + its change)ᵗ (never below 0).
///
/// Centres are sized for the households they serve in the last year, costed with the run's
/// rates ([`CostModel`](crate::rollout::CostModel)), and the plan is re-scheduled
/// ([`Rollout::solve`], [`ScheduleMethod::Auto`]) with the run's money and population weights.
/// The plan's coverage structure (communities) is built once and reused, so a run costs only
/// the re-schedule. Runs go in blocks of 512, each block in parallel on the rayon pool
/// (`RAYON_NUM_THREADS`); results are collected in run order.
///
/// # Arguments
/// * `plan`: the plan to roll out (its target counts villages or population as planned).
/// * `scenario`: budget, cost model, uncertainty and target (the scenario's target is used).
/// * `runs`: number of runs, 1 to [`MAX_RUNS`].
/// * `seed`: seed of every random stream.
/// * `progress`: optional callback, called between blocks with (runs done, runs); returning
///   false stops with [`Error::Cancelled`].
///
/// # Returns
/// The [`Simulation`]: every run's coverage per year, money and target year, with the
/// deterministic schedule.
///
/// # Errors
/// [`Error::InvalidInput`] for an invalid scenario or `runs` out of range, or as
/// [`Schedule::build`]; [`Error::Cancelled`] when `progress` returns false.
///
/// # Complexity
/// O(runs · (v · y + S)) time for v villages, y years and S the cost of one re-schedule
/// (see [`Schedule::build_with`]); O(runs · y) space for the results.
pub fn simulate_with(
    plan: &Plan,
    scenario: &Scenario,
    runs: usize,
    seed: u64,
    progress: Option<Progress<'_>>,
) -> Result<Simulation> {
    simulate_range(plan, scenario, 0, runs, seed, progress)
}

/// Runs `first .. first + runs` of [`simulate_with`]: the same runs, with the same run indices
/// and seeds ([`run_seed`]`(seed, k)`), so that the chunks of a split simulation, joined with
/// [`Simulation::concat`], equal the simulation done in one go. For spreading one county's runs
/// over many machines (`villageplan.distributed`).
///
/// # Errors
/// As [`simulate_with`]; [`Error::InvalidInput`] naming `first` when `first + runs` exceeds
/// [`MAX_RUNS`].
///
/// # Examples
/// ```
/// use villageplan::prelude::*;
/// use villageplan::scenario::simulate::{simulate_range, simulate_with, Simulation};
/// let county = sample_county(2008)?;
/// let s = Scenario::default();
/// let p = plan(&county, &s.plan_options())?;
/// let whole = simulate_with(&p, &s, 300, 7, None)?;
/// let parts = vec![simulate_range(&p, &s, 0, 120, 7, None)?, simulate_range(&p, &s, 120, 180, 7, None)?];
/// assert_eq!(Simulation::concat(parts)?, whole);
/// # Ok::<(), villageplan::error::Error>(())
/// ```
pub fn simulate_range(
    plan: &Plan,
    scenario: &Scenario,
    first: usize,
    runs: usize,
    seed: u64,
    progress: Option<Progress<'_>>,
) -> Result<Simulation> {
    scenario.validate()?;
    if runs == 0 || runs > MAX_RUNS {
        return Err(Error::param("runs", format!("runs must be 1 to {MAX_RUNS}, got {runs}; 1000 is usual")));
    }
    let end = first.checked_add(runs).filter(|&e| e <= MAX_RUNS).ok_or_else(|| {
        Error::param("first", format!("first + runs must be at most {MAX_RUNS}, got {first} + {runs}"))
    })?;
    let options = crate::rollout::ScheduleOptions { target: Some(scenario.target), method: ScheduleMethod::Auto };
    let schedule = Schedule::build_with(plan, &scenario.budget, &scenario.costs, &options)?;
    let model = Model::new(plan, scenario);
    let mut results = Vec::with_capacity(runs);
    let mut start = first;
    while start < end {
        let stop = (start + BLOCK).min(end);
        let block: Vec<RunResult> =
            (start..stop).into_par_iter().map(|r| model.run(r, run_seed(seed, r as u64))).collect();
        results.extend(block);
        start = stop;
        if let Some(f) = progress {
            if !f(start - first, runs) {
                return Err(Error::Cancelled);
            }
        }
    }
    Ok(Simulation { scenario: scenario.clone(), seed, n_centres: plan.communities.len(), schedule, runs: results })
}

impl Simulation {
    /// Join the chunks of one simulation made by [`simulate_range`], in any order, into the
    /// simulation made in one go.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming `parts` when there are none, when they differ in scenario,
    /// seed or plan, or when their runs do not make one unbroken range from run 0.
    pub fn concat(mut parts: Vec<Simulation>) -> Result<Simulation> {
        let bad = |why: String| Error::param("parts", why);
        parts.retain(|p| !p.runs.is_empty());
        parts.sort_by_key(|p| p.runs[0].run);
        let mut iter = parts.into_iter();
        let mut out = iter.next().ok_or_else(|| bad("give at least one non-empty simulation".into()))?;
        for p in iter {
            if p.scenario != out.scenario
                || p.seed != out.seed
                || p.n_centres != out.n_centres
                || p.schedule != out.schedule
            {
                return Err(bad(
                    "the simulations differ in scenario, seed or plan; join chunks of one simulation".into()
                ));
            }
            out.runs.extend(p.runs);
        }
        if let Some(k) = out.runs.iter().enumerate().position(|(k, r)| r.run != k) {
            return Err(bad(format!("the runs do not make one unbroken range from run 0: run {k} is missing")));
        }
        Ok(out)
    }
}

/// What every run shares: the plan's communities, split, and the scenario.
struct Model<'a> {
    plan: &'a Plan,
    scenario: &'a Scenario,
    parts: PlanParts,
    population: Vec<f64>,
    households: Vec<f64>,
}

impl<'a> Model<'a> {
    fn new(plan: &'a Plan, scenario: &'a Scenario) -> Self {
        let villages = plan.county.villages();
        Self {
            plan,
            scenario,
            parts: PlanParts::new(plan),
            population: villages.iter().map(|v| v.population).collect(),
            households: villages.iter().map(crate::model::Village::households_or_default).collect(),
        }
    }

    fn run(&self, run: usize, seed: u64) -> RunResult {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut z = || -> f64 { StandardNormal.sample(&mut rng) };
        let u = &self.scenario.uncertainty;
        let years = self.scenario.years as usize;
        let new_f = (u.cost_sigma * z()).exp();
        let ren_f = (u.cost_sigma * z()).exp();
        let sig = u.funding_sigma.to_array();
        let money: Vec<f64> = self
            .scenario
            .budget
            .years
            .iter()
            .map(|f| {
                let a = f.to_array();
                Source::ALL
                    .iter()
                    .map(|s| {
                        let k = s.index();
                        a[k] * (sig[k] * z() - 0.5 * sig[k] * sig[k]).exp()
                    })
                    .fold(0.0, |x, y| x + y)
            })
            .collect();
        let growth = u.population_growth + u.population_growth_sd * z();
        let rates: Vec<f64> =
            (0..self.population.len()).map(|_| (1.0 + growth + u.village_growth_sd * z()).max(0.0)).collect();
        // Population per year (t = 0..=years), village-major.
        let pop_at = |v: usize, t: usize| self.population[v] * rates[v].powi(t as i32);
        let pops: Vec<Vec<f64>> =
            (0..=years).map(|t| (0..self.population.len()).map(|v| pop_at(v, t)).collect()).collect();
        let weights: Vec<Vec<f64>> = pops.iter().map(|p| village_weights(self.scenario.by, p)).collect();
        let comm = &self.plan.communities;
        let sites = self.plan.county.sites();
        let members = &self.parts.members;
        let share = |k: usize, t: usize| members[k].iter().map(|&v| weights[t][v as usize]).fold(0.0, |a, b| a + b);
        let cost: Vec<f64> = self
            .parts
            .free
            .iter()
            .map(|&k| {
                let hh = comm[k]
                    .villages
                    .iter()
                    .map(|&v| self.households[v as usize] * rates[v as usize].powi(years as i32))
                    .fold(0.0, |a, b| a + b);
                self.scenario
                    .costs
                    .site_cost(&sites[comm[k].site as usize], hh, new_f, ren_f)
                    .map_or(f64::INFINITY, |c| c.3)
            })
            .collect();
        let rollout = Rollout {
            years,
            cost,
            value: self.parts.free.iter().flat_map(|&k| (1..=years).map(move |t| share(k, t))).collect(),
            base: (1..=years).map(|t| self.parts.fixed.iter().map(|&k| share(k, t)).fold(0.0, |a, b| a + b)).collect(),
            target: self.scenario.target,
            money,
            carry_over: self.scenario.budget.carry_over,
        };
        // The exact method cannot fail below its limit, and the heuristic never fails.
        let x = rollout.solve(ScheduleMethod::Auto).map(|r| r.0).unwrap_or_else(|_| rollout.heuristic());
        // Year each community opens.
        let mut open_year = vec![0u32; comm.len()];
        for (j, &k) in self.parts.free.iter().enumerate() {
            open_year[k] = x[j];
        }
        let n = self.population.len().max(1) as f64;
        let mut coverage = Vec::with_capacity(years + 1);
        let mut population_coverage = Vec::with_capacity(years + 1);
        let mut centres = Vec::with_capacity(years + 1);
        for (t, pop) in pops.iter().enumerate() {
            let (mut nv, mut pc, mut open) = (0usize, 0.0, 0usize);
            for (k, m) in members.iter().enumerate() {
                if open_year[k] as usize <= t {
                    open += 1;
                    nv += m.len();
                    pc += m.iter().map(|&v| pop[v as usize]).fold(0.0, |a, b| a + b);
                }
            }
            let total = pop.iter().fold(0.0, |a, b| a + b);
            coverage.push(nv as f64 / n);
            population_coverage.push(if total > 0.0 { pc / total } else { 0.0 });
            centres.push(open);
        }
        let measure = match self.scenario.by {
            CoverageBy::Villages => &coverage,
            CoverageBy::Population => &population_coverage,
        };
        let target_year = measure.iter().position(|&s| s >= self.scenario.target - 1e-12).map(|t| t as u32);
        RunResult {
            run,
            coverage,
            population_coverage,
            spent: rollout.spending(&x),
            money: rollout.money,
            centres,
            target_year,
            new_cost_factor: new_f,
            renovate_cost_factor: ren_f,
            growth,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_interpolate_like_numpy() {
        let v = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(quantile(&v, 0.5), 2.5);
        assert_eq!(quantile(&v, 0.0), 1.0);
        assert_eq!(quantile(&v, 1.0), 4.0);
        assert_ne!(run_seed(1, 0), run_seed(1, 1));
        assert_ne!(run_seed(1, 0), run_seed(2, 0));
    }
}
