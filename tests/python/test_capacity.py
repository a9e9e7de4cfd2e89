"""Centre capacity and village limit: real answers on the sample county, checked with numpy."""

from __future__ import annotations

import math
import pickle

import numpy as np
import pandas as pd
import pytest

import villageplan as vp
from villageplan.cli import main

#: Earth radius of the haversine metric, metres (as the core uses).
EARTH_RADIUS_M = 6_371_008.8


def haversine_m(lon1, lat1, lon2, lat2):
    """Great-circle distance in metres, vectorised, computed independently of the library."""
    lon1, lat1, lon2, lat2 = (np.radians(np.asarray(a, dtype=float)) for a in (lon1, lat1, lon2, lat2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(a))


def check_limits(p: vp.Plan, county: vp.County) -> pd.DataFrame:
    """Recompute every community's load, size, distances and towns from the DataFrames alone.

    Returns one row per community with the recomputed ``households``, ``population`` and
    ``n_villages``.
    """
    v = county.villages.set_index("id")
    a = p.assignments
    c = p.centres.set_index("community")
    comm = p.communities.set_index("community")
    covered = a[a["covered"]]
    # Distances and towns, village by village.
    centre = c.loc[covered["community"].astype(int).to_numpy()]
    d = haversine_m(v.loc[covered["village"], "lon"], v.loc[covered["village"], "lat"], centre["lon"], centre["lat"])
    assert (d <= p.radius + 1e-6).all()
    np.testing.assert_allclose(covered["distance_m"].to_numpy(), d, atol=1e-6)
    assert (v.loc[covered["village"], "town"].to_numpy() == centre["town"].to_numpy()).all()
    # Loads and sizes, community by community.
    members = covered.assign(
        households=v.loc[covered["village"], "households"].to_numpy(),
        population=v.loc[covered["village"], "population"].to_numpy(),
    )
    loads = members.groupby("community").agg(
        households=("households", "sum"), population=("population", "sum"), n_villages=("village", "size")
    )
    loads.index = loads.index.astype(int)
    loads = loads.reindex(comm.index, fill_value=0)
    np.testing.assert_allclose(comm["households"].to_numpy(), loads["households"].to_numpy(), atol=1e-6)
    np.testing.assert_allclose(comm["population"].to_numpy(), loads["population"].to_numpy(), atol=1e-6)
    assert comm["n_villages"].tolist() == loads["n_villages"].tolist()
    if p.capacity is not None:
        assert (loads[p.capacity_by] <= p.capacity + 1e-6).all(), loads[p.capacity_by].max()
    if p.max_villages is not None:
        assert (loads["n_villages"] <= p.max_villages).all()
    assert p.coverage == pytest.approx(a["covered"].mean(), abs=1e-12)
    if p.goal == "max_coverage":
        # The objective is the weight served; the bound an upper bound on the best reachable.
        served = len(covered) if p.by == "villages" else members["population"].sum()
        assert p.objective == pytest.approx(served)
        assert p.bound >= p.objective - 1e-9
        return loads
    # Coverage and target.
    share = a["covered"].mean() if p.by == "villages" else members["population"].sum() / v["population"].sum()
    assert share >= p.target - 1e-9
    # Cost and an honest certificate.
    if p.objective_kind == "cost":
        assert p.cost == pytest.approx(c["cost"].sum())
        assert p.objective == pytest.approx(p.cost)
    else:
        assert p.objective == (c["status"] != "existing").sum()
    assert p.bound <= p.objective + 1e-9 * max(1.0, p.objective)
    assert (p.status == "optimal") == (p.gap <= 1e-9)
    return loads


def test_household_capacity_keeps_every_community_within_it(county, sample_plan):
    p = vp.plan(county, radius=2000, target=0.6, capacity=1500)
    loads = check_limits(p, county)
    assert p.capacity == 1500 and p.capacity_by == "households" and p.max_villages is None
    assert loads["households"].max() <= 1500
    # The capacity binds here: without it some communities are far larger.
    assert sample_plan.communities["households"].max() > 1500
    assert p.n_centres > sample_plan.n_centres
    # The bound of the problem without capacity stays valid and is kept.
    assert p.bound == sample_plan.bound
    assert p.objective >= sample_plan.bound
    # Deterministic.
    assert vp.plan(county, radius=2000, target=0.6, capacity=1500) == p


def test_village_limit_and_population_capacity(county):
    p = vp.plan(county, max_villages=8)
    assert check_limits(p, county)["n_villages"].max() <= 8
    assert p.max_villages == 8 and p.capacity is None

    q = vp.plan(county, by="population", capacity=4000, capacity_by="population", max_villages=6)
    loads = check_limits(q, county)
    assert loads["population"].max() <= 4000 and loads["n_villages"].max() <= 6
    assert q.population_coverage >= 0.6


def test_a_capacity_that_never_binds_keeps_the_plan(county, sample_plan):
    p = vp.plan(county, capacity=1e12)
    assert sorted(p.centres["site"]) == sorted(sample_plan.centres["site"])
    assert p.coverage == sample_plan.coverage
    assert p.assignments["distance_m"].sum() == pytest.approx(sample_plan.assignments["distance_m"].sum())


def test_a_village_heavier_than_the_capacity_is_not_covered():
    df = pd.DataFrame(
        {
            "id": ["a", "b", "c", "d"],
            "x": [0.0, 800.0, 1600.0, 2400.0],
            "y": [0.0, 0.0, 0.0, 0.0],
            "population": [1000.0, 9000.0, 1200.0, 800.0],
            "households": [350.0, 3200.0, 400.0, 300.0],
            "town": ["T"] * 4,
        }
    )
    before = df.copy()
    county = vp.County.from_dataframe(df, crs="planar")
    p = vp.plan(county, radius=2000, target=0.75, capacity=1500)
    a = p.assignments.set_index("village")
    assert not a.at["b", "covered"]  # 3,200 households cannot fit a 1,500-household centre
    assert a["covered"].sum() == 3
    with pytest.raises(vp.InfeasibleError) as e:
        vp.plan(county, radius=2000, target=1.0, capacity=1500)
    assert e.value.achievable == pytest.approx(0.75)
    assert df.equals(before)


def test_unreachable_target_under_capacity_says_what_is_reachable(county):
    v = county.villages
    light = (v["households"] <= 150).mean()
    assert light < 0.6
    with pytest.raises(vp.InfeasibleError) as e:
        vp.plan(county, capacity=150)
    assert e.value.achievable <= light + 1e-12
    assert "150 households per centre" in str(e.value)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"capacity": 0}, "capacity"),
        ({"capacity": -100.0}, "capacity"),
        ({"capacity": math.nan}, "capacity"),
        ({"max_villages": 0}, "max_villages"),
        ({"max_villages": -3}, "max_villages"),
        ({"capacity": 1500, "capacity_by": "rooms"}, "capacity_by"),
        ({"capacity": 1500, "exact": True}, "exact"),
    ],
)
def test_bad_limits_raise_invalid_input(county, kwargs, field):
    with pytest.raises(vp.InvalidInputError) as e:
        vp.plan(county, **kwargs)
    assert e.value.field == field
    assert isinstance(e.value, ValueError)


