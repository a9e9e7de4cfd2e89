"""Exact solutions through the HiGHS MIP solver, to check the heuristic engine.

Every problem is the one the Rust engine solves: the core exports it as arrays after the engine's
own checks (:func:`villageplan._core.covering_problem` for :func:`villageplan.plan`,
``exact_objective_problem`` for :func:`villageplan.max_coverage`, :func:`villageplan.p_median`
and :func:`villageplan.p_center`, ``exact_cover_problem``, ``exact_matrix_problem`` and
``exact_capacitated_problem`` for :mod:`villageplan.solve`). This module only writes it as a
mixed-integer programme and solves it with HiGHS (relative and absolute gap 0, within the time
limit). The objective is then recomputed from the sites HiGHS opens, every row going to its
nearest open site by the engine's rule (in Rust for a county plan, which is made exactly as the
engine's plans are; in NumPy for a cost matrix; the capacitated p-median keeps the MIP's
assignment), and Rust derives the gap and the status from HiGHS's dual bound exactly as for the
engine's results (``"optimal"`` only when the bound meets the objective, ``"time_limit"`` when
HiGHS stopped on time short of that).

The programmes (``x_s = 1`` when site ``s`` opens; fixed sites have ``x_s = 1``, sites that cannot
open ``x_s = 0``; only the village-site pairs that exist get variables)::

    coverage target   min sum_s c_s x_s        y_v <= sum_{s covers v} x_s,  sum_v w_v y_v >= need
    max coverage      max sum_v w_v y_v        y_v <= sum_{s covers v} x_s,  sum_s x_s <= p
                                               (or sum_s c_s x_s <= budget)
    set cover         min sum_s c_s x_s        as the coverage target
    p-median          min sum_{v,s} w_v d_vs z_vs (+ sum_v w_v u y_v)
                                               sum_s z_vs (+ y_v) = 1,  z_vs <= x_s,  sum_s x_s = p
    capacitated       min sum_{v,s} d_vs z_vs  as p-median, z binary, sum_v q_v z_vs <= Q_s x_s
    p-center          for radii R (a binary search over the distances): is there an x with
                      sum_{s: d_vs <= R} x_s >= 1 for every v and sum_s x_s <= p?

``x`` is binary; ``y`` and ``z`` are continuous unless said (for binary ``x`` they have integral
optima). With a p-median radius, pairs beyond it are left out and ``y_v`` (unserved, at
``unserved_cost`` per unit weight) takes their place. The p-center problem is solved as a sequence
of set-cover MIPs because its single-model formulations relax poorly (see :func:`_center_search`).
Meant for small and medium cases: problems with more than 5 million village-site pairs are refused
(the error names ``exact``).

When HiGHS stops on its time limit before finding any solution, the engine's solution is returned
with the better of the two bounds and the status ``"time_limit"`` (unless that bound proves it).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from villageplan import _core

_IMPORT_MESSAGE = "exact=True needs the HiGHS solver: pip install villageplan[exact]"


def _highspy() -> Any:
    """Return the ``highspy`` module, or raise ImportError naming the ``exact`` extra."""
    try:
        import highspy
    except ImportError as e:
        raise ImportError(_IMPORT_MESSAGE) from e
    return highspy


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
    highspy = _highspy()
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


# ------------------------------------------------------------------------------------------------
# The objectives of villageplan.solve and of the county objectives


@dataclass
class _Pairs:
    """Village-site pairs grouped by site, as the core exports them (only sites that may open)."""

    n_rows: int
    site: npt.NDArray[np.int64]
    row: npt.NDArray[np.int64]
    distance: npt.NDArray[np.float64]

    @classmethod
    def of(cls, prob: dict[str, Any], n_rows: int, rows_key: str) -> _Pairs:
        indptr = np.asarray(prob["indptr"], dtype=np.int64)
        site = np.repeat(np.arange(len(indptr) - 1, dtype=np.int64), np.diff(indptr))
        row = np.asarray(prob[rows_key], dtype=np.int64)
        return cls(n_rows, site, row, np.asarray(prob["distances"], dtype=np.float64))

    def by_row(self, rows: npt.NDArray[np.bool_]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], int]:
        """Return the pairs of the rows in ``rows``, sorted by row: (pair indices, compact row of each, rows kept)."""
        compact = np.full(self.n_rows, -1, dtype=np.int64)
        kept = np.flatnonzero(rows)
        compact[kept] = np.arange(len(kept))
        k = np.flatnonzero(compact[self.row] >= 0)
        k = k[np.argsort(compact[self.row[k]], kind="stable")]
        return k, compact[self.row[k]], len(kept)

    def reached(self) -> npt.NDArray[np.bool_]:
        """Whether each row has a pair at all."""
        return np.bincount(self.row, minlength=self.n_rows) > 0

    def nearest(self, open_: npt.NDArray[np.bool_]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
        """Each row's nearest open site (an exact tie to the lower index; -1 without one) and its distance."""
        k = np.flatnonzero(open_[self.site])
        k = k[np.lexsort((self.site[k], self.distance[k], self.row[k]))]
        first = np.ones(len(k), dtype=bool)
        first[1:] = self.row[k][1:] != self.row[k][:-1]
        k = k[first]
        site = np.full(self.n_rows, -1, dtype=np.int64)
        dist = np.full(self.n_rows, np.inf)
        site[self.row[k]] = self.site[k]
        dist[self.row[k]] = self.distance[k]
        return site, dist


