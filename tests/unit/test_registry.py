"""The agency registry: shipped data, name matching, locality scoping, collectives, validity."""

from __future__ import annotations

import os
import re
import unicodedata
from collections import defaultdict
from datetime import date
from pathlib import Path

import pytest

from config.settings import DATA_DIR
from workflows.registry.match import locality_key, parse_name
from workflows.registry.registry import Registry, RegistryError, dump_toml, load_registry

SHIPPED = DATA_DIR / "agencies.toml"
PLANS = Path(__file__).parents[1] / "data" / "plans"
TMR = "huyện Tu Mơ Rông"
NH = "huyện Ngọc Hồi"
DTL = "xã Đăk Tơ Lung"


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry.from_toml(SHIPPED.read_text(encoding="utf-8"), source=str(SHIPPED))


def key_of(registry: Registry, written: str, locality: str | None) -> str | None:
    return registry.resolve(written, locality).key


# --- the shipped data ---


def test_the_shipped_registry_loads_with_ascii_keys_and_known_levels(registry):
    assert len(registry.agencies) > 50
    for agency in registry.agencies:
        assert re.fullmatch(r"[a-z0-9]+(?:[.-][a-z0-9]+)*", agency.key), agency.key
        assert agency.level in {"tinh", "huyen", "xa"}
        assert agency.email == "" and agency.head_email == ""


def test_no_two_entries_of_one_locality_share_a_folded_alias(registry):
    localities = {locality_key(a.locality) for a in registry.agencies}
    localities |= {locality_key(k) for k in registry.locality_aliases}
    owners: dict[tuple[str, str], set[str]] = defaultdict(set)
    for agency in registry.agencies:
        for name in agency.names:
            owners[(parse_name(name, localities).core, locality_key(agency.locality))].add(
                agency.key
            )
    shared = {name: keys for name, keys in owners.items() if len(keys) > 1}
    assert shared == {}


def test_the_shipped_file_lists_entries_sorted_by_key():
    keys = re.findall(r'^key = "(.+)"$', SHIPPED.read_text(encoding="utf-8"), re.M)
    assert keys == sorted(keys) and len(keys) == len(set(keys))


def test_district_bodies_end_on_30_june_2025_but_still_resolve(registry):
    districts = [a for a in registry.agencies if a.level == "huyen"]
    assert districts and all(a.valid_to == date(2025, 6, 30) for a in districts)
    body = registry.resolve("Phòng Dân tộc huyện", TMR)
    assert body.registered and body.key == "tumorong.phong-dan-toc"


# --- matching: spelling variants ---


@pytest.mark.parametrize(
    "written",
    [
        "Uỷ ban nhân dân huyện",
        "ỦY BAN NHÂN DÂN HUYỆN",
        "Ủy  ban nhân dân\nhuyện",
        unicodedata.normalize("NFD", "Ủy ban nhân dân huyện"),
    ],
)
def test_tone_mark_case_space_and_unicode_variants_resolve_the_same(registry, written):
    assert key_of(registry, written, TMR) == "tumorong.ubnd"


@pytest.mark.parametrize(
    "written",
    ["Phòng Tài chính – Kế hoạch", "Phòng Tài chính—Kế hoạch", "Phòng Tài chính-Kế hoạch"],
)
def test_dash_variants_resolve_the_same(registry, written):
    assert key_of(registry, written, NH) == "ngochoi.phong-tckh"


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("Phòng LĐ-TB&XH", "tumorong.phong-ldtbxh"),
        ("Phòng LĐTBXH huyện", "tumorong.phong-ldtbxh"),
        ("Phòng Lao động - TB&XH huyện", "tumorong.phong-ldtbxh"),
        ("phòng Lao động – Thương binh và Xã hội", "tumorong.phong-ldtbxh"),
        ("Phòng NN&PTNT huyện", "tumorong.phong-nnptnt"),
        ("Phòng NN và PTNT", "tumorong.phong-nnptnt"),
        ("Phòng Nông nghiệp & Phát triển nông thôn", "tumorong.phong-nnptnt"),
        ("Phòng TC-KH", "tumorong.phong-tckh"),
        ("Phòng VH-TT huyện", "tumorong.phong-vhtt"),
        ("Phòng Văn hóa và Thông tin", "tumorong.phong-vhtt"),
        ("Phòng GD&ĐT", "tumorong.phong-gddt"),
        ("Phòng KT-HT", "tumorong.phong-ktht"),
        ("Phòng Kinh tế và Hạ tầng huyện", "tumorong.phong-ktht"),
        ("Phòng TN&MT huyện", "tumorong.phong-tnmt"),
        ("BHXH huyện", "tumorong.bhxh"),
        ("PGD NHCSXH huyện", "tumorong.pgd-nhcsxh"),
        ("PGD Ngân hàng CSXH huyện", "tumorong.pgd-nhcsxh"),
        ("UBMTTQVN huyện", "tumorong.mttq"),
        ("Ủy ban MTTQ huyện", "tumorong.mttq"),
        ("Ủy ban Mặt trận Tổ quốc huyện", "tumorong.mttq"),
        ("Sở LĐ-TB&XH", "kontum.so-ldtbxh"),
    ],
)
def test_standard_abbreviations_expand_both_ways(registry, written, key):
    assert key_of(registry, written, TMR) == key


