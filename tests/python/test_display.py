"""Jupyter summaries: County, Plan, Schedule, Simulation and Assessment show a compact table."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

import villageplan as vp


class _Tables(HTMLParser):
    """Collect captions and the text of <th>/<td> cells."""

    def __init__(self) -> None:
        super().__init__()
        self.captions: list[str] = []
        self.cells: list[str] = []
        self.tables = 0
        self._in: str | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables += 1
        if tag in ("caption", "th", "td"):
            self._in = tag
            (self.captions if tag == "caption" else self.cells).append("")

    def handle_endtag(self, tag):
        if tag == self._in:
            self._in = None

    def handle_data(self, data):
        if self._in == "caption":
            self.captions[-1] += data
        elif self._in in ("th", "td"):
            self.cells[-1] += data


def _parse(obj) -> _Tables:
    parser = _Tables()
    parser.feed(obj._repr_html_())
    parser.close()
    return parser


@pytest.fixture(scope="module")
def objects(county):
    plan = vp.plan(county, budget=vp.Budget.yearly(3_000_000))
    return {
        "County": county,
        "Plan": plan,
        "Schedule": plan.schedule,
        "Simulation": vp.simulate(county, vp.Scenario(budget=3_000_000), runs=100, seed=1, progress=False),
        "Assessment": vp.assess(plan, vp.sample_facts(county)),
    }


@pytest.mark.parametrize("name", ["County", "Plan", "Schedule", "Simulation", "Assessment"])
def test_summary_is_a_captioned_table(objects, name):
    t = _parse(objects[name])
    assert t.tables >= 1
    assert t.captions and t.captions[0].startswith(name)
    assert len(t.cells) >= 6


def test_summaries_carry_the_key_figures(objects):
    plan = objects["Plan"]
    cells = " | ".join(_parse(plan).cells)
    assert f"{100 * plan.coverage:.1f}% of villages" in cells and f"{plan.cost:,.0f} yuan" in cells
    assert plan.status in cells
    assert f"{objects['County'].n_villages:,}" in " | ".join(_parse(objects["County"]).cells)
    sim = objects["Simulation"]
    assert f"{sim.probability_of_target():.3f}" in " | ".join(_parse(sim).cells)
    a = objects["Assessment"]
    assert f"{a.passed:,}" in _parse(a).cells
    schedule_cells = _parse(objects["Schedule"]).cells
    assert [c for c in schedule_cells if c == "year"]  # the per-year grid
