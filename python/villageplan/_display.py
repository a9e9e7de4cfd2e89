"""Compact HTML summaries for Jupyter (``_repr_html_``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from villageplan._county import County
    from villageplan._planning import Plan

_STYLE = "border-collapse:collapse;text-align:left"
_CELL = "padding:2px 10px 2px 0"


def _table(rows: Iterable[tuple[str, str]], caption: str) -> str:
    body = "".join(
        f'<tr><th style="{_CELL}">{escape(k)}</th><td style="{_CELL}">{escape(v)}</td></tr>' for k, v in rows
    )
    return f'<table style="{_STYLE}"><caption style="text-align:left"><b>{escape(caption)}</b></caption>{body}</table>'


def _grid(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    head = "".join(f'<th style="{_CELL}">{escape(h)}</th>' for h in header)
    body = "".join("<tr>" + "".join(f'<td style="{_CELL}">{escape(c)}</td>' for c in r) + "</tr>" for r in rows)
    return f'<table style="{_STYLE}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _pct(share: float) -> str:
    return f"{100.0 * share:.1f}%"


def gap_text(gap: float) -> str:
    """Format a relative optimality gap as a percentage precise enough to tell it from zero."""
    return "0%" if gap == 0 else f"{100.0 * gap:.3f}%"


def objective_text(value: float, kind: str) -> str:
    """Format an objective value or bound in its unit."""
    return f"{value:,.0f} yuan" if kind == "cost" else f"{value:,.2f} centres"


#: How each site status reads in a summary.
STATUS_LABELS = {
    "existing": "existing",
    "new": "new-build pilots",
    "rebuild": "rebuild pilots",
    "no_space": "no-space pilots",
    "none": "at other villages",
}


def _statuses(counts: dict[str, int], keys: Sequence[str]) -> str:
    parts = [f"{counts[k]} {STATUS_LABELS[k]}" for k in keys if counts.get(k)]
    return ", ".join(parts) if parts else "none"


def county_html(county: County) -> str:
    """Summary table of a county."""
    crs = "lon/lat degrees (geographic)" if county.crs == "geographic" else "projected metres (planar)"
    counts = county.site_status_counts
    rows = [
        ("villages", f"{county.n_villages:,}"),
        ("towns", f"{len(county.towns):,}"),
        ("population", f"{county.total_population:,.0f}"),
        ("candidate sites", f"{county.n_sites:,}"),
        ("pilot / special sites", _statuses(counts, ["existing", "new", "rebuild", "no_space"])),
        ("coordinates", crs),
    ]
    return _table(rows, f"County: {county.name}")


def _goal_text(plan: Plan) -> str:
    if plan.budget is not None:
        return f"{plan.goal}, budget {plan.budget:,.0f} yuan"
    return f"{plan.goal}, p = {plan.p}"


def plan_html(plan: Plan) -> str:
    """Summary table of a plan, with coverage per town."""
    core = plan._core
    communities = core.communities_columns()
    sizes = list(communities["n_villages"])
    statuses = list(communities["status"])
    by_status = {s: statuses.count(s) for s in ("existing", "new", "rebuild", "none")}
    size_text = f"mean {sum(sizes) / len(sizes):.1f}, min {min(sizes)}, max {max(sizes)}" if sizes else "-"
    if plan.minutes is not None:
        reach = f"{plan.minutes:,.0f} min along roads"
    elif plan.metric == "network":
        reach = f"{plan.radius:,.0f} m along roads"
    else:
        reach = f"{plan.radius:,.0f} m"
    rows = [
        ("county", f"{plan.county.name} ({plan.county.n_villages:,} villages)"),
        ("radius / target", f"{reach} / {_pct(plan.target)} of {plan.by}"),
        ("centres", f"{plan.n_centres:,} ({_statuses(by_status, ['existing', 'new', 'rebuild', 'none'])})"),
        ("villages per community", size_text),
        ("coverage", f"{_pct(plan.coverage)} of villages, {_pct(plan.population_coverage)} of population"),
        ("cost", f"{plan.cost:,.0f} yuan"),
        ("objective", f"{objective_text(plan.objective, plan.objective_kind)} (minimised {plan.objective_kind})"),
        (
            "solver",
            f"{plan.status}, gap {gap_text(plan.gap)}, lower bound {objective_text(plan.bound, plan.objective_kind)}",
        ),
    ]
    if plan.goal != "target":
        rows[1:2] = [("radius / goal", f"{reach} / {_goal_text(plan)}")]
        d = "min" if plan.minutes is not None else "m"
        unit = {"max_coverage": plan.by, "p_median": d if plan.by == "villages" else f"person-{d}", "p_center": d}
        sense, side = ("maximised", "upper") if plan.goal == "max_coverage" else ("minimised", "lower")
        rows[6:8] = [
            ("objective", f"{plan.objective:,.0f} {unit[plan.goal]} ({sense} {plan.goal})"),
            ("solver", f"{plan.status}, gap {gap_text(plan.gap)}, {side} bound {plan.bound:,.0f}"),
        ]
    unreachable = plan.unreachable
    if len(unreachable):
        counts = unreachable["reason"].value_counts()
        rows.append(
            (
                "unreachable",
                f"{len(unreachable)} village{'' if len(unreachable) == 1 else 's'} ("
                + ", ".join(f"{n} {r.replace('_', ' ')}" for r, n in counts.items())
                + ")",
            )
        )
    towns = core.town_summary_columns()
    town_rows = [
        (
            str(towns["town"][i]),
            f"{int(towns['covered'][i])}/{int(towns['villages'][i])}",
            _pct(float(towns["coverage"][i])),
            _pct(float(towns["population_coverage"][i])),
            str(int(towns["centres"][i])),
        )
        for i in range(len(towns["town"]))
    ]
    per_town = _grid(["town", "covered", "villages %", "population %", "centres"], town_rows)
    return (
        f"<div>{_table(rows, 'Plan')}"
        f"<details><summary>coverage per town ({len(town_rows)} towns)</summary>{per_town}</details></div>"
    )
