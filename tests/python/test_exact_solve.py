"""Exact mode (the HiGHS MIP) of `villageplan.solve` and of the county objectives.

On small seeded instances the exact results equal exhaustive enumeration, are proven optimal, and
agree with the heuristic engine (whose bound must lie on the correct side of the optimum). Time-
limited runs stay honest, and bad input raises the same typed errors as the engine.
"""

from __future__ import annotations

import itertools
import math
import sys

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

import villageplan as vp

# ------------------------------------------------------------------------------------------------
# Instances and exhaustive search


def instance(seed: int, n: int = 12, m: int = 8):
    """Random demand points and candidate sites in a 5 km square: costs, weights, site costs."""
    rng = np.random.default_rng(seed)
    pts, sites = rng.uniform(0, 5000, (n, 2)), rng.uniform(0, 5000, (m, 2))
    costs = np.hypot(pts[:, None, 0] - sites[None, :, 0], pts[:, None, 1] - sites[None, :, 1])
    return costs, rng.integers(1, 10, n).astype(float), rng.integers(1, 5, m).astype(float)


def subsets(m: int, fixed=(), forbidden=(), size: int | None = None):
    """Every set of open sites with the fixed ones and none of the forbidden ones (of ``size`` if given)."""
    free = [s for s in range(m) if s not in fixed and s not in forbidden]
    sizes = range(len(free) + 1) if size is None else [size - len(fixed)]
    for k in sizes:
        for extra in itertools.combinations(free, k):
            yield sorted([*fixed, *extra])


def covered(costs, radius, open_) -> np.ndarray:
    return (costs[:, open_] <= radius).any(axis=1) if open_ else np.zeros(len(costs), dtype=bool)


def nearest_assignment(costs, open_, limit=math.inf) -> np.ndarray:
    """The engine's rule: nearest open site (lowest index on ties) within ``limit``, else -1."""
    out = np.full(len(costs), -1)
    for i in range(len(costs)):
        d = [(costs[i, s], s) for s in sorted(open_)]
        c, s = min(d)
        if c <= limit and math.isfinite(c):
            out[i] = s
    return out


def check_exact(exact, best, sense):
    assert exact.objective == pytest.approx(best, rel=1e-12, abs=1e-9)
    assert exact.status == "optimal"
    assert exact.gap == 0.0
    if isinstance(exact, vp.solve.Solution):
        assert exact.sense == sense
    assert exact.bound == pytest.approx(best, rel=1e-12, abs=1e-9)


def check_heuristic(heuristic, best, sense):
    # The bound is on the correct side of the optimum, and on these small cases the engine finds it.
    slack = 1e-12 * max(abs(best), 1.0)  # float sums in another order
    if sense == "maximize":
        assert heuristic.bound >= best - slack
    else:
        assert heuristic.bound <= best + slack
    assert heuristic.objective == pytest.approx(best, rel=1e-12, abs=1e-9)


# ------------------------------------------------------------------------------------------------
# villageplan.solve


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("rules", [{}, {"fixed": [1], "forbidden": [2, 5]}])
def test_max_coverage_with_p_equals_enumeration(seed, rules):
    costs, weights, _ = instance(seed)
    radius, p = 1400.0, 3
    fixed, forbidden = rules.get("fixed", ()), rules.get("forbidden", ())
    best = max(weights[covered(costs, radius, o)].sum() for o in subsets(8, fixed, forbidden, p))
    exact = vp.solve.max_coverage(costs, radius, p=p, weights=weights, exact=True, **rules)
    check_exact(exact, best, "maximize")
    assert len(exact.sites) <= p and set(fixed) <= set(exact.sites) and not set(forbidden) & set(exact.sites)
    np.testing.assert_array_equal(exact.assignment, nearest_assignment(costs, list(exact.sites), radius))
    check_heuristic(vp.solve.max_coverage(costs, radius, p=p, weights=weights, **rules), best, "maximize")


