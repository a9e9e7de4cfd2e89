"""Roll-out from Python: budgets, cost models, scenarios, schedules, simulations and sweeps."""

from __future__ import annotations

import json
import math
import pickle

import pandas as pd
import pytest

import villageplan as vp

SOURCES = ["government", "town", "community", "policy", "donations", "partners"]


@pytest.fixture(scope="module")
def scheduled(county: vp.County) -> vp.Plan:
    return vp.plan(county, years=3, budget=vp.Budget.yearly(5_000_000))


def test_budget_yearly_splits_by_default_shares():
    b = vp.Budget.yearly(1_000_000)
    assert b.n_years == 3 and b.carry_over
    shares = {"government": 0.35, "town": 0.20, "community": 0.10, "policy": 0.25, "donations": 0.05, "partners": 0.05}
    for year in b.amounts:
        for k, v in shares.items():
            assert year[k] == pytest.approx(1_000_000 * v)
    assert b.table.columns.tolist() == ["year", *SOURCES, "total"]
    assert b.table["total"].tolist() == pytest.approx([1e6] * 3)
    assert vp.Budget.from_json(b.to_json()) == b


@pytest.mark.parametrize(
    ("call", "field", "words"),
    [
        (lambda: vp.Budget.yearly(-1), "total", "≥ 0"),
        (lambda: vp.Budget.yearly(1e6, shares={"government": 0.5, "town": 0.4}), "shares", "sum to"),
        (lambda: vp.Budget.yearly(1e6, shares={"lottery": 1.0}), "source", "lottery"),
        (lambda: vp.Budget([{"government": 1e6}, {"donations": -5}]), "budget", "donations"),
        (lambda: vp.Budget.yearly(1e6, years=0), "years", "1 to"),
        (lambda: vp.CostModel(new_build_yuan_per_m2=-1), "new_build_yuan_per_m2", "≥ 0"),
    ],
)
def test_bad_assumptions_are_invalid_input(call, field, words):
    with pytest.raises(vp.InvalidInputError) as e:
        call()
    assert e.value.field == field
    assert words in str(e.value)
    assert isinstance(e.value, ValueError)


def test_cost_model_defaults_and_areas():
    m = vp.CostModel()
    assert (m.min_floor_area_m2, m.new_build_yuan_per_m2, m.renovate_yuan_per_m2) == (200.0, 1600.0, 600.0)
    assert m.required_area(100) == 200.0
    assert m.required_area(2000) == 600.0  # 30 m² per 100 households
    assert m.land_yuan is None
    assert vp.CostModel.from_json(m.to_json()) == m
    assert vp.CostModel.from_json('{"land_yuan": 80000}').land_yuan == 80000.0


def test_schedule_on_the_sample_county(scheduled: vp.Plan):
    s = scheduled.schedule
    assert isinstance(s, vp.Schedule)
    years = s.years
    assert years.columns.tolist() == [
        "year",
        "built",
        "centres_open",
        "available",
        "spent",
        "left",
        "covered_villages",
        "coverage",
        "covered_population",
        "population_coverage",
        "sites",
    ]
    assert years["year"].tolist() == [0, 1, 2, 3]
    assert (years["spent"] <= years["available"] + 1e-6).all()
    assert years["coverage"].is_monotonic_increasing
    assert years["centres_open"].is_monotonic_increasing
    spending = s.spending
    assert spending.columns.tolist() == ["year", "source", "available", "spent", "left"]
    assert sorted(set(spending["source"])) == sorted(SOURCES)
    assert (spending["spent"] <= spending["available"] + 1e-6).all()
    by_year = spending.groupby("year")["spent"].sum()
    assert by_year.tolist() == pytest.approx(years["spent"].tolist()[1:])
    # Pro rata: each source spends the same fraction of what it has.
    for _, g in spending.groupby("year"):
        fractions = (g["spent"] / g["available"]).dropna()
        assert fractions.max() - fractions.min() < 1e-9
    towns = s.towns
    assert set(towns["year"]) == {0, 1, 2, 3}
    assert towns.groupby("year")["covered"].sum().tolist() == years["covered_villages"].tolist()
    centres = s.centres
    assert len(centres) == scheduled.n_centres
    built = centres["year"].dropna()
    assert centres.loc[centres["year"].notna(), "cost"].sum() == pytest.approx(years["spent"].sum())
    assert sorted(built.unique()) == sorted({y for y, n in zip(years["year"], years["built"], strict=True) if n})
    # 15 M yuan cannot build the 60% plan: the target is not reached and the shortfall is named.
    assert s.target_year is None
    assert 0 < s.shortfall < math.inf
    assert s.cost_to_complete == pytest.approx(centres.loc[centres["year"].isna(), "cost"].sum())
    assert "Schedule" in s._repr_html_() and "shortfall" in repr(s)


