"""Every local setting of a kiosk, in one place: its key in ``local_setting``, its type
and its value when unset.

A setting is read and written through the unit of work with these objects, never by
its key's text: ``uow.settings(TRAINING, EVENT_ID)[TRAINING]`` is a ``bool``, and
``uow.save(IDLE_TIMEOUT_S, 120)`` accepts only an ``int``. The table itself stores
text, so each setting says how its value becomes text and back.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

T = TypeVar("T")


def _text(value: str) -> str:
    return value


def _flag(value: str) -> bool:
    return value == "1"


def _flag_text(value: bool) -> str:
    return "1" if value else "0"


def _count(value: str) -> int:
    try:
        return int(value or 0)
    except ValueError:
        return 0  # a damaged value reads as none, as if unset


def _optional_count(value: str) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _optional_count_text(value: int | None) -> str:
    return "" if value is None else str(value)


@dataclass(frozen=True)
class Setting(Generic[T]):
    """One local setting: ``key`` in the table, ``default`` when unset."""

    key: str
    default: T
    decode: Callable[[str], T]
    encode: Callable[[T], str]


def _str(key: str) -> Setting[str]:
    return Setting(key, "", _text, _text)


def _bool(key: str) -> Setting[bool]:
    return Setting(key, False, _flag, _flag_text)


# Who this kiosk is and what it serves (set up from the pack, or the demo).
DEVICE_ID = _str("device_id")
EVENT_ID = _str("event_id")
STATION_NAME = _str("station_name")
DEMO = _bool("demo_kiosk")
DEVICE_CERTIFICATE = _str("device_certificate")  # base64 of the organiser's certificate
# The organiser's public keys (hex) and the event's walk-in badge key, from the pack.
ORGANISER_SIGN_PK = _str("organiser_sign_pk")
ORGANISER_SEAL_PK = _str("organiser_seal_pk")
WALKIN_SIGNING_KEY = _str("walkin_signing_key")
PACK_ISSUED_AT = _str("pack_issued_at")  # ISO time: an older pack is refused
# The staff: their PIN (argon2id hash), its failures and lock, and their settings.
PIN_HASH = _str("staff_pin_hash")
PIN_FAILURES: Setting[int] = Setting("staff_pin_failures", 0, _count, str)
PIN_LOCKED_UNTIL = _str("staff_pin_locked_until")  # ISO time, or "" when not locked
IDLE_TIMEOUT_S: Setting[int | None] = Setting(
    "idle_timeout_s", None, _optional_count, _optional_count_text
)
TRAINING = _bool("training_mode")
CENTRAL_URL = _str("central_url")
LAST_EXPORT = _str("last_export")  # JSON: path, from_seq, to_seq, at

ALL: tuple[Setting[Any], ...] = (
    DEVICE_ID,
    EVENT_ID,
    STATION_NAME,
    DEMO,
    DEVICE_CERTIFICATE,
    ORGANISER_SIGN_PK,
    ORGANISER_SEAL_PK,
    WALKIN_SIGNING_KEY,
    PACK_ISSUED_AT,
    PIN_HASH,
    PIN_FAILURES,
    PIN_LOCKED_UNTIL,
    IDLE_TIMEOUT_S,
    TRAINING,
    CENTRAL_URL,
    LAST_EXPORT,
)


class Values:
    """Settings as read (the unset ones read as their default)."""

    def __init__(self, raw: Mapping[str, str]) -> None:
        self.raw = raw

    def __getitem__(self, setting: Setting[T]) -> T:
        text = self.raw.get(setting.key)
        return setting.default if text is None else setting.decode(text)

    def is_set(self, setting: Setting[Any]) -> bool:
        return setting.key in self.raw


def keys(settings: tuple[Setting[Any], ...]) -> tuple[str, ...]:
    return tuple(s.key for s in settings)
