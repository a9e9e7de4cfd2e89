"""The acceptance check (达标验收): :class:`Standard`, :func:`assess`, :class:`Assessment`, :func:`sample_facts`."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from html import escape
from typing import TYPE_CHECKING, Any

import numpy as np

from villageplan import _core
from villageplan._display import _grid, _table
from villageplan._planning import Plan
from villageplan.exceptions import InvalidInputError

if TYPE_CHECKING:
    import pandas as pd

    from villageplan._county import County

__all__ = ["Assessment", "Standard", "assess", "sample_facts"]

#: Column names tried, in order, for each role of a facts DataFrame (case-insensitive).
FACT_COLUMNS: dict[str, tuple[str, ...]] = {
    "site": ("site", "id", "site_id", "centre"),
    "building_area": ("building_area", "area", "area_m2", "floor_area"),
    "hall_area": ("hall_area", "hall_m2"),
    "rooms": ("rooms",),
    "staff": ("staff", "staff_count"),
}


def _invalid(message: str, field: str | None = None, row: int | None = None) -> InvalidInputError:
    err = InvalidInputError(message)
    err.field = field
    err.row = row
    err.id = None
    return err


class Standard:
    """The acceptance rules for a community service centre.

    The default follows the project's domain notes: a building of at least max(200 m², 30 m² per
    100 households served); a one-stop hall of at least 50 m², a clinic of at least 80 m², a
    police room, a culture room and an office; every member village within the plan's radius of
    its centre; no staffing rule. Hebei's 200 m² per 1,000 persons and a minimum staff count can
    be switched on. A standard is read from and written to JSON (``format_version`` 1); an
    unknown or missing field raises :class:`InvalidInputError` naming it.

    Examples
    --------
    >>> import villageplan as vp
    >>> s = vp.Standard.default()
    >>> d = s.to_dict()
    >>> d["building"]
    {'min_m2': 200.0, 'per_100_households_m2': 30.0, 'per_1000_persons_m2': None}
    >>> d["min_staff"] = 3                        # also check staffing
    >>> strict = vp.Standard.from_dict(d)
    >>> strict == s, vp.Standard.from_json(strict.to_json()) == strict
    (False, True)
    """

    __slots__ = ("_core",)
    __module__ = "villageplan"

    def __init__(self, core: _core.Standard) -> None:
        if not isinstance(core, _core.Standard):
            raise TypeError("Standard(...) wraps an internal object; use vp.Standard.default() or vp.Standard.load")
        self._core = core

    @classmethod
    def default(cls) -> Standard:
        """Return the default standard (also shipped as ``data/standard_default.json``)."""
        return cls(_core.Standard.default())

    @classmethod
    def from_json(cls, text: str) -> Standard:
        """Read a standard from JSON text.

        Raises
        ------
        InvalidInputError
            For another ``format_version``, an unknown or missing field (named in
            ``InvalidInputError.field``) or a value out of range.
        """
        return cls(_core.Standard.from_json(text))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Standard:
        """Build a standard from a dict shaped like :meth:`to_dict` (checked like :meth:`from_json`)."""
        return cls.from_json(json.dumps(dict(data)))

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Standard:
        """Read a standard from a JSON file.

        Raises
        ------
        FileNotFoundError, OSError
            When the file cannot be read.
        InvalidInputError
            As :meth:`from_json`.
        """
        return cls(_core.Standard.load(path))

    def to_json(self) -> str:
        """Return the standard as pretty-printed JSON text."""
        return self._core.to_json()

    def to_dict(self) -> dict[str, Any]:
        """Return the standard as a new dict (edit it and pass it to :meth:`from_dict`)."""
        data: dict[str, Any] = json.loads(self._core.to_json())
        return data

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the standard as JSON to ``path``."""
        self._core.save(path)

    @property
    def name(self) -> str:
        """The standard's name, for reports."""
        return self._core.name

    def __repr__(self) -> str:
        return repr(self._core)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Standard):
            return NotImplemented
        return self._core == other._core

    __hash__ = None  # type: ignore[assignment]