def test_plan_without_budget_has_no_schedule(sample_plan: vp.Plan):
    assert sample_plan.schedule is None


def test_enough_money_reaches_the_target_in_year_one(county: vp.County, scheduled: vp.Plan):
    total = scheduled.schedule.centres["cost"].sum()
    p = vp.plan(county, budget=total + 1, years=2)
    assert p.schedule.target_year == 1
    assert p.schedule.shortfall == 0.0
    assert p.schedule.years["coverage"].iloc[1] == pytest.approx(p.coverage)


def test_plan_budget_arguments_are_checked(county: vp.County):
    with pytest.raises(vp.InvalidInputError) as e:
        vp.plan(county, years=3)
    assert e.value.field == "years"
    with pytest.raises(vp.InvalidInputError, match="budget has 3"):
        vp.plan(county, years=2, budget=vp.Budget.yearly(1e6, years=3))
    with pytest.raises(TypeError):
        vp.plan(county, budget=1e6, costs={"new_build_yuan_per_m2": 1})  # type: ignore[arg-type]


def test_scenario_json_round_trip(tmp_path):
    s = vp.Scenario.default()
    assert (s.radius, s.target, s.years, s.by) == (2000.0, 0.6, 3, "villages")
    assert s.budget.total == pytest.approx(3_000_000)
    data = json.loads(s.to_json())
    assert data["format_version"] == 1
    assert vp.Scenario.from_json(s.to_json()) == s
    path = tmp_path / "scenario.json"
    s.save(path)
    assert vp.Scenario.load(path) == s
    custom = vp.Scenario(target=0.7, budget=2e6, years=4, uncertainty={"cost_sigma": 0.3}, name="test")
    assert (custom.years, custom.budget.n_years, custom.uncertainty["cost_sigma"]) == (4, 4, 0.3)
    assert vp.Scenario.from_json(custom.to_json()) == custom
    assert custom.replace(target=0.8).target == 0.8
    assert custom.replace(years=2).budget.total == pytest.approx(4e6)


def test_scenario_errors(tmp_path):
    text = vp.Scenario.default().to_json()
    with pytest.raises(vp.InvalidInputError) as e:
        vp.Scenario.from_json(text.replace('"format_version": 1', '"format_version": 2'))
    assert e.value.field == "format_version"
    with pytest.raises(vp.InvalidInputError, match="radios"):
        vp.Scenario.from_json(text.replace('"radius"', '"radios"'))
    with pytest.raises(vp.InvalidInputError, match="`years`"):
        vp.Scenario(years=4, budget=vp.Budget.yearly(1e6, years=3))
    with pytest.raises(FileNotFoundError):
        vp.Scenario.load(tmp_path / "missing.json")