@pytest.mark.parametrize("seed", range(6))
def test_max_coverage_with_budget_equals_enumeration(seed):
    costs, weights, site_costs = instance(seed)
    radius, budget = 1400.0, 5.0
    best = max(weights[covered(costs, radius, o)].sum() for o in subsets(8) if site_costs[o].sum() <= budget)
    kw = {"budget": budget, "site_costs": site_costs, "weights": weights}
    exact = vp.solve.max_coverage(costs, radius, exact=True, **kw)
    check_exact(exact, best, "maximize")
    assert site_costs[exact.sites].sum() <= budget
    check_heuristic(vp.solve.max_coverage(costs, radius, **kw), best, "maximize")


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("share", [0.6, 1.0])
def test_set_cover_equals_enumeration(seed, share):
    costs, weights, site_costs = instance(seed, n=12, m=10)
    radius = 3000.0 if share == 1.0 else 1500.0
    need = share * weights.sum() - 1e-9 * weights.sum()
    feasible = [o for o in subsets(10) if weights[covered(costs, radius, o)].sum() >= need]
    best = min(site_costs[o].sum() for o in feasible)
    kw = {"share": share, "site_costs": site_costs, "weights": weights}
    exact = vp.solve.set_cover(costs, radius, exact=True, **kw)
    check_exact(exact, best, "minimize")
    assert weights[covered(costs, radius, list(exact.sites))].sum() >= need
    check_heuristic(vp.solve.set_cover(costs, radius, **kw), best, "minimize")


@pytest.mark.parametrize("seed", range(3))
def test_cover_objectives_read_sparse_matrices(seed):
    costs, weights, site_costs = instance(seed)
    radius = 1500.0
    sparse = sp.csc_matrix(np.where(costs <= radius, costs, 0.0))  # only the pairs within reach (all > 0)
    dense_mclp = vp.solve.max_coverage(costs, radius, p=3, weights=weights, exact=True)
    sparse_mclp = vp.solve.max_coverage(sparse, radius, p=3, weights=weights, exact=True)
    assert sparse_mclp.objective == dense_mclp.objective and sparse_mclp.status == "optimal"
    np.testing.assert_array_equal(sparse_mclp.assignment, nearest_assignment(costs, list(sparse_mclp.sites), radius))
    dense_cover = vp.solve.set_cover(costs, radius, share=0.5, site_costs=site_costs, exact=True)
    sparse_cover = vp.solve.set_cover(sparse, radius, share=0.5, site_costs=site_costs, exact=True)
    assert sparse_cover.objective == dense_cover.objective and sparse_cover.status == "optimal"


def pmedian_value(costs, weights, open_, radius=None, unserved=None) -> float:
    d = costs[:, open_].min(axis=1)
    if radius is not None:
        d = np.where(d <= radius, d, unserved)
    return float((weights * d).sum())


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize(
    "options",
    [{}, {"fixed": [0], "forbidden": [3]}, {"radius": 1500.0, "unserved_cost": 2500.0}],
    ids=["plain", "rules", "radius"],
)
def test_p_median_equals_enumeration(seed, options):
    costs, weights, _ = instance(seed)
    weights[seed % 12] = 0.0  # a row without weight counts for nothing
    p = 3
    rules = {k: options[k] for k in ("fixed", "forbidden") if k in options}
    cap = {k: options[k] for k in ("radius", "unserved_cost") if k in options}
    value = [
        pmedian_value(costs, weights, o, cap.get("radius"), cap.get("unserved_cost"))
        for o in subsets(8, rules.get("fixed", ()), rules.get("forbidden", ()), p)
    ]
    best = min(value)
    exact = vp.solve.p_median(costs, p, weights=weights, exact=True, **options)
    check_exact(exact, best, "minimize")
    assert len(exact.sites) == p
    np.testing.assert_array_equal(
        exact.assignment, nearest_assignment(costs, list(exact.sites), cap.get("radius", math.inf))
    )
    check_heuristic(vp.solve.p_median(costs, p, weights=weights, **options), best, "minimize")


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("rules", [{}, {"fixed": [2], "forbidden": [0, 4]}])
def test_p_center_equals_enumeration(seed, rules):
    costs, _, _ = instance(seed)
    costs[seed % 12, seed % 8] = np.inf  # an unreachable pair
    p = 3
    fixed, forbidden = rules.get("fixed", ()), rules.get("forbidden", ())
    best = min(costs[:, o].min(axis=1).max() for o in subsets(8, fixed, forbidden, p))
    exact = vp.solve.p_center(costs, p, exact=True, **rules)
    check_exact(exact, best, "minimize")
    assert len(exact.sites) == p and set(fixed) <= set(exact.sites)
    np.testing.assert_array_equal(exact.assignment, nearest_assignment(costs, list(exact.sites)))
    check_heuristic(vp.solve.p_center(costs, p, **rules), best, "minimize")