class Assessment:
    """The result of :func:`assess`: every centre of a plan checked against a standard.

    Examples
    --------
    >>> import villageplan as vp
    >>> county = vp.sample_county()
    >>> a = vp.assess(vp.plan(county), vp.sample_facts(county))
    >>> a.passed + a.failed == a.n_centres
    True
    >>> a.centres.columns.tolist()[:6]
    ['community', 'site', 'town', 'status', 'basis', 'households']
    """

    __slots__ = ("_core",)
    __module__ = "villageplan"

    def __init__(self, core: _core.Assessment) -> None:
        if not isinstance(core, _core.Assessment):
            raise TypeError("Assessment(...) wraps an internal object; make one with vp.assess(plan, facts)")
        self._core = core

    @property
    def passed(self) -> int:
        """Number of centres that meet every rule."""
        return self._core.passed

    @property
    def failed(self) -> int:
        """Number of centres that fail a rule, including those without facts."""
        return self._core.failed

    @property
    def n_centres(self) -> int:
        """Number of centres assessed (the plan's centres)."""
        return self._core.n_centres

    @property
    def upgrade_cost(self) -> float:
        """Total cost in yuan of upgrading the failing centres whose cost is known."""
        return self._core.upgrade_cost

    @property
    def unused_facts(self) -> list[str]:
        """Site ids that have facts but are not centres of the plan (their facts are not used)."""
        return self._core.unused_facts

    @property
    def standard(self) -> Standard:
        """The standard applied."""
        return Standard(self._core.standard)

    @property
    def as_designed(self) -> bool:
        """Whether new builds without facts were assessed on their design."""
        return self._core.as_designed

    @property
    def centres(self) -> pd.DataFrame:
        """One row per centre of the plan, as a new DataFrame.

        Columns: ``community``, ``site``, ``town``, ``status`` (before the plan), ``basis``
        (``"facts"``, ``"design"`` or ``"none"``), ``households``, ``population``,
        ``required_area`` (m²), ``building_area`` (m²; NaN without facts), ``passed`` (bool),
        ``codes`` (comma-separated reason codes: ``no_facts``, ``area_short``,
        ``room_missing``, ``room_small``, ``room_area_unknown``, ``radius_exceeded``,
        ``staff_short``, ``staff_unknown``), ``reasons`` (the reasons in words, ``;``-separated),
        ``new_area`` and ``renovated_area`` (m²), ``upgrade_cost`` (yuan; NaN without facts).
        """
        import pandas as pd

        return pd.DataFrame(dict(self._core.centres_columns()))

    @property
    def towns(self) -> pd.DataFrame:
        """One row per town, as a new DataFrame.

        Columns: ``town``, ``centres``, ``passed``, ``failed``, ``as_designed`` (assessed on
        their design), ``no_facts``, ``upgrade_cost`` (yuan, centres with a known cost).
        """
        import pandas as pd

        return pd.DataFrame(dict(self._core.towns_columns()))

    def to_json(self) -> str:
        """Return the assessment (with the standard applied) as JSON text."""
        return self._core.to_json()

    def __repr__(self) -> str:
        return repr(self._core)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Assessment):
            return NotImplemented
        return self._core == other._core

    __hash__ = None  # type: ignore[assignment]

    def _repr_html_(self) -> str:
        return assessment_html(self)


def assessment_html(a: Assessment) -> str:
    """Summary of an assessment: totals, a table per town and the failing centres."""
    c = a._core.centres_columns()
    bases = list(c["basis"])
    rows = [
        ("standard", a.standard.name),
        ("centres", f"{a.n_centres:,}"),
        ("passed", f"{a.passed:,}"),
        ("failed", f"{a.failed:,} ({bases.count('none')} without facts)"),
        ("assessed on design", f"{bases.count('design'):,}" if a.as_designed else "off"),
        ("upgrade cost", f"{a.upgrade_cost:,.0f} yuan"),
    ]
    t = a._core.towns_columns()
    town_rows = [
        (
            str(t["town"][i]),
            str(int(t["centres"][i])),
            str(int(t["passed"][i])),
            str(int(t["failed"][i])),
            f"{float(t['upgrade_cost'][i]):,.0f}",
        )
        for i in range(len(t["town"]))
        if int(t["centres"][i]) > 0
    ]
    failing = [
        (str(c["site"][i]), str(c["town"][i]), str(c["reasons"][i]))
        for i in range(len(c["site"]))
        if not bool(c["passed"][i])
    ]
    return (
        f"<div>{_table(rows, 'Assessment')}"
        f"<details><summary>per town ({len(town_rows)} towns with centres)</summary>"
        f"{_grid(['town', 'centres', 'passed', 'failed', 'upgrade yuan'], town_rows)}</details>"
        f"<details><summary>failing centres ({escape(str(len(failing)))})</summary>"
        f"{_grid(['site', 'town', 'reasons'], failing)}</details></div>"
    )


