"""Validation of villages and parameters (DESIGN §6): every bad input gets a typed error that names
the field and row, and the input is never changed."""

from __future__ import annotations

import json
import pickle

import numpy as np
import pandas as pd
import pytest

import villageplan as vp
from villageplan import _core

# ---------------------------------------------------------------------------------------------
# The exception hierarchy


def test_exception_hierarchy():
    assert issubclass(vp.InvalidInputError, vp.PlanningError)
    assert issubclass(vp.InvalidInputError, ValueError)
    assert issubclass(vp.InfeasibleError, vp.PlanningError)
    assert not issubclass(vp.InfeasibleError, ValueError)
    assert issubclass(vp.PlanningError, Exception)
    assert vp.PlanningError.__module__ == "villageplan"
    assert vp.InvalidInputError.__module__ == "villageplan"
    assert vp.exceptions.InvalidInputError is _core.InvalidInputError
    for cls in (vp.PlanningError, vp.InvalidInputError, vp.InfeasibleError):
        assert cls.__doc__ and len(cls.__doc__) > 40


def test_exceptions_can_be_raised_and_pickled_with_their_attributes(county):
    with pytest.raises(vp.InvalidInputError) as info:
        vp.plan(county, radius=0)
    back = pickle.loads(pickle.dumps(info.value))
    assert type(back) is vp.InvalidInputError
    assert back.field == "radius"
    assert str(back) == str(info.value)
    # Users can raise them too; the attributes default to None / NaN.
    e = vp.InvalidInputError("mine")
    assert e.field is None and e.row is None and e.id is None
    assert np.isnan(vp.InfeasibleError("x").achievable)


# ---------------------------------------------------------------------------------------------
# Bad villages through County.from_dataframe: each case asserts type, field, row, a fragment of
# the message, and that the DataFrame is unchanged.


def _set(col, row, value):
    def edit(df):
        df.loc[row, col] = value

    return edit


BAD_VILLAGES = [
    # id, edit, from_dataframe kwargs, field, row, message fragment
    ("nan-lon", _set("lon", 1, np.nan), {}, "lon", 1, "coordinate is NaN"),
    ("inf-lat", _set("lat", 2, np.inf), {}, "lat", 2, "coordinate is inf"),
    ("neg-inf-lon", _set("lon", 0, -np.inf), {}, "lon", 0, "coordinate is -inf"),
    ("lat-out-of-range", _set("lat", 3, 95.0), {}, "lat", 3, "latitude 95 is outside [-90, 90]"),
    ("lon-out-of-range", _set("lon", 4, 500_000.0), {}, "lon", 4, "pass crs='planar'"),
    ("duplicate-id", _set("id", 3, "a"), {}, "id", 3, "duplicate village id (first seen at row 0)"),
    ("negative-population", _set("population", 2, -5.0), {}, "population", 2, "got -5"),
    ("nan-population", _set("population", 1, np.nan), {}, "population", 1, "got NaN"),
    ("missing-id", _set("id", 2, None), {}, "id", 2, "value is missing"),
    ("missing-town", _set("town", 4, None), {}, "town", 4, "value is missing"),
    ("negative-households", lambda df: df.insert(5, "hh", [1.0, -2.0, 3.0, 4.0, 5.0]), {"households": "hh"},
     "households", 1, "households must be a finite number"),
    ("unknown-status", lambda df: df.insert(5, "st", ["", "open", "", "", ""]), {"status": "st"},
     "status", 1, "unknown site status 'open'"),
    ("negative-cost", lambda df: df.insert(5, "c", [1.0, 2.0, -3.0, 4.0, 5.0]), {"cost": "c"},
     "cost", 2, "cost must be a finite number"),
]  # fmt: skip


@pytest.mark.parametrize(("edit", "kwargs", "field", "row", "fragment"), [c[1:] for c in BAD_VILLAGES],
                         ids=[c[0] for c in BAD_VILLAGES])  # fmt: skip
