"""Reads of stored documents (generated or uploaded files, content-addressed)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from models import Document


async def document_by_id(session: AsyncSession, *, document_id: int) -> Document | None:
    return await session.get(Document, document_id)