@pytest.mark.parametrize(
    "written",
    [
        "Đề nghị Ủy ban MTTQ Việt Nam huyện",
        "Giao Ủy ban MTTQ Việt Nam huyện:",
        "- Ủy ban MTTQ Việt Nam huyện (p/h);",
    ],
)
def test_assignment_verbs_bullets_and_routing_notes_are_ignored(registry, written):
    assert key_of(registry, written, NH) == "ngochoi.mttq"


def test_the_typo_uy_ban_nhan_cac_xa_still_means_the_communes(registry):
    body = registry.resolve("Ủy ban nhân các xã", TMR)
    assert body.registered and body.collective and body.key == "tumorong.ubnd-cac-xa"
    assert len(body.members) == 11


def test_the_commune_officer_of_dak_to_lung_resolves_after_chi_dao(registry):
    written = "Chỉ đạo đạo công chức Văn hóa - Xã hội phụ trách mảng dân tộc"
    assert key_of(registry, written, DTL) == "konray.daktolung.cong-chuc-vhxh-dan-toc"


# --- locality scoping ---


def test_the_same_office_name_resolves_to_the_plans_own_district(registry):
    assert key_of(registry, "Phòng Dân tộc huyện", TMR) == "tumorong.phong-dan-toc"
    assert key_of(registry, "Phòng Dân tộc huyện", NH) == "ngochoi.phong-dan-toc"


def test_a_name_carrying_its_locality_resolves_to_it_from_anywhere(registry):
    assert key_of(registry, "Phòng Dân tộc huyện Ngọc Hồi", TMR) == "ngochoi.phong-dan-toc"
    assert key_of(registry, "phòng dân tộc HUYỆN NGỌC HỒI", None) == "ngochoi.phong-dan-toc"
    assert key_of(registry, "UBND xã Đắk Hà", None) == "tumorong.dakha.ubnd"


@pytest.mark.parametrize("locality", [None, TMR, NH, DTL, "tỉnh Đồng Nai"])
def test_every_canonical_name_stands_for_its_body_from_any_plan(registry, locality):
    for agency in registry.agencies:
        assert key_of(registry, agency.name, locality) == agency.key, agency.name


def test_two_bodies_with_one_canonical_name_are_rejected():
    entry = '[[agency]]\nkey = "{}"\nname = "Hội Khuyến học"\nlevel = "huyen"\nlocality = "{}"\n'
    with pytest.raises(RegistryError, match="trùng"):
        Registry.from_toml(entry.format("a", "huyện A") + entry.format("b", "huyện B"))


def test_a_plan_without_locality_gets_unregistered_bodies_not_guesses(registry):
    # "Sở Nội vụ" of a Đồng Nai plan is not Kon Tum's, even if Kon Tum's is the only one known.
    for written in ("Phòng Dân tộc huyện", "Sở Nội vụ", "UBND các xã", "Trang thông tin điện tử"):
        body = registry.resolve(written, None)
        assert not body.registered and body.name == written


def test_a_person_typing_an_unambiguous_name_without_locality_finds_the_body(registry):
    assert registry.lookup("Sở Nội vụ").key == "kontum.so-noi-vu"
    assert registry.lookup("Phòng Dân tộc huyện") is None  # three districts have one
    assert registry.lookup("Sở Nội vụ", unique_anywhere=False) is None


def test_an_unknown_locality_gives_unregistered_bodies_not_another_districts(registry):
    assert not registry.resolve("Phòng Dân tộc huyện", "huyện Đăk Glei").registered
    assert not registry.resolve("Sở Y tế", "thành phố Cần Thơ").registered
    assert not registry.resolve("Phòng Dân tộc huyện Đăk Glei", TMR).registered


