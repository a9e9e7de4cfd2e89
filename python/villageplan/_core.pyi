"""Type stubs of the Rust extension module ``villageplan._core``.

The public API is the ``villageplan`` package, which wraps these classes; use that.
"""

import os
from collections.abc import Callable
from typing import Any, final

import numpy as np
import numpy.typing as npt

__all__ = [
    "COVERAGE_TARGET",
    "SERVICE_RADIUS_M",
    "Assessment",
    "Budget",
    "CostModel",
    "County",
    "Facts",
    "InfeasibleError",
    "InvalidInputError",
    "Plan",
    "PlanningError",
    "Scenario",
    "Schedule",
    "Simulation",
    "Solution",
    "Standard",
    "__version__",
    "_county_from_json_bytes",
    "_debug_panic",
    "_plan_for_scenario",
    "_plan_from_json_bytes",
    "_schedule_from_json_bytes",
    "_simulate_range",
    "_simulation_concat",
    "_simulation_from_json_bytes",
    "_simulation_to_json_bytes",
    "assess",
    "cheapest_plans",
    "cost_curve",
    "county_read_roads",
    "county_with_road_edges",
    "county_with_road_lines",
    "county_without_roads",
    "covering_problem",
    "exact_capacitated_problem",
    "exact_cover_problem",
    "exact_matrix_problem",
    "exact_objective_problem",
    "funding_sources",
    "max_coverage",
    "network_coverage_columns",
    "p_center",
    "p_median",
    "plan",
    "plan_objective_with_centres",
    "plan_with_centres",
    "read_csv",
    "read_geojson",
    "read_orlib_pmed",
    "road_columns",
    "road_summary",
    "sample_county",
    "sample_facts",
    "schedule_plan",
    "simulate",
    "solve_capacitated_p_median",
    "solve_max_coverage",
    "solve_p_center",
    "solve_p_median",
    "solve_set_cover",
    "sweep",
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
    def metric(self) -> str:
        """``"straight"`` or ``"network"``."""

    @property
    def minutes(self) -> float | None:
        """Service limit in travel minutes, or None."""

    def unreachable_columns(self) -> dict[str, Any]:
        """Villages no site can reach: village, reason, detail."""

    def network_summary(self) -> dict[str, Any] | None:
        """How a network plan used the roads, or None."""

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

    def to_geojson(self, path: str | os.PathLike[str] | None = None, routes: bool = False) -> str | None:
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
    metric: str = "straight",
    minutes: float | None = None,
    *,
    progress: Callable[[int, int], object] | None = None,
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
    metric: str = "straight",
    minutes: float | None = None,
    capacity: float | None = None,
    capacity_by: str = "households",
    max_villages: int | None = None,
    *,
    progress: Callable[[int, int], object] | None = None,
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
    metric: str = "straight",
    minutes: float | None = None,
    *,
    progress: Callable[[int, int], object] | None = None,
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
    metric: str = "straight",
    minutes: float | None = None,
    *,
    progress: Callable[[int, int], object] | None = None,
) -> Plan:
    """Plan ``p`` centres with the least largest village-centre distance."""

def exact_objective_problem(
    county: County,
    goal: str,
    p: int | None = None,
    budget: float | None = None,
    radius: float = 2000.0,
    by: str = "villages",
    within_town: bool = True,
    fixed: list[str] | None = None,
    forbidden: list[str] | None = None,
    time_limit: float | None = None,
    metric: str = "straight",
    minutes: float | None = None,
) -> dict[str, Any]:
    """Return the problem of a county objective as arrays (pairs by site, weights, costs, fixed, allowed)."""

def plan_objective_with_centres(
    county: County,
    goal: str,
    centres: list[str],
    bound: float,
    timed_out: bool = False,
    seconds: float = 0.0,
    iterations: int = 0,
    p: int | None = None,
    budget: float | None = None,
    radius: float = 2000.0,
    by: str = "villages",
    within_town: bool = True,
    fixed: list[str] | None = None,
    forbidden: list[str] | None = None,
    metric: str = "straight",
    minutes: float | None = None,
) -> Plan:
    """Plan a county objective with given centres and an outside bound."""

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
    metric: str = "straight",
    minutes: float | None = None,
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
    metric: str = "straight",
    minutes: float | None = None,
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
def _debug_panic(message: str, in_thread: bool = False) -> None:
    """Panic inside the panic guard (a test hook); raises PlanningError."""

