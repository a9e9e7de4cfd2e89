"""The acceptance check from Python: results against an independent computation, inputs, errors."""

from __future__ import annotations

import doctest
import inspect
import json

import numpy as np
import pandas as pd
import pytest

import villageplan as vp
from villageplan import _assess

ROOMS = "hall:60,clinic:90,police:20,culture:70,office:30"


@pytest.fixture(scope="module")
def small_plan() -> vp.Plan:
    """Two towns in planar metres: centre a serves a + b (770 households, 231 m² required), centre
    d (a `new` pilot planned at 250 m²) serves d + e (900 households, 270 m²); f is uncovered."""
    df = pd.DataFrame(
        {
            "id": ["a", "b", "d", "e", "f"],
            "x": [0.0, 1000.0, 0.0, 1500.0, 9000.0],
            "y": [0.0, 0.0, 9000.0, 9000.0, 9000.0],
            "population": [1400.0, 756.0, 840.0, 1680.0, 280.0],
            "households": [500.0, 270.0, 300.0, 600.0, 100.0],
            "town": ["East", "East", "West", "West", "West"],
            "status": ["rebuild", "", "new", "", ""],
            "floor_area": [150.0, np.nan, 250.0, np.nan, np.nan],
        }
    )
    county = vp.County.from_dataframe(
        df, households="households", status="status", floor_area="floor_area", crs="planar"
    )
    p = vp.plan(county, radius=2000, target=0.6, fixed=["a", "d"], objective="count")
    assert p.communities["centre"].tolist() == ["a", "d"]
    assert p.communities["households"].tolist() == [770.0, 900.0]
    return p


def expected(households: float, area: float, rooms: dict[str, float | None]) -> tuple[bool, float]:
    """The default standard written out again: (passes, upgrade cost in yuan)."""
    required = max(200.0, 0.3 * households)
    area_short = max(0.0, required - area)
    need = renovate = 0.0
    ok = area_short == 0
    for name, minimum, build in [("hall", 50, 50), ("clinic", 80, 80), ("police", None, 20),
                                 ("culture", None, 60), ("office", None, 30)]:  # fmt: skip
        if name not in rooms:
            ok, need = False, need + build
        elif minimum is not None:
            a = rooms[name]
            if a is None:
                ok = False
            elif a < minimum:
                ok, need, renovate = False, need + minimum - a, renovate + a
    return ok, max(area_short, need) * 1600 + renovate * 600


def parse(text: str) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    for item in filter(None, (t.strip() for t in text.split(","))):
        name, _, area = item.partition(":")
        out[name] = float(area) if area else None
    return out


def test_results_match_an_independent_computation(small_plan):
    rng = np.random.default_rng(7)
    for _ in range(60):
        rooms = {}
        for name in ["hall", "clinic", "police", "culture", "office"]:
            r = rng.integers(0, 4)
            if r == 1:
                rooms[name] = None
            elif r > 1:
                rooms[name] = float(rng.integers(30, 110))
        area = float(rng.integers(150, 320))
        text = ",".join(k if v is None else f"{k}:{v}" for k, v in rooms.items())
        facts = pd.DataFrame({"site": ["a"], "building_area": [area], "rooms": [text]})
        a = vp.assess(small_plan, facts)
        row = a.centres.iloc[0]
        ok, cost = expected(770.0, area, parse(text))
        assert bool(row["passed"]) == ok, (text, area, row["reasons"])
        assert row["upgrade_cost"] == pytest.approx(cost)
        assert row["required_area"] == 231.0
        assert (row["codes"] == "") == ok


def test_reasons_name_the_rule_and_the_figures(small_plan):
    facts = pd.DataFrame({"site": ["a", "d"], "area": [150.0, 300.0], "hall_area": [60.0, 55.0],
                          "rooms": ["clinic:70,culture,office", "clinic:90,police,culture,office"]})  # fmt: skip
    a = vp.assess(small_plan, facts)
    c = a.centres.set_index("site")
    assert c.loc["a", "codes"] == "area_short,room_small,room_missing"
    assert c.loc["a", "reasons"].startswith("area_short: building 150 m² < required 231 m² for 770 households; ")
    # 81 m² short houses the 10 m² clinic shortfall and the 20 m² police room; 70 m² renovated.
    assert c.loc["a", "upgrade_cost"] == 81 * 1600 + 70 * 600
    assert (c.loc["a", "new_area"], c.loc["a", "renovated_area"]) == (81.0, 70.0)
    assert bool(c.loc["d", "passed"]) and c.loc["d", "basis"] == "facts"
    assert (a.passed, a.failed, a.n_centres) == (1, 1, 2)
    assert a.upgrade_cost == 81 * 1600 + 70 * 600


