"""Shared fixtures: the sample county, its default plan and small hand-made inputs."""

from __future__ import annotations

import pandas as pd
import pytest

import villageplan as vp


@pytest.fixture(scope="session")
def county() -> vp.County:
    return vp.sample_county()


@pytest.fixture(scope="session")
def sample_plan(county: vp.County) -> vp.Plan:
    return vp.plan(county, radius=2000, target=0.6)


@pytest.fixture
def villages_df() -> pd.DataFrame:
    """Five villages in two towns, about 1 km apart, lon/lat degrees."""
    return pd.DataFrame(
        {
            "id": ["a", "b", "c", "d", "e"],
            "name": ["Ancun", "Beicun", "Chencun", "Dacun", "Ecun"],
            "lon": [119.000, 119.010, 119.020, 119.100, 119.110],
            "lat": [36.000, 36.000, 36.005, 36.050, 36.050],
            "population": [1200.0, 800.0, 950.0, 2000.0, 400.0],
            "town": ["T1", "T1", "T1", "T2", "T2"],
        }
    )