@dataclass
class _Problem:
    """An exported problem: the goal, its pairs, weights, site rules and limit."""

    goal: str  # "max_coverage", "set_cover", "p_median", "p_center" or "capacitated_p_median"
    pairs: _Pairs
    weights: npt.NDArray[np.float64]
    costs: npt.NDArray[np.float64]  # cost of opening each site beyond the fixed ones
    fixed: npt.NDArray[np.bool_]
    allowed: npt.NDArray[np.bool_]
    p: int | None = None
    budget: float | None = None
    need: float | None = None
    unserved: float | None = None
    capacity: npt.NDArray[np.float64] | None = None

    @classmethod
    def of(cls, goal: str, prob: dict[str, Any], n_rows: int, rows_key: str, **limit: Any) -> _Problem:
        fixed = np.asarray(prob["fixed"], dtype=bool)
        costs = prob.get("costs")
        return cls(
            goal,
            _Pairs.of(prob, n_rows, rows_key),
            np.asarray(prob["weights"], dtype=np.float64),
            np.zeros(len(fixed)) if costs is None else np.asarray(costs, dtype=np.float64),
            fixed,
            np.asarray(prob["allowed"], dtype=bool),
            **limit,
        )

    @property
    def sense(self) -> str:
        return "maximize" if self.goal == "max_coverage" else "minimize"

    @property
    def m(self) -> int:
        return len(self.fixed)


@dataclass
class _Outcome:
    """What HiGHS returned: the open sites (None when it found no solution) and its dual bound."""

    open: npt.NDArray[np.bool_] | None
    bound: float
    timed_out: bool
    nodes: int
    values: npt.NDArray[np.float64] | None = None  # every column's value, with a solution


