"""pandas and GeoPandas adapters.

These functions move whole columns between pandas and the Rust core: numeric columns go in as
numpy float64 arrays and come back as numpy arrays, with no per-row Python work. The input
DataFrame is never modified.

The classes expose them as methods and properties (``County.from_dataframe``,
``County.villages``, ``Plan.communities`` and so on); use those.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from villageplan import _core
from villageplan.exceptions import InvalidInputError

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

__all__ = [
    "assignments_frame",
    "centres_frame",
    "communities_frame",
    "county_from_dataframe",
    "county_from_geodataframe",
    "plan_to_geodataframe",
    "sites_frame",
    "town_summary_frame",
    "villages_frame",
]

#: Column names tried, in order, when ``x``/``y`` are not given (case-insensitive).
X_NAMES = ("x", "lon", "lng", "longitude", "easting")
Y_NAMES = ("y", "lat", "latitude", "northing")
_OPTIONAL_ROLES = ("town", "name", "households", "status", "floor_area", "cost")


def _invalid(
    message: str, field: str | None = None, row: int | None = None, id: str | None = None
) -> InvalidInputError:
    err = InvalidInputError(message)
    err.field = field
    err.row = row
    err.id = id
    return err


def _columns_list(df: pd.DataFrame) -> str:
    return ", ".join(str(c) for c in df.columns)


def _column(df: pd.DataFrame, name: str, role: str) -> pd.Series:
    if name not in df.columns:
        hint = f" (or {role}=None to leave it out)" if role in _OPTIONAL_ROLES else ""
        raise _invalid(
            f"column `{name}` not found in the DataFrame; available columns: {_columns_list(df)}. "
            f'Pass the right name, e.g. `{role}="..."`{hint}',
            field=role,
        )
    col = df[name]
    if not hasattr(col, "dtype"):  # duplicate column labels give a DataFrame
        raise _invalid(f"column `{name}` appears more than once in the DataFrame; rename the duplicates", field=role)
    return col


def _find(df: pd.DataFrame, given: str | None, usual: Sequence[str], role: str) -> str:
    if given is not None:
        return given
    lower = {str(c).strip().lower(): c for c in reversed(list(df.columns))}
    for u in usual:
        if u in lower:
            return str(lower[u])
    raise _invalid(
        f"no `{role}` column found (looked for {', '.join(usual)}); available columns: {_columns_list(df)}. "
        f'Pass the right name, e.g. `{role}="..."`',
        field=role,
    )


def _numeric(df: pd.DataFrame, name: str, role: str) -> np.ndarray:
    """Return a column as a contiguous float64 array (missing values become NaN)."""
    from pandas.api.types import is_bool_dtype, is_numeric_dtype

    col = _column(df, name, role)
    if not is_numeric_dtype(col.dtype) or is_bool_dtype(col.dtype):
        raise _invalid(
            f"column `{name}` (for `{role}`) has dtype {col.dtype}, not numbers; convert it first, "
            f"e.g. df[{name!r}] = pd.to_numeric(df[{name!r}], errors='coerce') to see which rows are not numbers",
            field=role,
        )
    return np.ascontiguousarray(col.to_numpy(dtype=np.float64, na_value=np.nan))


def _text(df: pd.DataFrame, name: str, role: str, *, fill: pd.Series | None = None) -> list[str]:
    """Return a column as a list of str; missing values are an error unless ``fill`` supplies them."""
    col = _column(df, name, role)
    missing = col.isna().to_numpy()
    if missing.any():
        if fill is None:
            row = int(np.flatnonzero(missing)[0])
            raise _invalid(
                f"invalid `{role}` at row {row}: value is missing; fill it in or drop the row", field=role, row=row
            )
        col = col.where(~missing, fill)
    return list(col.astype(str).tolist())


def _text_arg(values: Any, role: str) -> list[str] | None:
    if values is None:
        return None
    if isinstance(values, str):
        raise _invalid(f"`{role}` must be a sequence of str with one entry per village, not a single str", field=role)
    return [str(v) for v in values]


def _float_arg(values: Any, role: str) -> np.ndarray:
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as e:
        raise _invalid(f"`{role}` must be numbers: {e}", field=role) from None
    if arr.ndim != 1:
        raise _invalid(f"`{role}` must be one-dimensional, got shape {arr.shape}", field=role)
    return np.ascontiguousarray(arr)


def core_county_from_arrays(
    id: Any,
    x: Any,
    y: Any,
    population: Any,
    *,
    name: Any = None,
    town: Any = None,
    households: Any = None,
    status: Any = None,
    floor_area: Any = None,
    cost: Any = None,
    crs: str = "geographic",
) -> _core.County:
    """Convert array-likes to the exact types of ``_core.County.from_arrays`` and call it."""

    def opt_float(values: Any, role: str) -> np.ndarray | None:
        return None if values is None else _float_arg(values, role)

    return _core.County.from_arrays(
        _text_arg(id, "id") or [],
        _float_arg(x, "x"),
        _float_arg(y, "y"),
        _float_arg(population, "population"),
        name=_text_arg(name, "name"),
        town=_text_arg(town, "town"),
        households=opt_float(households, "households"),
        status=_text_arg(status, "status"),
        floor_area=opt_float(floor_area, "floor_area"),
        cost=opt_float(cost, "cost"),
        crs=crs,
    )


def county_from_dataframe(
    df: pd.DataFrame,
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
) -> _core.County:
    """Build a core county from DataFrame columns (see ``County.from_dataframe``)."""
    import pandas as pd

    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"expected a pandas DataFrame, got {type(df).__name__}")
    try:
        return _county_from_dataframe(
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
    except InvalidInputError as e:
        # Rows are positions; say which index label that is when the index is not 0..n-1.
        if e.row is None or df.index.equals(pd.RangeIndex(len(df))) or not 0 <= e.row < len(df):
            raise
        label = df.index[e.row]
        raise _invalid(f"{e} (DataFrame index label {label!r})", e.field, e.row, e.id) from None


def _county_from_dataframe(
    df: pd.DataFrame,
    *,
    id: str,
    x: str | None,
    y: str | None,
    population: str,
    town: str | None,
    name: str | None,
    households: str | None,
    status: str | None,
    floor_area: str | None,
    cost: str | None,
    crs: str,
) -> _core.County:
    import pandas as pd

    if len(df) == 0:
        raise _invalid("the DataFrame has no rows; give at least one village", field="villages")
    x = _find(df, x, X_NAMES, "x")
    y = _find(df, y, Y_NAMES, "y")
    ids = _text(df, id, "id")
    id_series = _column(df, id, "id").astype(str)
    return _core.County.from_arrays(
        ids,
        _numeric(df, x, "x"),
        _numeric(df, y, "y"),
        _numeric(df, population, "population"),
        name=None if name is None else _text(df, name, "name", fill=id_series),
        town=None if town is None else _text(df, town, "town"),
        households=None if households is None else _numeric(df, households, "households"),
        status=None if status is None else _text(df, status, "status", fill=pd.Series("", index=df.index)),
        floor_area=None if floor_area is None else _numeric(df, floor_area, "floor_area"),
        cost=None if cost is None else _numeric(df, cost, "cost"),
        crs=crs,
    )


_METRES = {"metre", "meter", "metres", "meters"}


def _geo_crs(gdf: gpd.GeoDataFrame, crs: str | None) -> tuple[str, gpd.GeoDataFrame]:
    """How to read the GeoDataFrame's coordinates, and the frame to read them from.

    EPSG:4326 is geographic (haversine distances); a projected CRS in metres is planar
    (straight-line metres in the projection); any other CRS (another datum, feet, Web Mercator,
    a geographic CRS other than WGS 84) is transformed to EPSG:4326 with pyproj (``gdf.to_crs``).
    """
    if crs is not None:
        return crs, gdf
    if gdf.crs is None:
        raise _invalid(
            "the GeoDataFrame has no CRS; set one (gdf.set_crs(...)) or pass crs='geographic' or crs='planar'",
            field="crs",
        )
    if gdf.crs.is_geographic and gdf.crs.to_epsg() == 4326:
        return "geographic", gdf
    units = {str(a.unit_name).lower() for a in gdf.crs.axis_info}
    # Web Mercator's "metres" are ground metres only at the equator (×1.24 at 36°N): transform it.
    if gdf.crs.is_projected and units <= _METRES and gdf.crs.to_epsg() != 3857:
        return "planar", gdf
    return "geographic", gdf.to_crs(4326)


def county_from_geodataframe(
    gdf: gpd.GeoDataFrame,
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
) -> _core.County:
    """Build a core county from a GeoDataFrame (see ``County.from_geodataframe``)."""
    try:
        import geopandas as gpd
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError("County.from_geodataframe needs geopandas: pip install villageplan[geo]") from e
    if not isinstance(gdf, gpd.GeoDataFrame):
        raise TypeError(f"expected a geopandas GeoDataFrame, got {type(gdf).__name__}")
    crs_name, gdf = _geo_crs(gdf, crs)
    geom = gdf.geometry
    if geom.isna().any() or geom.is_empty.any():
        row = int(np.flatnonzero((geom.isna() | geom.is_empty).to_numpy())[0])
        raise _invalid(f"invalid `geometry` at row {row}: empty or missing; fix or drop the row", "geometry", row)
    shapes = (geom.geom_type != "Point").to_numpy()
    if shapes.any():
        row = int(np.flatnonzero(shapes)[0])
        warnings.warn(
            f"{int(shapes.sum())} of {len(geom)} village geometries are not Points (row {row} is a "
            f"{geom.iloc[row].geom_type}); each is placed at a representative point inside it. Pass "
            "points (gdf.representative_point() or gdf.centroid) to choose the position yourself",
            UserWarning,
            stacklevel=3,
        )
    points = geom.where(geom.geom_type == "Point", geom.representative_point())
    frame = gdf.drop(columns=gdf.geometry.name).assign(__vp_x=points.x.to_numpy(), __vp_y=points.y.to_numpy())
    return county_from_dataframe(
        frame,
        id=id,
        x="__vp_x",
        y="__vp_y",
        population=population,
        town=town,
        name=name,
        households=households,
        status=status,
        floor_area=floor_area,
        cost=cost,
        crs=crs_name,
    )


def _frame(columns: Mapping[str, Any]) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(dict(columns))


def villages_frame(county: _core.County) -> pd.DataFrame:
    """Villages: id, name, town, lon/lat (x/y for planar counties), population, households."""
    return _frame(county.villages_columns())


def sites_frame(county: _core.County) -> pd.DataFrame:
    """Candidate sites: id, village, town, lon/lat (or x/y), status, floor_area, cost."""
    return _frame(county.sites_columns())


def centres_frame(plan: _core.Plan) -> pd.DataFrame:
    """Centres: community, site, village, town, lon/lat (or x/y), status, floor_area, cost."""
    return _frame(plan.centres_columns())


def communities_frame(plan: _core.Plan) -> pd.DataFrame:
    """Communities: community, centre, centre_village, town, n_villages, population, households, ..."""
    return _frame(plan.communities_columns())


def assignments_frame(plan: _core.Plan) -> pd.DataFrame:
    """One row per village: village, name, town, community (nullable Int64), centre, distance_m, covered.

    Plans with a limit in travel minutes also have ``minutes`` (after ``distance_m``).
    """
    import pandas as pd

    cols = dict(plan.assignments_columns())
    if plan.minutes is None:
        del cols["minutes"]
    covered = cols["covered"]
    cols["community"] = pd.arrays.IntegerArray(
        np.where(covered, cols["community"], 0).astype(np.int64), mask=~covered.astype(bool)
    )
    return pd.DataFrame(cols)


def town_summary_frame(plan: _core.Plan) -> pd.DataFrame:
    """One row per town: villages, covered, coverage, population, covered_population, ..., centres."""
    return _frame(plan.town_summary_columns())


def _geopandas(what: str) -> Any:
    try:
        import geopandas as gpd
    except ImportError as e:
        raise ImportError(f"{what} needs geopandas: pip install villageplan[geo]") from e
    return gpd


def plan_to_geodataframe(
    plan: _core.Plan, kind: str = "villages", *, shape: str = "hull", crs: Any = None
) -> gpd.GeoDataFrame:
    """Return the plan as a GeoDataFrame of villages, centres or communities (see ``Plan.to_geodataframe``)."""
    gpd = _geopandas("Plan.to_geodataframe")
    import shapely

    county = plan.county
    geographic = county.crs == "geographic"
    out_crs = "EPSG:4326" if geographic else crs
    xn, yn = ("lon", "lat") if geographic else ("x", "y")
    villages = county.villages_columns()
    vx = np.asarray(villages[xn], dtype=np.float64)
    vy = np.asarray(villages[yn], dtype=np.float64)
    if kind == "villages":
        frame = assignments_frame(plan)
        frame["population"] = villages["population"]
        frame["households"] = villages["households"]
        return gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(vx, vy), crs=out_crs)
    if kind == "centres":
        frame = centres_frame(plan)
        return gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(frame[xn], frame[yn]), crs=out_crs)
    if kind != "communities":
        raise _invalid(f"unknown kind {kind!r}; use 'villages', 'centres' or 'communities'", field="kind")
    if shape not in ("hull", "star"):
        raise _invalid(f"unknown shape {shape!r}; use 'hull' or 'star'", field="shape")
    frame = communities_frame(plan)
    centres = centres_frame(plan)
    n = len(frame)
    # Row k of `frame` is community frame["community"][k]; its centre is the centres row with it.
    order = {int(c): k for k, c in enumerate(frame["community"])}
    cx = np.empty(n)
    cy = np.empty(n)
    for c, x, y in zip(centres["community"], centres[xn], centres[yn], strict=True):
        cx[order[int(c)]], cy[order[int(c)]] = x, y
    assign = plan.assignments_columns()
    covered = np.asarray(assign["covered"], dtype=bool)
    member = np.flatnonzero(covered)
    group = np.array([order[int(c)] for c in np.asarray(assign["community"])[member]], dtype=np.int64)
    by_group = np.argsort(group, kind="stable")  # shapely wants the parts grouped by index
    member, group = member[by_group], group[by_group]
    if shape == "star":
        # One 2-point line per member village, centre -> village, gathered per community.
        coords = np.empty((2 * len(member), 2))
        coords[0::2, 0], coords[0::2, 1] = cx[group], cy[group]
        coords[1::2, 0], coords[1::2, 1] = vx[member], vy[member]
        lines = shapely.linestrings(coords, indices=np.repeat(np.arange(len(member)), 2))
        geometry = shapely.multilinestrings(lines, indices=group)
        if len(geometry) < n:  # communities without members (cannot happen for a valid plan)
            geometry = np.concatenate([geometry, np.full(n - len(geometry), None)])
    else:
        px = np.concatenate([cx, vx[member]])
        py = np.concatenate([cy, vy[member]])
        idx = np.concatenate([np.arange(n), group])
        sort = np.argsort(idx, kind="stable")
        points = shapely.multipoints(np.column_stack([px, py])[sort], indices=idx[sort])
        geometry = shapely.convex_hull(points)
    return gpd.GeoDataFrame(frame, geometry=np.asarray(geometry), crs=out_crs)
