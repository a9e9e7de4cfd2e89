"""Ctrl-C stops a long solve or simulation promptly, raises KeyboardInterrupt and breaks nothing.

Each case runs in a subprocess that starts a computation of a minute or more and gets SIGINT
once it is under way. The only timing assertion is a generous bound on "did it stop".
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a subprocess is POSIX-only")

SCRIPT = r"""
import sys, time
import numpy as np
import villageplan as vp

kind, recover = sys.argv[1], "recover" in sys.argv
if kind == "solve":
    pts = np.random.default_rng(0).random((3000, 2)) * 100_000
    costs = np.sqrt(((pts[:, None, :] - pts[None, :, :]) ** 2).sum(-1))
    work = lambda: vp.solve.p_median(costs, 80, progress=False)   # about a minute
else:
    county = vp.sample_county()
    work = lambda: vp.simulate(county, runs=5_000_000, seed=1, progress=False)   # many minutes
print("started", flush=True)
start = time.perf_counter()
try:
    work()
    print("finished", flush=True)
except KeyboardInterrupt:
    print(f"interrupted after {time.perf_counter() - start:.2f} s", flush=True)
    if not recover:
        raise
    # The interpreter and the library carry on: plan the sample county as usual.
    p = vp.plan(vp.sample_county(), progress=False)
    print(f"recovered {p.coverage >= 0.6} {p.status}", flush=True)
"""

#: Generous bound on how long after SIGINT the process may take to stop (it is ~0.1-1 s).
STOP_BOUND_S = 8.0


def _interrupt(kind: str, *extra: str) -> tuple[subprocess.CompletedProcess[str], float]:
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen(
        [sys.executable, "-c", SCRIPT, kind, *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line.strip() == "started", line
    time.sleep(1.5)  # well inside the computation
    assert proc.poll() is None, "the computation ended before the signal"
    sent = time.monotonic()
    proc.send_signal(signal.SIGINT)
    try:
        out, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        pytest.fail("SIGINT did not stop the computation within 60 s")
    stopped = time.monotonic() - sent
    done = subprocess.CompletedProcess(proc.args, proc.returncode, line + out, err)
    return done, stopped


@pytest.mark.parametrize("kind", ["solve", "simulate"])
def test_ctrl_c_raises_keyboard_interrupt(kind):
    done, stopped = _interrupt(kind)
    assert "finished" not in done.stdout
    assert "interrupted after" in done.stdout
    assert done.returncode != 0
    assert "KeyboardInterrupt" in done.stderr
    assert "PlanningError" not in done.stderr and "panic" not in done.stderr
    assert stopped < STOP_BOUND_S


def test_after_ctrl_c_the_library_still_works():
    done, stopped = _interrupt("solve", "recover")
    assert done.returncode == 0, done.stderr
    assert "recovered True" in done.stdout
    assert stopped < STOP_BOUND_S + 30  # includes the new plan