def test_simulation_is_seeded(county: vp.County):
    scenario = vp.Scenario(budget=8_000_000)
    a = vp.simulate(county, scenario, runs=400, seed=3)
    b = vp.simulate(county, scenario, runs=400, seed=3)
    c = vp.simulate(county, scenario, runs=400, seed=4)
    pd.testing.assert_frame_equal(a.runs, b.runs)
    assert not a.runs.equals(c.runs)
    cov = a.coverage
    assert cov.columns.tolist() == ["year", "mean", "q05", "q25", "q50", "q75", "q95", "probability_of_target"]
    assert cov["year"].tolist() == [0, 1, 2, 3]
    for col in ["q05", "q25", "q50", "q75", "q95"]:
        assert cov[col].is_monotonic_increasing
    assert (cov["q05"] <= cov["q50"]).all() and (cov["q50"] <= cov["q95"]).all()
    runs = a.runs
    assert runs.columns.tolist() == [
        "run",
        "year",
        "coverage",
        "population_coverage",
        "money",
        "spent",
        "centres_open",
        "target_year",
    ]
    assert len(runs) == 400 * 4
    # The probability by year 3 is the share of runs at the target in year 3, computed here.
    final = runs[runs["year"] == 3]
    assert a.probability_of_target(year=3) == pytest.approx((final["coverage"] >= 0.6 - 1e-12).mean())
    assert a.probability_of_target() == a.probability_of_target(3)
    # Quantiles as numpy computes them.
    assert cov["q50"].iloc[3] == pytest.approx(final["coverage"].quantile(0.5))
    assert (runs["spent"] <= runs.groupby("run")["money"].cumsum() + 1e-6).all()
    assert "Simulation" in a._repr_html_()
    assert a.quantiles([0.025, 0.975]).columns.tolist() == ["year", "mean", "q02_5", "q97_5", "probability_of_target"]


def test_simulation_errors(county: vp.County):
    with pytest.raises(vp.InvalidInputError, match="`runs`"):
        vp.simulate(county, vp.Scenario.default(), runs=0)
    with pytest.raises(vp.InfeasibleError):
        vp.simulate(county, vp.Scenario(radius=300, target=1.0), runs=10)
    with pytest.raises(TypeError):
        vp.simulate(county, "scenario.json", runs=10)  # type: ignore[arg-type]


def test_sweep_is_tidy(county: vp.County):
    df = vp.sweep(county, radius=[1500, 2000], target=[0.5, 0.6], budget=[1e6, 2e7])
    assert len(df) == 8
    assert df[["radius", "target", "budget"]].drop_duplicates().shape[0] == 8
    assert set(df["status"]) == {"ok"}
    assert (df["spent"] <= 3 * df["budget"] + 1e-6).all()
    assert (df["coverage"] <= df["plan_coverage"] + 1e-12).all()
    reached = df["target_year"].notna()
    assert (df.loc[reached, "shortfall"] == 0).all() and (df.loc[~reached, "shortfall"] > 0).all()
    with pytest.raises(vp.InvalidInputError):
        vp.sweep(county, radius=[], target=0.6, budget=1e6)


def test_cost_curve_and_cheapest_plans(county: vp.County):
    curve = vp.cost_curve(county, targets=[0.3, 0.5, 0.7, 0.9])
    assert curve["target"].tolist() == [0.3, 0.5, 0.7, 0.9]
    assert curve["cost"].is_monotonic_increasing
    assert (curve["coverage"] >= curve["target"] - 1e-12).all()
    marginal = curve["cost"].diff() / (100 * curve["target"].diff())
    assert curve["marginal_cost_per_point"].iloc[1:].tolist() == pytest.approx(marginal.iloc[1:].tolist())
    cheap = vp.cheapest_plans(county)
    assert cheap["target"].tolist() == [0.5, 0.6, 0.7, 0.8]
    assert (cheap["centres"] == cheap["sites"].map(len)).all()


def test_inputs_are_not_mutated(county: vp.County):
    budget = vp.Budget.yearly(2e6)
    scenario = vp.Scenario(budget=budget)
    before = (county.to_json(), budget.to_json(), scenario.to_json())
    vp.plan(county, budget=budget)
    vp.simulate(county, scenario, runs=50)
    vp.sweep(county, budget=[1e6], scenario=scenario)
    assert (county.to_json(), budget.to_json(), scenario.to_json()) == before


def test_plan_with_schedule_still_pickles(scheduled: vp.Plan):
    back = pickle.loads(pickle.dumps(scheduled))
    assert back == scheduled