def test_bodies_above_the_plan_resolve_in_the_parent_locality(registry):
    assert key_of(registry, "Sở Lao động – TB&XH", TMR) == "kontum.so-ldtbxh"
    assert key_of(registry, "Ủy ban nhân dân tỉnh", TMR) == "kontum.ubnd"
    assert key_of(registry, "UBND tỉnh", DTL) == "kontum.ubnd"
    assert key_of(registry, "Phòng Dân tộc huyện (b/c);", DTL) == "konray.phong-dan-toc"


def test_the_level_word_picks_the_level_of_the_same_name(registry):
    assert key_of(registry, "UBND xã", DTL) == "konray.daktolung.ubnd"
    assert key_of(registry, "UBND huyện", DTL) == "konray.ubnd"
    assert key_of(registry, "UBND huyện", NH) == "ngochoi.ubnd"


def test_a_commune_never_borrows_a_body_its_own_level_has_elsewhere(registry):
    # Dak Ha's own Front committee is not registered: do not hand it the district's.
    assert not registry.resolve("Ủy ban MTTQ Việt Nam", "xã Đăk Hà").registered
    assert key_of(registry, "Ủy ban MTTQ Việt Nam", DTL) == "konray.daktolung.mttq"


def test_misspelt_and_bare_locality_names_are_understood(registry):
    assert key_of(registry, "Phòng Dân tộc", "huyện Ngọc Hôi") == "ngochoi.phong-dan-toc"
    assert key_of(registry, "Phòng Dân tộc", "Ngọc Hồi") == "ngochoi.phong-dan-toc"
    assert key_of(registry, "Phòng Dân tộc huyện", "huyện Tư Mơ Rông") == "tumorong.phong-dan-toc"


# --- unknown bodies ---


def test_an_unknown_body_is_flagged_cleaned_and_kept(registry):
    body = registry.resolve("Đề nghị  Hội Nông dân huyện:", TMR)
    assert (body.name, body.registered, body.key) == ("Hội Nông dân huyện", False, None)
    assert body.as_written == "Đề nghị Hội Nông dân huyện:"
    assert body.collective is False


@pytest.mark.parametrize(
    "written",
    ["Các cơ quan, đơn vị liên quan", "UBND các xã, phường", "Ban quản lý các thôn, làng"],
)
def test_an_unknown_plural_body_is_flagged_collective(registry, written):
    body = registry.resolve(written, "tỉnh Đồng Nai")
    assert not body.registered and body.collective


_BODY_START = re.compile(
    r"^(?:Các |UBND|Ủy ban|Uỷ ban|Sở |Phòng |Ban |Hội |Trung tâm|Công an|Bộ |Văn phòng|Đài |"
    r"Liên đoàn|Đoàn |Báo |Kho bạc|Thường trực|Cục |Chi cục|Tòa án|Viện )"
)


