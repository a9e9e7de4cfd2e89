"""The ``County`` class: a validated set of villages, towns and candidate sites."""

import os
from typing import TYPE_CHECKING, Any

from villageplan import _core, _display, frames

if TYPE_CHECKING:
    from collections.abc import Mapping

    import geopandas as gpd
    import pandas as pd
    from numpy.typing import ArrayLike

__all__ = ["County", "read_csv", "read_geojson", "sample_county"]


class County:
    """A validated county: villages, the towns they belong to and the candidate sites for centres.

    Every village is also a candidate site for a centre; a site's ``status`` says what stands
    there today: ``none`` (an ordinary candidate, opening it means a new build), ``existing`` (a
    centre that meets the standard: always open, cost 0), ``rebuild`` or ``new`` (pilot sites) or
    ``no_space`` (can never open).

    A county is immutable, and every check has passed when it exists: positions finite and in
    range, ids unique, populations at least 0, every town known. Make one with
    :meth:`from_dataframe`, :meth:`from_geodataframe`, :meth:`from_arrays`, :func:`read_csv`,
    :func:`read_geojson` or :func:`sample_county`; do not call ``County(...)`` directly.

    Positions are either geographic (``crs="geographic"``: longitude and latitude in degrees,
    WGS 84; distances are great-circle metres) or planar (``crs="planar"``: projected metres;
    distances are straight-line metres).

    Examples
    --------
    >>> import pandas as pd
    >>> import villageplan as vp
    >>> df = pd.DataFrame({
    ...     "id": ["a", "b", "c"], "lon": [119.0, 119.01, 119.05], "lat": [36.0, 36.0, 36.02],
    ...     "population": [1200, 800, 950], "town": ["T1", "T1", "T2"]})
    >>> county = vp.County.from_dataframe(df)
    >>> county
    County(name='county', villages=3, towns=2, sites=3, population=2950, crs='geographic')
    >>> county.villages.columns.tolist()
    ['id', 'name', 'town', 'lon', 'lat', 'population', 'households']
    """

    __slots__ = ("_core",)
    __module__ = "villageplan"

    def __init__(self, core: _core.County) -> None:
        if not isinstance(core, _core.County):
            raise TypeError(
                "County(...) wraps an internal object; make a county with County.from_dataframe, "
                "County.from_arrays, vp.read_csv, vp.read_geojson or vp.sample_county"
            )
        self._core = core

    # ----------------------------------------------------------------------------------------
    # Constructors

    @classmethod
    def from_dataframe(
        cls,
        df: "pd.DataFrame",
        *,
        id: str = "id",
        x: str | None = None,
        y: str | None = None,
        population: str = "population",
        town: str | None = "town",
        name: str | None = None,
        households: str | None = None,
        status: str | None = None,
        floor_area: str | None = None,
        cost: str | None = None,
        crs: str = "geographic",
    ) -> "County":
        """Build a county from a pandas DataFrame with one row per village.

        Each keyword names the column that plays that role. The columns go to the Rust core as
        whole numpy arrays (no per-row Python work), and ``df`` is never modified.

        Parameters
        ----------
        df : pandas.DataFrame
            One row per village.
        id : str, default "id"
            Column of unique village ids (any dtype; converted to str).
        x, y : str, optional
            Columns of longitude and latitude in degrees (``crs="geographic"``) or of easting and
            northing in metres (``crs="planar"``). By default the first column found among
            ``x``, ``lon``, ``lng``, ``longitude``, ``easting`` (and ``y``, ``lat``,
            ``latitude``, ``northing``), ignoring case.
        population : str, default "population"
            Numeric column of residents (persons, at least 0).
        town : str or None, default "town"
            Column of town (镇/街道) names: communities are formed inside one town. ``None``
            puts every village in one unnamed town.
        name : str, optional
            Column of display names (default: the id; missing names also fall back to the id).
        households : str, optional
            Numeric column of households; missing values become population / 2.8.
        status : str, optional
            Column of site status per village: ``none`` (or empty), ``existing``, ``rebuild``,
            ``new``, ``no_space``.
        floor_area : str, optional
            Numeric column of the floor area of the village's building, m² (NaN = unknown).
        cost : str, optional
            Numeric column of the cost of opening a centre in the village, yuan (NaN = unknown).
            Give costs for every candidate site or for none.
        crs : {"geographic", "planar"}, default "geographic"
            How to read ``x`` and ``y`` (degrees or projected metres).

        Returns
        -------
        County

        Raises
        ------
        InvalidInputError
            For a column name that does not exist (the message lists the DataFrame's columns), a
            column that is not numeric where numbers are needed, a missing id or town, and every
            check of the county: NaN, infinite or out-of-range coordinates, planar coordinates
            that look like degrees, duplicate ids, a negative or NaN population, an empty table.
            The message names the column and the row.

        Examples
        --------
        >>> import pandas as pd
        >>> import villageplan as vp
        >>> df = pd.DataFrame({"code": [1, 2], "x": [500_000.0, 501_200.0], "y": [4_000_000.0, 4_000_300.0],
        ...                    "pop": [900, 1500]})
        >>> county = vp.County.from_dataframe(df, id="code", population="pop", town=None, crs="planar")
        >>> county.n_villages, county.crs
        (2, 'planar')
        """
        return cls(
            frames.county_from_dataframe(
                df,
                id=id,
                x=x,
                y=y,
                population=population,
                town=town,
                name=name,
                households=households,
                status=status,
                floor_area=floor_area,
                cost=cost,
                crs=crs,
            )
        )

    @classmethod
    def from_geodataframe(
        cls,
        gdf: "gpd.GeoDataFrame",
        *,
        id: str = "id",
        population: str = "population",
        town: str | None = "town",
        name: str | None = None,
        households: str | None = None,
        status: str | None = None,
        floor_area: str | None = None,
        cost: str | None = None,
        crs: str | None = None,
    ) -> "County":
        """Build a county from a GeoDataFrame of village points (or polygons).

        Positions come from the geometry: points as they are, other shapes by a representative
        point inside them, with a ``UserWarning`` saying how many. Needs
        ``pip install villageplan[geo]``.

        Parameters
        ----------
        gdf : geopandas.GeoDataFrame
            One row per village.
        id, population, town, name, households, status, floor_area, cost : str or None
            Column names, as in :meth:`from_dataframe`.
        crs : {"geographic", "planar"}, optional
            By default taken from ``gdf.crs``: EPSG:4326 is geographic (great-circle distances);
            a projected CRS in metres (a UTM zone, a CGCS2000 Gauss-Kruger zone) is planar
            (straight-line metres); anything else (another geographic datum such as CGCS2000
            EPSG:4490, a CRS in feet, Web Mercator) is transformed to EPSG:4326 with pyproj.
            The coordinates go to the core as whole NumPy arrays.

        Returns
        -------
        County

        Raises
        ------
        InvalidInputError
            As :meth:`from_dataframe`; also for a missing CRS and empty geometries.

        Examples
        --------
        >>> import geopandas as gpd
        >>> import villageplan as vp
        >>> gdf = gpd.GeoDataFrame({"id": ["a", "b"], "population": [900, 1500], "town": ["T", "T"]},
        ...                        geometry=gpd.points_from_xy([500_000.0, 501_200.0], [4_000_000.0, 4_000_300.0]),
        ...                        crs="EPSG:32650")
        >>> vp.County.from_geodataframe(gdf).crs
        'planar'
        >>> vp.County.from_geodataframe(gdf.to_crs(4490)).crs   # CGCS2000 lon/lat: transformed to WGS 84
        'geographic'
        """
        return cls(
            frames.county_from_geodataframe(
                gdf,
                id=id,
                population=population,
                town=town,
                name=name,
                households=households,
                status=status,
                floor_area=floor_area,
                cost=cost,
                crs=crs,
            )
        )

    @classmethod
    def from_arrays(
        cls,
        id: "ArrayLike",
        x: "ArrayLike",
        y: "ArrayLike",
        population: "ArrayLike",
        *,
        name: "ArrayLike | None" = None,
        town: "ArrayLike | None" = None,
        households: "ArrayLike | None" = None,
        status: "ArrayLike | None" = None,
        floor_area: "ArrayLike | None" = None,
        cost: "ArrayLike | None" = None,
        crs: str = "geographic",
    ) -> "County":
        """Build a county from arrays or lists, one entry per village.

        Parameters
        ----------
        id : sequence of str
            Unique village ids.
        x, y : array_like of float
            Longitude and latitude in degrees (``crs="geographic"``) or projected metres
            (``crs="planar"``).
        population : array_like of float
            Residents per village (at least 0).
        name, town, status : sequence of str, optional
            Display names (default: the ids), town names (default: one unnamed town) and site
            status (``none``, ``existing``, ``rebuild``, ``new``, ``no_space``; empty = none).
        households, floor_area, cost : array_like of float, optional
            Households (NaN = population / 2.8), floor area in m² and cost in yuan (NaN = unknown).
        crs : {"geographic", "planar"}, default "geographic"

        Returns
        -------
        County

        Raises
        ------
        InvalidInputError
            For arrays of different lengths (naming the column), values that are not numbers, and
            every check of the county (see :meth:`from_dataframe`).

        Examples
        --------
        >>> import villageplan as vp
        >>> county = vp.County.from_arrays(["a", "b"], [119.0, 119.01], [36.0, 36.0], [1000, 500], town=["T", "T"])
        >>> county.towns
        ['T']
        """
        return cls(
            frames.core_county_from_arrays(
                id,
                x,
                y,
                population,
                name=name,
                town=town,
                households=households,
                status=status,
                floor_area=floor_area,
                cost=cost,
                crs=crs,
            )
        )

    @classmethod
    def from_json(cls, text: str) -> "County":
        """Read a county from JSON text written by :meth:`to_json` (validated again).

        Raises
        ------
        InvalidInputError
            For text that is not a county, naming the line, or a county that fails a check.
        """
        return cls(_core.County.from_json(text))

    def to_json(self) -> str:
        """Return the county as JSON text (villages, towns and sites; deterministic)."""
        return self._core.to_json()

    def with_name(self, name: str) -> "County":
        """Return the same county under another display name."""
        return County(self._core.with_name(name))

    def with_roads(
        self,
        roads: Any,
        *,
        nodes: Any = None,
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
        speeds: "Mapping[str, float] | None" = None,
    ) -> "County":
        """Return the county with a road network, for planning along roads.

        With roads, ``vp.plan(county, metric="network", radius=2000)`` measures the radius along
        the roads, and ``minutes=30`` serves villages within 30 minutes' travel. Villages and
        sites are snapped to the nearest point of the nearest road; the leg between them and
        the road counts, at ``speeds["access"]`` for minutes. Road ends closer than
        ``snap_tolerance`` metres are joined into one junction.

        Parameters
        ----------
        roads : GeoDataFrame, DataFrame, str or PathLike
            A GeoDataFrame of LineStrings (MultiLineStrings are split), an edge-list DataFrame
            (columns ``from_col``, ``to_col`` and optionally ``length_col`` in metres,
            ``speed_col`` in km/h, ``class_col``) with ``nodes``, or the path of a GeoJSON file
            of LineStrings or of a CSV edge list (with ``nodes`` the path of a CSV node table).
            A GeoDataFrame in another CRS is transformed to lon/lat for a geographic county.
        nodes : DataFrame, str or PathLike, optional
            The node table of an edge list: ``id_col``, ``x_col``, ``y_col`` in the county's
            coordinates.
        class_col, speed_col, length_col : str
            Optional per-road class (``county``, ``township``, ``village``; default village),
            speed in km/h (default: the class's) and length in metres (default: the drawn
            length; for lines, the segments are scaled to it).
        from_col, to_col, id_col, x_col, y_col : str
            Column names of an edge list and its node table.
        snap_tolerance : float, default 1.0
            Metres within which road ends are joined.
        access_tolerance : float, default 1000.0
            Villages farther than this from every road are reported (``Plan.network["off_road"]``).
        speeds : dict, optional
            Speeds in km/h overriding :data:`villageplan.roads.DEFAULT_SPEEDS` (keys ``county``
            40, ``township`` 30, ``village`` 20, ``access`` 4.5). For a walking norm, give every
            key the same pace, e.g. 4.5.

        Returns
        -------
        County
            A new county; this one is unchanged.

        Raises
        ------
        InvalidInputError
            For an empty network, an edge naming a node that is not in the node table, a
            negative or non-numeric length, a speed that is not positive, an unknown class, a
            geometry that is not a line, or a missing column (the message lists the columns).

        Examples
        --------
        >>> import pandas as pd
        >>> import villageplan as vp
        >>> villages = pd.DataFrame({"id": ["a", "b", "c"], "x": [0.0, 1500.0, 3000.0], "y": [0.0, 0.0, 0.0],
        ...                          "population": [900, 700, 800], "town": "T"})
        >>> county = vp.County.from_dataframe(villages, crs="planar")
        >>> nodes = pd.DataFrame({"id": ["n1", "n2"], "x": [0.0, 3000.0], "y": [0.0, 0.0]})
        >>> edges = pd.DataFrame({"from": ["n1"], "to": ["n2"], "length": [4000.0]})
        >>> roads = county.with_roads(edges, nodes=nodes)
        >>> roads.road_summary["km"]
        4.0
        >>> vp.plan(roads, metric="network", radius=2000, target=1.0).n_centres
        2
        """
        from villageplan.roads import attach_roads

        core = attach_roads(
            self._core,
            roads,
            nodes=nodes,
            class_col=class_col,
            speed_col=speed_col,
            length_col=length_col,
            from_col=from_col,
            to_col=to_col,
            id_col=id_col,
            x_col=x_col,
            y_col=y_col,
            snap_tolerance=snap_tolerance,
            access_tolerance=access_tolerance,
            speeds=speeds,
        )
        return County(core)

    def without_roads(self) -> "County":
        """Return the county without its road network."""
        return County(_core.county_without_roads(self._core))

    @property
    def has_roads(self) -> bool:
        """Whether the county has a road network (see :meth:`with_roads`)."""
        return _core.road_summary(self._core) is not None

    @property
    def roads(self) -> "pd.DataFrame | None":
        """The road segments as a new DataFrame, or None without roads.

        Columns: ``from``, ``to`` (junction numbers), ``x0``, ``y0``, ``x1``, ``y1``,
        ``length_m``, ``class``, ``speed_kmh``, ``component`` (connected piece of the network).
        :func:`villageplan.roads.roads_geodataframe` gives them as LineStrings.
        """
        from villageplan.roads import roads_frame

        return roads_frame(self._core)

    @property
    def road_summary(self) -> "dict[str, Any] | None":
        """Junctions, roads, components, km (total and per class), speeds and tolerances; None without roads."""
        return _core.road_summary(self._core)

    # ----------------------------------------------------------------------------------------
    # Properties

    @property
    def name(self) -> str:
        """Display name."""
        return self._core.name

    @property
    def crs(self) -> str:
        """``"geographic"`` (lon/lat degrees) or ``"planar"`` (projected metres)."""
        return self._core.crs

    @property
    def n_villages(self) -> int:
        """Number of villages."""
        return self._core.n_villages

    @property
    def n_sites(self) -> int:
        """Number of candidate sites."""
        return self._core.n_sites

    @property
    def towns(self) -> list[str]:
        """Town names, in order of first appearance."""
        return self._core.towns

    @property
    def total_population(self) -> float:
        """Total population of all villages."""
        return self._core.total_population

    @property
    def site_status_counts(self) -> dict[str, int]:
        """Number of candidate sites per status (``none``, ``existing``, ``rebuild``, ``new``, ``no_space``)."""
        return self._core.site_status_counts()

    @property
    def villages(self) -> "pd.DataFrame":
        """The villages as a new DataFrame.

        Columns: ``id``, ``name``, ``town``, ``lon``/``lat`` (``x``/``y`` for planar counties),
        ``population``, ``households``. Changing the DataFrame does not change the county.
        """
        return frames.villages_frame(self._core)

    @property
    def sites(self) -> "pd.DataFrame":
        """The candidate sites as a new DataFrame.

        Columns: ``id``, ``village``, ``town``, ``lon``/``lat`` (or ``x``/``y``), ``status``,
        ``floor_area`` (m², NaN when unknown), ``cost`` (yuan, NaN when unknown).
        """
        return frames.sites_frame(self._core)

    # ----------------------------------------------------------------------------------------
    # Python protocols

    def __repr__(self) -> str:
        return repr(self._core)

    def _repr_html_(self) -> str:
        return _display.county_html(self)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, County):
            return NotImplemented
        return self._core == other._core

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> tuple[Any, ...]:
        return (County, (self._core,))


