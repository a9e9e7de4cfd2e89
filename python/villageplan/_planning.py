"""The planners :func:`plan`, :func:`max_coverage`, :func:`p_median`, :func:`p_center` and :class:`Plan`."""

import os
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Literal

from villageplan import _core, _display, frames
from villageplan._county import County
from villageplan._progress import progress_bar

if TYPE_CHECKING:
    import folium
    import geopandas as gpd
    import pandas as pd

    from villageplan._rollout import Budget, CostModel, Schedule

__all__ = ["Plan", "max_coverage", "p_center", "p_median", "plan"]


class Plan:
    """A plan: centres, the communities they form, each village's assignment, cost and coverage.

    A plan also carries the solver's certificate: :attr:`bound` is a proven lower bound on the
    best possible objective, :attr:`gap` the relative distance to it, and :attr:`status` is
    ``"optimal"`` only when that gap is zero. Plans are immutable; every DataFrame property
    returns a new DataFrame. Make one with :func:`plan` or :meth:`load`.

    Examples
    --------
    >>> import villageplan as vp
    >>> p = vp.plan(vp.sample_county(), radius=2000, target=0.6)
    >>> p.coverage >= 0.6
    True
    >>> p.communities.columns.tolist()[:6]
    ['community', 'centre', 'centre_village', 'town', 'n_villages', 'population']
    >>> vp.Plan.from_json(p.to_json()) == p
    True
    """

    __slots__ = ("_core", "_county", "_schedule")
    __module__ = "villageplan"

    def __init__(self, core: _core.Plan) -> None:
        if not isinstance(core, _core.Plan):
            raise TypeError("Plan(...) wraps an internal object; make a plan with vp.plan(county, ...) or vp.Plan.load")
        self._core = core
        self._county: County | None = None
        self._schedule: Schedule | None = None

    # ----------------------------------------------------------------------------------------
    # Figures

    @property
    def county(self) -> County:
        """The county the plan is for (a saved plan carries its county)."""
        if self._county is None:
            self._county = County(self._core.county)
        return self._county

    @property
    def schedule(self) -> "Schedule | None":
        """The year-by-year build order under the budget given to :func:`plan`, or None without one.

        See :class:`villageplan.Schedule`: coverage per year, spending by funding source, the
        year the target is reached or the shortfall in yuan.
        """
        return self._schedule

    @property
    def coverage(self) -> float:
        """Share of villages with a centre within the radius, in [0, 1]."""
        return self._core.coverage

    @property
    def population_coverage(self) -> float:
        """Share of the population with a centre within the radius, in [0, 1]."""
        return self._core.population_coverage

    @property
    def cost(self) -> float:
        """Total cost of the centres opened, yuan (existing centres cost 0; 0 when sites have no costs)."""
        return self._core.cost

    @property
    def status(self) -> str:
        """``"optimal"`` (proven), ``"feasible"`` (gap not closed) or ``"time_limit"``."""
        return self._core.status

    @property
    def gap(self) -> float:
        """Relative gap between :attr:`objective` and :attr:`bound`; 0 when proven optimal."""
        return self._core.gap

    @property
    def bound(self) -> float:
        """Proven bound on the best possible :attr:`objective` (an upper bound for ``max_coverage``, else lower)."""
        return self._core.bound

    @property
    def objective(self) -> float:
        """The objective's value, per :attr:`goal`.

        ``"target"``: new centres (``objective_kind == "count"``) or their cost in yuan;
        ``"max_coverage"``: villages (or people, ``by="population"``) covered; ``"p_median"``: total
        village-centre distance in metres (person-metres with ``by="population"``); ``"p_center"``:
        largest village-centre distance in metres.
        """
        return self._core.objective

    @property
    def objective_kind(self) -> str:
        """What was minimised: ``"count"`` (fewest new centres) or ``"cost"`` (least cost)."""
        return self._core.objective_kind

    @property
    def goal(self) -> str:
        """What made the plan: ``"target"`` (:func:`plan`), ``"max_coverage"``, ``"p_median"`` or ``"p_center"``."""
        return self._core.goal

    @property
    def p(self) -> int | None:
        """Number of centres asked for (``max_coverage`` with ``p``, ``p_median``, ``p_center``), else None."""
        return self._core.p

    @property
    def budget(self) -> float | None:
        """Budget in yuan (``max_coverage`` with ``budget``), else None."""
        return self._core.budget

    @property
    def radius(self) -> float:
        """Service radius, metres."""
        return self._core.radius

    @property
    def metric(self) -> str:
        """How the radius was measured: ``"straight"`` or ``"network"`` (along the county's roads)."""
        return self._core.metric

    @property
    def minutes(self) -> float | None:
        """The service limit in travel minutes along roads, or None when it is :attr:`radius` metres."""
        return self._core.minutes

    @property
    def unreachable(self) -> "pd.DataFrame":
        """Villages that no site that may open can reach within the limit, and why.

        Columns ``village`` (id), ``reason`` (``beyond_radius``, ``no_site_on_component``: the
        roads there do not connect to any candidate site, or ``far_from_road``) and ``detail``
        (a sentence). Empty when every village could be reached.
        """
        import pandas as pd

        return pd.DataFrame(self._core.unreachable_columns())

    @property
    def network(self) -> "dict[str, Any] | None":
        """How a network plan used the roads, or None for straight-line plans.

        Keys: ``cost`` (``"metres"`` or ``"minutes"``), ``limit``, ``off_road`` (ids of villages
        farther than the access tolerance from every road), ``components`` and ``road_km``.
        """
        return self._core.network_summary()

    @property
    def target(self) -> float:
        """The coverage target share."""
        return self._core.target

    @property
    def by(self) -> str:
        """What the target counts: ``"villages"`` or ``"population"``."""
        return self._core.by

    @property
    def within_town(self) -> bool:
        """Whether every community stays inside one town."""
        return self._core.within_town

    @property
    def seed(self) -> int:
        """The seed the plan was made with."""
        return self._core.seed

    @property
    def capacity(self) -> float | None:
        """Most load one centre may serve (see :attr:`capacity_by`), or None for no limit."""
        return self._core.capacity

    @property
    def capacity_by(self) -> str:
        """What :attr:`capacity` counts: ``"households"`` or ``"population"``."""
        return self._core.capacity_by

    @property
    def max_villages(self) -> int | None:
        """Most villages one community may have, or None for no limit."""
        return self._core.max_villages

    @property
    def n_centres(self) -> int:
        """Number of centres (communities), existing ones included."""
        return self._core.n_centres

    @property
    def n_covered(self) -> int:
        """Number of villages with a centre within the radius."""
        return self._core.n_covered

    @property
    def seconds(self) -> float:
        """Wall-clock seconds of the solve (0 for a plan read from a file)."""
        return self._core.seconds

    @property
    def iterations(self) -> int:
        """Solver iterations."""
        return self._core.iterations

    # ----------------------------------------------------------------------------------------
    # Tables

    @property
    def centres(self) -> "pd.DataFrame":
        """One row per centre, as a new DataFrame.

        Columns: ``community``, ``site`` (site id), ``village`` (the village it stands in),
        ``town``, ``lon``/``lat`` (``x``/``y`` for planar counties), ``status`` (before the
        plan), ``floor_area`` (m²), ``cost`` (yuan; NaN when unknown).
        """
        return frames.centres_frame(self._core)

    @property
    def communities(self) -> "pd.DataFrame":
        """One row per community (a centre and the villages it serves), as a new DataFrame.

        Columns: ``community``, ``centre`` (site id), ``centre_village``, ``town``,
        ``n_villages``, ``population``, ``households``, ``status``, ``cost`` (yuan),
        ``max_distance_m`` (farthest member, metres), ``villages`` (list of member village ids).
        """
        return frames.communities_frame(self._core)

    @property
    def assignments(self) -> "pd.DataFrame":
        """One row per village, in the county's order, as a new DataFrame.

        Columns: ``village`` (id), ``name``, ``town``, ``community`` (nullable Int64; missing
        when not covered), ``centre`` (site id), ``distance_m`` (metres to the centre; NaN when
        not covered), ``covered`` (bool).
        """
        return frames.assignments_frame(self._core)

    @property
    def town_summary(self) -> "pd.DataFrame":
        """Coverage per town, as a new DataFrame.

        Columns: ``town``, ``villages``, ``covered``, ``coverage`` (share), ``population``,
        ``covered_population``, ``population_coverage`` (share), ``centres``.
        """
        return frames.town_summary_frame(self._core)

    def to_geodataframe(
        self,
        kind: Literal["villages", "centres", "communities"] = "villages",
        *,
        shape: Literal["hull", "star"] = "hull",
        crs: Any = None,
    ) -> "gpd.GeoDataFrame":
        """Return the plan as a GeoDataFrame (needs ``pip install villageplan[geo]``).

        Parameters
        ----------
        kind : {"villages", "centres", "communities"}, default "villages"
            ``"villages"``: one point per village, the columns of :attr:`assignments` (its
            community, centre and ``distance_m``) plus ``population`` and ``households``.
            ``"centres"``: one point per centre, the columns of :attr:`centres`.
            ``"communities"``: one shape per community, the columns of :attr:`communities`.
        shape : {"hull", "star"}, default "hull"
            For ``kind="communities"``: the convex hull of the centre and its villages (a point
            or a line for one or two places), or ``"star"``: a MultiLineString from the centre to
            every member village.
        crs : int, str or pyproj.CRS, optional
            The CRS to record for a planar county (its coordinates are kept, e.g. ``32650``).
            Geographic counties are always EPSG:4326.

        Returns
        -------
        geopandas.GeoDataFrame
            Built from whole arrays (shapely's vectorised constructors); write it with
            ``gdf.to_file("plan.gpkg", layer=kind)``.

        Examples
        --------
        >>> import villageplan as vp
        >>> plan = vp.plan(vp.sample_county())
        >>> gdf = plan.to_geodataframe("communities", shape="star")
        >>> len(gdf) == plan.n_centres, gdf.crs.to_epsg()
        (True, 4326)
        """
        return frames.plan_to_geodataframe(self._core, kind=kind, shape=shape, crs=crs)

    def map(
        self,
        *,
        crs: Any = None,
        roads: bool | None = None,
        rings: bool = True,
        tiles: str | None = "OpenStreetMap",
    ) -> "folium.Map":
        """Draw the plan on an interactive folium map (needs ``pip install villageplan[plot]``).

        Centres with a ring at the service radius, villages coloured by community, uncovered
        villages grey with a red outline, and popups with name, population and distance. See
        :func:`villageplan.maps.plan_map` for the details.

        Parameters
        ----------
        crs : int, str or pyproj.CRS, optional
            For a planar county: the EPSG code of its coordinates, to transform them to lon/lat
            (a map needs lon/lat).
        roads : bool, optional
            Draw the roads; default for network plans.
        rings : bool, default True
            Draw the radius rings.
        tiles : str or None, default "OpenStreetMap"
            Background tiles; None for none (offline).

        Returns
        -------
        folium.Map
        """
        from villageplan.maps import plan_map

        return plan_map(self, crs=crs, roads=roads, rings=rings, tiles=tiles)

    # ----------------------------------------------------------------------------------------
    # Files

    def to_json(self) -> str:
        """Return the plan as versioned JSON text; equal plans give identical text."""
        return self._core.to_json()

    @classmethod
    def from_json(cls, text: str) -> "Plan":
        """Read a plan from JSON text written by :meth:`to_json`.

        Raises
        ------
        InvalidInputError
            For text that is not a plan, or a plan of another format version.
        """
        return cls(_core.Plan.from_json(text))

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the plan (with its county) as JSON to ``path``.

        Raises
        ------
        OSError
            When the file cannot be written.
        """
        self._core.save(path)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> "Plan":
        """Read a plan written by :meth:`save`.

        Raises
        ------
        FileNotFoundError, OSError
            When the file cannot be read.
        InvalidInputError
            When it is not a villageplan plan.

        Examples
        --------
        >>> import tempfile, pathlib, villageplan as vp
        >>> p = vp.plan(vp.sample_county())
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "plan.json"
        >>> p.save(path)
        >>> vp.Plan.load(path) == p
        True
        """
        return cls(_core.Plan.load(path))

    def to_geojson(self, path: str | os.PathLike[str] | None = None, routes: bool = False) -> str | None:
        """Return the plan as a GeoJSON FeatureCollection, or write it to ``path``.

        One Point feature per village (``kind="village"``: id, name, town, population,
        households, community, centre, distance_m, covered) and one per centre
        (``kind="centre"``: site id, village, town, status, cost, community, n_villages,
        population, households). The collection's ``villageplan`` member holds the plan's
        radius, target, coverage, cost, status and gap, and how distances were measured.

        Parameters
        ----------
        path : str or os.PathLike, optional
            Where to write. When omitted the text is returned instead.
        routes : bool, default False
            Also write one LineString per covered village (``kind="route"``: village, centre,
            metres, minutes) along the roads to its centre. Network plans only.

        Returns
        -------
        str or None
            The GeoJSON text when ``path`` is None.
        """
        return self._core.to_geojson(path, routes)

    # ----------------------------------------------------------------------------------------
    # Python protocols

    def __repr__(self) -> str:
        return repr(self._core)

    def _repr_html_(self) -> str:
        return _display.plan_html(self)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Plan):
            return NotImplemented
        return self._core == other._core

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> tuple[Any, ...]:
        # The schedule (when there is one) pickles as its own JSON bytes, next to the plan's.
        return (_restore_plan, (self._core, self._schedule))


def _restore_plan(core: _core.Plan, schedule: "Schedule | None" = None) -> Plan:
    """Rebuild a pickled plan with its schedule."""
    plan = Plan(core)
    plan._schedule = schedule
    return plan


def _ids(values: Iterable[str] | None, field: str) -> list[str] | None:
    if values is None:
        return None
    if isinstance(values, str):
        raise TypeError(f"`{field}` must be a list of site ids, not a single str; write {field}=[{values!r}]")
    return [str(v) for v in values]


def plan(
    county: County,
    radius: float = 2000.0,
    target: float = 0.6,
    by: Literal["villages", "population"] = "villages",
    within_town: bool = True,
    objective: Literal["auto", "count", "cost"] = "auto",
    fixed: Iterable[str] | None = None,
    forbidden: Iterable[str] | None = None,
    seed: int = 0,
    time_limit: float | None = None,
    capacity: float | None = None,
    capacity_by: Literal["households", "population"] = "households",
    max_villages: int | None = None,
    metric: Literal["straight", "network"] = "straight",
    minutes: float | None = None,
    exact: bool = False,
    years: int | None = None,
    budget: "Budget | float | None" = None,
    costs: "CostModel | None" = None,
    *,
    progress: bool | None = None,
) -> Plan:
    """Plan service centres that reach a coverage target at least cost.

    Chooses the fewest centres (or the cheapest set) that put at least ``target`` of the
    villages (or of the population) within ``radius`` metres of a centre, then forms the
    communities: every covered village joins its nearest open centre within the radius. Sites
    with status ``existing`` are always open and cost nothing; ``no_space`` sites never open. The
    solve runs in Rust with the GIL released; the result is certified by a lower bound
    (:attr:`Plan.gap`) and depends only on the inputs and ``seed``.

    With ``capacity`` or ``max_villages``, every community keeps within them: each village goes
    whole to one centre within the radius (and town) that has room for it, assigning as much of
    the target's weight as possible, then as many villages as possible, then the shortest total
    distance (exact when only the village limit binds; a bounded heuristic for household or
    population loads, which cannot be split). A village counts as covered only when it is
    assigned, so one near full centres, or larger than ``capacity`` on its own, is not covered.
    When the centres chosen without capacity fall short, more open until the target is met. The
    plan keeps the lower bound of the problem without capacity, which stays valid, so
    :attr:`Plan.gap` is honest but can be large.

    Parameters
    ----------
    county : County
        The villages and candidate sites.
    radius : float, default 2000.0
        Service radius in metres: straight-line (great-circle for geographic counties) distance
        from a village to its centre. The norm is 2000 m (range 1500-3000).
    target : float, default 0.6
        Share to cover, in (0, 1]: 0.6 means 60% (the "more than 60% of administrative villages"
        goal).
    by : {"villages", "population"}, default "villages"
        Whether ``target`` counts villages or people.
    within_town : bool, default True
        Keep every community inside one town (镇/街道): a centre serves only villages of its own
        town.
    objective : {"auto", "count", "cost"}, default "auto"
        What to minimise: the number of new centres or their total cost in yuan. ``"auto"`` uses
        cost when every openable site has a cost, count when none has.
    fixed : list of str, optional
        Ids of further sites to keep open (existing centres always are).
    forbidden : list of str, optional
        Ids of further sites never to open (``no_space`` sites never are).
    seed : int, default 0
        Seed of any randomised part of the solver.
    time_limit : float, optional
        Seconds the solver may run. When it stops early the plan is the best found so far, with
        a valid lower bound and the status ``"time_limit"`` (never ``"optimal"`` unless proven).
        Without a limit the search is deterministic.
    capacity : float, optional
        Most load one centre may serve, in households or people (``capacity_by``); for example
        1500 households (usual range 1,000-2,500) or 4000 people (2,500-7,000). None for no
        limit.
    capacity_by : {"households", "population"}, default "households"
        What ``capacity`` counts. Villages without a household count use population / 2.8.
    max_villages : int, optional
        Most villages one community may have (5-8 is usual). None for no limit.
    metric : {"straight", "network"}, default "straight"
        How ``radius`` is measured: the straight line, or along the county's roads
        (:meth:`County.with_roads`; the access legs between villages and roads count). At the
        same radius, coverage along roads is never higher than by straight line.
    minutes : float, optional
        Serve villages within this many minutes of travel along the roads (at each road's speed,
        the access legs on foot) instead of ``radius`` metres; needs ``metric="network"``. 30 is
        a common norm. The assignments then carry a ``minutes`` column.
    exact : bool, default False
        Solve the same covering problem as a mixed-integer programme with HiGHS (``pip install
        villageplan[exact]``) instead of the heuristic engine. Meant for checking the engine on
        small and medium counties; the plan has the same shape and its bound is HiGHS's proof.
        It does not model ``capacity`` or ``max_villages``.
    years : int, optional
        Years to build the plan in (with ``budget``); default the budget's years, 3 for a number.
    budget : Budget or float, optional
        Money for the roll-out: a :class:`villageplan.Budget`, or yuan per year split by the
        default funding shares. When given, :attr:`Plan.schedule` holds the build order
        (:class:`villageplan.Schedule`); otherwise it is None.
    costs : CostModel, optional
        Unit costs for the schedule (default :class:`villageplan.CostModel`, DOMAIN.md §6).
    progress : bool, optional
        Show a progress bar (tqdm) while the solver runs: None (default) shows one in a terminal
        or notebook once the solve has taken half a second, True always, False never. Ctrl-C
        stops the solve within a fraction of a second and raises ``KeyboardInterrupt``.

    Returns
    -------
    Plan
        Centres, communities, assignments, coverage, cost and the solver's certificate.

    Raises
    ------
    InvalidInputError
        For a radius that is not a positive number of metres, a target outside (0, 1], an
        unknown ``by``/``objective``, an unknown site id in ``fixed``/``forbidden``, costs on
        some sites but not on others (with ``objective="auto"``), ``by="population"`` on a
        county without population, a ``capacity`` that is not a positive number, an unknown
        ``capacity_by``, a ``max_villages`` below 1, or ``exact=True`` with a capacity or a
        village limit.
    InfeasibleError
        When the target cannot be reached even by opening every allowed site (under the
        capacity and village limit, when given); its ``achievable`` attribute holds the highest
        share reached.

    Examples
    --------
    >>> import villageplan as vp
    >>> county = vp.sample_county()
    >>> p = vp.plan(county, radius=2000, target=0.6)
    >>> p.coverage >= 0.6, p.objective_kind
    (True, 'cost')
    >>> bool((p.assignments["distance_m"].dropna() <= 2000).all())
    True
    >>> try:
    ...     vp.plan(county, radius=500, target=1.0)
    ... except vp.InfeasibleError as e:
    ...     print(f"at most {e.achievable:.0%} is reachable")
    at most 99% is reachable

    At most 1,500 households per centre:

    >>> q = vp.plan(county, radius=2000, target=0.6, capacity=1500)
    >>> bool((q.communities["households"] <= 1500).all()), q.coverage >= 0.6
    (True, True)
    >>> q.n_centres > p.n_centres
    True
    """
    core_county = getattr(county, "_core", None)
    if not isinstance(core_county, _core.County):
        raise TypeError(
            f"plan() needs a villageplan.County, got {type(county).__name__}; make one with "
            "vp.County.from_dataframe(df), vp.read_csv(path) or vp.sample_county()"
        )
    if exact:
        from villageplan.exact import solve_exact

        _refuse_limits_with_exact(capacity, max_villages)

        options = {
            "radius": radius,
            "target": target,
            "by": by,
            "within_town": within_town,
            "objective": objective,
            "fixed": _ids(fixed, "fixed"),
            "forbidden": _ids(forbidden, "forbidden"),
            "metric": metric,
            "minutes": minutes,
        }
        return _scheduled(Plan(solve_exact(core_county, options, time_limit)), years, budget, costs)
    with progress_bar(progress, "plan") as bar:
        core = _core.plan(
            core_county,
            radius,
            target,
            by,
            within_town,
            objective,
            _ids(fixed, "fixed"),
            _ids(forbidden, "forbidden"),
            seed,
            time_limit,
            capacity,
            capacity_by,
            max_villages,
            metric,
            minutes,
            progress=bar,
        )
    return _scheduled(Plan(core), years, budget, costs)


def _scheduled(result: Plan, years: int | None, budget: "Budget | float | None", costs: "CostModel | None") -> Plan:
    """Attach the schedule under ``budget`` (if any) to a fresh plan."""
    from villageplan._rollout import Budget, CostModel, Schedule, _invalid

    if budget is None:
        if years is not None:
            raise _invalid("invalid `years`: a schedule needs money too; pass budget=vp.Budget.yearly(...)", "years")
        return result
    if not isinstance(budget, Budget):
        budget = Budget.yearly(float(budget), years=3 if years is None else years)
    elif years is not None and years != budget.n_years:
        raise _invalid(
            f"invalid `years`: {years} years but the budget has {budget.n_years}; "
            "leave `years` out or give the budget one entry per year",
            "years",
        )
    if costs is not None and not isinstance(costs, CostModel):
        raise TypeError(f"`costs` must be a villageplan.CostModel, got {type(costs).__name__}")
    core_costs = None if costs is None else costs._core
    result._schedule = Schedule(_core.schedule_plan(result._core, budget._core, core_costs))
    return result


def _core_county(county: County, fn: str) -> _core.County:
    core_county = getattr(county, "_core", None)
    if not isinstance(core_county, _core.County):
        raise TypeError(
            f"{fn}() needs a villageplan.County, got {type(county).__name__}; make one with "
            "vp.County.from_dataframe(df), vp.read_csv(path) or vp.sample_county()"
        )
    return core_county


def _refuse_limits_with_exact(capacity: float | None, max_villages: int | None) -> None:
    """Raise InvalidInputError naming ``exact`` when a capacity or a village limit is given."""
    if capacity is not None or max_villages is not None:
        error = _core.InvalidInputError(
            "invalid `exact`: the exact MIP does not model capacity or max_villages; "
            "plan with exact=False, or drop the limits"
        )
        error.field = "exact"
        raise error


def max_coverage(
    county: County,
    radius: float = 2000.0,
    p: int | None = None,
    budget: float | None = None,
    by: Literal["villages", "population"] = "villages",
    within_town: bool = True,
    fixed: Iterable[str] | None = None,
    forbidden: Iterable[str] | None = None,
    seed: int = 0,
    time_limit: float | None = None,
    metric: Literal["straight", "network"] = "straight",
    minutes: float | None = None,
    capacity: float | None = None,
    capacity_by: Literal["households", "population"] = "households",
    max_villages: int | None = None,
    *,
    progress: bool | None = None,
    exact: bool = False,
) -> Plan:
    """Plan the centres that cover the most villages (or people) with ``p`` centres or a budget.

    The maximal covering problem on the county: choose at most ``p`` centres in all (existing
    and ``fixed`` sites included), or new centres costing at most ``budget`` yuan in total, so
    that as many villages (or people, ``by="population"``) as possible have a centre within
    ``radius`` metres. Existing sites are always open and cost nothing; ``no_space`` sites never
    open. Communities form as in :func:`plan`: every covered village joins its nearest open
    centre within the radius; the others stay uncovered. :attr:`Plan.objective` is the number
    of villages (or people) covered and :attr:`Plan.bound` a proven upper bound on it.

    Parameters
    ----------
    county : County
        The villages and candidate sites.
    radius : float, default 2000.0
        Service radius in metres (great-circle distance for geographic counties).
    p : int, optional
        Most centres in all, existing and fixed ones included. Give ``p`` or ``budget``.
    budget : float, optional
        Most total cost in yuan of the centres opened beyond the existing and fixed ones; every
        site that may open needs a cost. Give ``p`` or ``budget``.
    by : {"villages", "population"}, default "villages"
        Whether to count covered villages or covered people.
    within_town : bool, default True
        A centre serves only villages of its own town.
    fixed : list of str, optional
        Ids of further sites to keep open (existing centres always are).
    forbidden : list of str, optional
        Ids of further sites never to open (``no_space`` sites never are).
    seed : int, default 0
        Seed of the randomised local search.
    time_limit : float, optional
        Seconds the solver may run; the best plan so far is returned with status ``"time_limit"``.
    metric : {"straight", "network"}, default "straight"
        How distances are measured: the straight line, or along the county's roads (see
        :func:`plan`).
    minutes : float, optional
        A limit in travel minutes along the roads instead of ``radius`` metres (see :func:`plan`).
    capacity : float, optional
        Most households (or people, see ``capacity_by``) one centre may serve. The centres are
        then searched for under the limit (capacitated assignment, greedy fill, swaps) starting
        from the uncapacitated answer; :attr:`Plan.objective` counts the villages (or people)
        the capacitated communities serve, and :attr:`Plan.bound` stays the uncapacitated bound
        (valid, as limits only restrict, but looser).
    capacity_by : {"households", "population"}, default "households"
        What ``capacity`` counts.
    max_villages : int, optional
        Most villages per community (5 to 8 is usual), alone or with ``capacity``.
    progress : bool, optional
        Show a progress bar (tqdm) while the solver runs: None (default) shows one in a terminal
        or notebook once the solve has taken half a second, True always, False never. Ctrl-C
        stops the solve within a fraction of a second and raises ``KeyboardInterrupt``.
    exact : bool, default False
        Solve the same problem as a mixed-integer programme with HiGHS (``pip install
        villageplan[exact]``) instead of the engine, to check it on small and medium counties.
        The plan has the same shape; its bound is HiGHS's dual bound and its status
        ``"optimal"`` only when that closes the gap (``"time_limit"`` when ``time_limit``
        stopped HiGHS first). ``seed`` and ``progress`` are not used. Problems with more than 5
        million village-site pairs are refused (``field == "exact"``), and so is ``exact`` with
        a capacity or a village limit.

    Returns
    -------
    Plan
        With ``goal == "max_coverage"`` and ``p`` or ``budget`` recorded.

    Raises
    ------
    InvalidInputError
        For neither or both of ``p`` and ``budget``, ``p`` below the existing and fixed sites, a
        negative budget, a budget with sites that have no cost, a bad radius, a ``capacity`` that
        is not positive, a ``max_villages`` below 1, ``exact`` with limits, or an unknown id in
        ``fixed``/``forbidden`` (the error's ``field`` names the argument).
    ImportError
        With ``exact`` when HiGHS is not installed (``pip install villageplan[exact]``).

    Examples
    --------
    >>> import villageplan as vp
    >>> county = vp.sample_county()
    >>> p = vp.max_coverage(county, radius=2000, p=60)
    >>> p.goal, p.n_centres <= 60, p.bound >= p.objective
    ('max_coverage', True, True)
    >>> q = vp.max_coverage(county, radius=2000, budget=5_000_000)
    >>> q.cost <= 5_000_000
    True
    >>> r = vp.max_coverage(county, radius=2000, p=60, capacity=1500)
    >>> bool((r.communities["households"] <= 1500).all()), r.objective <= p.objective <= r.bound
    (True, True)
    """
    if exact:
        _refuse_limits_with_exact(capacity, max_villages)
        options = {"radius": radius, "by": by, "within_town": within_town, "metric": metric, "minutes": minutes}
        limit = {"p": p, "budget": budget}
        return Plan(_exact_objective(county, "max_coverage", seed, time_limit, fixed, forbidden, **limit, **options))
    with progress_bar(progress, "max_coverage") as bar:
        core = _core.max_coverage(
            _core_county(county, "max_coverage"),
            radius,
            p,
            budget,
            by,
            within_town,
            _ids(fixed, "fixed"),
            _ids(forbidden, "forbidden"),
            seed,
            time_limit,
            metric,
            minutes,
            capacity,
            capacity_by,
            max_villages,
            progress=bar,
        )
    return Plan(core)


def p_median(
    county: County,
    p: int,
    radius: float = 2000.0,
    by: Literal["villages", "population"] = "villages",
    within_town: bool = True,
    fixed: Iterable[str] | None = None,
    forbidden: Iterable[str] | None = None,
    seed: int = 0,
    time_limit: float | None = None,
    metric: Literal["straight", "network"] = "straight",
    minutes: float | None = None,
    *,
    progress: bool | None = None,
    exact: bool = False,
) -> Plan:
    """Plan exactly ``p`` centres with the least total village-centre distance (p-median).

    Minimises the sum over villages of the distance to the nearest open centre, each village
    weighted by its population when ``by="population"``, else counted once. Existing and
    ``fixed`` sites are open and count towards ``p``; ``no_space`` and ``forbidden`` sites
    never open. :attr:`Plan.objective` is the total distance in metres (person-metres with
    ``by="population"``) and :attr:`Plan.bound` a proven lower bound.

    Distances are great-circle (geographic counties) or straight-line (planar) metres between
    every village and every site, held in a dense matrix; counties with more than 50 million
    village-site pairs are refused (use :func:`max_coverage` or :func:`plan`, which only keep
    the pairs within the radius). With ``within_town`` a village is served only from its own
    town, so every town needs a site that may open and ``p`` must allow one centre per town.

    Every village joins its nearest open centre, however far: the plan serves everyone. A
    village farther than ``radius`` from its centre keeps its community and distance in
    :attr:`Plan.assignments` but is not *covered*: :attr:`Plan.coverage`,
    :attr:`Plan.population_coverage`, :attr:`Plan.n_covered` and :attr:`Plan.town_summary`
    count only villages within the radius.

    Parameters
    ----------
    county : County
        The villages and candidate sites.
    p : int
        Number of centres, existing and fixed ones included.
    radius : float, default 2000.0
        Service radius in metres; only decides which villages count as covered.
    by : {"villages", "population"}, default "villages"
        Weight each village by 1 or by its population.
    within_town : bool, default True
        A centre serves only villages of its own town.
    fixed : list of str, optional
        Ids of further sites to keep open (existing centres always are).
    forbidden : list of str, optional
        Ids of further sites never to open (``no_space`` sites never are).
    seed : int, default 0
        Seed of the randomised search.
    time_limit : float, optional
        Seconds the solver may run; the best plan so far is returned with status ``"time_limit"``.
    metric : {"straight", "network"}, default "straight"
        How distances are measured: the straight line, or along the county's roads (see
        :func:`plan`).
    minutes : float, optional
        A limit in travel minutes along the roads instead of ``radius`` metres (see :func:`plan`).
    progress : bool, optional
        Show a progress bar (tqdm) while the solver runs: None (default) shows one in a terminal
        or notebook once the solve has taken half a second, True always, False never. Ctrl-C
        stops the solve within a fraction of a second and raises ``KeyboardInterrupt``.
    exact : bool, default False
        Solve the same problem as a mixed-integer programme with HiGHS (``pip install
        villageplan[exact]``) instead of the engine, to check it on small and medium counties.
        The plan has the same shape; its bound is HiGHS's dual bound and its status
        ``"optimal"`` only when that closes the gap (``"time_limit"`` when ``time_limit``
        stopped HiGHS first). ``seed`` and ``progress`` are not used. Problems with more than 5
        million village-site pairs are refused (``field == "exact"``).

    Returns
    -------
    Plan
        With ``goal == "p_median"`` and ``p`` recorded.

    Raises
    ------
    InvalidInputError
        For ``p`` below 1, above the sites that may open, below the existing and fixed sites or
        below the towns that need a centre; a town without any site that may open
        (``within_town``); a county too large for the distance matrix (``field == "county"``);
        a bad radius; or an unknown id in ``fixed``/``forbidden``.
    ImportError
        With ``exact`` when HiGHS is not installed (``pip install villageplan[exact]``).

    Examples
    --------
    >>> import villageplan as vp
    >>> county = vp.sample_county()
    >>> m = vp.p_median(county, p=60)
    >>> m.goal, m.n_centres, m.objective >= m.bound
    ('p_median', 60, True)
    >>> bool(m.assignments["community"].ge(0).all())  # everyone is served
    True
    """
    if exact:
        options = {"radius": radius, "by": by, "within_town": within_town, "metric": metric, "minutes": minutes}
        return Plan(_exact_objective(county, "p_median", seed, time_limit, fixed, forbidden, p=p, **options))
    with progress_bar(progress, "p_median") as bar:
        core = _core.p_median(
            _core_county(county, "p_median"),
            p,
            radius,
            by,
            within_town,
            _ids(fixed, "fixed"),
            _ids(forbidden, "forbidden"),
            seed,
            time_limit,
            metric,
            minutes,
            progress=bar,
        )
    return Plan(core)


def p_center(
    county: County,
    p: int,
    radius: float = 2000.0,
    by: Literal["villages", "population"] = "villages",
    within_town: bool = True,
    fixed: Iterable[str] | None = None,
    forbidden: Iterable[str] | None = None,
    seed: int = 0,
    time_limit: float | None = None,
    metric: Literal["straight", "network"] = "straight",
    minutes: float | None = None,
    *,
    progress: bool | None = None,
    exact: bool = False,
) -> Plan:
    """Plan exactly ``p`` centres with the least largest village-centre distance (p-center).

    Minimises the distance from the worst-served village to its nearest open centre; every
    village counts alike (``by`` does not change the objective and is kept for the record).
    Existing and ``fixed`` sites are open and count towards ``p``; ``no_space`` and
    ``forbidden`` sites never open. :attr:`Plan.objective` is the largest distance in metres and
    :attr:`Plan.bound` a proven lower bound.

    Distances are great-circle (geographic counties) or straight-line (planar) metres between
    every village and every site, held in a dense matrix; counties with more than 50 million
    village-site pairs are refused (use :func:`max_coverage` or :func:`plan`, which only keep
    the pairs within the radius). With ``within_town`` a village is served only from its own
    town, so every town needs a site that may open and ``p`` must allow one centre per town.

    Every village joins its nearest open centre, however far: the plan serves everyone. A
    village farther than ``radius`` from its centre keeps its community and distance in
    :attr:`Plan.assignments` but is not *covered*: :attr:`Plan.coverage`,
    :attr:`Plan.population_coverage`, :attr:`Plan.n_covered` and :attr:`Plan.town_summary`
    count only villages within the radius.

    Parameters
    ----------
    county : County
        The villages and candidate sites.
    p : int
        Number of centres, existing and fixed ones included.
    radius : float, default 2000.0
        Service radius in metres; only decides which villages count as covered.
    by : {"villages", "population"}, default "villages"
        Recorded with the plan; the objective does not depend on it.
    within_town : bool, default True
        A centre serves only villages of its own town.
    fixed : list of str, optional
        Ids of further sites to keep open (existing centres always are).
    forbidden : list of str, optional
        Ids of further sites never to open (``no_space`` sites never are).
    seed : int, default 0
        Seed of the randomised search.
    time_limit : float, optional
        Seconds the solver may run; the best plan so far is returned with status ``"time_limit"``.
    metric : {"straight", "network"}, default "straight"
        How distances are measured: the straight line, or along the county's roads (see
        :func:`plan`).
    minutes : float, optional
        A limit in travel minutes along the roads instead of ``radius`` metres (see :func:`plan`).
    progress : bool, optional
        Show a progress bar (tqdm) while the solver runs: None (default) shows one in a terminal
        or notebook once the solve has taken half a second, True always, False never. Ctrl-C
        stops the solve within a fraction of a second and raises ``KeyboardInterrupt``.
    exact : bool, default False
        Solve the same problem as a mixed-integer programme with HiGHS (``pip install
        villageplan[exact]``) instead of the engine, to check it on small and medium counties.
        The plan has the same shape; its bound is HiGHS's dual bound and its status
        ``"optimal"`` only when that closes the gap (``"time_limit"`` when ``time_limit``
        stopped HiGHS first). ``seed`` and ``progress`` are not used. Problems with more than 5
        million village-site pairs are refused (``field == "exact"``).

    Returns
    -------
    Plan
        With ``goal == "p_center"`` and ``p`` recorded.

    Raises
    ------
    InvalidInputError
        As :func:`p_median`.
    ImportError
        With ``exact`` when HiGHS is not installed (``pip install villageplan[exact]``).

    Examples
    --------
    >>> import villageplan as vp
    >>> county = vp.sample_county()
    >>> c = vp.p_center(county, p=60)
    >>> c.goal, c.n_centres
    ('p_center', 60)
    >>> bool(c.assignments["distance_m"].max() == c.objective)
    True
    """
    if exact:
        options = {"radius": radius, "by": by, "within_town": within_town, "metric": metric, "minutes": minutes}
        return Plan(_exact_objective(county, "p_center", seed, time_limit, fixed, forbidden, p=p, **options))
    with progress_bar(progress, "p_center") as bar:
        core = _core.p_center(
            _core_county(county, "p_center"),
            p,
            radius,
            by,
            within_town,
            _ids(fixed, "fixed"),
            _ids(forbidden, "forbidden"),
            seed,
            time_limit,
            metric,
            minutes,
            progress=bar,
        )
    return Plan(core)


def _exact_objective(
    county: County,
    goal: str,
    seed: int,
    time_limit: float | None,
    fixed: Iterable[str] | None,
    forbidden: Iterable[str] | None,
    **options: Any,
) -> _core.Plan:
    """Plan a county objective as an exact MIP with HiGHS (``exact=True``), the engine as fallback."""
    from functools import partial

    from villageplan.exact import exact_objective

    core_county = _core_county(county, goal)
    options = {**options, "fixed": _ids(fixed, "fixed"), "forbidden": _ids(forbidden, "forbidden")}
    heuristic = partial(getattr(_core, goal), core_county, seed=seed, time_limit=time_limit, **options)
    return exact_objective(core_county, goal, options, time_limit, heuristic)
