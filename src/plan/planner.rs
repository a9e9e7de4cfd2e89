use std::path::Path;

use serde::{Deserialize, Serialize};

use super::area::{NetworkSummary, ServiceArea};
use super::capacitated::Capacitated;
use super::options::{CoverageBy, Goal, PlanObjective, PlanOptions};
use crate::coverage::Coverage;
use crate::error::{Error, Result};
use crate::group::assign_nearest;
use crate::model::{Instance, SiteStatus};
use crate::network::Unreachable;
use crate::solve::{self, CoverProblem, Solution, SolveOptions, Status};

/// Version of the plan JSON format written by [`Plan::to_json`].
pub const PLAN_FORMAT_VERSION: u32 = 1;

/// One community: a centre and the villages it serves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Community {
    /// Index of the community in the plan (0-based).
    pub id: u32,
    /// Index of the centre's site in the county's sites.
    pub site: u32,
    /// The centre's site id.
    pub site_id: String,
    /// The village the centre stands in, if any.
    pub centre_village: Option<String>,
    /// Status of the centre's site before the plan.
    pub status: SiteStatus,
    /// Cost of opening the centre (yuan, 0 for existing; `None` when the site has no cost).
    pub cost: Option<f64>,
    /// Town of the centre.
    pub town: String,
    /// Member villages (indices into the county's villages), ascending.
    pub villages: Vec<u32>,
    /// Total population of the members.
    pub population: f64,
    /// Total households of the members.
    pub households: f64,
}

/// Where one village ends up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assignment {
    /// Index of the village in the county.
    pub village: u32,
    /// Community it joins, `None` when no centre is within the radius.
    pub community: Option<u32>,
    /// Distance in metres to its centre (along the roads for a network plan), `None` when not
    /// covered.
    pub distance: Option<f64>,
    /// Travel minutes to its centre along the roads, for plans with a limit in minutes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minutes: Option<f64>,
    /// The village joins `community` but its centre is farther than the radius, so it is not
    /// covered. Only p-median and p-center plans ([`plan_p_median`](super::plan_p_median),
    /// [`plan_p_center`](super::plan_p_center)), which serve every village, set it; it is not
    /// written to JSON when false.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub beyond_radius: bool,
}

impl Assignment {
    /// Whether the village has a centre within the radius.
    pub fn covered(&self) -> bool {
        self.community.is_some() && !self.beyond_radius
    }
}

/// Coverage of one town.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TownSummary {
    /// Town name.
    pub town: String,
    /// Villages in the town.
    pub villages: usize,
    /// Villages with a centre within the radius.
    pub covered: usize,
    /// Population of the town.
    pub population: f64,
    /// Population with a centre within the radius.
    pub covered_population: f64,
    /// Centres in the town.
    pub centres: usize,
}

/// A plan: centres, the communities they form, each village's assignment, cost and coverage,
/// with the solver's certificate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// Format version of the serialised plan ([`PLAN_FORMAT_VERSION`]).
    pub format_version: u32,
    /// The county the plan is for (so that a saved plan is self-contained).
    pub county: Instance,
    /// The options it was made with.
    pub options: PlanOptions,
    /// The objective actually minimised (`count` or `cost`, never `auto`).
    pub objective: PlanObjective,
    /// One community per open centre, in ascending site order.
    pub communities: Vec<Community>,
    /// One entry per village, in the county's order.
    pub assignments: Vec<Assignment>,
    /// Share of villages covered, in [0, 1].
    pub coverage: f64,
    /// Share of population covered, in [0, 1] (0 when the county has no population).
    pub population_coverage: f64,
    /// Total cost of the centres opened (yuan; existing centres cost 0; 0 when sites have no costs).
    pub cost: f64,
    /// The solver's result: objective, bound, gap, status. Its per-village `assignment` is left
    /// empty because [`assignments`](Self::assignments) carries it, with distances.
    pub solution: Solution,
    /// Villages that no site that may open can reach within the limit, each with the reason
    /// (not written to JSON when empty).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unreachable: Vec<Unreachable>,
    /// How the plan used the road network, for network plans.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network: Option<NetworkSummary>,
}

