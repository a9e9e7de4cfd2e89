"""The low-level `villageplan.solve` API on cost matrices, checked against exhaustive search."""

import itertools

import numpy as np
import pytest

import villageplan as vp


def random_matrix(seed, n=10):
    rng = np.random.default_rng(seed)
    pts = rng.uniform(0, 5000, size=(n, 2))
    costs = np.sqrt(((pts[:, None, :] - pts[None, :, :]) ** 2).sum(-1))
    weights = rng.integers(1, 10, size=n).astype(float)
    site_costs = rng.integers(1, 5, size=n).astype(float)
    return costs, weights, site_costs


def covered_weight(costs, radius, sites, weights):
    if not sites:
        return 0.0
    return float(weights[(costs[:, list(sites)] <= radius).any(axis=1)].sum())


@pytest.mark.parametrize("seed", range(8))
def test_max_coverage_is_optimal_with_a_valid_bound(seed):
    costs, weights, _ = random_matrix(seed)
    radius, p = 1300.0, 3
    s = vp.solve.max_coverage(costs, radius, p=p, weights=weights, seed=seed)
    best = max(covered_weight(costs, radius, c, weights) for c in itertools.combinations(range(10), p))
    assert s.objective == pytest.approx(best)
    assert s.bound >= best - 1e-9
    assert len(s.sites) <= p
    assert covered_weight(costs, radius, list(s.sites), weights) == pytest.approx(s.objective)
    # Assignment: each covered row points at an open site within the radius.
    for i, site in enumerate(s.assignment):
        if site >= 0:
            assert site in s.sites and costs[i, site] <= radius


@pytest.mark.parametrize("seed", range(8))
def test_set_cover_with_costs_is_optimal_with_a_valid_bound(seed):
    costs, weights, site_costs = random_matrix(seed)
    radius, share = 1500.0, 0.7
    total = weights.sum()
    best = np.inf
    for k in range(1, 11):
        for c in itertools.combinations(range(10), k):
            if covered_weight(costs, radius, c, weights) >= share * total - 1e-9:
                best = min(best, site_costs[list(c)].sum())
    s = vp.solve.set_cover(costs, radius, share=share, site_costs=site_costs, weights=weights)
    assert s.objective == pytest.approx(best)
    assert s.bound <= best + 1e-9
    assert s.sense == "minimize"


def test_budget_and_errors():
    costs, weights, site_costs = random_matrix(3)
    s = vp.solve.max_coverage(costs, 1300.0, budget=4.0, site_costs=site_costs, weights=weights)
    assert site_costs[s.sites].sum() <= 4.0
    with pytest.raises(vp.InvalidInputError, match="exactly one of p"):
        vp.solve.max_coverage(costs, 1300.0)
    with pytest.raises(vp.InvalidInputError, match="`budget`"):
        vp.solve.max_coverage(costs, 1300.0, budget=-1.0)
    with pytest.raises(vp.InvalidInputError, match="2-D"):
        vp.solve.set_cover(costs[0], 1300.0)
    bad = costs.copy()
    bad[2, 3] = np.nan
    before = bad.copy()
    with pytest.raises(vp.InvalidInputError, match="row 2"):
        vp.solve.set_cover(bad, 1300.0)
    np.testing.assert_array_equal(bad, before)  # input untouched
    with pytest.raises(vp.InfeasibleError) as info:
        vp.solve.set_cover(costs, 1.0, forbidden=range(9))
    assert info.value.achievable == pytest.approx(0.1)


@pytest.mark.parametrize("seed", range(6))
def test_p_median_is_optimal_with_a_valid_bound(seed):
    costs, weights, _ = random_matrix(seed)
    p = 3
    best = min(float((weights * costs[:, list(c)].min(axis=1)).sum()) for c in itertools.combinations(range(10), p))
    s = vp.solve.p_median(costs, p, weights=weights, seed=seed)
    assert s.objective == pytest.approx(best)
    assert s.bound <= best + 1e-6
    assert len(s.sites) == p
    # The assignment reproduces the objective.
    assert float((weights * costs[np.arange(10), s.assignment]).sum()) == pytest.approx(s.objective)