def cpmp_instance(seed: int):
    rng = np.random.default_rng(seed)
    pts, sites = rng.uniform(0, 100, (7, 2)), rng.uniform(0, 100, (5, 2))
    costs = np.hypot(pts[:, None, 0] - sites[None, :, 0], pts[:, None, 1] - sites[None, :, 1]).round()
    demand = rng.integers(1, 5, 7).astype(float)
    return costs, demand, np.full(5, np.round(0.6 * demand.sum()))


@pytest.mark.parametrize("seed", range(6))
def test_capacitated_p_median_equals_enumeration(seed):
    costs, demand, capacity = cpmp_instance(seed)
    p, best = 2, math.inf
    for sites in itertools.combinations(range(5), p):
        for assign in itertools.product(sites, repeat=7):
            if (np.bincount(assign, weights=demand, minlength=5) <= capacity).all():
                best = min(best, costs[np.arange(7), list(assign)].sum())
    exact = vp.solve.capacitated_p_median(costs, p, demand, capacity, exact=True)
    check_exact(exact, best, "minimize")
    assert len(exact.sites) == p and set(exact.assignment) <= set(exact.sites)
    assert (np.bincount(exact.assignment, weights=demand, minlength=5) <= capacity).all()
    assert costs[np.arange(7), exact.assignment].sum() == exact.objective
    # The engine's CPMP is a heuristic: its plan is never better, its bound never above the optimum.
    heuristic = vp.solve.capacitated_p_median(costs, p, demand, capacity)
    assert heuristic.objective >= best and heuristic.bound <= best


def harder(n: int = 150, seed: int = 7):
    rng = np.random.default_rng(seed)
    pts = rng.uniform(0, 20000, (n, 2))
    costs = np.hypot(pts[:, None, 0] - pts[None, :, 0], pts[:, None, 1] - pts[None, :, 1])
    return costs, rng.integers(1, 100, n).astype(float)


@pytest.mark.parametrize("time_limit", [0.0, 0.05])
@pytest.mark.parametrize("goal", ["max_coverage", "set_cover", "p_median", "p_center", "capacitated_p_median"])
def test_time_limited_exact_runs_are_feasible_and_honest(goal, time_limit):
    costs, weights = harder()
    before = costs.copy()
    if goal == "max_coverage":
        s = vp.solve.max_coverage(costs, 1500.0, p=12, weights=weights, exact=True, time_limit=time_limit)
        assert len(s.sites) <= 12
        assert s.objective == pytest.approx(weights[covered(costs, 1500.0, list(s.sites))].sum())
        assert s.bound >= s.objective
    elif goal == "set_cover":
        s = vp.solve.set_cover(costs, 1500.0, share=0.8, weights=weights, exact=True, time_limit=time_limit)
        assert weights[covered(costs, 1500.0, list(s.sites))].sum() >= 0.8 * weights.sum() - 1e-6
        assert s.objective == len(s.sites) and s.bound <= s.objective
    elif goal == "p_median":
        s = vp.solve.p_median(costs, 8, weights=weights, exact=True, time_limit=time_limit)
        assert len(s.sites) == 8
        assert s.objective == pytest.approx(pmedian_value(costs, weights, list(s.sites)))
        assert s.bound <= s.objective
    elif goal == "p_center":
        s = vp.solve.p_center(costs, 8, exact=True, time_limit=time_limit)
        assert len(s.sites) == 8
        assert s.objective == costs[:, s.sites].min(axis=1).max()
        assert s.bound <= s.objective
    else:
        sub, demand = costs[:60, :30], weights[:60]
        capacity = np.full(30, demand.sum() / 4)
        s = vp.solve.capacitated_p_median(sub, 6, demand, capacity, exact=True, time_limit=time_limit)
        assert len(s.sites) == 6 and set(s.assignment) <= set(s.sites)
        assert (np.bincount(s.assignment, weights=demand, minlength=30) <= capacity * (1 + 1e-9)).all()
        assert s.objective == pytest.approx(sub[np.arange(60), s.assignment].sum())
        assert s.bound <= s.objective
    assert s.status in ("time_limit", "optimal")
    assert (s.status == "optimal") == (s.gap == 0.0)
    np.testing.assert_array_equal(costs, before)