def test_the_input_is_not_mutated(villages_df):
    before = villages_df.copy()
    county = vp.County.from_dataframe(villages_df)
    text = county.to_json()
    p = vp.plan(county, radius=3000, target=0.6, capacity=2000, capacity_by="population", max_villages=2)
    check_limits(p, county)
    assert villages_df.equals(before)
    assert county.to_json() == text


def test_capacitated_plans_round_trip(county, tmp_path):
    p = vp.plan(county, capacity=1500, max_villages=8)
    assert vp.Plan.from_json(p.to_json()) == p
    assert pickle.loads(pickle.dumps(p)) == p
    p.save(tmp_path / "plan.json")
    back = vp.Plan.load(tmp_path / "plan.json")
    assert (back.capacity, back.capacity_by, back.max_villages) == (1500, "households", 8)


def test_command_line_limits(capsys):
    assert main(["demo", "--capacity", "1500", "--max-villages", "8"]) == 0
    out = capsys.readouterr().out
    assert "Limits: at most 1,500 households per centre" in out
    assert "at most 8 villages per community" in out
    assert main(["demo", "--max-villages", "0"]) == 2
    assert "max_villages" in capsys.readouterr().err


@pytest.mark.parametrize(
    "limits",
    [{"capacity": 1500}, {"max_villages": 4}, {"capacity": 4000, "capacity_by": "population", "by": "population"}],
)
def test_max_coverage_under_limits(county, limits):
    free = vp.max_coverage(county, p=40, by=limits.get("by", "villages"))
    p = vp.max_coverage(county, p=40, **limits)
    check_limits(p, county)
    assert p.n_centres <= 40
    # Limits only restrict: never more than without them; the uncapacitated bound is kept.
    assert p.objective <= free.objective
    assert p.bound == free.bound
    assert vp.Plan.from_json(p.to_json()) == p


def test_max_coverage_limits_are_checked(county):
    for kwargs, field in [({"capacity": 0}, "capacity"), ({"max_villages": 0}, "max_villages")]:
        with pytest.raises(vp.InvalidInputError) as e:
            vp.max_coverage(county, p=10, **kwargs)
        assert e.value.field == field
    with pytest.raises(vp.InvalidInputError) as e:
        vp.max_coverage(county, p=10, capacity=1500, exact=True)
    assert e.value.field == "exact"
    # p-median plans have no capacity parameter (vp.solve.capacitated_p_median works on matrices).
    with pytest.raises(TypeError, match="capacity"):
        vp.p_median(county, 10, capacity=1500)  # type: ignore[call-arg]
