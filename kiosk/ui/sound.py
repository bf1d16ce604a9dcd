"""The check-in result sounds (QtMultimedia's QSoundEffect), where audio exists."""

from __future__ import annotations

import logging
from typing import Any

from kiosk.config import assets_dir

log = logging.getLogger(__name__)
NAMES = ("accepted", "already", "refused")


class Sounds:
    """``sounds("accepted")`` plays at once; with no audio device it stays silent."""

    def __init__(self) -> None:
        self.effects: dict[str, Any] = {}
        try:
            from kiosk.ui.qt import QSoundEffect, QUrl
        except ImportError:
            log.info("no multimedia module: check-in sounds are off")
            return
        for name in NAMES:
            effect = QSoundEffect()
            effect.setSource(QUrl.fromLocalFile(str(assets_dir() / "sounds" / f"{name}.wav")))
            effect.setVolume(0.8)
            self.effects[name] = effect

    def __call__(self, name: str) -> None:
        effect = self.effects.get(name)
        if effect is not None:
            effect.play()
