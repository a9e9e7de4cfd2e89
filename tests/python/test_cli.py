"""The command line, run as a user runs it: in a subprocess."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

import villageplan as vp
from villageplan import cli


def run(*args: str, cwd=None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "villageplan", *args], capture_output=True, text=True, cwd=cwd, timeout=120
    )


def coverage_of(stdout: str) -> tuple[float, float]:
    m = re.search(r"^Coverage: ([\d.]+)% of villages .*?, ([\d.]+)% of population", stdout, re.M)
    assert m, stdout
    return float(m.group(1)), float(m.group(2))


CSV = """\
id,name,lon,lat,pop,town
a,Ancun,119.000,36.000,1200,T1
b,Beicun,119.010,36.000,800,T1
c,Chencun,119.020,36.005,950,T1
d,Dacun,119.100,36.050,2000,T2
e,Ecun,119.110,36.050,400,T2
f,Fucun,119.300,36.200,650,T2
"""


def test_demo_reaches_60_percent():
    r = run("demo")
    assert r.returncode == 0, r.stderr
    out = r.stdout
    villages, population = coverage_of(out)
    assert villages >= 60.0
    assert 0.0 < population <= 100.0
    assert "300 villages in 12 towns" in out
    assert "28 pilot sites (12 new build, 13 rebuild, 3 no space)" in out
    assert re.search(r"^Centres: \d+ \(\d+ at pilot sites", out, re.M)
    assert re.search(r"^Villages per community: mean [\d.]+, min \d+, max \d+$", out, re.M)
    assert re.search(r"^Total cost: [\d,]+ yuan$", out, re.M)
    assert re.search(r"^Solver: (optimal|feasible|time_limit), gap [\d.]+%", out, re.M)
    assert "Coverage per town:" in out and "Chengguan Subdistrict" in out
    assert r.stderr == ""
    # The printed figures are the plan's figures.
    p = vp.plan(vp.sample_county(), radius=2000, target=0.6)
    assert villages == pytest.approx(100 * p.coverage, abs=0.05)
    assert f"Total cost: {p.cost:,.0f} yuan" in out


def test_demo_rollout_and_acceptance_match_the_api():
    from villageplan.cli import _budget_needed, _schedule_at

    r = run("demo")
    assert r.returncode == 0, r.stderr
    out = r.stdout
    county = vp.sample_county()
    p = vp.plan(county, radius=2000, target=0.6)
    # The 3-year schedule at the speech's 1.0 M yuan a year, and the shortfall it names.
    sched = _schedule_at(p, 1_000_000, 3)
    assert sched.target_year is None
    assert f"not reached in 3 years: short by {sched.shortfall:,.0f} yuan" in out
    # The money that reaches 60% in 3 years does, and 10,000 yuan less a year does not.
    need = _budget_needed(p, 3)
    assert need is not None
    assert _schedule_at(p, need, 3).target_year is not None
    assert _schedule_at(p, need - 10_000, 3).target_year is None
    assert f"takes {need:,.0f} yuan a year" in out
    # Monte Carlo probabilities as the API gives them for the same seed.
    sim = vp.simulate(county, vp.Scenario.default(), runs=1000, seed=1, plan=p)
    assert f"probability of 60.0% by year 3: {sim.probability_of_target(year=3):.0%} with 1,000,000" in out
    # The pilots' acceptance: the pilots that can open, assessed on their facts.
    m = re.search(r"the (\d+) pilots that can open \((\d+) have no space\): (\d+) pass, (\d+) fail", out)
    assert m and (int(m[1]), int(m[2])) == (25, 3)
    assert int(m[3]) + int(m[4]) == 25
    pilots = county.sites[county.sites["status"].isin(["new", "rebuild"])]["id"]
    fixed = vp.plan(county, fixed=list(pilots))
    a = vp.assess(fixed, vp.sample_facts(county), as_designed=False).centres
    assert int(a[a["site"].isin(set(pilots))]["passed"].sum()) == int(m[3])


def test_demo_options():
    r = run("demo", "--seed", "2008", "--radius", "2500", "--target", "0.8")
    assert r.returncode == 0, r.stderr
    assert coverage_of(r.stdout)[0] >= 80.0
    assert "radius 2,500 m, target 80.0% of villages" in r.stdout


def test_plan_writes_geojson_and_json(tmp_path):
    (tmp_path / "villages.csv").write_text(CSV)
    r = run(
        "plan", "villages.csv", "--radius", "2000", "--target", "0.5", "--population-col", "pop",
        "--out", "plan.geojson", "--json", "plan.json", cwd=tmp_path,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert coverage_of(r.stdout)[0] >= 50.0
    assert "6 villages in 2 towns" in r.stdout
    doc = json.loads((tmp_path / "plan.geojson").read_text())
    assert doc["type"] == "FeatureCollection"
    kinds = [f["properties"]["kind"] for f in doc["features"]]
    assert kinds.count("village") == 6
    p = vp.Plan.load(tmp_path / "plan.json")
    assert kinds.count("centre") == p.n_centres
    assert p.coverage >= 0.5 and p.county.n_villages == 6


def test_plan_reads_geojson(tmp_path, sample_plan):
    path = tmp_path / "plan.geojson"
    sample_plan.to_geojson(path)
    # The village features of a plan's GeoJSON make a village file.
    doc = json.loads(path.read_text())
    doc["features"] = [f for f in doc["features"] if f["properties"]["kind"] == "village"]
    (tmp_path / "villages.geojson").write_text(json.dumps(doc))
    r = run("plan", str(tmp_path / "villages.geojson"))
    assert r.returncode == 0, r.stderr
    assert "300 villages in 12 towns" in r.stdout
    assert coverage_of(r.stdout)[0] >= 60.0


def test_bad_column_exits_2_with_a_readable_message(tmp_path):
    (tmp_path / "villages.csv").write_text(CSV)
    r = run("plan", str(tmp_path / "villages.csv"), "--population-col", "people")
    assert r.returncode == 2
    assert r.stdout == ""
    assert r.stderr.startswith("error: ")
    assert "column `people` not found in villages.csv; available columns: id, name, lon, lat, pop, town" in r.stderr
    # On the command line the fix is a flag, not a Python keyword.
    assert "--population-col NAME" in r.stderr and 'population="..."' not in r.stderr
    assert "Traceback" not in r.stderr


def test_bad_values_and_missing_files_exit_2(tmp_path):
    (tmp_path / "villages.csv").write_text(CSV)
    r = run("plan", str(tmp_path / "villages.csv"))  # `pop` is found as the population column
    assert r.returncode == 0, r.stderr
    r = run("plan", str(tmp_path / "villages.csv"), "--target", "1.5")
    assert r.returncode == 2 and "error: invalid `target`" in r.stderr
    r = run("plan", str(tmp_path / "missing.csv"))
    assert r.returncode == 2 and r.stderr.startswith("error: ") and "missing.csv" in r.stderr
    r = run("plan", str(tmp_path / "villages.csv"), "--target", "1.0", "--radius", "100")
    assert r.returncode == 0  # every village may host its own centre
    assert "Traceback" not in r.stderr


def test_infeasible_exits_2(tmp_path):
    text = CSV.replace("pop,town", "pop,town,status").replace("T1\n", "T1,\n").replace("T2\n", "T2,no_space\n")
    (tmp_path / "villages.csv").write_text(text)
    r = run("plan", str(tmp_path / "villages.csv"), "--target", "0.9")
    assert r.returncode == 2
    assert r.stderr.startswith("error: the target of 90.0% cannot be reached")


def test_help_has_examples():
    r = run("--help")
    assert r.returncode == 0 and "demo" in r.stdout and "plan" in r.stdout
    r = run("plan", "--help")
    assert r.returncode == 0
    assert "examples:" in r.stdout and "--population-col" in r.stdout and "metres" in r.stdout
    r = run("demo", "--help")
    assert r.returncode == 0 and "examples:" in r.stdout


def test_usage_errors_exit_2():
    r = run("plan")
    assert r.returncode == 2 and "FILE" in r.stderr
    r = run("demo", "--radius", "far")
    assert r.returncode == 2 and "invalid float value" in r.stderr


def test_version():
    r = run("--version")
    assert r.returncode == 0 and r.stdout.strip() == f"villageplan {vp.__version__}"


def test_main_in_process(capsys):
    assert cli.main(["demo", "--target", "0.5"]) == 0
    out = capsys.readouterr().out
    assert coverage_of(out)[0] >= 50.0
