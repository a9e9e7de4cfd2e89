"""Charts of schedules, cost curves, simulations and sweeps with matplotlib.

Each function takes what the API returns, draws on ``ax`` (a new figure when omitted) and
returns the Axes, so charts compose and save as usual (``ax.figure.savefig("chart.png")``).
Needs ``pip install villageplan[plot]``; matplotlib is imported only when a chart is drawn, and
no backend is chosen here.

Examples
--------
>>> import villageplan as vp
>>> county = vp.sample_county()
>>> plan = vp.plan(county, budget=vp.Budget.yearly(1_000_000))
>>> ax = vp.plot_schedule(plan.schedule)      # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from villageplan.exceptions import InvalidInputError

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

    from villageplan._planning import Plan
    from villageplan._rollout import Schedule, Simulation

__all__ = ["plot_cost_curve", "plot_schedule", "plot_simulation", "plot_sweep"]

#: Colour of the target line in every chart.
TARGET_COLOR = "#d62728"


def _axes(ax: Axes | None) -> Axes:
    try:
        import matplotlib.pyplot as plt
    except ImportError as e:
        raise ImportError("plots need matplotlib: pip install villageplan[plot] (or pip install matplotlib)") from e
    if ax is not None:
        return ax
    _, new = plt.subplots(figsize=(7, 4))
    return new


def _percent(ax: Axes, axis: str = "y") -> None:
    from matplotlib.ticker import PercentFormatter

    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(PercentFormatter(1.0))


def _invalid(message: str, field: str) -> InvalidInputError:
    err = InvalidInputError(message)
    err.field = field
    err.row = None
    err.id = None
    return err


def plot_schedule(schedule: Schedule | Plan, ax: Axes | None = None) -> Axes:
    """Plot coverage per year of a schedule against the target.

    Parameters
    ----------
    schedule : Schedule or Plan
        A :class:`~villageplan.Schedule`, or a plan made with ``budget=`` (its schedule).
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure by default.

    Returns
    -------
    matplotlib.axes.Axes
        Two lines: coverage per year (year 0 is today; as the target counts, villages or
        population) and the dashed target; bars of the centres built each year on a twin axis.

    Raises
    ------
    InvalidInputError
        For a plan without a schedule.
    """
    from villageplan._planning import Plan

    if isinstance(schedule, Plan):
        if schedule.schedule is None:
            raise _invalid("this plan has no schedule; plan with budget=vp.Budget.yearly(...)", "schedule")
        schedule = schedule.schedule
    ax = _axes(ax)
    years = schedule.years
    column = "coverage" if schedule.by == "villages" else "population_coverage"
    x = years["year"].to_numpy()
    ax.plot(x, years[column].to_numpy(), marker="o", color="#1f77b4", label=f"coverage ({schedule.by})")
    ax.axhline(schedule.target, color=TARGET_COLOR, linestyle="--", label=f"target {schedule.target:.0%}")
    built = ax.twinx()
    built.bar(x, years["built"].to_numpy(), width=0.35, alpha=0.25, color="#7f7f7f")
    built.set_ylabel("centres built")
    built.set_zorder(ax.get_zorder() - 1)
    ax.patch.set_visible(False)
    ax.set_xticks(x)
    ax.set_xlabel("year")
    ax.set_ylabel("share covered")
    ax.set_ylim(0, 1)
    _percent(ax)
    reached = "not reached" if schedule.target_year is None else f"reached in year {schedule.target_year}"
    ax.set_title(f"Roll-out: target {reached}")
    ax.legend(loc="upper left")
    return ax


def plot_cost_curve(curve: pd.DataFrame, ax: Axes | None = None, *, target: float | None = None) -> Axes:
    """Plot the cost of the cheapest plan against the coverage it reaches.

    Parameters
    ----------
    curve : pandas.DataFrame
        The result of :func:`villageplan.cost_curve` (or :func:`~villageplan.cheapest_plans`).
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure by default.
    target : float, optional
        Mark this coverage share with a vertical line (e.g. 0.6).

    Returns
    -------
    matplotlib.axes.Axes
        One line of cost (million yuan) against the target share, with a marker per plan (rows
        whose status is not ``"ok"`` are left out), and the target line when given.
    """
    ax = _axes(ax)
    ok = curve[curve["status"] == "ok"] if "status" in curve else curve
    ax.plot(ok["target"].to_numpy(), ok["cost"].to_numpy() / 1e6, marker="o", color="#1f77b4", label="cheapest plan")
    if target is not None:
        ax.axvline(target, color=TARGET_COLOR, linestyle="--", label=f"target {target:.0%}")
    ax.set_xlabel("coverage target")
    ax.set_ylabel("cost (million yuan)")
    _percent(ax, "x")
    ax.set_title("Cost of coverage")
    ax.legend(loc="upper left")
    return ax


def plot_simulation(simulation: Simulation, ax: Axes | None = None) -> Axes:
    """Plot a fan chart of coverage per year across the Monte Carlo runs.

    Parameters
    ----------
    simulation : Simulation
        The result of :func:`villageplan.simulate`.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure by default.

    Returns
    -------
    matplotlib.axes.Axes
        Two bands (5-95% and 25-75% of runs), the median line and the dashed target line; the
        title gives the probability of reaching the target by the last year.
    """
    ax = _axes(ax)
    q = simulation.coverage
    x = q["year"].to_numpy()
    ax.fill_between(x, q["q05"].to_numpy(), q["q95"].to_numpy(), color="#1f77b4", alpha=0.18, label="5-95% of runs")
    ax.fill_between(x, q["q25"].to_numpy(), q["q75"].to_numpy(), color="#1f77b4", alpha=0.35, label="25-75% of runs")
    ax.plot(x, q["q50"].to_numpy(), color="#1f77b4", marker="o", label="median")
    target = simulation.scenario.target
    ax.axhline(target, color=TARGET_COLOR, linestyle="--", label=f"target {target:.0%}")
    ax.set_xticks(x)
    ax.set_xlabel("year")
    ax.set_ylabel("share covered")
    ax.set_ylim(0, 1)
    _percent(ax)
    p = simulation.probability_of_target()
    ax.set_title(f"{simulation.n_runs:,} runs: P(target by year {int(x.max())}) = {p:.0%}")
    ax.legend(loc="upper left")
    return ax


def plot_sweep(
    sweep: pd.DataFrame,
    ax: Axes | None = None,
    *,
    value: str = "coverage",
    target: float | None = None,
) -> Axes:
    """Plot a heatmap of a sweep: radius down, yearly budget across, ``value`` in the cells.

    Parameters
    ----------
    sweep : pandas.DataFrame
        The result of :func:`villageplan.sweep`.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure by default.
    value : str, default "coverage"
        The column to show: ``coverage`` or ``population_coverage`` after the last year (as
        percentages), ``target_year``, ``shortfall``, ``spent``, ``centres`` ...
    target : float, optional
        Which target's rows to show when the sweep has several (default: the first).

    Returns
    -------
    matplotlib.axes.Axes
        One image with a colour bar and one text label per cell.

    Raises
    ------
    InvalidInputError
        For an unknown ``value`` column or a ``target`` not in the sweep.
    """
    if value not in sweep.columns:
        raise _invalid(f"unknown value {value!r}; use one of {', '.join(map(str, sweep.columns))}", "value")
    targets = sorted(set(sweep["target"]))
    chosen = targets[0] if target is None else target
    if not np.isclose(targets, chosen).any():
        raise _invalid(f"target {chosen} is not in the sweep; it has {targets}", "target")
    rows = sweep[np.isclose(sweep["target"], chosen)]
    grid = rows.pivot_table(index="radius", columns="budget", values=value, aggfunc="first", dropna=False)
    data = grid.to_numpy(dtype=np.float64, na_value=np.nan)
    ax = _axes(ax)
    share = value in ("coverage", "population_coverage", "plan_coverage")
    image = ax.imshow(data, cmap="viridis", aspect="auto", origin="lower", vmin=0 if share else None)
    colorbar = ax.figure.colorbar(image, ax=ax)
    colorbar.set_label(value)
    ax.set_xticks(range(len(grid.columns)), [f"{b / 1e6:g}" for b in grid.columns])
    ax.set_yticks(range(len(grid.index)), [f"{r:,.0f}" for r in grid.index])
    ax.set_xlabel("budget per year (million yuan)")
    ax.set_ylabel("radius (m)")
    finite = data[np.isfinite(data)]
    middle = float(finite.mean()) if finite.size else 0.0
    for i in range(data.shape[0]):
        for j in range(data.shape[1]):
            v = data[i, j]
            text = "-" if not np.isfinite(v) else (f"{v:.0%}" if share else f"{v:,.4g}")
            ax.text(j, i, text, ha="center", va="center", color="white" if v < middle else "black", fontsize=9)
    ax.set_title(f"{value} at target {chosen:.0%}")
    return ax
