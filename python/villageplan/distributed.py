"""Plan, simulate and sweep many counties on a Dask cluster (``pip install villageplan[dask]``).

Each function takes a :class:`dask.distributed.Client` (a ``LocalCluster`` on a laptop,
dask-jobqueue on HPC, dask-kubernetes; see ``docs/distributed.md``) and many counties, splits
the work into tasks of one county (× one chunk of runs for :func:`simulate`, × one radius for
:func:`sweep`), and gathers one tidy DataFrame with a ``county`` column in front of the
columns the local function gives:

================  =============================================  ==============================
function          one task                                        ``frame``
================  =============================================  ==============================
:func:`plan`      plan one county                                one row per county
:func:`simulate`  plan once, then ``chunk_size`` runs per task    ``Simulation.coverage`` or
                                                                  ``Simulation.runs`` per county
:func:`sweep`     one county at one radius                        ``vp.sweep`` rows per county
================  =============================================  ==============================

**Same answer as on one machine.** County ``name`` is simulated with the seed
:func:`county_seed` ``(seed, name)``, and run *k* of it with the same per-run seed whatever the
chunking, so ``simulate(client, {name: c}, s, runs, seed)`` equals
``vp.simulate(c, s, runs, seed=county_seed(seed, name))`` exactly, for any ``chunk_size`` and
any number of workers. Plans and sweeps have no randomness beyond ``plan``'s own ``seed``.

**Errors stay per county.** A county that fails (an unreachable target, a file that cannot be
read, an invalid scenario) is listed in :attr:`BatchResult.errors` with its name, the
exception type and message; the other counties' results come back. A ``RuntimeWarning``
names the failed counties.

**Transport.** Counties given as objects are scattered to the workers once (not sent with
every task); counties given as file paths are read on the workers. County, Plan, Scenario,
Budget, CostModel, Schedule and Simulation pickle as their serde JSON bytes.

Examples
--------
>>> from villageplan.distributed import county_seed
>>> county_seed(1, "Zhucheng") == county_seed(1, "Zhucheng") != county_seed(2, "Zhucheng")
True

On a cluster (``dask.distributed`` installed)::

    from dask.distributed import Client, LocalCluster
    import villageplan as vp
    from villageplan import distributed as vpd

    client = Client(LocalCluster(n_workers=2, threads_per_worker=1))
    counties = {f"county {s}": vp.sample_county(s) for s in range(1, 101)}
    res = vpd.simulate(client, counties, vp.Scenario.default(), runs=1000, seed=1)
    res.frame          # county, year, mean, q05 ... q95, probability_of_target
    res.errors         # county, error, message (empty when all succeeded)
"""

from __future__ import annotations

import hashlib
import os
import sys
import uuid
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from villageplan import _core
from villageplan._county import County, read_csv, read_geojson
from villageplan._planning import Plan
from villageplan._planning import plan as _plan
from villageplan._rollout import DEFAULT_LEVELS, Scenario, Simulation, _floats
from villageplan._rollout import sweep as _sweep

if TYPE_CHECKING:
    import argparse

    import pandas as pd

__all__ = ["DEFAULT_CHUNK_SIZE", "BatchResult", "county_seed", "plan", "plan_summary", "simulate", "sweep"]

#: Runs per simulation task: about 0.2 s of work for a 300-village county on one core.
DEFAULT_CHUNK_SIZE = 1000

#: What a county can be given as: a County, or a path to a CSV or GeoJSON file read on a worker.
CountyLike = County | str | os.PathLike[str]


def _dask() -> Any:
    """Import dask.distributed, or say which extra to install."""
    try:
        import dask.distributed
    except ImportError as e:  # pragma: no cover - the test suite has dask
        raise ImportError(
            "villageplan.distributed needs dask.distributed: pip install 'villageplan[dask]' "
            "(or pip install 'dask[distributed]')"
        ) from e
    return dask.distributed


