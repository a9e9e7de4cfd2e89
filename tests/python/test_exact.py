"""The heuristic engine checked against exact MIP solutions from HiGHS (an independent solver)."""

import pytest

import villageplan as vp

CASES = [(2000.0, 0.6, "villages"), (1500.0, 0.5, "villages"), (3000.0, 0.8, "villages"), (2000.0, 0.6, "population")]


@pytest.fixture(scope="module")
def county():
    return vp.sample_county(2008)


@pytest.mark.parametrize(("radius", "target", "by"), CASES)
def test_engine_matches_the_mip_and_its_bound_is_valid(county, radius, target, by):
    heuristic = vp.plan(county, radius=radius, target=target, by=by)
    exact = vp.plan(county, radius=radius, target=target, by=by, exact=True)
    assert exact.status == "optimal"
    assert exact.gap == 0.0
    # The engine's lower bound never exceeds the true optimum, and its plan is never cheaper.
    assert heuristic.bound <= exact.cost + 1e-6
    assert heuristic.cost >= exact.cost - 1e-6
    # Quality: within 0.5% of the optimum on the sample county (measured: equal on these cases).
    assert heuristic.cost <= exact.cost * 1.005
    # The exact plan is a complete plan: coverage reached, communities formed.
    share = exact.coverage if by == "villages" else exact.population_coverage
    assert share >= target - 1e-12
    assert exact.communities["n_villages"].sum() == exact.n_covered


def test_time_limited_exact_plan_is_honest(county):
    p = vp.plan(county, radius=2000, target=0.9, exact=True, time_limit=0.0)
    assert p.status in ("time_limit", "optimal")
    assert p.bound <= p.cost + 1e-6


def test_plan_with_centres_reproduces_a_plan(county):
    p = vp.plan(county)
    again = vp._core.plan_with_centres(county._core, list(p.centres["site"]), radius=2000.0, target=0.6)
    assert again.cost == p.cost
    assert again.coverage == p.coverage
    with pytest.raises(vp.InfeasibleError, match=r"short of the 60\.0% target"):
        vp._core.plan_with_centres(county._core, list(p.centres["site"])[:3], radius=2000.0, target=0.6)
    with pytest.raises(vp.InvalidInputError, match="unknown site id 'nope'"):
        vp._core.plan_with_centres(county._core, ["nope"], radius=2000.0, target=0.6)
