"""No panic crosses into Python (issue 7, DESIGN §6).

Every entry point of the extension runs its Rust work inside a panic guard; a panic, which would
be a bug in villageplan, becomes a ``PlanningError`` that says so and how to report it. The
hidden hook ``_core._debug_panic`` panics inside that guard, on the calling thread or in rayon
worker threads, so the tests can force one.
"""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

import villageplan as vp
from villageplan import _core


def _check_bug_report(e: BaseException, message: str) -> None:
    assert type(e) is vp.PlanningError  # neither InvalidInputError nor InfeasibleError
    text = str(e)
    assert message in text
    assert f"this is a bug in villageplan {vp.__version__}" in text
    assert "please report it to the villageplan maintainers with this message and the input" in text


def test_a_panic_becomes_a_planning_error_that_says_it_is_a_bug():
    with pytest.raises(vp.PlanningError) as info:
        _core._debug_panic("boom from the test")
    _check_bug_report(info.value, "boom from the test")
    assert "unexpected panic" in str(info.value)


def test_a_panic_in_rayon_worker_threads_becomes_a_planning_error():
    with pytest.raises(vp.PlanningError) as info:
        _core._debug_panic("worker boom", in_thread=True)
    _check_bug_report(info.value, "worker boom (worker item")


def test_the_error_is_an_ordinary_exception_not_a_base_exception():
    # pyo3's own PanicException derives from BaseException and escapes `except Exception`.
    try:
        _core._debug_panic("caught")
    except Exception as e:
        assert isinstance(e, vp.PlanningError)
    else:  # pragma: no cover - the hook always raises
        pytest.fail("no exception")


def test_the_library_keeps_working_after_a_panic(county, sample_plan):
    for in_thread in (False, True):
        with pytest.raises(vp.PlanningError):
            _core._debug_panic("again", in_thread=in_thread)
    assert vp.plan(county, radius=2000, target=0.6).to_json() == sample_plan.to_json()


def test_panics_in_concurrent_python_threads_each_become_errors():
    def call(i: int) -> str:
        try:
            _core._debug_panic(f"thread {i}", in_thread=i % 2 == 1)
        except vp.PlanningError as e:
            return str(e)
        return "no error"

    with ThreadPoolExecutor(max_workers=4) as pool:
        messages = list(pool.map(call, range(8)))
    for i, m in enumerate(messages):
        assert f"thread {i}" in m and "bug in villageplan" in m


def test_a_panic_does_not_kill_the_interpreter():
    # In a fresh interpreter: the panic is an exception, the process exits normally afterwards.
    code = (
        "import villageplan as vp\n"
        "from villageplan import _core\n"
        "try:\n"
        "    _core._debug_panic('in a subprocess', in_thread=True)\n"
        "except vp.PlanningError as e:\n"
        "    print('caught:', 'bug in villageplan' in str(e))\n"
        "print(vp.plan(vp.sample_county(), target=0.3).n_centres > 0)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["caught:", "True", "True"]


def test_a_corrupted_plan_file_is_an_error_not_a_panic(sample_plan, tmp_path):
    # Indices out of range in a hand-edited plan used to reach the accessors and panic there.
    path = tmp_path / "plan.json"
    text = sample_plan.to_json().replace('"village":0,', '"village":100000,', 1)
    path.write_text(text)
    with pytest.raises(vp.InvalidInputError, match="assignment 0 is for village 100000"):
        vp.Plan.load(path)