# ------------------------------------------------------------------------------------------------
# County objectives


def planar_df(seed: int, n: int = 10) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    status = rng.choice(["none"] * 6 + ["existing", "no_space"], size=n)
    return pd.DataFrame(
        {
            "id": [f"v{i}" for i in range(n)],
            "x": rng.uniform(0, 6000, n),
            "y": rng.uniform(0, 4000, n),
            "population": rng.integers(100, 1000, n).astype(float),
            "town": ["A" if i % 3 else "B" for i in range(n)],
            "status": status,
            "cost": rng.integers(10, 100, n).astype(float),
        }
    )


def county_distances(df: pd.DataFrame, within_town: bool) -> np.ndarray:
    x, y, town = df.x.to_numpy(), df.y.to_numpy(), df.town.to_numpy()
    d = np.hypot(x[:, None] - x[None, :], y[:, None] - y[None, :])
    return np.where(town[:, None] == town[None, :], d, np.inf) if within_town else d


def county_subsets(df: pd.DataFrame, size: int | None = None):
    fixed = tuple(np.flatnonzero(df.status == "existing"))
    forbidden = tuple(np.flatnonzero(df.status == "no_space"))
    yield from subsets(len(df), fixed, forbidden, size)


def open_sites(plan: vp.Plan, df: pd.DataFrame) -> list[int]:
    index = {v: i for i, v in enumerate(df.id)}
    return sorted(index[s] for s in plan.centres["site"])


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("by", ["villages", "population"])
def test_county_max_coverage_equals_enumeration(seed, by):
    df = planar_df(seed)
    county = vp.County.from_dataframe(df, status="status", cost="cost", crs="planar")
    d = county_distances(df, within_town=True)
    w = df.population.to_numpy() if by == "population" else np.ones(len(df))
    n_fixed = int((df.status == "existing").sum())
    p = n_fixed + 2
    best = max(w[covered(d, 1500.0, o)].sum() for o in county_subsets(df) if len(o) <= p)
    exact = vp.max_coverage(county, radius=1500.0, p=p, by=by, exact=True)
    check_exact(exact, best, "maximize")
    assert exact.goal == "max_coverage" and exact.p == p and exact.n_centres <= p
    check_heuristic(vp.max_coverage(county, radius=1500.0, p=p, by=by), best, "maximize")
    # The same plan as the engine would make of these centres: coverage and communities agree.
    assert exact.n_covered == int(covered(d, 1500.0, open_sites(exact, df)).sum())


