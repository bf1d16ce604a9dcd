"""The journal's fast paths produce exactly the canonical JSON they stand for."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from kiosk.storage.canonical import (
    canonical_json,
    chain_hash,
    chain_hash_text,
    document_text,
    entry_document,
)
from kiosk.sync.bundle import Entry

payloads = st.dictionaries(
    st.text(max_size=10),
    st.none() | st.booleans() | st.integers(-(10**12), 10**12) | st.text(max_size=40),
    max_size=6,
)


@given(
    st.text(max_size=40),
    st.integers(0, 10**9),
    st.text(max_size=20),
    st.text(max_size=40),
    payloads,
    st.text(max_size=40),
    st.integers(0, 10**18),
)
def test_document_text_is_canonical_json(
    device: str, seq: int, kind: str, record: str, payload: dict, wall: str, mono: int
) -> None:
    text = canonical_json(payload)
    document = entry_document(device, seq, kind, record, payload, wall, mono)
    assert document_text(device, seq, kind, record, text, wall, mono) == canonical_json(document)
    prev = "ab" * 32
    assert chain_hash_text(
        prev, document_text(device, seq, kind, record, text, wall, mono)
    ) == chain_hash(prev, document)
    line = Entry(device, seq, kind, record, text, wall, mono, prev, "cd" * 32).text()
    assert line == canonical_json({**document, "prev_hash": prev, "hash": "cd" * 32})
    assert json.loads(line)["payload"] == payload