def county_seed(seed: int, name: str) -> int:
    """Return the seed of county ``name`` in a batch seeded with ``seed``.

    A stable hash (BLAKE2b, 8 bytes, little-endian) of ``"{seed}/{name}"``: the same on every
    machine and Python version, independent of the county's position in the batch and of the
    other counties, and distinct for distinct names.

    Parameters
    ----------
    seed : int
        The batch's seed (0 to 2**64 - 1).
    name : str
        The county's name in the batch.

    Returns
    -------
    int
        A seed in [0, 2**64).

    Examples
    --------
    >>> from villageplan.distributed import county_seed
    >>> county_seed(1, "a") != county_seed(1, "b")
    True
    """
    if not 0 <= int(seed) < 2**64:
        raise ValueError(f"`seed` must be 0 to 2**64 - 1, got {seed}")
    digest = hashlib.blake2b(f"{int(seed)}/{name}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little")


@dataclass(frozen=True)
class BatchResult:
    """The result of a batch over many counties.

    Attributes
    ----------
    frame : pandas.DataFrame
        The tidy result: a ``county`` column, then the columns of the local result, counties
        in the order given. Failed counties have no rows.
    errors : pandas.DataFrame
        One row per failed county: ``county``, ``error`` (the exception type, e.g.
        ``InfeasibleError``) and ``message``. Empty when every county succeeded.
    exceptions : dict
        County name to the exception raised, to re-raise or inspect (for example
        ``InfeasibleError.achievable``).
    plans : dict
        County name to its :class:`villageplan.Plan` (only :func:`plan` with ``keep=True``).
    """

    frame: pd.DataFrame
    errors: pd.DataFrame
    exceptions: dict[str, BaseException] = field(default_factory=dict)
    plans: dict[str, Plan] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Whether every county succeeded."""
        return len(self.errors) == 0

    def raise_errors(self) -> None:
        """Raise the first failed county's exception (with the county named), if any failed."""
        for name, exc in self.exceptions.items():
            raise RuntimeError(f"county {name!r} failed: {type(exc).__name__}: {exc}") from exc

    def __repr__(self) -> str:
        """Summarise: counties, rows and errors."""
        counties = self.frame["county"].nunique() if "county" in self.frame else 0
        return f"BatchResult(counties={counties}, rows={len(self.frame)}, errors={len(self.errors)})"


# ---------------------------------------------------------------------------------------------
# Tasks (run on the workers; module-level so that they pickle by reference)


def _read_county(path: str) -> County:
    if Path(path).suffix.lower() in (".geojson", ".json"):
        return read_geojson(path)
    return read_csv(path)


def _scenario_plan(county: County, scenario: Scenario) -> Plan:
    """Plan the county as ``vp.simulate`` does when given no plan."""
    return Plan(_core._plan_for_scenario(county._core, scenario._core))


def _simulate_chunk(plan: Plan, scenario: Scenario, first: int, runs: int, seed: int) -> Simulation:
    return Simulation(_core._simulate_range(plan._core, scenario._core, first, runs, seed))


def _simulate_join(name: str, output: str, levels: Sequence[float], chunks: list[Simulation]) -> pd.DataFrame:
    sim = Simulation(_core._simulation_concat([c._core for c in chunks]))
    df = sim.runs if output == "runs" else sim.quantiles(levels)
    df.insert(0, "county", name)
    return df


def _sweep_radius(
    county: County, radius: float, target: list[float], budget: list[float], scenario: Scenario | None
) -> pd.DataFrame:
    return _sweep(county, [radius], target, budget, scenario, progress=False)


def _join_frames(name: str, parts: list[pd.DataFrame]) -> pd.DataFrame:
    import pandas as pd

    df = pd.concat(parts, ignore_index=True)
    df.insert(0, "county", name)
    return df


