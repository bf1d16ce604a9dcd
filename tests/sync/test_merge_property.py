"""Property: any JSON value in any field of any journal record, written by an enrolled
device, through a bundle and the central import, ends accepted or quarantined: never
an exception, and never a change to another device's or another event's rows."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.domain.proposal import ProposalDraft
from kiosk.ids import new_id
from kiosk.services.checkin import check_in
from kiosk.services.proposals import submit_proposal
from kiosk.sync import records
from tests.sync import forge
from tests.sync.test_attacks import Venue

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**80), max_value=2**80)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


TARGETS = ("new", "others", "invitee", "other_event")


def target_id(venue: Venue, kind: str, target: str) -> str:
    """A new id, or the id of someone else's record: another device's, an invitee's, or
    another event's attendee."""
    if target == "others":
        return {
            "proposal.submitted": venue.a_proposal,
            "checkin.recorded": venue.a_checkin,
            "checkin.undone": venue.a_checkin,
        }.get(kind, venue.a.device_id or "")
    if target == "invitee":
        return venue.invitee_id
    if target == "other_event":
        return venue.other_person
    return new_id()


def valid_payload(
    kind: str, device: forge.Device, venue: Venue, target: str
) -> tuple[str, dict[str, Any]]:
    """(record_id, payload) of a well-formed record of ``kind`` by ``device``, aimed at
    ``target`` (its own new record, or someone else's)."""
    event = venue.event_id
    aim = target_id(venue, kind, target)
    if kind == "proposal.submitted":
        p = forge.proposal(device.id, event, id=aim)
        return aim, p
    if kind == "checkin.recorded":
        person = aim if target in ("invitee", "other_event") else venue.invitee_id
        p = forge.checkin(device.id, event, person)
        if target == "others":
            p["id"] = aim
        return p["id"], p
    if kind == "checkin.undone":
        return aim, {"id": aim, "undone_at": forge.NOW}
    if kind == "attendee.registered":
        return aim, forge.walk_in(device.id, event, aim)
    if kind == "device.created":
        return device.id, {
            "id": device.id,
            "name": "k",
            "role": "both",
            "public_key": device.public_key,
            "created_at": forge.NOW,
        }
    if kind == "event.set_up":
        return event, {
            "id": event,
            "code": "SM-2026",
            "name": "n",
            "region": "",
            "venue": "",
            "languages": ["fr"],
            "starts_at": None,
            "ends_at": None,
            "themes": [],
        }
    if kind == "event.pack_imported":
        return event, {
            "event_id": event,
            "pack_id": new_id(),
            "issued_at": forge.NOW,
            "attendees": 1,
            "revoked": 0,
            "device_public_key": device.public_key,
            "device_name": "k",
            "role": "both",
        }
    assert kind == "device.enrolled"
    return device.id, {
        "device_id": device.id,
        "event_id": event,
        "serial": new_id(),
        "name": "k",
        "role": "both",
        "not_after": forge.NOW,
    }


@pytest.fixture
def venue(organiser, tmp_path: Path) -> Iterator[Venue]:
    v = Venue(organiser, tmp_path)
    # Another device's and another event's rows, already merged: these must never move.
    v.a_checkin = check_in(v.a, v.tokens[0]["token"]).checkin_id
    v.a_proposal = submit_proposal(v.a, ProposalDraft("skills", "fr", "Vrai", "Vrai")).id
    assert v.import_(v.export_a()).outcome == "accepted"
    _other_event, v.other_person = v.other_event()
    yield v
    v.a.close()
    v.central.close()


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    kind=st.sampled_from(sorted(records.KINDS)),
    target=st.sampled_from(TARGETS),
    changes=st.dictionaries(st.text(max_size=20), json_values, max_size=3),
    field_changes=st.lists(st.tuples(st.integers(0, 20), json_values), max_size=3),
    whole=st.one_of(st.none(), json_values),
    record_id=st.one_of(st.none(), st.text(max_size=40)),
)
def test_any_value_in_any_field_is_accepted_or_quarantined(
    venue: Venue,
    kind: str,
    target: str,
    changes: dict[str, Any],
    field_changes: list[tuple[int, Any]],
    whole: Any,
    record_id: str | None,
) -> None:
    device = forge.enrolled_device(venue.central, venue.folder, "SM-2026", venue.event_id)
    rid, payload = valid_payload(kind, device, venue, target)
    names = records.field_names(records.KINDS[kind])
    for index, value in field_changes:  # a known field gets any value
        payload[names[index % len(names)]] = value
    payload.update(changes)  # unknown fields, or known ones by name
    body: Any = payload if whole is None else whole
    entries = forge.chain(device.id, [(kind, rid if record_id is None else record_id, body)])
    before = venue.rows()
    outcome = venue.import_(
        forge.bundle(device, entries, event_id=venue.event_id, seal_pk=venue.seal_pk)
    )
    assert outcome.outcome in ("accepted", "rejected"), outcome
    if outcome.outcome == "rejected":
        assert outcome.code and outcome.reason
        assert venue.rows() == before, outcome
        return
    after = venue.rows()
    for table, rows in before.items():
        assert set(rows) <= set(after[table]) or table == "attendee", table
    # Rows that were there stay as they were, but for placeholders this device may fill
    # (a walk-in stub it registers); new rows are this device's, in this event.
    old_attendees = {r[0]: r for r in before["attendee"]}
    for row in after["attendee"]:
        if row[0] in old_attendees and row != old_attendees[row[0]]:
            assert old_attendees[row[0]][6] is None and old_attendees[row[0]][4] == "walk_in"
        if row[0] not in old_attendees:
            assert row[1] == venue.event_id
    for row in set(after["proposal"]) - set(before["proposal"]):
        assert row[1] == device.id and row[3] == venue.event_id
    for row in set(after["checkin"]) - set(before["checkin"]):
        assert row[1] == device.id
    json.dumps(outcome.__dict__)  # the outcome is plain data, as the API sends it
