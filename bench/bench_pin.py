"""The staff PIN hash: what each Argon2id cost takes here, and the chosen one.

A staff PIN check runs once per unlock, off the UI thread, so it may take a few
tenths of a second; what it buys is the time an attacker with a copied kiosk disk
needs per guess. Prints the median of five hashes for each cost, and the offline
time to try every 6-digit PIN on the 2 cores of this machine.

    python bench/bench_pin.py
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import nacl.pwhash.argon2id as argon2id

from bench._common import record
from kiosk.services.pin import PIN_MEMLIMIT, PIN_OPSLIMIT, hash_pin, pin_matches

CANDIDATES = ((2, 64), (3, 64), (3, 128), (4, 128), (3, 256))


def median_seconds(ops: int, mem_mib: int) -> float:
    times = []
    for _ in range(5):
        start = time.perf_counter()
        argon2id.str(b"482613", opslimit=ops, memlimit=mem_mib * 1024 * 1024)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    for ops, mem in CANDIDATES:
        seconds = median_seconds(ops, mem)
        print(f"argon2id ops={ops} mem={mem} MiB: {seconds * 1000:.0f} ms per check")
    stored = hash_pin("482613")
    start = time.perf_counter()
    assert pin_matches(stored, "482613")
    check = time.perf_counter() - start
    record(
        f"pin: check of the staff PIN (argon2id ops={PIN_OPSLIMIT}, "
        f"mem={PIN_MEMLIMIT // 1024 // 1024} MiB)",
        check * 1000,
        "ms",
        target="< 1000 ms",
    )
    days = 10**6 * check / 2 / 86400
    record("pin: every 6-digit PIN tried offline on 2 cores", days, "days", target="> 1 day")


if __name__ == "__main__":
    main()
