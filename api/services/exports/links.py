"""The address of each download with the filters a page shows, for the page's link
"Tải Excel (.xlsx)" (the pages read their own, looser query strings; the link carries
what they understood, in the form the JSON routes take)."""

from __future__ import annotations

from urllib.parse import urlencode

from domain.vocabulary import ExemplarStage, Level

from ...queries.audit import AuditFilters
from ...queries.nominations import NominationFilters


def _url(path: str, params: dict[str, object]) -> str:
    chosen = {
        k: ("true" if v is True else "false" if v is False else v)
        for k, v in params.items()
        if v is not None and v != ""
    }
    return path + ("?" + urlencode(chosen) if chosen else "")


def nominations_link(filters: NominationFilters) -> str:
    return _url(
        "/api/v1/nominations.xlsx",
        dict(
            unit_id=filters.unit_id,
            award_code=filters.award_code,
            level=filters.level.value if filters.level else None,
            stage=filters.stage.value if filters.stage else None,
            overdue=filters.overdue,
            year=filters.year,
            authority_id=filters.authority_id,
            q=filters.query,
            open_only=filters.open_only or None,
        ),
    )


def deadlines_link(within_working_days: int, level: Level | None) -> str:
    return _url(
        "/api/v1/boards/deadlines.xlsx",
        dict(within_working_days=within_working_days, level=level.value if level else None),
    )


def registrations_link(campaign_id: int, year: int | None) -> str:
    return _url(f"/api/v1/campaigns/{campaign_id}/registrations.xlsx", dict(year=year))


def exemplars_link(campaign_id: int, stage: ExemplarStage | None) -> str:
    return _url(
        f"/api/v1/campaigns/{campaign_id}/exemplars.xlsx",
        dict(stage=stage.value if stage else None),
    )


def audit_link(filters: AuditFilters) -> str:
    return _url(
        "/api/v1/audit.xlsx",
        dict(
            q=filters.q,
            nomination_id=filters.nomination_id,
            action=filters.action,
            level=filters.level.value if filters.level else None,
            stage=filters.stage.value if filters.stage else None,
            award_code=filters.award_code,
            date_from=filters.date_from.isoformat() if filters.date_from else None,
            date_to=filters.date_to.isoformat() if filters.date_to else None,
        ),
    )


def session_results_link(session_id: int) -> str:
    return f"/api/v1/council-sessions/{session_id}/results.xlsx"


def awardees_link(decision_id: int) -> str:
    return f"/api/v1/decisions/{decision_id}/awardees.xlsx"