class _Mip:
    """A HiGHS model whose first columns are the binary site variables ``x``."""

    def __init__(self, highspy: Any, prob: _Problem, site_cost: npt.NDArray[np.float64], time_limit: float | None):
        self.hs = highspy
        self.h = highspy.Highs()
        for name, value in (("output_flag", False), ("mip_rel_gap", 0.0), ("mip_abs_gap", 0.0)):
            self.h.setOptionValue(name, value)
        if time_limit is not None:
            self.h.setOptionValue("time_limit", float(time_limit))
        self.m = prob.m
        self.n_cols = 0
        upper = (prob.allowed | prob.fixed).astype(np.float64)
        self.add_cols(site_cost, prob.fixed.astype(np.float64), upper, integer=True)

    def add_cols(
        self,
        cost: npt.NDArray[np.float64],
        lower: npt.NDArray[np.float64],
        upper: npt.NDArray[np.float64],
        integer: bool = False,
    ) -> npt.NDArray[np.int64]:
        """Add columns without entries; return their indices."""
        k = len(cost)
        cols = np.arange(self.n_cols, self.n_cols + k, dtype=np.int64)
        if k == 0:
            return cols
        empty = np.zeros(0, dtype=np.int32)
        f64 = np.float64
        self.h.addCols(k, cost.astype(f64), lower.astype(f64), upper.astype(f64), 0, empty, empty, empty.astype(f64))
        if integer:
            self.h.changeColsIntegrality(k, cols.astype(np.int32), np.full(k, self.hs.HighsVarType.kInteger))
        self.n_cols += k
        return cols

    def add_rows(
        self,
        lower: float,
        upper: float,
        rows: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float64]],
    ) -> None:
        """Add rows given as CSR (starts, index, value), all with the same bounds."""
        starts, index, value = rows
        k = len(starts)
        if k:
            lo, hi = np.full(k, lower, dtype=np.float64), np.full(k, upper, dtype=np.float64)
            self.h.addRows(k, lo, hi, len(index), starts.astype(np.int32), index.astype(np.int32), value)

    def add_row(self, lower: float, upper: float, index: npt.NDArray[np.int64], value: npt.NDArray[np.float64]) -> None:
        """Add one row."""
        self.h.addRow(lower, upper, len(index), index.astype(np.int32), value.astype(np.float64))

    def run(self, maximize: bool) -> tuple[str, npt.NDArray[np.float64] | None, float, int]:
        """Run HiGHS: (status, the columns' values or None without a solution, dual bound, nodes).

        The status is ``"optimal"``, ``"infeasible"``, ``"stopped"`` (time or solution limit)
        or, for anything else, PlanningError is raised.
        """
        hs = self.hs
        if maximize:
            self.h.changeObjectiveSense(hs.ObjSense.kMaximize)
        self.h.run()
        status = self.h.getModelStatus()
        info = self.h.getInfo()
        nodes = int(max(info.mip_node_count, 0))
        if status == hs.HighsModelStatus.kInfeasible:
            return "infeasible", None, float(info.mip_dual_bound), nodes
        stopped = status in (hs.HighsModelStatus.kTimeLimit, hs.HighsModelStatus.kSolutionLimit)
        if status != hs.HighsModelStatus.kOptimal and not stopped:
            from villageplan.exceptions import PlanningError

            raise PlanningError(f"HiGHS found no solution (status: {self.h.modelStatusToString(status)})")
        found = info.primal_solution_status != 0
        values = np.asarray(self.h.getSolution().col_value, dtype=np.float64) if found else None
        return ("stopped" if stopped else "optimal"), values, float(info.mip_dual_bound), nodes

    def solve(self, maximize: bool) -> _Outcome:
        """Run HiGHS to optimality or the time limit; raise _Infeasible for an infeasible model."""
        status, values, bound, nodes = self.run(maximize)
        if status == "infeasible":
            raise _Infeasible
        x = None if values is None else values[: self.m] > 0.5
        return _Outcome(x, bound, status == "stopped", nodes, values)


class _Infeasible(Exception):
    """HiGHS proved the model infeasible."""