def plan_summary(p: Plan) -> dict[str, Any]:
    """Return the headline figures of a plan as one row (a dict), as :func:`plan` tabulates them.

    Keys: ``villages``, ``radius``, ``target``, ``by``, ``status``, ``centres``, ``covered``,
    ``coverage``, ``population_coverage``, ``cost`` (yuan), ``objective``, ``bound``, ``gap``,
    and with a schedule ``target_year`` (-1 when not reached) and ``shortfall`` (yuan).
    """
    row: dict[str, Any] = {
        "villages": p.county.n_villages,
        "radius": p.radius,
        "target": p.target,
        "by": p.by,
        "status": p.status,
        "centres": p.n_centres,
        "covered": p.n_covered,
        "coverage": p.coverage,
        "population_coverage": p.population_coverage,
        "cost": p.cost,
        "objective": p.objective,
        "bound": p.bound,
        "gap": p.gap,
    }
    if p.schedule is not None:
        ty = p.schedule.target_year
        row["target_year"] = -1 if ty is None else ty
        row["shortfall"] = p.schedule.shortfall
    return row


def _plan_county(county: County, options: dict[str, Any], keep: bool) -> tuple[dict[str, Any], Any, Any]:
    p = _plan(county, progress=False, **options)
    # Plan pickles as its JSON, which does not carry the schedule: send it alongside.
    return plan_summary(p), (p if keep else None), (p.schedule if keep else None)


# ---------------------------------------------------------------------------------------------
# Client side


def _named(counties: Mapping[str, CountyLike] | Iterable[CountyLike] | CountyLike) -> list[tuple[str, CountyLike]]:
    """(name, county or path) pairs with unique names."""
    if isinstance(counties, (County, str, os.PathLike)):
        counties = [counties]
    if isinstance(counties, Mapping):
        items = [(str(k), v) for k, v in counties.items()]
    else:
        items = []
        for c in counties:
            if isinstance(c, County):
                items.append((c.name, c))
            elif isinstance(c, (str, os.PathLike)):
                items.append((Path(c).stem, c))
            else:
                raise TypeError(f"a county must be a villageplan.County or a file path, got {type(c).__name__}")
    if not items:
        raise ValueError("give at least one county")
    seen: set[str] = set()
    for name, c in items:
        if not isinstance(c, (County, str, os.PathLike)):
            raise TypeError(f"county {name!r} must be a villageplan.County or a file path, got {type(c).__name__}")
        if name in seen:
            raise ValueError(
                f"two counties are named {name!r}; names key the seeds and the results, so pass a dict "
                "{name: county} with unique names"
            )
        seen.add(name)
    return items


def _client(client: Any) -> Any:
    dd = _dask()
    if client is None:
        try:
            return dd.get_client()
        except ValueError as e:
            raise ValueError(
                "no Dask client: pass client=Client(...) (e.g. Client(LocalCluster()) or Client('tcp://host:8786'))"
            ) from e
    if not isinstance(client, dd.Client):
        raise TypeError(f"`client` must be a dask.distributed.Client, got {type(client).__name__}")
    return client


class _Batch:
    """Submits the tasks of one batch under unique keys and collects the per-county results."""

    def __init__(self, client: Any, kind: str, counties: list[tuple[str, CountyLike]]) -> None:
        self.client = client
        self.kind = kind
        self.token = uuid.uuid4().hex[:12]
        self.names = [n for n, _ in counties]
        self.futures: list[Any] = []
        objects = [(i, c) for i, (_, c) in enumerate(counties) if isinstance(c, County)]
        scattered = client.scatter([c for _, c in objects], broadcast=False, hash=False) if objects else []
        self.counties: list[Any] = [None] * len(counties)
        for (i, _), fut in zip(objects, scattered, strict=True):
            self.counties[i] = fut
        for i, (_, c) in enumerate(counties):
            if not isinstance(c, County):
                self.counties[i] = self.submit("read", i, _read_county, os.fspath(c))

    def submit(self, step: str, i: int, fn: Any, *args: Any, part: int | None = None) -> Any:
        key = f"villageplan-{self.kind}-{step}-{self.token}-{i}" + ("" if part is None else f"-{part}")
        fut = self.client.submit(fn, *args, key=key)
        self.futures.append(fut)
        return fut

    def collect(
        self, finals: list[Any], progress: bool | None
    ) -> tuple[list[tuple[str, Any]], dict[str, BaseException]]:
        dd = _dask()
        try:
            if _progress_enabled(progress):
                dd.progress(self.futures)
            dd.wait(finals)
        except BaseException:
            self.client.cancel(self.futures)
            raise
        done = [(n, f) for n, f in zip(self.names, finals, strict=True) if f.status == "finished"]
        values = self.client.gather([f for _, f in done])
        exceptions: dict[str, BaseException] = {}
        for name, f in zip(self.names, finals, strict=True):
            if f.status == "finished":
                continue
            try:
                exc = f.exception()
            except BaseException as e:  # a cancelled future raises instead of returning
                exc = e
            exceptions[name] = exc if exc is not None else RuntimeError(f"task {f.status}")
        self.client.cancel(self.futures)  # release the intermediate results on the cluster
        return [(n, v) for (n, _), v in zip(done, values, strict=True)], exceptions