@pytest.mark.parametrize("seed", range(4))
def test_county_max_coverage_with_budget_equals_enumeration(seed):
    df = planar_df(seed)
    county = vp.County.from_dataframe(df, status="status", cost="cost", crs="planar")
    d = county_distances(df, within_town=False)
    fixed = set(np.flatnonzero(df.status == "existing"))
    budget = 120.0
    cost = df.cost.to_numpy()

    def spent(o):
        return sum(cost[s] for s in o if s not in fixed)

    best = max(covered(d, 1200.0, o).sum() for o in county_subsets(df) if spent(o) <= budget)
    exact = vp.max_coverage(county, radius=1200.0, budget=budget, within_town=False, exact=True)
    check_exact(exact, best, "maximize")
    assert exact.cost <= budget
    check_heuristic(vp.max_coverage(county, radius=1200.0, budget=budget, within_town=False), best, "maximize")


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("goal", ["p_median", "p_center"])
@pytest.mark.parametrize("within_town", [True, False])
def test_county_matrix_objectives_equal_enumeration(seed, goal, within_town):
    df = planar_df(seed)
    county = vp.County.from_dataframe(df, status="status", cost="cost", crs="planar")
    d = county_distances(df, within_town)
    p = int((df.status == "existing").sum()) + 2
    w = df.population.to_numpy()

    def value(o):
        near = d[:, o].min(axis=1)
        return float((w * near).sum()) if goal == "p_median" else float(near.max())

    best = min(value(o) for o in county_subsets(df, p))
    f = getattr(vp, goal)
    by = "population"
    exact = f(county, p=p, by=by, within_town=within_town, exact=True)
    check_exact(exact, best, "minimize")
    assert exact.goal == goal and exact.n_centres == p
    assert value(open_sites(exact, df)) == pytest.approx(exact.objective)
    distance = exact.assignments["distance_m"].to_numpy()
    np.testing.assert_allclose(distance, d[:, open_sites(exact, df)].min(axis=1))
    check_heuristic(f(county, p=p, by=by, within_town=within_town), best, "minimize")


@pytest.mark.parametrize("goal", ["max_coverage", "p_median", "p_center"])
def test_county_time_limited_exact_plans_are_honest(county, goal):
    plan = getattr(vp, goal)(county, p=30, exact=True, time_limit=0.0)
    assert plan.status in ("time_limit", "optimal")
    assert plan.goal == goal and plan.n_centres <= 30
    if goal == "max_coverage":
        assert plan.bound >= plan.objective
    else:
        assert plan.bound <= plan.objective


@pytest.mark.parametrize("metric", ["straight", "network"])
def test_county_exact_plans_equal_the_engines_on_the_sample_county(county, metric):
    for goal in ("max_coverage", "p_median", "p_center"):
        exact = getattr(vp, goal)(county, p=40, metric=metric, exact=True)
        heuristic = getattr(vp, goal)(county, p=40, metric=metric)
        assert exact.status == "optimal", goal
        assert exact.objective == pytest.approx(heuristic.objective, rel=1e-12), goal
        assert exact.communities["n_villages"].sum() == (300 if goal != "max_coverage" else exact.n_covered)


# ------------------------------------------------------------------------------------------------
# Errors


def error_of(call):
    try:
        call()
    except vp.PlanningError as e:
        return type(e), getattr(e, "field", None), getattr(e, "achievable", None)
    raise AssertionError("no error")


COSTS, WEIGHTS, SITE_COSTS = instance(0)
NAN_COSTS = COSTS.copy()
NAN_COSTS[2, 3] = np.nan
UNREACHABLE = COSTS.copy()
UNREACHABLE[4, :] = np.inf


