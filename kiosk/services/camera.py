"""Decoding badge QR codes from camera frames (zxing-cpp), counting each badge once.

The camera screen converts each frame to 8-bit grey and calls
:meth:`FrameDecoder.decode` off the UI thread; tests feed rendered badge images
through the very same method.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import zxingcpp

_QR_ONLY = zxingcpp.barcode_formats_from_str("QRCode")


@dataclass
class FrameDecoder:
    """Returns the texts of QR codes newly seen; a badge held in view is not repeated.

    A text seen again within ``hold_s`` seconds of its last sighting is ignored,
    so a badge held in front of the camera for a while counts once; shown again
    after it has left the view for ``hold_s``, it counts again (a second scan).
    """

    hold_s: float = 3.0
    clock: Callable[[], float] = time.monotonic
    _last_seen: dict[str, float] = field(default_factory=dict)

    def decode(self, grey: bytes | memoryview, width: int, height: int) -> list[str]:
        if width <= 0 or height <= 0 or len(grey) < width * height:
            return []
        view = memoryview(grey)[: width * height].cast("B", (height, width))
        try:
            results = zxingcpp.read_barcodes(view, formats=_QR_ONLY)
        except (ValueError, RuntimeError):
            return []
        now = self.clock()
        fresh = []
        for result in results:
            text = result.text
            if not text:
                continue
            last = self._last_seen.get(text)
            self._last_seen[text] = now
            if last is None or now - last > self.hold_s:
                fresh.append(text)
        # Forget badges long gone, so the table stays small over a day.
        for text, seen in list(self._last_seen.items()):
            if now - seen > 10 * self.hold_s:
                del self._last_seen[text]
        return fresh
