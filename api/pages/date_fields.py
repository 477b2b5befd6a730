"""Date fields of the pages: text in Vietnamese order (dd/mm/yyyy), whatever the
browser's language (``templates/pages/*`` render them with the ``date_field`` filter and
``date_pattern``). Before a form's text meets the JSON API's schema, the dates typed as
dd/mm/yyyy become ISO; a date that is not one stays as typed, and the schema refuses it
next to its field ("write day/month/year")."""

from __future__ import annotations

import types
from datetime import date, datetime
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel

from domain.vn_dates import parse_vn_date


def _is_date(annotation: Any) -> bool:
    if annotation is date:
        return True
    if annotation is datetime:
        return False
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType) or origin is not None:
        return any(_is_date(argument) for argument in get_args(annotation))
    return False


def iso_dates(model: type[BaseModel], values: dict[str, Any]) -> dict[str, Any]:
    """``values`` with each date field of ``model`` typed as dd/mm/yyyy turned into ISO."""
    converted = dict(values)
    for name, field in model.model_fields.items():
        raw = converted.get(name)
        if isinstance(raw, str) and raw.strip() and _is_date(field.annotation):
            day = parse_vn_date(raw)
            if day is not None:
                converted[name] = day.isoformat()
    return converted
