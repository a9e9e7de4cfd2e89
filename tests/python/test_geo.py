"""GeoPandas in and out: CRS handling, GeoPackage round trip, villages, centres and community shapes."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

import villageplan as vp


@pytest.fixture(scope="module")
def villages_gdf(county: vp.County) -> gpd.GeoDataFrame:
    v = county.villages
    return gpd.GeoDataFrame(v.drop(columns=["lon", "lat"]), geometry=gpd.points_from_xy(v["lon"], v["lat"]), crs=4326)


def test_geographic_projected_and_other_crs(villages_gdf: gpd.GeoDataFrame, county: vp.County):
    geo = vp.County.from_geodataframe(villages_gdf, name="name", households="households")
    assert geo.crs == "geographic"
    pd.testing.assert_frame_equal(geo.villages, county.villages)
    # A projected CRS in metres stays planar: distances are straight-line metres in the projection.
    utm = vp.County.from_geodataframe(villages_gdf.to_crs(32650))
    assert utm.crs == "planar"
    np.testing.assert_allclose(utm.villages["x"], villages_gdf.to_crs(32650).geometry.x)
    # Planar and great-circle distances agree closely at county scale, so the plans are alike.
    a, b = vp.plan(geo), vp.plan(utm)
    assert abs(a.n_centres - b.n_centres) <= 2
    # Anything else is transformed to lon/lat with pyproj: CGCS2000 degrees, US feet, Web Mercator.
    for crs in (4490, 2263, 3857):
        other = vp.County.from_geodataframe(villages_gdf.to_crs(crs))
        assert other.crs == "geographic", crs
        np.testing.assert_allclose(other.villages["lon"], county.villages["lon"], atol=1e-6)
        np.testing.assert_allclose(other.villages["lat"], county.villages["lat"], atol=1e-6)


def test_missing_crs_is_explained(villages_gdf: gpd.GeoDataFrame):
    with pytest.raises(vp.InvalidInputError, match="no CRS") as e:
        vp.County.from_geodataframe(villages_gdf.set_crs(None, allow_override=True))
    assert e.value.field == "crs"


def test_geopackage_round_trip(villages_gdf: gpd.GeoDataFrame, tmp_path):
    path = tmp_path / "villages.gpkg"
    villages_gdf.to_file(path, layer="villages")
    county = vp.County.from_geodataframe(gpd.read_file(path, layer="villages"))
    plan = vp.plan(county)
    assert plan.coverage >= 0.6
    out = tmp_path / "plan.gpkg"
    for kind in ("villages", "centres", "communities"):
        plan.to_geodataframe(kind).to_file(out, layer=kind)
    assert len(gpd.read_file(out, layer="centres")) == plan.n_centres
    assert len(gpd.read_file(out, layer="villages")) == county.n_villages


def test_villages_and_centres(sample_plan: vp.Plan):
    v = sample_plan.to_geodataframe()
    assert v.crs.to_epsg() == 4326
    assert {"community", "distance_m", "population", "covered"} <= set(v.columns)
    assert len(v) == sample_plan.county.n_villages
    c = sample_plan.to_geodataframe("centres")
    assert len(c) == sample_plan.n_centres
    np.testing.assert_allclose(c.geometry.x, sample_plan.centres["lon"])


def test_community_hulls_cover_their_villages(sample_plan: vp.Plan):
    hulls = sample_plan.to_geodataframe("communities")
    assert len(hulls) == sample_plan.n_centres
    assert list(hulls["community"]) == list(sample_plan.communities["community"])
    v = sample_plan.to_geodataframe()
    covered = v[v["covered"]]
    shape_of = dict(zip(hulls["community"], hulls.geometry, strict=True))
    for community, point in zip(covered["community"], covered.geometry, strict=True):
        assert shape_of[int(community)].buffer(1e-9).covers(point)
    multi = hulls[hulls["n_villages"] >= 3]
    assert (multi.geometry.geom_type == "Polygon").any()


def test_community_stars_link_centre_to_members(sample_plan: vp.Plan):
    stars = sample_plan.to_geodataframe("communities", shape="star")
    assert (stars.geometry.geom_type == "MultiLineString").all()
    parts = shapely.get_num_geometries(stars.geometry.to_numpy())
    assert list(parts) == list(sample_plan.communities["n_villages"])
    centres = sample_plan.centres.set_index("community")
    first = stars.iloc[0]
    start = shapely.get_point(shapely.get_geometry(first.geometry, 0), 0)
    assert start.x == pytest.approx(centres.loc[first["community"], "lon"])
    with pytest.raises(vp.InvalidInputError, match="unknown shape"):
        sample_plan.to_geodataframe("communities", shape="blob")
    with pytest.raises(vp.InvalidInputError, match="unknown kind"):
        sample_plan.to_geodataframe("towns")
