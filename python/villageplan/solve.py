"""Low-level solvers on a plain demand x site cost matrix, in the manner of spopt.

Each function takes ``costs``, a 2-D NumPy array with one row per demand point and one column
per candidate site (metres, minutes or any non-negative cost; ``inf`` for unreachable), and
returns a :class:`Solution`: the open sites (column indices), each row's serving site (-1 when
unserved), the objective, a proven ``bound`` on the optimum, the relative ``gap`` and a
``status`` that is ``"optimal"`` only when the gap is proven to be zero.

Examples
--------
>>> import numpy as np
>>> import villageplan as vp
>>> x = np.arange(7) * 1000.0                     # 7 points on a line, 1 km apart
>>> costs = np.abs(x[:, None] - x[None, :])
>>> s = vp.solve.max_coverage(costs, radius=1000, p=2)
>>> s.objective, s.status
(6.0, 'optimal')
>>> s = vp.solve.set_cover(costs, radius=1000)
>>> len(s.sites), s.status
(3, 'optimal')
>>> s = vp.solve.p_median(costs, p=2)
>>> s.objective, s.status
(6000.0, 'optimal')
>>> vp.solve.p_center(costs, p=2).objective
2000.0
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import Any

import numpy as np
import numpy.typing as npt

from villageplan import _core
from villageplan._core import Solution
from villageplan._progress import progress_bar

__all__ = ["Solution", "capacitated_p_median", "max_coverage", "p_center", "p_median", "set_cover"]


def _costs(costs: Any) -> dict[str, Any]:
    """Keyword arguments for a dense matrix, or for a SciPy sparse matrix in CSC form."""
    if hasattr(costs, "tocsc") and hasattr(costs, "nnz"):
        csc = costs.tocsc()
        csc.sort_indices()
        n, m = csc.shape
        return {
            "costs": None,
            "csc": (
                int(n),
                int(m),
                np.ascontiguousarray(csc.indptr, dtype=np.int64),
                np.ascontiguousarray(csc.indices, dtype=np.int64),
                np.ascontiguousarray(csc.data, dtype=np.float64),
            ),
        }
    return {"costs": _matrix(costs)}


def _matrix(costs: npt.ArrayLike) -> np.ndarray:
    a = np.ascontiguousarray(costs, dtype=np.float64)
    if a.ndim != 2:
        from villageplan.exceptions import InvalidInputError

        raise InvalidInputError(f"invalid `costs`: expected a 2-D demand x site array, got {a.ndim} dimension(s)")
    return a


def _vector(v: npt.ArrayLike | None) -> np.ndarray | None:
    return None if v is None else np.ascontiguousarray(v, dtype=np.float64)


def _indices(v: Iterable[int] | None) -> list[int] | None:
    return None if v is None else [int(i) for i in v]


def _run(
    goal: str, args: dict[str, Any], seed: int, time_limit: float | None, progress: bool | None, exact: bool
) -> Solution:
    """Run the engine's solver of ``goal`` on ``args``, or with ``exact`` the HiGHS MIP of the same problem."""
    core = getattr(_core, f"solve_{goal}")
    if not exact:
        with progress_bar(progress, goal) as bar:
            return core(seed=seed, time_limit=time_limit, progress=bar, **args)
    from villageplan import exact as mip

    # The engine's answer, used only when HiGHS stops on time without any solution.
    heuristic = partial(core, seed=seed, time_limit=time_limit, **args)
    if goal in ("max_coverage", "set_cover"):
        return mip.exact_cover(args, time_limit, heuristic)
    if goal == "capacitated_p_median":
        return mip.exact_capacitated(args, time_limit, heuristic)
    return mip.exact_matrix(goal, args, time_limit, heuristic)


