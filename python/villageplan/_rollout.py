"""Roll-out over the years: costs, the six funding sources, the schedule, Monte Carlo and sweeps.

:class:`Budget`, :class:`CostModel` and :class:`Scenario` hold assumptions (validated in Rust);
:class:`Schedule` and :class:`Simulation` hold results; :func:`simulate`, :func:`sweep`,
:func:`cost_curve` and :func:`cheapest_plans` run them. Money is in yuan, areas in m²,
distances in metres and shares in [0, 1].
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from villageplan import _core
from villageplan._display import _grid, _table
from villageplan._progress import progress_bar
from villageplan.exceptions import InvalidInputError

if TYPE_CHECKING:
    import pandas as pd

    from villageplan._county import County
    from villageplan._planning import Plan

__all__ = [
    "SOURCES",
    "Budget",
    "CostModel",
    "Scenario",
    "Schedule",
    "Simulation",
    "cheapest_plans",
    "cost_curve",
    "simulate",
    "sweep",
]

#: The six funding sources (六个一点), in table order.
SOURCES: tuple[str, ...] = tuple(_core.funding_sources())

#: Quantile levels of :attr:`Simulation.coverage`.
DEFAULT_LEVELS = (0.05, 0.25, 0.5, 0.75, 0.95)


def _invalid(message: str, field: str) -> InvalidInputError:
    err = InvalidInputError(message)
    err.field = field
    err.row = None
    err.id = None
    return err


def _frame(columns: Mapping[str, Any], nullable: Iterable[str] = ()) -> pd.DataFrame:
    """Build a DataFrame; integer columns in ``nullable`` use -1 for missing and become Int64."""
    import pandas as pd

    cols = dict(columns)
    for name in nullable:
        values = np.asarray(cols[name], dtype=np.int64)
        cols[name] = pd.arrays.IntegerArray(np.where(values < 0, 0, values), mask=values < 0)
    return pd.DataFrame(cols)


def _core_county(county: County, fn: str) -> _core.County:
    core = getattr(county, "_core", None)
    if not isinstance(core, _core.County):
        raise TypeError(
            f"{fn}() needs a villageplan.County, got {type(county).__name__}; make one with "
            "vp.County.from_dataframe(df), vp.read_csv(path) or vp.sample_county()"
        )
    return core


def _floats(values: float | Iterable[float], field: str) -> list[float]:
    if isinstance(values, (int, float)):
        return [float(values)]
    out = [float(v) for v in values]
    if not out:
        raise _invalid(f"invalid `{field}`: give at least one value", field)
    return out


# ---------------------------------------------------------------------------------------------
# Assumptions


class Budget:
    """Money per year from the six funding sources (六个一点), in yuan.

    The sources are ``government``, ``town`` (town or subdistrict), ``community``, ``policy``
    (policy and upper-level funds), ``donations`` (social donations) and ``partners`` (partner
    units). Year 1 is the first funded year. With ``carry_over`` (the default), money not spent
    in a year is available in the next. Budgets are immutable and validated in Rust: negative
    amounts and unknown source names raise :class:`InvalidInputError`.

    Parameters
    ----------
    years : sequence of dict
        One mapping per year from source name to yuan; sources left out get 0.
    carry_over : bool, default True
        Whether unspent money carries over to the next year.

    Examples
    --------
    >>> import villageplan as vp
    >>> b = vp.Budget.yearly(1_000_000, years=3)
    >>> b.n_years, b.total
    (3, 3000000.0)
    >>> b.amounts[0]["government"]
    350000.0
    >>> vp.Budget([{"government": 600_000, "donations": 50_000}, {"policy": 400_000}], carry_over=False).total
    1050000.0
    """

    __slots__ = ("_core",)
    __module__ = "villageplan"

    def __init__(self, years: Sequence[Mapping[str, float]], carry_over: bool = True) -> None:
        if isinstance(years, Mapping):
            raise TypeError("`years` is a list with one dict per year, e.g. [{'government': 500000}]")
        self._core = _core.Budget([{str(k): float(v) for k, v in y.items()} for y in years], carry_over)

    @classmethod
    def _wrap(cls, core: _core.Budget) -> Budget:
        obj = cls.__new__(cls)
        obj._core = core
        return obj

    @classmethod
    def yearly(
        cls,
        total: float,
        shares: Mapping[str, float] | None = None,
        years: int = 3,
        carry_over: bool = True,
    ) -> Budget:
        """Return a budget of the same total every year, split over the sources by shares.

        Parameters
        ----------
        total : float
            Yuan per year, at least 0 (the founding document's pilots had 1,000,000).
        shares : dict, optional
            Share of each source, summing to 1; sources left out get 0. The default is
            government 0.35, town 0.20, community 0.10, policy 0.25, donations 0.05, partners
            0.05 (DOMAIN.md §6, a guess anchored on published splits).
        years : int, default 3
            Number of funded years.
        carry_over : bool, default True
            Whether unspent money carries over.

        Returns
        -------
        Budget

        Raises
        ------
        InvalidInputError
            For a negative total, negative shares or shares not summing to 1, an unknown source
            name, or fewer than 1 year.

        Examples
        --------
        >>> import villageplan as vp
        >>> vp.Budget.yearly(2e6, shares={"government": 0.5, "policy": 0.5}, years=2).amounts[1]["policy"]
        1000000.0
        """
        core_shares = None if shares is None else {str(k): float(v) for k, v in shares.items()}
        return cls._wrap(_core.Budget.yearly(float(total), core_shares, int(years), carry_over))

    @property
    def n_years(self) -> int:
        """Number of funded years."""
        return self._core.n_years

    @property
    def carry_over(self) -> bool:
        """Whether unspent money carries over to the next year."""
        return self._core.carry_over

    @property
    def total(self) -> float:
        """Total over all years and sources, yuan."""
        return self._core.total

    @property
    def amounts(self) -> list[dict[str, float]]:
        """One dict per year: source name to yuan."""
        return self._core.amounts()

    @property
    def table(self) -> pd.DataFrame:
        """The amounts as a DataFrame: one row per year, one column per source, and ``total``."""
        import pandas as pd

        df = pd.DataFrame(self.amounts, columns=list(SOURCES))
        df.insert(0, "year", range(1, self.n_years + 1))
        df["total"] = df[list(SOURCES)].sum(axis=1)
        return df

    def to_json(self) -> str:
        """Return the budget as JSON text."""
        return self._core.to_json()

    @classmethod
    def from_json(cls, text: str) -> Budget:
        """Read a budget from JSON text written by :meth:`to_json`."""
        return cls._wrap(_core.Budget.from_json(text))

    def __reduce__(self) -> tuple[Any, ...]:
        return (_unpickle, ("Budget", self.to_json().encode()))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Budget):
            return NotImplemented
        return self._core == other._core

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return repr(self._core)


class CostModel:
    """Unit costs and floor-area rules that turn a centre into yuan (DOMAIN.md §6).

    A centre needs a building of at least ``max(min_floor_area_m2, floor_area_per_100_households_m2
    × households / 100, one_stop_hall_m2)`` m² for the households its community serves. Existing
    centres cost 0; ``rebuild`` sites renovate their existing floor area and build any missing
    area new; ``new`` sites build max(required, planned floor area) new; ordinary sites build the
    required area new; ``no_space`` sites can open only when ``land_yuan`` is given (land plus a
    new building).

    Parameters
    ----------
    min_floor_area_m2 : float, default 200.0
        Smallest building, m² (Hebei draft, Shaanxi 2009).
    floor_area_per_100_households_m2 : float, default 30.0
        Building area per 100 households served, m².
    one_stop_hall_m2 : float, default 50.0
        One-stop service hall the building must hold, m².
    new_build_yuan_per_m2 : float, default 1600.0
        New-build cost, yuan per m² (2018 prices; range 1,100-2,800).
    renovate_yuan_per_m2 : float, default 600.0
        Renovation cost, yuan per m² (range 300-900).
    land_yuan : float, optional
        Land price for a ``no_space`` site, yuan; None keeps such sites closed.
    use_given_costs : bool, default False
        Use a site's own ``cost`` column, when it has one, instead of the model.

    Examples
    --------
    >>> import villageplan as vp
    >>> m = vp.CostModel(new_build_yuan_per_m2=1800)
    >>> m.required_area(1000)   # households
    300.0
    >>> m.new_build_yuan_per_m2
    1800.0
    """

    __slots__ = ("_core",)
    __module__ = "villageplan"

    def __init__(
        self,
        *,
        min_floor_area_m2: float = 200.0,
        floor_area_per_100_households_m2: float = 30.0,
        one_stop_hall_m2: float = 50.0,
        new_build_yuan_per_m2: float = 1600.0,
        renovate_yuan_per_m2: float = 600.0,
        land_yuan: float | None = None,
        use_given_costs: bool = False,
    ) -> None:
        self._core = _core.CostModel(
            float(min_floor_area_m2),
            float(floor_area_per_100_households_m2),
            float(one_stop_hall_m2),
            float(new_build_yuan_per_m2),
            float(renovate_yuan_per_m2),
            None if land_yuan is None else float(land_yuan),
            use_given_costs,
        )

    @classmethod
    def _wrap(cls, core: _core.CostModel) -> CostModel:
        obj = cls.__new__(cls)
        obj._core = core
        return obj

    def required_area(self, households: float) -> float:
        """Return the floor area in m² a centre needs for ``households``."""
        return self._core.required_area(float(households))

    @property
    def min_floor_area_m2(self) -> float:
        """Smallest building, m²."""
        return self._core.min_floor_area_m2

    @property
    def floor_area_per_100_households_m2(self) -> float:
        """Building area per 100 households, m²."""
        return self._core.floor_area_per_100_households_m2

    @property
    def one_stop_hall_m2(self) -> float:
        """One-stop service hall, m²."""
        return self._core.one_stop_hall_m2

    @property
    def new_build_yuan_per_m2(self) -> float:
        """New-build cost, yuan per m²."""
        return self._core.new_build_yuan_per_m2

    @property
    def renovate_yuan_per_m2(self) -> float:
        """Renovation cost, yuan per m²."""
        return self._core.renovate_yuan_per_m2

    @property
    def land_yuan(self) -> float | None:
        """Land price for ``no_space`` sites, yuan, or None."""
        return self._core.land_yuan

    @property
    def use_given_costs(self) -> bool:
        """Whether a site's own cost is used when it has one."""
        return self._core.use_given_costs

    def to_json(self) -> str:
        """Return the cost model as JSON text."""
        return self._core.to_json()

    @classmethod
    def from_json(cls, text: str) -> CostModel:
        """Read a cost model from JSON text; fields left out take their defaults."""
        return cls._wrap(_core.CostModel.from_json(text))

    def __reduce__(self) -> tuple[Any, ...]:
        return (_unpickle, ("CostModel", self.to_json().encode()))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CostModel):
            return NotImplemented
        return self._core == other._core

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return repr(self._core)


