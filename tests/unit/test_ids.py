"""Record ids (UUIDv7) and receipt codes."""

from __future__ import annotations

import re
import uuid

from kiosk.ids import RECEIPT_ALPHABET, new_id, new_receipt_code


def test_ids_are_uuid7_in_the_order_they_were_made() -> None:
    ids = [new_id() for _ in range(10_000)]
    assert len(set(ids)) == len(ids)
    assert ids == sorted(ids)  # time-ordered, also within one millisecond
    for value in ids[::997]:
        parsed = uuid.UUID(value)
        assert parsed.version == 7 and str(parsed) == value


def test_receipt_codes_use_the_unambiguous_alphabet() -> None:
    pattern = re.compile(f"[{RECEIPT_ALPHABET}]{{4}}-[{RECEIPT_ALPHABET}]{{4}}")
    codes = {new_receipt_code() for _ in range(1000)}
    assert len(codes) == 1000
    assert all(pattern.fullmatch(code) for code in codes)