def _find(df: pd.DataFrame, role: str) -> str | None:
    lower = {str(col).strip().lower(): col for col in reversed(list(df.columns))}
    for name in FACT_COLUMNS[role]:
        if name in lower:
            return str(lower[name])
    return None


def _require(df: pd.DataFrame, role: str) -> str:
    name = _find(df, role)
    if name is None:
        raise _invalid(
            f"no `{role}` column in the facts DataFrame (looked for {', '.join(FACT_COLUMNS[role])}); "
            f"available columns: {', '.join(str(col) for col in df.columns)}. Rename the column",
            field=role,
        )
    return name


def _rooms_text(value: Any, row: int) -> str:
    """One rooms cell as the text the core reads: ``name`` or ``name:area``, comma-separated."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        return ",".join(str(k) if v is None else f"{k}:{v}" for k, v in value.items())
    if isinstance(value, (list, tuple, set, frozenset, np.ndarray)):
        items = sorted(value) if isinstance(value, (set, frozenset)) else list(value)
        return ",".join(str(v) for v in items)
    raise _invalid(
        f"invalid `rooms` at row {row}: expected text such as 'hall:60,clinic:80,police', a list of room names "
        f"or a dict of name to area, got {type(value).__name__}",
        field="rooms",
        row=row,
    )


def _facts_from_dataframe(df: pd.DataFrame) -> _core.Facts:
    from villageplan.frames import _numeric, _text

    site = _require(df, "site")
    area = _require(df, "building_area")
    hall = _find(df, "hall_area")
    rooms = _find(df, "rooms")
    staff = _find(df, "staff")
    return _core.Facts.from_columns(
        _text(df, site, "site"),
        _numeric(df, area, "building_area"),
        hall_area=None if hall is None else _numeric(df, hall, "hall_area"),
        rooms=None if rooms is None else [_rooms_text(v, i) for i, v in enumerate(df[rooms].tolist())],
        staff=None if staff is None else _numeric(df, staff, "staff"),
    )


def _core_facts(facts: Any) -> _core.Facts:
    import pandas as pd

    if isinstance(facts, _core.Facts):
        return facts
    if isinstance(facts, pd.DataFrame):
        return _facts_from_dataframe(facts)
    if isinstance(facts, (str, os.PathLike)):
        return _core.Facts.load(facts)
    raise TypeError(
        f"facts must be a pandas DataFrame or the path of a CSV or JSON file, got {type(facts).__name__}; "
        "for the sample county use vp.sample_facts(county)"
    )


def _core_standard(standard: Any) -> _core.Standard | None:
    if standard is None:
        return None
    if isinstance(standard, Standard):
        return standard._core
    if isinstance(standard, (str, os.PathLike)):
        return _core.Standard.load(standard)
    raise TypeError(f"standard must be a vp.Standard, the path of a JSON file or None, got {type(standard).__name__}")


def assess(
    plan: Plan,
    facts: pd.DataFrame | str | os.PathLike[str],
    standard: Standard | str | os.PathLike[str] | None = None,
    *,
    as_designed: bool = True,
    cost_new: float = 1600.0,
    cost_renovate: float = 600.0,
) -> Assessment:
    """Check every centre of a plan against an acceptance standard and cost the upgrades.

    For each centre the community's households H and persons P give the required building area,
    max(200 m², 30 m² per 100 households) by default. The centre fails with one reason per
    broken rule: ``area_short``; ``room_missing``, ``room_small`` or ``room_area_unknown`` for
    each required room; ``radius_exceeded`` when a member village lies beyond the radius;
    ``staff_short`` or ``staff_unknown`` when the standard sets a staff minimum; ``no_facts``
    when nothing is known about it. A centre the plan builds new (site status ``new`` or
    ``none``) without facts is assessed on its design when ``as_designed``: its planned floor
    area (status ``new``) or else exactly the required area, with every required room.

    The upgrade cost builds max(area shortfall, room shortfall) m² new at ``cost_new`` — the
    extension houses the missing rooms, unless they need more — and renovates undersized rooms
    at ``cost_renovate``. Radius and staffing failures cost nothing to build (re-plan or hire).

    Parameters
    ----------
    plan : Plan
        The plan whose centres are checked.
    facts : DataFrame or str or os.PathLike
        What stands at the centres, one row per centre: a DataFrame with columns ``site`` (or
        ``id``; the county's site id), ``building_area`` (or ``area``, m²), and optionally
        ``hall_area`` (m²; 0 means no hall), ``rooms`` (text such as
        ``"hall:60,clinic:90,police"``, a list of names or a dict of name to area) and ``staff``;
        or the path of a CSV file with those columns or of a facts JSON file. The DataFrame is
        not modified.
    standard : Standard or str or os.PathLike, optional
        The rules, or the path of a standard JSON file; the default is
        :meth:`Standard.default`.
    as_designed : bool, default True
        Assess new builds without facts on their design instead of failing them with
        ``no_facts``.
    cost_new : float, default 1600.0
        New-build cost, yuan per m².
    cost_renovate : float, default 600.0
        Renovation cost, yuan per m².

    Returns
    -------
    Assessment
        Per centre pass/fail, reasons and upgrade cost (:attr:`Assessment.centres`), and a
        summary per town (:attr:`Assessment.towns`).

    Raises
    ------
    InvalidInputError
        For facts of a site id the plan's county does not have (``field == "site"``, with the
        row and id: check the site ids), a missing site or area column, a bad cell, or a bad
        standard or cost rate.

    Examples
    --------
    >>> import villageplan as vp
    >>> county = vp.sample_county()
    >>> facts = vp.sample_facts(county)           # the 28 pilots' survey
    >>> a = vp.assess(vp.plan(county, target=0.6), facts)
    >>> sorted(set(a.centres["basis"]))
    ['design', 'facts']
    >>> a.towns.columns.tolist()
    ['town', 'centres', 'passed', 'failed', 'as_designed', 'no_facts', 'upgrade_cost']
    """
    if not isinstance(plan, Plan):
        raise TypeError(f"plan must be a vp.Plan, got {type(plan).__name__}")
    return Assessment(
        _core.assess(
            plan._core,
            _core_facts(facts),
            _core_standard(standard),
            as_designed,
            float(cost_new),
            float(cost_renovate),
        )
    )


def sample_facts(county: County, seed: int = 2008) -> pd.DataFrame:
    """Return seeded survey facts for the pilot sites of a county, as a new DataFrame.

    One row per pilot site (status other than ``none``; the sample county has 28), drawn from
    their own random stream so the county itself never changes: the building starts from the
    site's floor area, extended to what its 2 km catchment needs for about half of the pilots
    that can open; a quarter stay short of it; the rest miss a room or have a small hall or
    clinic. With every pilot that can open made a centre, about half pass the default standard.

    Parameters
    ----------
    county : County
        Usually :func:`sample_county`; any county works, only its pilot sites get facts.
    seed : int, default 2008
        Seed of the facts (the sample county's own seed is a natural choice).

    Returns
    -------
    pandas.DataFrame
        Columns ``site``, ``building_area`` (m²), ``hall_area`` (m²), ``rooms``
        (``"clinic:95,culture:61,office:33,police:22"``), ``staff``; ready for :func:`assess`.

    Examples
    --------
    >>> import villageplan as vp
    >>> facts = vp.sample_facts(vp.sample_county())
    >>> len(facts), facts.columns.tolist()
    (28, ['site', 'building_area', 'hall_area', 'rooms', 'staff'])
    """
    import pandas as pd

    from villageplan._county import County

    if not isinstance(county, County):
        raise TypeError(f"county must be a vp.County, got {type(county).__name__}")
    return pd.DataFrame(dict(_core.sample_facts(county._core, seed).columns()))