def sample_county(seed: int = 2008) -> County:
    """Return the seeded synthetic sample county (no download).

    300 administrative villages in 12 towns (a county-seat subdistrict and 11 towns) on about
    1,200 km², with the 28 pilot sites of the founding speech: 12 ``new``, 13 ``rebuild`` and 3
    ``no_space``. Every site has a cost in yuan, so :func:`plan` minimises cost. The same seed
    always gives the same county.

    Parameters
    ----------
    seed : int, default 2008
        Seed of the generator.

    Returns
    -------
    County

    Examples
    --------
    >>> import villageplan as vp
    >>> county = vp.sample_county()
    >>> county.n_villages, len(county.towns)
    (300, 12)
    >>> county.site_status_counts
    {'none': 272, 'existing': 0, 'rebuild': 13, 'new': 12, 'no_space': 3}
    """
    return County(_core.sample_county(seed))


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
    r"""Read villages from a CSV file (UTF-8, comma-separated, with a header row).

    Every row is a village and also a candidate site. Each keyword names the column for that
    role; ``None`` looks for the usual names (ignoring case): id: ``id``, ``village_id``,
    ``code``; x: ``x``, ``lon``, ``lng``, ``longitude``, ``easting``; y: ``y``, ``lat``,
    ``latitude``, ``northing``; population: ``population``, ``pop``; name: ``name``,
    ``village``, ``village_name``; town: ``town``, ``township``, ``subdistrict``; households:
    ``households``, ``hh``; status: ``status``; floor_area: ``floor_area``, ``area_m2``; cost:
    ``cost``. id, x, y and population are required. Empty cells in the optional columns mean
    unknown.

    Parameters
    ----------
    path : str or os.PathLike
        The CSV file.
    id, x, y, population, name, town, households, status, floor_area, cost : str, optional
        Column names (see above).
    crs : {"geographic", "planar"}, default "geographic"
        Whether x/y are lon/lat degrees or projected metres.

    Returns
    -------
    County

    Raises
    ------
    FileNotFoundError, PermissionError, OSError
        When the file cannot be read.
    InvalidInputError
        For malformed CSV (naming the line), a column that does not exist (listing the columns
        that do), a cell that is not a number (naming column and row) and every check of the
        county.

    Examples
    --------
    >>> import tempfile, pathlib, villageplan as vp
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "villages.csv"
    >>> _ = path.write_text("id,lon,lat,pop,town\na,119.0,36.0,1000,T\nb,119.01,36.0,500,T\n")
    >>> vp.read_csv(path).n_villages
    2
    """
    return County(
        _core.read_csv(
            path,
            id=id,
            x=x,
            y=y,
            population=population,
            name=name,
            town=town,
            households=households,
            status=status,
            floor_area=floor_area,
            cost=cost,
            crs=crs,
        )
    )


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
    """Read villages from a GeoJSON FeatureCollection of Point features.

    Positions come from the points; the other roles from the feature properties, found as in
    :func:`read_csv` (when no id property is found, the features' own ``id`` members are used).

    Parameters
    ----------
    path : str or os.PathLike
        The GeoJSON file.
    id, population, name, town, households, status, floor_area, cost : str, optional
        Property names (``None`` looks for the usual names).
    crs : {"geographic", "planar"}, optional
        GeoJSON positions are lon/lat degrees (RFC 7946), the default; pass ``"planar"`` for a
        file in projected metres.

    Returns
    -------
    County

    Raises
    ------
    FileNotFoundError, PermissionError, OSError
        When the file cannot be read.
    InvalidInputError
        For text that is not a GeoJSON FeatureCollection, non-Point geometries, a property that
        does not exist (listing those that do) and every check of the county.
    """
    return County(
        _core.read_geojson(
            path,
            id=id,
            population=population,
            name=name,
            town=town,
            households=households,
            status=status,
            floor_area=floor_area,
            cost=cost,
            crs=crs,
        )
    )
