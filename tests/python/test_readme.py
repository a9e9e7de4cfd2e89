"""The README's Python examples run as written (in a scratch directory)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_readme_python_blocks_run(tmp_path, monkeypatch) -> None:
    pytest.importorskip("highspy")  # the README shows exact=True
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert len(blocks) >= 4
    monkeypatch.chdir(tmp_path)
    ns: dict[str, object] = {}
    for block in blocks:
        exec(block.replace('"tests/data/', f'"{ROOT}/tests/data/'), ns)
    plan = ns["plan"]
    assert plan.coverage >= 0.6  # type: ignore[attr-defined]
    assert (tmp_path / "plan.geojson").exists() and (tmp_path / "plan.json").exists()
    assert 0.0 <= ns["runs"].probability_of_target(year=3) <= 1.0  # type: ignore[attr-defined]
