"""The next step of an exemplar is told (issue 16, point 6): when a model is summarized,
the ward's public service centre, which must publish it, gets a notice and finds it among
the tasks of its home page until it is published. The exemplar's history is saved as a
replay fixture (``THIDUA_SAVE_HISTORIES=1``) for the path under the
``exemplar-publish-notice`` patch."""

from __future__ import annotations

import pytest

from tests.campaigns.helpers import (
    SAVE_HISTORIES,
    add_unit_officer,
    eventually,
    notice_users,
    notices,
    plan_campaign,
    save_history,
    this_year,
)

pytestmark = [pytest.mark.postgres]


def task_list(page) -> str:
    start = page.text.find('id="to-publish"')
    return page.text[start : page.text.index("</ul>", start)] if start >= 0 else ""


async def test_a_summarized_model_is_a_task_of_the_centre_that_publishes_it(
    harness, people, backend
):
    h = harness
    await add_unit_officer(h, "canbo.ttdv", "Phạm Quốc Bảo", "tk-ttdv")
    campaign_id = await plan_campaign(h, await this_year(h))
    await h.ok("thuongtruc", f"/api/v1/campaigns/{campaign_id}/launch")
    exemplar = await h.ok(
        "canbo.vanphong",
        f"/api/v1/campaigns/{campaign_id}/exemplars",
        {
            "title": "Gương cán bộ tận tụy",
            "subject_kind": "individual",
            "person_id": h.ids.people["Nguyễn Thị Hoa"],
            "proposing_unit_id": h.ids.units["tk-van-phong"],
            "content_area_code": "cai-cach-hanh-chinh",
            "evidence": "Không để hồ sơ trễ hạn",
        },
        status=201,
    )
    path = f"/api/v1/exemplars/{exemplar['id']}"
    await h.ok(
        "canbo.vanphong",
        f"{path}/nurture",
        {
            "support_plan": "Tập huấn kỹ năng số",
            "responsible_user_id": h.ids.users["canbo.vanphong"],
            "follow_up_every_days": 30,
        },
    )
    centre = people("canbo.ttdv")
    assert f'data-exemplar="{exemplar["id"]}"' not in task_list(await centre.get("/"))

    await h.ok("thuongtruc", f"{path}/summarize", {"findings": "Lan tỏa tốt", "rating": "good"})
    told = await eventually(
        lambda: notice_users(h, "exemplar_publish_requested"), lambda users: bool(users)
    )
    assert told == {"canbo.ttdv"}  # the centre only, not the unit that proposed it
    home = await centre.get("/")
    assert f'data-exemplar="{exemplar["id"]}"' in task_list(home)
    assert "Gương cán bộ tận tụy" in task_list(home)
    # Nobody else is asked to publish it.
    assert f'data-exemplar="{exemplar["id"]}"' not in task_list(
        await people("canbo.vanphong").get("/")
    )
    # A second assessment tells the centre nothing new.
    await h.ok("thuongtruc", f"{path}/summarize", {"findings": "Vẫn tốt", "rating": "good"})

    await h.ok("canbo.ttdv", f"{path}/publish", {})
    await eventually(lambda: centre.get("/"), lambda page: not task_list(page))
    # One notice in all: the second assessment's notice has the same key.
    assert [user for user, _ in await notices(h, "exemplar_publish_requested")] == ["canbo.ttdv"]
    if SAVE_HISTORIES and backend == "sqlite":
        handle = h.client.get_workflow_handle(f"exemplar-{exemplar['id']}")
        save_history("exemplar-publish-notice", await handle.fetch_history())