def _plan_from_json_bytes(data: bytes) -> Plan: ...
def _plan_for_scenario(county: County, scenario: Scenario) -> Plan:
    """Plan a county as ``simulate`` does: with the scenario's radius, target, by and within_town."""

def _simulate_range(plan: Plan, scenario: Scenario, first: int, runs: int, seed: int) -> Simulation:
    """Simulate runs ``first .. first + runs`` of the plan (the same run indices and seeds)."""

def _simulation_concat(parts: list[Simulation]) -> Simulation:
    """Join chunks made by ``_simulate_range`` into the simulation made in one go."""

def _simulation_to_json_bytes(simulation: Simulation) -> bytes: ...
def _simulation_from_json_bytes(data: bytes) -> Simulation: ...
def _schedule_from_json_bytes(data: bytes) -> Schedule: ...

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

    @staticmethod
    def from_parts(
        sites: list[int],
        assignment: list[int],
        objective: float,
        bound: float,
        sense: str,
        timed_out: bool = False,
        seconds: float = 0.0,
        iterations: int = 0,
    ) -> Solution:
        """Return a solution from an outside solver's parts, certified as the engine's are."""

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
    *,
    progress: Callable[[int, int], object] | None = None,
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
    *,
    progress: Callable[[int, int], object] | None = None,
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
    *,
    progress: Callable[[int, int], object] | None = None,
) -> Solution:
    """Solve the p-median problem on a dense cost matrix."""

def solve_capacitated_p_median(
    costs: npt.NDArray[np.float64],
    p: int,
    demand: npt.NDArray[np.float64],
    capacity: npt.NDArray[np.float64],
    seed: int = 0,
    time_limit: float | None = None,
    *,
    progress: Callable[[int, int], object] | None = None,
) -> Solution:
    """Solve the capacitated p-median problem on a dense cost matrix."""

def solve_p_center(
    costs: npt.NDArray[np.float64],
    p: int,
    fixed: list[int] | None = None,
    forbidden: list[int] | None = None,
    seed: int = 0,
    time_limit: float | None = None,
    *,
    progress: Callable[[int, int], object] | None = None,
) -> Solution:
    """Solve the vertex p-center problem on a dense cost matrix."""

def read_orlib_pmed(path: str | os.PathLike[str]) -> tuple[npt.NDArray[np.float64], int]:
    """Read an OR-Library p-median file as (all-pairs distances, p)."""

def exact_cover_problem(
    costs: npt.NDArray[np.float64] | None,
    radius: float,
    p: int | None = None,
    budget: float | None = None,
    share: float | None = None,
    site_costs: npt.NDArray[np.float64] | None = None,
    weights: npt.NDArray[np.float64] | None = None,
    fixed: list[int] | None = None,
    forbidden: list[int] | None = None,
    time_limit: float | None = None,
    csc: tuple[int, int, npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float64]] | None = None,
) -> dict[str, Any]:
    """Return the covering problem of ``solve_max_coverage`` / ``solve_set_cover`` as arrays, checked."""

def exact_matrix_problem(
    costs: npt.NDArray[np.float64],
    p: int,
    goal: str = "p_median",
    weights: npt.NDArray[np.float64] | None = None,
    fixed: list[int] | None = None,
    forbidden: list[int] | None = None,
    radius: float | None = None,
    unserved_cost: float | None = None,
    time_limit: float | None = None,
) -> dict[str, Any]:
    """Return the problem of ``solve_p_median`` / ``solve_p_center`` as arrays, checked."""

def exact_capacitated_problem(
    costs: npt.NDArray[np.float64],
    p: int,
    demand: npt.NDArray[np.float64],
    capacity: npt.NDArray[np.float64],
    time_limit: float | None = None,
) -> dict[str, Any]:
    """Return the problem of ``solve_capacitated_p_median`` as arrays, checked."""

