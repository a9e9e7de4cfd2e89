"""The catalogue of bad inputs (issue 7, DESIGN §6) through the public Python API.

Every case builds its input, calls villageplan, and expects one exception type with a message
fragment (and, for ``InvalidInputError``, the field it names); afterwards the input must be
unchanged. The same catalogue runs in Rust in ``tests/catalogue.rs``; the table is in
``docs/reliability.md``. A few edge cases that are not errors are checked to give honest plans.
"""

from __future__ import annotations

import copy
import json
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import villageplan as vp


@dataclass(frozen=True)
class Case:
    """One bad input: how to make it, what to call, and what must be raised."""

    id: str
    make: Callable[[Path], Any]
    call: Callable[[Any], object]
    exc: type[BaseException]
    fragment: str
    field: str | None = None


# ---------------------------------------------------------------------------------------------
# Inputs


def villages(**changes: Any) -> pd.DataFrame:
    """Five villages in two towns, lon/lat; `changes` replaces or adds columns."""
    df = pd.DataFrame(
        {
            "id": ["a", "b", "c", "d", "e"],
            "lon": [119.000, 119.010, 119.020, 119.100, 119.110],
            "lat": [36.000, 36.000, 36.005, 36.050, 36.050],
            "population": [1200.0, 800.0, 950.0, 2000.0, 400.0],
            "town": ["T1", "T1", "T1", "T2", "T2"],
        }
    )
    return df.assign(**changes)


def edit(row: int, col: str, value: Any) -> Callable[[Path], pd.DataFrame]:
    def make(_: Path) -> pd.DataFrame:
        df = villages()
        if df[col].dtype.kind == "f" and not isinstance(value, float):
            df[col] = df[col].astype(object)
        df.loc[row, col] = value
        return df

    return make


def planar_line() -> vp.County:
    """Six planar villages 1 km apart in one town."""
    return vp.County.from_arrays(
        [f"v{i}" for i in range(6)], [500_000.0 + 1000 * i for i in range(6)], [4e6] * 6, [100.0] * 6, crs="planar"
    )


def nodes() -> pd.DataFrame:
    return pd.DataFrame({"id": ["n1", "n2", "n3"], "x": [500_000.0, 501_000.0, 502_000.0], "y": [4e6] * 3})


def file(name: str, text: str) -> Callable[[Path], Path]:
    def make(tmp: Path) -> Path:
        path = tmp / name
        path.write_text(text, encoding="utf-8")
        return path

    return make


def plan_doc(change: Callable[[dict[str, Any]], None]) -> Callable[[Path], str]:
    def make(_: Path) -> str:
        doc = json.loads(vp.plan(planar_line(), radius=1000, target=0.5).to_json())
        change(doc)
        return json.dumps(doc)

    return make


def standard_doc(change: Callable[[dict[str, Any]], None]) -> Callable[[Path], str]:
    def make(_: Path) -> str:
        doc = json.loads(vp.Standard.default().to_json())
        change(doc)
        return json.dumps(doc)

    return make


def unreachable_county(_: Path) -> vp.County:
    # Roads under v0-v2 only; v4 and v5 have no space for a centre and lie 2-3 km off the road.
    status = ["", "", "", "", "no_space", "no_space"]
    df = pd.DataFrame(
        {"id": [f"v{i}" for i in range(6)], "x": [500_000.0 + 1000 * i for i in range(6)], "y": [4e6] * 6}
    )
    county = vp.County.from_dataframe(
        df.assign(population=100.0, status=status), town=None, status="status", crs="planar"
    )
    edges = pd.DataFrame({"from": ["n1", "n2"], "to": ["n2", "n3"]})
    return county.with_roads(edges, nodes=nodes())


def const(value: Any) -> Callable[[Path], Any]:
    return lambda _: copy.deepcopy(value)


def county(_: Path) -> vp.County:
    return vp.County.from_dataframe(villages())


GEOJSON_POLYGON = (
    '{"type":"FeatureCollection","features":[{"type":"Feature","id":"A","geometry":{"type":"Polygon",'
    '"coordinates":[[[119,36],[119.01,36],[119.01,36.01],[119,36]]]},"properties":{"population":1}}]}'
)

# ---------------------------------------------------------------------------------------------
# The catalogue