def _progress_enabled(progress: bool | None) -> bool:
    if progress is not None and not isinstance(progress, bool):
        raise TypeError(f"`progress` must be True, False or None (auto), got {progress!r}")
    if progress is None:
        from villageplan._progress import _in_notebook

        return sys.stderr.isatty() or _in_notebook()
    return progress


def _errors_frame(exceptions: Mapping[str, BaseException]) -> pd.DataFrame:
    import pandas as pd

    rows = [(n, type(e).__name__, str(e)) for n, e in exceptions.items()]
    return pd.DataFrame(rows, columns=["county", "error", "message"])


def _warn(kind: str, exceptions: Mapping[str, BaseException], total: int) -> None:
    if not exceptions:
        return
    shown = "; ".join(f"{n!r}: {type(e).__name__}: {str(e)[:200]}" for n, e in list(exceptions.items())[:5])
    more = "" if len(exceptions) <= 5 else f"; and {len(exceptions) - 5} more"
    warnings.warn(
        f"{kind}: {len(exceptions)} of {total} counties failed ({shown}{more}); the others' results are "
        "in .frame, the failures in .errors",
        RuntimeWarning,
        stacklevel=3,
    )


def _concat(frames: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    import pandas as pd

    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)


def _scenarios(
    scenario: Scenario | Mapping[str, Scenario] | None, names: list[str], required: bool
) -> dict[str, Scenario | None]:
    if isinstance(scenario, Mapping):
        missing = [n for n in names if n not in scenario]
        if missing:
            raise ValueError(f"no scenario for counties {missing[:5]}; give one per county or a single Scenario")
        out: dict[str, Scenario | None] = {n: scenario[n] for n in names}
    else:
        out = dict.fromkeys(names, scenario)
    for n, s in out.items():
        if s is None and required:
            out[n] = Scenario._wrap(_core.Scenario.default())
        elif s is not None and not isinstance(s, Scenario):
            raise TypeError(f"the scenario of {n!r} must be a villageplan.Scenario, got {type(s).__name__}")
    return out


