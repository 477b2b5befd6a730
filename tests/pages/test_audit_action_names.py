"""Every audit event the code writes with a literal action is named in words on the audit
page (Vietnamese and English), so an auditor never reads a raw key such as
``council_member_replaced``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from api.i18n import ALL_TEXTS

ROOT = Path(__file__).resolve().parents[2]
ACTION = re.compile(r'\baction="([a-z_]+)"')
# The workflows' own trail: ``self._change("signed", ...)``, the action first.
POSITIONAL = re.compile(r'\b_change\(\s*"([a-z_]+)"')
# Actions the import writes as "<subject type>_created/_updated" (history sheets).
COMPOSED = ("evaluation_result", "award_record", "initiative")


def written_actions() -> set[str]:
    found = set()
    for folder in ("api", "activities", "workflows"):
        for path in (ROOT / folder).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            found.update(ACTION.findall(text))
            found.update(POSITIONAL.findall(text))
    found.update(f"{subject}_{change}" for subject in COMPOSED for change in ("created", "updated"))
    return found


@pytest.mark.fast
def test_every_written_audit_action_has_a_name_in_both_languages():
    actions = written_actions()
    assert len(actions) > 40  # the scan found the code's actions
    unnamed = sorted(a for a in actions if f"action_{a}" not in ALL_TEXTS)
    assert not unnamed, f"audit actions without a name in api/i18n.py: {unnamed}"
    for action in actions:
        vietnamese, english = (
            ALL_TEXTS[f"action_{action}"]["vi"],
            ALL_TEXTS[f"action_{action}"]["en"],
        )
        assert vietnamese and english and vietnamese != english, action


@pytest.mark.fast
def test_every_chain_problem_is_worded_on_the_auditors_page():
    """``domain.audit_chain.check_chain`` names each problem by a code the auditor's page
    words in Vietnamese (``ac_reason_<code>``), with the values it carries."""
    source = (ROOT / "domain" / "audit_chain.py").read_text(encoding="utf-8")
    # The reason is the argument after the English detail of every problem it reports.
    used = set(re.findall(r'^\s*"([a-z]+(?:_[a-z]+)*)",?\s*$', source, re.M))
    used |= set(re.findall(r'(?<=", )"([a-z]+(?:_[a-z]+)*)"\s*\)', source))
    expected = {
        "content_changed",
        "first_numbered",
        "previous_missing",
        "between_linked",
        "follows_later",
        "misnumbered",
        "newest_gone",
        "rewritten",
    }
    assert expected <= used, sorted(expected - used)
    for code in expected:
        vi, en = ALL_TEXTS[f"ac_reason_{code}"]["vi"], ALL_TEXTS[f"ac_reason_{code}"]["en"]
        assert vi and en and vi != en, code
