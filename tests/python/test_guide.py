"""docs/guide.md works as written, and docs/api.md matches the docstrings."""

from __future__ import annotations

import re
import runpy
import sys
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "guide.md"


def _blocks(text: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


def test_guide_code_runs_in_order(tmp_path, monkeypatch):
    """Every Python block of the guide, run in one namespace in an empty folder: load, plan, map, simulate, export."""
    import matplotlib.pyplot as plt

    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {}
    blocks = _blocks(GUIDE.read_text(encoding="utf-8"))
    assert len(blocks) >= 10
    try:
        for k, block in enumerate(blocks):
            try:
                exec(compile(block, f"{GUIDE.name} block {k + 1}", "exec"), namespace)
            except Exception as e:  # pragma: no cover - the message says which block failed
                pytest.fail(f"guide block {k + 1} failed: {type(e).__name__}: {e}\n{block}")
    finally:
        plt.close("all")
    plan = namespace["plan"]
    assert plan.coverage >= 0.6  # type: ignore[attr-defined]
    for name in ("plan.html", "plan_utm.html", "plan.geojson", "plan.gpkg", "plan.json", "schedule.png",
                 "simulation.png", "sweep.png", "cost_curve.png", "communities.csv"):  # fmt: skip
        assert (tmp_path / name).stat().st_size > 0, name
    assert 0.0 <= namespace["sim"].probability_of_target(year=3) <= 1.0  # type: ignore[attr-defined]


def test_api_reference_is_up_to_date(monkeypatch):
    monkeypatch.setattr(sys, "argv", ["gen_api.py", "--check"])
    with pytest.raises(SystemExit) as e:
        runpy.run_path(str(ROOT / "docs" / "gen_api.py"), run_name="__main__")
    assert e.value.code == 0, "docs/api.md is out of date: run python docs/gen_api.py (make docs)"
