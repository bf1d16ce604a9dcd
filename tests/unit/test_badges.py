"""Badge tokens: vectors under three keyboard layouts, signatures, fail-closed parsing."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk import badges, crypto
from kiosk.event_pack import PackError, read_pack
from tests.conftest import REPO_ROOT

VECTORS = json.loads((REPO_ROOT / "tests" / "data" / "badge_vectors.json").read_text("utf-8"))


def keys() -> dict[int, dict[bytes, bytes]]:
    """Each kind's one signer: the organiser for invitees, the walk-in key for walk-ins."""
    out: dict[int, dict[bytes, bytes]] = {}
    for kind, name in (
        (badges.KIND_INVITEE, "organiser_public_key"),
        (badges.KIND_WALK_IN, "walkin_public_key"),
    ):
        pk = bytes.fromhex(VECTORS[name])
        out[kind] = {crypto.key_id(pk): pk}
    return out


def test_a_badge_kind_is_bound_to_its_key() -> None:
    """The walk-in key cannot sign an invitee's badge, nor the organiser's a walk-in's."""
    organiser, walk_in = crypto.new_signing_key(), crypto.new_signing_key()
    bound = {
        badges.KIND_INVITEE: {
            crypto.key_id(bytes(organiser.verify_key)): bytes(organiser.verify_key)
        },
        badges.KIND_WALK_IN: {crypto.key_id(bytes(walk_in.verify_key)): bytes(walk_in.verify_key)},
    }
    event, person = "01a20707-3187-7c24-977d-8fa5b3b1e001", "01a20707-3187-7c24-977d-8fa5b3b1e002"
    badges.verify_badge(
        badges.parse_token(badges.make_token(organiser, badges.KIND_INVITEE, event, person)), bound
    )
    badges.verify_badge(
        badges.parse_token(badges.make_token(walk_in, badges.KIND_WALK_IN, event, person)), bound
    )
    for key, kind in ((walk_in, badges.KIND_INVITEE), (organiser, badges.KIND_WALK_IN)):
        forged = badges.parse_token(badges.make_token(key, kind, event, person))
        with pytest.raises(badges.BadgeError) as info:
            badges.verify_badge(forged, bound)
        assert info.value.code == "invalid_signature"


def test_vectors_cover_every_character_under_every_layout() -> None:
    layouts = VECTORS["layouts"]
    assert {"us_qwerty", "fr_azerty", "ar_101_windows", "ar_linux_xkb"} <= set(layouts)
    for layout in layouts:
        used = set("".join(v["typed"][layout] for v in VECTORS["vectors"]))
        assert used == set(layouts[layout]), layout  # all ten keys appear typed
    alphabet = set("".join(v["token"] for v in VECTORS["vectors"]))
    assert alphabet == set(badges.DIGITS)


@pytest.mark.parametrize("index", range(len(VECTORS["vectors"])))
def test_every_vector_decodes_and_verifies(index: int) -> None:
    vector = VECTORS["vectors"][index]
    for layout, typed in vector["typed"].items():
        assert badges.decode_scanned(typed) == vector["token"], layout
        assert badges.decode_scanned(f"  {typed}\r\n") == vector["token"]
    badge = badges.parse_token(vector["token"])
    assert badge.attendee_id == vector["attendee_id"]
    assert badge.kind == vector["kind"]
    assert badge.event_tag == badges.event_tag(vector["event_id"])
    badges.verify_badge(badge, keys())


@pytest.mark.parametrize("platform,first_code", [("linux", 10), ("win32", 2)])
def test_key_event_decoder_uses_scan_codes_when_text_is_unknown(
    platform: str, first_code: int
) -> None:
    token = VECTORS["vectors"][0]["token"]
    # An unknown layout: every key types "?" but its scan code is that of the digit row.
    events = [(first_code + (int(d) - 1) % 10, "?") for d in token] + [(28, "\r")]
    assert badges.decode_key_events(events, platform=platform) == token
    azerty = VECTORS["vectors"][0]["typed"]["fr_azerty"]
    assert badges.decode_key_events([(0, ch) for ch in azerty], platform=platform) == token


def test_one_changed_digit_is_never_accepted() -> None:
    token = VECTORS["vectors"][0]["token"]
    for position in range(0, len(token), 7):
        changed = token[:position] + str((int(token[position]) + 1) % 10) + token[position + 1 :]
        with pytest.raises(badges.BadgeError) as info:
            badges.verify_badge(badges.parse_token(changed), keys())
        assert info.value.code in ("malformed", "invalid_signature")


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=400))
def test_decoder_raises_only_its_own_error(text: str) -> None:
    try:
        token = badges.decode_scanned(text)
        badges.verify_badge(badges.parse_token(token), keys())
    except badges.BadgeError:
        pass


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=badges.DIGITS, min_size=badges.TOKEN_DIGITS, max_size=badges.TOKEN_DIGITS))
def test_random_digit_strings_fail_closed(token: str) -> None:
    with pytest.raises(badges.BadgeError):
        badges.verify_badge(badges.parse_token(token), keys())


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_pack_reader_raises_only_its_own_error(data: bytes) -> None:
    with pytest.raises(PackError):
        read_pack(data)


@settings(max_examples=200, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=20),
        lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=8), c, max_size=4),
        max_leaves=20,
    )
)
def test_pack_reader_on_arbitrary_json(doc: object) -> None:
    envelope = {
        "format": "listening-kiosk/event-pack",
        "version": 1,
        "signer": "00" * 32,
        "payload": "e30=",
        "signature": "00" * 64,
        "extra": doc,
    }
    for data in (json.dumps(doc).encode(), json.dumps(envelope).encode()):
        with pytest.raises(PackError):
            read_pack(data)


def test_qr_fits_version_6_in_numeric_mode() -> None:
    import qrcode

    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(VECTORS["vectors"][0]["token"], optimize=0)
    code.make(fit=True)
    assert code.version <= 6
    assert code.data_list[0].mode == qrcode.util.MODE_NUMBER
    assert set(VECTORS["vectors"][0]["token"]) <= set(
        "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
    )
