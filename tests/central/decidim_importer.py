"""Decidim's proposal import, read in Python: what it makes of a file we write.

Read in decidim/decidim (the versions with taxonomies; file and line of each rule):

- decidim-admin/lib/decidim/admin/import/readers/csv.rb:19
  ``::CSV.read(file, col_sep: Decidim.default_csv_col_sep, encoding: "BOM|UTF-8")``;
  the separator is ``;`` (decidim-core/lib/decidim/core.rb, ``default_csv_col_sep``);
  older readers call ``::CSV.read(file, col_sep: ";")`` and keep a BOM in the first
  header, so a file for every version has none. Ruby's CSV refuses a bare quote or a
  line break in an unquoted field and reads an empty unquoted field as nil.
- readers/json.rb:25-27: ``JSON.parse`` of an array; the first object's ``keys`` are
  the headers, then every object's ``values`` are taken *in that order*.
- readers/xlsx.rb:20-22: the first worksheet, each row's cell values.
- importer.rb:80-83: the first row gives the headers (as symbols); each later row is
  zipped with them by position.
- importer.rb:66 passes the headers to the verifier; proposals_verifier.rb:11 requires
  ``required_localized_headers("title") + required_localized_headers("body")``, and
  verifier.rb:110-111 makes them ``"#{name}/#{default_locale}"``; verifier.rb:117 a
  missing header and verifier.rb:123 a header given twice fail the file.
- proposal_creator.rb:21 drops ``id``; :61 ``taxonomies`` is ``data[:taxonomies]["ids"]``
  or ``data[:"taxonomies/ids"]&.split(",")&.map(&:to_i)`` (so a text, never a number);
  :66 ``scope`` is ``data[:scope]["id"]`` or ``data[:"scope/id"].to_i``; :71 and :75
  title and body through ``locale_hasher`` over the organisation's available locales
  (:91), which (creator.rb:82-93) returns ``data[:title]`` whole if such a key exists,
  else ``title/<locale>`` for each locale whose value is not nil; :78-87 address,
  latitude and longitude as they are.
- decidim-proposals/app/models/decidim/proposals/proposal.rb:
  ``validates :title, :body, presence: true`` (the creator's resource_valid?).

Unknown columns (``category/name``, ``reference``) are read into the data hash and
never used: nothing of them reaches the proposal.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import load_workbook


class Refused(AssertionError):
    """Decidim would refuse the file (or raise while reading it)."""


@dataclass
class Imported:
    """One proposal as Decidim would create it, with the raw row it came from."""

    title: dict[str, Any]
    body: dict[str, Any]
    taxonomies: list[int]
    scope: int
    address: Any
    latitude: Any
    longitude: Any
    data: dict[str, Any] = field(repr=False)


def _ruby_to_i(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, bool):
        raise Refused(f"to_i on {value!r}")
    if isinstance(value, int | float):
        return int(value)
    if not isinstance(value, str):
        raise Refused(f"to_i on {type(value).__name__}")
    match = re.match(r"\s*([+-]?\d+)", value.replace("_", ""))
    return int(match.group(1)) if match else 0


def _read_csv(raw: bytes, col_sep: str) -> list[list[Any]]:
    if raw.startswith(b"\xef\xbb\xbf"):
        raise Refused("BOM: older readers (col_sep ';' only) keep it in the first header")
    text = raw.decode("utf-8")
    rows: list[list[Any]] = []
    for row in csv.reader(io.StringIO(text, newline=""), delimiter=col_sep, strict=True):
        rows.append([value if value != "" else None for value in row])
    # Ruby: unquoted fields may hold neither quotes nor line breaks; Python's writer
    # quotes those, so a file that parsed here with strict=True parses in Ruby too,
    # provided every record has the header's width.
    widths = {len(r) for r in rows}
    if len(widths) > 1:
        raise Refused(f"rows of different widths: {sorted(widths)}")
    return rows


def _read_json(raw: bytes) -> list[list[Any]]:
    document = json.loads(raw.decode("utf-8"))
    if not isinstance(document, list) or not all(isinstance(r, dict) for r in document):
        raise Refused("not an array of objects")
    rows: list[list[Any]] = []
    for index, row in enumerate(document):
        if index == 0:
            rows.append(list(row.keys()))
        elif list(row.keys()) != rows[0]:
            # Values are zipped with the first object's keys by position.
            raise Refused(f"object {index} has other keys or another order than the first")
        rows.append(list(row.values()))
    return rows


def _read_xlsx(path: Path) -> list[list[Any]]:
    book = load_workbook(path)
    sheet = book.worksheets[0]
    rows = []
    for row in sheet.iter_rows():
        for c in row:
            if c.data_type == "f":
                raise Refused(f"formula in {c.coordinate}")
        rows.append([c.value for c in row])
    return rows


def read(path: Path, *, col_sep: str = ";") -> tuple[list[str], list[dict[str, Any]]]:
    """Headers and records as Decidim's reader and importer.rb:80-83 make them."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        rows = _read_csv(path.read_bytes(), col_sep)
    elif suffix == ".json":
        rows = _read_json(path.read_bytes())
    elif suffix == ".xlsx":
        rows = _read_xlsx(path)
    else:
        raise Refused(f"no reader for {suffix}")
    if not rows:
        return [], []
    headers = ["" if h is None else str(h) for h in rows[0]]
    records = [dict(zip(headers, row, strict=False)) for row in rows[1:]]
    return headers, records


