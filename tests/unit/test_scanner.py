"""A scanner burst is told apart from a person typing, by timing."""

from __future__ import annotations

from kiosk.domain.scanner import KeyPress, ScanBurstDetector


def burst(text: str, start: float = 0.0, gap: float = 8.0) -> list[KeyPress]:
    keys = [KeyPress(start + i * gap, ch) for i, ch in enumerate(text)]
    return [*keys, KeyPress(start + len(text) * gap, "\r")]


def feed_all(detector: ScanBurstDetector, keys: list[KeyPress]) -> list[tuple[str, str]]:
    out = []
    for key in keys:
        result = detector.feed(key)
        if result:
            kind, presses = result
            out.append((kind, "".join(p.text for p in presses)))
    return out


def test_fast_burst_with_enter_is_a_scan() -> None:
    assert feed_all(ScanBurstDetector(), burst("K1ABCDEFGH2345")) == [("scan", "K1ABCDEFGH2345")]


def test_slow_typing_is_not_a_scan() -> None:
    results = feed_all(ScanBurstDetector(), burst("K1ABCDEFGH2345", gap=120))
    assert all(kind == "typing" for kind, _ in results)
    assert "".join(text for _, text in results) == "K1ABCDEFGH2345\r"


def test_short_fast_run_is_typing_and_two_scans_in_a_row_work() -> None:
    d = ScanBurstDetector()
    assert feed_all(d, burst("ok")) == [("typing", "ok\r")]
    keys = burst("FIRSTBADGE01") + burst("SECONDBADGE2", start=2000)
    assert feed_all(d, keys) == [("scan", "FIRSTBADGE01"), ("scan", "SECONDBADGE2")]


def test_typing_then_scan_and_expiry() -> None:
    d = ScanBurstDetector()
    assert d.feed(KeyPress(0, "a")) is None
    assert d.expire(10) == []
    assert [k.text for k in d.expire(100)] == ["a"]
    assert feed_all(d, burst("BADGE123456", start=500)) == [("scan", "BADGE123456")]