def held_out_body_names() -> list[tuple[str, str]]:
    """Body-like cells and list items of the held-out plans (tests/data/plans/more)."""
    found = []
    for path in sorted((PLANS / "more").glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            for cell in re.split(r" \| |; ", unicodedata.normalize("NFC", line).lstrip("-+ ")):
                if _BODY_START.match(cell.strip()) and len(cell.split()) <= 14:
                    found.append((path.name, cell.strip()))
    return found


@pytest.mark.parametrize("locality", [None, "tỉnh Đồng Nai", "xã Lương Minh"])
def test_bodies_of_the_held_out_plans_come_out_unregistered_never_dropped(registry, locality):
    names = held_out_body_names()
    assert len(names) > 100
    for source, written in names:
        body = registry.resolve(written, locality)
        assert not body.registered, (source, written, body.key)
        assert body.name and body.as_written


def test_giao_is_kept_when_it_starts_a_noun():
    body = Registry([]).resolve("Giao thông vận tải", None)
    assert body.name == "Giao thông vận tải"


# --- collectives ---


def test_a_collective_body_expands_to_its_members(registry):
    names = [a.name for a in registry.expand("tumorong.ubnd-cac-xa")]
    assert len(names) == 11 and "Ủy ban nhân dân xã Đăk Rơ Ông" in names
    plei_kan = registry.get("ngochoi.pleikan.ubnd")
    assert plei_kan in registry.expand("ngochoi.ubnd-cac-xa-thi-tran")


def test_nested_collectives_expand_to_their_leaves(registry):
    keys = [a.key for a in registry.expand("ngochoi.mttq-va-doan-the")]
    assert keys == ["ngochoi.mttq", "ngochoi.doan-the"]


def test_a_single_body_expands_to_itself_and_an_unknown_key_to_nothing(registry):
    assert [a.key for a in registry.expand("ngochoi.phong-yte")] == ["ngochoi.phong-yte"]
    assert registry.expand("no.such.key") == []


# --- validity and successors ---


def test_a_dissolved_department_hands_over_to_its_successor(registry):
    old = registry.get("kontum.so-ldtbxh")
    assert old.valid_on(date(2025, 2, 28)) and not old.valid_on(date(2025, 3, 1))
    assert registry.current("kontum.so-ldtbxh", date(2024, 5, 1)) is old
    assert registry.current("kontum.so-ldtbxh", date(2025, 4, 1)).key == "kontum.so-noi-vu"
    assert registry.current("kontum.so-ldtbxh", date(2025, 8, 1)) is None


# --- editing and persisting ---


def test_merging_an_alias_returns_a_new_registry_that_resolves_it(registry):
    merged = registry.merge_alias("Hội Nông dân huyện", "tumorong.doan-the")
    assert merged is not registry
    assert key_of(merged, "Hội Nông dân huyện", TMR) == "tumorong.doan-the"
    assert not registry.resolve("Hội Nông dân huyện", TMR).registered


def test_merging_a_known_alias_adds_nothing(registry):
    merged = registry.merge_alias("Phòng LĐ-TB&XH", "tumorong.phong-ldtbxh")
    assert merged.get("tumorong.phong-ldtbxh") == registry.get("tumorong.phong-ldtbxh")


def test_merging_an_alias_owned_by_another_body_of_the_area_is_refused(registry):
    with pytest.raises(RegistryError, match=re.escape("tumorong.phong-yte")):
        registry.merge_alias("Phòng Y tế huyện", "tumorong.phong-dan-toc")
    with pytest.raises(RegistryError, match=re.escape("no.such")):
        registry.merge_alias("Hội Nông dân", "no.such")


def test_dumped_toml_reads_back_to_the_same_registry(registry):
    edited = registry.update("ngochoi.phong-yte", email='yte "ngọc hồi"@example.vn')
    again = Registry.from_toml(dump_toml(edited))
    assert again.agencies == edited.agencies
    assert again.locality_aliases == edited.locality_aliases


# --- bad data ---


def test_two_entries_of_one_locality_sharing_an_alias_are_rejected():
    text = """
[[agency]]
key = "a"
name = "Phòng Y tế huyện X"
level = "huyen"
locality = "huyện X"
aliases = ["Phòng Y tế"]

[[agency]]
key = "b"
name = "Trung tâm Y tế huyện X"
level = "huyen"
locality = "huyện X"
aliases = ["Phòng Y tế huyện"]
"""
    with pytest.raises(RegistryError, match="trùng"):
        Registry.from_toml(text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[agency]\nkey = 1", "TOML không hợp lệ"),
        ('[[agency]]\nkey = "a"\nname = "A"\nlevel = "huyen"\nlocality = "h"\nalias = []', "alias"),
        ('[[agency]]\nkey = "a"\nname = "A"\nlevel = "quan"\nlocality = "h"', "level"),
        ('[[agency]]\nkey = "a"\nname = "A"\nlevel = "xa"', "locality"),
        (
            '[[agency]]\nkey = "a"\nname = "A"\nlevel = "xa"\nlocality = "x"\n'
            'collective = true\nmembers = ["b"]',
            "«b»",
        ),
    ],
)
def test_bad_registry_data_is_a_clear_error(text, message):
    with pytest.raises(RegistryError, match=message):
        Registry.from_toml(text, source="thử.toml")


def test_a_missing_registry_file_is_a_clear_error(tmp_path):
    with pytest.raises(RegistryError, match="Không đọc được"):
        load_registry(tmp_path / "none.toml")


def test_loading_is_cached_until_the_file_changes(tmp_path: Path):
    path = tmp_path / "agencies.toml"
    path.write_text(SHIPPED.read_text(encoding="utf-8"), encoding="utf-8")
    first = load_registry(path)
    assert load_registry(path) is first
    edited = first.merge_alias("Hội Nông dân huyện", "tumorong.doan-the")
    path.write_text(dump_toml(edited), encoding="utf-8")
    os.utime(path, ns=(0, path.stat().st_mtime_ns + 1_000_000))
    second = load_registry(path)
    assert second is not first and key_of(second, "Hội Nông dân huyện", TMR) is not None


def test_the_default_path_is_the_shipped_registry():
    assert load_registry().get("kontum.ubnd") is not None
