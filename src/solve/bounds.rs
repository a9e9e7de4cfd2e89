use super::problem::CoverProblem;

/// Lower bound on the cost of covering `need` more weight, given the villages already covered.
///
/// Relaxation: each candidate site `s` alone covers at most `g_s`, the weight of the still
/// uncovered villages within its radius, and overlaps can only reduce what a set of sites covers.
/// So any feasible set satisfies Σ g_s ≥ need, and the cheapest fractional choice of sites with
/// that property — a fractional knapsack, solved exactly by taking sites in order of g_s / c_s — costs
/// no more than any feasible solution (Dantzig's bound for the covering knapsack).
///
/// With `integral_costs` (counting centres), the bound is rounded up, as every solution's cost is
/// an integer.
///
/// # Complexity
/// O(K + m log m) for K covered pairs and m sites.
pub fn knapsack_cover_bound(problem: &CoverProblem<'_>, covered: &[bool], need: f64, integral_costs: bool) -> f64 {
    if need <= 0.0 {
        return 0.0;
    }
    let fixed = problem.fixed_mask();
    let mut items: Vec<(f64, f64)> = (0..problem.coverage.n_sites())
        .filter(|&s| problem.allowed[s] && !fixed[s])
        .filter_map(|s| {
            let g: f64 = problem.coverage.villages_of(s).iter().filter(|&&v| !covered[v as usize]).map(|&v| problem.weights[v as usize]).sum();
            (g > 0.0).then_some((g, problem.costs[s]))
        })
        .collect();
    // Best ratio first: free sites first, then by weight per unit cost.
    items.sort_by(|a, b| (b.0 * a.1).total_cmp(&(a.0 * b.1)).then(b.0.total_cmp(&a.0)));
    let mut left = need;
    let mut cost = 0.0;
    for (g, c) in items {
        if g >= left {
            cost += c * left / g;
            left = 0.0;
            break;
        }
        cost += c;
        left -= g;
    }
    if left > 0.0 {
        return f64::INFINITY;
    }
    if integral_costs {
        (cost - 1e-9).ceil().max(0.0)
    } else {
        cost
    }
}