/// Plan a county to a coverage target: the fewest centres, or the least cost, that put at least
/// `target` of the villages (or population) within `radius` of a centre; then communities.
///
/// Steps:
/// 1. Coverage lists from an R-tree, restricted to each site's town when `within_town`
///    ([`Coverage::build`]).
/// 2. The covering problem: weights 1 per village or the population; costs from the sites when
///    minimising cost, 1 each when counting; `existing` sites and `options.fixed` open;
///    `no_space` sites and `options.forbidden` closed.
/// 3. The solver engine ([`solve::target_coverage`]) picks the centres and certifies them with a
///    lower bound.
/// 4. Every covered village joins its nearest open centre within the radius (inside its own town
///    when `within_town`) ([`assign_nearest`]).
///
/// With a centre capacity (`options.capacity`, in households or people per
/// `options.capacity_by`) or a village limit (`options.max_villages`), step 4 is the capacitated
/// assignment instead ([`assign_capacitated`](crate::group::assign_capacitated)): each village
/// goes whole to one centre within the radius (and town) with room for it, maximising the
/// weight assigned, then the villages assigned, then minimising distance. A village is then
/// *covered* only when it is assigned; one within reach of full centres, or heavier than the
/// capacity itself, is not. When the assignment falls short of the target, more centres open
/// greedily (the site that raises the assigned weight most per cost, re-solving only the
/// communities it touches) and centres no longer needed close again. The plan keeps the
/// uncapacitated solver's lower bound: the capacitated problem only restricts it, so the bound
/// stays valid and the reported gap honest (if loose).
///
/// # Errors
/// * [`Error::InvalidInput`] for a bad radius or target, an unknown id in `fixed`/`forbidden`, a
///   population target on a county with no population, some sites with costs and others without,
///   a capacity that is NaN or ≤ 0, or `max_villages` = 0.
/// * [`Error::Infeasible`] when the target cannot be reached; it states the highest reachable
///   share (under the capacity and village limit when they apply).
///
/// # Examples
/// ```
/// use villageplan::model::{Crs, Instance, Village};
/// use villageplan::plan::{plan, PlanOptions};
/// let villages = (0..10).map(|i| Village::new(format!("v{i}"), "T", i as f64 * 900.0, 0.0, 500.0)).collect();
/// let county = Instance::from_villages(Crs::Planar, villages).unwrap();
/// let p = plan(&county, &PlanOptions::default().radius(1000.0).target(0.6)).unwrap();
/// assert!(p.coverage >= 0.6);
/// assert_eq!(p.communities.len(), 2); // each centre covers itself and its two neighbours
/// ```
pub fn plan(county: &Instance, options: &PlanOptions) -> Result<Plan> {
    let area = ServiceArea::build(county, options)?;
    let p = plan_on(county, area.coverage(), options).map_err(|e| area.explain(county, options, e))?;
    Ok(area.finish(county, p))
}

/// [`plan`] on a coverage structure built beforehand (by straight line or along roads).
///
/// # Errors
/// As [`plan`]; also [`Error::InvalidInput`] when `coverage` does not match the county's size.
pub fn plan_on(county: &Instance, coverage: &Coverage, options: &PlanOptions) -> Result<Plan> {
    crate::coverage::sets::check_radius(options.radius)?;
    solve::greedy::check_share(options.target)?;
    options.check_capacity()?;
    if coverage.n_villages() != county.n_villages() || coverage.n_sites() != county.n_sites() {
        return Err(Error::param("coverage", "the coverage was built for another county; rebuild it for this one"));
    }
    let (problem, objective) = covering_problem(county, coverage, options)?;
    let solve_options = SolveOptions { seed: options.seed, time_limit: options.time_limit };
    let solution = solve::target_coverage(&problem, options.target, &solve_options)?;
    if !options.is_capacitated() {
        let best = assign_nearest(coverage, &solution.open);
        return Ok(assemble(county, as_target(options), objective, solution, &best));
    }
    let total = problem.total_weight();
    let need = options.target * total - 1e-9 * total;
    let capacitated = Capacitated::new(county, &problem, options);
    let outcome = capacitated.complete(options, solution.open.clone(), need)?;
    let fixed = problem.fixed_mask();
    let cost = outcome
        .open
        .iter()
        .filter(|&&s| !fixed[s as usize])
        .map(|&s| problem.costs[s as usize])
        .fold(0.0, |a, b| a + b);
    // The uncapacitated bound stays valid: the capacitated problem is a restriction of it.
    let timed_out = solution.status == Status::TimeLimit;
    let mut certified =
        Solution::certify(outcome.open, cost, solution.bound.min(cost), solve::Sense::Minimize, timed_out);
    certified.iterations = solution.iterations + outcome.steps;
    certified.seconds = solution.seconds;
    Ok(assemble(county, as_target(options), objective, certified, &outcome.assignment))
}

