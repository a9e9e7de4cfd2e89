"""Progress: Rust reports (done, total) to the waiting thread, which drives a tqdm bar."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

import villageplan as vp
from villageplan import _progress

WRAPPERS = [vp.plan, vp.max_coverage, vp.p_median, vp.p_center, vp.simulate, vp.sweep,
            vp.solve.max_coverage, vp.solve.set_cover, vp.solve.p_median, vp.solve.p_center]  # fmt: skip
CORE = [vp._core.plan, vp._core.max_coverage, vp._core.p_median, vp._core.p_center, vp._core.simulate,
        vp._core.sweep, vp._core.solve_max_coverage, vp._core.solve_set_cover, vp._core.solve_p_median,
        vp._core.solve_p_center]  # fmt: skip


@pytest.mark.parametrize("fn", WRAPPERS + CORE, ids=lambda f: f"{f.__module__}.{f.__name__}")
def test_progress_is_a_keyword_only_parameter(fn):
    p = inspect.signature(fn).parameters["progress"]
    assert p.kind is inspect.Parameter.KEYWORD_ONLY
    assert p.default is None


def test_auto_is_on_only_in_a_terminal_or_notebook(monkeypatch):
    assert _progress.enabled(False) is False
    assert _progress.enabled(True) is True
    assert _progress.enabled(None) is False  # pytest's captured stderr is not a terminal
    monkeypatch.setattr(_progress, "_in_notebook", lambda: True)
    assert _progress.enabled(None) is True
    with pytest.raises(TypeError, match="progress"):
        _progress.enabled("yes")  # type: ignore[arg-type]


def _matrix(n: int) -> np.ndarray:
    pts = np.random.default_rng(1).random((n, 2)) * 50_000
    return np.sqrt(((pts[:, None, :] - pts[None, :, :]) ** 2).sum(-1))


def test_core_reports_progress_of_a_simulation(county):
    calls: list[tuple[int, int]] = []
    vp._core.simulate(county._core, vp.Scenario.default()._core, 4000, 1, progress=lambda d, t: calls.append((d, t)))
    assert calls, "a simulation of several tenths of a second reports progress"
    assert all(t == 4000 and 0 < d <= t for d, t in calls)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


def test_core_reports_progress_of_a_solve():
    calls: list[tuple[int, int]] = []
    sol = vp._core.solve_p_median(_matrix(1200), 40, progress=lambda d, t: calls.append((d, t)))
    assert sol.objective >= sol.bound
    assert calls and all(0 <= d <= t for d, t in calls)


def test_an_error_in_the_callback_stops_the_work(county):
    def boom(done: int, total: int) -> None:
        raise RuntimeError("stop here")

    with pytest.raises(RuntimeError, match="stop here"):
        vp._core.simulate(county._core, vp.Scenario.default()._core, 100_000, 1, progress=boom)
    # Nothing is left broken.
    assert vp.plan(county, progress=False).coverage >= 0.6


def test_progress_true_draws_a_tqdm_bar(county, capsys, monkeypatch):
    monkeypatch.setattr(_progress, "DELAY", 0.0)
    sim = vp.simulate(county, runs=4000, seed=1, progress=True)
    err = capsys.readouterr().err
    assert "simulate" in err and "run" in err
    assert sim.n_runs == 4000
    # The same result as without a bar.
    assert sim.probability_of_target() == vp.simulate(county, runs=4000, seed=1, progress=False).probability_of_target()


def test_quiet_by_default_outside_a_terminal(county, capsys):
    vp.simulate(county, runs=4000, seed=1)
    vp.plan(county)
    assert capsys.readouterr().err == ""


def test_progress_bar_follows_phases():
    bar = _progress.ProgressBar("test", delay=0.0)
    try:
        bar(3, 10)
        assert (bar.bar.n, bar.bar.total) == (3, 10)
        bar(1, 4)  # a new phase
        assert (bar.bar.n, bar.bar.total) == (1, 4)
    finally:
        bar.close()
    assert bar.bar is None
