"""What the screens know of the event: its themes in every language (Qt- and storage-free)."""

from __future__ import annotations

import functools
from dataclasses import dataclass


@dataclass(frozen=True)
class ThemeInfo:
    code: str
    icon: str
    names: dict[str, str]
    descriptions: dict[str, str]

    def name(self, lang: str) -> str:
        return self.names.get(lang) or self.names.get("en") or self.code

    def description(self, lang: str) -> str:
        return self.descriptions.get(lang) or self.descriptions.get("en") or ""


@dataclass(frozen=True)
class EventInfo:
    id: str
    code: str
    name: str
    region: str
    venue: str
    languages: tuple[str, ...]
    themes: tuple[ThemeInfo, ...]

    @functools.cached_property  # asked on every submit; the info itself never changes
    def theme_codes(self) -> frozenset[str]:
        return frozenset(theme.code for theme in self.themes)