@pytest.mark.parametrize(
    ("fn", "args", "kwargs"),
    [
        ("max_coverage", (NAN_COSTS, 1500.0), {"p": 2}),
        ("max_coverage", (COSTS, -1.0), {"p": 2}),
        ("max_coverage", (COSTS, 1500.0), {}),
        ("max_coverage", (COSTS, 1500.0), {"p": 2, "budget": 3.0}),
        ("max_coverage", (COSTS, 1500.0), {"budget": -3.0}),
        ("max_coverage", (COSTS, 1500.0), {"p": 1, "fixed": [0, 1]}),
        ("max_coverage", (COSTS, 1500.0), {"p": 2, "weights": np.ones(3)}),
        ("max_coverage", (COSTS, 1500.0), {"p": 2, "fixed": [1], "forbidden": [1]}),
        ("max_coverage", (COSTS, 1500.0), {"p": 2, "forbidden": [99]}),
        ("set_cover", (COSTS, 1500.0), {"share": 1.5}),
        ("set_cover", (COSTS, 1500.0), {"site_costs": -np.ones(8)}),
        ("set_cover", (COSTS, 1500.0), {"weights": np.zeros(12)}),
        ("set_cover", (COSTS, 1.0), {"forbidden": range(7)}),
        ("p_median", (COSTS, 0), {}),
        ("p_median", (COSTS, 9), {}),
        ("p_median", (NAN_COSTS, 2), {}),
        ("p_median", (COSTS, 2), {"radius": 1000.0}),
        ("p_median", (COSTS, 2), {"radius": 1000.0, "unserved_cost": 10.0}),
        ("p_median", (COSTS, 2), {"weights": -WEIGHTS}),
        ("p_median", (COSTS, 2), {"time_limit": -1.0}),
        ("p_median", (UNREACHABLE, 2), {}),
        ("p_center", (COSTS, 1), {"fixed": [0, 1]}),
        ("p_center", (UNREACHABLE, 2), {}),
        ("p_center", (COSTS, 2), {"forbidden": range(7)}),
        ("capacitated_p_median", (COSTS, 0, WEIGHTS, np.full(8, 50.0)), {}),
        ("capacitated_p_median", (COSTS, 2, WEIGHTS[:5], np.full(8, 50.0)), {}),
        ("capacitated_p_median", (COSTS, 2, WEIGHTS, -np.ones(8)), {}),
        ("capacitated_p_median", (COSTS, 2, WEIGHTS, np.ones(8)), {}),
        ("capacitated_p_median", (UNREACHABLE, 2, WEIGHTS, np.full(8, 50.0)), {}),
    ],
)
def test_exact_raises_the_engines_errors(fn, args, kwargs):
    f = getattr(vp.solve, fn)
    copies = [a.copy() for a in args if isinstance(a, np.ndarray)]
    engine = error_of(lambda: f(*args, **kwargs))
    exact = error_of(lambda: f(*args, exact=True, **kwargs))
    assert exact[:2] == engine[:2]
    if engine[0] is vp.InfeasibleError:
        assert exact[2] == pytest.approx(engine[2])
    for a, c in zip([a for a in args if isinstance(a, np.ndarray)], copies, strict=True):
        np.testing.assert_array_equal(a, c)  # inputs untouched


def test_county_exact_raises_the_engines_errors(county):
    def field(call):
        kind, name, _ = error_of(call)
        assert kind is vp.InvalidInputError
        return name

    for goal, kwargs, expected in [
        ("max_coverage", {"p": 30, "fixed": ["nope"]}, "fixed"),
        ("max_coverage", {"budget": -1.0}, "budget"),
        ("max_coverage", {"p": 30, "radius": -5.0}, "radius"),
        ("max_coverage", {}, "p"),
        ("p_median", {"p": 0}, "p"),
        ("p_median", {"p": 30, "by": "households"}, "by"),
        ("p_center", {"p": 30, "forbidden": ["nope"]}, "forbidden"),
        ("p_center", {"p": 30, "minutes": 30.0}, "minutes"),
    ]:
        f = getattr(vp, goal)
        assert field(lambda: f(county, exact=True, **kwargs)) == expected, (goal, kwargs)  # noqa: B023
        assert field(lambda: f(county, **kwargs)) == expected, (goal, kwargs)  # noqa: B023


