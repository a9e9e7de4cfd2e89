"""Exceptions raised by villageplan.

The classes are made by the Rust core, so every core error maps to exactly one of them::

    PlanningError(Exception)                       base class: catch this for any planning failure
    ├── InvalidInputError(PlanningError, ValueError)   bad input or parameter; .field .row .id
    └── InfeasibleError(PlanningError)                  the request cannot be met; .achievable

Operating-system failures raise the built-in ``FileNotFoundError``, ``PermissionError`` or
``OSError`` (with ``.filename``), and a cancelled computation raises ``KeyboardInterrupt``.

Every message names the field (column, property or parameter) and, when there is one, the row,
and says what to do.

Examples
--------
>>> import villageplan as vp
>>> county = vp.sample_county()
>>> try:
...     vp.plan(county, radius=-5)
... except vp.InvalidInputError as e:
...     print(e.field, "|", e)
radius | invalid `radius`: service radius must be a positive number of metres, got -5; the usual value is 2000
>>> issubclass(vp.InvalidInputError, ValueError)
True
"""

from __future__ import annotations

from villageplan._core import InfeasibleError, InvalidInputError, PlanningError

__all__ = ["InfeasibleError", "InvalidInputError", "PlanningError"]
