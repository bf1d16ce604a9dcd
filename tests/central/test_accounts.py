"""Accounts: argon2id hashes, log-in limits, TOTP, roles per event."""

from __future__ import annotations

from pathlib import Path

import pyotp
import pytest

from kiosk.central.accounts import (
    MODERATE,
    VIEW,
    LoginRefused,
    RateLimiter,
    add_user,
    authenticate,
    set_role,
    set_totp,
)
from kiosk.central.store import open_central


@pytest.fixture
def store(tmp_path: Path):
    s = open_central(f"sqlite:///{tmp_path / 'c.db'}")
    yield s
    s.close()


def test_password_is_argon2id_and_failures_lock_out(store) -> None:
    from kiosk.central.models import ConsoleUser

    add_user(store, "ann", "a good long password")
    with store.uow(readonly=True) as uow:
        assert uow.session.query(ConsoleUser).one().password_hash.startswith("$argon2id$")
    per_user, per_address = RateLimiter(3, 60), RateLimiter(100, 60)
    for _ in range(3):
        with pytest.raises(LoginRefused) as info:
            authenticate(store, "ann", "wrong", per_user=per_user, per_address=per_address)
        assert info.value.code == "bad_login"
    with pytest.raises(LoginRefused) as info:  # the right password, but locked out
        authenticate(
            store, "ann", "a good long password", per_user=per_user, per_address=per_address
        )
    assert info.value.code == "login_rate_limited"


def test_totp_and_roles_per_event(store) -> None:
    add_user(store, "cat", "a good long password")
    secret = pyotp.random_base32()
    set_totp(store, "cat", secret)
    with pytest.raises(LoginRefused):
        authenticate(store, "cat", "a good long password", "000000")
    user = authenticate(store, "cat", "a good long password", pyotp.TOTP(secret).now())
    assert not user.can(VIEW, "some-event")
    set_role(store, "cat", "moderator")
    user = authenticate(store, "cat", "a good long password", pyotp.TOTP(secret).now())
    assert user.can(MODERATE, "any-event") and not user.can("export", "any-event")
