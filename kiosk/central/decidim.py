"""Decidim's proposal import: the rows its importer reads, and the platform's map.

What Decidim reads (``decidim-proposals/lib/decidim/proposals/import/proposal_creator.rb``
and ``proposals_verifier.rb``, with ``decidim-admin/lib/decidim/admin/import/``):

- the verifier refuses a file without the headers ``title/<default locale>`` and
  ``body/<default locale>``, or with a header twice;
- the creator drops ``id``, then reads ``title/<locale>`` and ``body/<locale>`` for each
  of the organisation's available locales (a plain ``title`` or ``body`` column would
  replace them all), ``taxonomies/ids`` (a text ``"3,4"``, split on commas),
  ``scope/id``, ``address``, ``latitude`` and ``longitude``; the proposal needs a title
  and a body;
- CSV is separated by ``Decidim.default_csv_col_sep`` (``;`` unless the platform
  changed it), JSON is an array of objects whose values are taken in the order of the
  *first* object's keys, XLSX is read from its first sheet, first row the headers.

So every format here has the same flat columns in the same order. A proposal in a
locale the organisation has goes to that locale only (Decidim then shows it in the
others, or machine-translates it); a proposal in a language the organisation lacks
(Tamazight on most platforms) gets its original text, labelled with its language, in
every locale. ``original/*`` columns, which Decidim ignores, keep the text as written.
Only proposals whose authors agreed to publication are exported.

The map (themes to taxonomy ids, regions to scope ids, the organisation's locales) is
set once per platform: ``kiosk-central decidim-map FILE`` checks it and keeps it in the
data folder.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any

import msgspec

from kiosk.domain.errors import ValidationError
from kiosk.domain.search import search_key
from kiosk.i18n import N_, gettext_for
from kiosk.storage.files import write_atomically

MAP_FILE = "decidim-map.json"
MAX_MAP_BYTES = 256 * 1024
DEFAULT_LOCALES: tuple[str, ...] = ("ar", "fr", "en")
# Decidim.default_csv_col_sep (decidim-core/lib/decidim/core.rb): ";" unless changed.
DEFAULT_CSV_SEPARATOR = ";"
CSV_SEPARATORS = (";", ",")
FORMATS = ("csv", "json", "xlsx")
MAX_ID = 2**31 - 1  # Decidim's ids are PostgreSQL integers

_LOCALE = r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$"
Locale = Annotated[str, msgspec.Meta(pattern=_LOCALE, max_length=12)]
RecordId = Annotated[int, msgspec.Meta(ge=1, le=MAX_ID)]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class _Region(msgspec.Struct, forbid_unknown_fields=True):
    scope: RecordId | None = None
    address: Annotated[str, msgspec.Meta(max_length=500)] = ""
    latitude: Annotated[float, msgspec.Meta(ge=-90, le=90)] | None = None
    longitude: Annotated[float, msgspec.Meta(ge=-180, le=180)] | None = None


_ThemeIds = Annotated[list[RecordId], msgspec.Meta(max_length=50)]
_RegionValue = RecordId | _Region | None


class _MapFile(msgspec.Struct, forbid_unknown_fields=True):
    locales: Annotated[list[Locale], msgspec.Meta(max_length=50)] = []
    themes: dict[Name, _ThemeIds] = {}
    regions: dict[Name, _RegionValue] = {}


def _detail(data: bytes, exc: Exception) -> str:
    """msgspec's message, with the theme or region named: it writes ``$.themes[...]``
    for a value inside a mapping."""
    try:
        raw = msgspec.json.decode(data)
    except msgspec.DecodeError:
        return str(exc)
    if isinstance(raw, dict):
        for section, kind in (("themes", _ThemeIds), ("regions", _RegionValue)):
            entries = raw.get(section)
            if not isinstance(entries, dict):
                continue
            for key, value in entries.items():
                try:
                    msgspec.convert(value, kind)
                except msgspec.ValidationError as inner:
                    return f"{section} / {key}: {inner}"
    return str(exc)


@dataclasses.dataclass(frozen=True)
class Place:
    """Where a region's proposals go in Decidim: its scope, optionally a location."""

    scope: int | None = None
    address: str = ""
    latitude: float | None = None
    longitude: float | None = None


