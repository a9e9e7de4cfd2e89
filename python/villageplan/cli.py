"""The ``villageplan`` command line.

``villageplan demo`` plans the built-in sample county; ``villageplan plan FILE`` plans villages
read from a CSV or GeoJSON file. Both print a short summary; ``plan`` can also write the plan as
GeoJSON (``--out``) and JSON (``--json``). Errors print ``error: <message>`` and exit with
status 2.

``villageplan assess PLAN.json --facts FILE`` checks a saved plan's centres against the
acceptance standard (达标验收).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from villageplan import _cli_rollout, _core
from villageplan._assess import Assessment, assess, sample_facts
from villageplan._county import County, read_csv, read_geojson, sample_county
from villageplan._display import gap_text, objective_text
from villageplan._planning import Plan, plan
from villageplan._rollout import Budget, Scenario, Schedule, simulate
from villageplan.exceptions import PlanningError

__all__ = ["main", "summary"]

EPILOG_DEMO = """\
examples:
  villageplan demo
  villageplan demo --radius 2500 --target 0.8
  villageplan demo --seed 7 --by population
  villageplan demo --capacity 1500 --max-villages 8
  villageplan demo --metric network
  villageplan demo --minutes 15
"""

EPILOG_PLAN = """\
examples:
  villageplan plan villages.csv --radius 2000 --target 0.6 --out plan.geojson
  villageplan plan villages.csv --id-col code --population-col pop --town-col township
  villageplan plan villages.csv --crs planar --x-col easting --y-col northing --json plan.json
  villageplan plan villages.geojson --target 0.8 --by population
  villageplan plan villages.csv --capacity 4000 --capacity-by population --max-villages 8
  villageplan plan villages.csv --roads roads.geojson --minutes 30 --out plan.geojson --routes
  villageplan plan villages.csv --roads edges.csv --road-nodes nodes.csv --radius 2000

