"""Storing plans: drafts, re-imports without duplicates, corrections and publishing, on both DBs."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import Session, select

from models.agencies import Agency
from models.plans import Plan
from models.tasks import Task, TaskEdge, TaskEvent
from models.types import PlanStatus, TaskStatus
from workflows.parsing.result import Basis, Body, ExtractedPlan, ExtractedTask
from workflows.plans import corrections
from workflows.plans.importing import import_plan
from workflows.plans.ocr_doubts import OCR_DOUBT_NOTE
from workflows.plans.queries import list_tasks
from workflows.records.lookups import CorrectionError
from workflows.registry.registry import Registry

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
REGISTRY_TOML = """
[[agency]]
key = "tmr-ldtbxh"
name = "Phòng Lao động – Thương binh và Xã hội huyện Tu Mơ Rông"
level = "huyen"
locality = "huyện Tu Mơ Rông"
aliases = ["Phòng Lao động - TB&XH huyện", "Phòng LĐ-TB&XH"]

[[agency]]
key = "tmr-ytế"
name = "Phòng Y tế huyện Tu Mơ Rông"
level = "huyen"
locality = "huyện Tu Mơ Rông"
aliases = ["Phòng Y tế huyện", "Phòng Y tế"]
"""
LDTBXH = "Phòng Lao động – Thương binh và Xã hội huyện Tu Mơ Rông"
YTE = "Phòng Y tế huyện Tu Mơ Rông"


@pytest.fixture
def registry() -> Registry:
    return Registry.from_toml(REGISTRY_TOML)


def body(name: str, registered: bool = True) -> Body:
    return Body(name=name, as_written=name, registered=registered)


def a_plan(*tasks: ExtractedTask, number: str | None = "12/KH-UBND") -> ExtractedPlan:
    return ExtractedPlan(
        number=number,
        issuer="Ủy ban nhân dân huyện Tu Mơ Rông",
        locality="huyện Tu Mơ Rông",
        year=2022,
        title="Kế hoạch giảm nghèo năm 2022",
        bodies=[body(LDTBXH), body(YTE), body("Hội Nông dân huyện", registered=False)],
        tasks=list(tasks),
    )


def duty(
    ext_id: str,
    text: str,
    lead: str | None = LDTBXH,
    due: date | None = None,
    partners: list[str] | None = None,
    depends_on: list[str] | None = None,
) -> ExtractedTask:
    return ExtractedTask(
        id=ext_id,
        section="IV.1",
        line=10,
        text=text,
        lead=lead,
        partners=partners or [],
        due=due,
        depends_on=depends_on or [],
    )


def do_import(engine, registry, plan, sha="a"):
    with Session(engine, expire_on_commit=False) as session:
        outcome = import_plan(
            session, plan, registry, source_name="kh.txt", source_sha256=sha, now=NOW
        )
        session.commit()
    return outcome


def tasks_of(engine, plan_id: int) -> list[Task]:
    with Session(engine, expire_on_commit=False) as session:
        return list(session.exec(select(Task).where(Task.plan_id == plan_id)).all())


REPORT = "Tổng hợp báo cáo kết quả thực hiện gửi Sở Lao động – TB&XH"
CREDIT = "Thực hiện chính sách tín dụng ưu đãi đối với hộ nghèo"


def test_an_import_stores_a_draft_with_its_tasks_bodies_and_edges(engine, registry):
    plan = a_plan(
        duty("T1", CREDIT, due=date(2022, 6, 20)),
        duty("T2", REPORT, lead=YTE, partners=["Hội Nông dân huyện"], depends_on=["T1"]),
    )
    outcome = do_import(engine, registry, plan)
    with Session(engine, expire_on_commit=False) as session:
        stored = session.get(Plan, outcome.plan_id)
        assert stored is not None and stored.status == PlanStatus.DRAFT
        edges = session.exec(select(TaskEdge)).all()
        unknown = session.exec(select(Agency).where(Agency.registered == False)).all()  # noqa: E712
    rows = list_tasks_in(engine, outcome.plan_id)
    assert [(r.lead, r.due) for r in rows] == [(LDTBXH, date(2022, 6, 20)), (YTE, None)]
    assert rows[1].partners == ("Hội Nông dân huyện",)
    assert [a.name for a in unknown] == ["Hội Nông dân huyện"]
    assert (
        len(edges) == 1 and edges[0].task_id == rows[1].id and edges[0].depends_on_id == rows[0].id
    )


def list_tasks_in(engine, plan_id):
    with Session(engine, expire_on_commit=False) as session:
        return list_tasks(session, plan_id=plan_id, today=NOW.date())


def test_reimporting_the_same_document_duplicates_nothing(engine, registry):
    plan = a_plan(duty("T1", CREDIT), duty("T2", REPORT))
    first = do_import(engine, registry, plan)
    before = {t.identity: t.id for t in tasks_of(engine, first.plan_id)}
    again = do_import(engine, registry, plan)
    assert again.plan_id == first.plan_id and not again.created
    assert (again.added, again.changed, again.dropped, again.unchanged) == ([], [], [], 2)
    assert {t.identity: t.id for t in tasks_of(engine, first.plan_id)} == before


def test_a_revised_document_keeps_identity_of_unchanged_and_edited_duties(engine, registry):
    first = do_import(engine, registry, a_plan(duty("T1", CREDIT), duty("T2", REPORT)))
    ids = {t.text: t.id for t in tasks_of(engine, first.plan_id)}
    revised = a_plan(
        duty("T1", CREDIT + " và cận nghèo", due=date(2022, 12, 10)),
        duty("T2", "Rà soát hộ nghèo cuối năm", lead=YTE),
    )
    outcome = do_import(engine, registry, revised, sha="b")
    assert outcome.revision == 2
    assert outcome.changed == [CREDIT + " và cận nghèo"]
    assert outcome.added == ["Rà soát hộ nghèo cuối năm"]
    assert outcome.dropped == [REPORT]
    by_id = {t.id: t for t in tasks_of(engine, first.plan_id)}
    edited = by_id[ids[CREDIT]]
    assert edited.text.endswith("cận nghèo") and edited.due == date(2022, 12, 10)
    assert edited.deadline_version == 2
    assert by_id[ids[REPORT]].status == TaskStatus.DROPPED
    with Session(engine, expire_on_commit=False) as session:
        kinds = [
            e.kind
            for e in session.exec(select(TaskEvent).where(TaskEvent.task_id == ids[CREDIT])).all()
        ]
    assert kinds == ["imported", "changed"]


def test_a_coordinators_correction_survives_a_reimport(engine, registry):
    plan = a_plan(duty("T1", CREDIT, due=date(2022, 6, 20)))
    first = do_import(engine, registry, plan)
    task_id = tasks_of(engine, first.plan_id)[0].id
    with Session(engine, expire_on_commit=False) as session:
        corrections.set_due(session, task_id, date(2022, 7, 1), NOW)
        corrections.reassign(session, registry, task_id, "Phòng Y tế", NOW)
        session.commit()
    outcome = do_import(engine, registry, plan, sha="c")
    task = tasks_of(engine, first.plan_id)[0]
    assert (task.due, task.lead_id is not None) == (date(2022, 7, 1), True)
    assert outcome.kept_corrections == [CREDIT]
    assert list_tasks_in(engine, first.plan_id)[0].lead == YTE


def test_merging_an_unknown_body_moves_its_tasks_and_teaches_the_alias(engine, registry):
    plan = a_plan(duty("T1", CREDIT, lead="Hội Nông dân huyện"))
    first = do_import(engine, registry, plan)
    with Session(engine, expire_on_commit=False) as session:
        _, target, moved = corrections.merge_agency(
            session, registry, "hội nông dân huyện", "Phòng Y tế", NOW
        )
        session.commit()
    assert (target.name, moved) == (YTE, 1)
    assert list_tasks_in(engine, first.plan_id)[0].lead == YTE
    # A later plan naming the merged body lands on the known one.
    other = a_plan(duty("T1", REPORT, lead="Hội Nông dân huyện"), number="13/KH-UBND")
    second = do_import(engine, registry, other)
    assert list_tasks_in(engine, second.plan_id)[0].lead == YTE


def test_an_unknown_agency_in_a_correction_is_a_clear_error(engine, registry):
    first = do_import(engine, registry, a_plan(duty("T1", CREDIT)))
    task_id = tasks_of(engine, first.plan_id)[0].id
    with (
        Session(engine, expire_on_commit=False) as session,
        pytest.raises(LookupError, match="Không tìm thấy cơ quan"),
    ):
        corrections.reassign(session, registry, task_id, "Sở Ngoại giao", NOW)


def test_publishing_refuses_tasks_without_a_lead_unless_forced(engine, registry):
    first = do_import(engine, registry, a_plan(duty("T1", CREDIT, lead=None)))
    with Session(engine, expire_on_commit=False) as session:
        with pytest.raises(CorrectionError, match="chưa có cơ quan chủ trì"):
            corrections.publish(session, first.plan_id, NOW)
        plan = corrections.publish(session, first.plan_id, NOW, force=True)
        session.commit()
    assert plan.status == PlanStatus.PUBLISHED


def test_a_child_plan_is_connected_to_its_parent_whichever_is_imported_first(engine, registry):
    child = a_plan(duty("T1", CREDIT), number="5/KH-UBND")
    child.bases = [Basis(text="Căn cứ Kế hoạch số 48/KH-UBND", number="48/KH-UBND", is_plan=True)]
    child_id = do_import(engine, registry, child).plan_id
    parent_id = do_import(engine, registry, a_plan(duty("T1", REPORT), number="48/KH-UBND")).plan_id
    with Session(engine, expire_on_commit=False) as session:
        stored = session.get(Plan, child_id)
        assert stored is not None and stored.parent_id == parent_id


def test_an_ocr_doubt_stands_through_reimports_until_the_deadline_is_confirmed(engine, registry):
    note = f"{OCR_DOUBT_NOTE}: «15/6/2022» (trang 2)"
    doubtful = duty("T1", "Báo cáo kết quả trước ngày 15/6/2022", due=date(2022, 6, 15))
    doubtful.ocr_doubt = note
    scan = a_plan(doubtful, duty("T2", "Tổ chức tập huấn cho cán bộ cấp xã"))
    plan_id = do_import(engine, registry, scan).plan_id
    do_import(engine, registry, scan)  # the same scan again
    by_text = {t.text: t for t in tasks_of(engine, plan_id)}
    task = by_text[doubtful.text]
    assert (task.ocr_doubt, by_text["Tổ chức tập huấn cho cán bộ cấp xã"].ocr_doubt) == (note, None)
    with Session(engine) as session:
        corrections.set_due(session, task.id, date(2022, 6, 15), NOW)  # checked: as printed
        session.commit()
    do_import(engine, registry, scan)
    (checked,) = [t for t in tasks_of(engine, plan_id) if t.id == task.id]
    assert (checked.ocr_doubt, checked.due, checked.deadline_version) == (
        None,
        date(2022, 6, 15),
        1,
    )
    with Session(engine) as session:
        events = session.exec(
            select(TaskEvent.detail).where(
                TaskEvent.task_id == task.id, TaskEvent.kind == "corrected"
            )
        ).all()
    assert events == [{"ocr_doubt": [True, False]}]
