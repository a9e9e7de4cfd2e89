use crate::coverage::Coverage;

/// Assign every village to its nearest open site within the radius.
///
/// Works on the coverage lists only (so the town rule and the radius of the coverage carry over):
/// each village covered by some open site joins the closest one; an exact tie goes to the lower
/// site index, so the result does not depend on the order of `open`.
///
/// # Returns
/// For each village, `Some((position in open, distance in metres))` or `None` when no open
/// site covers it.
///
/// # Complexity
/// O(Σ list lengths of the open sites) time, O(n) space.
pub fn assign_nearest(coverage: &Coverage, open: &[u32]) -> Vec<Option<(u32, f64)>> {
    let mut best: Vec<Option<(u32, f64)>> = vec![None; coverage.n_villages()];
    for (k, &s) in open.iter().enumerate() {
        for (v, d) in coverage.pairs_of(s as usize) {
            let slot = &mut best[v as usize];
            let better = match *slot {
                None => true,
                Some((k0, d0)) => d < d0 || (d == d0 && s < open[k0 as usize]),
            };
            if better {
                *slot = Some((k as u32, d));
            }
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_with_index_tie_break() {
        let n = 5;
        let m: Vec<f64> = (0..n * n).map(|k| ((k / n) as f64 - (k % n) as f64).abs()).collect();
        let cov = Coverage::from_matrix(&m, n, n, 1.0).unwrap();
        let a = assign_nearest(&cov, &[3, 1]);
        assert_eq!(a[2], Some((1, 1.0))); // tie between sites 1 and 3 goes to site 1
        assert_eq!(a[4], Some((0, 1.0)));
        assert_eq!(a[0], Some((1, 1.0)));
        let b = assign_nearest(&cov, &[1, 3]);
        assert_eq!(b[2], Some((0, 1.0)));
    }
}
