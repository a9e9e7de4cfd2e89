"""Memory on the sparse path (issue 7): planning 200,000 villages allocates nothing n × n.

A dense 200,000 × 200,000 matrix of f64 distances would take 320 GB. The test plans such a county
in a child process whose address space is capped at ``CAP_BYTES`` (3 GiB) with
``ulimit -v`` (``RLIMIT_AS``), so any n × n allocation fails at once; the sparse path
(R-tree, coverage lists, solver) fits with room to spare. The child runs with 2 rayon threads and
2 malloc arenas, because every thread's stack and glibc arena reserves address space that a
virtual-memory cap counts. The objectives that need a dense village × site matrix (p-median,
p-center) must refuse such a county with a clear error instead of trying.

The 1,000,000-village peak resident memory is measured in BENCHMARKS.md (``benches/scale.rs``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

resource = pytest.importorskip("resource")  # POSIX only: ulimit and ru_maxrss

CAP_BYTES = 3 * 1024**3
N = 200_000

SCRIPT = r"""
import json, resource
import numpy as np
import villageplan as vp

n = int(__import__("sys").argv[1])
rng = np.random.default_rng(7)
# A planar region of 900 km x 900 km at about 0.25 villages per km² (the sample county's
# density), in towns of about 25 villages.
x = 500_000.0 + rng.uniform(0, 900_000, n)
y = 3_000_000.0 + rng.uniform(0, 900_000, n)
town = [f"T{int(a // 5000)}_{int(b // 5000)}" for a, b in zip(x, y)]
pop = rng.integers(200, 3000, n).astype(float)
county = vp.County.from_arrays([f"v{i}" for i in range(n)], x, y, pop, town=town, crs="planar")
plan = vp.plan(county, radius=2000, target=0.6, time_limit=0)  # the first plan and its bound
try:
    vp.p_median(county, p=100)
    dense = "no error"
except vp.InvalidInputError as e:
    dense = f"{e.field}: {e}"
print(json.dumps({
    "coverage": plan.coverage, "status": plan.status, "bound": plan.bound, "objective": plan.objective,
    "centres": plan.n_centres, "dense": dense,
    "peak_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
}))
"""


def _capped(*args: str) -> subprocess.CompletedProcess[str]:
    """Run Python with `args` under `ulimit -v` of CAP_BYTES, 2 rayon threads and 2 arenas."""
    env = dict(os.environ, RAYON_NUM_THREADS="2", MALLOC_ARENA_MAX="2")
    shell = f'ulimit -v {CAP_BYTES // 1024} && exec "$0" "$@"'
    return subprocess.run(
        ["sh", "-c", shell, sys.executable, *args], capture_output=True, text=True, env=env, timeout=600, check=False
    )


def test_the_cap_stops_a_dense_matrix():
    # The cap is real: an n × n float64 matrix for n = 200,000 cannot be made under it.
    out = _capped("-c", "import numpy as np; np.ones((200_000, 200_000))")
    assert out.returncode != 0 and "MemoryError" in out.stderr


def test_200000_villages_plan_under_a_3_gib_address_space_cap():
    out = _capped("-c", SCRIPT, str(N))
    assert out.returncode == 0, out.stderr[-2000:]
    r = json.loads(out.stdout.strip().splitlines()[-1])
    assert r["coverage"] >= 0.6
    assert r["status"] in ("optimal", "time_limit")  # stopped by the clock unless proven
    assert r["bound"] <= r["objective"] and r["centres"] == r["objective"]
    # p-median needs the dense matrix and refuses, naming the county and what to do instead.
    assert r["dense"].startswith("county: ") and "use a radius-capped objective" in r["dense"]
    assert r["peak_kib"] * 1024 < CAP_BYTES