# ---------------------------------------------------------------------------------------------
# Acceptance assessment (达标验收)

@final
class Standard:
    """The acceptance rules for a community service centre."""

    @staticmethod
    def default() -> Standard:
        """Return the default standard of the domain notes."""

    @staticmethod
    def from_json(text: str) -> Standard:
        """Read a standard from JSON text."""

    @staticmethod
    def load(path: str | os.PathLike[str]) -> Standard:
        """Read a standard from a JSON file."""

    def to_json(self) -> str:
        """Return the standard as pretty-printed JSON text."""

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the standard as JSON to ``path``."""

    @property
    def name(self) -> str:
        """The standard's name."""

    def __eq__(self, value: object, /) -> bool: ...

@final
class Facts:
    """What stands at each centre: building area, rooms and staff, by site id."""

    @staticmethod
    def from_columns(
        site: list[str],
        building_area: _F64,
        hall_area: _F64 | None = None,
        rooms: list[str] | None = None,
        staff: _F64 | None = None,
    ) -> Facts:
        """Build facts from columns, one entry per centre."""

    @staticmethod
    def load(path: str | os.PathLike[str]) -> Facts:
        """Read facts from a JSON (``.json``) or CSV file."""

    @staticmethod
    def from_json(text: str) -> Facts:
        """Read facts from JSON text."""

    def to_json(self) -> str:
        """Return the facts as JSON text."""

    def to_csv(self) -> str:
        """Return the facts as CSV text."""

    def columns(self) -> dict[str, Any]:
        """Return the facts as columns: site, building_area, hall_area, rooms, staff."""

    def __len__(self) -> int: ...
    def __eq__(self, value: object, /) -> bool: ...

@final
class Assessment:
    """The result of checking a plan's centres against a standard."""

    @property
    def passed(self) -> int:
        """Number of centres that pass."""

    @property
    def failed(self) -> int:
        """Number of centres that fail."""

    @property
    def n_centres(self) -> int:
        """Number of centres assessed."""

    @property
    def upgrade_cost(self) -> float:
        """Total upgrade cost of the centres whose cost is known, yuan."""

    @property
    def unused_facts(self) -> list[str]:
        """Site ids with facts that are not centres of the plan."""

    @property
    def standard(self) -> Standard:
        """The standard applied."""

    @property
    def as_designed(self) -> bool:
        """Whether new builds without facts were assessed on their design."""

    def centres_columns(self) -> dict[str, Any]:
        """Return one row per centre as columns."""

    def towns_columns(self) -> dict[str, Any]:
        """Return one row per town as columns."""

    def to_json(self) -> str:
        """Return the assessment as JSON text."""

    def __eq__(self, value: object, /) -> bool: ...

def assess(
    plan: Plan,
    facts: Facts,
    standard: Standard | None = None,
    as_designed: bool = True,
    cost_new: float = 1600.0,
    cost_renovate: float = 600.0,
) -> Assessment:
    """Check every centre of a plan against a standard and cost the upgrades."""

def sample_facts(county: County, seed: int = 2008) -> Facts:
    """Return seeded facts for the pilot sites of a county."""

# Road networks -----------------------------------------------------------------------------

def county_with_road_lines(
    county: County,
    x: npt.NDArray[np.float64],
    y: npt.NDArray[np.float64],
    offsets: list[int],
    *,
    length: npt.NDArray[np.float64] | None = None,
    speed: npt.NDArray[np.float64] | None = None,
    class_: list[str | None] | None = None,
    snap_tolerance: float = 1.0,
    access_tolerance: float = 1000.0,
    speeds: dict[str, float] | None = None,
) -> County:
    """Return the county with roads built from polylines."""

def county_with_road_edges(
    county: County,
    node_id: list[str],
    node_x: npt.NDArray[np.float64],
    node_y: npt.NDArray[np.float64],
    from_: list[str],
    to: list[str],
    *,
    length: npt.NDArray[np.float64] | None = None,
    speed: npt.NDArray[np.float64] | None = None,
    class_: list[str | None] | None = None,
    snap_tolerance: float = 1.0,
    access_tolerance: float = 1000.0,
    speeds: dict[str, float] | None = None,
) -> County:
    """Return the county with roads built from a node table and an edge list."""

