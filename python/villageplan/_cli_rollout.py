"""The roll-out subcommands of the command line: ``schedule``, ``simulate``, ``sweep``, ``scenario``.

``villageplan.cli`` adds these parsers and dispatches to :func:`run`. They run on a saved plan
(``--plan``) or on the built-in sample county, under a scenario file (``--scenario``) or the
default scenario (60% of villages within 2 km in 3 years on 1.0 million yuan a year).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from villageplan._county import sample_county
from villageplan._planning import Plan, plan
from villageplan._rollout import SOURCES, Budget, Scenario, Schedule, _invalid, simulate, sweep

__all__ = ["COMMANDS", "add_parsers", "run", "schedule_summary"]

#: The subcommands handled here.
COMMANDS = ("schedule", "simulate", "sweep", "scenario")

EPILOG = """\
examples:
  villageplan schedule                                  # the sample county, 1 M yuan a year
  villageplan schedule --budget 5000000 --years 3 --no-carry-over
  villageplan schedule --plan plan.json --scenario scenario.json
  villageplan simulate --runs 10000 --seed 1 --scenario scenario.json
  villageplan sweep --radius 1500 2000 2500 --target 0.5 0.6 --budget 1e6 5e6 --out sweep.csv
  villageplan scenario --out scenario.json              # write the default scenario to edit
"""


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)]

    def line(cells: Sequence[str]) -> str:
        rest = (c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True))
        return "  ".join([cells[0].ljust(widths[0]), *rest]).rstrip()

    return [line(header), line(["-" * w for w in widths]), *(line(r) for r in rows)]


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--scenario", type=Path, metavar="FILE", help="scenario JSON (default: the built-in scenario)")
    p.add_argument("--seed", type=int, default=2008, help="seed of the sample county (default: %(default)s)")


def add_parsers(sub: Any) -> None:
    """Add the roll-out subcommands to the command line's subparsers."""
    fmt = argparse.RawDescriptionHelpFormatter
    sc = sub.add_parser(
        "schedule",
        help="build order of a plan's centres over the years under a budget",
        description="Schedule the centres of a plan (a saved plan, or the sample county planned to the\n"
        "scenario's target) year by year within the budget; print coverage and spending per year.",
        epilog=EPILOG,
        formatter_class=fmt,
    )
    sc.add_argument(
        "--plan", type=Path, metavar="PLAN.json", help="a plan saved as JSON (default: plan the sample county)"
    )
    _common(sc)
    sc.add_argument("--budget", type=float, metavar="YUAN", help="yuan per year, split by the default shares")
    sc.add_argument("--years", type=int, metavar="N", help="funded years (with --budget; default 3)")
    sc.add_argument("--no-carry-over", action="store_true", help="money not spent in a year is lost")
    sc.add_argument("--json", type=Path, metavar="SCHEDULE.json", help="write the schedule as JSON")

    sm = sub.add_parser(
        "simulate",
        help="Monte Carlo: how sure is reaching the target, year by year",
        description="Re-schedule the plan under uncertain costs, funding and population; print coverage\n"
        "quantiles and the probability of reaching the target by each year.",
        epilog=EPILOG,
        formatter_class=fmt,
    )
    sm.add_argument(
        "--plan", type=Path, metavar="PLAN.json", help="a plan saved as JSON (default: plan the sample county)"
    )
    _common(sm)
    sm.add_argument("--runs", type=int, default=1000, help="number of runs (default: %(default)s)")
    sm.add_argument("--mc-seed", type=int, default=1, help="seed of the simulation (default: %(default)s)")
    sm.add_argument("--out", type=Path, metavar="RUNS.csv", help="write every run and year as CSV")

    sw = sub.add_parser(
        "sweep",
        help="plan and schedule a grid of radius x target x yearly budget",
        description="Plan the sample county for every radius and target, schedule each plan under every\n"
        "yearly budget, and print (or write) the table.",
        epilog=EPILOG,
        formatter_class=fmt,
    )
    _common(sw)
    sw.add_argument("--radius", type=float, nargs="+", default=[2000.0], metavar="METRES")
    sw.add_argument("--target", type=float, nargs="+", default=[0.6], metavar="SHARE")
    sw.add_argument("--budget", type=float, nargs="+", default=[1_000_000.0], metavar="YUAN")
    sw.add_argument("--out", type=Path, metavar="SWEEP.csv", help="write the table as CSV")

    sn = sub.add_parser(
        "scenario",
        help="print or write the default scenario JSON, to edit and pass with --scenario",
        description="Print the default scenario as JSON, or write it to --out.",
        formatter_class=fmt,
    )
    sn.add_argument("--out", type=Path, metavar="FILE", help="write the scenario here")


def _scenario(args: argparse.Namespace) -> Scenario:
    return Scenario.default() if args.scenario is None else Scenario.load(args.scenario)


