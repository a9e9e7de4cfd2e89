"""Road networks: attach roads to a county, read them back as tables.

A county with roads can be planned along them: ``vp.plan(county, metric="network", radius=2000)``
measures the 2 km along the roads, and ``vp.plan(county, metric="network", minutes=30)`` serves
villages within 30 minutes of travel at the roads' speeds. The network is built in Rust (petgraph
for the graph, an R-tree for snapping villages to the nearest road); this module only turns
pandas/GeoPandas objects and files into the arrays it needs.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from villageplan import _core
from villageplan.frames import _invalid

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

__all__ = ["DEFAULT_SPEEDS", "attach_roads", "roads_frame", "roads_geodataframe"]

#: Default travel speeds in km/h per road class, and of the access leg between a village and the
#: nearest road (on foot). Guesses for mixed rural traffic anchored on the design speeds of
#: China's rural road standard (JTG B01: tier-4 roads 20-30 km/h, tier-3 30-40 km/h).
DEFAULT_SPEEDS: dict[str, float] = {"county": 40.0, "township": 30.0, "village": 20.0, "access": 4.5}


def _float_column(frame: Any, name: str) -> np.ndarray | None:
    if name not in frame.columns:
        return None
    import pandas as pd

    values = pd.to_numeric(frame[name], errors="coerce")
    bad = frame[name].notna() & values.isna()
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise _invalid(f"invalid `{name}` at row {row}: {frame[name].iloc[row]!r} is not a number", field=name, row=row)
    return values.to_numpy(dtype=np.float64, na_value=np.nan)


def _class_column(frame: Any, name: str) -> list[str | None] | None:
    if name not in frame.columns:
        return None
    return [None if v is None or (isinstance(v, float) and np.isnan(v)) else str(v) for v in frame[name]]


def _lines_from_geodataframe(county: _core.County, gdf: gpd.GeoDataFrame) -> tuple[Any, ...]:
    import shapely

    frame = gdf
    if gdf.crs is not None:
        if county.crs == "geographic" and not gdf.crs.is_geographic:
            frame = gdf.to_crs(4326)
        elif county.crs == "planar" and gdf.crs.is_geographic:
            raise _invalid(
                "invalid `roads`: the roads are in lon/lat but the county is in projected metres; "
                "project them first, e.g. roads.to_crs(villages_gdf.crs)",
                field="roads",
            )
    geoms = frame.geometry
    kinds = set(shapely.get_type_id(geoms.values))
    if not kinds <= {1, 5}:  # LineString, MultiLineString
        raise _invalid(
            "invalid `geometry`: roads must be LineStrings or MultiLineStrings; "
            f"found geometry types {sorted(set(geoms.geom_type))}",
            field="geometry",
        )
    exploded = frame.explode(index_parts=False, ignore_index=True)
    coords, index = shapely.get_coordinates(exploded.geometry.values, return_index=True)
    counts = np.bincount(index, minlength=len(exploded))
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    return exploded, coords[:, 0].copy(), coords[:, 1].copy(), offsets


def attach_roads(
    county: _core.County,
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
    speeds: Mapping[str, float] | None = None,
) -> _core.County:
    """Return the core county with a road network built from ``roads`` (see ``County.with_roads``)."""
    opts: dict[str, Any] = {
        "snap_tolerance": float(snap_tolerance),
        "access_tolerance": float(access_tolerance),
        "speeds": dict(speeds) if speeds is not None else None,
    }
    if isinstance(roads, (str, os.PathLike)):
        cols = {
            "class_col": class_col,
            "speed_col": speed_col,
            "length_col": length_col,
            "from_col": from_col,
            "to_col": to_col,
            "id_col": id_col,
            "x_col": x_col,
            "y_col": y_col,
        }
        if nodes is not None and not isinstance(nodes, (str, os.PathLike)):
            raise TypeError("with a road file, give nodes as the path of a CSV node table (id, x, y)")
        return _core.county_read_roads(
            county, os.fspath(roads), nodes=None if nodes is None else os.fspath(nodes), **cols, **opts
        )
    if hasattr(roads, "geometry") and hasattr(roads, "crs"):
        frame, x, y, offsets = _lines_from_geodataframe(county, roads)
        return _core.county_with_road_lines(
            county,
            x,
            y,
            offsets.tolist(),
            length=_float_column(frame, length_col),
            speed=_float_column(frame, speed_col),
            class_=_class_column(frame, class_col),
            **opts,
        )
    if hasattr(roads, "columns"):
        if nodes is None or not hasattr(nodes, "columns"):
            raise TypeError(
                "an edge-list DataFrame needs nodes=DataFrame with the node id and position columns "
                f"({id_col!r}, {x_col!r}, {y_col!r})"
            )
        for frame, needed, what in ((roads, (from_col, to_col), "edges"), (nodes, (id_col, x_col, y_col), "nodes")):
            missing = [c for c in needed if c not in frame.columns]
            if missing:
                raise _invalid(
                    f"column `{missing[0]}` not found in the road {what}; the columns are {list(frame.columns)}",
                    field=missing[0],
                )
        return _core.county_with_road_edges(
            county,
            [str(v) for v in nodes[id_col]],
            _float_column(nodes, x_col),
            _float_column(nodes, y_col),
            [str(v) for v in roads[from_col]],
            [str(v) for v in roads[to_col]],
            length=_float_column(roads, length_col),
            speed=_float_column(roads, speed_col),
            class_=_class_column(roads, class_col),
            **opts,
        )
    raise TypeError(
        "roads must be a GeoDataFrame of LineStrings, an edge-list DataFrame (with nodes=), "
        f"or the path of a GeoJSON or CSV file, not {type(roads).__name__}"
    )


def roads_frame(county: _core.County) -> pd.DataFrame | None:
    """Return the county's road segments as a DataFrame, or None without roads."""
    import pandas as pd

    cols = _core.road_columns(county)
    return None if cols is None else pd.DataFrame(cols)


def roads_geodataframe(county: _core.County) -> gpd.GeoDataFrame | None:
    """Return the county's road segments as a GeoDataFrame of LineStrings, or None without roads."""
    import geopandas as gpd
    import shapely

    frame = roads_frame(county)
    if frame is None:
        return None
    start = np.column_stack([frame["x0"], frame["y0"]])
    end = np.column_stack([frame["x1"], frame["y1"]])
    lines = shapely.linestrings(np.stack([start, end], axis=1))
    crs = "EPSG:4326" if county.crs == "geographic" else None
    return gpd.GeoDataFrame(frame, geometry=lines, crs=crs)
