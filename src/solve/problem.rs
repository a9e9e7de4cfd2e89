use crate::coverage::Coverage;
use crate::error::{Error, Location, Result};

/// A covering problem: which sites may open, at what cost, and how much each village weighs.
///
/// Shared by the covering objectives (target coverage, maximal coverage, set cover). Weights are
/// 1 per village for "share of villages" or the population for "share of population".
#[derive(Debug, Clone)]
pub struct CoverProblem<'a> {
    /// Site → villages within the radius.
    pub coverage: &'a Coverage,
    /// Weight of each village (≥ 0).
    pub weights: Vec<f64>,
    /// Cost of opening each site (≥ 0); 1 per site when counting centres.
    pub costs: Vec<f64>,
    /// Sites that are open whatever the solver does (existing centres).
    pub fixed: Vec<u32>,
    /// Whether each site may be opened by the solver (false for `no_space` and forbidden sites).
    pub allowed: Vec<bool>,
}

impl<'a> CoverProblem<'a> {
    /// A problem over `coverage` with unit weights and unit costs, every site allowed, none fixed.
    pub fn unit(coverage: &'a Coverage) -> Self {
        Self {
            coverage,
            weights: vec![1.0; coverage.n_villages()],
            costs: vec![1.0; coverage.n_sites()],
            fixed: Vec::new(),
            allowed: vec![true; coverage.n_sites()],
        }
    }

    /// Check lengths and values.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a length mismatch, a NaN or negative weight or cost, a fixed
    /// site out of range, or a site that is both fixed and not allowed.
    pub fn validate(&self) -> Result<()> {
        let (n, m) = (self.coverage.n_villages(), self.coverage.n_sites());
        if self.weights.len() != n {
            return Err(Error::param(
                "weights",
                format!("expected {n} weights (one per village), got {}", self.weights.len()),
            ));
        }
        if self.costs.len() != m || self.allowed.len() != m {
            return Err(Error::param(
                "site_costs",
                format!("expected {m} values (one per site), got {}", self.costs.len()),
            ));
        }
        if let Some(i) = self.weights.iter().position(|w| !w.is_finite() || *w < 0.0) {
            return Err(Error::invalid(
                "weights",
                Location::row(i),
                format!("weight is {}; weights must be finite and ≥ 0", self.weights[i]),
            ));
        }
        if let Some(s) = self.costs.iter().position(|c| !c.is_finite() || *c < 0.0) {
            return Err(Error::invalid(
                "site_costs",
                Location::row(s),
                format!("cost is {}; costs must be finite and ≥ 0", self.costs[s]),
            ));
        }
        for &f in &self.fixed {
            let f = f as usize;
            if f >= m {
                return Err(Error::param("fixed", format!("fixed site {f} is out of range (there are {m} sites)")));
            }
            if !self.allowed[f] {
                return Err(Error::invalid(
                    "fixed",
                    Location::row(f),
                    "site is fixed open but also forbidden; drop one of the two",
                ));
            }
        }
        Ok(())
    }

    /// Total weight of all villages.
    pub fn total_weight(&self) -> f64 {
        self.weights.iter().sum()
    }

    /// Weight covered by the fixed sites and by every allowed site together: the most any
    /// solution can cover.
    pub fn max_coverable(&self) -> f64 {
        let sites =
            (0..self.coverage.n_sites()).filter(|&s| self.allowed[s]).chain(self.fixed.iter().map(|&f| f as usize));
        let covered = self.coverage.covered_by(sites);
        covered.iter().zip(&self.weights).filter(|(c, _)| **c).map(|(_, w)| w).sum()
    }

    /// Weight covered by `sites`, summed from scratch.
    pub fn covered_weight(&self, sites: &[u32]) -> f64 {
        let covered = self.coverage.covered_by(sites.iter().map(|&s| s as usize));
        covered.iter().zip(&self.weights).filter(|(c, _)| **c).map(|(_, w)| w).fold(0.0, |a, b| a + b)
    }

    /// Cost of opening `sites`: the sites that are not fixed.
    pub fn opening_cost(&self, sites: &[u32]) -> f64 {
        let fixed = self.fixed_mask();
        sites.iter().filter(|&&s| !fixed[s as usize]).map(|&s| self.costs[s as usize]).fold(0.0, |a, b| a + b)
    }

    /// Whether site `s` is fixed open.
    pub fn fixed_mask(&self) -> Vec<bool> {
        let mut mask = vec![false; self.coverage.n_sites()];
        for &f in &self.fixed {
            mask[f as usize] = true;
        }
        mask
    }
}
