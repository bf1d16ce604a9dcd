"""Plain-Python domain: rules, vocabularies and the attendee flow (no Qt, no SQL)."""
