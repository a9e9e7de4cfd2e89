"""Optional dependencies are imported lazily; a missing one gives an ImportError naming the extra."""

from __future__ import annotations

import sys

import pytest

import villageplan as vp
from villageplan import distributed


def hide(monkeypatch: pytest.MonkeyPatch, *modules: str) -> None:
    """Make ``import <module>`` fail as if the package were not installed."""
    for name in list(sys.modules):
        if any(name == m or name.startswith(m + ".") for m in modules):
            monkeypatch.delitem(sys.modules, name)
    for m in modules:
        monkeypatch.setitem(sys.modules, m, None)


@pytest.fixture(scope="module")
def small_plan() -> vp.Plan:
    return vp.plan(vp.sample_county(), radius=2000, target=0.6, progress=False)


def test_map_names_the_plot_extra(monkeypatch, small_plan) -> None:
    hide(monkeypatch, "folium")
    with pytest.raises(ImportError, match=r"villageplan\[plot\]"):
        small_plan.map()


def test_plots_name_the_plot_extra(monkeypatch, small_plan) -> None:
    p = vp.plan(small_plan.county, budget=vp.Budget.yearly(5e6), progress=False)
    hide(monkeypatch, "matplotlib")
    with pytest.raises(ImportError, match=r"villageplan\[plot\]"):
        vp.plot_schedule(p.schedule)


def test_geodataframes_name_the_geo_extra(monkeypatch, small_plan) -> None:
    hide(monkeypatch, "geopandas")
    with pytest.raises(ImportError, match=r"villageplan\[geo\]"):
        small_plan.to_geodataframe()


def test_exact_names_the_exact_extra(monkeypatch) -> None:
    hide(monkeypatch, "highspy")
    with pytest.raises(ImportError, match=r"villageplan\[exact\]"):
        vp.plan(vp.sample_county(), exact=True)


def test_progress_bars_name_the_plot_extra(monkeypatch) -> None:
    hide(monkeypatch, "tqdm")
    with pytest.raises(ImportError, match=r"villageplan\[plot\]"):
        vp.plan(vp.sample_county(), progress=True)


def test_dask_names_the_dask_extra(monkeypatch) -> None:
    hide(monkeypatch, "dask")
    with pytest.raises(ImportError, match=r"villageplan\[dask\]"):
        distributed._dask()