/// A plan with the given centres (site ids; existing and `options.fixed` sites are added), as if
/// a solver had chosen them. Used to check or import an outside solution — an exact MIP, or a
/// planner's own proposal — with the same communities, coverage and cost accounting.
///
/// `bound` is a proven lower bound on the optimal objective from elsewhere (for example a MIP
/// solver's dual bound); without one, the Lagrangian bound is computed. `timed_out` marks a
/// solution found under a time limit.
///
/// # Errors
/// As [`plan`]; also [`Error::InvalidInput`] naming `centres` for an unknown id or a site that
/// cannot open, and [`Error::Infeasible`] when the centres do not reach the target (the message
/// states the share they reach).
pub fn plan_with_centres(
    county: &Instance,
    options: &PlanOptions,
    centres: &[String],
    bound: Option<f64>,
    timed_out: bool,
) -> Result<Plan> {
    crate::coverage::sets::check_radius(options.radius)?;
    solve::greedy::check_share(options.target)?;
    options.check_capacity()?;
    let area = ServiceArea::build(county, options)?;
    let coverage = area.coverage();
    let (problem, objective) = covering_problem(county, coverage, options)?;
    let mut open = problem.fixed.clone();
    for id in centres {
        let s = county
            .site_index(id)
            .ok_or_else(|| Error::param("centres", format!("unknown site id '{id}'; use ids from the sites table")))?;
        if !problem.allowed[s] {
            return Err(Error::param("centres", format!("site '{id}' cannot open (no_space or forbidden)")));
        }
        open.push(s as u32);
    }
    open.sort_unstable();
    open.dedup();
    let total = problem.total_weight();
    let (reached, best) = if options.is_capacitated() {
        let a = Capacitated::new(county, &problem, options).assign(&open, &vec![None; county.n_villages()])?;
        (a.covered_weight, a.assignment)
    } else {
        let best = assign_nearest(coverage, &open);
        let reached: f64 = best.iter().zip(&problem.weights).filter(|(b, _)| b.is_some()).map(|(_, w)| w).sum();
        (reached, best)
    };
    if reached < options.target * total - 1e-9 * total {
        let limits = if options.is_capacitated() { " under the capacity and village limits" } else { "" };
        return Err(Error::Infeasible {
            reason: format!(
                "the given centres cover {:.2}% of {}{limits}, short of the {:.1}% target",
                100.0 * reached / total,
                options.by.as_str(),
                100.0 * options.target
            ),
            achievable: reached / total,
        });
    }
    let fixed = problem.fixed_mask();
    let cost = open.iter().filter(|&&s| !fixed[s as usize]).map(|&s| problem.costs[s as usize]).fold(0.0, |a, b| a + b);
    let integral = problem.costs.iter().all(|c| c.fract() == 0.0);
    let bound = match bound {
        Some(b) => b,
        None => {
            solve::bounds::lagrangian_cover(&problem, options.target * total - 1e-9 * total, cost, integral, 300).bound
        }
    };
    let solution = Solution::certify(open, cost, bound.min(cost), solve::Sense::Minimize, timed_out);
    Ok(area.finish(county, assemble(county, as_target(options), objective, solution, &best)))
}

