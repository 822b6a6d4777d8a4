"""A PDF table cell's printed lines: a wrap joins, a line the writer broke stays apart."""

from __future__ import annotations

from workflows.intake.pdf_layout import _cell_text

CELL = (100.0, 0.0, 172.0, 100.0)  # 72 points wide; the text starts 5.5 points in


def _word(text: str, x0: float, x1: float, top: float) -> dict[str, object]:
    return {"text": text, "x0": x0, "x1": x1, "top": top, "bottom": top + 11}


def test_a_line_is_a_wrap_when_the_next_line_s_first_word_as_printed_would_not_fit() -> None:
    # "Trường" ends at 40.4 points of text; "Đại" is 18.9 wide: 40.4 + 3 + 18.9 > 61
    words = [
        _word("Các", 105.5, 126.7, 10),
        _word("Trường", 105.5, 145.9, 23),
        _word("Đại", 105.5, 124.4, 36),
        _word("học,", 127.9, 151.2, 36),
        _word("Cao", 105.5, 127.1, 49),
        _word("đẳng", 130.6, 158.3, 49),
    ]
    assert _cell_text(CELL, words) == ["Các Trường Đại học, Cao đẳng"]


def test_a_short_line_before_a_word_that_would_have_fitted_ends_its_paragraph() -> None:
    words = [
        _word("Sở", 105.5, 118.0, 10),
        _word("Y", 121.0, 127.0, 10),
        _word("tế", 130.0, 140.0, 10),
        _word("Sở", 105.5, 118.0, 23),
        _word("Tài", 121.0, 138.0, 23),
        _word("chính", 141.0, 166.0, 23),
    ]
    assert _cell_text(CELL, words) == ["Sở Y tế", "Sở Tài chính"]
