"""Every text a page shows exists in Vietnamese and English; every stage, level, command,
status and audit action the engine produces has a name in both."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from api.i18n import ALL_TEXTS, translator
from domain.permissions import Command
from domain.vocabulary import (
    BallotMode,
    DecisionKind,
    DecisionStatus,
    ItemResult,
    Level,
    Role,
    SessionStatus,
    Stage,
)
from thidua.settings import PROJECT_ROOT

pytestmark = pytest.mark.fast

TEMPLATES = PROJECT_ROOT / "templates" / "pages"
LITERAL_KEY = re.compile(r"""\bt\(\s*["']([a-z0-9_]+)["']\s*[,)]""")
ACTION = re.compile(
    r"""(?:_enter\(\s*Stage\.\w+,\s*|_close\(\s*Stage\.\w+,\s*|_record\(self\._enter\(\w+,\s*)"([a-z_]+)\""""
)


def test_every_literal_key_of_the_templates_is_translated():
    used: set[str] = set()
    for path in TEMPLATES.glob("*.html"):
        used |= set(LITERAL_KEY.findall(path.read_text(encoding="utf-8")))
    for path in (PROJECT_ROOT / "api" / "pages").glob("*.py"):
        used |= set(
            re.findall(r"""\btext\(request,\s*"([a-z_]+)\"""", path.read_text(encoding="utf-8"))
        )
        used |= set(
            re.findall(
                r"""redirect_with_flash\(\s*request,[^,]+,\s*"([a-z_]+)\"""",
                path.read_text(encoding="utf-8"),
            )
        )
    assert len(used) > 150
    missing = sorted(k for k in used if k not in ALL_TEXTS)
    assert missing == []
    for key in used:
        assert ALL_TEXTS[key].get("vi") and ALL_TEXTS[key].get("en"), key


def test_every_value_the_engine_produces_has_a_name():
    keys = (
        [f"stage_{s.value}" for s in Stage]
        + [f"level_{lv.value}" for lv in Level]
        + [f"command_{c.value}" for c in Command if c != Command.LODGE_OBJECTION]
        + [f"dstatus_{s.value}" for s in DecisionStatus]
        + [f"status_{s.value}" for s in SessionStatus]
        + [f"result_{r.value}" for r in ItemResult]
        + [f"kind_{k.value}" for k in DecisionKind]
        + [f"vote_mode_{m.value}" for m in BallotMode]
        + [r.value for r in Role]
    )
    workflow = (PROJECT_ROOT / "workflows" / "nomination.py").read_text(encoding="utf-8")
    actions = set(ACTION.findall(workflow)) | {"submitted", "revoked"}
    assert {"accepted", "returned_for_supplement", "granted", "forwarded"} <= actions
    keys += [f"action_{a}" for a in actions]
    missing = [k for k in keys if k not in ALL_TEXTS]
    assert missing == []


def test_vietnamese_texts_carry_their_diacritics():
    vi = translator("vi")
    assert vi("stage_awaiting_council") == "Chờ Hội đồng xét"
    assert vi("overdue_count", n=3) == "Quá hạn: 3"
    assert translator("en")("overdue_count", n=3) == "Overdue: 3"
    # A Vietnamese text is never left in English by mistake: at least one letter with a
    # diacritic or a Vietnamese word in most entries.
    plain = [k for k, v in ALL_TEXTS.items() if v["vi"] == v["en"] and len(v["vi"]) > 12]
    assert plain == []


def test_pages_never_hard_code_a_language_switch_outside_texts():
    for path in TEMPLATES.glob("*.html"):
        if path.name.startswith("verification"):
            continue
        text = path.read_text(encoding="utf-8")
        assert 'if lang == "vi" else "' not in text, path.name


def test_templates_are_readable_files():
    assert all(Path(p).stat().st_size > 0 for p in TEMPLATES.glob("*.html"))