E = vp.InvalidInputError
CASES = [
    # Villages (DESIGN §6) through County.from_dataframe / from_arrays.
    Case("empty-villages", lambda _: villages().iloc[0:0], vp.County.from_dataframe, E, "no rows", "villages"),
    Case("nan-coordinate", edit(1, "lon", np.nan), vp.County.from_dataframe, E, "coordinate is NaN", "lon"),
    Case("infinite-coordinate", edit(2, "lat", np.inf), vp.County.from_dataframe, E, "coordinate is inf", "lat"),
    Case("latitude-out-of-range", edit(3, "lat", 95.0), vp.County.from_dataframe, E, "latitude 95 is outside", "lat"),
    Case("longitude-out-of-range", edit(4, "lon", 500_000.0), vp.County.from_dataframe, E, "pass crs='planar'", "lon"),
    Case("huge-planar-coordinates",
         lambda _: villages(lon=np.linspace(5e5, 5.04e5, 5), lat=[4e6, 4e6, 1e300, 4e6, 4e6]),
         lambda df: vp.County.from_dataframe(df, crs="planar"), E, "(502000, 1e300) is beyond ±1e8 m", "y"),
    Case("projected-coordinates-given-as-degrees", lambda _: villages(),
         lambda df: vp.County.from_dataframe(df, crs="planar"), E, "looks like degrees", "x"),
    Case("duplicate-ids", edit(3, "id", "a"), vp.County.from_dataframe, E,
         "duplicate village id (first seen at row 0)", "id"),
    Case("missing-id", edit(2, "id", None), vp.County.from_dataframe, E, "value is missing", "id"),
    Case("negative-population", edit(2, "population", -5.0), vp.County.from_dataframe, E, "got -5", "population"),
    Case("nan-inside-a-dataframe-column", edit(1, "population", np.nan), vp.County.from_dataframe, E, "got NaN",
         "population"),
    Case("object-dtype-column", lambda _: villages(population=["1,200", "800", "950", "2,000", "400"]),
         vp.County.from_dataframe, E, "pd.to_numeric", "population"),
    Case("wrong-column-name", lambda _: villages(),
         lambda df: vp.County.from_dataframe(df, population="pop"), E,
         "available columns: id, lon, lat, population, town", "population"),
    Case("negative-cost", lambda _: villages(c=[1.0, 2.0, -3.0, 4.0, 5.0]),
         lambda df: vp.County.from_dataframe(df, cost="c"), E, "cost must be a finite number", "cost"),
    Case("unknown-status", lambda _: villages(st=["", "open", "", "", ""]),
         lambda df: vp.County.from_dataframe(df, status="st"), E, "unknown site status 'open'", "status"),
    Case("array-lengths-that-do-not-match",
         const((["a", "b", "c"], [119.0, 119.1], [36.0, 36.0, 36.1], [1.0, 2.0, 3.0])),
         lambda a: vp.County.from_arrays(*a), E, "`x`: has 2 values but `id` has 3", "x"),
    Case("unknown-town",
         lambda _: vp.County.from_dataframe(villages()).to_json().replace('"town":"T2"', '"town":"Tx"', 1),
         vp.County.from_json, E, "unknown town 'Tx'", "town"),
    # Parameters: the county is unchanged afterwards.
    Case("radius-zero", county, lambda c: vp.plan(c, radius=0), E, "positive number of metres, got 0", "radius"),
    Case("radius-negative", county, lambda c: vp.max_coverage(c, radius=-1, p=2), E, "got -1", "radius"),
    Case("target-outside-unit-interval", county, lambda c: vp.plan(c, target=60), E, "for 60% pass 0.6", "target"),
    Case("target-zero", county, lambda c: vp.plan(c, target=0.0), E, "(0, 1], got 0", "target"),
    Case("negative-budget", county, lambda c: vp.max_coverage(c, budget=-1), E, "≥ 0 yuan, got -1", "budget"),
    Case("zero-population-county",
         lambda _: vp.County.from_dataframe(villages(population=0.0)),
         lambda c: vp.plan(c, by="population"), E, "total population is 0", "by"),
    Case("capacity-zero", county, lambda c: vp.plan(c, capacity=0), E, "positive number of households", "capacity"),
    Case("p-zero", county, lambda c: vp.p_median(c, p=0), E, "p = 0 is too small", "p"),
    Case("negative-time-limit", county, lambda c: vp.plan(c, time_limit=-1), E, "≥ 0 seconds", "time_limit"),
    Case("infeasible-target",
         lambda _: vp.County.from_dataframe(
             villages(status=["", "no_space", "", "", ""], lon=[119.0, 119.5, 119.02, 119.1, 119.11]), status="status"),
         lambda c: vp.plan(c, radius=2000, target=1.0), vp.InfeasibleError, "covers at most 80.00%"),
    Case("simulate-runs-zero", county, lambda c: vp.simulate(c, runs=0), E, "runs must be 1", "runs"),
    # Low-level solvers: the matrix is unchanged.
    Case("nan-in-cost-matrix", const(np.array([[0.0, 1.0], [np.nan, 0.0]])),
         lambda m: vp.solve.max_coverage(m, radius=1, p=1), E, "entry in column 0 is NaN", "costs"),
    Case("negative-cost-matrix", const(np.array([[0.0, -1.0], [1.0, 0.0]])),
         lambda m: vp.solve.p_median(m, p=1), E, "entry in column 1 is -1", "costs"),
    Case("weights-of-the-wrong-length", const(np.zeros((2, 2))),
         lambda m: vp.solve.max_coverage(m, radius=1, p=1, weights=[1.0]), E, "expected 2 weights", "weights"),
    # Files.
    Case("malformed-csv", file("villages.csv", "id,lon,lat,population\na,119.0,36.0,100\nb,119.01,36.0\n"),
         vp.read_csv, E, "could not read villages.csv at line 3"),
    Case("csv-wrong-column-name", file("v.csv", "code,lon,lat,people\na,119.0,36.0,100\n"),
         lambda p: vp.read_csv(p, id="code", population="pop"), E, "available columns: code, lon, lat, people",
         "population"),
    Case("malformed-geojson", file("v.geojson", '{"type": "FeatureCollection", "features": ['),
         vp.read_geojson, E, "at line 1"),
    Case("polygon-features-where-points-are-expected", file("v.geojson", GEOJSON_POLYGON),
         vp.read_geojson, E, "Polygon geometry, but villages must be Points", "geometry"),
    Case("orlib-vertex-out-of-range", file("pmed.txt", "3 1 1\n1 9 2\n"),
         vp.io.read_orlib_pmed, E, "vertex 9 is out of range 1..=3"),
    Case("missing-file", lambda tmp: tmp / "nope.csv", vp.read_csv, FileNotFoundError, "nope.csv"),
    # Roads.
    Case("road-edge-naming-a-missing-node", lambda _: pd.DataFrame({"from": ["n1", "n2"], "to": ["n2", "zz"]}),
         lambda e: planar_line().with_roads(e, nodes=nodes()), E,
         "names node 'zz', which is not in the node table", "to"),
    Case("empty-road-network", lambda _: pd.DataFrame({"from": [], "to": []}),
         lambda e: planar_line().with_roads(e, nodes=nodes()), E, "no edges", "roads"),
    Case("zero-length-cycles-only", lambda _: pd.DataFrame({"from": ["n1", "n2"], "to": ["n1", "n2"]}),
         lambda e: planar_line().with_roads(e, nodes=nodes()), E, "every road collapses to a point", "roads"),
    Case("network-metric-without-roads", county, lambda c: vp.plan(c, metric="network"), E,
         "needs a road network", "metric"),
    Case("villages-no-road-reaches", unreachable_county,
         lambda c: vp.plan(c, metric="network", radius=1500, target=1.0), vp.InfeasibleError,
         "2 villages cannot be reached by any site (2 far from road"),
    # Versioned JSON.
    Case("plan-json-of-another-format-version", plan_doc(lambda d: d.update(format_version=99)),
         vp.Plan.from_json, E, "format version 99", "format_version"),
    Case("plan-json-with-a-bad-index", plan_doc(lambda d: d["communities"][0].update(site=99)),
         vp.Plan.from_json, E, "names site 99, but the county has 6 sites"),
    Case("scenario-json-unknown-field", const('{"format_version": 1, "radios": 1500}'),
         vp.Scenario.from_json, E, "unknown field `radios`"),
    Case("scenario-json-of-another-format-version", const('{"format_version": 2}'),
         vp.Scenario.from_json, E, "format version 2", "format_version"),
    Case("scenario-json-bad-value", const('{"format_version": 1, "years": 5}'),
         vp.Scenario.from_json, E, "budget has 3", "years"),
    Case("standard-json-unknown-field", standard_doc(lambda d: d.update(romos=[])),
         vp.Standard.from_json, E, "unknown field `romos`", "romos"),
    Case("standard-json-missing-field", standard_doc(lambda d: d.pop("rooms")),
         vp.Standard.from_json, E, "missing field `rooms`", "rooms"),
    Case("standard-json-of-another-format-version", standard_doc(lambda d: d.update(format_version=3)),
         vp.Standard.from_json, E, "format version 3", "format_version"),
]  # fmt: skip