def _grouped_rows(
    n_groups: int,
    group: npt.NDArray[np.int64],
    cols: npt.NDArray[np.int64],
    vals: npt.NDArray[np.float64] | float,
    head: npt.NDArray[np.int64] | None = None,
    head_value: npt.NDArray[np.float64] | float = 1.0,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """Rows as CSR: row ``g`` holds ``(head[g], head_value)`` when ``head`` is given, then the entries of group ``g``.

    ``group`` is sorted ascending; ``cols`` and ``vals`` are the entries' columns and values.
    """
    counts = np.bincount(group, minlength=n_groups)
    extra = 0 if head is None else 1
    sizes = counts + extra
    starts = np.zeros(n_groups, dtype=np.int64)
    np.cumsum(sizes[:-1], out=starts[1:])
    first = np.zeros(n_groups, dtype=np.int64)
    np.cumsum(counts[:-1], out=first[1:])
    index = np.empty(int(sizes.sum()), dtype=np.int64)
    value = np.empty(int(sizes.sum()), dtype=np.float64)
    pos = starts[group] + extra + (np.arange(len(group)) - first[group])
    index[pos] = cols
    value[pos] = vals
    if head is not None:
        index[starts] = head
        value[starts] = head_value
    return starts, index, value


def _run_mip(highspy: Any, prob: _Problem, time_limit: float | None) -> _Outcome:
    """Write ``prob`` as a MIP (see the module docstring), solve it and return HiGHS's outcome."""
    pairs, w, m = prob.pairs, prob.weights, prob.m
    sites = np.arange(m, dtype=np.int64)
    if prob.goal in ("max_coverage", "set_cover"):
        mip = _Mip(highspy, prob, prob.costs if prob.goal == "set_cover" else np.zeros(m), time_limit)
        rows = (w > 0) & pairs.reached()
        k, group, n_y = pairs.by_row(rows)
        wy = w[rows]
        y = mip.add_cols(wy if prob.goal == "max_coverage" else np.zeros(n_y), np.zeros(n_y), np.ones(n_y))
        mip.add_rows(-np.inf, 0.0, _grouped_rows(n_y, group, pairs.site[k], -1.0, head=y))
        if prob.goal == "set_cover":
            mip.add_row(float(prob.need or 0.0), np.inf, y, wy)
        elif prob.p is not None:
            mip.add_row(-np.inf, float(prob.p), sites, np.ones(m))
        else:
            budget = float(prob.budget or 0.0)
            scale = budget if budget > 0 else 1.0  # a row of order 1, whatever the currency
            mip.add_row(-np.inf, budget / scale, sites, prob.costs / scale)
        return mip.solve(maximize=prob.goal == "max_coverage")
    if prob.goal == "p_center":
        return _center_search(highspy, prob, time_limit)
    if prob.goal == "capacitated_p_median":
        return _capacitated_mip(highspy, prob, time_limit)
    # p-median: assignment variables z for the pairs of the rows with weight (and y_v, unserved).
    mip = _Mip(highspy, prob, np.zeros(m), time_limit)
    rows = w > 0
    k, group, n_r = pairs.by_row(rows)
    z = mip.add_cols(w[rows][group] * pairs.distance[k], np.zeros(len(k)), np.ones(len(k)))
    unserved = None
    if prob.unserved is not None:
        unserved = mip.add_cols(w[rows] * prob.unserved, np.zeros(n_r), np.ones(n_r))
    mip.add_rows(1.0, 1.0, _grouped_rows(n_r, group, z, 1.0, head=unserved))
    link_index = np.empty(2 * len(k), dtype=np.int64)
    link_index[0::2], link_index[1::2] = z, pairs.site[k]
    link_value = np.tile(np.array([1.0, -1.0]), len(k))
    mip.add_rows(-np.inf, 0.0, (2 * np.arange(len(k), dtype=np.int64), link_index, link_value))
    mip.add_row(float(prob.p or 0), float(prob.p or 0), sites, np.ones(m))
    return mip.solve(maximize=False)


def _capacitated_mip(highspy: Any, prob: _Problem, time_limit: float | None) -> _Outcome:
    """Solve the capacitated p-median problem: binary ``z`` per pair (columns ``m ..``, in pair order).

    ``min sum_{v,s} d_vs z_vs`` s.t. ``sum_s z_vs = 1``, ``z_vs <= x_s``, ``sum_v q_v z_vs <=
    Q_s x_s`` (demand ``q``, capacity ``Q``; each row scaled by ``max(Q_s, 1)``) and ``sum_s x_s =
    p``. Feasibility is held to 1e-9, the engine's capacity tolerance.
    """
    pairs, m, q = prob.pairs, prob.m, prob.weights
    cap = np.zeros(m) if prob.capacity is None else prob.capacity
    mip = _Mip(highspy, prob, np.zeros(m), time_limit)
    for name in ("mip_feasibility_tolerance", "primal_feasibility_tolerance"):
        mip.h.setOptionValue(name, 1e-9)
    n_pairs = len(pairs.row)
    z = mip.add_cols(pairs.distance, np.zeros(n_pairs), np.ones(n_pairs), integer=True)
    k, group, n_r = pairs.by_row(np.ones(pairs.n_rows, dtype=bool))
    mip.add_rows(1.0, 1.0, _grouped_rows(n_r, group, z[k], 1.0))
    link_index = np.empty(2 * n_pairs, dtype=np.int64)
    link_index[0::2], link_index[1::2] = z, pairs.site
    mip.add_rows(-np.inf, 0.0, (2 * np.arange(n_pairs), link_index, np.tile(np.array([1.0, -1.0]), n_pairs)))
    scale = np.maximum(cap, 1.0)
    loads = _grouped_rows(
        m, pairs.site, z, q[pairs.row] / scale[pairs.site], head=np.arange(m), head_value=-cap / scale
    )
    mip.add_rows(-np.inf, 0.0, loads)
    mip.add_row(float(prob.p or 0), float(prob.p or 0), np.arange(m, dtype=np.int64), np.ones(m))
    return mip.solve(maximize=False)


def _center_search(highspy: Any, prob: _Problem, time_limit: float | None) -> _Outcome:
    """Solve the p-center problem as a binary search over radii, each a set-cover MIP.

    The optimal radius is one of the distances ``R_1 < ... < R_K`` from ``L = max_v min_s d_vs``
    (no radius can be smaller) up. A radius ``R`` is feasible when some ``p`` sites (the fixed
    ones included) cover every village within ``R``::

        find x   s.t.  sum_{s: d_vs <= R} x_s >= 1 for every village v,  sum_s x_s <= p

    HiGHS decides each radius (an incumbent proves it feasible, infeasibility proves every
    smaller radius infeasible too); the bound is the smallest radius not proven infeasible. The
    single-model formulations (``D >= sum_s d_vs z_vs`` of the assignment form, or the radius
    form of Elloumi, Labbe & Pochet 2004) have weak relaxations: on the 300-village sample county
    they ran for over ten minutes where this search takes seconds.
    """
    pairs, m, p = prob.pairs, prob.m, int(prob.p or 0)
    deadline = None if time_limit is None else time.perf_counter() + time_limit
    order = np.lexsort((pairs.site, pairs.distance, pairs.row))
    row, site, dist = pairs.row[order], pairs.site[order], pairs.distance[order]
    new_row = np.ones(len(row), dtype=bool)
    new_row[1:] = row[1:] != row[:-1]
    floor = float(dist[new_row].max()) if len(dist) else 0.0
    levels = np.unique(dist[dist >= floor])
    nodes = 0

    def probe(r: float) -> tuple[str, npt.NDArray[np.bool_] | None]:
        """Return ("feasible", sites), ("infeasible", None) or ("unknown", None) for radius ``r``."""
        nonlocal nodes
        left = None if deadline is None else max(deadline - time.perf_counter(), 0.0)
        mip = _Mip(highspy, prob, np.ones(m), left)
        mip.h.setOptionValue("mip_max_improving_sols", 1)
        within = np.flatnonzero(dist <= r)
        mip.add_rows(1.0, np.inf, _grouped_rows(pairs.n_rows, row[within], site[within], 1.0))
        mip.add_row(-np.inf, float(p), np.arange(m, dtype=np.int64), np.ones(m))
        status, values, _, n = mip.run(maximize=False)
        nodes += n
        if values is not None:
            return "feasible", values[:m] > 0.5
        return ("infeasible", None) if status == "infeasible" else ("unknown", None)

    lo, hi = 0, len(levels) - 1
    verdict, best = probe(float(levels[hi]))
    if verdict == "infeasible":
        raise _Infeasible
    timed_out = verdict == "unknown"
    while lo < hi and not timed_out:
        mid = (lo + hi) // 2
        verdict, x = probe(float(levels[mid]))
        if verdict == "feasible":
            hi, best = mid, x
        elif verdict == "infeasible":
            lo = mid + 1
        else:
            timed_out = True
    if best is not None:
        # Exactly p sites: pad the cover with the lowest-index sites that may open (never worse).
        best = best | prob.fixed
        spare = np.flatnonzero(prob.allowed & ~best)[: max(p - int(best.sum()), 0)]
        best[spare] = True
    return _Outcome(best, float(levels[lo]) if len(levels) else floor, timed_out, nodes)


def _running_sum(values: npt.NDArray[np.float64]) -> float:
    """Left-to-right float sum, as the engine adds (equal choices give equal objectives)."""
    return float(np.cumsum(values)[-1]) if len(values) else 0.0


def _numerical(what: str) -> Exception:
    from villageplan.exceptions import PlanningError

    return PlanningError(
        f"HiGHS's solution breaks {what} once rounded (a numerical tolerance); solve with exact=False, "
        "or rescale the costs"
    )


def _evaluate(
    prob: _Problem, open_: npt.NDArray[np.bool_], values: npt.NDArray[np.float64] | None = None
) -> tuple[npt.NDArray[np.int64], float]:
    """Return each row's site and the objective of ``open_``, after checking the limit.

    Rows go to their nearest open site (the engine's rule), except for the capacitated p-median,
    whose assignment is the MIP's (``values`` of the pair columns).
    """
    if prob.goal == "capacitated_p_median":
        return _evaluate_capacitated(prob, open_, values)
    site, dist = prob.pairs.nearest(open_)
    served, w = site >= 0, prob.weights
    spent = _running_sum(prob.costs[open_ & ~prob.fixed])
    if prob.goal == "max_coverage":
        if prob.p is not None and open_.sum() > prob.p:
            raise _numerical("the number of sites p")
        if prob.budget is not None and spent > prob.budget * (1 + 1e-9):
            raise _numerical("the budget")
        return site, _running_sum(w[served])
    if prob.goal == "set_cover":
        if _running_sum(w[served]) < float(prob.need or 0.0):
            raise _numerical("the share to cover")
        return site, spent
    if open_.sum() != prob.p:
        raise _numerical("the number of sites p")
    if prob.goal == "p_center":
        if not served.all():
            raise _numerical("the assignment of every row")
        return site, float(dist.max())
    if prob.unserved is None and (~served & (w > 0)).any():
        raise _numerical("the assignment of every weighted row")
    contrib = np.where(served & (w > 0), w * np.where(served, dist, 0.0), 0.0)
    if prob.unserved is not None:
        contrib = np.where(served, contrib, w * prob.unserved)
    return site, _running_sum(contrib)


def _evaluate_capacitated(
    prob: _Problem, open_: npt.NDArray[np.bool_], values: npt.NDArray[np.float64] | None
) -> tuple[npt.NDArray[np.int64], float]:
    """Return the capacitated assignment (one pair chosen per row) and its total cost, checked."""
    pairs, n = prob.pairs, prob.pairs.n_rows
    chosen = np.flatnonzero(np.asarray(values)[prob.m : prob.m + len(pairs.row)] > 0.5)
    site = np.full(n, -1, dtype=np.int64)
    cost = np.zeros(n)
    site[pairs.row[chosen]] = pairs.site[chosen]
    cost[pairs.row[chosen]] = pairs.distance[chosen]
    if open_.sum() != prob.p:
        raise _numerical("the number of sites p")
    if len(chosen) != n or (site < 0).any() or not open_[site].all():
        raise _numerical("the assignment of every row to one open site")
    cap = np.zeros(prob.m) if prob.capacity is None else prob.capacity
    load = np.bincount(site, weights=prob.weights, minlength=prob.m)
    if (load > cap + 1e-9 * np.maximum(cap, 1.0)).any():
        raise _numerical("a capacity")
    return site, _running_sum(cost)


def _bound(prob: _Problem, outcome: _Outcome, objective: float | None) -> float:
    """HiGHS's dual bound, tightened by the trivial one and clipped to the correct side of the objective."""
    if prob.sense == "maximize":
        bound = min(outcome.bound, _running_sum(prob.weights[prob.pairs.reached()]))
        return bound if objective is None else max(bound, objective)
    bound = max(outcome.bound, 0.0)
    return bound if objective is None else min(bound, objective)


def _better(prob: _Problem, a: float, b: float) -> float:
    """Return the tighter of two valid bounds."""
    return min(a, b) if prob.sense == "maximize" else max(a, b)


def _infeasible(prob: _Problem, what: str) -> Exception:
    """Return the error for a MIP that HiGHS proved infeasible (no ``p`` sites reach every row)."""
    hint = ", or give a radius with an unserved cost" if what == "weighted row" else ""
    return _core.InfeasibleError(
        f"no {prob.p} sites reach every {what} (proved by the exact MIP); raise p or allow more sites{hint}"
    )


def _solve_matrix_problem(
    prob: _Problem, time_limit: float | None, heuristic: Callable[[], _core.Solution], start: float
) -> _core.Solution:
    highspy = _highspy()
    try:
        outcome = _run_mip(highspy, prob, time_limit)
    except _Infeasible:
        if prob.goal == "capacitated_p_median":
            raise _core.InfeasibleError(
                f"no assignment of the rows to {prob.p} sites fits the capacities (proved by the exact MIP); "
                "raise p or the capacities"
            ) from None
        raise _infeasible(prob, "weighted row" if prob.goal == "p_median" else "row") from None
    if outcome.open is None:
        # HiGHS stopped on time before any solution: the engine's, with the better bound.
        s = heuristic()
        bound = _better(prob, s.bound, _bound(prob, outcome, None))
        sites, assignment, objective = s.sites.tolist(), s.assignment.tolist(), s.objective
        timed_out, nodes = True, outcome.nodes + s.iterations
    else:
        site, objective = _evaluate(prob, outcome.open, outcome.values)
        bound = _bound(prob, outcome, objective)
        sites, assignment = np.flatnonzero(outcome.open).tolist(), site.tolist()
        timed_out, nodes = outcome.timed_out, outcome.nodes
    seconds = time.perf_counter() - start
    return _core.Solution.from_parts(sites, assignment, objective, bound, prob.sense, timed_out, seconds, nodes)


def exact_cover(
    args: dict[str, Any], time_limit: float | None, heuristic: Callable[[], _core.Solution]
) -> _core.Solution:
    """Solve ``solve.max_coverage`` (``p`` or ``budget`` in ``args``) or ``solve.set_cover`` (``share``) with HiGHS.

    Parameters
    ----------
    args : dict
        Keyword arguments of ``_core.exact_cover_problem``: the engine's, without seed and time limit.
    time_limit : float or None
        Seconds HiGHS may run.
    heuristic : callable
        Runs the engine; called only when HiGHS stops on time before finding any solution.

    Returns
    -------
    villageplan._core.Solution
        The solution, certified by HiGHS's dual bound.

    Raises
    ------
    ImportError
        When ``highspy`` is not installed (``pip install villageplan[exact]``).
    InvalidInputError, InfeasibleError
        As the engine, from the same checks; ``exact`` for a problem too large for the MIP.
    """
    _highspy()
    start = time.perf_counter()
    raw = _core.exact_cover_problem(time_limit=time_limit, **args)
    goal = "max_coverage" if raw["need"] is None else "set_cover"
    limit = {"p": args.get("p"), "budget": args.get("budget"), "need": raw["need"]}
    prob = _Problem.of(goal, raw, int(raw["n_rows"]), "rows", **limit)
    return _solve_matrix_problem(prob, time_limit, heuristic, start)


def exact_matrix(
    goal: str, args: dict[str, Any], time_limit: float | None, heuristic: Callable[[], _core.Solution]
) -> _core.Solution:
    """Solve ``solve.p_median`` (``goal="p_median"``) or ``solve.p_center`` (``goal="p_center"``) with HiGHS.

    Parameters
    ----------
    goal : {"p_median", "p_center"}
        The objective.
    args : dict
        Keyword arguments of ``_core.exact_matrix_problem``: the engine's, without seed and time limit.
    time_limit : float or None
        Seconds HiGHS may run.
    heuristic : callable
        Runs the engine; called only when HiGHS stops on time before finding any solution.

    Returns
    -------
    villageplan._core.Solution
        The solution, certified by HiGHS's dual bound.

    Raises
    ------
    ImportError
        When ``highspy`` is not installed (``pip install villageplan[exact]``).
    InvalidInputError
        As the engine, from the same checks; ``exact`` for a problem too large for the MIP.
    InfeasibleError
        As the engine when a row cannot be reached at all, and when no ``p`` sites reach every
        (weighted) row.
    """
    _highspy()
    start = time.perf_counter()
    raw = _core.exact_matrix_problem(goal=goal, time_limit=time_limit, **args)
    prob = _Problem.of(goal, raw, int(raw["n_rows"]), "rows", p=int(args["p"]), unserved=raw["unserved_cost"])
    return _solve_matrix_problem(prob, time_limit, heuristic, start)


def exact_capacitated(
    args: dict[str, Any], time_limit: float | None, heuristic: Callable[[], _core.Solution]
) -> _core.Solution:
    """Solve ``solve.capacitated_p_median`` with HiGHS.

    Parameters
    ----------
    args : dict
        Keyword arguments of ``_core.exact_capacitated_problem``: ``costs``, ``p``, ``demand``,
        ``capacity``.
    time_limit : float or None
        Seconds HiGHS may run.
    heuristic : callable
        Runs the engine; called only when HiGHS stops on time before finding any solution.

    Returns
    -------
    villageplan._core.Solution
        The solution, certified by HiGHS's dual bound; its assignment is the MIP's.

    Raises
    ------
    ImportError
        When ``highspy`` is not installed (``pip install villageplan[exact]``).
    InvalidInputError
        As the engine, from the same checks; ``exact`` for a problem too large for the MIP.
    InfeasibleError
        As the engine's checks, and when no assignment to ``p`` sites fits the capacities.
    """
    _highspy()
    start = time.perf_counter()
    raw = _core.exact_capacitated_problem(time_limit=time_limit, **args)
    capacity = np.asarray(raw["capacity"], dtype=np.float64)
    prob = _Problem.of("capacitated_p_median", raw, int(raw["n_rows"]), "rows", p=int(args["p"]), capacity=capacity)
    return _solve_matrix_problem(prob, time_limit, heuristic, start)


def exact_objective(
    core_county: _core.County,
    goal: str,
    options: dict[str, Any],
    time_limit: float | None,
    heuristic: Callable[[], _core.Plan],
) -> _core.Plan:
    """Plan a county objective (``max_coverage``, ``p_median`` or ``p_center``) with HiGHS.

    Parameters
    ----------
    core_county : villageplan._core.County
        The county.
    goal : {"max_coverage", "p_median", "p_center"}
        The objective.
    options : dict
        Keyword arguments of ``_core.exact_objective_problem``: ``p``, ``budget``, ``radius``,
        ``by``, ``within_town``, ``fixed``, ``forbidden``, ``metric``, ``minutes``.
    time_limit : float or None
        Seconds HiGHS may run; when it stops early the plan carries HiGHS's dual bound and the
        status ``time_limit``.
    heuristic : callable
        Runs the engine's planner; called only when HiGHS stops on time before finding any plan.

    Returns
    -------
    villageplan._core.Plan
        The plan of the centres HiGHS opens, made by the core as for the engine's plans; its bound
        is HiGHS's proven dual bound.

    Raises
    ------
    ImportError
        When ``highspy`` is not installed (``pip install villageplan[exact]``).
    InvalidInputError, InfeasibleError
        As the engine's planner, from the same checks; ``exact`` for a problem too large for the MIP.
    """
    highspy = _highspy()
    start = time.perf_counter()
    raw = _core.exact_objective_problem(core_county, goal, time_limit=time_limit, **options)
    limit = {"p": options.get("p"), "budget": options.get("budget")}
    prob = _Problem.of(goal, raw, int(raw["n_villages"]), "villages", **limit)
    try:
        outcome = _run_mip(highspy, prob, time_limit)
    except _Infeasible:
        raise _infeasible(prob, "village") from None
    if outcome.open is None:
        engine = heuristic()
        centres = _core_centre_ids(engine)
        bound, timed_out, nodes = _better(prob, engine.bound, _bound(prob, outcome, None)), True, outcome.nodes
    else:
        ids = core_county.sites_columns()["id"]
        centres = [ids[s] for s in np.flatnonzero(outcome.open)]
        bound = _bound(prob, outcome, _evaluate(prob, outcome.open)[1])
        timed_out, nodes = outcome.timed_out, outcome.nodes
    seconds = time.perf_counter() - start
    return _core.plan_objective_with_centres(core_county, goal, centres, bound, timed_out, seconds, nodes, **options)