def verify(headers: list[str], default_locale: str) -> None:
    """proposals_verifier.rb:11, verifier.rb:110-123."""
    required = [f"title/{default_locale}", f"body/{default_locale}"]
    missing = [h for h in required if h not in headers]
    duplicate = sorted({h for h in headers if headers.count(h) > 1})
    if missing or duplicate:
        raise Refused(f"missing headers {missing}, duplicate headers {duplicate}")


def _locale_hasher(data: dict[str, Any], name: str, locales: list[str]) -> dict[str, Any]:
    if name in data:  # creator.rb:83
        value = data[name]
        return value if isinstance(value, dict) else {"": value}
    return {loc: data[f"{name}/{loc}"] for loc in locales if data.get(f"{name}/{loc}") is not None}


def create(record: dict[str, Any], locales: list[str]) -> Imported:
    """proposal_creator.rb:21-91 and the model's presence validation."""
    data = {k: v for k, v in record.items() if k != "id"}
    if "taxonomies" in data:
        taxonomies = list(data["taxonomies"]["ids"])
    else:
        ids = data.get("taxonomies/ids")
        if ids is not None and not isinstance(ids, str):
            raise Refused(f"taxonomies/ids is {type(ids).__name__}: Ruby cannot split it")
        taxonomies = [_ruby_to_i(x) for x in ids.split(",")] if ids is not None else []
    scope = _ruby_to_i(data["scope"]["id"] if "scope" in data else data.get("scope/id"))
    title = _locale_hasher(data, "title", locales)
    body = _locale_hasher(data, "body", locales)
    for name, value in (("title", title), ("body", body)):
        if not value or not any(isinstance(v, str) and v.strip() for v in value.values()):
            raise Refused(f"{name} blank: the model validates its presence")
    return Imported(
        title=title,
        body=body,
        taxonomies=taxonomies,
        scope=scope,
        address=data.get("address"),
        latitude=data.get("latitude"),
        longitude=data.get("longitude"),
        data=data,
    )


def import_file(path: Path, locales: list[str], *, col_sep: str = ";") -> list[Imported]:
    """The whole import: read, verify against the default locale (the first), create."""
    headers, records = read(path, col_sep=col_sep)
    verify(headers, locales[0])
    return [create(r, locales) for r in records]
