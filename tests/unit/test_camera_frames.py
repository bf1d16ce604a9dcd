"""Camera frames (rendered badge QRs, some blurred or rotated) through the camera's
decoding path: each badge is found, and counted once while held in view."""

from __future__ import annotations

import qrcode
from PIL import Image, ImageFilter

from kiosk.services.camera import FrameDecoder

TOKENS = ["K1F3Q9ZT0M7PDA2X4B6C8E", "K1W5R2YN8H3JLA9S7U1V0G", "K1ZZ00AA11BB22CC33DD44"]


def badge_frame(token: str, *, angle: float = 0, blur: float = 0, size: int = 640) -> Image.Image:
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=6, border=4)
    qr.add_data(token, optimize=0)
    qr.make()
    code = qr.make_image(fill_color="black", back_color="white").convert("L")
    frame = Image.new("L", (size, int(size * 0.75)), 200)  # a grey desk around it
    code = code.rotate(angle, expand=True, fillcolor=200) if angle else code
    frame.paste(code, ((frame.width - code.width) // 2, (frame.height - code.height) // 2))
    return frame.filter(ImageFilter.GaussianBlur(blur)) if blur else frame


def decode(decoder: FrameDecoder, image: Image.Image) -> list[str]:
    return decoder.decode(image.tobytes(), image.width, image.height)


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_each_badge_found_once_across_frames() -> None:
    clock = FakeClock()
    decoder = FrameDecoder(hold_s=3.0, clock=clock)
    found: list[str] = []
    variants = [dict(), dict(blur=1.2), dict(angle=17), dict(angle=-35, blur=0.8), dict(angle=90)]
    for token in TOKENS:
        for variant in variants:  # the badge held in view for five frames
            found += decode(decoder, badge_frame(token, **variant))
            clock.now += 0.1
        clock.now += 1.0  # next person, within the hold time of the previous badge
    assert found == TOKENS


def test_badge_shown_again_later_counts_again_and_noise_is_ignored() -> None:
    clock = FakeClock()
    decoder = FrameDecoder(hold_s=3.0, clock=clock)
    assert decode(decoder, badge_frame(TOKENS[0])) == [TOKENS[0]]
    clock.now += 10
    assert decode(decoder, Image.new("L", (320, 240), 128)) == []
    assert decoder.decode(b"\x00" * 10, 320, 240) == []  # short frame: nothing, no crash
    assert decode(decoder, badge_frame(TOKENS[0])) == [TOKENS[0]]
