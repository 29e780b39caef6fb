"""A plan as Markdown (`kehoach extract --to md`): the header, then each field as a list.

Section titles are the display labels (``labels.py``), so the page reads like the report.
``render_plan`` gives either output of ``kehoach extract``: this page or the gold-format JSON.
"""

from __future__ import annotations

import json

from pipeline.analysis.labels import display_labels
from schemas import PlanDocument

_HEADER_FIELDS = ("doc_type", "number", "issuer", "province", "place", "issue_date")


def _field(labels: dict[str, str], name: str) -> str:
    return labels.get(name, name.replace("_", " ").capitalize())


def _lines(plan: PlanDocument, labels: dict[str, str]) -> dict[str, list[str]]:
    """Each list field of the plan as Markdown list lines, empty fields left out."""
    deadlines = [
        f"{d.text}" + (f" ({d.date})" if d.date else "") + (f": {d.action}" if d.action else "")
        for d in plan.deadlines
    ]
    assignments = [
        f"**{a.agency}** ({labels.get(a.role, a.role)}): {task}"
        for a in plan.assignments
        for task in (a.tasks or ("—",))
    ]
    fields = {
        "legal_basis": [b.ref for b in plan.legal_basis],
        "purposes": list(plan.purposes),
        "requirements": list(plan.requirements),
        "criteria": [f"{g.target}: {item}" for g in plan.criteria for item in g.items],
        "awards": [a.form + (f" — {a.grantor}" if a.grantor else "") for a in plan.awards],
        "deadlines": deadlines,
        "assignments": assignments,
        "targets": [t.text for t in plan.targets],
        "recipients": list(plan.recipients),
    }
    return {name: items for name, items in fields.items() if items}


def plan_markdown(plan: PlanDocument, source: str | None = None) -> str:
    """The plan as one Markdown page, ``source`` (the file) named under the title."""
    labels = display_labels()
    doc = plan.doc
    out = [f"# {doc.title or source or 'Văn bản'}", ""]
    if source:
        out += [f"Nguồn: `{source}`", ""]
    header = [(name, getattr(doc, name)) for name in _HEADER_FIELDS if getattr(doc, name)]
    if doc.signer.name:
        header.append(("signer", f"{doc.signer.title or ''} {doc.signer.name}".strip()))
    if header:
        out += ["| | |", "|---|---|"]
        out += [f"| {_field(labels, name)} | {value} |" for name, value in header]
        out.append("")
    for name, items in _lines(plan, labels).items():
        out += [f"## {_field(labels, name)}", ""]
        out += [f"- {item}" for item in items]
        out.append("")
    return "\n".join(out)


def render_plan(plan: PlanDocument, to: str, source: str | None = None) -> str:
    """The plan as ``kehoach extract`` writes it: "md" this module's page, else its JSON (the
    gold format plus provenance)."""
    if to == "md":
        return plan_markdown(plan, source)
    return json.dumps(plan.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"