The CSV needs a header row. Without --*-col options the usual names are found (ignoring case):
id/village_id/code, x/lon/lng/longitude/easting, y/lat/latitude/northing, population/pop,
town/township/subdistrict, name, households/hh, status, floor_area/area_m2, cost.
"""

_COLUMN_OPTIONS = ("id", "x", "y", "population", "town", "name", "households", "status", "floor_area", "cost")


def _add_plan_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--radius",
        type=float,
        default=_core.SERVICE_RADIUS_M,
        metavar="METRES",
        help="service radius in metres (default: %(default).0f)",
    )
    p.add_argument(
        "--target",
        type=float,
        default=_core.COVERAGE_TARGET,
        metavar="SHARE",
        help="share of villages (or population) to cover, in (0, 1] (default: %(default)s)",
    )
    p.add_argument(
        "--by",
        choices=["villages", "population"],
        default="villages",
        help="what the target counts (default: %(default)s)",
    )
    p.add_argument(
        "--across-towns",
        action="store_true",
        help="let a centre serve villages of other towns (default: communities stay inside one town)",
    )
    p.add_argument(
        "--objective",
        choices=["auto", "count", "cost"],
        default="auto",
        help="minimise the number of new centres or their cost (default: auto = cost when sites have costs)",
    )
    p.add_argument(
        "--capacity",
        type=float,
        default=None,
        metavar="LOAD",
        help="most households (or people, see --capacity-by) one centre may serve, e.g. 1500 (default: no limit)",
    )
    p.add_argument(
        "--capacity-by",
        choices=["households", "population"],
        default="households",
        help="what --capacity counts (default: %(default)s)",
    )
    p.add_argument(
        "--max-villages",
        type=int,
        default=None,
        metavar="N",
        help="most villages per community, e.g. 8 (default: no limit)",
    )
    p.add_argument(
        "--metric",
        choices=["straight", "network"],
        default=None,
        help="measure the radius in a straight line or along roads (default: network when roads are given)",
    )
    p.add_argument(
        "--minutes",
        type=float,
        default=None,
        metavar="MIN",
        help="serve villages within this many minutes of travel along roads instead of --radius metres",
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="villageplan",
        description="Plan rural community service centres: which villages get a centre, which villages "
        "join which community, and at what cost a coverage target is reached.",
        epilog="Run 'villageplan demo' for a worked example, or 'villageplan plan --help' for your own data.",
    )
    parser.add_argument("--version", action="version", version=f"villageplan {_core.__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    demo = sub.add_parser(
        "demo",
        help="plan the built-in sample county (300 villages, 12 towns, 28 pilot sites)",
        description="Plan the seeded synthetic sample county and print a summary.",
        epilog=EPILOG_DEMO,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    demo.add_argument("--seed", type=int, default=2008, help="seed of the sample county (default: %(default)s)")
    _add_plan_options(demo)

    pl = sub.add_parser(
        "plan",
        help="plan villages read from a CSV or GeoJSON file",
        description="Plan villages from a CSV file (one row per village) or a GeoJSON FeatureCollection\n"
        "of points, print a summary and optionally write the plan (--out, --json).",
        epilog=EPILOG_PLAN,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    pl.add_argument("input", type=Path, metavar="FILE", help="villages: a .csv file or a .geojson/.json file")
    _add_plan_options(pl)
    pl.add_argument(
        "--crs",
        choices=["geographic", "planar"],
        default=None,
        help="coordinates are lon/lat degrees (geographic, the default) or projected metres (planar)",
    )
    for role in _COLUMN_OPTIONS:
        flag = "--" + role.replace("_", "-") + "-col"
        what = {"x": "longitude or easting (CSV only)", "y": "latitude or northing (CSV only)"}.get(role, role)
        pl.add_argument(flag, dest=f"{role}_col", metavar="NAME", default=None, help=f"column of {what}")
    pl.add_argument(
        "--roads",
        type=Path,
        metavar="FILE",
        help="road network: a GeoJSON file of LineStrings, or a CSV edge list (from, to, length, speed, class) "
        "with --road-nodes",
    )
    pl.add_argument("--road-nodes", type=Path, metavar="FILE", help="CSV node table (id, x, y) of a --roads edge list")
    pl.add_argument("--out", type=Path, metavar="PLAN.geojson", help="write the plan as GeoJSON")
    pl.add_argument("--routes", action="store_true", help="with --out, also write each village's route along the roads")
    pl.add_argument("--json", type=Path, metavar="PLAN.json", help="write the plan as JSON (vp.Plan.load reads it)")
    _add_assess_parser(sub)
    _cli_rollout.add_parsers(sub)
    _add_batch_parser(sub)
    return parser


def _read(args: argparse.Namespace) -> County:
    path: Path = args.input
    cols = {role: getattr(args, f"{role}_col") for role in _COLUMN_OPTIONS}
    suffix = path.suffix.lower()
    if suffix in (".geojson", ".json"):
        x_col, y_col = cols.pop("x"), cols.pop("y")
        if x_col is not None or y_col is not None:
            raise _UsageError("--x-col and --y-col apply to CSV files; GeoJSON positions come from the geometry")
        return read_geojson(path, crs=args.crs, **cols)
    if suffix in (".csv", ".txt", ".tsv") or not suffix:
        return read_csv(path, crs=args.crs or "geographic", **cols)
    raise _UsageError(f"cannot tell the format of '{path}': use a .csv or .geojson file")


class _UsageError(Exception):
    pass


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)]

    def line(cells: Sequence[str]) -> str:
        first = cells[0].ljust(widths[0])
        rest = (c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True))
        return "  ".join([first, *rest]).rstrip()

    return [line(header), line(["-" * w for w in widths]), *(line(r) for r in rows)]


def _pct(share: float) -> str:
    return f"{100.0 * share:.1f}%"


def summary(p: Plan) -> str:
    """Return the text summary of a plan that the command line prints."""
    county = p.county
    core = p._core
    counts = county.site_status_counts
    pilots = counts["new"] + counts["rebuild"] + counts["no_space"]
    comm = core.communities_columns()
    sizes = [int(n) for n in comm["n_villages"]]
    statuses = list(comm["status"])
    opened = {s: statuses.count(s) for s in ("existing", "new", "rebuild", "none")}
    opened_pilots = opened["new"] + opened["rebuild"]
    towns = core.town_summary_columns()
    total_pop = county.total_population
    covered_pop = float(sum(towns["covered_population"]))
    minimised = "least cost" if p.objective_kind == "cost" else "fewest new centres"

    if p.minutes is not None:
        reach = f"{p.minutes:,.0f} minutes along roads"
    elif p.metric == "network":
        reach = f"radius {p.radius:,.0f} m along roads"
    else:
        reach = f"radius {p.radius:,.0f} m"
    lines = [
        f"County: {county.name}",
        f"  {county.n_villages:,} villages in {len(county.towns)} towns, population {total_pop:,.0f}",
        f"  {county.n_sites:,} candidate sites; {pilots} pilot sites "
        f"({counts['new']} new build, {counts['rebuild']} rebuild, {counts['no_space']} no space), "
        f"{counts['existing']} existing centres",
        "",
        f"Plan: {reach}, target {_pct(p.target)} of {p.by}, "
        f"{'communities within towns' if p.within_town else 'communities across towns'}, {minimised}",
        f"Centres: {p.n_centres} ({opened_pilots} at pilot sites: {opened['new']} new build, "
        f"{opened['rebuild']} rebuild; {opened['existing']} existing; {opened['none']} at other villages)",
    ]
    if sizes:
        lines.append(f"Villages per community: mean {sum(sizes) / len(sizes):.1f}, min {min(sizes)}, max {max(sizes)}")
    if p.capacity is not None or p.max_villages is not None:
        limits = []
        if p.capacity is not None:
            column = "households" if p.capacity_by == "households" else "population"
            largest = max((float(x) for x in comm[column]), default=0.0)
            limits.append(f"at most {p.capacity:,.0f} {p.capacity_by} per centre (largest community {largest:,.0f})")
        if p.max_villages is not None:
            limits.append(f"at most {p.max_villages} villages per community")
        lines.append("Limits: " + "; ".join(limits))
    lines += [
        f"Coverage: {_pct(p.coverage)} of villages ({p.n_covered} of {county.n_villages}), "
        f"{_pct(p.population_coverage)} of population ({covered_pop:,.0f} of {total_pop:,.0f})",
        *_unreachable_lines(p),
        f"Total cost: {p.cost:,.0f} yuan",
        f"Solver: {p.status}, gap {gap_text(p.gap)} (lower bound {objective_text(p.bound, p.objective_kind)}), "
        f"{p.seconds:.2f} s",
        "",
        "Coverage per town:",
    ]
    rows = [
        [
            str(towns["town"][i]),
            str(int(towns["villages"][i])),
            str(int(towns["covered"][i])),
            _pct(float(towns["coverage"][i])),
            _pct(float(towns["population_coverage"][i])),
            str(int(towns["centres"][i])),
        ]
        for i in range(len(towns["town"]))
    ]
    lines += ["  " + s for s in _table(["town", "villages", "covered", "villages %", "population %", "centres"], rows)]
    return "\n".join(lines)


def _unreachable_lines(p: Plan) -> list[str]:
    u = p.unreachable
    if len(u) == 0:
        return []
    counts = u["reason"].value_counts()
    parts = ", ".join(f"{n} {reason.replace('_', ' ')}" for reason, n in counts.items())
    noun = "village" if len(u) == 1 else "villages"
    return [f"Unreachable: {len(u)} {noun} no candidate site can reach ({parts}), e.g. {u['detail'].iloc[0]}"]


def network_comparison(p: Plan) -> list[str]:
    """Lines comparing a straight-line plan with the same county measured along its roads."""
    county = p.county
    summary_ = county.road_summary
    if summary_ is None or p.metric != "straight":
        return []
    road = plan(
        county,
        radius=p.radius,
        target=p.target,
        by=p.by,
        within_town=p.within_town,
        capacity=p.capacity,
        capacity_by=p.capacity_by,
        max_villages=p.max_villages,
        metric="network",
    )
    # The straight-line plan's centres, measured along the roads.
    cov = _core.network_coverage_columns(county._core, radius=p.radius, within_town=p.within_town)
    site_index = {s: i for i, s in enumerate(county.sites["id"])}
    covered: set[int] = set()
    for site in p.centres["site"]:
        i = site_index[site]
        covered.update(int(v) for v in cov["villages"][cov["indptr"][i] : cov["indptr"][i + 1]])
    same = len(covered) / county.n_villages
    lines = [
        "",
        f"Straight line vs along roads ({summary_['km']:,.0f} km of roads, {summary_['components']} "
        f"connected piece{'s' if summary_['components'] != 1 else ''}):",
    ]
    rows = [
        ["centres for the target", str(p.n_centres), str(road.n_centres)],
        ["total cost (yuan)", f"{p.cost:,.0f}", f"{road.cost:,.0f}"],
        ["coverage of the straight-line centres", _pct(p.coverage), _pct(same)],
    ]
    lines += ["  " + s for s in _table(["", "straight line", "along roads"], rows)]
    return lines


def _schedule_at(p: Plan, yearly: float, years: int) -> Schedule:
    return Schedule(_core.schedule_plan(p._core, Budget.yearly(yearly, years=years)._core, None))


def _budget_needed(p: Plan, years: int) -> float | None:
    """Smallest yearly total (default six-source shares, to 10,000 yuan) that reaches the target in time."""

    def reaches(yearly: float) -> bool:
        year = _schedule_at(p, yearly, years).target_year
        return year is not None and year <= years

    high = _schedule_at(p, 1.0, years).cost_to_complete + 1.0
    if not reaches(high):
        return None
    low = 0.0
    while high - low > 10_000.0:
        mid = (low + high) / 2
        low, high = (low, mid) if reaches(mid) else (mid, high)
    return high


def rollout_lines(p: Plan, scenario: Scenario, runs: int = 1000, seed: int = 1) -> list[str]:
    """Return the demo's rollout lines for the plan ``p``.

    The schedule under the scenario's money, the money the target needs, and the Monte Carlo
    probability of reaching it.
    """
    years = scenario.years
    yearly = scenario.budget.total / years
    sched = _schedule_at(p, yearly, years)
    lines = [
        "",
        f"Rollout over {years} years with {yearly:,.0f} yuan a year from the six sources "
        "(government 35%, town 20%, community 10%, policy 25%, donations 5%, partners 5%), "
        "centres costed by the floor-area standard:",
    ]
    lines += _year_rows(sched)
    if sched.target_year is not None:
        lines.append(f"  Target {_pct(p.target)} reached in year {sched.target_year}.")
    else:
        lines.append(f"  Target {_pct(p.target)} not reached in {years} years: short by {sched.shortfall:,.0f} yuan.")
    need = _budget_needed(p, years)
    sim = simulate(p.county, scenario, runs=runs, seed=seed, plan=p)
    probability = [f"{sim.probability_of_target(year=years):.0%} with {yearly:,.0f} yuan a year"]
    if need is not None and need > yearly:
        lines.append(f"  Reaching {_pct(p.target)} in {years} years takes {need:,.0f} yuan a year:")
        lines += _year_rows(_schedule_at(p, need, years))
        at_need = simulate(
            p.county, scenario.replace(budget=Budget.yearly(need, years=years)), runs=runs, seed=seed, plan=p
        )
        probability.append(f"{at_need.probability_of_target(year=years):.0%} with {need:,.0f} yuan a year")
    lines.append(
        f"Monte Carlo ({runs:,} runs: unit costs ±20%, uncertain funding shares and population): "
        f"probability of {_pct(p.target)} by year {years}: " + "; ".join(probability)
    )
    return lines


def _year_rows(sched: Schedule) -> list[str]:
    y = sched.years
    rows = [
        [
            str(int(r.year)),
            str(int(r.built)),
            f"{r.spent:,.0f}",
            f"{r.left:,.0f}",
            _pct(float(r.coverage)),
            _pct(float(r.population_coverage)),
        ]
        for r in y.itertuples()
        if r.year > 0
    ]
    header = ["year", "centres built", "spent (yuan)", "left (yuan)", "villages", "population"]
    return ["  " + line for line in _table(header, rows)]


def pilot_lines(county: County) -> list[str]:
    """Return the demo's acceptance lines.

    The pilots that can open, planned as centres, checked against the default standard with the
    sample county's facts.
    """
    sites = county.sites
    pilots = sites[sites["status"].isin(["new", "rebuild"])]
    blocked = sites[sites["status"] == "no_space"]
    p = plan(county, fixed=list(pilots["id"]))
    a = assess(p, sample_facts(county), as_designed=False)
    c = a.centres[a.centres["site"].isin(set(pilots["id"]))]
    passed = int(c["passed"].sum())
    lines = [
        "",
        f"Pilot acceptance (达标验收), default standard, the {len(pilots)} pilots that can open "
        f"({len(blocked)} have no space): {passed} pass, {len(c) - passed} fail, "
        f"upgrade cost {float(c.loc[~c['passed'], 'upgrade_cost'].sum()):,.0f} yuan",
    ]
    rows = [
        [str(r.site), str(r.town), str(r.status), str(r.reasons).split(";")[0][:70]]
        for r in c[~c["passed"]].itertuples()
    ]
    if rows:
        lines += ["  " + line for line in _table(["failing pilot", "town", "status", "first reason"], rows)]
    return lines


def _run(args: argparse.Namespace) -> None:
    if args.command == "assess":
        _run_assess(args)
        return
    if args.command in _cli_rollout.COMMANDS:
        _cli_rollout.run(args)
        return
    if args.command == "batch":
        _run_batch(args)
        return
    county = sample_county(args.seed) if args.command == "demo" else _read(args)
    if getattr(args, "roads", None) is not None:
        county = county.with_roads(args.roads, nodes=args.road_nodes)
    elif getattr(args, "road_nodes", None) is not None:
        raise _UsageError("--road-nodes needs --roads (the edge list)")
    metric = args.metric
    if metric is None:
        metric = "network" if args.minutes is not None or getattr(args, "roads", None) is not None else "straight"
    result = plan(
        county,
        radius=args.radius,
        target=args.target,
        by=args.by,
        within_town=not args.across_towns,
        objective=args.objective,
        capacity=args.capacity,
        capacity_by=args.capacity_by,
        max_villages=args.max_villages,
        metric=metric,
        minutes=args.minutes,
    )
    print(summary(result))
    if args.command == "demo":
        print("\n".join(network_comparison(result)))
        print("\n".join(rollout_lines(result, Scenario.default().replace(target=args.target))))
        print("\n".join(pilot_lines(county)))
    if args.command == "plan":
        if args.routes and args.out is None:
            raise _UsageError("--routes writes routes into the --out GeoJSON; give --out too")
        if args.out is not None:
            result.to_geojson(args.out, routes=args.routes)
            print(f"\nwrote GeoJSON to {args.out}")
        if args.json is not None:
            result.save(args.json)
            print(f"wrote plan JSON to {args.json}")


EPILOG_ASSESS = """\
examples:
  villageplan assess plan.json --facts facts.csv
  villageplan assess plan.json --facts facts.csv --standard standard.json --out report.csv
  villageplan assess plan.json --facts facts.json --no-design