def max_coverage(
    costs: Any,
    radius: float,
    p: int | None = None,
    budget: float | None = None,
    site_costs: npt.ArrayLike | None = None,
    weights: npt.ArrayLike | None = None,
    fixed: Iterable[int] | None = None,
    forbidden: Iterable[int] | None = None,
    seed: int = 0,
    time_limit: float | None = None,
    *,
    progress: bool | None = None,
    exact: bool = False,
) -> Solution:
    """Cover the most demand with at most ``p`` sites, or within a ``budget`` (MCLP).

    Parameters
    ----------
    costs : array_like or scipy.sparse matrix, shape (n_demand, n_sites)
        Distance (or cost) from each demand point to each site; a row is covered by a site when
        the entry is ``<= radius``. For large cases pass a SciPy sparse matrix holding only the
        pairs within reach (absent entries are unreachable); it is read without densifying.
    radius : float
        Coverage radius, in the units of ``costs`` (metres for distances).
    p : int, optional
        Most sites open in total, fixed sites included. Give ``p`` or ``budget``.
    budget : float, optional
        Most total ``site_costs`` of the sites opened beyond the fixed ones.
    site_costs : array_like, shape (n_sites,), optional
        Cost of opening each site (default 1 each).
    weights : array_like, shape (n_demand,), optional
        Demand of each row (default 1 each).
    fixed, forbidden : iterable of int, optional
        Sites always open / never open.
    seed : int, default 0
        Seed of the local search.
    time_limit : float, optional
        Seconds; the best solution so far is returned with status ``"time_limit"``.
    progress : bool, optional
        Show a progress bar (tqdm) while the solver runs: None (default) shows one in a terminal
        or notebook for solves longer than half a second, True always, False never. Ctrl-C stops
        the solve within a fraction of a second and raises ``KeyboardInterrupt``.
    exact : bool, default False
        Solve the same problem as a mixed-integer programme with HiGHS (``pip install
        villageplan[exact]``) instead of the engine, to check it on small and medium cases. The
        Solution has the same shape; its bound is HiGHS's dual bound and its status ``"optimal"``
        only when that closes the gap (``"time_limit"`` when ``time_limit`` stopped HiGHS first).
        ``seed`` and ``progress`` are not used. Problems with more than 5 million coverage pairs
        (entries within the radius) are refused.

    Returns
    -------
    Solution
        ``objective`` is the covered demand; ``bound`` an upper bound on the optimum.

    Raises
    ------
    InvalidInputError
        For a malformed matrix or vector, both or neither of ``p`` and ``budget``, or a
        negative budget; with ``exact``, for a problem too large for the MIP (``field ==
        "exact"``).
    ImportError
        With ``exact`` when HiGHS is not installed (``pip install villageplan[exact]``).

    Notes
    -----
    With ``p``: a presolve, a greedy and a swap descent, then a Lagrangian branch and bound that
    often proves the plan optimal. Meanwhile a second thread polishes its first completions and
    solves the problem restricted to the sites of those local optima exactly, which usually finds
    the optimum within milliseconds, so a short ``time_limit`` already returns it (unproven,
    status ``"time_limit"``). When the tree cannot prove a plan, a parallel local search improves
    it and the local optima it reaches are merged and solved the same way; the plan then comes
    with its proven gap (status ``"feasible"``). The result is the same at any thread count.
    """
    args: dict[str, Any] = {
        "radius": float(radius),
        "p": p,
        "budget": budget,
        "site_costs": _vector(site_costs),
        "weights": _vector(weights),
        "fixed": _indices(fixed),
        "forbidden": _indices(forbidden),
        **_costs(costs),
    }
    return _run("max_coverage", args, seed, time_limit, progress, exact)