def county_read_roads(
    county: County,
    path: str | os.PathLike[str],
    *,
    nodes: str | os.PathLike[str] | None = None,
    class_col: str = "class",
    speed_col: str = "speed",
    length_col: str = "length",
    from_col: str = "from",
    to_col: str = "to",
    id_col: str = "id",
    x_col: str = "x",
    y_col: str = "y",
    snap_tolerance: float = 1.0,
    access_tolerance: float = 1000.0,
    speeds: dict[str, float] | None = None,
) -> County:
    """Return the county with roads read from GeoJSON LineStrings or a CSV edge list."""

def county_without_roads(county: County) -> County:
    """Return the county without roads."""

def road_columns(county: County) -> dict[str, Any] | None:
    """Return the road segments as columns, or None."""

def road_summary(county: County) -> dict[str, Any] | None:
    """Return a summary of the road network, or None."""

def network_coverage_columns(
    county: County, radius: float = 2000.0, within_town: bool = True, minutes: float | None = None
) -> dict[str, Any]:
    """Return the coverage along the roads as CSR columns."""

# ---------------------------------------------------------------------------------------------
# Roll-out: costs, budgets, schedules, scenarios, Monte Carlo and sweeps

def funding_sources() -> list[str]:
    """Return the six funding source names, in table order."""

@final
class Budget:
    """Money per year from the six funding sources, yuan."""

    def __new__(cls, years: list[dict[str, float]], carry_over: bool = True) -> Budget: ...
    @staticmethod
    def yearly(total: float, shares: dict[str, float] | None = None, years: int = 3, carry_over: bool = True) -> Budget:
        """Return a budget of the same total each year, split by shares."""

    @staticmethod
    def from_json(text: str) -> Budget:
        """Read a budget from JSON."""

    def to_json(self) -> str:
        """Return the budget as JSON."""

    @property
    def n_years(self) -> int:
        """Number of funded years."""

    @property
    def carry_over(self) -> bool:
        """Whether unspent money carries over."""

    @property
    def total(self) -> float:
        """Total over years and sources, yuan."""

    def amounts(self) -> list[dict[str, float]]:
        """One dict (source -> yuan) per year."""

    def __eq__(self, value: object, /) -> bool: ...

@final
class CostModel:
    """Unit costs and floor-area rules."""

    def __new__(
        cls,
        min_floor_area_m2: float = 200.0,
        floor_area_per_100_households_m2: float = 30.0,
        one_stop_hall_m2: float = 50.0,
        new_build_yuan_per_m2: float = 1600.0,
        renovate_yuan_per_m2: float = 600.0,
        land_yuan: float | None = None,
        use_given_costs: bool = False,
    ) -> CostModel: ...
    @staticmethod
    def from_json(text: str) -> CostModel:
        """Read a cost model from JSON."""

    def to_json(self) -> str:
        """Return the cost model as JSON."""

    def required_area(self, households: float) -> float:
        """Floor area in m² needed for ``households``."""

    @property
    def min_floor_area_m2(self) -> float:
        """Smallest building, m²."""

    @property
    def floor_area_per_100_households_m2(self) -> float:
        """Building area per 100 households, m²."""

    @property
    def one_stop_hall_m2(self) -> float:
        """One-stop service hall, m²."""

    @property
    def new_build_yuan_per_m2(self) -> float:
        """New-build cost, yuan per m²."""

    @property
    def renovate_yuan_per_m2(self) -> float:
        """Renovation cost, yuan per m²."""

    @property
    def land_yuan(self) -> float | None:
        """Land price for no_space sites, yuan, or None."""

    @property
    def use_given_costs(self) -> bool:
        """Whether a site's own cost is used."""

    def __eq__(self, value: object, /) -> bool: ...

