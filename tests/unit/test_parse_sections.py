"""The section tree: keys stay unique when numbering repeats, however often it repeats."""

from __future__ import annotations

from workflows.parsing.normalize import normalize
from workflows.parsing.sections import build_items


def _keys(text: str) -> list[str]:
    _, tree = build_items(normalize(text).paragraphs)
    return [n.key for n in tree.order]


def test_repeated_appendix_titles_get_one_more_prime_each_time() -> None:
    text = "\n\n".join(["PHỤ LỤC", "a) Nội dung.", "PHỤ LỤC", "a) Nội dung.", "PHỤ LỤC"])
    assert _keys(text) == ["PL", "PL.a", "PL'", "PL'.a", "PL''"]


def test_a_repeated_number_is_renumbered_after_the_last_sibling() -> None:
    text = "\n\n".join(["I. Nội dung", "1. Một", "2. Hai", "1. Ba", "1. Bốn"])
    assert _keys(text) == ["I", "I.1", "I.2", "I.3", "I.4"]
