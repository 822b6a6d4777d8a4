"""The section tree: keys stay unique when numbering repeats, however often it repeats."""

from __future__ import annotations

from workflows.parsing.normalize import normalize
from workflows.parsing.sections import build_items, label_of


def _keys(text: str) -> list[str]:
    _, tree = build_items(normalize(text).paragraphs)
    return [n.key for n in tree.order]


def test_repeated_appendix_titles_get_one_more_prime_each_time() -> None:
    text = "\n\n".join(["PHỤ LỤC", "a) Nội dung.", "PHỤ LỤC", "a) Nội dung.", "PHỤ LỤC"])
    assert _keys(text) == ["PL", "PL.a", "PL'", "PL'.a", "PL''"]


def test_a_repeated_number_is_renumbered_after_the_last_sibling() -> None:
    text = "\n\n".join(["I. Nội dung", "1. Một", "2. Hai", "1. Ba", "1. Bốn"])
    assert _keys(text) == ["I", "I.1", "I.2", "I.3", "I.4"]


def test_an_amount_with_thousands_separators_is_no_section_number() -> None:
    assert label_of("9.557.406")[0] == "text"
    assert label_of("3.727.773 đồng")[0] == "text"
    assert label_of("2.1. Nội dung")[:2] == ("arabic", "2.1")


def test_a_renumbered_key_that_is_taken_gets_a_prime_so_keys_stay_unique() -> None:
    text = "\n\n".join(
        ["I. Nội dung", "1. Một", "2. Hai", "3. Ba", "2. Bốn", "4. Năm", "a) x", "a) y"]
    )
    keys = _keys(text)
    assert len(keys) == len(set(keys))
