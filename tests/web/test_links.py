"""Signed e-mail links served by the web app: each action works once, for its own task, until it
expires; forged, expired, other-task, other-action and partner links are refused."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import Session, select

from models.db import engine_for
from models.followup import Extension, UsedLink
from models.tasks import Task
from notifications.links import LinkAction, make_token
from tests.web.objects import SECRET, Objects, link_token
from tests.web.world import NOW, World, csrf_of, event_kinds, stored


def used_links(world: World) -> int:
    with Session(engine_for(world.url)) as session:
        return len(session.exec(select(UsedLink)).all())


def token_for(
    world: World,
    task_id: int,
    action: LinkAction,
    *,
    agency_id: int | None = None,
    expires_in: timedelta = timedelta(days=30),
    secret: str = SECRET,
) -> str:
    current = stored(world, Task, task_id)
    return make_token(
        secret,
        action=action,
        task_id=task_id,
        deadline_version=current.deadline_version,
        agency_id=agency_id if agency_id is not None else current.lead_id,  # type: ignore[arg-type]
        expires_at=NOW + expires_in,
    )


def submit(client, path: str, **data):  # type: ignore[no-untyped-def]
    """GET the confirmation page (as a person would), then POST its form."""
    page = client.get(path)
    assert page.status_code == 200, page.text[:300]
    return client.post(path, data={"csrf": csrf_of(client, path), **data})


def test_acknowledge_is_recorded_in_the_history_and_works_once(client_for, world: World):
    client = client_for(None)
    path = f"/l/ack/{world.task_a}/{link_token(world.url, world.task_a, LinkAction.ACKNOWLEDGE)}"
    page = client.get(path)
    assert "Xác nhận đã nhận nhiệm vụ" in page.text
    assert "acknowledged" not in event_kinds(world, world.task_a)  # the GET did nothing
    done = client.post(path, data={"csrf": csrf_of(client, path)})
    assert done.status_code == 200 and "Đã xác nhận nhận nhiệm vụ" in done.text
    assert event_kinds(world, world.task_a)[-1] == "acknowledged"
    again = client.post(path, data={"csrf": csrf_of(client, "/login")})
    assert again.status_code == 410 and "đã được dùng" in again.text
    assert event_kinds(world, world.task_a).count("acknowledged") == 1


def test_done_stores_the_result_note(client_for, world: World):
    client = client_for(None)
    path = f"/l/done/{world.task_a}/{link_token(world.url, world.task_a, LinkAction.DONE)}"
    response = submit(client, path, note="Đã rà soát 120 hộ, biên bản kèm theo")
    assert response.status_code == 200 and "Đã ghi nhận" in response.text
    done = stored(world, Task, world.task_a)
    assert (done.status, done.result_note) == ("done", "Đã rà soát 120 hộ, biên bản kèm theo")
    assert done.completed_late is True  # due 31/03/2024, done 15/05/2024


def test_an_extension_request_by_link_carries_the_new_date_and_reason(client_for, world: World):
    client = client_for(None)
    token = link_token(world.url, world.task_b, LinkAction.EXTENSION)
    path = f"/l/extend/{world.task_b}/{token}"
    response = submit(client, path, due="15/09/2024", reason="Chờ số liệu thống kê quý III")
    assert response.status_code == 200 and "Đã gửi đề nghị gia hạn" in response.text
    with Session(engine_for(world.url)) as session:
        asked = session.exec(select(Extension).where(Extension.task_id == world.task_b)).one()
    assert (asked.requested_due, asked.reason, asked.status) == (
        date(2024, 9, 15),
        "Chờ số liệu thống kê quý III",
        "requested",
    )
    assert stored(world, Task, world.task_b).due == date(
        2024, 6, 30
    )  # only a request, not a decision
    assert used_links(world) == 1


@pytest.mark.parametrize(
    ("due", "reason", "message"),
    [
        ("", "Chờ số liệu", "Hãy nhập hạn đề nghị"),
        ("31/02/2024", "Chờ số liệu", "không tồn tại"),
        ("01/06/2024", "Chờ số liệu", "Hạn mới phải sau hạn hiện tại"),
        ("15/09/2024", "", "Cần nêu lý do"),
    ],
)
def test_a_bad_extension_form_is_shown_again_and_the_link_stays_usable(
    client_for, world: World, due: str, reason: str, message: str
):
    client = client_for(None)
    path = f"/l/extend/{world.task_b}/{link_token(world.url, world.task_b, LinkAction.EXTENSION)}"
    response = submit(client, path, due=due, reason=reason)
    assert response.status_code == 400 and message in response.text
    assert 'id="link-form"' in response.text  # the form again, with what was typed
    assert used_links(world) == 0
    fixed = client.post(
        path, data={"csrf": csrf_of(client, path), "due": "15/09/2024", "reason": "Chờ số liệu"}
    )
    assert fixed.status_code == 200 and "Đã gửi đề nghị gia hạn" in fixed.text


def test_a_forged_link_is_refused_and_changes_nothing(client_for, world: World):
    client = client_for(None)
    for token in (
        token_for(world, world.task_a, LinkAction.DONE, secret="một-bí-mật-khác"),
        link_token(world.url, world.task_a, LinkAction.DONE)[:-3] + "xyz",
        "không-phải-liên-kết",
    ):
        path = f"/l/done/{world.task_a}/{token}"
        assert client.get(path).status_code == 400
        response = client.post(path, data={"csrf": csrf_of(client, "/login")})
        assert response.status_code == 400 and "Không dùng được liên kết" in response.text
    assert stored(world, Task, world.task_a).status == "not_started"
    assert used_links(world) == 0


def test_an_expired_link_is_refused(client_for, world: World):
    client = client_for(None)
    token = token_for(world, world.task_a, LinkAction.DONE, expires_in=-timedelta(seconds=1))
    path = f"/l/done/{world.task_a}/{token}"
    page = client.get(path)
    assert page.status_code == 400 and "hết hạn" in page.text
    response = client.post(path, data={"csrf": csrf_of(client, "/login")})
    assert response.status_code == 400 and "hết hạn" in response.text
    assert stored(world, Task, world.task_a).status == "not_started"


def test_a_link_cannot_be_used_for_another_task(client_for, world: World):
    """Body A's genuine link for its task T1, replayed on T4 (also led by body A)."""
    client = client_for(None)
    token = link_token(world.url, world.task_a, LinkAction.DONE)
    path = f"/l/done/{world.task_a_later}/{token}"
    assert client.get(path).status_code == 400
    response = client.post(path, data={"csrf": csrf_of(client, "/login")})
    assert response.status_code == 400 and "không thuộc nhiệm vụ này" in response.text
    assert stored(world, Task, world.task_a_later).status == "not_started"
    assert stored(world, Task, world.task_a).status == "not_started"