@dataclasses.dataclass(frozen=True)
class DecidimMap:
    """One Decidim platform: its locales (the first is the default), theme codes to
    taxonomy ids, region names (matched as the kiosk's name search does) to places."""

    locales: tuple[str, ...] = DEFAULT_LOCALES
    themes: Mapping[str, tuple[int, ...]] = dataclasses.field(default_factory=dict)
    regions: Mapping[str, Place] = dataclasses.field(default_factory=dict)
    mapped: bool = False  # False: no map given, proposals go without taxonomy or scope

    def place(self, region: str) -> Place | None:
        return self.regions.get(search_key(region))

    def with_locales(self, locales: Sequence[str] | None) -> DecidimMap:
        if not locales:
            return self
        return dataclasses.replace(self, locales=check_locales(locales))


def check_locales(locales: Iterable[str]) -> tuple[str, ...]:
    """The organisation's locales as given (``ar,fr,en``), checked."""
    decoder = msgspec.json.Decoder(list[Locale])
    items = [x.strip() for x in locales if x.strip()]
    try:
        checked = decoder.decode(msgspec.json.encode(items))
    except msgspec.ValidationError as exc:
        raise ValidationError(
            N_("Not a list of Decidim locales: {locales} (for example ar,fr,en)."),
            code="decidim_locales",
            locales=",".join(items) or "-",
        ) from exc
    if not checked or len(set(checked)) != len(checked):
        raise ValidationError(
            N_("Not a list of Decidim locales: {locales} (for example ar,fr,en)."),
            code="decidim_locales",
            locales=",".join(items) or "-",
        )
    return tuple(checked)


def _too_large(source: str) -> ValidationError:
    return ValidationError(
        N_("The Decidim map {path} is larger than {limit} KB."),
        code="decidim_map",
        path=source,
        limit=MAX_MAP_BYTES // 1024,
    )


def parse_map(data: bytes, source: str = "-") -> DecidimMap:
    """A platform map from JSON bytes; any fault is one translated error naming it."""
    if len(data) > MAX_MAP_BYTES:
        raise _too_large(source)
    try:
        raw = msgspec.json.decode(data, type=_MapFile)
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        # msgspec names the place ("at `$.themes.skills[0]`"), which a person can find.
        raise ValidationError(
            N_("The Decidim map {path} is not valid: {detail}"),
            code="decidim_map",
            path=source,
            detail=_detail(data, exc),
        ) from exc
    regions: dict[str, Place] = {}
    for name, value in raw.regions.items():
        key = search_key(name)
        if key in regions:
            raise ValidationError(
                N_("The Decidim map {path} names the region {region} twice."),
                code="decidim_map",
                path=source,
                region=name,
            )
        if isinstance(value, _Region):
            if (value.latitude is None) != (value.longitude is None):
                raise ValidationError(
                    N_("The Decidim map {path} gives {region} a latitude or a longitude alone."),
                    code="decidim_map",
                    path=source,
                    region=name,
                )
            regions[key] = Place(value.scope, value.address, value.latitude, value.longitude)
        else:
            regions[key] = Place(value)
    locales = check_locales(raw.locales) if raw.locales else DEFAULT_LOCALES
    themes = {code: tuple(dict.fromkeys(ids)) for code, ids in raw.themes.items()}
    return DecidimMap(locales=locales, themes=themes, regions=regions, mapped=True)


def read_map_file(path: Path) -> bytes:
    """A map file's bytes, its size checked before it is read."""
    try:
        if path.stat().st_size > MAX_MAP_BYTES:
            raise _too_large(str(path))
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise ValidationError(
            N_("No Decidim map at {path}."), code="decidim_map_missing", path=str(path)
        ) from exc


def load_map(path: Path) -> DecidimMap:
    return parse_map(read_map_file(path), str(path))


