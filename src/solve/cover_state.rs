use crate::coverage::Coverage;

use super::problem::CoverProblem;

/// Incremental bookkeeping for covering local search: which sites are open, how many open sites
/// cover each village, and for every site its *gain* (weight of uncovered villages it would
/// cover) and *loss* (weight of villages only it covers, for open sites).
///
/// Opening or closing a site updates everything in O(Σ_{v ∈ site} deg(v)), so moves are
/// evaluated in O(1) (the "gain/loss" structures of fast interchange, Whitaker 1983; Resende &
/// Werneck 2004).
pub(crate) struct CoverState<'p, 'a> {
    pub p: &'p CoverProblem<'a>,
    /// Village → sites view of the coverage.
    pub by_village: &'p Coverage,
    pub open: Vec<bool>,
    pub count: Vec<u32>,
    pub gain: Vec<f64>,
    pub loss: Vec<f64>,
    pub covered: f64,
    pub cost: f64,
    pub n_open: usize,
}

impl<'p, 'a> CoverState<'p, 'a> {
    /// State with `open_sites` open. `cost` counts only non-fixed sites.
    pub fn new(p: &'p CoverProblem<'a>, by_village: &'p Coverage, open_sites: &[u32]) -> Self {
        let cov = p.coverage;
        let mut st = CoverState {
            p,
            by_village,
            open: vec![false; cov.n_sites()],
            count: vec![0; cov.n_villages()],
            gain: vec![0.0; cov.n_sites()],
            loss: vec![0.0; cov.n_sites()],
            covered: 0.0,
            cost: 0.0,
            n_open: 0,
        };
        for s in 0..cov.n_sites() {
            st.gain[s] = cov.villages_of(s).iter().map(|&v| p.weights[v as usize]).sum();
        }
        let fixed = p.fixed_mask();
        for &s in open_sites {
            st.open_site(s as usize, !fixed[s as usize]);
        }
        st
    }

    /// Open site `s`; `charge` adds its cost (false for fixed sites).
    pub fn open_site(&mut self, s: usize, charge: bool) {
        debug_assert!(!self.open[s]);
        self.open[s] = true;
        self.n_open += 1;
        if charge {
            self.cost += self.p.costs[s];
        }
        let cov = self.p.coverage;
        for &v in cov.villages_of(s) {
            let v = v as usize;
            let w = self.p.weights[v];
            self.count[v] += 1;
            match self.count[v] {
                1 => {
                    self.covered += w;
                    self.loss[s] += w;
                    for &t in self.by_village.villages_of(v) {
                        self.gain[t as usize] -= w;
                    }
                }
                2 => {
                    // The other coverer no longer covers v alone.
                    for &t in self.by_village.villages_of(v) {
                        let t = t as usize;
                        if t != s && self.open[t] {
                            self.loss[t] -= w;
                        }
                    }
                }
                _ => {}
            }
        }
    }

    /// Close site `s`; `charge` removes its cost.
    pub fn close_site(&mut self, s: usize, charge: bool) {
        debug_assert!(self.open[s]);
        self.open[s] = false;
        self.n_open -= 1;
        if charge {
            self.cost -= self.p.costs[s];
        }
        let cov = self.p.coverage;
        for &v in cov.villages_of(s) {
            let v = v as usize;
            let w = self.p.weights[v];
            self.count[v] -= 1;
            match self.count[v] {
                0 => {
                    self.covered -= w;
                    self.loss[s] -= w;
                    for &t in self.by_village.villages_of(v) {
                        self.gain[t as usize] += w;
                    }
                }
                1 => {
                    for &t in self.by_village.villages_of(v) {
                        let t = t as usize;
                        if self.open[t] {
                            self.loss[t] += w;
                        }
                    }
                }
                _ => {}
            }
        }
    }

    /// Open sites, ascending.
    pub fn open_list(&self) -> Vec<u32> {
        (0..self.open.len() as u32).filter(|&s| self.open[s as usize]).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn incremental_matches_recomputation() {
        let n = 8;
        let m: Vec<f64> = (0..n * n).map(|k| ((k / n) as f64 - (k % n) as f64).abs()).collect();
        let cov = Coverage::from_matrix(&m, n, n, 1.5).unwrap();
        let t = cov.transpose();
        let mut p = CoverProblem::unit(&cov);
        p.weights = (0..n).map(|i| 1.0 + i as f64).collect();
        let mut st = CoverState::new(&p, &t, &[]);
        for (s, open) in [(2usize, true), (3, true), (6, true), (3, false), (0, true), (2, false)] {
            if open {
                st.open_site(s, true)
            } else {
                st.close_site(s, true)
            }
            let fresh = CoverState::new(&p, &t, &st.open_list());
            assert_eq!(st.count, fresh.count);
            assert_eq!(st.gain, fresh.gain);
            assert_eq!(st.loss, fresh.loss);
            assert_eq!(st.covered, fresh.covered);
            assert_eq!(st.cost, fresh.cost);
        }
    }
}