def simulate(
    client: Any,
    counties: Mapping[str, CountyLike] | Iterable[CountyLike],
    scenario: Scenario | Mapping[str, Scenario] | None = None,
    runs: int = 1000,
    seed: int = 1,
    *,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    output: Literal["coverage", "runs"] = "coverage",
    levels: Sequence[float] = DEFAULT_LEVELS,
    progress: bool | None = None,
) -> BatchResult:
    """Run :func:`villageplan.simulate` on many counties on a Dask cluster.

    Per county one task plans it (as ``vp.simulate`` does, with the scenario's radius, target,
    ``by`` and ``within_town``), ``ceil(runs / chunk_size)`` tasks simulate runs
    ``[a, a + chunk_size)`` of that plan, and one task joins the chunks into the county's
    simulation and tabulates it. County ``name`` uses the seed ``county_seed(seed, name)``, so
    the result equals ``vp.simulate(county, scenario, runs, seed=county_seed(seed, name))``
    exactly, whatever ``chunk_size`` and the number of workers.

    Parameters
    ----------
    client : dask.distributed.Client or None
        The cluster; None uses the current default client.
    counties : dict of str to County or path, or list of County or path
        The counties, keyed by name (a list takes ``County.name`` or the file's stem; names must
        be unique). Paths (CSV or GeoJSON, default column names) are read on the workers.
    scenario : Scenario or dict of str to Scenario, optional
        One scenario for all, or one per county name; default :meth:`Scenario.default`.
    runs : int, default 1000
        Runs per county.
    seed : int, default 1
        The batch's seed; each county's is :func:`county_seed` ``(seed, name)``.
    chunk_size : int, default 1000
        Runs per task (about 0.2 s for 300 villages on one core).
    output : {"coverage", "runs"}, default "coverage"
        ``"coverage"``: per county and year the mean, quantiles at ``levels`` and the
        probability of the target (``Simulation.quantiles``); ``"runs"``: every run and year
        (``Simulation.runs``; runs × (years + 1) rows per county).
    levels : sequence of float
        Quantile levels for ``output="coverage"`` (default 5, 25, 50, 75, 95%).
    progress : bool, optional
        Show Dask's progress bar of the tasks: None (default) in a terminal or notebook, True
        always, False never.

    Returns
    -------
    BatchResult
        ``frame``: ``county`` then the columns of ``Simulation.coverage`` (or ``.runs``);
        ``errors``: the counties that failed (e.g. ``InfeasibleError``), with their messages.
    """
    if output not in ("coverage", "runs"):
        raise ValueError(f'`output` must be "coverage" or "runs", got {output!r}')
    runs, chunk_size = int(runs), int(chunk_size)
    if runs < 1:
        raise ValueError(f"`runs` must be at least 1, got {runs}")
    if chunk_size < 1:
        raise ValueError(f"`chunk_size` must be at least 1, got {chunk_size}")
    levels = [float(q) for q in levels]
    client = _client(client)
    items = _named(counties)
    scenarios = _scenarios(scenario, [n for n, _ in items], required=True)
    batch = _Batch(client, "simulate", items)
    finals = []
    for i, (name, _) in enumerate(items):
        s = scenarios[name]
        cseed = county_seed(seed, name)
        planned = batch.submit("plan", i, _scenario_plan, batch.counties[i], s)
        chunks = [
            batch.submit("runs", i, _simulate_chunk, planned, s, a, min(chunk_size, runs - a), cseed, part=a)
            for a in range(0, runs, chunk_size)
        ]
        finals.append(batch.submit("join", i, _simulate_join, name, output, levels, chunks))
    values, exceptions = batch.collect(finals, progress)
    _warn("simulate", exceptions, len(items))
    columns = ["county", "run", "year"] if output == "runs" else ["county", "year"]
    return BatchResult(_concat([v for _, v in values], columns), _errors_frame(exceptions), exceptions)


def sweep(
    client: Any,
    counties: Mapping[str, CountyLike] | Iterable[CountyLike],
    radius: float | Iterable[float] = 2000.0,
    target: float | Iterable[float] = 0.6,
    budget: float | Iterable[float] = 1_000_000.0,
    scenario: Scenario | Mapping[str, Scenario] | None = None,
    *,
    progress: bool | None = None,
) -> BatchResult:
    """Run :func:`villageplan.sweep` on many counties on a Dask cluster.

    One task per county and radius (each plans every target at that radius and schedules each
    budget); the rows of a county equal ``vp.sweep(county, radius, target, budget, scenario)``.
    An unreachable target is a row with status ``"infeasible"``, as locally, not an error.

    Parameters
    ----------
    client, counties, progress
        As :func:`simulate`.
    radius, target, budget : float or list of float
        Radii (metres), targets (shares) and yearly budgets (yuan), as :func:`villageplan.sweep`.
    scenario : Scenario or dict of str to Scenario, optional
        The other assumptions, one for all or one per county.

    Returns
    -------
    BatchResult
        ``frame``: ``county`` then the columns of :func:`villageplan.sweep`.
    """
    radii = _floats(radius, "radius")
    targets = _floats(target, "target")
    budgets = _floats(budget, "budget")
    client = _client(client)
    items = _named(counties)
    scenarios = _scenarios(scenario, [n for n, _ in items], required=False)
    batch = _Batch(client, "sweep", items)
    finals = []
    for i, (name, _) in enumerate(items):
        parts = [
            batch.submit("radius", i, _sweep_radius, batch.counties[i], r, targets, budgets, scenarios[name], part=k)
            for k, r in enumerate(radii)
        ]
        finals.append(batch.submit("join", i, _join_frames, name, parts))
    values, exceptions = batch.collect(finals, progress)
    _warn("sweep", exceptions, len(items))
    return BatchResult(_concat([v for _, v in values], ["county"]), _errors_frame(exceptions), exceptions)