def install_map(folder: Path, data: bytes, source: str = "-") -> DecidimMap:
    """Check a platform map and keep it in the data folder (it replaces the last one)."""
    checked = parse_map(data, source)
    write_atomically(folder / MAP_FILE, data)
    return checked


def installed_map(folder: Path) -> DecidimMap | None:
    """The map kept by :func:`install_map`, or None."""
    path = folder / MAP_FILE
    return load_map(path) if path.exists() else None


# -- rows ------------------------------------------------------------------------------

# Label of an original left untranslated, in each of the organisation's locales; the
# catalogs have ar, fr, zgh and en (another locale gets the English words).
TITLE_LABEL = N_("[{language}] {title}")
BODY_LABEL = N_("Written in {language}, not translated:")


@functools.cache
def language_name(code: str, locale: str) -> str:
    """``code``'s name in ``locale`` (CLDR), or the code itself."""
    from babel import Locale as BabelLocale
    from babel import UnknownLocaleError

    try:
        name = BabelLocale.parse(locale.replace("-", "_")).languages.get(code)
    except (UnknownLocaleError, ValueError):
        name = None
    return str(name) if name else code


@functools.cache
def _labels(language: str, locale: str) -> tuple[str, str, str]:
    """The language's name in ``locale``, the title template, the body's label line."""
    name = language_name(language, locale)
    return (
        name,
        gettext_for(locale, TITLE_LABEL),
        gettext_for(locale, BODY_LABEL).format(language=name),
    )


def columns(locales: Sequence[str]) -> list[str]:
    return [
        *(f"title/{loc}" for loc in locales),
        *(f"body/{loc}" for loc in locales),
        "taxonomies/ids",
        "scope/id",
        "address",
        "latitude",
        "longitude",
        "original/language",
        "original/title",
        "original/body",
        "original/id",
    ]


def _own_locale(language: str, locales: Sequence[str]) -> str | None:
    for loc in locales:
        if loc.split("-")[0] == language:
            return loc
    return None


def proposal_row(proposal: Mapping[str, Any], region: str, platform: DecidimMap) -> dict[str, Any]:
    """One proposal as Decidim's importer reads it (values are None where empty)."""
    locales = platform.locales
    row: dict[str, Any] = dict.fromkeys(columns(locales))
    language, title, body = proposal["language"], proposal["title"], proposal["body"]
    own = _own_locale(language, locales)
    if own is not None:
        row[f"title/{own}"], row[f"body/{own}"] = title, body
    else:
        for loc in locales:
            name, title_label, body_label = _labels(language, loc)
            row[f"title/{loc}"] = title_label.format(language=name, title=title)
            row[f"body/{loc}"] = f"{body_label}\n\n{body}"
    ids = platform.themes.get(proposal["theme"], ())
    row["taxonomies/ids"] = ",".join(str(i) for i in ids) or None
    place = platform.place(region)
    if place is not None:
        row["scope/id"] = place.scope
        row["address"] = place.address or None
        row["latitude"], row["longitude"] = place.latitude, place.longitude
    row["original/language"] = language
    row["original/title"] = title
    row["original/body"] = body
    row["original/id"] = proposal["id"]
    return row


def check_mapped(platform: DecidimMap, themes: Iterable[str], regions: Iterable[str]) -> None:
    """A map that is given must place every theme and region exported (an explicit
    ``[]`` or ``null`` says "none"), or the proposals would lose them silently."""
    if not platform.mapped:
        return
    missing_themes = sorted({t for t in themes if t not in platform.themes})
    if missing_themes:
        raise ValidationError(
            N_("The Decidim map has no taxonomies for the theme(s) {themes} (use [] for none)."),
            code="decidim_unmapped",
            themes=", ".join(missing_themes),
        )
    missing_regions = sorted({r for r in regions if platform.place(r) is None})
    if missing_regions:
        raise ValidationError(
            N_("The Decidim map has no scope for the region(s) {regions} (use null for none)."),
            code="decidim_unmapped",
            regions=", ".join(missing_regions),
        )
