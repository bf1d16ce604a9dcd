"""Organiser credentials for the API: random bearer tokens, kept only as SHA-256.

A token is 32 random bytes (``secrets``), so a plain SHA-256 is enough to keep it
from being read back out of the database (no password stretching is needed for
a secret nobody chose); it is compared by a unique-index lookup of its digest.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import select

from kiosk.central.models import ApiToken
from kiosk.domain.errors import KioskError
from kiosk.i18n import N_
from kiosk.ids import new_id
from kiosk.storage.store import Store

PREFIX = "lkt_"


@dataclass(frozen=True)
class IssuedToken:
    id: str
    name: str
    token: str


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(store: Store, name: str) -> IssuedToken:
    if not name.strip() or len(name) > 100:
        raise KioskError(N_("Give the token a name of up to 100 characters."), code="bad_name")
    token = PREFIX + secrets.token_urlsafe(32)
    with store.uow() as uow:
        row = ApiToken(
            id=new_id(), name=name, token_hash=_digest(token), created_at=store.clock.now()
        )
        uow.session.add(row)
        uow.commit()
        return IssuedToken(row.id, name, token)


def revoke_token(store: Store, token_id: str) -> None:
    with store.uow() as uow:
        row = uow.session.get(ApiToken, token_id)
        if row is None:
            raise KioskError(N_("No API token {id}."), code="unknown_token", id=token_id[:40])
        row.revoked_at = row.revoked_at or store.clock.now()
        uow.commit()


def check_token(store: Store, token: str) -> bool:
    if not token.startswith(PREFIX) or len(token) > 100:
        return False
    with store.uow(readonly=True) as uow:
        row = uow.session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token)))
        return row is not None and row.revoked_at is None