def test_bad_village_is_named_by_field_and_row(villages_df, edit, kwargs, field, row, fragment):
    edit(villages_df)
    before = villages_df.copy(deep=True)
    with pytest.raises(vp.InvalidInputError) as info:
        vp.County.from_dataframe(villages_df, **kwargs)
    e = info.value
    assert isinstance(e, ValueError) and isinstance(e, vp.PlanningError)
    assert e.field == field
    assert e.row == row
    msg = str(e)
    assert f"`{field}` at row {row}" in msg
    assert fragment in msg
    assert villages_df.equals(before)


def test_error_carries_the_record_id(villages_df):
    villages_df.loc[2, "population"] = -1.0
    with pytest.raises(vp.InvalidInputError) as info:
        vp.County.from_dataframe(villages_df)
    assert info.value.id == "c"
    assert "at row 2 (id 'c')" in str(info.value)


def test_error_names_the_index_label_of_a_filtered_frame(villages_df):
    df = villages_df.set_index(pd.Index([10, 20, 30, 40, 50]))
    df.loc[30, "population"] = -1.0
    with pytest.raises(vp.InvalidInputError) as info:
        vp.County.from_dataframe(df)
    assert info.value.row == 2 and info.value.field == "population"
    assert "at row 2 (id 'c')" in str(info.value) and "(DataFrame index label 30)" in str(info.value)


def test_coordinate_columns_are_found_by_their_usual_names(villages_df):
    df = villages_df.rename(columns={"lon": "Longitude", "lat": "LAT"})
    c = vp.County.from_dataframe(df)
    assert c.villages["lon"].tolist() == villages_df["lon"].tolist()
    c = vp.County.from_dataframe(villages_df.rename(columns={"lon": "e", "lat": "n"}), x="e", y="n")
    assert c.villages["lat"].tolist() == villages_df["lat"].tolist()


def test_projected_coordinates_given_as_degrees(villages_df):
    before = villages_df.copy(deep=True)
    with pytest.raises(vp.InvalidInputError) as info:
        vp.County.from_dataframe(villages_df, crs="planar")
    assert info.value.field == "x"
    assert "look like degrees" in str(info.value) or "looks like degrees" in str(info.value)
    assert "crs='geographic'" in str(info.value)
    assert villages_df.equals(before)


def test_planar_coordinates_beyond_any_projection(villages_df):
    df = villages_df.assign(lon=np.linspace(0, 4000, 5), lat=[0.0, 0, 0, 0, 1e12])
    before = df.copy(deep=True)
    with pytest.raises(vp.InvalidInputError, match=r"`y` at row 4.*beyond ±1e8 m"):
        vp.County.from_dataframe(df, crs="planar")
    assert df.equals(before)


def test_unknown_crs_name(villages_df):
    with pytest.raises(vp.InvalidInputError, match=r"invalid `crs`: unknown value 'mercator'") as info:
        vp.County.from_dataframe(villages_df, crs="mercator")
    assert info.value.field == "crs"


def test_empty_input(villages_df):
    empty = villages_df.iloc[0:0]
    before = empty.copy(deep=True)
    with pytest.raises(vp.InvalidInputError, match="no rows"):
        vp.County.from_dataframe(empty)
    assert empty.equals(before)
    with pytest.raises(vp.InvalidInputError, match="no rows") as info:
        vp.County.from_arrays([], [], [], [])
    assert isinstance(info.value, ValueError)


def test_wrong_column_name_lists_the_columns(villages_df):
    before = villages_df.copy(deep=True)
    with pytest.raises(vp.InvalidInputError) as info:
        vp.County.from_dataframe(villages_df, population="pop")
    msg = str(info.value)
    assert info.value.field == "population"
    assert "column `pop` not found" in msg
    assert "available columns: id, name, lon, lat, population, town" in msg
    assert 'population="..."' in msg
    assert villages_df.equals(before)


