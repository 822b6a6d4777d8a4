"""OCR'd figures read with low confidence are tied to the tasks written where they sit."""

from __future__ import annotations

from datetime import date

from workflows.intake.readers_pdf import placed_doubts
from workflows.intake.reading import OcrDoubt
from workflows.parsing.result import ExtractedTask
from workflows.plans.ocr_doubts import OCR_DOUBT_NOTE, holds, task_doubts


def _task(ext_id: str, line: int, text: str) -> ExtractedTask:
    return ExtractedTask(id=ext_id, section="II.1", line=line, text=text)


REPORT = _task("T1", 10, "Báo cáo kết quả về UBND huyện trước ngày 30/11/2024.")
TRAINING = _task("T2", 12, "Tập huấn cho 25 cán bộ cấp xã trong năm 2024.")


def test_a_task_whose_own_lines_hold_a_doubtful_date_is_flagged_with_the_date_and_page():
    doubt = OcrDoubt(page=2, word="30/11/2024.", lines=(11,))  # the duty's wrapped second line
    assert task_doubts([REPORT, TRAINING], [doubt]) == {
        "T1": f"{OCR_DOUBT_NOTE}: «30/11/2024.» (trang 2)"
    }


def test_a_doubtful_word_on_another_tasks_lines_does_not_flag_a_task_holding_the_same_word():
    later = _task("T3", 20, "Tổng kết, báo cáo trước ngày 30/11/2024.")
    doubt = OcrDoubt(page=3, word="30/11/2024.", lines=(20,))  # read for sure on line 10
    assert task_doubts([REPORT, TRAINING, later], [doubt]) == {
        "T3": f"{OCR_DOUBT_NOTE}: «30/11/2024.» (trang 3)"
    }


def test_a_doubtful_word_on_a_tasks_lines_but_not_in_its_text_does_not_flag_it():
    heading = OcrDoubt(page=1, word="2.", lines=(11,))  # "2. Phòng …": a heading's number
    assert task_doubts([REPORT, TRAINING], [heading]) == {}


def test_the_last_task_runs_to_the_end_and_every_doubt_it_holds_is_named_once():
    doubts = [
        OcrDoubt(page=4, word="25", lines=(12, 40)),
        OcrDoubt(page=4, word="2024.", lines=(13,)),
        OcrDoubt(page=5, word="25", lines=(41,)),
    ]
    note = task_doubts([REPORT, TRAINING], doubts)["T2"]
    assert note == f"{OCR_DOUBT_NOTE}: «25» (trang 4); «2024.» (trang 4); «25» (trang 5)"


def test_tasks_of_one_duty_share_its_lines_and_its_doubts():
    second_lead = _task("T2", 10, REPORT.text)  # one duty, two lead bodies
    doubt = OcrDoubt(page=1, word="30/11/2024.", lines=(10,))
    assert set(task_doubts([REPORT, second_lead, TRAINING], [doubt])) == {"T1", "T2"}


def test_a_figure_is_held_only_whole():
    assert holds("trước ngày 30/11/2024.", "30/11/2024.")
    assert holds("(chậm nhất 15/6)", "(15/6)")
    assert not holds("trước ngày 30/11/2024", "2024")
    assert not holds("cho 125 cán bộ", "25")
    assert not holds("trước ngày 30/11/2024", "«.»")


def test_doubtful_words_are_placed_on_the_lines_of_their_own_page():
    pages = [
        ["KẾ HOẠCH", "hạn 15/6/2025"],
        ["", "1. Báo cáo trước 15/6/2025", "theo mẫu số 15/6/2025;"],
    ]
    placed = placed_doubts(pages, {2: ["15/6/2025", "15/6/2025", "mẫu"]})
    assert placed == [OcrDoubt(2, "15/6/2025", (4,)), OcrDoubt(2, "mẫu", (5,))]


def _dated(ext_id: str, section: str, line: int, text: str, due: date) -> ExtractedTask:
    return ExtractedTask(id=ext_id, section=section, line=line, text=text, due=due)


def test_a_doubtful_date_in_a_sections_heading_flags_the_tasks_it_dates_and_no_others():
    first = _dated("T1", "II.1", 5, "Rà soát hộ nghèo.", date(2025, 3, 31))
    # "2. Trước ngày 30/6/2025" (line 8) heads II.2: both its tasks take that deadline
    survey = _dated("T2", "II.2", 9, "Khảo sát nhu cầu học nghề.", date(2025, 6, 30))
    training = _dated("T3", "II.2", 10, "Mở lớp dạy nghề.", date(2025, 6, 30))
    other = _dated("T4", "II.3", 13, "Tổng kết.", date(2025, 6, 30))
    doubt = OcrDoubt(page=1, word="30/6/2025", lines=(8,))
    note = f"{OCR_DOUBT_NOTE}: «30/6/2025» (trang 1)"
    assert task_doubts([first, survey, training, other], [doubt]) == {"T2": note, "T3": note}


def test_a_doubtful_date_on_a_field_line_flags_the_duty_it_dates():
    duty = _dated("T1", "III", 20, "Xây dựng cơ sở dữ liệu hộ nghèo.", date(2025, 9, 30))
    field_line = OcrDoubt(page=2, word="30/9/2025.", lines=(22,))  # "Thời gian: 30/9/2025."
    assert task_doubts([duty], [field_line]) == {"T1": f"{OCR_DOUBT_NOTE}: «30/9/2025.» (trang 2)"}


def test_a_doubtful_date_that_is_not_the_tasks_deadline_or_another_duty_holds_flags_nothing():
    earlier = _dated("T1", "II", 5, "Báo cáo trước ngày 30/6/2025.", date(2025, 6, 30))
    later = _dated("T2", "II", 7, "Tổng hợp kết quả.", date(2025, 6, 30))
    held = OcrDoubt(page=1, word="30/6/2025.", lines=(5,))  # T1's own date, not T2's heading
    other_date = OcrDoubt(page=1, word="15/7/2025", lines=(8,))  # T2's line, not its deadline
    assert task_doubts([earlier, later], [held, other_date]) == {
        "T1": f"{OCR_DOUBT_NOTE}: «30/6/2025.» (trang 1)"
    }