def test_a_link_cannot_be_used_for_another_action(client_for, world: World):
    client = client_for(None)
    token = link_token(world.url, world.task_a, LinkAction.ACKNOWLEDGE)
    path = f"/l/done/{world.task_a}/{token}"
    response = client.post(path, data={"csrf": csrf_of(client, "/login")})
    assert response.status_code == 400 and "không dùng cho thao tác này" in response.text
    assert stored(world, Task, world.task_a).status == "not_started"
    assert client.get(f"/l/delete/{world.task_a}/{token}").status_code == 404


def test_a_partner_body_may_acknowledge_but_not_report_or_extend(
    client_for, world: World, objects: Objects
):
    """T3 is led by body B with body A as partner."""
    client = client_for(None)
    ack = token_for(world, world.task_b_with_a, LinkAction.ACKNOWLEDGE, agency_id=objects.agency_a)
    response = submit(client, f"/l/ack/{world.task_b_with_a}/{ack}")
    assert "Đã xác nhận nhận nhiệm vụ" in response.text
    for action in (LinkAction.DONE, LinkAction.EXTENSION):
        token = token_for(world, world.task_b_with_a, action, agency_id=objects.agency_a)
        path = f"/l/{action.value}/{world.task_b_with_a}/{token}"
        assert client.get(path).status_code == 400
        refused = client.post(
            path, data={"csrf": csrf_of(client, "/login"), "due": "01/09/2024", "reason": "x"}
        )
        assert refused.status_code == 400 and "không còn dùng được" in refused.text
    assert stored(world, Task, world.task_b_with_a).status == "not_started"


def test_a_link_signed_for_a_body_unrelated_to_the_task_is_refused(
    client_for, world: World, objects: Objects
):
    """T2 is body B's alone: a (validly signed) link naming body A does nothing to it."""
    client = client_for(None)
    token = token_for(world, world.task_b, LinkAction.ACKNOWLEDGE, agency_id=objects.agency_a)
    response = client.post(
        f"/l/ack/{world.task_b}/{token}", data={"csrf": csrf_of(client, "/login")}
    )
    assert response.status_code == 400
    assert "acknowledged" not in event_kinds(world, world.task_b)


def test_done_and_extension_links_stop_once_the_task_is_finished(client_for, world: World):
    client = client_for(None)
    extend = link_token(world.url, world.task_b, LinkAction.EXTENSION)
    submit(client, f"/l/done/{world.task_b}/{link_token(world.url, world.task_b, LinkAction.DONE)}")
    assert stored(world, Task, world.task_b).status == "done"
    path = f"/l/extend/{world.task_b}/{extend}"
    page = client.get(path)
    assert page.status_code == 410 and "đã kết thúc" in page.text
    second_done = link_token(world.url, world.task_b, LinkAction.DONE, salt=1)
    assert client.get(f"/l/done/{world.task_b}/{second_done}").status_code == 410


def test_a_post_without_the_pages_csrf_token_does_nothing(client_for, world: World):
    client = client_for(None)
    path = f"/l/done/{world.task_a}/{link_token(world.url, world.task_a, LinkAction.DONE)}"
    client.get(path)
    assert client.post(path, data={"note": "x"}).status_code == 403
    assert stored(world, Task, world.task_a).status == "not_started" and used_links(world) == 0
