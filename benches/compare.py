"""Side-by-side: villageplan against spopt (PuLP + CBC) and HiGHS on the same generated instances.

Instances (seeded, generated here): 1,000 clustered demand points with integer weights and
1,000 candidate sites in a 30 x 30 km square, Euclidean metres.

* MCLP, p = 50, radius 1,500 m.
* LSCP (cover every demand point), radius 1,500 m (sites are the demand points, so it is feasible).
* p-median, 1,000 demand points x 200 sites, p = 20 (when `villageplan.solve.p_median` exists).
* The MCLP again on instances of seeds 1 to 8, against the optimum proven by the exact MIP
  (``exact=True``, HiGHS through ``highspy``): how close the default run gets.

Every tool solves the same matrix. Times are end to end from the NumPy matrix: model building
included. Run with `make bench-python` (or `python benches/compare.py [--quick]`); the script
prints a Markdown table for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time

import numpy as np

import villageplan as vp


def instance(n_demand: int, n_sites: int, seed: int = 1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Clustered demand points, sites (the first n_sites demand points), weights, distance matrix."""
    rng = np.random.default_rng(seed)
    centres = rng.uniform(0, 30_000, size=(25, 2))
    pts = centres[rng.integers(0, 25, size=n_demand)] + rng.normal(0, 1_800, size=(n_demand, 2))
    weights = rng.integers(100, 3_000, size=n_demand).astype(float)
    sites = pts[:n_sites] if n_sites <= n_demand else rng.uniform(0, 30_000, size=(n_sites, 2))
    costs = np.sqrt(((pts[:, None, :] - sites[None, :, :]) ** 2).sum(-1))
    return costs, weights, sites


def timed(f):
    """Call f() and return its result with the wall-clock seconds."""
    t = time.perf_counter()
    out = f()
    return out, time.perf_counter() - t


def timed_mip(f):
    """Like :func:`timed` for a spopt solve, reporting a solver failure as a row instead of stopping.

    spopt raises when PuLP's status is "Not Solved" (for example HiGHS stopped by the time limit
    before it found a solution); the row then shows no objective and the error.
    """
    try:
        return timed(f)
    except RuntimeError as e:
        return (float("nan"), f"error: {str(e).split('. See')[0]}"), float("nan")


def spopt_mclp(costs, weights, radius, p, solver):
    """Build and solve spopt's MCLP; return the objective and PuLP's status."""
    from spopt.locate import MCLP

    m = MCLP.from_cost_matrix(costs, weights, service_radius=radius, p_facilities=p)
    m = m.solve(solver)
    import pulp

    return float(pulp.value(m.problem.objective)), pulp.LpStatus[m.problem.status]


def spopt_lscp(costs, radius, solver):
    """Build and solve spopt's LSCP; return the objective and PuLP's status."""
    from spopt.locate import LSCP

    m = LSCP.from_cost_matrix(costs, service_radius=radius)
    m = m.solve(solver)
    import pulp

    return float(pulp.value(m.problem.objective)), pulp.LpStatus[m.problem.status]


def spopt_pmedian(costs, weights, p, solver):
    """Build and solve spopt's p-median; return the objective and PuLP's status."""
    from spopt.locate import PMedian

    m = PMedian.from_cost_matrix(costs, weights, p_facilities=p)
    m = m.solve(solver)
    import pulp

    return float(pulp.value(m.problem.objective)), pulp.LpStatus[m.problem.status]


def solvers(time_limit: float):
    """Return the PuLP solvers to compare with, each with the time limit."""
    import pulp

    out = {"spopt + CBC": pulp.PULP_CBC_CMD(msg=False, timeLimit=time_limit)}
    try:
        out["spopt + HiGHS"] = pulp.HiGHS(msg=False, timeLimit=time_limit)
    except Exception as e:  # report and go on without HiGHS
        print(f"(HiGHS through PuLP unavailable: {e})")
    return out


def fastest_equal(solve, objective, repeats: int = 10):
    """Smallest time limit whose every one of ``repeats`` runs has the default run's objective.

    Limits tried: 2 to 4 ms in steps of 0.25 ms, then 4.5, 5, 6, 7, 10, 15, 20, 30, 50, 100, 200 and
    500 ms. Returns a solution, the median seconds of the runs and the limit in ms, or None when no
    limit reaches it.
    This is what a user gets by passing that ``time_limit``: the same objective, without the proof.
    A time-limited run stops at the limit, so its seconds include the limit itself.
    """
    for ms in (2, 2.25, 2.5, 2.75, 3, 3.25, 3.5, 3.75, 4, 4.5, 5, 6, 7, 10, 15, 20, 30, 50, 100, 200, 500):
        runs = []
        for _ in range(repeats):
            sol, t = timed(lambda limit=ms / 1000: solve(limit))
            if sol.objective != objective:
                break
            runs.append(t)
        else:
            return sol, statistics.median(runs), ms
    return None