plan.json is a plan written by 'villageplan plan ... --json plan.json' (or vp.Plan.save).
The facts CSV has one row per centre: site (the site id), building_area (m²), and optionally
hall_area (m², 0 = no hall), rooms ("hall:60,clinic:90,police,culture,office") and staff.
The standard is a JSON file like vp.Standard.default().save("standard.json") writes.
"""


def _add_assess_parser(sub: Any) -> None:
    ap = sub.add_parser(
        "assess",
        help="check a plan's centres against the acceptance standard (达标验收)",
        description="Check every centre of a saved plan against an acceptance standard: building area, "
        "required\nrooms, service radius and staffing; print pass/fail per centre and town with the upgrade cost.",
        epilog=EPILOG_ASSESS,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("plan", type=Path, metavar="PLAN.json", help="a plan saved as JSON")
    ap.add_argument(
        "--facts", type=Path, required=True, metavar="FILE", help="centre facts: a .csv file or a facts .json file"
    )
    ap.add_argument(
        "--standard", type=Path, default=None, metavar="FILE", help="standard JSON file (default: the built-in one)"
    )
    ap.add_argument("--out", type=Path, default=None, metavar="REPORT.csv", help="write one row per centre as CSV")
    ap.add_argument(
        "--no-design",
        action="store_true",
        help="fail new builds without facts (no_facts) instead of assessing them on their design",
    )
    ap.add_argument(
        "--cost-new", type=float, default=1600.0, metavar="YUAN", help="new-build yuan per m² (default: %(default).0f)"
    )
    ap.add_argument(
        "--cost-renovate",
        type=float,
        default=600.0,
        metavar="YUAN",
        help="renovation yuan per m² (default: %(default).0f)",
    )


def assess_summary(a: Assessment) -> str:
    """Return the text summary of an assessment that ``villageplan assess`` prints."""
    centres = a.centres
    towns = a.towns
    no_facts = int((centres["basis"] == "none").sum())
    design = int((centres["basis"] == "design").sum())
    lines = [
        f"Standard: {a.standard.name}",
        f"Centres: {a.n_centres}; passed {a.passed}, failed {a.failed} ({no_facts} without facts); "
        f"{design} assessed on their design",
        f"Upgrade cost: {a.upgrade_cost:,.0f} yuan",
    ]
    if a.unused_facts:
        lines.append(f"Facts not used (sites that are not centres of the plan): {', '.join(a.unused_facts)}")
    lines += ["", "Per town:"]
    rows = [
        [str(r.town), str(r.centres), str(r.passed), str(r.failed), f"{r.upgrade_cost:,.0f}"]
        for r in towns.itertuples()
        if r.centres > 0
    ]
    lines += ["  " + s for s in _table(["town", "centres", "passed", "failed", "upgrade yuan"], rows)]
    failing = centres[~centres["passed"]]
    if len(failing):
        lines += ["", "Failing centres:"]
        lines += [f"  {r.site} ({r.town}, {r.basis}): {r.reasons}" for r in failing.itertuples()]
    return "\n".join(lines)


def _run_assess(args: argparse.Namespace) -> None:
    result = assess(
        Plan.load(args.plan),
        args.facts,
        args.standard,
        as_designed=not args.no_design,
        cost_new=args.cost_new,
        cost_renovate=args.cost_renovate,
    )
    print(assess_summary(result))
    if args.out is not None:
        result.centres.to_csv(args.out, index=False)
        print(f"\nwrote the assessment of {result.n_centres} centres to {args.out}")


def _add_batch_parser(sub: Any) -> None:
    """``villageplan batch``: plan, simulate or sweep many counties on a Dask cluster."""
    from villageplan import distributed

    distributed._add_parser(sub)


def _run_batch(args: argparse.Namespace) -> None:
    import warnings

    from villageplan import distributed

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # failed counties are printed below
            result = distributed._run(args)
    except (ImportError, ValueError) as e:
        if isinstance(e, PlanningError):
            raise
        raise _UsageError(str(e)) from e
    if not result.ok:
        raise _UsageError(f"{len(result.errors)} counties failed (listed above); the others' results were written")


def _cli_hint(message: str) -> str:
    """Phrase a missing-column hint as the command-line flag instead of the Python keyword."""
    for role in _COLUMN_OPTIONS:
        keyword = f'`{role}="..."`'
        if keyword in message:
            return message.replace(keyword, f"--{role.replace('_', '-')}-col NAME")
    return message


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); return the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        _run(args)
    except (PlanningError, OSError, _UsageError) as e:
        print(f"error: {_cli_hint(str(e))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    return 0