/// The covering problem a plan solves: weights, costs, fixed and allowed sites from the county
/// and the options, and the objective resolved from `auto`.
///
/// # Errors
/// As [`plan`] for the options.
pub fn covering_problem<'a>(
    county: &Instance,
    coverage: &'a Coverage,
    options: &PlanOptions,
) -> Result<(CoverProblem<'a>, PlanObjective)> {
    let sites = county.sites();
    let (fixed_mask, allowed) = super::objectives::site_rules(county, options)?;
    let fixed: Vec<u32> = (0..sites.len() as u32).filter(|&s| fixed_mask[s as usize]).collect();

    let objective = match options.objective {
        PlanObjective::Auto => {
            let candidates: Vec<usize> = (0..sites.len()).filter(|&s| allowed[s] && !fixed_mask[s]).collect();
            let with_cost = candidates.iter().filter(|&&s| sites[s].effective_cost().is_some()).count();
            if with_cost == 0 {
                PlanObjective::Count
            } else if with_cost == candidates.len() {
                PlanObjective::Cost
            } else {
                let s = candidates.iter().find(|&&s| sites[s].effective_cost().is_none()).copied().unwrap_or(0);
                return Err(Error::invalid(
                    "cost",
                    crate::error::Location::row_id(s, sites[s].id.clone()),
                    format!("{with_cost} of {} candidate sites have a cost but this one has none; give every site a cost, or plan with objective='count'", candidates.len()),
                ));
            }
        }
        o => o,
    };
    let costs: Vec<f64> = match objective {
        PlanObjective::Cost => sites
            .iter()
            .enumerate()
            .map(|(s, site)| match site.effective_cost() {
                Some(c) => Ok(c),
                None if !allowed[s] || fixed_mask[s] => Ok(0.0),
                None => Err(Error::invalid(
                    "cost",
                    crate::error::Location::row_id(s, site.id.clone()),
                    "site has no cost, but objective='cost'; give it a cost or forbid it",
                )),
            })
            .collect::<Result<_>>()?,
        _ => vec![1.0; sites.len()],
    };
    let villages = county.villages();
    let weights: Vec<f64> = match options.by {
        CoverageBy::Villages => vec![1.0; villages.len()],
        CoverageBy::Population => {
            if county.total_population() <= 0.0 {
                return Err(Error::param(
                    "by",
                    "the county's total population is 0, so a population share is undefined; fill in populations or plan with by='villages'",
                ));
            }
            villages.iter().map(|v| v.population).collect()
        }
    };
    Ok((CoverProblem { coverage, weights, costs, fixed, allowed }, objective))
}

/// The options recorded with a coverage-target plan: as given, with the goal [`Goal::Target`]
/// whatever `options.goal` said (the target planners only ever solve that goal).
fn as_target(options: &PlanOptions) -> PlanOptions {
    PlanOptions { goal: Goal::Target, ..options.clone() }
}

/// Communities, assignments and coverage figures from a solution and its assignment (per
/// village: position in `solution.open` and distance in metres).
pub(crate) fn assemble(
    county: &Instance,
    options: PlanOptions,
    objective: PlanObjective,
    mut solution: Solution,
    best: &[Option<(u32, f64)>],
) -> Plan {
    solution.assignment = Vec::new();
    let sites = county.sites();
    let villages = county.villages();
    let mut communities: Vec<Community> = solution
        .open
        .iter()
        .enumerate()
        .map(|(k, &s)| {
            let site = &sites[s as usize];
            Community {
                id: k as u32,
                site: s,
                site_id: site.id.clone(),
                centre_village: site.village.clone(),
                status: site.status,
                cost: site.effective_cost(),
                town: site.town.clone(),
                villages: Vec::new(),
                population: 0.0,
                households: 0.0,
            }
        })
        .collect();
    let mut assignments = Vec::with_capacity(villages.len());
    let (mut n_cov, mut pop_cov) = (0usize, 0.0);
    for (v, b) in best.iter().enumerate() {
        if let Some((k, _)) = *b {
            let c = &mut communities[k as usize];
            c.villages.push(v as u32);
            c.population += villages[v].population;
            c.households += villages[v].households_or_default();
            n_cov += 1;
            pop_cov += villages[v].population;
        }
        assignments.push(Assignment {
            village: v as u32,
            community: b.map(|x| x.0),
            distance: b.map(|x| x.1),
            minutes: None,
            beyond_radius: false,
        });
    }
    let total_pop = county.total_population();
    let cost = communities.iter().filter_map(|c| c.cost).fold(0.0, |a, b| a + b);
    Plan {
        format_version: PLAN_FORMAT_VERSION,
        county: county.clone(),
        options,
        objective,
        communities,
        assignments,
        coverage: n_cov as f64 / villages.len() as f64,
        population_coverage: if total_pop > 0.0 { pop_cov / total_pop } else { 0.0 },
        cost,
        solution,
        unreachable: Vec::new(),
        network: None,
    }
}

impl Plan {
    /// Status of the solve behind the plan.
    pub fn status(&self) -> Status {
        self.solution.status
    }