def plan(
    client: Any,
    counties: Mapping[str, CountyLike] | Iterable[CountyLike],
    *,
    keep: bool = True,
    progress: bool | None = None,
    **options: Any,
) -> BatchResult:
    """Run :func:`villageplan.plan` on many counties on a Dask cluster, one task per county.

    Parameters
    ----------
    client, counties, progress
        As :func:`simulate`.
    keep : bool, default True
        Bring every :class:`villageplan.Plan` back in :attr:`BatchResult.plans` (a plan carries
        its county: about the size of the county's JSON). False returns only the table.
    **options
        Keyword arguments of :func:`villageplan.plan` (``radius``, ``target``, ``capacity``,
        ``budget`` ...), the same for every county.

    Returns
    -------
    BatchResult
        ``frame``: one row per county, ``county`` then the columns of :func:`plan_summary`;
        ``plans``: county name to Plan (with ``keep``); ``errors``: e.g. ``InfeasibleError``
        naming the share reachable.
    """
    if "progress" in options:  # pragma: no cover - caught by the signature
        raise TypeError("`progress` is keyword-only")
    client = _client(client)
    items = _named(counties)
    batch = _Batch(client, "plan", items)
    finals = [batch.submit("plan", i, _plan_county, batch.counties[i], options, keep) for i in range(len(items))]
    values, exceptions = batch.collect(finals, progress)
    _warn("plan", exceptions, len(items))
    import pandas as pd

    rows = [{"county": n, **row} for n, (row, _, _) in values]
    plans: dict[str, Plan] = {}
    for n, (_, p, sched) in values:
        if p is not None:
            p._schedule = sched
            plans[n] = p
    frame = pd.DataFrame(rows) if rows else pd.DataFrame(columns=["county"])
    return BatchResult(frame, _errors_frame(exceptions), exceptions, plans)


# ---------------------------------------------------------------------------------------------
# Command line: ``villageplan batch``

EPILOG = """\
examples:
  villageplan batch simulate --counties 100 --runs 1000 --out sim.csv      # a LocalCluster here
  villageplan batch simulate counties/*.csv --scheduler tcp://head:8786 --runs 10000 --out sim.csv
  villageplan batch sweep counties/*.csv --radius 1500 2000 2500 --budget 1e6 5e6 --out sweep.csv
  villageplan batch plan counties/*.csv --radius 2000 --target 0.6 --out plans.csv

Counties are CSV or GeoJSON files (read on the workers, default column names; the file name is
the county's name), or --counties N synthetic sample counties (seeds 1 to N). Without --scheduler
a LocalCluster with one single-threaded worker per core runs on this machine.
"""


