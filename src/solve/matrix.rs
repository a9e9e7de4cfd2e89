//! A dense demand × site cost matrix, the input of the p-median and p-center solvers.

use serde::{Deserialize, Serialize};

use crate::coverage::sets::check_matrix;
use crate::error::Result;

/// A dense, row-major demand × site cost matrix.
///
/// Row `i` is a demand point (a village), column `s` a candidate site; `get(i, s)` is the cost of
/// serving `i` from `s` (a distance in metres, minutes, or any other non-negative unit — the
/// solvers never assume one). An infinite entry means "unreachable". NaN and negative entries are
/// rejected when the matrix is built, so every solver can rely on `0 ≤ c(i, s) ≤ ∞`.
///
/// The layout is the one of spopt / PuLP cost matrices and of the OR-Library reader
/// ([`crate::io::orlib::read_orlib_pmed`]): `costs[i * n_sites + s]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CostMatrix {
    costs: Vec<f64>,
    n_demand: usize,
    n_sites: usize,
}

impl CostMatrix {
    /// Build a cost matrix from row-major values.
    ///
    /// The values are checked once here (Cornuéjols, Fisher & Nemhauser 1977 and every later
    /// p-median method assume non-negative costs).
    ///
    /// # Arguments
    /// * `costs`: `n_demand * n_sites` values, row-major (`costs[i * n_sites + s]`), each ≥ 0 or
    ///   `f64::INFINITY` for unreachable.
    /// * `n_demand`: number of demand rows (≥ 1).
    /// * `n_sites`: number of candidate sites (≥ 1).
    ///
    /// # Returns
    /// The validated matrix (the vector is moved in, not copied).
    ///
    /// # Errors
    /// [`crate::error::Error::InvalidInput`] naming `costs` for an empty matrix, a wrong length,
    /// or a NaN or negative entry (with its row and column).
    ///
    /// # Complexity
    /// O(n_demand · n_sites) time to validate, no extra space.
    ///
    /// # Examples
    /// ```
    /// use villageplan::solve::CostMatrix;
    /// let m = CostMatrix::new(vec![0.0, 3.0, 3.0, 0.0, 5.0, f64::INFINITY], 3, 2).unwrap();
    /// assert_eq!(m.get(1, 0), 3.0);
    /// assert_eq!(m.row(2), &[5.0, f64::INFINITY]);
    /// assert!(CostMatrix::new(vec![0.0, -1.0], 1, 2).is_err());
    /// ```
    pub fn new(costs: Vec<f64>, n_demand: usize, n_sites: usize) -> Result<Self> {
        check_matrix(&costs, n_demand, n_sites)?;
        Ok(Self { costs, n_demand, n_sites })
    }

    /// Build a matrix from a function of (row, site).
    ///
    /// # Errors
    /// As [`CostMatrix::new`].
    ///
    /// # Examples
    /// ```
    /// use villageplan::solve::CostMatrix;
    /// let m = CostMatrix::from_fn(4, 4, |i, s| (i as f64 - s as f64).abs()).unwrap();
    /// assert_eq!(m.get(0, 3), 3.0);
    /// ```
    pub fn from_fn(n_demand: usize, n_sites: usize, f: impl Fn(usize, usize) -> f64) -> Result<Self> {
        let mut costs = Vec::with_capacity(n_demand * n_sites);
        for i in 0..n_demand {
            costs.extend((0..n_sites).map(|s| f(i, s)));
        }
        Self::new(costs, n_demand, n_sites)
    }

    /// Number of demand rows.
    pub fn n_demand(&self) -> usize {
        self.n_demand
    }

    /// Number of candidate sites (columns).
    pub fn n_sites(&self) -> usize {
        self.n_sites
    }

    /// Cost of serving row `i` from site `s`. Panics if `i` or `s` is out of range.
    #[inline]
    pub fn get(&self, i: usize, s: usize) -> f64 {
        self.costs[i * self.n_sites + s]
    }

    /// The costs of row `i` (one per site). Panics if `i` is out of range.
    #[inline]
    pub fn row(&self, i: usize) -> &[f64] {
        &self.costs[i * self.n_sites..(i + 1) * self.n_sites]
    }

    /// All values, row-major.
    pub fn as_slice(&self) -> &[f64] {
        &self.costs
    }

    /// The values, row-major, giving the storage back.
    pub fn into_vec(self) -> Vec<f64> {
        self.costs
    }

    /// Whether every finite entry is an integer (the OR-Library data are): solvers then round
    /// their lower bounds up to the next integer.
    pub fn is_integral(&self) -> bool {
        self.costs.iter().all(|c| !c.is_finite() || c.fract() == 0.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validates_shape_and_values() {
        assert!(CostMatrix::new(vec![], 0, 0).unwrap_err().to_string().contains("`costs`"));
        assert!(CostMatrix::new(vec![1.0; 5], 2, 3).unwrap_err().to_string().contains("expected 2 × 3"));
        let e = CostMatrix::new(vec![1.0, 2.0, 3.0, f64::NAN], 2, 2).unwrap_err().to_string();
        assert!(e.contains("row 1") && e.contains("column 1"), "{e}");
        let m = CostMatrix::new(vec![1.0, f64::INFINITY, 3.5, 4.0], 2, 2).unwrap();
        assert_eq!((m.n_demand(), m.n_sites()), (2, 2));
        assert_eq!(m.get(1, 0), 3.5);
        assert!(!m.is_integral());
        assert!(CostMatrix::from_fn(2, 2, |i, s| (i + s) as f64).unwrap().is_integral());
    }
}
