"""Body names: where they start and end in a sentence, and how lists of them split."""

from __future__ import annotations

import pytest

from workflows.parsing.bodies import clean_name, default_resolver, leading_body, split_names


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Sở Văn hóa, Thể thao và Du lịch chủ trì, phối hợp", "Sở Văn hóa, Thể thao và Du lịch"),
        ("Các cơ quan, đơn vị, địa phương xây dựng Kế hoạch", "Các cơ quan, đơn vị, địa phương"),
        (
            "Sở Nông nghiệp và Phát triển nông thôn chủ trì",
            "Sở Nông nghiệp và Phát triển nông thôn",
        ),
        ("Giao Sở Tư pháp theo dõi, đôn đốc", "Sở Tư pháp"),
        ("Phòng Quản lý Công nghiệp: Là đầu mối", "Phòng Quản lý Công nghiệp"),
        ("Sở Tài chính - Cơ quan thường trực Ban Chỉ đạo", "Sở Tài chính"),
    ],
)
def test_a_name_ends_where_the_predicate_starts(text: str, name: str) -> None:
    found = leading_body(text)
    assert found is not None and clean_name(found[0]) == name


@pytest.mark.parametrize(
    "text",
    ["Tổ chức triển khai thực hiện", "Báo cáo kết quả", "Phòng, chống ma túy", "Hội nghị tập huấn"],
)
def test_verbs_and_nouns_that_look_like_organisation_words_are_not_names(text: str) -> None:
    assert leading_body(text) is None


@pytest.mark.parametrize(
    ("phrase", "names"),
    [
        ("Phòng Nội vụ và các đơn vị liên quan", ["Phòng Nội vụ", "Các đơn vị liên quan"]),
        (
            "Sở Giáo dục và Đào tạo và các cơ quan, đơn vị liên quan",
            ["Sở Giáo dục và Đào tạo", "Các cơ quan, đơn vị liên quan"],
        ),
        ("Các sở, ngành, UBND xã, phường, đặc khu", ["Các sở, ngành", "UBND xã, phường, đặc khu"]),
        (
            "Ủy ban Mặt trận Tổ quốc Việt Nam và các tổ chức đoàn thể chính trị - xã hội huyện",
            ["Ủy ban Mặt trận Tổ quốc Việt Nam và các tổ chức đoàn thể chính trị - xã hội huyện"],
        ),
        (
            "Sở Tư pháp; các cơ quan, đơn vị, địa phương liên quan",
            ["Sở Tư pháp", "Các cơ quan, đơn vị, địa phương liên quan"],
        ),
        ("Sở Văn hóa, Thể thao và Du lịch", ["Sở Văn hóa, Thể thao và Du lịch"]),
        (
            "Chuyên viên phụ trách lĩnh vực Hành chính, Văn phòng",
            ["Chuyên viên phụ trách lĩnh vực Hành chính, Văn phòng"],
        ),
    ],
)
def test_a_list_splits_only_before_an_organisation_word(phrase: str, names: list[str]) -> None:
    assert split_names(phrase) == names


def test_prefixes_and_notes_are_not_part_of_a_name() -> None:
    assert clean_name("Đề nghị Ủy ban MTTQ Việt Nam huyện (p/h):") == "Ủy ban MTTQ Việt Nam huyện"


def test_without_a_registry_a_body_is_kept_as_written_and_unregistered() -> None:
    body = default_resolver("UBND các xã, thị trấn", "huyện Ngọc Hồi")
    assert (body.name, body.registered, body.collective) == ("UBND các xã, thị trấn", False, True)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # a committee named by a verb phrase: the verb after "ban" and before a capital is a name
        ("Đồng chí Phó Trưởng ban xây dựng Đảng - Ủy viên: Trực tiếp chỉ đạo", None),
        # "bầu cử" / "ứng cử" are nouns: "cử" there does not start the predicate
        ("Ủy ban bầu cử xã chủ trì tổ chức hội nghị", "Ủy ban bầu cử xã"),
        # "cơ sở đào tạo" is an institution, not "cơ sở" that trains
        ("Các cơ sở đào tạo trên địa bàn phối hợp tuyển sinh", "Các cơ sở đào tạo trên địa bàn"),
    ],
)
def test_nouns_built_on_verbs_stay_in_the_name(text: str, name: str | None) -> None:
    found = leading_body(text)
    assert found is not None
    expected = name or text.split(":")[0]
    assert clean_name(found[0]) == expected