class Scenario:
    """A set of planning assumptions to save, version and run (JSON, ``format_version`` 1).

    Bundles the radius, target, years, budget, cost model and the uncertainty used by
    :func:`simulate`. Validated in Rust; unknown fields and other format versions raise
    :class:`InvalidInputError`. :meth:`default` mirrors the founding document on the sample
    county: 60% of villages within 2 km in 3 years on 1.0 million yuan a year.

    Parameters
    ----------
    radius : float, default 2000.0
        Service radius in metres.
    target : float, default 0.6
        Coverage target share in (0, 1].
    by : {"villages", "population"}, default "villages"
        What the target counts.
    within_town : bool, default True
        Keep communities inside one town.
    years : int, optional
        Years to reach the target; defaults to the budget's years (3 without a budget).
    budget : Budget or float, optional
        The money; a number is yuan per year split by the default shares. Default 1,000,000 a
        year.
    costs : CostModel, optional
        Unit costs (default :class:`CostModel`).
    uncertainty : dict, optional
        Overrides of the uncertainty settings: ``cost_sigma`` (log-sd of the unit costs, default
        ln 1.2), ``funding_sigma`` (dict of log-sd per source; donations and partners 0.4),
        ``population_growth`` (mean yearly change, -0.005), ``population_growth_sd`` (0.005) and
        ``village_growth_sd`` (0.01).
    name : str, optional
        A name.

    Examples
    --------
    >>> import villageplan as vp
    >>> s = vp.Scenario(target=0.7, budget=2_000_000, years=3)
    >>> s.target, s.years, s.budget.total
    (0.7, 3, 6000000.0)
    >>> vp.Scenario.from_json(s.to_json()) == s
    True
    """

    __slots__ = ("_core",)
    __module__ = "villageplan"

    def __init__(
        self,
        *,
        radius: float = 2000.0,
        target: float = 0.6,
        by: str = "villages",
        within_town: bool = True,
        years: int | None = None,
        budget: Budget | float | None = None,
        costs: CostModel | None = None,
        uncertainty: Mapping[str, Any] | None = None,
        name: str = "",
    ) -> None:
        data = json.loads(_core.Scenario.default().to_json())
        if budget is None:
            budget = Budget.yearly(1_000_000.0, years=3 if years is None else years)
        elif not isinstance(budget, Budget):
            budget = Budget.yearly(float(budget), years=3 if years is None else years)
        unc = dict(data["uncertainty"])
        if uncertainty is not None:
            unc.update(uncertainty)
        data.update(
            name=name,
            radius=radius,
            target=target,
            by=by,
            within_town=within_town,
            years=budget.n_years if years is None else years,
            budget=json.loads(budget.to_json()),
            costs=json.loads((costs or CostModel()).to_json()),
            uncertainty=unc,
        )
        self._core = _core.Scenario.from_json(json.dumps(data))

    @classmethod
    def _wrap(cls, core: _core.Scenario) -> Scenario:
        obj = cls.__new__(cls)
        obj._core = core
        return obj

    @classmethod
    def default(cls) -> Scenario:
        """Return the sample county's scenario: 60% at 2 km in 3 years on 1.0 M yuan a year."""
        return cls._wrap(_core.Scenario.default())

    def replace(self, **changes: Any) -> Scenario:
        """Return a copy with some fields changed (any of the constructor's keywords)."""
        current: dict[str, Any] = {
            "radius": self.radius,
            "target": self.target,
            "by": self.by,
            "within_town": self.within_town,
            "budget": self.budget,
            "costs": self.costs,
            "uncertainty": self.uncertainty,
            "name": self.name,
        }
        if "budget" in changes or "years" not in changes:
            current["years"] = None
        current.update(changes)
        if "years" in changes and "budget" not in changes:
            amounts = self.budget.amounts
            per_year = sum(amounts[0].values()) if amounts else 0.0
            shares = {k: v / per_year for k, v in amounts[0].items()} if per_year > 0 else None
            current["budget"] = Budget.yearly(
                per_year, shares=shares, years=changes["years"], carry_over=self.budget.carry_over
            )
        return Scenario(**current)

    @property
    def name(self) -> str:
        """The scenario's name."""
        return self._core.name

    @property
    def radius(self) -> float:
        """Service radius, metres."""
        return self._core.radius

    @property
    def target(self) -> float:
        """Coverage target share."""
        return self._core.target

    @property
    def by(self) -> str:
        """What the target counts: ``"villages"`` or ``"population"``."""
        return self._core.by

    @property
    def within_town(self) -> bool:
        """Whether communities stay inside one town."""
        return self._core.within_town

    @property
    def years(self) -> int:
        """Years to reach the target."""
        return self._core.years

    @property
    def budget(self) -> Budget:
        """The budget."""
        return Budget._wrap(self._core.budget)

    @property
    def costs(self) -> CostModel:
        """The cost model."""
        return CostModel._wrap(self._core.costs)

    @property
    def uncertainty(self) -> dict[str, Any]:
        """The uncertainty settings as a dict (see the class docstring)."""
        return dict(json.loads(self._core.to_json())["uncertainty"])

    def to_json(self) -> str:
        """Return the scenario as JSON text (with ``format_version``)."""
        return self._core.to_json()

    @classmethod
    def from_json(cls, text: str) -> Scenario:
        """Read a scenario from JSON text.

        Raises
        ------
        InvalidInputError
            For malformed JSON, an unknown field, another ``format_version`` or a bad value.
        """
        return cls._wrap(_core.Scenario.from_json(text))

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the scenario as JSON to ``path``."""
        self._core.save(path)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Scenario:
        """Read a scenario written by :meth:`save`.

        Raises
        ------
        FileNotFoundError, OSError
            When the file cannot be read.
        InvalidInputError
            When it is not a valid scenario.
        """
        return cls._wrap(_core.Scenario.load(path))

    def __reduce__(self) -> tuple[Any, ...]:
        return (_unpickle, ("Scenario", self.to_json().encode()))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Scenario):
            return NotImplemented
        return self._core == other._core

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return repr(self._core)


# ---------------------------------------------------------------------------------------------
# Results


def _pct(share: float) -> str:
    return f"{100.0 * share:.1f}%"


class Schedule:
    """The year-by-year build order of a plan's centres under a budget.

    Made by :func:`villageplan.plan` with ``budget=`` (see :attr:`villageplan.Plan.schedule`).
    Year 0 is today (existing centres, which count from year 0 at no cost); years 1 to
    :attr:`n_years` are funded. The order reaches the target as early as possible, then covers
    as much as possible as early as possible (the area under the coverage curve), within each
    year's money (plus carry-over). Each year's spending is split over the sources pro rata to
    the money each has available that year.

    Examples
    --------
    >>> import villageplan as vp
    >>> p = vp.plan(vp.sample_county(), years=3, budget=vp.Budget.yearly(1_000_000))
    >>> s = p.schedule
    >>> s.years.columns.tolist()[:6]
    ['year', 'built', 'centres_open', 'available', 'spent', 'left']
    >>> s.target_year is None, s.shortfall > 0
    (True, True)
    """

    __slots__ = ("_core",)
    __module__ = "villageplan"

    def __init__(self, core: _core.Schedule) -> None:
        if not isinstance(core, _core.Schedule):
            raise TypeError("Schedule(...) wraps an internal object; make one with vp.plan(county, budget=...)")
        self._core = core

    @property
    def years(self) -> pd.DataFrame:
        """One row per year (0 = today), as a new DataFrame.

        Columns: ``year``, ``built`` (centres built that year), ``centres_open``, ``available``,
        ``spent``, ``left`` (yuan), ``covered_villages``, ``coverage`` (share of villages),
        ``covered_population``, ``population_coverage`` (share), ``sites`` (ids built).
        """
        return _frame(self._core.years_columns())

    @property
    def spending(self) -> pd.DataFrame:
        """Money by funded year and source, as a new DataFrame.

        Columns: ``year``, ``source`` (government, town, community, policy, donations,
        partners), ``available``, ``spent``, ``left`` (yuan).
        """
        return _frame(self._core.spending_columns())

    @property
    def towns(self) -> pd.DataFrame:
        """Coverage per year and town, as a new DataFrame.

        Columns: ``year``, ``town``, ``villages``, ``covered``, ``coverage``, ``population``,
        ``covered_population``, ``population_coverage``, ``centres``.
        """
        return _frame(self._core.towns_columns())

    @property
    def centres(self) -> pd.DataFrame:
        """Every centre of the plan with its cost and build year, as a new DataFrame.

        Columns: ``community``, ``site``, ``town``, ``status``, ``households``, ``required_m2``,
        ``cost`` (yuan, from the cost model), ``year`` (nullable; 0 for existing centres,
        missing when not built within the years).
        """
        return _frame(self._core.centres_columns(), nullable=["year"])

    @property
    def target(self) -> float:
        """The coverage target share."""
        return self._core.target

    @property
    def by(self) -> str:
        """What the target counts: ``"villages"`` or ``"population"``."""
        return self._core.by

    @property
    def target_year(self) -> int | None:
        """First year at or above the target (0 if existing centres reach it), or None."""
        return self._core.target_year

    @property
    def shortfall(self) -> float:
        """Extra yuan, beyond the money left in the last year, to reach the target by then.

        0 when the target is reached; ``inf`` when even the whole plan does not reach it.
        """
        return self._core.shortfall

    @property
    def cost_to_complete(self) -> float:
        """Cost of the plan's centres not built within the years, yuan."""
        return self._core.cost_to_complete

    @property
    def carry_over(self) -> bool:
        """Whether unspent money carried over."""
        return self._core.carry_over

    @property
    def method(self) -> str:
        """``"exact"`` (dynamic programming, up to 12 centres to build) or ``"heuristic"``."""
        return self._core.method

    @property
    def area(self) -> float:
        """Area under the coverage curve: the sum over funded years of the share covered."""
        return self._core.area

    @property
    def n_years(self) -> int:
        """Number of funded years."""
        return self._core.n_years

    def to_json(self) -> str:
        """Return the schedule as JSON text."""
        return self._core.to_json()

    def __reduce__(self) -> tuple[Any, ...]:
        return (_unpickle, ("Schedule", self.to_json().encode()))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Schedule):
            return NotImplemented
        return self._core == other._core

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return repr(self._core)

    def _repr_html_(self) -> str:
        y = self._core.years_columns()
        reached = (
            f"year {self.target_year}"
            if self.target_year is not None
            else f"not reached; shortfall {self.shortfall:,.0f} yuan"
        )
        rows = [
            ("target", f"{_pct(self.target)} of {self.by}: {reached}"),
            (
                "money",
                f"{float(sum(y['spent'])):,.0f} yuan spent, {float(y['left'][-1]):,.0f} left after the last year",
            ),
            ("to complete the plan", f"{self.cost_to_complete:,.0f} yuan"),
            ("method", self.method),
        ]
        grid = _grid(
            ["year", "built", "open", "spent", "left", "villages %", "population %"],
            [
                (
                    str(int(y["year"][i])),
                    str(int(y["built"][i])),
                    str(int(y["centres_open"][i])),
                    f"{float(y['spent'][i]):,.0f}",
                    f"{float(y['left'][i]):,.0f}",
                    _pct(float(y["coverage"][i])),
                    _pct(float(y["population_coverage"][i])),
                )
                for i in range(len(y["year"]))
            ],
        )
        return f"<div>{_table(rows, 'Schedule')}{grid}</div>"


