"""Write docs/api.md, the API reference, from the docstrings of the public API.

Run ``python docs/gen_api.py`` after changing a public docstring or signature (``make docs``
does); a test checks that the committed file is up to date.
"""

from __future__ import annotations

import inspect
import sys
from pathlib import Path
from typing import Any

import villageplan as vp

OUT = Path(__file__).resolve().parent / "api.md"

#: Sections: (title, module, names). Names default to the module's ``__all__``.
SECTIONS: list[tuple[str, Any, list[str] | None]] = [
    ("Counties", vp, ["County", "sample_county", "read_csv", "read_geojson"]),
    ("Planning", vp, ["plan", "max_coverage", "p_median", "p_center", "Plan"]),
    ("Roll-out and scenarios", vp,
     ["Budget", "CostModel", "Scenario", "Schedule", "Simulation", "simulate", "sweep", "cost_curve",
      "cheapest_plans"]),
    ("Acceptance", vp, ["Standard", "Assessment", "assess", "sample_facts"]),
    ("Maps (villageplan.maps)", vp.maps, ["plan_map", "lonlat"]),
    ("Charts (villageplan.plot)", vp.plot, None),
    ("Cost-matrix solvers (villageplan.solve)", vp.solve, ["max_coverage", "set_cover", "p_median", "p_center"]),
    ("Errors", vp, ["PlanningError", "InvalidInputError", "InfeasibleError"]),
]  # fmt: skip


def _signature(obj: Any) -> str:
    try:
        return str(inspect.signature(obj))
    except (TypeError, ValueError):
        return "(...)"


def _doc(obj: Any) -> str:
    return inspect.getdoc(obj) or ""


def _block(text: str) -> str:
    """Render a docstring as Markdown: NumPy sections become bold headings, the rest is kept verbatim."""
    lines = text.splitlines()
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        underline = lines[i + 1] if i + 1 < len(lines) else ""
        if line.strip() and underline.strip() and set(underline.strip()) == {"-"}:
            out += ["", f"**{line.strip()}**", ""]
            i += 2
            continue
        if line.startswith(">>>") or line.startswith("..."):
            block = []
            while i < len(lines) and lines[i].strip():
                block.append(lines[i])
                i += 1
            out += ["```python", *block, "```"]
            continue
        out.append(line)
        i += 1
    return "\n".join(out).strip()


def _member_doc(cls: type, name: str, member: Any) -> str | None:
    if isinstance(member, property):
        return f"#### `{cls.__name__}.{name}` (property)\n\n{_block(_doc(member))}"
    if isinstance(member, (classmethod, staticmethod)):
        fn = member.__func__
        return f"#### `{cls.__name__}.{name}{_signature(fn)}`\n\n{_block(_doc(fn))}"
    if inspect.isfunction(member):
        return f"#### `{cls.__name__}.{name}{_signature(member)}`\n\n{_block(_doc(member))}"
    return None


def _entry(qualname: str, obj: Any) -> str:
    if inspect.isclass(obj):
        parts = [f"### class `{qualname}`", "", _block(_doc(obj))]
        if not issubclass(obj, BaseException):
            for name, member in vars(obj).items():
                if name.startswith("_"):
                    continue
                doc = _member_doc(obj, name, member)
                if doc:
                    parts += ["", doc]
        return "\n".join(parts)
    return f"### `{qualname}{_signature(obj)}`\n\n{_block(_doc(obj))}"


def render() -> str:
    """Return the text of api.md."""
    parts = [
        "# villageplan API reference",
        "",
        f"Generated from the docstrings of villageplan {vp.__version__} by `python docs/gen_api.py`; "
        "do not edit by hand. The user guide is [guide.md](guide.md).",
    ]
    for title, module, names in SECTIONS:
        prefix = "vp" if module is vp else module.__name__
        parts += ["", f"## {title}", ""]
        for name in names if names is not None else module.__all__:
            parts += [_entry(f"{prefix}.{name}", getattr(module, name)), ""]
    return "\n".join(parts).rstrip() + "\n"


def main() -> int:
    """Write api.md (or, with ``--check``, fail when it is out of date)."""
    text = render()
    if "--check" in sys.argv[1:]:
        if OUT.read_text(encoding="utf-8") != text:
            print(f"{OUT} is out of date; run python docs/gen_api.py", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
