"""Each person's inbox of notices (issue 16): the list, newest first, unread ones marked;
opening a notice marks it read and goes where it points, and one button marks them all
read. The JSON face is ``api/routes/inbox.py``; both call ``api/services/inbox.py``."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from models.schemas.common import DbId

from ..deps import ReadSessionDep, SessionDep, StateDep
from ..errors import DomainError
from ..services import inbox as service
from .common import (
    PageUser,
    csrf_refused,
    domain_error_page,
    form_csrf_ok,
    login_redirect,
    redirect_with_flash,
    render,
    whole_number,
)

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 50


def local_link(link: str) -> str:
    """A notice's link when it is a path of this application, else the inbox."""
    return link if link.startswith("/") and not link.startswith("//") else "/inbox"


@router.get("/inbox", response_class=HTMLResponse)
async def inbox_list(
    request: Request,
    user: PageUser,
    session: ReadSessionDep,
    page: str | None = None,
):
    if user is None:
        return login_redirect(request)
    number = whole_number(page, 1, low=1, high=100_000)
    listing = await service.inbox_page(
        session, user_id=user.user_id, unread_only=False, page=number, page_size=PAGE_SIZE
    )
    return render(request, "pages/inbox.html", {"inbox": listing}, user=user)


@router.post("/inbox/read-all", response_class=HTMLResponse)
async def inbox_read_all(request: Request, user: PageUser, session: SessionDep, state: StateDep):
    if user is None:
        return login_redirect(request, "/inbox")
    form = await request.form()
    if not form_csrf_ok(request, str(form.get("csrf_token") or "")):
        return csrf_refused(request, user)
    marked = await service.mark_all_read(session, user_id=user.user_id, now=state.clock.now())
    await session.commit()
    return redirect_with_flash(request, "/inbox", "inbox_all_marked", n=marked.marked)


@router.post("/inbox/{notice_id}/open", response_class=HTMLResponse)
async def inbox_open(
    notice_id: DbId, request: Request, user: PageUser, session: SessionDep, state: StateDep
):
    """Mark the notice read, then go where it points (the inbox when it points nowhere)."""
    if user is None:
        return login_redirect(request, "/inbox")
    form = await request.form()
    if not form_csrf_ok(request, str(form.get("csrf_token") or "")):
        return csrf_refused(request, user)
    try:
        notice = await service.mark_read(
            session, user_id=user.user_id, notice_id=notice_id, now=state.clock.now()
        )
    except DomainError as exc:
        await session.rollback()
        return domain_error_page(request, user, exc)
    await session.commit()
    target = local_link(notice.link) if str(form.get("follow") or "") == "yes" else "/inbox"
    return RedirectResponse(target, status_code=303)
