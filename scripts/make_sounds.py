"""Write the three check-in sounds (short sine tones) to assets/sounds/*.wav.

Run once; the WAV files are committed. Accepted: one rising chime; already
checked in: two mid tones; refused: one low buzz.
"""

from __future__ import annotations

import math
import struct
import wave
from pathlib import Path

RATE = 22050
OUT = Path(__file__).resolve().parent.parent / "assets" / "sounds"


def tone(freqs: list[tuple[float, float]], volume: float = 0.5) -> bytes:
    frames = bytearray()
    for freq, seconds in freqs:
        n = int(RATE * seconds)
        for i in range(n):
            fade = min(1.0, i / 200, (n - i) / 400)  # no clicks at the edges
            sample = volume * fade * math.sin(2 * math.pi * freq * i / RATE)
            frames += struct.pack("<h", int(sample * 32767))
    return bytes(frames)


SOUNDS = {
    "accepted": [(880.0, 0.09), (1320.0, 0.16)],
    "already": [(660.0, 0.12), (0.0, 0.06), (660.0, 0.12)],
    "refused": [(220.0, 0.35)],
}


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, freqs in SOUNDS.items():
        with wave.open(str(OUT / f"{name}.wav"), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(RATE)
            out.writeframes(tone(freqs))


if __name__ == "__main__":
    main()
