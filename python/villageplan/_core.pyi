"""Type stubs of the Rust extension module ``villageplan._core``.

The public API is the ``villageplan`` package, which wraps these classes; use that.
"""

import os
from typing import Any, final

import numpy as np
import numpy.typing as npt

__all__ = [
    "COVERAGE_TARGET",
    "SERVICE_RADIUS_M",
    "County",
    "InfeasibleError",
    "InvalidInputError",
    "Plan",
    "PlanningError",
    "Solution",
    "__version__",
    "_county_from_json_bytes",
    "_plan_from_json_bytes",
    "covering_problem",
    "max_coverage",
    "p_center",
    "p_median",
    "plan",
    "plan_with_centres",
    "read_csv",
    "read_geojson",
    "read_orlib_pmed",
    "sample_county",
    "solve_max_coverage",
    "solve_p_center",
    "solve_p_median",
    "solve_set_cover",
]

__version__: str
SERVICE_RADIUS_M: float
COVERAGE_TARGET: float

class PlanningError(Exception):
    """Base class of every error raised by villageplan."""

class InvalidInputError(PlanningError, ValueError):
    """A value of the input or a parameter is not acceptable."""

    field: str | None
    row: int | None
    id: str | None

class InfeasibleError(PlanningError):
    """The request cannot be met on this input."""

    achievable: float

_F64 = npt.NDArray[np.float64]
_I64 = npt.NDArray[np.int64]
_Bool = npt.NDArray[np.bool_]

@final
class County:
    """A validated county: villages, towns and candidate sites."""

    @staticmethod
    def from_arrays(
        id: list[str],
        x: _F64,
        y: _F64,
        population: _F64,
        *,
        name: list[str] | None = None,
        town: list[str] | None = None,
        households: _F64 | None = None,
        status: list[str] | None = None,
        floor_area: _F64 | None = None,
        cost: _F64 | None = None,
        crs: str = "geographic",
    ) -> County:
        """Build a county from columns, one entry per village."""

    @staticmethod
    def from_json(text: str) -> County:
        """Read a county written by ``to_json``."""

    def to_json(self) -> str:
        """Return the county as JSON text."""

    def with_name(self, name: str) -> County:
        """Return the same county under another display name."""

    @property
    def name(self) -> str:
        """Display name."""

    @property
    def crs(self) -> str:
        """``"geographic"`` or ``"planar"``."""

    @property
    def n_villages(self) -> int:
        """Number of villages."""

    @property
    def n_sites(self) -> int:
        """Number of candidate sites."""

    @property
    def towns(self) -> list[str]:
        """Town names."""

    @property
    def total_population(self) -> float:
        """Total population."""

    def site_status_counts(self) -> dict[str, int]:
        """Count the candidate sites per status."""

    def villages_columns(self) -> dict[str, Any]:
        """Villages as columns: id, name, town, lon/lat or x/y, population, households."""

    def sites_columns(self) -> dict[str, Any]:
        """Sites as columns: id, village, town, lon/lat or x/y, status, floor_area, cost."""

    def coverage(self, radius: float, within_town: bool = True) -> dict[str, Any]:
        """Sparse site -> villages coverage (CSR): ``indptr``, ``villages``, ``distances`` (metres)."""

    def __reduce__(self) -> tuple[Any, tuple[bytes]]: ...
    def __eq__(self, value: object, /) -> bool: ...

