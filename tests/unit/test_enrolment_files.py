"""Enrolment files come from sticks and the network: their readers fail closed, with
their own error only, whatever the bytes."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk import crypto
from kiosk.enrolment import (
    EnrolmentError,
    make_certificate,
    make_request,
    read_certificate,
    read_request,
)

EVENT = "01a20707-3187-7c24-977d-8fa5b3b1e001"
NOW = dt.datetime(2026, 11, 23, 8, tzinfo=dt.UTC)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=3000))
def test_readers_raise_only_their_own_error(data: bytes) -> None:
    organiser = bytes(crypto.new_signing_key().verify_key)
    with pytest.raises(EnrolmentError):
        read_request(data)
    with pytest.raises(EnrolmentError):
        read_certificate(data, organiser)


def test_a_changed_byte_or_another_signer_is_refused() -> None:
    device, organiser = crypto.new_signing_key(), crypto.new_signing_key()
    request = make_request(
        device, event_id=EVENT, name="door", role="both", software="1", created_at=NOW.isoformat()
    )
    parsed = read_request(request)
    cert = make_certificate(
        organiser, parsed, event_code="E", serial=EVENT, issued_at=NOW, not_before=NOW,
        not_after=NOW + dt.timedelta(days=1),
    )  # fmt: skip
    assert read_certificate(cert, bytes(organiser.verify_key)).device_id == parsed.device_id
    for position in range(0, len(request), 17):
        changed = bytearray(request)
        changed[position] ^= 0x01
        with pytest.raises(EnrolmentError):
            read_request(bytes(changed))
    with pytest.raises(EnrolmentError) as info:
        read_certificate(cert, bytes(crypto.new_signing_key().verify_key))
    assert info.value.code == "bad_certificate_signature"