def row(problem, tool, objective, status, seconds, ours_seconds, quick_seconds=None):
    """One Markdown table row: time against villageplan's default run and its fastest equal run."""
    ratio = seconds / ours_seconds if ours_seconds > 0 else float("nan")
    second = f"{seconds / quick_seconds:,.0f}x" if quick_seconds else ""
    shown = f"{seconds:.4f}" if seconds < 0.1 else f"{seconds:.3f}"
    return f"| {problem} | {tool} | {objective:,.1f} | {status} | {shown} | {ratio:,.0f}x | {second} |"


def quality(seeds: int, n: int, radius: float, p: int) -> None:
    """Print villageplan's default MCLP against the proven optimum on ``seeds`` generated instances.

    The optimum comes from the exact MIP (``exact=True``, HiGHS through ``highspy``). The shortfall
    is how far the default plan's coverage falls below it; the gap is villageplan's own certificate.
    """
    print()
    print(f"MCLP {n}x{n}, p={p}, radius {radius:,.0f} m, seeds 1 to {seeds}: the default run against the optimum")
    print()
    print("| seed | villageplan | status | gap | seconds | optimum (HiGHS MIP) | seconds | shortfall |")
    print("|---:|---:|---|---:|---:|---:|---:|---:|")
    for seed in range(1, seeds + 1):
        costs, weights, _ = instance(n, n, seed=seed)
        ours, t_ours = timed(lambda c=costs, w=weights: vp.solve.max_coverage(c, radius, p=p, weights=w))
        exact, t_exact = timed(lambda c=costs, w=weights: vp.solve.max_coverage(c, radius, p=p, weights=w, exact=True))
        short = (exact.objective - ours.objective) / exact.objective if exact.status == "optimal" else float("nan")
        print(
            f"| {seed} | {ours.objective:,.0f} | {ours.status} | {100 * ours.gap:.3f}% | {t_ours:.3f} "
            f"| {exact.objective:,.0f} ({exact.status}) | {t_exact:.2f} | {100 * short:.3f}% |"
        )


def main() -> None:
    """Run every comparison and print the table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smaller instances (300 points) for a smoke run")
    ap.add_argument("--time-limit", type=float, default=120.0, help="seconds per MIP solve (default 120)")
    ap.add_argument(
        "--seeds", type=int, default=8, help="MCLP instances checked against the exact optimum (default 8; 0 skips)"
    )
    args = ap.parse_args()
    n = 300 if args.quick else 1000
    radius, p = 1500.0, (15 if args.quick else 50)
    print(f"machine: {platform.machine()}, python {platform.python_version()}, villageplan {vp.__version__}")
    print()
    print("| problem | tool | objective | status | seconds | vs villageplan | vs villageplan, same objective |")
    print("|---|---|---:|---|---:|---:|---:|")
    costs, weights, _ = instance(n, n)
    mip = solvers(args.time_limit)

    def mclp(limit=None):
        return vp.solve.max_coverage(costs, radius, p=p, weights=weights, time_limit=limit)

    ours, t_ours = timed(mclp)
    name = f"MCLP {n}x{n}, p={p}"
    print(row(name, "villageplan", ours.objective, ours.status, t_ours, t_ours))
    quick = fastest_equal(mclp, ours.objective)
    if quick:
        sol, seconds, ms = quick
        tool = f"villageplan, time_limit={ms} ms (10 of 10 runs, median)"
        print(row(name, tool, sol.objective, sol.status, seconds, t_ours))
    for tool, solver in mip.items():
        (obj, st), t = timed_mip(lambda s=solver: spopt_mclp(costs, weights, radius, p, s))
        print(row(name, tool, obj, st, t, t_ours, quick[1] if quick else None))

    def lscp(limit=None):
        return vp.solve.set_cover(costs, radius, time_limit=limit)

    ours, t_ours = timed(lscp)
    name = f"LSCP {n}x{n}"
    print(row(name, "villageplan", ours.objective, ours.status, t_ours, t_ours))
    quick = fastest_equal(lscp, ours.objective)
    if quick:
        sol, seconds, ms = quick
        tool = f"villageplan, time_limit={ms} ms (10 of 10 runs, median)"
        print(row(name, tool, sol.objective, sol.status, seconds, t_ours))
    for tool, solver in mip.items():
        (obj, st), t = timed_mip(lambda s=solver: spopt_lscp(costs, radius, s))
        print(row(name, tool, obj, st, t, t_ours, quick[1] if quick else None))

    if hasattr(vp.solve, "p_median"):
        m_sites = 60 if args.quick else 200
        pm_costs = costs[:, :m_sites]
        pp = 6 if args.quick else 20
        ours, t_ours = timed(lambda: vp.solve.p_median(pm_costs, pp, weights=weights))
        name = f"p-median {n}x{m_sites}, p={pp}"
        print(row(name, "villageplan", ours.objective, f"{ours.status} (gap {100 * ours.gap:.3f}%)", t_ours, t_ours))
        for tool, solver in mip.items():
            (obj, st), t = timed_mip(lambda s=solver: spopt_pmedian(pm_costs, weights, pp, s))
            print(row(name, tool, obj, st, t, t_ours))

    if args.seeds > 0:
        quality(args.seeds, n, radius, p)


if __name__ == "__main__":
    main()