@final
class Plan:
    """A plan: centres, communities, assignments, cost, coverage and the solver's certificate."""

    @property
    def coverage(self) -> float:
        """Share of villages covered."""

    @property
    def population_coverage(self) -> float:
        """Share of population covered."""

    @property
    def cost(self) -> float:
        """Total cost, yuan."""

    @property
    def status(self) -> str:
        """``"optimal"``, ``"feasible"`` or ``"time_limit"``."""

    @property
    def gap(self) -> float:
        """Relative optimality gap."""

    @property
    def bound(self) -> float:
        """Proven bound on the objective (upper for ``max_coverage``)."""

    @property
    def objective(self) -> float:
        """Objective value."""

    @property
    def objective_kind(self) -> str:
        """``"count"`` or ``"cost"``."""

    @property
    def goal(self) -> str:
        """``"target"``, ``"max_coverage"``, ``"p_median"`` or ``"p_center"``."""

    @property
    def p(self) -> int | None:
        """Number of centres asked for, or None."""

    @property
    def budget(self) -> float | None:
        """Budget in yuan (``max_coverage`` with a budget), or None."""

    @property
    def radius(self) -> float:
        """Service radius, metres."""

    @property
    def target(self) -> float:
        """Coverage target share."""

    @property
    def by(self) -> str:
        """``"villages"`` or ``"population"``."""

    @property
    def within_town(self) -> bool:
        """Whether communities stay inside one town."""

    @property
    def seed(self) -> int:
        """Seed."""

    @property
    def capacity(self) -> float | None:
        """Most load per centre (households or people), or None."""

    @property
    def capacity_by(self) -> str:
        """``"households"`` or ``"population"``."""

    @property
    def max_villages(self) -> int | None:
        """Most villages per community, or None."""

    @property
    def n_centres(self) -> int:
        """Number of centres."""

    @property
    def n_covered(self) -> int:
        """Number of covered villages."""

    @property
    def seconds(self) -> float:
        """Wall-clock seconds of the solve."""

    @property
    def iterations(self) -> int:
        """Solver iterations."""

    @property
    def county(self) -> County:
        """The county the plan is for."""

    def centres_columns(self) -> dict[str, Any]:
        """One entry per centre."""

    def communities_columns(self) -> dict[str, Any]:
        """One entry per community."""

    def assignments_columns(self) -> dict[str, Any]:
        """One entry per village."""

    def town_summary_columns(self) -> dict[str, Any]:
        """One entry per town."""

    def to_json(self) -> str:
        """Return the plan as JSON text."""

    @staticmethod
    def from_json(text: str) -> Plan:
        """Read a plan from JSON text."""

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the plan as JSON."""

    @staticmethod
    def load(path: str | os.PathLike[str]) -> Plan:
        """Read a plan saved with ``save``."""

    def to_geojson(self, path: str | os.PathLike[str] | None = None) -> str | None:
        """Return or write the plan as GeoJSON."""

    def __reduce__(self) -> tuple[Any, tuple[bytes]]: ...
    def __eq__(self, value: object, /) -> bool: ...

def plan(
    county: County,
    radius: float = 2000.0,
    target: float = 0.6,
    by: str = "villages",
    within_town: bool = True,
    objective: str = "auto",
    fixed: list[str] | None = None,
    forbidden: list[str] | None = None,
    seed: int = 0,
    time_limit: float | None = None,
    capacity: float | None = None,
    capacity_by: str = "households",
    max_villages: int | None = None,
) -> Plan:
    """Plan a county to a coverage target, optionally under a centre capacity and a village limit."""

def max_coverage(
    county: County,
    radius: float = 2000.0,
    p: int | None = None,
    budget: float | None = None,
    by: str = "villages",
    within_town: bool = True,
    fixed: list[str] | None = None,
    forbidden: list[str] | None = None,
    seed: int = 0,
    time_limit: float | None = None,
) -> Plan:
    """Plan the most coverage with at most ``p`` centres or within a budget."""

def p_median(
    county: County,
    p: int,
    radius: float = 2000.0,
    by: str = "villages",
    within_town: bool = True,
    fixed: list[str] | None = None,
    forbidden: list[str] | None = None,
    seed: int = 0,
    time_limit: float | None = None,
) -> Plan:
    """Plan ``p`` centres with the least total village-centre distance."""

def p_center(
    county: County,
    p: int,
    radius: float = 2000.0,
    by: str = "villages",
    within_town: bool = True,
    fixed: list[str] | None = None,
    forbidden: list[str] | None = None,
    seed: int = 0,
    time_limit: float | None = None,
) -> Plan:
    """Plan ``p`` centres with the least largest village-centre distance."""

def plan_with_centres(
    county: County,
    centres: list[str],
    bound: float | None = None,
    timed_out: bool = False,
    radius: float = 2000.0,
    target: float = 0.6,
    by: str = "villages",
    within_town: bool = True,
    objective: str = "auto",
    fixed: list[str] | None = None,
    forbidden: list[str] | None = None,
    capacity: float | None = None,
    capacity_by: str = "households",
    max_villages: int | None = None,
) -> Plan:
    """Plan with the given centres and an outside lower bound."""

def covering_problem(
    county: County,
    radius: float = 2000.0,
    target: float = 0.6,
    by: str = "villages",
    within_town: bool = True,
    objective: str = "auto",
    fixed: list[str] | None = None,
    forbidden: list[str] | None = None,
) -> dict[str, Any]:
    """Return the covering problem behind a plan as arrays (CSR, weights, costs, fixed, allowed, need)."""

def sample_county(seed: int = 2008) -> County:
    """Make the seeded synthetic sample county."""

def read_csv(
    path: str | os.PathLike[str],
    *,
    id: str | None = None,
    x: str | None = None,
    y: str | None = None,
    population: str | None = None,
    name: str | None = None,
    town: str | None = None,
    households: str | None = None,
    status: str | None = None,
    floor_area: str | None = None,
    cost: str | None = None,
    crs: str = "geographic",
) -> County:
    """Read villages from a CSV file."""

def read_geojson(
    path: str | os.PathLike[str],
    *,
    id: str | None = None,
    population: str | None = None,
    name: str | None = None,
    town: str | None = None,
    households: str | None = None,
    status: str | None = None,
    floor_area: str | None = None,
    cost: str | None = None,
    crs: str | None = None,
) -> County:
    """Read villages from a GeoJSON FeatureCollection of points."""

def _county_from_json_bytes(data: bytes) -> County: ...
def _plan_from_json_bytes(data: bytes) -> Plan: ...

@final
class Solution:
    """A solver result on a cost matrix."""

    @property
    def sites(self) -> npt.NDArray[np.int64]:
        """Column indices of the open sites, ascending."""

    @property
    def assignment(self) -> npt.NDArray[np.int64]:
        """Serving site per row, -1 when unserved."""

    @property
    def objective(self) -> float:
        """Objective value."""

    @property
    def bound(self) -> float:
        """Proven bound on the optimum (lower when minimising, upper when maximising)."""

    @property
    def gap(self) -> float:
        """Relative gap between objective and bound; 0 when proven optimal."""

    @property
    def status(self) -> str:
        """``"optimal"``, ``"feasible"`` or ``"time_limit"``."""

    @property
    def sense(self) -> str:
        """``"minimize"`` or ``"maximize"``."""

    @property
    def seconds(self) -> float:
        """Wall-clock seconds spent."""

    @property
    def iterations(self) -> int:
        """Solver iterations."""

def solve_max_coverage(
    costs: npt.NDArray[np.float64] | None,
    radius: float,
    p: int | None = None,
    budget: float | None = None,
    site_costs: npt.NDArray[np.float64] | None = None,
    weights: npt.NDArray[np.float64] | None = None,
    fixed: list[int] | None = None,
    forbidden: list[int] | None = None,
    seed: int = 0,
    time_limit: float | None = None,
    csc: tuple[int, int, npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float64]] | None = None,
) -> Solution:
    """Solve maximal coverage on a dense cost matrix."""

def solve_set_cover(
    costs: npt.NDArray[np.float64] | None,
    radius: float,
    share: float = 1.0,
    site_costs: npt.NDArray[np.float64] | None = None,
    weights: npt.NDArray[np.float64] | None = None,
    fixed: list[int] | None = None,
    forbidden: list[int] | None = None,
    seed: int = 0,
    time_limit: float | None = None,
    csc: tuple[int, int, npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float64]] | None = None,
) -> Solution:
    """Solve least-cost (partial) set cover on a dense cost matrix."""

def solve_p_median(
    costs: npt.NDArray[np.float64],
    p: int,
    weights: npt.NDArray[np.float64] | None = None,
    fixed: list[int] | None = None,
    forbidden: list[int] | None = None,
    radius: float | None = None,
    unserved_cost: float | None = None,
    seed: int = 0,
    time_limit: float | None = None,
) -> Solution:
    """Solve the p-median problem on a dense cost matrix."""

def solve_p_center(
    costs: npt.NDArray[np.float64],
    p: int,
    fixed: list[int] | None = None,
    forbidden: list[int] | None = None,
    seed: int = 0,
    time_limit: float | None = None,
) -> Solution:
    """Solve the vertex p-center problem on a dense cost matrix."""

def read_orlib_pmed(path: str | os.PathLike[str]) -> tuple[npt.NDArray[np.float64], int]:
    """Read an OR-Library p-median file as (all-pairs distances, p)."""
