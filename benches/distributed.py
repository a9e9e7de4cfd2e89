"""Scale-out benchmark: many counties × Monte Carlo runs, three ways in one session.

100 synthetic counties (``vp.sample_county(seed)``, seeds 1-100: 300 villages each) × 1,000
runs of the default scenario, county ``name`` seeded with ``county_seed(1, name)``:

1. local, one process, one thread (``RAYON_NUM_THREADS=1``), one county after another;
2. local, one process, rayon on every core (each county's runs in parallel);
3. ``villageplan.distributed.simulate`` on a ``LocalCluster`` (2 worker processes × 1 thread,
   ``RAYON_NUM_THREADS=1`` on the workers), at two chunk sizes.

Modes 1 and 2 run in child processes (rayon reads ``RAYON_NUM_THREADS`` once per process). The
three results are checked to be identical. Also measured: the Dask overhead per task (no-op
tasks), the pickled sizes, and the peak memory of one task (plan + 1,000 runs of one county,
in a fresh process). Run with ``make bench-dask`` or ``python benches/distributed.py
[--counties N] [--runs N]``; prints a Markdown table for BENCHMARKS.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

# This file is named like the `distributed` package that dask.distributed imports: drop its folder
# from the import path (as `python -P` does) so that `import distributed` finds the package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import pickle  # noqa: E402
import platform  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402

import pandas as pd  # noqa: E402

import villageplan as vp  # noqa: E402
from villageplan import distributed as vpd  # noqa: E402


def counties(n: int) -> dict[str, vp.County]:
    """Return the synthetic counties by name."""
    return {f"sample {s}": vp.sample_county(s) for s in range(1, n + 1)}


def local(n: int, runs: int, out: str) -> None:
    """Mode 1 or 2 (by the environment): every county, one after another; write the frame."""
    cs = counties(n)
    scenario = vp.Scenario.default()
    t, cpu = time.perf_counter(), time.process_time()
    frames = []
    for name, c in cs.items():
        sim = vp.simulate(c, scenario, runs=runs, seed=vpd.county_seed(1, name), progress=False)
        df = sim.coverage
        df.insert(0, "county", name)
        frames.append(df)
    seconds, cpu = time.perf_counter() - t, time.process_time() - cpu
    pd.concat(frames, ignore_index=True).to_pickle(out)
    print(json.dumps({"seconds": seconds, "cpu": cpu}))


def _rss_mib(field: str) -> float:
    """Return a field of /proc/self/status in MiB (VmRSS: now, VmHWM: peak)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def one_task_memory(runs: int) -> None:
    """RSS of one task in a fresh process: plan a county, simulate `runs` runs, join, tabulate."""
    c = vp.sample_county(1)
    s = vp.Scenario.default()
    base = _rss_mib("VmRSS")
    p = vpd._scenario_plan(c, s)
    sim = vpd._simulate_chunk(p, s, 0, runs, 7)
    vpd._simulate_join("x", "coverage", vpd.DEFAULT_LEVELS, [sim])
    print(json.dumps({"base": base, "peak": _rss_mib("VmHWM"), "after": _rss_mib("VmRSS")}))


