"""Tasks' cards in an email, as HTML (``item_card``, every value escaped; the lists of them are
``Markup``) and as plain text (``item_block``): the one place either is written. Templates list
them a group at a time (``entry_cards``, ``item_cards`` and their text twins), each call giving
the cards a line apart.

A sweep writes one card per task it tells about (10^4 and more), so cards are built here with
string formatting instead of a Jinja macro call each (see bench/bench_sweep.py). The HTML
follows the templates' rule: every value inserted is escaped (``markupsafe.escape``); only the
fixed markup written here is not.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from markupsafe import Markup, escape

from notifications import contexts as c
from notifications.wording import (
    deadline_label,
    kind_label,
    plan_ref,
    role_label,
    time_left,
    vn_date,
)

_BORDER = "border:1px solid #d0d7de;border-left:4px solid {};border-radius:6px;padding:10px 12px"
_LINK_STYLE = (
    "display:inline-block;margin:4px 6px 0 0;padding:6px 10px;border:1px solid #2f6fb3;"
    "border-radius:4px;color:#2f6fb3;text-decoration:none"
)
_GREY = '  <div style="font-size:13px;color:#555">'
_RED = ' style="color:#b00020"'
NO_PREVIOUS_SENDS = "Chưa có lần nhắc, thông báo nào được gửi thành công trước đó."


def entry_cards(entries: Iterable[c.DigestEntry]) -> Markup:
    """A digest group's cards, numbered from 1, a line between them."""
    return Markup("\n".join(item_card(e.item, n, entry=e) for n, e in enumerate(entries, 1)))


def item_cards(items: Iterable[c.TaskItem], show_plan: bool = True) -> Markup:
    """A list's cards, numbered from 1, a line between them."""
    return Markup("\n".join(item_card(i, n, show_plan) for n, i in enumerate(items, 1)))


def entry_blocks(entries: Iterable[c.DigestEntry]) -> str:
    """``entry_cards`` in plain text."""
    return "\n".join(item_block(e.item, n, entry=e) for n, e in enumerate(entries, 1))


def item_blocks(items: Iterable[c.TaskItem], show_plan: bool = True) -> str:
    """``item_cards`` in plain text."""
    return "\n".join(item_block(i, n, show_plan) for n, i in enumerate(items, 1))


def item_card(
    item: c.TaskItem, number: int, show_plan: bool = True, entry: c.DigestEntry | None = None
) -> str:
    """Tasks are cards in one column: readable at 390 px as at 1200 px, no table to scroll.
    The card's HTML, every value in it escaped (the callers mark the cards ``Markup``)."""
    colour = "#b00020" if item.is_overdue else ("#e08a00" if item.days_left == 0 else "#2f6fb3")
    html = f"{_card_head(colour)}{number}. {escape(item.text)}</div>\n{_facts(item, show_plan)[0]}"
    if entry:
        html += _html_notice(entry.notice, entry.owner_name)
        if entry.supervised:
            html += f"\n{_GREY}{_html_sends(entry.previous_sends)}</div>"
    if item.links:
        anchors = "".join(
            f'\n    <a href="{escape(link.url)}{_link_end(link.label)}' for link in item.links
        )
        html += f'\n  <div style="margin-top:6px">{anchors}\n  </div>'
    return f"{html}\n</div>\n"


def item_block(
    item: c.TaskItem, number: int, show_plan: bool = True, entry: c.DigestEntry | None = None
) -> str:
    """The plain-text card: the task, then its facts one per line."""
    lines = [f"{number}. {item.text}", _facts(item, show_plan)[1]]
    if entry:
        owner = f"; cơ quan chủ trì: {entry.owner_name}" if entry.owner_name else ""
        lines.append(f"   - {entry.notice}{owner}")
        if entry.supervised and entry.previous_sends:
            lines.append("   - Các lần đã nhắc, thông báo:")
            lines += [
                f"     - Ngày {vn_date(s.sent_on)}: {s.description}, gửi {s.to_name}"
                for s in entry.previous_sends
            ]
        elif entry.supervised:
            lines.append(f"   - {NO_PREVIOUS_SENDS}")
    lines += [f"   - {link.label}: {link.url}" for link in item.links]
    lines.append("")
    return "\n".join(lines)


