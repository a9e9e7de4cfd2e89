"""The roll-out subcommands, run as a user runs them: in a subprocess."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pandas as pd

import villageplan as vp


def run(*args: str, cwd=None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "villageplan", *args], capture_output=True, text=True, cwd=cwd, timeout=300
    )


def test_schedule_prints_years_sources_and_shortfall():
    r = run("schedule")
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert "Schedule: target 60.0% of villages, 3 years" in out
    assert re.search(r"^  3 +\d+ +\d+ +[\d,]+ +[\d,]+ +[\d,]+ +[\d.]+% +[\d.]+%$", out, re.M)
    assert "government" in out and "partners" in out
    m = re.search(r"shortfall ([\d,]+) yuan", out)
    assert m, out
    p = vp.plan(vp.sample_county(), budget=vp.Budget.yearly(1e6))
    assert int(m.group(1).replace(",", "")) == round(p.schedule.shortfall)


def test_schedule_with_budget_and_json(tmp_path):
    path = tmp_path / "schedule.json"
    r = run("schedule", "--budget", "40000000", "--years", "2", "--no-carry-over", "--json", str(path))
    assert r.returncode == 0, r.stderr
    assert "Target reached in year" in r.stdout
    data = json.loads(path.read_text())
    assert data["carry_over"] is False and len(data["years"]) == 3


def test_scenario_file_round_trip_and_simulate(tmp_path):
    path = tmp_path / "scenario.json"
    assert run("scenario", "--out", str(path)).returncode == 0
    assert vp.Scenario.load(path) == vp.Scenario.default()
    data = json.loads(path.read_text())
    data["budget"]["years"] = [{"government": 8e6}] * 3
    path.write_text(json.dumps(data))
    out_csv = tmp_path / "runs.csv"
    r = run("simulate", "--runs", "200", "--mc-seed", "5", "--scenario", str(path), "--out", str(out_csv))
    assert r.returncode == 0, r.stderr
    assert "Simulation: 200 runs, seed 5" in r.stdout
    runs = pd.read_csv(out_csv)
    assert len(runs) == 200 * 4
    expected = vp.simulate(vp.sample_county(), vp.Scenario.load(path), runs=200, seed=5).runs
    assert runs["coverage"].tolist() == expected["coverage"].tolist()


def test_sweep_writes_csv(tmp_path):
    out = tmp_path / "sweep.csv"
    r = run("sweep", "--radius", "1500", "2000", "--target", "0.5", "--budget", "1e6", "3e7", "--out", str(out))
    assert r.returncode == 0, r.stderr
    df = pd.read_csv(out)
    assert len(df) == 4
    assert df["radius"].tolist() == [1500, 1500, 2000, 2000]


def test_errors_exit_2(tmp_path):
    r = run("schedule", "--years", "2")
    assert r.returncode == 2 and "error: invalid `years`" in r.stderr
    bad = tmp_path / "bad.json"
    bad.write_text('{"format_version": 9}')
    r = run("simulate", "--scenario", str(bad))
    assert r.returncode == 2 and "format version 9" in r.stderr
    r = run("schedule", "--scenario", str(tmp_path / "missing.json"))
    assert r.returncode == 2 and "missing.json" in r.stderr