def test_missing_town_column_says_how_to_leave_it_out(villages_df):
    with pytest.raises(vp.InvalidInputError, match=r"column `town` not found.*town=None to leave it out"):
        vp.County.from_dataframe(villages_df.drop(columns="town"))
    c = vp.County.from_dataframe(villages_df.drop(columns="town"), town=None)
    assert c.towns == [""]


def test_missing_coordinate_column_lists_the_columns(villages_df):
    df = villages_df.rename(columns={"lon": "east"})
    with pytest.raises(vp.InvalidInputError, match=r"no `x` column found.*available columns: id, name, east, lat"):
        vp.County.from_dataframe(df)


def test_object_dtype_column_is_named(villages_df):
    df = villages_df.assign(population=["1,200", "800", "950", "2,000", "400"])
    before = df.copy(deep=True)
    with pytest.raises(vp.InvalidInputError) as info:
        vp.County.from_dataframe(df)
    assert info.value.field == "population"
    assert "column `population`" in str(info.value) and "not numbers" in str(info.value)
    assert "pd.to_numeric" in str(info.value)
    assert df.equals(before)


def test_array_length_mismatch_names_the_column():
    with pytest.raises(vp.InvalidInputError) as info:
        vp.County.from_arrays(["a", "b", "c"], [119.0, 119.1], [36.0, 36.0, 36.1], [1.0, 2.0, 3.0])
    assert info.value.field == "x"
    assert "`x`: has 2 values but `id` has 3" in str(info.value)
    with pytest.raises(vp.InvalidInputError, match="`town`: has 1 values but `id` has 2"):
        vp.County.from_arrays(["a", "b"], [119.0, 119.1], [36.0, 36.0], [1.0, 2.0], town=["T"])


def test_from_arrays_rejects_text_where_numbers_are_needed():
    with pytest.raises(vp.InvalidInputError, match="`population` must be numbers") as info:
        vp.County.from_arrays(["a"], [119.0], [36.0], ["many"])
    assert info.value.field == "population"


def test_core_from_arrays_wants_float64_arrays():
    # The low-level entry point takes float64 arrays only; the public wrapper converts.
    with pytest.raises(TypeError):
        _core.County.from_arrays(["a"], np.array([119]), np.array([36.0]), np.array([1.0]))
    c = _core.County.from_arrays(["a"], np.array([119.0]), np.array([36.0]), np.array([1.0]))
    assert c.n_villages == 1
    # Non-contiguous views are fine.
    xs = np.array([119.0, 0.0, 119.01, 0.0])[::2]
    c = _core.County.from_arrays(["a", "b"], xs, np.array([36.0, 36.0]), np.array([1.0, 2.0]))
    assert c.villages_columns()["lon"].tolist() == [119.0, 119.01]


# ---------------------------------------------------------------------------------------------
# Bad parameters of plan(): the county is untouched.


@pytest.mark.parametrize(
    ("kwargs", "field", "fragment"),
    [
        ({"radius": 0.0}, "radius", "got 0"),
        ({"radius": -2000.0}, "radius", "got -2000"),
        ({"radius": float("nan")}, "radius", "got NaN"),
        ({"radius": float("inf")}, "radius", "got inf"),
        ({"target": 0.0}, "target", "(0, 1], got 0"),
        ({"target": 1.5}, "target", "got 1.5"),
        ({"target": -0.2}, "target", "got -0.2"),
        ({"target": 60}, "target", "for 60% pass 0.6"),
        ({"target": float("nan")}, "target", "got NaN"),
        ({"by": "households"}, "by", "use 'villages' or 'population'"),
        ({"objective": "speed"}, "objective", "use 'auto', 'count' or 'cost'"),
        ({"fixed": ["nope"]}, "fixed", "unknown site id 'nope'"),
        ({"forbidden": ["V9999"]}, "forbidden", "unknown site id 'V9999'"),
        ({"fixed": ["<no_space>"]}, "fixed", "cannot open (no_space or forbidden)"),
    ],
)
def test_bad_plan_parameters(county, kwargs, field, fragment):
    if kwargs.get("fixed") == ["<no_space>"]:
        sites = county.sites
        kwargs = {"fixed": [sites.loc[sites["status"] == "no_space", "id"].iloc[0]]}
    before = county.to_json()
    with pytest.raises(vp.InvalidInputError) as info:
        vp.plan(county, **kwargs)
    e = info.value
    assert isinstance(e, ValueError)
    assert e.field == field
    assert e.row is None
    assert f"invalid `{field}`" in str(e)
    assert fragment in str(e)
    assert county.to_json() == before


