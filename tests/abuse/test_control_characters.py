"""Control characters in input: refused with a 422 naming the field, on SQLite and on
PostgreSQL (which cannot store U+0000: before the fix, the three requests of the issue
answered 500 there and dropped the connection), for every text field of every JSON body,
every path and query parameter, every form field of the API and the login (the pages:
``tests/pages/test_control_characters_pages.py``).

The sweep walks the OpenAPI document, so an operation or a field added later is covered
without a line here: a text field that does not use the shared string types of
``models/schemas/common.py`` fails it."""

from __future__ import annotations

import re
from typing import Any

import pytest

pytestmark = [pytest.mark.postgres]

NUL = "\x00"
# Long enough for every minimum length (a length is checked before the characters).
HOLDING_NUL = f"Nguyễn{NUL}Văn An ở tổ 1"
# One of each kind: C0, the line breaks a one-line field refuses, DEL, C1.
REFUSED_EVERYWHERE = ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\x9b"]


def control_problem(response, field: str | None = None) -> dict:
    """The control-character problem of a 422 answer (the one naming ``field``)."""
    assert response.status_code == 422, f"{response.status_code}: {response.text[:300]}"
    payload = response.json()
    problems = [p for p in payload["problems"] if p["type"] == "control_character"]
    assert problems, payload
    if field is not None:
        assert field in [p["field"] for p in problems], payload
    return payload


# ---- the three requests of the issue -----------------------------------------------------


async def test_nul_in_a_nomination_text_field(harness):
    body = {
        "award_code": "giay_khen",
        "year": 2026,
        "proposing_unit_id": harness.ids.units["tk-van-phong"],
        "nominee": {"kind": "individual", "person_id": harness.ids.people["Nguyễn Thị Hoa"]},
        "achievement_summary": f"Hoàn thành xuất sắc{NUL} nhiệm vụ",
    }
    response = await harness.post("canbo.vanphong", "/api/v1/nominations", body)
    payload = control_problem(response, "body.achievement_summary")
    assert payload["field"] == "body.achievement_summary"
    assert "U+0000" in payload["problems"][0]["message"]
    # The connection is still good: the same request without it is saved.
    body["achievement_summary"] = "Hoàn thành xuất sắc\r\nnhiệm vụ\t(hai dòng)"
    saved = await harness.ok("canbo.vanphong", "/api/v1/nominations", body, status=201)
    assert saved["achievement_summary"] == body["achievement_summary"]


async def test_nul_in_the_nomination_search(harness):
    response = await harness.get("thuongtruc", "/api/v1/nominations", params={"q": NUL})
    assert control_problem(response, "query.q")["field"] == "query.q"
    assert (await harness.get("thuongtruc", "/api/v1/nominations")).status_code == 200


async def test_nul_in_the_login_needs_no_sign_in(harness):
    for field in ("username", "password"):
        form = {"username": "canbo.vanphong", "password": "thidua2026", field: f"x{NUL}"}
        response = await harness.http.post("/api/v1/auth/token", data=form)
        assert control_problem(response, f"body.{field}")["field"] == f"body.{field}"
    signed_in = await harness.http.post(
        "/api/v1/auth/token", data={"username": "canbo.vanphong", "password": "thidua2026"}
    )
    assert signed_in.status_code == 200, signed_in.text


# ---- which characters ---------------------------------------------------------------------


async def test_line_breaks_only_where_a_field_has_lines(harness):
    nomination = (await harness.nominate())["id"]
    path = f"/api/v1/nominations/{nomination}/return"
    for character in REFUSED_EVERYWHERE:
        body = {"missing_items": ["to_trinh"], "reason": f"Thiếu{character}tờ trình"}
        control_problem(await harness.post("thuongtruc", path, body), "body.reason")
        body = {"missing_items": [f"to{character}trinh"], "reason": "Thiếu tờ trình"}
        control_problem(await harness.post("thuongtruc", path, body), "body.missing_items.0")
    for character in ("\t", "\n", "\r"):  # a code is one line
        body = {"missing_items": [f"to{character}trinh"], "reason": "Thiếu"}
        control_problem(await harness.post("thuongtruc", path, body), "body.missing_items.0")
    # A reason may have lines and tabs; Vietnamese, emoji and typographic marks are text.
    body = {"missing_items": ["to_trinh"], "reason": "Thiếu:\r\n\t– tờ trình «ký» 👍\u00a0"}
    assert (await harness.post("thuongtruc", path, body)).status_code == 200


async def test_a_control_character_at_either_end_is_refused_not_trimmed(harness):
    """Python counts U+000B, U+001F and U+0085 as white space: trimmed first, they would be
    taken off silently; they are refused like any other."""
    nomination = (await harness.nominate())["id"]
    path = f"/api/v1/nominations/{nomination}/return"
    for reason in ("\x1fThiếu tờ trình", "Thiếu tờ trình\x85", "Thiếu tờ trình\x0b"):
        body = {"missing_items": ["to_trinh"], "reason": reason}
        control_problem(await harness.post("thuongtruc", path, body), "body.reason")