def set_cover(
    costs: Any,
    radius: float,
    share: float = 1.0,
    site_costs: npt.ArrayLike | None = None,
    weights: npt.ArrayLike | None = None,
    fixed: Iterable[int] | None = None,
    forbidden: Iterable[int] | None = None,
    seed: int = 0,
    time_limit: float | None = None,
    *,
    progress: bool | None = None,
    exact: bool = False,
) -> Solution:
    """Open the cheapest set of sites covering at least ``share`` of the demand (LSCP).

    With ``share=1`` this is the location set covering problem (Toregas et al. 1971); below 1, the
    partial cover the planner uses for coverage targets.

    Parameters
    ----------
    costs : array_like or scipy.sparse matrix, shape (n_demand, n_sites)
        Distance (or cost) from each demand point to each site; a SciPy sparse matrix (only the
        pairs within reach) avoids a dense matrix for large cases.
    radius : float
        Coverage radius, in the units of ``costs``.
    share : float, default 1.0
        Share of total demand to cover, in (0, 1].
    site_costs : array_like, shape (n_sites,), optional
        Cost of opening each site (default 1 each: the fewest sites).
    weights : array_like, shape (n_demand,), optional
        Demand of each row (default 1 each).
    fixed, forbidden : iterable of int, optional
        Sites always open / never open.
    seed : int, default 0
        Seed of the local search.
    time_limit : float, optional
        Seconds; the best solution so far is returned with status ``"time_limit"``.
    progress : bool, optional
        Show a progress bar (tqdm) while the solver runs: None (default) shows one in a terminal
        or notebook for solves longer than half a second, True always, False never. Ctrl-C stops
        the solve within a fraction of a second and raises ``KeyboardInterrupt``.
    exact : bool, default False
        Solve the same problem as a mixed-integer programme with HiGHS (``pip install
        villageplan[exact]``) instead of the engine, to check it on small and medium cases. The
        Solution has the same shape; its bound is HiGHS's dual bound and its status ``"optimal"``
        only when that closes the gap (``"time_limit"`` when ``time_limit`` stopped HiGHS first).
        ``seed`` and ``progress`` are not used. Problems with more than 5 million coverage pairs
        (entries within the radius) are refused.

    Returns
    -------
    Solution
        ``objective`` is the total cost of the sites opened beyond the fixed ones; ``bound`` a
        lower bound on the optimum.

    Raises
    ------
    InvalidInputError
        For a malformed matrix or vector or a share outside (0, 1]; with ``exact``, for a problem
        too large for the MIP (``field == "exact"``).
    InfeasibleError
        When even every allowed site cannot cover ``share``; ``achievable`` says how much can.
    ImportError
        With ``exact`` when HiGHS is not installed (``pip install villageplan[exact]``).
    """
    args: dict[str, Any] = {
        "radius": float(radius),
        "share": share,
        "site_costs": _vector(site_costs),
        "weights": _vector(weights),
        "fixed": _indices(fixed),
        "forbidden": _indices(forbidden),
        **_costs(costs),
    }
    return _run("set_cover", args, seed, time_limit, progress, exact)