def test_rooms_as_text_list_or_dict_agree(small_plan):
    base = vp.assess(small_plan, pd.DataFrame({"site": ["a"], "area": [300.0], "rooms": [ROOMS]}))
    as_list = pd.DataFrame({"site": ["a"], "area": [300.0], "hall_area": [60.0],
                            "rooms": [["clinic:90", "police", "culture", "office"]]})  # fmt: skip
    rooms = {"hall": 60, "clinic": 90, "police": None, "culture": None, "office": 30}
    as_dict = pd.DataFrame({"site": ["a"], "area": [300.0], "rooms": [rooms]})
    for df in (as_list, as_dict):
        got = vp.assess(small_plan, df)
        assert got.centres["passed"].tolist() == base.centres["passed"].tolist() == [True, False]
    # d has no facts: it is a `new` pilot, assessed on its planned 250 m² building.
    d = base.centres.iloc[1]
    assert (d["basis"], d["codes"], d["upgrade_cost"]) == ("design", "area_short", 20 * 1600)
    strict = vp.assess(small_plan, pd.DataFrame({"site": ["a"], "area": [300.0], "rooms": [ROOMS]}), as_designed=False)
    assert strict.centres.iloc[1]["codes"] == "no_facts" and np.isnan(strict.centres.iloc[1]["upgrade_cost"])
    assert not strict.as_designed


def test_dataframe_input_is_not_mutated(small_plan):
    df = pd.DataFrame({"ID": ["a", "d"], "Area": [150.0, 300.0], "rooms": [["hall:60"], ROOMS],
                       "staff": [3, np.nan]}, index=[10, 20])  # fmt: skip
    before = df.copy(deep=True)
    vp.assess(small_plan, df)
    pd.testing.assert_frame_equal(df, before)


def test_standard_options_and_files(small_plan, tmp_path):
    s = vp.Standard.default()
    assert s == vp.Standard.from_json(s.to_json())
    d = s.to_dict()
    assert d["format_version"] == 1 and [r["name"] for r in d["rooms"]] == [
        "hall",
        "clinic",
        "police",
        "culture",
        "office",
    ]
    d["min_staff"] = 4
    d["building"]["per_1000_persons_m2"] = 200.0
    strict = vp.Standard.from_dict(d)
    strict.save(tmp_path / "standard.json")
    assert vp.Standard.load(tmp_path / "standard.json") == strict != s
    facts = pd.DataFrame({"site": ["a", "d"], "area": [500.0, 600.0], "rooms": [ROOMS, ROOMS], "staff": [3, 5]})
    a = vp.assess(small_plan, facts, tmp_path / "standard.json")
    # 2,156 persons × 0.2 = 431.2 m² now required at a; a has 3 staff < 4.
    assert a.centres["required_area"].tolist() == pytest.approx([431.2, 504.0])
    assert a.centres["codes"].tolist() == ["staff_short", ""]
    assert a.standard == strict
    assert "staff=≥ 4" in repr(strict) and "radius=the plan's" in repr(strict)


def test_paths_and_the_sample_facts(county, sample_plan, tmp_path):
    facts = vp.sample_facts(county)
    assert len(facts) == 28
    pilots = county.sites[county.sites["status"] != "none"]["id"].tolist()
    assert facts["site"].tolist() == pilots
    assert facts.columns.tolist() == ["site", "building_area", "hall_area", "rooms", "staff"]
    assert facts["staff"].between(3, 7).all()
    pd.testing.assert_frame_equal(vp.sample_facts(county), facts)
    assert not vp.sample_facts(county, seed=1).equals(facts)
    # The county does not change.
    assert vp.sample_county() == county
    facts.to_csv(tmp_path / "facts.csv", index=False)
    from_frame = vp.assess(sample_plan, facts)
    assert vp.assess(sample_plan, tmp_path / "facts.csv") == from_frame
    assert vp.assess(sample_plan, str(tmp_path / "facts.csv")) == from_frame
    # The no-space pilots and pilots the plan does not open are listed, not used.
    opened = set(sample_plan.centres["site"])
    assert from_frame.unused_facts == [s for s in pilots if s not in opened]
    t = from_frame.towns
    assert t["centres"].sum() == from_frame.n_centres == sample_plan.n_centres
    assert t["passed"].sum() == from_frame.passed and t["failed"].sum() == from_frame.failed
    assert t["upgrade_cost"].sum() == pytest.approx(from_frame.upgrade_cost)
    assert json.loads(from_frame.to_json())["format_version"] == 1
    html = from_frame._repr_html_()
    assert "Assessment" in html and "upgrade cost" in html