    /// Relative gap between the plan's objective and the proven bound (0 when optimal).
    pub fn gap(&self) -> f64 {
        self.solution.gap
    }

    /// Number of covered villages.
    pub fn covered_villages(&self) -> usize {
        self.assignments.iter().filter(|a| a.covered()).count()
    }

    /// Coverage per town, in the county's town order.
    pub fn town_summary(&self) -> Vec<TownSummary> {
        let towns = self.county.towns();
        let mut out: Vec<TownSummary> = towns
            .iter()
            .map(|t| TownSummary {
                town: t.name.clone(),
                villages: 0,
                covered: 0,
                population: 0.0,
                covered_population: 0.0,
                centres: 0,
            })
            .collect();
        let vt = self.county.village_towns();
        for (a, v) in self.assignments.iter().zip(self.county.villages()) {
            let t = &mut out[vt[a.village as usize] as usize];
            t.villages += 1;
            t.population += v.population;
            if a.covered() {
                t.covered += 1;
                t.covered_population += v.population;
            }
        }
        let st = self.county.site_towns();
        for c in &self.communities {
            out[st[c.site as usize] as usize].centres += 1;
        }
        out
    }

    /// The plan as JSON (format [`PLAN_FORMAT_VERSION`]). Equal plans give identical text.
    ///
    /// # Errors
    /// [`Error::Internal`] if serialisation fails (it does not for valid plans).
    pub fn to_json(&self) -> Result<String> {
        serde_json::to_string(self).map_err(|e| Error::Internal(format!("plan serialisation failed: {e}")))
    }

    /// Read a plan written by [`Plan::to_json`].
    ///
    /// # Errors
    /// * [`Error::Parse`] for text that is not a plan, naming the field at fault;
    /// * [`Error::InvalidInput`] naming `format_version` for a plan of another format version;
    /// * [`Error::Parse`] for a village, site or community index out of range;
    /// * any validation error of the embedded county.
    pub fn from_json(text: &str) -> Result<Plan> {
        let value: serde_json::Value = serde_json::from_str(text).map_err(|e| Error::Parse {
            what: "plan JSON".into(),
            line: Some(e.line()),
            reason: e.to_string(),
        })?;
        match value.get("format_version").and_then(|v| v.as_u64()) {
            Some(v) if v == PLAN_FORMAT_VERSION as u64 => {}
            Some(v) => {
                return Err(Error::param(
                    "format_version",
                    format!("this plan file has format version {v}, but this villageplan reads version {PLAN_FORMAT_VERSION}; re-create the plan with this version"),
                ))
            }
            None => return Err(Error::Parse { what: "plan JSON".into(), line: None, reason: "no `format_version` field: this is not a villageplan plan".into() }),
        }
        let plan: Plan = serde_json::from_value(value).map_err(|e| Error::Parse {
            what: "plan JSON".into(),
            line: None,
            reason: e.to_string(),
        })?;
        plan.check_indices()?;
        Ok(plan)
    }

    /// Check that every index in a plan read from JSON points into its county and communities,
    /// so that a hand-edited or corrupted file gives an error instead of a panic later.
    ///
    /// # Errors
    /// [`Error::Parse`] naming the first index out of range.
    fn check_indices(&self) -> Result<()> {
        let (n, m, k) = (self.county.n_villages(), self.county.n_sites(), self.communities.len());
        let bad = |reason: String| {
            Err(Error::Parse {
                what: "plan JSON".into(),
                line: None,
                reason: format!("{reason}; the file is not a consistent plan, re-create it"),
            })
        };
        if self.assignments.len() != n {
            return bad(format!("{} assignments for {n} villages", self.assignments.len()));
        }
        for (i, c) in self.communities.iter().enumerate() {
            if c.site as usize >= m {
                return bad(format!("community {i} names site {}, but the county has {m} sites", c.site));
            }
            if let Some(&v) = c.villages.iter().find(|&&v| v as usize >= n) {
                return bad(format!("community {i} names village {v}, but the county has {n} villages"));
            }
        }
        for (i, a) in self.assignments.iter().enumerate() {
            if a.village as usize != i {
                return bad(format!("assignment {i} is for village {}, expected {i}", a.village));
            }
            if let Some(c) = a.community.filter(|&c| c as usize >= k) {
                return bad(format!("village {i} is assigned to community {c}, but the plan has {k} communities"));
            }
        }
        if let Some(u) = self.unreachable.iter().find(|u| u.village as usize >= n) {
            return bad(format!("unreachable village {} does not exist ({n} villages)", u.village));
        }
        Ok(())
    }

