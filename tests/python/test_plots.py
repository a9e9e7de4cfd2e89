"""Charts: each is saved as a PNG (non-empty) and has the artists it promises."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest
from matplotlib.collections import PolyCollection
from matplotlib.image import AxesImage

import villageplan as vp


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _saved(ax, tmp_path) -> int:
    path = tmp_path / "chart.png"
    ax.figure.savefig(path)
    size = path.stat().st_size
    assert size > 1000
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    return size


def test_plot_schedule(county, tmp_path):
    plan = vp.plan(county, budget=vp.Budget.yearly(3_000_000))
    ax = vp.plot_schedule(plan.schedule)
    assert len(ax.lines) == 2  # coverage per year and the target
    coverage, target = ax.lines
    assert list(coverage.get_xdata()) == list(plan.schedule.years["year"])
    assert set(target.get_ydata()) == {plan.target}
    assert len(ax.figure.axes) == 2  # the twin axis with the centres built per year
    assert len(ax.figure.axes[1].patches) == len(plan.schedule.years)
    _saved(ax, tmp_path)
    # A plan with a schedule works too, and an axes can be given.
    _, given = plt.subplots()
    assert vp.plot_schedule(plan, ax=given) is given
    with pytest.raises(vp.InvalidInputError, match="no schedule"):
        vp.plot_schedule(vp.plan(county))


def test_plot_cost_curve(county, tmp_path):
    curve = vp.cost_curve(county, targets=[0.4, 0.5, 0.6, 0.7])
    ax = vp.plot_cost_curve(curve, target=0.6)
    assert len(ax.lines) == 2
    assert len(ax.lines[0].get_xdata()) == int((curve["status"] == "ok").sum())
    _saved(ax, tmp_path)


def test_plot_simulation(county, tmp_path):
    sim = vp.simulate(county, vp.Scenario(budget=4_000_000), runs=200, seed=1, progress=False)
    ax = vp.plot_simulation(sim)
    bands = [c for c in ax.collections if isinstance(c, PolyCollection)]
    assert len(bands) == 2  # 5-95% and 25-75%
    assert len(ax.lines) == 2  # median and target
    assert list(ax.lines[0].get_ydata()) == list(sim.coverage["q50"])
    _saved(ax, tmp_path)


def test_plot_sweep(county, tmp_path):
    df = vp.sweep(county, radius=[1500, 2000, 2500], target=0.6, budget=[1e6, 2e6], progress=False)
    ax = vp.plot_sweep(df)
    images = [a for a in ax.get_children() if isinstance(a, AxesImage)]
    assert len(images) == 1
    assert images[0].get_array().shape == (3, 2)
    assert len(ax.texts) == 6
    _saved(ax, tmp_path)
    ax = vp.plot_sweep(df, value="shortfall")
    assert len(ax.texts) == 6
    with pytest.raises(vp.InvalidInputError, match="unknown value"):
        vp.plot_sweep(df, value="nope")