@final
class Scenario:
    """A versioned set of planning assumptions."""

    @staticmethod
    def default() -> Scenario:
        """Return the sample county's scenario."""

    @staticmethod
    def from_json(text: str) -> Scenario:
        """Read and validate a scenario from JSON."""

    def to_json(self) -> str:
        """Return the scenario as JSON."""

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the scenario as JSON."""

    @staticmethod
    def load(path: str | os.PathLike[str]) -> Scenario:
        """Read a scenario saved with ``save``."""

    @property
    def name(self) -> str:
        """Name."""

    @property
    def radius(self) -> float:
        """Service radius, metres."""

    @property
    def target(self) -> float:
        """Target share."""

    @property
    def by(self) -> str:
        """``"villages"`` or ``"population"``."""

    @property
    def within_town(self) -> bool:
        """Whether communities stay inside one town."""

    @property
    def years(self) -> int:
        """Years."""

    @property
    def budget(self) -> Budget:
        """The budget."""

    @property
    def costs(self) -> CostModel:
        """The cost model."""

    def __eq__(self, value: object, /) -> bool: ...

@final
class Schedule:
    """The year-by-year build order of a plan's centres."""

    @property
    def target(self) -> float:
        """Target share."""

    @property
    def by(self) -> str:
        """``"villages"`` or ``"population"``."""

    @property
    def carry_over(self) -> bool:
        """Whether unspent money carried over."""

    @property
    def method(self) -> str:
        """``"exact"`` or ``"heuristic"``."""

    @property
    def target_year(self) -> int | None:
        """First year at the target, or None."""

    @property
    def shortfall(self) -> float:
        """Extra yuan needed to reach the target (0 when reached, inf when unreachable)."""

    @property
    def cost_to_complete(self) -> float:
        """Cost of the centres not built, yuan."""

    @property
    def area(self) -> float:
        """Area under the coverage curve, share-years."""

    @property
    def n_years(self) -> int:
        """Number of funded years."""

    def years_columns(self) -> dict[str, Any]:
        """One entry per year."""

    def spending_columns(self) -> dict[str, Any]:
        """One entry per funded year and source."""

    def towns_columns(self) -> dict[str, Any]:
        """One entry per year and town."""

    def centres_columns(self) -> dict[str, Any]:
        """One entry per centre of the plan."""

    def to_json(self) -> str:
        """Return the schedule as JSON."""

    def __eq__(self, value: object, /) -> bool: ...

@final
class Simulation:
    """The result of a Monte Carlo simulation."""

    @property
    def n_runs(self) -> int:
        """Number of runs."""

    @property
    def seed(self) -> int:
        """The seed."""

    @property
    def years(self) -> int:
        """Funded years."""

    @property
    def target(self) -> float:
        """Target share."""

    @property
    def by(self) -> str:
        """``"villages"`` or ``"population"``."""

    @property
    def n_centres(self) -> int:
        """Centres in the plan."""

    @property
    def scenario(self) -> Scenario:
        """The scenario."""

    @property
    def schedule(self) -> Schedule:
        """The schedule without uncertainty."""

    def probability_of_target(self, year: int) -> float:
        """Share of runs that reach the target by ``year``."""

    def coverage_columns(self, levels: list[float]) -> dict[str, Any]:
        """Per year: mean, quantiles, probability of the target."""

    def runs_columns(self) -> dict[str, Any]:
        """One entry per run and year."""

def schedule_plan(
    plan: Plan, budget: Budget, costs: CostModel | None = None, target: float | None = None, method: str = "auto"
) -> Schedule:
    """Schedule a plan's centres over the budget's years."""

def simulate(
    county: County,
    scenario: Scenario,
    runs: int = 1000,
    seed: int = 1,
    plan: Plan | None = None,
    *,
    progress: Callable[[int, int], object] | None = None,
) -> Simulation:
    """Monte Carlo simulation of a scenario on a county."""

def sweep(
    county: County,
    scenario: Scenario,
    radius: list[float],
    target: list[float],
    budget: list[float],
    *,
    progress: Callable[[int, int], object] | None = None,
) -> dict[str, Any]:
    """Radius x target x yearly budget grid, as columns."""

def cost_curve(county: County, scenario: Scenario, targets: list[float]) -> dict[str, Any]:
    """Return the cost-versus-coverage curve as columns."""

def cheapest_plans(county: County, scenario: Scenario, targets: list[float]) -> dict[str, Any]:
    """Return the cheapest plan found for each target as columns."""