class Simulation:
    """The result of :func:`simulate`: coverage per year across Monte Carlo runs.

    Examples
    --------
    >>> import villageplan as vp
    >>> sim = vp.simulate(vp.sample_county(), vp.Scenario.default(), runs=200, seed=1)
    >>> sim.coverage.columns.tolist()
    ['year', 'mean', 'q05', 'q25', 'q50', 'q75', 'q95', 'probability_of_target']
    >>> 0.0 <= sim.probability_of_target(year=3) <= 1.0
    True
    """

    __slots__ = ("_core",)
    __module__ = "villageplan"

    def __init__(self, core: _core.Simulation) -> None:
        if not isinstance(core, _core.Simulation):
            raise TypeError("Simulation(...) wraps an internal object; make one with vp.simulate(...)")
        self._core = core

    @property
    def coverage(self) -> pd.DataFrame:
        """Per year, the mean and the 5, 25, 50, 75 and 95% quantiles of the share covered.

        Counted as the target counts (villages or population); ``probability_of_target`` is the
        share of runs at the target by that year. See :meth:`quantiles` for other levels.
        """
        return self.quantiles(DEFAULT_LEVELS)

    def quantiles(self, levels: Sequence[float]) -> pd.DataFrame:
        """Return per year the mean and the quantiles at ``levels`` (each in [0, 1]) of coverage.

        Quantiles interpolate linearly (numpy's default). Columns are named ``q05``, ``q50``,
        ``q97_5`` and so on.
        """
        return _frame(self._core.coverage_columns([float(q) for q in levels]))

    @property
    def runs(self) -> pd.DataFrame:
        """One row per run and year, as a new DataFrame.

        Columns: ``run``, ``year``, ``coverage``, ``population_coverage``, ``money`` (yuan
        received that year), ``spent``, ``centres_open``, ``target_year`` (nullable).
        """
        return _frame(self._core.runs_columns(), nullable=["target_year"])

    def probability_of_target(self, year: int | None = None) -> float:
        """Return the share of runs that reach the target by ``year`` (default: the last year)."""
        return self._core.probability_of_target(self._core.years if year is None else int(year))

    @property
    def schedule(self) -> Schedule:
        """The schedule without uncertainty."""
        return Schedule(self._core.schedule)

    @property
    def scenario(self) -> Scenario:
        """The scenario simulated."""
        return Scenario._wrap(self._core.scenario)

    @property
    def n_runs(self) -> int:
        """Number of runs."""
        return self._core.n_runs

    @property
    def seed(self) -> int:
        """The seed."""
        return self._core.seed

    def __reduce__(self) -> tuple[Any, ...]:
        return (_unpickle, ("Simulation", _core._simulation_to_json_bytes(self._core)))

    def __repr__(self) -> str:
        return repr(self._core)

    def _repr_html_(self) -> str:
        q = self._core.coverage_columns(list(DEFAULT_LEVELS))
        rows = [
            ("runs", f"{self.n_runs:,} (seed {self.seed})"),
            ("target", f"{_pct(self._core.target)} of {self._core.by} in {self._core.years} years"),
            ("P(target by the last year)", f"{self.probability_of_target():.3f}"),
        ]
        grid = _grid(
            ["year", "mean", "5%", "median", "95%", "P(target)"],
            [
                (
                    str(int(q["year"][i])),
                    _pct(float(q["mean"][i])),
                    _pct(float(q["q05"][i])),
                    _pct(float(q["q50"][i])),
                    _pct(float(q["q95"][i])),
                    f"{float(q['probability_of_target'][i]):.3f}",
                )
                for i in range(len(q["year"]))
            ],
        )
        return f"<div>{_table(rows, 'Simulation')}{grid}</div>"


