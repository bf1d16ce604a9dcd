"""Webcam badge scanning: live preview (QtMultimedia), decoding off the UI thread.

Each preview frame reaches :meth:`CameraScanner.handle_frame`; while one frame
is being decoded (zxing-cpp, in the background runner) newer frames are
dropped, so the preview never waits. :class:`kiosk.services.camera.FrameDecoder`
counts a badge held in view once. Where there is no camera, or no multimedia
backend at all, :meth:`CameraScanner.available` says why and nothing starts.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from kiosk.services.camera import FrameDecoder
from kiosk.ui.background import Runner
from kiosk.ui.qt import QImage, QObject, QWidget

log = logging.getLogger(__name__)
MAX_WIDTH = 1280


def grey_frame(image: QImage) -> tuple[bytes, int, int]:
    """8-bit grey pixels, rows packed, at most ``MAX_WIDTH`` wide."""
    from kiosk.ui.qt import Qt

    if image.width() > MAX_WIDTH:
        image = image.scaledToWidth(MAX_WIDTH, Qt.TransformationMode.SmoothTransformation)
    grey = image.convertToFormat(QImage.Format.Format_Grayscale8)
    width, height, stride = grey.width(), grey.height(), grey.bytesPerLine()
    raw = bytes(grey.constBits())[: stride * height]
    if stride != width:
        raw = b"".join(raw[row * stride : row * stride + width] for row in range(height))
    return raw, width, height


def backend_loaded() -> bool:
    """True when a QtMultimedia back-end (FFmpeg on Linux and Windows) is loaded: without
    one, QMediaDevices still imports but no camera can ever be opened."""
    from kiosk.ui.qt import QMediaFormat

    return bool(QMediaFormat().supportedVideoCodecs(QMediaFormat.ConversionMode.Decode))


class CameraScanner(QObject):
    """Feeds camera frames to the decoder; calls ``on_found(text)`` once per badge."""

    def __init__(
        self,
        on_found: Callable[[str], None],
        runner: Runner,
        decoder: FrameDecoder | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.on_found = on_found
        self.runner = runner
        self.decoder = decoder or FrameDecoder()
        self.busy = False
        self.frames_seen = 0
        self.frames_decoded = 0
        self.camera: Any = None
        self.session: Any = None
        self.preview: Any = None

    # -- the camera ----------------------------------------------------------------------
    @staticmethod
    def available() -> tuple[bool, str]:
        """(True, device name) or (False, the reason, untranslated key)."""
        try:
            from kiosk.ui.qt import QMediaDevices
        except ImportError as exc:  # a build or a machine without the multimedia module
            log.warning("QtMultimedia unavailable: %s", exc)
            return False, "no_backend"
        if not backend_loaded():
            return False, "no_backend"
        inputs = QMediaDevices.videoInputs()
        if not inputs:
            return False, "no_camera"
        return True, inputs[0].description()

    def make_preview(self, parent: QWidget | None = None) -> QWidget:
        from kiosk.ui.qt import QVideoWidget

        preview = QVideoWidget(parent)
        self.preview = preview
        return preview

    def start(self) -> bool:
        ok, _name = self.available()
        if not ok or self.preview is None:
            return False
        from kiosk.ui.qt import QCamera, QMediaCaptureSession

        if self.camera is None:
            self.camera = QCamera(self)
            self.session = QMediaCaptureSession(self)
            self.session.setCamera(self.camera)
            self.session.setVideoOutput(self.preview)
            self.preview.videoSink().videoFrameChanged.connect(self.handle_frame)
            self.camera.errorOccurred.connect(
                lambda _err, text: log.warning("camera error: %s", text)
            )
        self.camera.start()
        return bool(self.camera.isActive() or self.camera.error() == QCamera.Error.NoError)

    def stop(self) -> None:
        if self.camera is not None:
            self.camera.stop()

    # -- frames --------------------------------------------------------------------------
    def handle_frame(self, frame: Any) -> None:
        """One video frame (``QVideoFrame``) from the sink; dropped while busy."""
        self.frames_seen += 1
        if self.busy or not frame.isValid():
            return
        self.handle_image(frame.toImage())

    def handle_image(self, image: QImage) -> None:
        if self.busy or image.isNull():
            return
        data, width, height = grey_frame(image)
        self.busy = True
        decoder = self.decoder
        self.runner(lambda: decoder.decode(data, width, height), self._decoded, self._failed)

    def _decoded(self, texts: list[str]) -> None:
        self.busy = False
        self.frames_decoded += 1
        for text in texts:
            self.on_found(text)

    def _failed(self, error: BaseException) -> None:
        self.busy = False
        log.warning("frame decoding failed: %r", error)