def _plan(args: argparse.Namespace, scenario: Scenario) -> Plan:
    if getattr(args, "plan", None) is not None:
        return Plan.load(args.plan)
    return plan(
        sample_county(args.seed),
        radius=scenario.radius,
        target=scenario.target,
        by=scenario.by,  # type: ignore[arg-type]
        within_town=scenario.within_town,
    )


def _pct(share: float) -> str:
    return f"{100.0 * share:.1f}%"


def schedule_summary(s: Schedule) -> str:
    """Return the text summary of a schedule that ``villageplan schedule`` prints."""
    y = s.years
    lines = [f"Schedule: target {_pct(s.target)} of {s.by}, {s.n_years} years ({s.method})", ""]
    rows = [
        [
            str(r.year),
            str(r.built),
            str(r.centres_open),
            f"{r.available:,.0f}",
            f"{r.spent:,.0f}",
            f"{r.left:,.0f}",
            _pct(r.coverage),
            _pct(r.population_coverage),
        ]
        for r in y.itertuples()
    ]
    header = ["year", "built", "open", "available", "spent", "left", "villages %", "population %"]
    lines += ["  " + t for t in _table(header, rows)]
    sp = s.spending.pivot(index="year", columns="source", values="spent")
    lines += ["", "Spending by source (yuan):"]
    rows = [[str(year), *(f"{sp.loc[year, src]:,.0f}" for src in SOURCES)] for year in sp.index]
    lines += ["  " + t for t in _table(["year", *SOURCES], rows)]
    lines.append("")
    if s.target_year is not None:
        lines.append(f"Target reached in year {s.target_year}.")
    elif s.shortfall == float("inf"):
        lines.append("Target not reached: the plan's centres do not reach it.")
    else:
        lines.append(f"Target not reached: shortfall {s.shortfall:,.0f} yuan.")
    lines.append(f"Cost to complete the plan: {s.cost_to_complete:,.0f} yuan")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> None:
    """Run a roll-out subcommand."""
    if args.command == "scenario":
        text = Scenario.default().to_json()
        if args.out is None:
            print(text)
        else:
            Path(args.out).write_text(text, encoding="utf-8")
            print(f"wrote the default scenario to {args.out}")
        return
    scenario = _scenario(args)
    if args.command == "schedule":
        if args.budget is not None:
            budget = Budget.yearly(args.budget, years=args.years or 3, carry_over=not args.no_carry_over)
        else:
            if args.years is not None:
                raise _invalid("invalid `years`: --years needs --budget (or set the years in --scenario)", "years")
            budget = scenario.budget
            if args.no_carry_over:
                budget = Budget(budget.amounts, carry_over=False)
        p = _plan(args, scenario)
        from villageplan import _core

        s = Schedule(_core.schedule_plan(p._core, budget._core, scenario.costs._core, scenario.target))
        print(schedule_summary(s))
        if args.json is not None:
            Path(args.json).write_text(s.to_json(), encoding="utf-8")
            print(f"\nwrote the schedule to {args.json}")
    elif args.command == "simulate":
        p = _plan(args, scenario)
        sim = simulate(p.county, scenario, runs=args.runs, seed=args.mc_seed, plan=p)
        print(f"Simulation: {sim.n_runs:,} runs, seed {sim.seed}; target {_pct(scenario.target)} of {scenario.by}")
        q = sim.coverage
        rows = [
            [str(r.year), _pct(r.mean), _pct(r.q05), _pct(r.q50), _pct(r.q95), f"{r.probability_of_target:.3f}"]
            for r in q.itertuples()
        ]
        print("\n".join("  " + t for t in _table(["year", "mean", "5%", "median", "95%", "P(target)"], rows)))
        if args.out is not None:
            sim.runs.to_csv(args.out, index=False)
            print(f"\nwrote {sim.n_runs:,} runs to {args.out}")
    elif args.command == "sweep":
        import pandas as pd

        df = sweep(sample_county(args.seed), args.radius, args.target, args.budget, scenario)
        cols = ["radius", "target", "budget", "status", "centres", "plan_cost", "coverage", "target_year", "shortfall"]
        rows = [
            [
                f"{r.radius:,.0f}",
                f"{r.target:.2f}",
                f"{r.budget:,.0f}",
                str(r.status),
                str(r.centres),
                f"{r.plan_cost:,.0f}",
                _pct(r.coverage),
                "-" if pd.isna(r.target_year) else str(r.target_year),
                f"{r.shortfall:,.0f}",
            ]
            for r in df[cols].itertuples()
        ]
        print("\n".join(_table(cols, rows)))
        if args.out is not None:
            df.to_csv(args.out, index=False)
            print(f"\nwrote {len(df)} rows to {args.out}")