def test_fixed_must_be_a_list_not_a_string(county):
    with pytest.raises(TypeError, match=r"fixed=\['V0001'\]"):
        vp.plan(county, fixed="V0001")


def test_plan_needs_a_county(villages_df):
    with pytest.raises(TypeError, match=r"County\.from_dataframe"):
        vp.plan(villages_df)  # type: ignore[arg-type]


def test_mixed_costs_need_objective_count(villages_df):
    df = villages_df.assign(cost=[100.0, np.nan, 300.0, 400.0, 500.0])
    c = vp.County.from_dataframe(df, cost="cost")
    with pytest.raises(vp.InvalidInputError, match="objective='count'") as info:
        vp.plan(c)
    assert info.value.field == "cost" and info.value.row == 1
    assert vp.plan(c, objective="count").objective_kind == "count"


def test_population_target_without_population(villages_df):
    c = vp.County.from_dataframe(villages_df.assign(population=0.0))
    with pytest.raises(vp.InvalidInputError, match="total population is 0") as info:
        vp.plan(c, by="population")
    assert info.value.field == "by"


# ---------------------------------------------------------------------------------------------
# Unknown town / village in a county file


def test_unknown_town_in_county_json(county):
    doc = json.loads(county.to_json())
    doc["villages"][5]["town"] = "Atlantis"
    with pytest.raises(vp.InvalidInputError) as info:
        vp.County.from_json(json.dumps(doc))
    assert "unknown town 'Atlantis'" in str(info.value)
    assert "known towns: Chengguan Subdistrict" in str(info.value)
    assert "row 5" in str(info.value)


def test_site_in_unknown_village_in_county_json(county):
    doc = json.loads(county.to_json())
    doc["sites"][3]["village"] = "nowhere"
    with pytest.raises(vp.InvalidInputError, match="site names unknown village 'nowhere'"):
        vp.County.from_json(json.dumps(doc))


def test_county_json_that_is_not_json():
    with pytest.raises(vp.InvalidInputError, match="could not read county JSON at line 1"):
        vp.County.from_json("{not json")


# ---------------------------------------------------------------------------------------------
# Infeasible target


def test_infeasible_target_says_what_is_achievable(villages_df):
    # Two of five villages have no space and no other site reaches them: at most 60% is coverable.
    df = villages_df.assign(status=["", "no_space", "", "", "no_space"])
    df.loc[1, "lon"] = 119.5  # far from every other village
    df.loc[4, "lon"] = 119.9
    before = df.copy(deep=True)
    c = vp.County.from_dataframe(df, status="status")
    with pytest.raises(vp.InfeasibleError) as info:
        vp.plan(c, radius=2000, target=0.8)
    e = info.value
    assert isinstance(e, vp.PlanningError) and not isinstance(e, ValueError)
    assert e.achievable == pytest.approx(0.6)
    assert "80.0%" in str(e) and "60.00%" in str(e)
    assert "lower the target" in str(e)
    assert df.equals(before)
    assert vp.plan(c, radius=2000, target=0.6).coverage == pytest.approx(0.6)


def test_infeasible_on_the_sample_county(county):
    with pytest.raises(vp.InfeasibleError) as info:
        vp.plan(county, radius=500, target=1.0)
    # No site may open at the no_space villages, and two of them have no other site within 500 m.
    assert info.value.achievable == pytest.approx(298 / 300)
    assert "99.33%" in str(info.value)