def snapshot(value: Any) -> Any:
    """A copy of `value` to compare with after the call."""
    if isinstance(value, vp.County):
        return value.to_json()
    if isinstance(value, Path):
        return value.read_bytes() if value.exists() else None
    return copy.deepcopy(value)


def same(a: Any, b: Any) -> bool:
    if isinstance(a, pd.DataFrame):
        return a.equals(b) and list(a.dtypes) == list(b.dtypes)
    if isinstance(a, np.ndarray):
        return a.dtype == b.dtype and np.array_equal(a, b, equal_nan=True)
    if isinstance(a, tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def test_the_catalogue_is_large_and_unique():
    assert len(CASES) >= 30
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input(case: Case, tmp_path: Path):
    value = case.make(tmp_path)
    before = snapshot(value)
    with pytest.raises(case.exc) as info:
        case.call(value)
    e = info.value
    assert case.fragment in str(e), str(e)
    if case.exc is vp.InvalidInputError:
        assert isinstance(e, ValueError) and isinstance(e, vp.PlanningError)
    if case.field is not None:
        assert e.field == case.field, str(e)
    if case.exc is vp.InfeasibleError:
        assert 0.0 <= e.achievable < 1.0
        assert f"{100 * e.achievable:.2f}%" in str(e)
    assert same(snapshot(value), before), "the input was changed"


# ---------------------------------------------------------------------------------------------
# Edge cases that are not errors: each gives an honest plan.


def recount(plan: vp.Plan) -> float:
    return len(plan.assignments.dropna(subset=["centre"])) / plan.county.n_villages


def test_all_villages_at_one_point():
    df = villages(lon=119.0, lat=36.0)
    c = vp.County.from_dataframe(df)
    p = vp.plan(c, target=1.0)
    assert p.n_centres == 2  # one per town
    assert p.coverage == recount(p) == 1.0
    assert (p.assignments["distance_m"] == 0).all()


def test_radius_larger_than_the_county():
    p = vp.plan(planar_line(), radius=1e7, target=1.0)
    assert p.n_centres == 1 and p.coverage == recount(p) == 1.0 and p.status == "optimal"


def test_budget_of_zero_opens_nothing_new():
    df = villages(cost=[1e5] * 5, status=["existing", "", "", "", ""])
    p = vp.max_coverage(vp.County.from_dataframe(df, cost="cost", status="status"), budget=0)
    assert p.cost == 0 and p.n_centres == 1  # the existing centre only
    assert p.coverage == recount(p) and p.bound >= p.objective


def test_polygons_in_a_geodataframe_are_placed_inside_with_a_warning():
    gpd = pytest.importorskip("geopandas")
    shapely = pytest.importorskip("shapely")
    square = shapely.geometry.box(119.0, 36.0, 119.01, 36.01)
    gdf = gpd.GeoDataFrame(
        {"id": ["a", "b"], "population": [10.0, 20.0]},
        geometry=[square, shapely.geometry.Point(119.02, 36.0)],
        crs="EPSG:4326",
    )
    before = gdf.copy()
    with pytest.warns(UserWarning, match="1 of 2 village geometries are not Points"):
        c = vp.County.from_geodataframe(gdf, town=None)
    x, y = c.villages.loc[0, ["lon", "lat"]]
    assert square.contains(shapely.geometry.Point(x, y))
    assert gdf.equals(before)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        vp.County.from_geodataframe(gdf.iloc[[1]], town=None)  # points only: no warning


def test_zero_length_road_loops_are_dropped():
    edges = pd.DataFrame({"from": ["n1", "n2", "n2", "n3"], "to": ["n2", "n2", "n3", "n3"]})
    c = planar_line().with_roads(edges, nodes=nodes())
    assert c.road_summary is not None
    p = vp.plan(c, metric="network", radius=1500, target=0.5)
    assert p.coverage == recount(p) >= 0.5


def test_villages_of_zero_population_under_a_population_target():
    # Regression (found by test_properties.py): weight-0 villages made the Lagrangian bound's sort
    # comparator inconsistent, and the sort panicked (a PlanningError saying it is a bug).
    rows = [
        (2221, 2146, 0), (8048, 9727, 500), (8882, 7258, 0), (5852, 7967, 0), (1758, 2741, 1), (4088, 4463, 0),
        (2290, 5655, 0), (5752, 8764, 0), (3616, 2294, 1200), (2827, 446, 0), (5847, 4834, 0), (2267, 4042, 1200),
        (3278, 4587, 0), (5729, 8653, 500), (3352, 601, 1200), (3270, 6653, 0), (655, 4283, 500), (610, 5954, 1200),
        (8311, 8489, 0), (413, 2989, 0), (3533, 949, 1), (3858, 3961, 0), (7575, 4484, 0), (3995, 7045, 0),
        (4229, 8086, 0), (4438, 1271, 0), (67, 837, 0), (6802, 9653, 0),
    ]  # fmt: skip
    x, y, pop = (np.array(col, dtype=float) for col in zip(*rows, strict=True))
    c = vp.County.from_arrays([f"v{i}" for i in range(len(rows))], 500_000 + x, 4e6 + y, pop, crs="planar")
    for target in (0.5, 0.9, 0.998):
        p = vp.plan(c, radius=500, target=target, by="population")
        assert p.population_coverage >= target and p.bound <= p.objective
