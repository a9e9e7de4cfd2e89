"""`villageplan assess`, run as a user runs it: in a subprocess."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

import villageplan as vp


def run(*args: str, cwd=None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "villageplan", *args], capture_output=True, text=True, cwd=cwd, timeout=120
    )


@pytest.fixture
def files(tmp_path, county, sample_plan):
    sample_plan.save(tmp_path / "plan.json")
    vp.sample_facts(county).to_csv(tmp_path / "facts.csv", index=False)
    return tmp_path


def test_assess_prints_and_writes_the_report(files, county, sample_plan):
    r = run("assess", "plan.json", "--facts", "facts.csv", "--out", "report.csv", cwd=files)
    assert r.returncode == 0, r.stderr
    a = vp.assess(sample_plan, vp.sample_facts(county))
    out = r.stdout
    assert f"Centres: {a.n_centres}; passed {a.passed}, failed {a.failed}" in out
    assert f"Upgrade cost: {a.upgrade_cost:,.0f} yuan" in out
    assert "Per town:" in out and "Chengguan Subdistrict" in out
    for site in a.centres.loc[~a.centres["passed"], "site"]:
        assert f"  {site} (" in out
    report = pd.read_csv(files / "report.csv", keep_default_na=False, na_values=[""])
    assert report["site"].tolist() == a.centres["site"].tolist()
    assert report["passed"].tolist() == a.centres["passed"].tolist()
    pd.testing.assert_series_equal(report["upgrade_cost"], a.centres["upgrade_cost"], check_exact=False)
    assert r.stderr == ""


def test_assess_with_a_standard_and_without_designs(files, county, sample_plan):
    d = vp.Standard.default().to_dict()
    d["min_staff"] = 5
    vp.Standard.from_dict(d).save(files / "standard.json")
    r = run("assess", "plan.json", "--facts", "facts.csv", "--standard", "standard.json", "--no-design", cwd=files)
    assert r.returncode == 0, r.stderr
    a = vp.assess(sample_plan, vp.sample_facts(county), vp.Standard.from_dict(d), as_designed=False)
    assert f"passed {a.passed}, failed {a.failed}" in r.stdout
    assert "0 assessed on their design" in r.stdout
    assert "no_facts" in r.stdout and "staff" in r.stdout


def test_assess_errors_exit_2(files):
    (files / "bad.csv").write_text("site,building_area\nNOPE,300\n")
    r = run("assess", "plan.json", "--facts", "bad.csv", cwd=files)
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.startswith("error: invalid `site` at row 0 (id 'NOPE')") and "check the site ids" in r.stderr
    r = run("assess", "plan.json", "--facts", "missing.csv", cwd=files)
    assert r.returncode == 2 and "missing.csv" in r.stderr and "Traceback" not in r.stderr
    (files / "std.json").write_text('{"format_version": 2}')
    r = run("assess", "plan.json", "--facts", "facts.csv", "--standard", "std.json", cwd=files)
    assert r.returncode == 2 and "error: invalid `format_version`" in r.stderr
    r = run("assess", "plan.json", cwd=files)  # --facts is required
    assert r.returncode == 2 and "--facts" in r.stderr
    r = run("assess", "--help")
    assert r.returncode == 0 and "examples:" in r.stdout and "--standard" in r.stdout