def p_median(
    costs: npt.ArrayLike,
    p: int,
    weights: npt.ArrayLike | None = None,
    fixed: Iterable[int] | None = None,
    forbidden: Iterable[int] | None = None,
    radius: float | None = None,
    unserved_cost: float | None = None,
    seed: int = 0,
    time_limit: float | None = None,
    *,
    progress: bool | None = None,
    exact: bool = False,
) -> Solution:
    """Open exactly ``p`` sites minimising the weighted total distance (p-median).

    The engine combines greedy construction, the fast interchange of Resende & Werneck (2004), a
    Lagrangian lower bound (Cornuejols, Fisher & Nemhauser 1977) with site fixing, parallel
    iterated local search and a Lagrangian branch and bound; it reaches the optimum on all 40
    OR-Library pmed instances (see BENCHMARKS.md).

    Parameters
    ----------
    costs : array_like, shape (n_demand, n_sites)
        Distance (or cost) from each demand point to each site; ``inf`` for unreachable.
    p : int
        Number of open sites, fixed sites included.
    weights : array_like, shape (n_demand,), optional
        Demand of each row (default 1 each).
    fixed, forbidden : iterable of int, optional
        Sites always open / never open.
    radius, unserved_cost : float, optional
        Give both to cap service at ``radius``: a row farther than ``radius`` from every open
        site costs ``unserved_cost`` (per unit weight) and gets assignment -1.
    seed : int, default 0
        Seed of the randomised search; results do not depend on the thread count.
    time_limit : float, optional
        Seconds; the best solution so far is returned with status ``"time_limit"``.
    progress : bool, optional
        Show a progress bar (tqdm) while the solver runs: None (default) shows one in a terminal
        or notebook for solves longer than half a second, True always, False never. Ctrl-C stops
        the solve within a fraction of a second and raises ``KeyboardInterrupt``.
    exact : bool, default False
        Solve the same problem as a mixed-integer programme with HiGHS (``pip install
        villageplan[exact]``) instead of the engine, to check it on small and medium cases. The
        Solution has the same shape; its bound is HiGHS's dual bound and its status ``"optimal"``
        only when that closes the gap (``"time_limit"`` when ``time_limit`` stopped HiGHS first).
        ``seed`` and ``progress`` are not used. Problems with more than 5 million assignment pairs
        (finite entries, within the radius when given) are refused.

    Returns
    -------
    Solution
        ``objective`` is the weighted total distance; ``bound`` a lower bound on the optimum.

    Raises
    ------
    InvalidInputError
        For a malformed matrix or vector, ``p`` of 0 or above the number of allowed sites; with
        ``exact``, for a problem too large for the MIP (``field == "exact"``).
    InfeasibleError
        When a weighted row cannot be reached from any site (with ``exact``, also when no ``p``
        sites reach every weighted row).
    ImportError
        With ``exact`` when HiGHS is not installed (``pip install villageplan[exact]``).
    """
    args: dict[str, Any] = {
        "costs": _matrix(costs),
        "p": int(p),
        "weights": _vector(weights),
        "fixed": _indices(fixed),
        "forbidden": _indices(forbidden),
        "radius": radius,
        "unserved_cost": unserved_cost,
    }
    return _run("p_median", args, seed, time_limit, progress, exact)


def p_center(
    costs: npt.ArrayLike,
    p: int,
    fixed: Iterable[int] | None = None,
    forbidden: Iterable[int] | None = None,
    seed: int = 0,
    time_limit: float | None = None,
    *,
    progress: bool | None = None,
    exact: bool = False,
) -> Solution:
    """Open exactly ``p`` sites minimising the largest distance to the nearest open site (p-center).

    Binary search over the distinct distances with set-cover feasibility proofs (Minieka 1970;
    Daskin 1995); it proves the optimum on all 40 OR-Library graphs (see BENCHMARKS.md).

    Parameters
    ----------
    costs : array_like, shape (n_demand, n_sites)
        Distance from each demand point to each site.
    p : int
        Number of open sites, fixed sites included.
    fixed, forbidden : iterable of int, optional
        Sites always open / never open.
    seed : int, default 0
        Seed of the randomised search.
    time_limit : float, optional
        Seconds; the best solution so far is returned with status ``"time_limit"``.
    progress : bool, optional
        Show a progress bar (tqdm) while the solver runs: None (default) shows one in a terminal
        or notebook for solves longer than half a second, True always, False never. Ctrl-C stops
        the solve within a fraction of a second and raises ``KeyboardInterrupt``.
    exact : bool, default False
        Solve the same problem as a mixed-integer programme with HiGHS (``pip install
        villageplan[exact]``) instead of the engine, to check it on small and medium cases. The
        Solution has the same shape; its bound is HiGHS's dual bound and its status ``"optimal"``
        only when that closes the gap (``"time_limit"`` when ``time_limit`` stopped HiGHS first).
        ``seed`` and ``progress`` are not used. Problems with more than 5 million assignment pairs
        (finite entries) are refused.

    Returns
    -------
    Solution
        ``objective`` is the largest distance; ``bound`` a lower bound on the optimum.

    Raises
    ------
    InvalidInputError
        For a malformed matrix or ``p`` of 0 or above the number of allowed sites; with
        ``exact``, for a problem too large for the MIP (``field == "exact"``).
    InfeasibleError
        When a row cannot be reached from any allowed site (with ``exact``, also when no ``p``
        sites reach every row).
    ImportError
        With ``exact`` when HiGHS is not installed (``pip install villageplan[exact]``).
    """
    args: dict[str, Any] = {
        "costs": _matrix(costs),
        "p": int(p),
        "fixed": _indices(fixed),
        "forbidden": _indices(forbidden),
    }
    return _run("p_center", args, seed, time_limit, progress, exact)