async def test_path_segments_are_checked_too(harness):
    response = await harness.get("thuongtruc", "/api/v1/catalogue/awards/giay%00khen")
    control_problem(response, "path.code")


# ---- every operation ----------------------------------------------------------------------


def _resolve(spec: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _strings(spec: dict, schema: dict, seen: frozenset[str] = frozenset()):
    """(path, free) of every string a body schema holds: ``path`` the keys and list
    positions to it (``KEY`` for the key of a mapping), ``free`` whether it is free text
    (not an enum, a pattern, a date, a file...)."""
    ref = schema.get("$ref", "")
    if ref in seen:
        return
    schema = _resolve(spec, schema)
    seen = seen | {ref}
    for option in schema.get("anyOf", []):
        yield from _strings(spec, option, seen)
    kind = schema.get("type")
    if kind == "string":
        yield [], not any(k in schema for k in ("enum", "const", "pattern", "format"))
    elif kind == "array" and "items" in schema:
        for path, free in _strings(spec, schema["items"], seen):
            yield [0, *path], free
    elif kind == "object":
        for name, sub in schema.get("properties", {}).items():
            for path, free in _strings(spec, sub, seen):
                yield [name, *path], free
        if isinstance(schema.get("additionalProperties"), dict):
            yield [KEY], True


KEY = object()  # the key of a mapping, in a path of ``_strings``


def _body_with(path: list, value: str) -> Any:
    """The smallest body holding ``value`` at ``path`` (the other fields missing: their
    own errors come along, the one looked for is among them)."""
    if not path:
        return value
    head, rest = path[0], path[1:]
    if head is KEY:
        return {value: "agree"}
    if head == 0:
        return [_body_with(rest, value)]
    return {head: _body_with(rest, value)}


def _field(path: list) -> str:
    return ".".join(["body", *(str(p) for p in path if p is not KEY)])


def _string_parameter(parameter: dict) -> bool:
    schema = parameter["schema"]
    return any(s.get("type") == "string" for s in [schema, *schema.get("anyOf", [])])


async def test_every_operation_refuses_control_characters(harness):
    """Every text of every operation: a path or query parameter, a form field, a field of
    a JSON body (nested ones, list items and mapping keys included) holding U+0000 gets a
    422 naming it; a free text field says it is the control character. Nothing is a 5xx."""
    spec = harness.app.openapi()
    headers = harness.headers("thuongtruc")
    checked: list[str] = []
    failures: list[str] = []

    def expect(response, label: str, field: str, *, free: bool) -> None:
        checked.append(label)
        if response.status_code != 422:
            failures.append(f"{label}: {response.status_code} {response.text[:200]}")
            return
        named = [p for p in response.json()["problems"] if p["field"].startswith(field)]
        if not named:
            failures.append(f"{label}: 422 without naming {field}: {response.text[:300]}")
        elif free and not any(p["type"] == "control_character" for p in named):
            failures.append(f"{label}: refused, not as a control character: {named}")

    for template, operations in spec["paths"].items():
        for method, operation in operations.items():
            parameters = operation.get("parameters", [])
            # Path parameters that are not the one under test: a number fits them all.
            path_values = {p["name"]: "1" for p in parameters if p["in"] == "path"}

            def url(values: dict[str, str], template: str = template) -> str:
                return re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], template)

            async def send(path: str, method: str = method, **kwargs):
                return await harness.http.request(method, path, headers=headers, **kwargs)

            for parameter in parameters:
                if parameter["in"] not in ("path", "query") or not _string_parameter(parameter):
                    continue
                where, name = parameter["in"], parameter["name"]
                if where == "path":
                    response = await send(url({**path_values, name: "a%00b"}))
                else:
                    response = await send(url(path_values), params={name: HOLDING_NUL})
                expect(
                    response,
                    f"{method.upper()} {template} {where}.{name}",
                    f"{where}.{name}",
                    free=True,
                )
            for media_type, content in operation.get("requestBody", {}).get("content", {}).items():
                for path, free in _strings(spec, content["schema"]):
                    label = f"{method.upper()} {template} {_field(path)}"
                    if media_type == "application/json":
                        response = await send(url(path_values), json=_body_with(path, HOLDING_NUL))
                    elif free:  # a form's text field (a file is not text)
                        response = await send(url(path_values), data={path[0]: HOLDING_NUL})
                    else:
                        continue
                    expect(response, label, _field(path), free=free)

    assert not failures, f"{len(failures)} of {len(checked)}:\n" + "\n".join(failures)
    assert len(checked) >= 70, len(checked)  # the whole API, nested fields included