def _unpickle(kind: str, data: bytes) -> Budget | CostModel | Scenario | Schedule | Simulation:
    """Rebuild a pickled roll-out object from its serde JSON bytes (see each class's ``__reduce__``)."""
    if kind == "Budget":
        return Budget.from_json(data.decode())
    if kind == "CostModel":
        return CostModel.from_json(data.decode())
    if kind == "Scenario":
        return Scenario.from_json(data.decode())
    if kind == "Schedule":
        return Schedule(_core._schedule_from_json_bytes(data))
    if kind == "Simulation":
        return Simulation(_core._simulation_from_json_bytes(data))
    raise ValueError(f"cannot unpickle a {kind!r}")


# ---------------------------------------------------------------------------------------------
# Functions


def _scenario(scenario: Scenario | None) -> _core.Scenario:
    if scenario is None:
        return _core.Scenario.default()
    if not isinstance(scenario, Scenario):
        raise TypeError(f"expected a villageplan.Scenario, got {type(scenario).__name__}; use vp.Scenario(...)")
    return scenario._core


def simulate(
    county: County,
    scenario: Scenario | None = None,
    runs: int = 1000,
    seed: int = 1,
    plan: Plan | None = None,
    *,
    progress: bool | None = None,
) -> Simulation:
    """Run a Monte Carlo simulation of a scenario's roll-out on a county.

    Plans the county once with the scenario's radius, target, ``by`` and ``within_town`` (or
    uses ``plan``), then re-schedules that plan in every run under uncertain unit costs
    (lognormal, about ±20%), funding (each source's amount varies; donations and partner units
    the most) and yearly population change. Seeded and parallel in Rust with the GIL released:
    the same seed gives the same result at any thread count. Ctrl-C stops it.

    Parameters
    ----------
    county : County
        The villages and sites.
    scenario : Scenario, optional
        The assumptions; default :meth:`Scenario.default`.
    runs : int, default 1000
        Number of runs.
    seed : int, default 1
        Seed of every random stream.
    plan : Plan, optional
        A plan to roll out instead of planning the county.
    progress : bool, optional
        Show a progress bar of the runs (tqdm): None (default) in a terminal or notebook once
        the simulation has taken half a second, True always, False never.

    Returns
    -------
    Simulation

    Raises
    ------
    InvalidInputError
        For ``runs`` below 1 or an invalid scenario.
    InfeasibleError
        When the scenario's target cannot be reached at its radius.

    Examples
    --------
    >>> import villageplan as vp
    >>> sim = vp.simulate(vp.sample_county(), vp.Scenario(budget=8_000_000), runs=300, seed=1)
    >>> sim.runs.shape
    (1200, 8)
    >>> bool(sim.coverage["q50"].is_monotonic_increasing)
    True
    """
    core_plan = None if plan is None else plan._core
    with progress_bar(progress, "simulate", unit="run") as bar:
        core = _core.simulate(
            _core_county(county, "simulate"), _scenario(scenario), int(runs), seed, core_plan, progress=bar
        )
    return Simulation(core)