def capacitated_p_median(
    costs: npt.ArrayLike,
    p: int,
    demand: npt.ArrayLike,
    capacity: npt.ArrayLike,
    seed: int = 0,
    time_limit: float | None = None,
    *,
    progress: bool | None = None,
    exact: bool = False,
) -> Solution:
    """Open exactly ``p`` sites and assign each row whole to one, within the sites' capacities.

    The capacitated p-median problem (CPMP): minimise the total assignment cost
    ``sum costs[i, site(i)]`` (not weighted by demand, as in the Osman-Christofides and Lorena-Senne
    benchmark sets) so that the demand assigned to each open site stays within its capacity.
    The engine starts from the uncapacitated p-median, whose proven bound is also this
    problem's bound, and improves with a seeded, parallel iterated local search over site swaps
    and a generalised-assignment heuristic; it reaches about 0.1% of the optimum on the
    published sets (see BENCHMARKS.md).

    Parameters
    ----------
    costs : array_like, shape (n, m)
        Cost of serving row ``i`` from site ``j`` (metres, minutes, ...).
    p : int
        Number of sites to open.
    demand : array_like, shape (n,)
        Demand of each row (households, people, ...), at least 0.
    capacity : array_like, shape (m,)
        Most demand each site can serve.
    seed : int, default 0
        Seed of the randomised search; the same seed gives the same answer at any thread count.
    time_limit : float, optional
        Seconds the search may run; the best solution so far is returned with status
        ``"time_limit"``.
    progress : bool, optional
        Show a progress bar (None: automatic). Ctrl-C stops the solve.
    exact : bool, default False
        Solve the same problem as a mixed-integer programme with HiGHS (``pip install
        villageplan[exact]``) instead of the engine, to check it on small cases (binary
        assignment variables with a capacity row per site). The Solution has the same shape; its
        assignment is the MIP's, its bound HiGHS's dual bound and its status ``"optimal"`` only
        when that closes the gap. ``seed`` and ``progress`` are not used. Problems with more than
        5 million assignment pairs (finite entries) are refused.

    Returns
    -------
    Solution
        ``assignment[i]`` is the site serving row ``i``; ``bound`` a proven lower bound.

    Raises
    ------
    InvalidInputError
        For a malformed matrix, demand or capacity of the wrong length or negative, or ``p`` out
        of range.
    InfeasibleError
        When no assignment within the capacities was found (for example when the total capacity
        of any ``p`` sites is below the total demand); with ``exact``, when none exists.
    ImportError
        With ``exact`` when HiGHS is not installed (``pip install villageplan[exact]``).

    Examples
    --------
    >>> import numpy as np
    >>> import villageplan as vp
    >>> x = np.arange(6) * 1000.0
    >>> costs = np.abs(x[:, None] - x[None, :])
    >>> s = vp.solve.capacitated_p_median(costs, p=2, demand=np.ones(6), capacity=np.full(6, 3.0))
    >>> s.sites.tolist(), s.objective
    ([1, 4], 4000.0)
    """
    args: dict[str, Any] = {
        "costs": _matrix(costs),
        "p": int(p),
        "demand": np.ascontiguousarray(demand, dtype=np.float64),
        "capacity": np.ascontiguousarray(capacity, dtype=np.float64),
    }
    return _run("capacitated_p_median", args, seed, time_limit, progress, exact)
