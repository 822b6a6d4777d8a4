"""Normalization: hard wraps reflowed, page debris gone, each paragraph keeps its first line."""

from __future__ import annotations

from workflows.parsing.line_cleaning import clean_line
from workflows.parsing.normalize import normalize


def paragraphs(text: str) -> list[tuple[int, str]]:
    return [(p.line, p.text) for p in normalize(text).paragraphs]


def test_a_sentence_cut_by_a_page_break_is_joined_and_cites_its_first_line() -> None:
    text = (
        "- Đảm bảo sự thống nhất, triển khai thực\n\nhiện có hiệu quả công tác giảm nghèo."
        "\n\n- Khác."
    )
    assert paragraphs(text) == [
        (1, "- Đảm bảo sự thống nhất, triển khai thực hiện có hiệu quả công tác giảm nghèo."),
        (5, "- Khác."),
    ]


def test_pdf_text_wrapped_with_blank_lines_between_every_line_is_reflowed() -> None:
    wrapped = [
        "Căn cứ Kế hoạch số 48/KH-UBND ngày 22/02/2024 của Ủy ban nhân dân huyện Kon Rẫy về việc ",
        "triển khai thực hiện Cuộc vận động “Làm thay đổi nếp nghĩ, cách làm của đồng bào dân tộc ",
        "thiểu số” trên địa bàn huyện năm 2024. ",
        "UBND xã xây dựng kế hoạch thực hiện Cuộc vận động, cụ thể như sau: ",
        " I. MỤC ĐÍCH, YÊU CẦU ",
    ] * 3
    result = paragraphs(
        "\n\n".join(wrapped[:5]) + "\n\n" + "\n\n".join(["- Một việc phải làm ngay. "] * 10)
    )
    assert result[0][0] == 1 and result[0][1].endswith("trên địa bàn huyện năm 2024.")
    assert result[1] == (7, "UBND xã xây dựng kế hoạch thực hiện Cuộc vận động, cụ thể như sau:")
    assert result[2] == (9, "I. MỤC ĐÍCH, YÊU CẦU")


def test_footnote_text_at_a_page_bottom_does_not_interrupt_a_bullet() -> None:
    text = (
        "- Tham mưu thực hiện Chương trình MTQG phát\n\n"
        "¹ về phê duyệt Đề án tổng thể\n\n"
        "² về triển khai Nghị quyết 88/2019/QH14\n\n"
        "triển kinh tế - xã hội vùng đồng bào DTTS¹ trong năm 2022.\n"
    )
    assert paragraphs(text) == [
        (
            1,
            "- Tham mưu thực hiện Chương trình MTQG phát triển kinh tế - xã hội vùng đồng bào DTTS"
            " trong năm 2022.",
        )
    ]


def test_page_numbers_alone_on_a_line_are_dropped() -> None:
    assert paragraphs("- Việc một.\n\n12\n\n- Việc hai.") == [
        (1, "- Việc một."),
        (5, "- Việc hai."),
    ]


def test_markdown_exports_join_lines_inside_blank_separated_blocks() -> None:
    text = (
        "**1. Sở Nông nghiệp và Môi\ntrường**\n\n"
        "- Chủ trì tham mưu, tổ chức\ntriển khai Kế hoạch.\n"
    )
    assert paragraphs(text) == [
        (1, "1. Sở Nông nghiệp và Môi trường"),
        (4, "- Chủ trì tham mưu, tổ chức triển khai Kế hoạch."),
    ]


def test_emphasis_marks_and_superscript_references_are_removed_but_square_metres_kept() -> None:
    assert clean_line("báo cáo (*trước ngày 20/6*) huyện¹; diện tích 30m²") == (
        "báo cáo (trước ngày 20/6) huyện; diện tích 30m²"
    )


def test_a_star_bullet_stays_a_bullet() -> None:
    assert clean_line("* Phấn đấu đến năm 2024") == "• Phấn đấu đến năm 2024"


def test_the_source_comment_of_an_export_is_not_text() -> None:
    assert paragraphs("# source: somewhere\nKẾ HOẠCH") == [(2, "KẾ HOẠCH")]


def _dense(lines: list[str]) -> str:
    """PDF text: hard-wrapped, no blank line anywhere (enough lines to measure the layout)."""
    filler = ["- Tổ chức tuyên truyền sâu rộng các chủ trương của tỉnh đến mọi người dân."] * 12
    return "\n".join(lines + filler)


def test_pdf_text_joins_a_line_ending_with_an_organisation_word_to_the_name_after_it() -> None:
    result = paragraphs(
        _dense(
            [
                "+ Sở",
                "Y tế: hướng dẫn phương án bảo đảm y tế.",
                "Đơn vị chủ trì: Các",
                "Sở, ngành, đơn vị thuộc tỉnh.",
            ]
        )
    )
    assert result[0] == (1, "+ Sở Y tế: hướng dẫn phương án bảo đảm y tế.")
    assert result[1] == (3, "Đơn vị chủ trì: Các Sở, ngành, đơn vị thuộc tỉnh.")


def test_pdf_text_keeps_a_capitalised_sentence_start_after_a_finished_line_apart() -> None:
    result = paragraphs(_dense(["- Rà soát hồ sơ của các đơn vị.", "Sở Y tế tổng hợp kết quả."]))
    assert result[:2] == [(1, "- Rà soát hồ sơ của các đơn vị."), (2, "Sở Y tế tổng hợp kết quả.")]


def test_a_reflowed_paragraph_knows_the_source_line_of_each_word() -> None:
    (para,) = normalize("- Rà soát hồ sơ của\ncác đơn vị; hướng dẫn\ncác xã thực hiện.").paragraphs
    assert para.lines == [1, 2, 3]
    assert [para.line_at(para.text.find(w)) for w in ("Rà", "đơn", "hướng", "xã")] == [1, 2, 2, 3]


def test_pdf_text_with_a_duty_table_is_still_read_as_text_without_blank_lines() -> None:
    # The table's lines are cut out of the text: they are not blank lines of the layout, so the
    # short numbered heading still ends before the capitalised sentence under it.
    table = ["|", "TT", "|", "Nhiệm vụ", "|", "Cơ quan chủ trì", "|", "|"]
    for n in range(1, 16):
        table += [str(n), "|", f"Rà soát hồ sơ nhóm {n}.", "|", "Sở Tư pháp", "|", "|"]
    text = _dense(["2. Sở Y tế, Sở Nội vụ", "Sở Y tế chủ trì tổ chức tập huấn cho cán bộ."])
    result = paragraphs(text + "\n" + "\n".join(table))
    assert result[:2] == [
        (1, "2. Sở Y tế, Sở Nội vụ"),
        (2, "Sở Y tế chủ trì tổ chức tập huấn cho cán bộ."),
    ]