def sweep(
    county: County,
    radius: float | Iterable[float] = 2000.0,
    target: float | Iterable[float] = 0.6,
    budget: float | Iterable[float] = 1_000_000.0,
    scenario: Scenario | None = None,
    *,
    progress: bool | None = None,
) -> pd.DataFrame:
    """Plan and schedule every combination of radius × target × yearly budget.

    Each (radius, target) is planned once; each yearly budget (yuan a year, split over the
    sources as the scenario's first year, over the scenario's years) then schedules that plan
    with the scenario's cost model. Runs in parallel in Rust with the GIL released.

    Parameters
    ----------
    county : County
        The villages and sites.
    radius, target, budget : float or list of float
        Radii (metres), targets (shares in (0, 1]) and yearly budgets (yuan).
    scenario : Scenario, optional
        The other assumptions (years, shares, carry-over, costs, ``by``, ``within_town``).
    progress : bool, optional
        Show a progress bar of the (radius, target) plans (tqdm): None (default) in a terminal
        or notebook once the sweep has taken half a second, True always, False never.

    Returns
    -------
    pandas.DataFrame
        One row per combination (radius, then target, then budget): ``radius``, ``target``,
        ``budget``, ``years``, ``status`` ("ok" or "infeasible"), ``achievable``, ``centres``,
        ``plan_cost``, ``plan_coverage``, ``built``, ``spent``, ``coverage`` and
        ``population_coverage`` after the last year, ``target_year`` (nullable),
        ``shortfall`` (yuan).

    Examples
    --------
    >>> import villageplan as vp
    >>> df = vp.sweep(vp.sample_county(), radius=[1500, 2000], target=0.6, budget=[1e6, 1e7])
    >>> len(df), df["status"].tolist()
    (4, ['ok', 'ok', 'ok', 'ok'])
    """
    with progress_bar(progress, "sweep", unit="plan") as bar:
        columns = _core.sweep(
            _core_county(county, "sweep"),
            _scenario(scenario),
            _floats(radius, "radius"),
            _floats(target, "target"),
            _floats(budget, "budget"),
            progress=bar,
        )
    return _frame(columns, nullable=["target_year"])


