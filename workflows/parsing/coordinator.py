"""The plan's coordinator: its standing body ("là cơ quan thường trực", "(cơ quan chủ trì)",
"đầu mối"), else the lead of the duty to follow the plan up, else the body reports go through.
"""

from __future__ import annotations

import re

from workflows.parsing.bodies import leading_body, split_names
from workflows.parsing.plan_tasks import VIA, BodyNames, via_names
from workflows.parsing.result import ExtractedPlan
from workflows.parsing.sections import Item

_COORDINATING = (
    re.compile(
        r"theo dõi,?\s*(?:đôn đốc[^;]{0,60}?)?(?:việc\s+)?(?:tổ chức\s+)?(?:triển khai\s+)?"
        r"thực hiện\s+(?:các nhiệm vụ của\s+)?kế hoạch",
        re.I,
    ),
    re.compile(r"^chủ trì[^;.]{0,40}triển khai thực hiện kế hoạch này", re.I),
    re.compile(r"đôn đốc[^;.]{0,80}triển khai thực hiện kế hoạch này", re.I),
)


_STANDING = re.compile(r"^[-•]?\s*Là (?:cơ quan thường trực|đầu mối)")
_STANDING_INLINE = re.compile(r":\s*Là (?:cơ quan thường trực|đầu mối)")
_MARKED = re.compile(r"^(.{3,120}?)\s*(?:-\s*|\()\s*[Cc]ơ quan (?:thường trực|chủ trì)")


def coordinator_of(plan: ExtractedPlan, items: list[Item], bodies: BodyNames) -> str | None:
    """The standing body: "là cơ quan thường trực", "(cơ quan chủ trì)", "đầu mối", "qua X"."""
    for item in items:
        text = item.para.text
        if not re.search(r"ơ quan thường trực|ơ quan chủ trì|đầu mối", text):
            continue
        match = _MARKED.search(item.text)
        if match and leading_body(match.group(1)):
            return bodies.name(split_names(match.group(1))[0])
        if _STANDING.match(item.text) or _STANDING_INLINE.search(text):
            for task in plan.tasks:
                if task.line == item.line and task.lead:
                    return task.lead
    for pattern in _COORDINATING:
        for task in plan.tasks:
            if task.lead and pattern.search(task.text):
                return task.lead
    vias: dict[str, int] = {}
    for item in items:
        for m in VIA.finditer(item.para.text):
            names = via_names(m)
            if names:
                vias[names[0]] = vias.get(names[0], 0) + 1
    if vias:
        return bodies.name(max(vias, key=lambda n: vias[n]))
    return None