# ---------------------------------------------------------------------------------------------
# Files: malformed CSV and GeoJSON, wrong column names, missing files


def test_malformed_csv_names_the_line(tmp_path):
    path = tmp_path / "villages.csv"
    path.write_text("id,lon,lat,population\na,119.0,36.0,100\nb,119.01,36.0\n")
    with pytest.raises(vp.InvalidInputError) as info:
        vp.read_csv(path)
    assert isinstance(info.value, ValueError)
    assert "could not read villages.csv at line 3" in str(info.value)


def test_csv_cell_that_is_not_a_number(tmp_path):
    path = tmp_path / "villages.csv"
    path.write_text("id,lon,lat,population\na,119.0,36.0,100\nb,119.01,36.0,lots\n")
    with pytest.raises(vp.InvalidInputError) as info:
        vp.read_csv(path)
    assert info.value.field == "population" and info.value.row == 1 and info.value.id == "b"
    assert "'lots' is not a number" in str(info.value)


def test_csv_wrong_column_name_lists_the_columns(tmp_path):
    path = tmp_path / "villages.csv"
    path.write_text("code,lon,lat,people,township\na,119.0,36.0,100,T\n")
    with pytest.raises(vp.InvalidInputError) as info:
        vp.read_csv(path, id="code", population="pop")
    assert info.value.field == "population"
    assert "`pop` not found in villages.csv; available columns: code, lon, lat, people, township" in str(info.value)
    c = vp.read_csv(path, id="code", population="people")
    assert c.towns == ["T"]


def test_csv_bad_values_are_checked_like_dataframes(tmp_path):
    path = tmp_path / "villages.csv"
    path.write_text("id,lon,lat,population\na,119.0,36.0,100\nb,119.01,96.0,50\n")
    with pytest.raises(vp.InvalidInputError, match=r"`lat` at row 1 \(id 'b'\): latitude 96 is outside"):
        vp.read_csv(path)


def test_missing_file_is_file_not_found(tmp_path):
    missing = tmp_path / "nope.csv"
    with pytest.raises(FileNotFoundError) as info:
        vp.read_csv(missing)
    assert info.value.filename == str(missing)
    with pytest.raises(FileNotFoundError):
        vp.read_geojson(tmp_path / "nope.geojson")
    with pytest.raises(FileNotFoundError):
        vp.Plan.load(tmp_path / "nope.json")


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('{"type": "FeatureCollection", "features": [', "at line 1"),
        ('{"type": "Feature"}', "expected a GeoJSON FeatureCollection"),
        (
            '{"type":"FeatureCollection","features":[{"type":"Feature","id":"A","geometry":'
            '{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]},"properties":{"pop":1}}]}',
            "Polygon",
        ),
    ],
)
def test_malformed_geojson(tmp_path, text, fragment):
    path = tmp_path / "villages.geojson"
    path.write_text(text)
    with pytest.raises(vp.InvalidInputError) as info:
        vp.read_geojson(path)
    assert isinstance(info.value, ValueError)
    assert fragment in str(info.value)


def test_geojson_wrong_property_name(tmp_path):
    path = tmp_path / "villages.geojson"
    path.write_text(
        '{"type":"FeatureCollection","features":[{"type":"Feature","id":"A","geometry":'
        '{"type":"Point","coordinates":[119.0,36.0]},"properties":{"pop":1000,"town":"T"}}]}'
    )
    with pytest.raises(vp.InvalidInputError, match="available columns: pop, town"):
        vp.read_geojson(path, population="people")
    c = vp.read_geojson(path)
    assert c.n_villages == 1 and c.villages["population"].tolist() == [1000.0]