def child(args: list[str], env: dict[str, str]) -> dict[str, float]:
    """Run this script in a child process with `env` added; return its last line, parsed."""
    out = subprocess.run(
        [sys.executable, __file__, *args], env={**os.environ, **env}, check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _noop(i: int) -> int:
    return i


def main() -> None:
    """Run the three ways and print the Markdown for BENCHMARKS.md."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--counties", type=int, default=100)
    ap.add_argument("--runs", type=int, default=1000)
    ap.add_argument("--mode", choices=["local", "memory"], help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.mode == "local":
        local(a.counties, a.runs, a.out)
        return
    if a.mode == "memory":
        one_task_memory(a.runs)
        return

    from dask.distributed import Client, LocalCluster

    n, runs = a.counties, a.runs
    tmp = f"/tmp/vp-bench-dask-{os.getpid()}"
    serial = child(["--mode", "local", "--counties", str(n), "--runs", str(runs), "--out", tmp + "-1.pkl"],
                   {"RAYON_NUM_THREADS": "1"})  # fmt: skip
    env = {k: v for k, v in os.environ.items() if k != "RAYON_NUM_THREADS"}
    rayon = json.loads(
        subprocess.run(
            [sys.executable, __file__, "--mode", "local", "--counties", str(n), "--runs", str(runs), "--out",
             tmp + "-2.pkl"], env=env, check=True, capture_output=True, text=True,
        ).stdout.strip().splitlines()[-1]
    )  # fmt: skip
    mem = {r: child(["--mode", "memory", "--runs", str(r)], {"RAYON_NUM_THREADS": "1"}) for r in (runs, 10 * runs)}
    df1, df2 = pd.read_pickle(tmp + "-1.pkl"), pd.read_pickle(tmp + "-2.pkl")

    cs = counties(n)
    rows = []
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, dashboard_address=None, env={"RAYON_NUM_THREADS": "1"}
        ) as cluster,
        Client(cluster) as client,
    ):
        client.submit(_noop, 0).result()  # workers up
        # Overhead per task: 2,000 no-op tasks, submitted and gathered.
        t = time.perf_counter()
        client.gather(client.map(_noop, range(2000), pure=False))
        noop = (time.perf_counter() - t) / 2000
        for chunk in (runs, max(1, runs // 4)):
            cpu0 = sum(client.run(time.process_time).values())
            t = time.perf_counter()
            res = vpd.simulate(client, cs, vp.Scenario.default(), runs=runs, seed=1, chunk_size=chunk, progress=False)
            seconds = time.perf_counter() - t
            cpu = sum(client.run(time.process_time).values()) - cpu0
            tasks = n * (2 + -(-runs // chunk))
            rows.append((chunk, tasks, seconds, cpu, res.frame.equals(df1)))
        rss = client.run(lambda: _rss_mib("VmHWM"))

    c, s = cs["sample 1"], vp.Scenario.default()
    p = vpd._scenario_plan(c, s)
    chunk_sim = vpd._simulate_chunk(p, s, 0, runs, 1)
    sizes = {
        "County": len(pickle.dumps(c)),
        "County JSON": len(c._core.to_json()),
        "Plan": len(pickle.dumps(p)),
        "Scenario": len(pickle.dumps(s)),
        f"Simulation chunk ({runs} runs)": len(pickle.dumps(chunk_sim)),
    }

    cpu = os.cpu_count()
    print(f"## Scale-out on Dask: {n} counties × {runs:,} runs\n")
    print(f"Command: `python benches/distributed.py` (`make bench-dask`), {time.strftime('%Y-%m-%d')}, "
          f"{platform.processor() or platform.machine()}, {cpu} cores shared with other work, Python "
          f"{platform.python_version()}. {n} synthetic counties (`vp.sample_county(1..{n})`, 300 villages each), "
          f"default scenario, {runs:,} runs each; per county one plan, then the runs.\n")  # fmt: skip
    ref, ref_cpu = serial["seconds"], serial["cpu"]
    table = [("local, one county after another, `RAYON_NUM_THREADS=1`", "1 × 1", "–", ref, ref_cpu, "reference")]
    table.append(
        ("local, rayon on both cores", f"1 × {cpu} (rayon)", "–", rayon["seconds"], rayon["cpu"], df2.equals(df1))
    )
    for chunk, tasks, seconds, wcpu, same in rows:
        table.append((f"LocalCluster, chunk_size={chunk}", "2 × 1", str(tasks), seconds, wcpu, same))
    print("| way | workers × threads | tasks | wall s | speed-up (wall) | CPU s | CPU vs one thread | result |")
    print("|---|---|---:|---:|---:|---:|---:|---|")
    for way, workers, tasks_text, seconds, used, same in table:
        result = same if isinstance(same, str) else ("identical" if same else "DIFFERENT")
        print(
            f"| {way} | {workers} | {tasks_text} | {seconds:.2f} | {ref / seconds:.2f}× | {used:.2f} | "
            f"{used / ref_cpu:.2f}× | {result} |"
        )
    print()
    print(
        f"One thread: {1000 * ref_cpu / n:.0f} ms of CPU per county ({1e6 * ref_cpu / n / runs:.0f} µs per run, "
        f"plan included). Dask round trip per task (2,000 no-op tasks, submit to gather): {1000 * noop:.2f} ms wall."
    )
    for chunk, tasks, _, wcpu, _ in rows:
        print(
            f"chunk_size={chunk}: {tasks} tasks; the workers used {wcpu - ref_cpu:+.2f} CPU s more than one "
            f"thread alone: {1000 * (wcpu - ref_cpu) / tasks:+.2f} ms per task (transfer, pickling, scheduling)."
        )
    print()
    for r, m in mem.items():
        print(
            f"Memory of one task (plan + {r:,} runs of a 300-village county, fresh process): peak RSS "
            f"{m['peak']:.0f} MiB; {m['base']:.0f} MiB before the task (Python, numpy, pandas, villageplan, the "
            f"county), so the task itself needs about {m['peak'] - m['base']:.0f} MiB."
        )
    print(f"Each LocalCluster worker peaked at {max(rss.values()):.0f} MiB RSS over the whole benchmark.")
    print("Pickled sizes (bytes): " + ", ".join(f"{k} {v:,}" for k, v in sizes.items()) + ".")
    for f in (tmp + "-1.pkl", tmp + "-2.pkl"):
        os.remove(f)


if __name__ == "__main__":
    main()