@pytest.mark.parametrize("seed", range(6))
def test_p_center_is_optimal(seed):
    costs, _, _ = random_matrix(seed)
    best = min(float(costs[:, list(c)].min(axis=1).max()) for c in itertools.combinations(range(10), 2))
    s = vp.solve.p_center(costs, 2)
    assert s.objective == pytest.approx(best)
    assert s.status == "optimal"


def test_orlib_reader_and_pmed1_optimum():
    from pathlib import Path

    data = Path(__file__).resolve().parents[1] / "data" / "orlib"
    costs, p = vp.io.read_orlib_pmed(data / "pmed1.txt")
    assert costs.shape == (100, 100) and p == 5
    np.testing.assert_array_equal(costs, costs.T)  # shortest paths on an undirected graph
    s = vp.solve.p_median(costs, p)
    assert s.objective == 5819  # pmedopt.txt (the last duplicate edge wins)
    assert s.status == "optimal"
    assert vp.solve.p_center(costs, p).objective == 127  # pcenter_opt.txt
    with pytest.raises(FileNotFoundError):
        vp.io.read_orlib_pmed(data / "missing.txt")
    with pytest.raises(vp.InvalidInputError, match="`p`"):
        vp.solve.p_median(costs, 0)


def test_sparse_input_gives_the_same_answers_as_dense():
    from scipy import sparse

    costs, weights, site_costs = random_matrix(5, n=30)
    radius = 1300.0
    # Keep only the pairs within reach, as a large-case caller would.
    kept = np.where(costs <= radius, costs, 0.0)
    kept[costs <= radius] += 1e-12  # store zero distances explicitly
    sp = sparse.csr_matrix(kept)
    a = vp.solve.max_coverage(costs, radius, p=4, weights=weights)
    b = vp.solve.max_coverage(sp, radius, p=4, weights=weights)
    assert b.objective == a.objective and list(b.sites) == list(a.sites)
    c = vp.solve.set_cover(costs, radius, share=0.8, site_costs=site_costs)
    d = vp.solve.set_cover(sp.tocsc(), radius, share=0.8, site_costs=site_costs)
    assert d.objective == c.objective and list(d.sites) == list(c.sites)
    bad = sparse.csc_matrix(np.array([[1.0, -2.0], [0.5, 1.0]]))
    with pytest.raises(vp.InvalidInputError, match="must be ≥ 0"):
        vp.solve.set_cover(bad, 1.0)


def _cpmp_brute_force(costs: np.ndarray, p: int, demand: np.ndarray, capacity: np.ndarray) -> float:
    """Least total cost over every set of p sites and every assignment within the capacities."""
    import itertools

    n, m = costs.shape
    best = np.inf
    for sites in itertools.combinations(range(m), p):
        for choice in itertools.product(range(p), repeat=n):
            load = np.zeros(p)
            np.add.at(load, list(choice), demand)
            if (load <= capacity[list(sites)] + 1e-9).all():
                best = min(best, sum(costs[i, sites[k]] for i, k in enumerate(choice)))
    return best


@pytest.mark.parametrize("seed", range(4))
def test_capacitated_p_median_matches_brute_force(seed):
    rng = np.random.default_rng(seed)
    n, m, p = 7, 5, 2
    pts = rng.uniform(0, 5000, (n, 2))
    costs = np.hypot(*(pts[:, None, :] - pts[None, :m, :]).transpose(2, 0, 1)).round()
    demand = rng.integers(1, 5, n).astype(float)
    capacity = np.full(m, demand.sum() * 0.6).round()
    opt = _cpmp_brute_force(costs, p, demand, capacity)
    s = vp.solve.capacitated_p_median(costs, p, demand, capacity, seed=1, progress=False)
    assert s.objective == pytest.approx(opt)
    assert s.bound <= opt + 1e-6
    load = np.zeros(m)
    np.add.at(load, s.assignment, demand)
    assert (load <= capacity + 1e-9).all() and set(np.flatnonzero(load)) <= set(s.sites)
    assert costs[np.arange(n), s.assignment].sum() == pytest.approx(s.objective)
    with pytest.raises(vp.InvalidInputError):
        vp.solve.capacitated_p_median(costs, p, demand[:-1], capacity, progress=False)