def test_plan_json_of_another_version(sample_plan):
    text = sample_plan.to_json().replace('"format_version":1', '"format_version":99', 1)
    with pytest.raises(vp.InvalidInputError, match="format version 99") as info:
        vp.Plan.from_json(text)
    assert info.value.field == "format_version"
    with pytest.raises(vp.InvalidInputError, match="not a villageplan plan"):
        vp.Plan.from_json("{}")


# ---------------------------------------------------------------------------------------------
# Inputs that are fine


def test_from_dataframe_reads_every_role_and_keeps_the_input(villages_df):
    df = villages_df.assign(
        hh=[400.0, np.nan, 300.0, 700.0, 150.0],
        st=["rebuild", None, "", "existing", "no_space"],
        area=[250.0, np.nan, np.nan, 300.0, 100.0],
        cost=pd.array([150_000, None, 320_000, 0, None], dtype="Int64"),
        id=[10, 11, 12, 13, 14],
    )
    before = df.copy(deep=True)
    c = vp.County.from_dataframe(df, name="name", households="hh", status="st", floor_area="area", cost="cost")
    assert df.equals(before)
    v = c.villages
    assert v["id"].tolist() == ["10", "11", "12", "13", "14"]
    assert v["name"].tolist() == ["Ancun", "Beicun", "Chencun", "Dacun", "Ecun"]
    assert v["households"].tolist() == pytest.approx([400.0, 800.0 / 2.8, 300.0, 700.0, 150.0])
    s = c.sites
    assert s["status"].tolist() == ["rebuild", "none", "none", "existing", "no_space"]
    assert s["floor_area"].isna().tolist() == [False, True, True, False, False]
    assert s["cost"].isna().tolist() == [False, True, False, False, True]
    assert c.site_status_counts == {"none": 2, "existing": 1, "rebuild": 1, "new": 0, "no_space": 1}


def test_missing_names_fall_back_to_ids(villages_df):
    df = villages_df.assign(name=["A", None, "C", np.nan, "E"])
    c = vp.County.from_dataframe(df, name="name")
    assert c.villages["name"].tolist() == ["A", "b", "C", "d", "E"]


def test_planar_columns_are_x_y():
    c = vp.County.from_arrays(["a", "b"], [500_000.0, 501_000.0], [4e6, 4e6], [10, 20], crs="planar")
    assert c.crs == "planar"
    assert c.villages.columns.tolist() == ["id", "name", "town", "x", "y", "population", "households"]
    assert c.sites.columns.tolist() == ["id", "village", "town", "x", "y", "status", "floor_area", "cost"]


def test_villages_frame_round_trips_through_from_dataframe(county):
    v = county.villages
    again = vp.County.from_dataframe(v, name="name", households="households")
    pd.testing.assert_frame_equal(again.villages, v)
    assert again.towns == county.towns


def test_county_repr_and_html(county):
    assert repr(county) == (
        "County(name='Sample County (seed 2008)', villages=300, towns=12, sites=300, "
        f"population={county.total_population:.0f}, crs='geographic')"
    )
    html = county._repr_html_()
    assert "<table" in html and "300" in html and "12 new-build pilots" in html and "3 no-space pilots" in html


def test_county_pickle_and_json_round_trip(county):
    back = pickle.loads(pickle.dumps(county))
    assert isinstance(back, vp.County) and back == county
    assert back.to_json() == county.to_json()
    core_back = pickle.loads(pickle.dumps(county._core))
    assert isinstance(core_back, _core.County) and core_back == county._core
    assert vp.County.from_json(county.to_json()) == county
    assert county.with_name("Elsewhere").name == "Elsewhere"
    assert county.with_name("Elsewhere") != county


def test_county_is_immutable(county):
    with pytest.raises(AttributeError):
        county.name = "x"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        county._core.name = "x"  # type: ignore[misc]
    v = county.villages
    v.loc[0, "population"] = -1
    assert county.villages.loc[0, "population"] >= 0


def test_county_cannot_be_built_directly():
    with pytest.raises(TypeError, match="from_dataframe"):
        vp.County("villages.csv")  # type: ignore[arg-type]