    /// Write the plan as JSON to `path`.
    ///
    /// # Errors
    /// [`Error::Io`] when the file cannot be written.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        std::fs::write(path, self.to_json()?).map_err(|e| Error::io(path.display().to_string(), e))
    }

    /// Read a plan saved with [`Plan::save`].
    ///
    /// # Errors
    /// [`Error::Io`] when the file cannot be read; otherwise as [`Plan::from_json`].
    pub fn load(path: impl AsRef<Path>) -> Result<Plan> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path.display().to_string(), e))?;
        Plan::from_json(&text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Crs, Site, Village};

    fn county() -> Instance {
        let mut v = Vec::new();
        for i in 0..12 {
            v.push(Village::new(
                format!("v{i}"),
                if i < 6 { "A" } else { "B" },
                (i % 6) as f64 * 900.0,
                (i / 6) as f64 * 800.0,
                100.0 + i as f64,
            ));
        }
        Instance::from_villages(Crs::Planar, v).unwrap()
    }

    #[test]
    fn plan_reaches_target_and_assigns_nearest_inside_town() {
        let c = county();
        let p = plan(&c, &PlanOptions::default().radius(1000.0).target(0.6)).unwrap();
        assert!(p.coverage >= 0.6);
        assert_eq!(p.objective, PlanObjective::Count);
        let vt = c.village_towns();
        for a in &p.assignments {
            if let Some(k) = a.community {
                let s = p.communities[k as usize].site as usize;
                assert_eq!(vt[a.village as usize], c.site_towns()[s]);
                assert!(a.distance.unwrap() <= 1000.0);
            }
        }
        let summary = p.town_summary();
        assert_eq!(summary.iter().map(|t| t.covered).sum::<usize>(), p.covered_villages());
    }

    #[test]
    fn json_round_trip_and_version_check() {
        let p = plan(&county(), &PlanOptions::default().radius(1000.0)).unwrap();
        let text = p.to_json().unwrap();
        let back = Plan::from_json(&text).unwrap();
        assert_eq!(back, p);
        assert_eq!(back.to_json().unwrap(), text);
        let other = text.replacen("\"format_version\":1", "\"format_version\":99", 1);
        assert!(Plan::from_json(&other).unwrap_err().to_string().contains("format version 99"));
        assert!(Plan::from_json("{}").unwrap_err().to_string().contains("not a villageplan plan"));
    }

    #[test]
    fn existing_stays_open_no_space_never_opens() {
        let c = county();
        let mut sites: Vec<Site> = c.villages().iter().map(|v| Site::at_village(v, SiteStatus::None)).collect();
        sites[5].status = SiteStatus::Existing;
        for s in [0, 1, 2, 6, 7, 8] {
            sites[s].status = SiteStatus::NoSpace;
        }
        let c = c.with_sites(sites).unwrap();
        let p = plan(&c, &PlanOptions::default().radius(1000.0).target(0.5)).unwrap();
        let open: Vec<u32> = p.communities.iter().map(|k| k.site).collect();
        assert!(open.contains(&5));
        assert!(open.iter().all(|s| ![0, 1, 2, 6, 7, 8].contains(s)));
    }

    #[test]
    fn mixed_costs_and_zero_population_are_errors() {
        let c = county();
        let mut sites: Vec<Site> = c.villages().iter().map(|v| Site::at_village(v, SiteStatus::None)).collect();
        sites[3].cost = Some(10.0);
        let e = plan(&c.with_sites(sites).unwrap(), &PlanOptions::default()).unwrap_err().to_string();
        assert!(e.contains("objective='count'"), "{e}");
        let v: Vec<Village> = c
            .villages()
            .iter()
            .cloned()
            .map(|mut v| {
                v.population = 0.0;
                v
            })
            .collect();
        let z = Instance::from_villages(Crs::Planar, v).unwrap();
        let e = plan(&z, &PlanOptions::default().by(CoverageBy::Population)).unwrap_err().to_string();
        assert!(e.contains("total population is 0"), "{e}");
    }
}
