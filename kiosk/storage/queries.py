"""Small read helpers shared by status, dashboard and central statistics."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session


def count_rows(session: Session, model: Any, *where: Any) -> int:
    """``SELECT count(*) FROM model WHERE ...`` as an int."""
    return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)