@lru_cache(maxsize=8)  # three colours
def _card_head(colour: str) -> str:
    """A card's opening, up to its number: the border in ``colour``, the bold task line."""
    border = _BORDER.format(colour)
    return f'<div style="{border};margin:0 0 12px">\n  <div style="font-weight:bold">'


@lru_cache(maxsize=4096)  # thousands of entries, a few notices and owners
def _html_notice(notice: str, owner: str | None) -> str:
    """An entry's line saying why it is there (and whose task it is, when another body's)."""
    owner_html = f" — cơ quan chủ trì: <strong>{escape(owner)}</strong>" if owner else ""
    return f'\n  <div style="font-size:13px">{escape(notice)}{owner_html}</div>'


@lru_cache(maxsize=64)  # thousands of links, a few labels ("Xác nhận đã nhận"…)
def _link_end(label: str) -> str:
    """A link's anchor after its URL: the style, the label, the closing tag."""
    return f'" style="{_LINK_STYLE}">{escape(label)}</a>'


_FACTS: dict[tuple, tuple[str, str]] = {}
_FACTS_KEPT = 4096


def _facts(item: c.TaskItem, show_plan: bool) -> tuple[str, str]:
    """A card's facts (kind and role, plan, deadline and time left, status) as HTML and as
    text lines. Thousands of cards share a few, so each is written once and kept (all are
    forgotten past ``_FACTS_KEPT``); the key is every field they show."""
    key = (
        show_plan,
        item.kind,
        item.lead_name,
        item.role,
        item.plan_number,
        item.plan_title,
        item.deadline,
        item.days_left,
        item.deadline_note,
        item.deadline_inferred,
        item.status_label,
    )
    found = _FACTS.get(key)
    if found is None:
        if len(_FACTS) >= _FACTS_KEPT:
            _FACTS.clear()
        found = _FACTS[key] = (_html_facts(item, show_plan), _text_facts(item, show_plan))
    return found


def _html_facts(item: c.TaskItem, show_plan: bool) -> str:
    who = f"Chủ trì: {item.lead_name}" if item.lead_name else role_label(item.role)
    lines = [f"{_GREY}{escape(kind_label(item.kind))} · {escape(who)}</div>"]
    if show_plan:
        lines.append(f"{_GREY}{escape(plan_ref(item))}</div>")
    notes = f" ({escape(item.deadline_note)})" if item.deadline_note else ""
    if item.deadline_inferred:
        notes += f' <em style="color:#8a5a00">({escape(c.INFERRED_DEADLINE_NOTE)})</em>'
    lines.append(
        f"  <div>Thời hạn: <strong>{escape(deadline_label(item))}</strong>{notes}"
        f" — <span{_RED if item.is_overdue else ''}>{escape(time_left(item))}</span></div>"
    )
    lines.append(f"  <div>Tình trạng: {escape(item.status_label)}</div>")
    return "\n".join(lines)


def _text_facts(item: c.TaskItem, show_plan: bool) -> str:
    lines = [f"   - {plan_ref(item)}"] if show_plan else []
    who = f"chủ trì: {item.lead_name}" if item.lead_name else f"vai trò: {role_label(item.role)}"
    lines.append(f"   - Loại: {kind_label(item.kind)}; {who}")
    notes = f" ({item.deadline_note})" if item.deadline_note else ""
    if item.deadline_inferred:
        notes += f" ({c.INFERRED_DEADLINE_NOTE})"
    lines.append(f"   - Thời hạn: {deadline_label(item)}{notes} ({time_left(item)})")
    lines.append(f"   - Tình trạng: {item.status_label}")
    return "\n".join(lines)


def _html_sends(sends: tuple[c.PreviousSend, ...]) -> str:
    if not sends:
        return NO_PREVIOUS_SENDS
    told = ";".join(
        f" ngày {vn_date(s.sent_on)}: {escape(s.description)}, gửi {escape(s.to_name)}"
        for s in sends
    )
    return f"Đã nhắc, thông báo:{told}."