def _add_parser(sub: Any) -> None:
    """Add ``villageplan batch`` to the command line's subparsers."""
    import argparse

    bp = sub.add_parser(
        "batch",
        help="plan, simulate or sweep many counties on a Dask cluster",
        description="Run plan, simulate or sweep over many counties on a Dask cluster (pip install "
        "'villageplan[dask]');\nwrite one tidy CSV with a county column and report failed counties by name.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    bp.add_argument("action", choices=["plan", "simulate", "sweep"], help="what to run on every county")
    bp.add_argument("files", nargs="*", type=Path, metavar="FILE", help="counties: CSV or GeoJSON files")
    bp.add_argument("--counties", type=int, metavar="N", help="N synthetic sample counties instead of files")
    bp.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler, e.g. tcp://head:8786 (default: local)")
    bp.add_argument("--workers", type=int, metavar="N", help="local workers (default: one per core)")
    bp.add_argument("--scenario", type=Path, metavar="FILE", help="scenario JSON (default: the built-in scenario)")
    bp.add_argument("--radius", type=float, nargs="+", metavar="M", help="radius in metres (sweep: several)")
    bp.add_argument("--target", type=float, nargs="+", metavar="SHARE", help="target share (sweep: several)")
    bp.add_argument("--budget", type=float, nargs="+", metavar="YUAN", help="yuan per year (sweep: several)")
    bp.add_argument("--runs", type=int, default=1000, help="simulate: runs per county (default: %(default)s)")
    bp.add_argument("--seed", type=int, default=1, help="simulate: the batch's seed (default: %(default)s)")
    bp.add_argument("--chunk-size", type=int, default=DEFAULT_CHUNK_SIZE, help="simulate: runs per task")
    bp.add_argument("--output", choices=["coverage", "runs"], default="coverage", help="simulate: table to write")
    bp.add_argument("--out", type=Path, metavar="FILE.csv", help="write the table as CSV")
    bp.add_argument("--errors", type=Path, metavar="FILE.csv", help="write the failed counties as CSV")
    bp.add_argument("--no-progress", action="store_true", help="no progress bar")


def _run(args: argparse.Namespace) -> BatchResult:
    """Run ``villageplan batch``; print a summary; return the result."""
    from villageplan._county import sample_county

    if args.files and args.counties:
        raise ValueError("give county files or --counties N, not both")
    counties: dict[str, CountyLike]
    if args.files:
        counties = {p.stem: str(p) for p in args.files}
        if len(counties) != len(args.files):
            raise ValueError("two county files have the same name (file stem); rename one")
    else:
        n = args.counties or 10
        counties = {f"sample {s}": sample_county(s) for s in range(1, n + 1)}
    scenario = Scenario.load(args.scenario) if args.scenario is not None else Scenario.default()
    dd = _dask()
    cluster = None
    if args.scheduler:
        client = dd.Client(args.scheduler)
    else:
        workers = args.workers or os.cpu_count() or 1
        cluster = dd.LocalCluster(
            n_workers=workers, threads_per_worker=1, dashboard_address=None, env={"RAYON_NUM_THREADS": "1"}
        )
        client = dd.Client(cluster)
    progress = False if args.no_progress else None
    try:
        if args.action == "simulate":
            changes = {k: getattr(args, k)[0] for k in ("radius", "target") if getattr(args, k)}
            if args.budget:
                changes["budget"] = args.budget[0]
            result = simulate(
                client,
                counties,
                scenario.replace(**changes) if changes else scenario,
                runs=args.runs,
                seed=args.seed,
                chunk_size=args.chunk_size,
                output=args.output,
                progress=progress,
            )
        elif args.action == "sweep":
            result = sweep(
                client,
                counties,
                radius=args.radius or [scenario.radius],
                target=args.target or [scenario.target],
                budget=args.budget or [sum(scenario.budget.amounts[0].values())],
                scenario=scenario,
                progress=progress,
            )
        else:
            options: dict[str, Any] = {
                "radius": args.radius[0] if args.radius else scenario.radius,
                "target": args.target[0] if args.target else scenario.target,
            }
            if args.budget:
                options["budget"] = args.budget[0]
            result = plan(client, counties, keep=False, progress=progress, **options)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    ok = len(counties) - len(result.errors)
    print(f"{args.action}: {ok} of {len(counties)} counties done, {len(result.frame)} rows")
    if args.out is not None:
        result.frame.to_csv(args.out, index=False)
        print(f"wrote {args.out}")
    if args.errors is not None:
        result.errors.to_csv(args.errors, index=False)
        print(f"wrote the failed counties to {args.errors}")
    for row in result.errors.itertuples(index=False):
        print(f"failed: {row.county}: {row.error}: {row.message}", file=sys.stderr)
    return result
