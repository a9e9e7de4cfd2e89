"""Exact plans through the HiGHS MIP solver, to check the heuristic engine.

The covering problem is the one the Rust engine solves (:func:`villageplan._core.covering_problem`
exports it as arrays); this module only writes it as a mixed-integer programme:

    minimise   sum_s c_s x_s                       (cost of the sites opened beyond fixed ones)
    subject to y_v <= sum_{s covers v} x_s          for every village v
               sum_v w_v y_v >= need                (the coverage target)
               x_s = 1 for fixed sites, x_s = 0 for sites that cannot open
               x, y binary

and hands HiGHS's solution and dual bound back to Rust, which forms the communities exactly as
for a heuristic plan. Meant for small and medium counties (hundreds to a few thousand villages).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from villageplan import _core


def solve_exact(core_county: _core.County, options: dict[str, Any], time_limit: float | None) -> _core.Plan:
    """Solve the plan's covering problem to proven optimality (or to the time limit) with HiGHS.

    Parameters
    ----------
    core_county : villageplan._core.County
        The county.
    options : dict
        ``radius``, ``target``, ``by``, ``within_town``, ``objective``, ``fixed``, ``forbidden``.
    time_limit : float or None
        Seconds HiGHS may run; when it stops early the plan carries HiGHS's dual bound and the
        status ``time_limit``.

    Returns
    -------
    villageplan._core.Plan
        The plan, whose bound is HiGHS's proven dual bound.

    Raises
    ------
    ImportError
        When ``highspy`` is not installed (``pip install villageplan[exact]``).
    """
    try:
        import highspy
    except ImportError as e:  # pragma: no cover - the test extras install it
        raise ImportError("exact=True needs the HiGHS solver: pip install villageplan[exact]") from e

    prob = _core.covering_problem(core_county, **options)
    indptr, villages = prob["indptr"], prob["villages"]
    weights, costs = prob["weights"], prob["costs"]
    fixed, allowed = np.asarray(prob["fixed"], dtype=bool), np.asarray(prob["allowed"], dtype=bool)
    m, n = len(costs), len(weights)
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("mip_rel_gap", 0.0)
    if time_limit is not None:
        h.setOptionValue("time_limit", float(time_limit))
    inf = highspy.kHighsInf
    # Columns: x_0..x_{m-1} (sites), then y_0..y_{n-1} (villages).
    lower = np.where(fixed, 1.0, 0.0)
    upper = np.where(allowed | fixed, 1.0, 0.0)
    site_cost = np.where(fixed, 0.0, costs)
    h.addVars(m + n, np.concatenate([lower, np.zeros(n)]), np.concatenate([upper, np.ones(n)]))
    h.changeColsCost(m + n, np.arange(m + n, dtype=np.int32), np.concatenate([site_cost, np.zeros(n)]))
    h.changeColsIntegrality(m + n, np.arange(m + n, dtype=np.int32), np.full(m + n, highspy.HighsVarType.kInteger))
    # y_v - sum x_s <= 0: build the village -> sites lists from the site -> villages CSR.
    site_of_pair = np.repeat(np.arange(m), np.diff(indptr))
    order = np.argsort(villages, kind="stable")
    v_sorted, s_sorted = villages[order], site_of_pair[order]
    starts = np.searchsorted(v_sorted, np.arange(n + 1))
    row_starts, row_index, row_value = [], [], []
    pos = 0
    for v in range(n):
        sites_v = s_sorted[starts[v] : starts[v + 1]]
        row_starts.append(pos)
        row_index.append(np.concatenate([[m + v], sites_v]))
        row_value.append(np.concatenate([[1.0], -np.ones(len(sites_v))]))
        pos += 1 + len(sites_v)
    h.addRows(
        n,
        np.full(n, -inf),
        np.zeros(n),
        pos,
        np.asarray(row_starts, dtype=np.int32),
        np.concatenate(row_index).astype(np.int32),
        np.concatenate(row_value),
    )
    h.addRow(float(prob["need"]), inf, n, np.arange(m, m + n, dtype=np.int32), np.asarray(weights, dtype=float))
    h.run()
    status = h.getModelStatus()
    info = h.getInfo()
    timed_out = status == highspy.HighsModelStatus.kTimeLimit
    if status != highspy.HighsModelStatus.kOptimal and not timed_out:
        from villageplan.exceptions import PlanningError

        raise PlanningError(f"HiGHS found no plan (status: {h.modelStatusToString(status)})")
    if info.primal_solution_status == 0:
        # Stopped before HiGHS found any plan: keep the engine's plan, with the better bound.
        engine = _core.plan(core_county, **options)
        bound = max(engine.bound, float(info.mip_dual_bound))
        centres = list(_core_centre_ids(engine))
        return _core.plan_with_centres(core_county, centres, bound=bound, timed_out=True, **options)
    x = np.asarray(h.getSolution().col_value[:m])
    ids = core_county.sites_columns()["id"]
    centres = [ids[s] for s in np.flatnonzero(x > 0.5)]
    bound = float(info.objective_function_value) if not timed_out else float(info.mip_dual_bound)
    return _core.plan_with_centres(core_county, centres, bound=bound, timed_out=timed_out, **options)


def _core_centre_ids(plan: _core.Plan) -> list[str]:
    """Site ids of a core plan's centres."""
    return list(plan.centres_columns()["site"])