def cost_curve(
    county: County,
    targets: Iterable[float] | None = None,
    scenario: Scenario | None = None,
) -> pd.DataFrame:
    """Return the cost-versus-coverage curve: the cheapest plan found for each target.

    Method: the planner at each target (least cost when the sites have costs, else fewest
    centres) with the scenario's radius; each plan is costed by the scenario's cost model for
    the households its communities serve. Each row takes the cheapest computed plan that
    reaches its target, so the curve never falls; ``marginal_cost_per_point`` is the extra
    yuan per extra percentage point over the previous row.

    Parameters
    ----------
    county : County
        The villages and sites.
    targets : list of float, optional
        Shares in (0, 1]; default 0.30 to 0.90 in steps of 0.05.
    scenario : Scenario, optional
        Radius, ``by``, costs and the budget used for ``target_year`` and ``shortfall``.

    Returns
    -------
    pandas.DataFrame
        ``target``, ``status``, ``coverage``, ``population_coverage``, ``centres``, ``cost``
        (yuan), ``marginal_cost_per_point`` (yuan), ``target_year`` (nullable), ``shortfall``
        (yuan) and ``sites`` (ids), sorted by target.

    Examples
    --------
    >>> import villageplan as vp
    >>> df = vp.cost_curve(vp.sample_county(), targets=[0.4, 0.6, 0.8])
    >>> bool(df["cost"].is_monotonic_increasing)
    True
    """
    ts = [round(0.30 + 0.05 * k, 2) for k in range(13)] if targets is None else _floats(targets, "targets")
    return _frame(
        _core.cost_curve(_core_county(county, "cost_curve"), _scenario(scenario), ts), nullable=["target_year"]
    )


def cheapest_plans(
    county: County,
    targets: Iterable[float] = (0.5, 0.6, 0.7, 0.8),
    scenario: Scenario | None = None,
) -> pd.DataFrame:
    """Return the cheapest plan found reaching each target (default 50, 60, 70 and 80%).

    The rows of :func:`cost_curve` at those targets: cost by the cost model, centres, the site
    ids, and under the scenario's budget the year each target is reached or the shortfall.

    Examples
    --------
    >>> import villageplan as vp
    >>> df = vp.cheapest_plans(vp.sample_county())
    >>> df["target"].tolist()
    [0.5, 0.6, 0.7, 0.8]
    """
    return _frame(
        _core.cheapest_plans(_core_county(county, "cheapest_plans"), _scenario(scenario), _floats(targets, "targets")),
        nullable=["target_year"],
    )