def test_a_singular_dong_chi_with_several_posts_is_one_person() -> None:
    phrase = "Đồng chí Ủy viên Ban Thường vụ Đảng ủy, Chủ tịch Ủy ban MTTQ Việt Nam xã"
    assert split_names(phrase) == [phrase]


@pytest.mark.parametrize(
    ("phrase", "names"),
    [
        (
            "Các đồng chí Phó Chủ tịch, Trưởng đoàn thể xã, các đồng chí Chuyên viên",
            ["Các đồng chí Phó Chủ tịch", "Trưởng đoàn thể xã", "Các đồng chí Chuyên viên"],
        ),
        (
            "Sở Nội vụ và các cơ sở giáo dục nghề nghiệp",
            ["Sở Nội vụ", "Các cơ sở giáo dục nghề nghiệp"],
        ),
        ("Bí thư Chi bộ, Trưởng thôn", ["Bí thư Chi bộ", "Trưởng thôn"]),
    ],
)
def test_office_holders_and_institutions_written_in_lower_case_split_a_list(
    phrase: str, names: list[str]
) -> None:
    assert split_names(phrase) == names


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Tòa án nhân dân tỉnh đẩy nhanh tiến độ xét xử", "Tòa án nhân dân tỉnh"),
        ("Sở Khoa học và Công nghệ phát động phong trào thi đua", "Sở Khoa học và Công nghệ"),
        (
            "Các doanh nghiệp nhà nước tiên phong, dẫn dắt chuyển đổi số",
            "Các doanh nghiệp nhà nước",
        ),
        ("Các cơ quan, đơn vị kiểm soát tiêu chí đầu vào", "Các cơ quan, đơn vị"),
    ],
)
def test_a_name_ends_before_a_verb_of_action(text: str, name: str) -> None:
    named = leading_body(text)
    assert named is not None and clean_name(named[0]) == name


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Sở Nông nghiệp và Môi trường chậm nhất ngày 17 tháng 12", "Sở Nông nghiệp và Môi trường"),
        ("Ủy ban Mặt trận Tổ quốc tỉnh bằng nhiều hình thức", "Ủy ban Mặt trận Tổ quốc tỉnh"),
        ("Các cơ quan liên quan trong phạm vi chức năng, nhiệm vụ", "Các cơ quan liên quan"),
        ("Các cơ quan quản lý tại điểm d, khoản 1, mục III", "Các cơ quan quản lý"),
        ("Lãnh đạo Sở các chỉ tiêu có khả năng không đạt", "Lãnh đạo Sở"),
        ("Các ngành liên quan phát triển thị trường", "Các ngành liên quan"),
    ],
)
def test_a_name_ends_before_a_time_manner_scope_or_reference_phrase(text: str, name: str) -> None:
    assert clean_name(text) == name


@pytest.mark.parametrize(
    "name",
    [
        "Ủy ban nhân dân các xã, phường",
        "Ủy ban Mặt trận Tổ quốc tỉnh và các tổ chức chính trị - xã hội",
        "Ban Quản lý Khu kinh tế và các Khu công nghiệp",
        "Sở Lao động - Thương binh và Xã hội",
        "Các cơ quan liên quan đến công tác phòng cháy",
    ],
)
def test_cac_before_a_kind_of_body_stays_inside_the_name(name: str) -> None:
    assert clean_name(name) == name
