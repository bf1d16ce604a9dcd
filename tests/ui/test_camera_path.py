"""Camera frames (rendered badges, some blurred or rotated) go through the very path
the live camera uses: QVideoFrame -> CameraScanner.handle_frame -> grey bytes ->
zxing-cpp -> the check-in screen. Each badge is checked in exactly once."""

from __future__ import annotations

import qrcode
from PIL import Image, ImageFilter
from PySide6.QtMultimedia import QVideoFrame
from sqlalchemy import select

from kiosk.services.camera import FrameDecoder
from kiosk.storage.models import CheckIn
from kiosk.ui.qt import QImage


def badge_frame(token: str, *, angle: float = 0, blur: float = 0) -> QVideoFrame:
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=6, border=4)
    qr.add_data(token, optimize=0)
    qr.make()
    code = qr.make_image(fill_color="black", back_color="white").convert("L")
    frame = Image.new("L", (800, 600), 190)  # a grey desk around the badge
    if angle:
        code = code.rotate(angle, expand=True, fillcolor=190)
    frame.paste(code, ((frame.width - code.width) // 2, (frame.height - code.height) // 2))
    if blur:
        frame = frame.filter(ImageFilter.GaussianBlur(blur))
    image = QImage(
        frame.tobytes(), frame.width, frame.height, frame.width, QImage.Format.Format_Grayscale8
    ).copy()
    return QVideoFrame(image)  # what the camera's video sink delivers


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_camera_frames_check_each_badge_in_once(qtbot, staff_window, door) -> None:
    store, tokens = door
    screen = staff_window.checkin
    clock = FakeClock()
    screen.camera.decoder = FrameDecoder(hold_s=3.0, clock=clock)
    chosen = [row["token"] for row in tokens[20:24]]
    variants = [{}, {"blur": 1.0}, {"angle": 15}, {"angle": -30, "blur": 0.7}, {"angle": 90}]
    for token in chosen:
        for variant in variants:  # each badge held in front of the camera for five frames
            screen.camera.handle_frame(badge_frame(token, **variant))
            clock.now += 0.2
        assert screen.panel.state == "accepted"
        clock.now += 1.0  # the next person, within the previous badge's hold time
    assert screen.camera.frames_decoded == len(chosen) * len(variants)
    with store.uow(readonly=True) as uow:
        rows = uow.session.execute(select(CheckIn.outcome, CheckIn.method)).all()
    assert [tuple(r) for r in rows] == [("accepted", "camera")] * len(chosen)


def test_no_camera_is_said_and_the_scanner_keeps_working(qtbot, staff_window, door) -> None:
    from tests.ui.test_staff_station import scanner_burst

    _store, tokens = door
    screen = staff_window.checkin
    available, _why = screen.camera.available()
    screen.camera_button.click()
    if not available:  # CI and this sandbox have no camera
        assert not screen.camera_button.isChecked()
        assert screen.camera_note.text() in (
            "Aucune cam\u00e9ra trouv\u00e9e : utilisez le lecteur USB.",
            "Pas de prise en charge de cam\u00e9ra sur cette borne : utilisez le lecteur USB.",
        )
    scanner_burst(screen, tokens[0]["token"], "us", 1_000)
    assert screen.panel.state == "accepted"
