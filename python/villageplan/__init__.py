"""villageplan: plan rural community service centres for Chinese counties.

Group administrative villages into multi-village communities (多村一社区), each served by one
community service centre within a service radius, and answer the planner's questions: where do
the centres go, which villages join which community, and how many centres at what cost reach
60% of the villages. The planning runs in a Rust core; this package adds pandas DataFrames,
Jupyter summaries and a command line (``villageplan demo``).

Distances are in metres; costs in yuan.

Examples
--------
>>> import villageplan as vp
>>> county = vp.sample_county()                  # 300 villages, 12 towns, 28 pilot sites
>>> p = vp.plan(county, radius=2000, target=0.6)
>>> p.coverage >= 0.6
True
>>> p.town_summary.columns.tolist()
['town', 'villages', 'covered', 'coverage', 'population', 'covered_population', 'population_coverage', 'centres']
"""

from __future__ import annotations

from villageplan import _core, distributed, io, maps, plot, solve
from villageplan._assess import Assessment, Standard, assess, sample_facts
from villageplan._county import County, read_csv, read_geojson, sample_county
from villageplan._planning import Plan, max_coverage, p_center, p_median, plan
from villageplan._rollout import (
    Budget,
    CostModel,
    Scenario,
    Schedule,
    Simulation,
    cheapest_plans,
    cost_curve,
    simulate,
    sweep,
)
from villageplan.exceptions import InfeasibleError, InvalidInputError, PlanningError
from villageplan.plot import plot_cost_curve, plot_schedule, plot_simulation, plot_sweep

__version__: str = _core.__version__

__all__ = [
    "Assessment",
    "Budget",
    "CostModel",
    "County",
    "InfeasibleError",
    "InvalidInputError",
    "Plan",
    "PlanningError",
    "Scenario",
    "Schedule",
    "Simulation",
    "Standard",
    "__version__",
    "assess",
    "cheapest_plans",
    "cost_curve",
    "distributed",
    "io",
    "maps",
    "max_coverage",
    "p_center",
    "p_median",
    "plan",
    "plot",
    "plot_cost_curve",
    "plot_schedule",
    "plot_simulation",
    "plot_sweep",
    "read_csv",
    "read_geojson",
    "sample_county",
    "sample_facts",
    "simulate",
    "solve",
    "sweep",
]