def test_sample_pilots_pass_in_the_designed_band(county):
    pilots = county.sites[~county.sites["status"].isin(["none", "no_space"])]["id"].tolist()
    p = vp.plan(county, fixed=pilots)
    a = vp.assess(p, vp.sample_facts(county))
    c = a.centres[a.centres["basis"] == "facts"]
    assert len(c) == 25
    assert 0.4 <= c["passed"].mean() <= 0.7
    assert c["codes"].str.contains("area_short").sum() >= 3
    assert c["codes"].str.contains("room_").sum() >= 3


def test_errors_name_the_field(small_plan, tmp_path):
    with pytest.raises(vp.InvalidInputError, match="check the site ids") as e:
        vp.assess(small_plan, pd.DataFrame({"site": ["a", "zz"], "area": [300.0, 200.0]}))
    assert (e.value.field, e.value.row, e.value.id) == ("site", 1, "zz")
    with pytest.raises(vp.InvalidInputError, match="available columns: site, size") as e:
        vp.assess(small_plan, pd.DataFrame({"site": ["a"], "size": [300.0]}))
    assert e.value.field == "building_area"
    with pytest.raises(vp.InvalidInputError, match="not numbers") as e:
        vp.assess(small_plan, pd.DataFrame({"site": ["a"], "area": ["big"]}))
    with pytest.raises(vp.InvalidInputError, match="whole number") as e:
        vp.assess(small_plan, pd.DataFrame({"site": ["a"], "area": [300.0], "staff": [2.5]}))
    assert e.value.field == "staff" and e.value.row == 0
    with pytest.raises(vp.InvalidInputError, match="invalid `rooms` at row 0") as e:
        vp.assess(small_plan, pd.DataFrame({"site": ["a"], "area": [300.0], "rooms": [3]}))
    with pytest.raises(vp.InvalidInputError, match="twice"):
        vp.assess(small_plan, pd.DataFrame({"site": ["a", "a"], "area": [300.0, 200.0]}))
    with pytest.raises(TypeError, match="DataFrame"):
        vp.assess(small_plan, [("a", 300.0)])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"vp\.Plan"):
        vp.assess("plan.json", pd.DataFrame())  # type: ignore[arg-type]
    with pytest.raises(FileNotFoundError):
        vp.assess(small_plan, tmp_path / "missing.csv")
    with pytest.raises(vp.InvalidInputError) as e:
        vp.assess(small_plan, pd.DataFrame({"site": ["a"], "area": [300.0]}), cost_new=-1)
    assert e.value.field == "cost_new_yuan_per_m2"
    text = vp.Standard.default().to_json()
    for bad, field in [
        (text.replace('"format_version": 1', '"format_version": 2'), "format_version"),
        (text.replace('"check_radius"', '"check_radious"'), "check_radious"),
        (text.replace('"min_staff": null,', ""), "min_staff"),
        (text.replace('"min_m2": 200.0', '"min_m2": -1'), "building.min_m2"),
    ]:
        with pytest.raises(vp.InvalidInputError) as e:
            vp.Standard.from_json(bad)
        assert e.value.field == field
    with pytest.raises(vp.InvalidInputError, match="unknown field `colour`"):
        vp.Standard.from_dict({**vp.Standard.default().to_dict(), "colour": "red"})
    with pytest.raises(TypeError):
        vp.Standard("x")  # type: ignore[arg-type]


def test_docstrings_and_signatures():
    result = doctest.testmod(_assess, optionflags=doctest.NORMALIZE_WHITESPACE, raise_on_error=False)
    assert result.failed == 0 and result.attempted > 0
    core = inspect.signature(vp._core.assess)
    wrapper = inspect.signature(vp.assess)
    assert list(core.parameters) == list(wrapper.parameters)
    for name, p in core.parameters.items():
        assert p.default == wrapper.parameters[name].default, name
    assert list(inspect.signature(vp._core.sample_facts).parameters) == ["county", "seed"]
    for cls in (vp.Standard, vp.Assessment):
        for attr, member in vars(cls).items():
            if not attr.startswith("_"):
                doc = getattr(member, "__doc__", None) or getattr(getattr(member, "fget", None), "__doc__", None)
                assert doc, f"{cls.__name__}.{attr}"
