"""Interactive maps of plans with folium (``pip install villageplan[plot]``).

:func:`plan_map` (also :meth:`villageplan.Plan.map`) draws a plan on a Leaflet map:

* one marker per centre, with a ring at the service radius around it;
* every village as a dot coloured by its community; villages that no centre covers are grey
  with a red outline, in their own layer;
* popups with the village's name, town, population, community and distance to its centre;
* for network plans, the roads (a layer that can be switched off).

A map needs longitude and latitude. Geographic counties have them; a planar county (projected
metres) needs the EPSG code of its projection (``crs=32650``, say) to transform its points with
pyproj.

Examples
--------
>>> import villageplan as vp
>>> plan = vp.plan(vp.sample_county())
>>> m = plan.map()                   # doctest: +SKIP
>>> m.save("plan.html")              # doctest: +SKIP
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from villageplan.exceptions import InvalidInputError

if TYPE_CHECKING:
    import folium

    from villageplan._planning import Plan

__all__ = ["PALETTE", "UNCOVERED_COLOR", "lonlat", "plan_map"]

#: Community colours, cycled (a qualitative palette that stays readable on map tiles).
PALETTE = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#bcbd22",
    "#17becf", "#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5", "#c49c94", "#f7b6d2",
    "#dbdb8d", "#9edae5", "#393b79", "#637939",
)  # fmt: skip

#: Fill of villages that no centre covers (their outline is red).
UNCOVERED_COLOR = "#9e9e9e"


def _folium() -> Any:
    try:
        import folium
    except ImportError as e:
        raise ImportError("maps need folium: pip install villageplan[plot] (or pip install folium)") from e
    return folium


def _invalid(message: str, field: str) -> InvalidInputError:
    err = InvalidInputError(message)
    err.field = field
    err.row = None
    err.id = None
    return err


def lonlat(x: np.ndarray, y: np.ndarray, county_crs: str, crs: Any = None) -> tuple[np.ndarray, np.ndarray]:
    """Return longitude and latitude (degrees, WGS 84) of points in a county's coordinates.

    Parameters
    ----------
    x, y : numpy.ndarray
        Coordinates as the county stores them (lon/lat, or projected metres).
    county_crs : {"geographic", "planar"}
        The county's :attr:`~villageplan.County.crs`.
    crs : int, str or pyproj.CRS, optional
        For a planar county, the CRS of its coordinates (an EPSG code such as 32650 or
        ``"EPSG:4547"``); transformed with pyproj, all points at once.

    Raises
    ------
    InvalidInputError
        For a planar county without ``crs`` (``field == "crs"``).
    ImportError
        When pyproj is needed and missing (``pip install villageplan[geo]``).
    """
    if county_crs == "geographic":
        return np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    if crs is None:
        raise _invalid(
            "a map needs longitude and latitude, but this county is planar (projected metres) and its "
            "projection is unknown; pass the EPSG code of its coordinates, e.g. plan.map(crs=32650) "
            "for UTM zone 50N, or build the county from lon/lat (crs='geographic')",
            "crs",
        )
    try:
        from pyproj import Transformer
    except ImportError as e:
        raise ImportError("transforming coordinates needs pyproj: pip install villageplan[geo]") from e
    transformer = Transformer.from_crs(crs, 4326, always_xy=True)
    lon, lat = transformer.transform(np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64))
    return np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)


def _popup(rows: list[tuple[str, str]]) -> str:
    cells = "".join(f"<tr><th style='text-align:left;padding-right:8px'>{escape(k)}</th><td>{escape(v)}</td></tr>"
                    for k, v in rows)  # fmt: skip
    return f"<table>{cells}</table>"


def plan_map(
    plan: Plan,
    *,
    crs: Any = None,
    roads: bool | None = None,
    rings: bool = True,
    tiles: str | None = "OpenStreetMap",
    width: str | int = "100%",
    height: str | int = 600,
) -> folium.Map:
    """Draw a plan on an interactive folium map.

    Parameters
    ----------
    plan : Plan
        The plan to draw.
    crs : int, str or pyproj.CRS, optional
        For a planar county only: the CRS of its coordinates (an EPSG code such as 32650), to
        transform them to lon/lat with pyproj (``pip install villageplan[geo]``).
    roads : bool, optional
        Draw the county's roads (a layer). Default: for network plans (``metric="network"``).
    rings : bool, default True
        Draw a ring at the service radius (straight-line metres) around every centre.
    tiles : str or None, default "OpenStreetMap"
        Background tiles (any folium tile name); None for a blank background (offline).
    width, height : str or int
        Size of the map (pixels or CSS).

    Returns
    -------
    folium.Map
        Layers ``centres``, ``radius rings``, ``villages``, ``uncovered villages`` (and
        ``roads``), with a layer control. Save it with ``m.save("plan.html")``; in Jupyter it
        shows itself.

    Raises
    ------
    InvalidInputError
        For a planar county without ``crs``.
    ImportError
        Without folium (``pip install villageplan[plot]``).
    """
    fm = _folium()
    county = plan.county
    villages = county.villages
    xn, yn = ("lon", "lat") if county.crs == "geographic" else ("x", "y")
    v_lon, v_lat = lonlat(villages[xn].to_numpy(), villages[yn].to_numpy(), county.crs, crs)
    centres = plan.centres
    c_lon, c_lat = lonlat(centres[xn].to_numpy(), centres[yn].to_numpy(), county.crs, crs)
    assign = plan.assignments

    m = fm.Map(
        location=[float(np.mean(v_lat)), float(np.mean(v_lon))],
        tiles=tiles,
        width=width,
        height=height,
        control_scale=True,
    )
    m.fit_bounds([[float(v_lat.min()), float(v_lon.min())], [float(v_lat.max()), float(v_lon.max())]])

    show_roads = plan.metric == "network" if roads is None else roads
    if show_roads:
        _draw_roads(fm, m, county, crs)

    colour = {int(c): PALETTE[k % len(PALETTE)] for k, c in enumerate(centres["community"])}
    ring_layer = fm.FeatureGroup(name="radius rings", show=rings) if rings else None
    village_layer = fm.FeatureGroup(name="villages")
    uncovered_layer = fm.FeatureGroup(name="uncovered villages")
    centre_layer = fm.FeatureGroup(name="centres")

    community = assign["community"]
    covered = assign["covered"].to_numpy(dtype=bool)
    distance = assign["distance_m"].to_numpy(dtype=np.float64)
    names, towns = assign["name"].tolist(), assign["town"].tolist()
    population = villages["population"].to_numpy(dtype=np.float64)
    ids = assign["village"].tolist()
    for i in range(len(assign)):
        rows = [
            ("village", f"{names[i]} ({ids[i]})"),
            ("town", str(towns[i])),
            ("population", f"{population[i]:,.0f}"),
        ]
        if covered[i]:
            c = int(community.iloc[i])
            rows += [("community", str(c)), ("centre", str(assign["centre"].iloc[i])),
                     ("distance", f"{distance[i]:,.0f} m")]  # fmt: skip
            fm.CircleMarker(
                location=[float(v_lat[i]), float(v_lon[i])],
                radius=5,
                color=colour.get(c, "#333333"),
                weight=1,
                fill=True,
                fill_color=colour.get(c, "#333333"),
                fill_opacity=0.85,
                popup=fm.Popup(_popup(rows), max_width=320),
                tooltip=f"{names[i]}: community {c}",
            ).add_to(village_layer)
        else:
            rows.append(("coverage", f"not covered: no centre within {plan.radius:,.0f} m"))
            fm.CircleMarker(
                location=[float(v_lat[i]), float(v_lon[i])],
                radius=5,
                color="#d62728",
                weight=2,
                dash_array="3",
                fill=True,
                fill_color=UNCOVERED_COLOR,
                fill_opacity=0.6,
                popup=fm.Popup(_popup(rows), max_width=320),
                tooltip=f"{names[i]}: not covered",
            ).add_to(uncovered_layer)

    communities = plan.communities.set_index("community")
    for k in range(len(centres)):
        c = int(centres["community"].iloc[k])
        info = communities.loc[c]
        rows = [
            ("centre", f"{centres['site'].iloc[k]} in {centres['village'].iloc[k]}"),
            ("town", str(centres["town"].iloc[k])),
            ("status", str(centres["status"].iloc[k])),
            ("community", str(c)),
            ("villages", f"{int(info['n_villages'])}"),
            ("population", f"{float(info['population']):,.0f}"),
            ("farthest village", f"{float(info['max_distance_m']):,.0f} m"),
            ("cost", "unknown" if np.isnan(centres["cost"].iloc[k]) else f"{centres['cost'].iloc[k]:,.0f} yuan"),
        ]
        location = [float(c_lat[k]), float(c_lon[k])]
        fm.Marker(
            location=location,
            popup=fm.Popup(_popup(rows), max_width=320),
            tooltip=f"centre of community {c} ({centres['site'].iloc[k]})",
            icon=fm.Icon(color="darkblue", icon="home"),
        ).add_to(centre_layer)
        if ring_layer is not None:
            fm.Circle(
                location=location,
                radius=float(plan.radius),
                color=colour.get(c, "#333333"),
                weight=1,
                fill=True,
                fill_opacity=0.05,
            ).add_to(ring_layer)

    if ring_layer is not None:
        ring_layer.add_to(m)
    village_layer.add_to(m)
    uncovered_layer.add_to(m)
    centre_layer.add_to(m)
    fm.LayerControl(collapsed=True).add_to(m)
    return cast("folium.Map", m)


def _draw_roads(folium: Any, m: Any, county: Any, crs: Any) -> None:
    frame = county.roads
    if frame is None or len(frame) == 0:
        return
    lon0, lat0 = lonlat(frame["x0"].to_numpy(), frame["y0"].to_numpy(), county.crs, crs)
    lon1, lat1 = lonlat(frame["x1"].to_numpy(), frame["y1"].to_numpy(), county.crs, crs)
    classes = frame["class"].tolist()
    weight = {"county": 3, "township": 2}
    layer = folium.FeatureGroup(name="roads")
    for k in range(len(frame)):
        folium.PolyLine(
            [[float(lat0[k]), float(lon0[k])], [float(lat1[k]), float(lon1[k])]],
            color="#555555",
            weight=weight.get(classes[k], 1),
            opacity=0.7,
        ).add_to(layer)
    layer.add_to(m)