def test_unreachable_rows_are_infeasible_when_no_p_sites_reach_them():
    # Row 0 is reachable only from site 0 and row 1 only from site 1: one site cannot serve both.
    costs = np.array([[0.0, np.inf, 5.0], [np.inf, 0.0, 5.0], [1.0, 1.0, np.inf]])
    with pytest.raises(vp.InfeasibleError, match="no 1 sites reach every weighted row"):
        vp.solve.p_median(costs, 1, exact=True)
    with pytest.raises(vp.InfeasibleError, match="no 1 sites reach every row"):
        vp.solve.p_center(costs, 1, exact=True)
    s = vp.solve.p_median(costs, 1, exact=True, radius=3.0, unserved_cost=10.0)
    assert s.status == "optimal" and s.objective == 11.0  # site 0: row 0 at 0, row 2 at 1, row 1 unserved


def test_exact_refuses_problems_too_large_for_the_mip():
    costs = np.zeros((2300, 2200))  # 5.06 million pairs
    with pytest.raises(vp.InvalidInputError, match="exact=False") as info:
        vp.solve.p_median(costs, 1, exact=True)
    assert info.value.field == "exact"


def test_exact_without_highspy_names_the_extra(monkeypatch, county):
    monkeypatch.setitem(sys.modules, "highspy", None)  # import highspy now raises ImportError
    costs, weights, _ = instance(0)
    calls = [
        lambda: vp.solve.max_coverage(costs, 1500.0, p=2, exact=True),
        lambda: vp.solve.set_cover(costs, 1500.0, exact=True),
        lambda: vp.solve.p_median(costs, 2, exact=True),
        lambda: vp.solve.p_center(costs, 2, exact=True),
        lambda: vp.solve.capacitated_p_median(costs, 2, weights, np.full(8, 50.0), exact=True),
        lambda: vp.max_coverage(county, p=30, exact=True),
        lambda: vp.p_median(county, p=30, exact=True),
        lambda: vp.p_center(county, p=30, exact=True),
    ]
    for call in calls:
        with pytest.raises(ImportError, match=r"pip install villageplan\[exact\]"):
            call()


def test_solution_from_parts_certifies_and_checks_its_input():
    s = vp._core.Solution.from_parts([3, 1], [1, -1, 3], 10.0, 10.0, "minimize")
    assert s.sites.tolist() == [1, 3] and s.assignment.tolist() == [1, -1, 3]
    assert (s.status, s.gap) == ("optimal", 0.0)
    s = vp._core.Solution.from_parts([1], [1], 10.0, 8.0, "minimize", True, 0.5, 7)
    assert (s.status, s.gap, s.seconds, s.iterations) == ("time_limit", 0.2, 0.5, 7)
    s = vp._core.Solution.from_parts([1], [1], 10.0, 12.0, "maximize", False)
    assert s.status == "feasible" and s.bound == 12.0
    for kwargs, field in [
        ({"sites": [1, 1]}, "sites"),
        ({"sites": [-2]}, "sites"),
        ({"assignment": [2]}, "assignment"),
        ({"bound": 11.0}, "bound"),
        ({"bound": math.nan}, "bound"),
        ({"objective": math.inf}, "objective"),
        ({"sense": "smallest"}, "sense"),
        ({"seconds": -1.0}, "seconds"),
        ({"iterations": -1}, "iterations"),
    ]:
        args = {"sites": [1], "assignment": [1], "objective": 10.0, "bound": 9.0, "sense": "minimize", **kwargs}
        with pytest.raises(vp.InvalidInputError) as info:
            vp._core.Solution.from_parts(**args)
        assert info.value.field == field, kwargs


def test_plan_objective_with_centres_checks_the_centres(county):
    core = county._core
    with pytest.raises(vp.InvalidInputError) as info:
        vp._core.plan_objective_with_centres(core, "p_median", ["nope"], 0.0, p=30)
    assert info.value.field == "centres"
    with pytest.raises(vp.InvalidInputError) as info:
        vp._core.plan_objective_with_centres(core, "p_center", [], 0.0, p=30)
    assert info.value.field == "centres"
    with pytest.raises(vp.InvalidInputError) as info:
        vp._core.plan_objective_with_centres(core, "target", [], 0.0)
    assert info.value.field == "goal"
