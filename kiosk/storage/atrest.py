"""The kiosk's data at rest: its database, WAL and backups encrypted with SQLCipher.

The database key is 32 random bytes, never written in clear. The key file beside the
database (``keys/database-key.json``, 0600) holds it twice:

- wrapped under the staff PIN: Argon2id (libsodium's ``crypto_pwhash``, the PIN
  hash's parameters) of the PIN gives the key of an XSalsa20-Poly1305 SecretBox
  (PyNaCl); a wrong PIN fails the box's authentication, so nothing is guessed
  without running Argon2id once per try;
- sealed to the organiser's public X25519 key (PyNaCl SealedBox), once the kiosk
  is set up from a pack, so that central can recover a kiosk's data whatever
  happened to the staff PIN.

A kiosk not set up yet, and a demo kiosk, wrap the key under the demo PIN (the
demo's data is public by design); ``kiosk setup --pin`` rewraps it under the staff
PIN, and a PIN change rewraps it again. The database key itself never changes, so
every backup opens with the current PIN.

SQLCipher (``sqlcipher3``, a DB-API module with the standard library's interface)
takes the key raw (``PRAGMA key = "x'...'"``: no second key derivation), encrypts
every page of the database and of its WAL with AES-256 and authenticates each with
HMAC-SHA512. The SQLite backup API copies an encrypted database to a backup with the
same key, so backups are encrypted too.

Code that opens a kiosk database (the engine, backups, checks, restore) finds the key
here: :func:`register` records it for a data folder once it is unlocked, and
:func:`connect` and :func:`key_for` look it up for any file inside that folder.
"""

from __future__ import annotations

import base64
import importlib
import json
import secrets
import sqlite3
from pathlib import Path
from typing import Any

import nacl.exceptions
import nacl.pwhash.argon2id as argon2id
from nacl.public import PrivateKey, PublicKey, SealedBox
from nacl.secret import SecretBox

from kiosk.domain.errors import KioskError
from kiosk.i18n import N_

KEY_FILE = "database-key.json"
FORMAT = "listening-kiosk-database-key"
VERSION = 1
KEY_BYTES = 32
# The staff PIN hash's parameters (kiosk.services.checkin: chosen by bench/bench_pin.py).
OPSLIMIT = 3
MEMLIMIT = 128 * 1024 * 1024
# Bounds a key file may ask for (a hostile file must not make the kiosk spend minutes
# or gigabytes, nor weaken the derivation below libsodium's minimums).
MAX_OPSLIMIT = 10
MAX_MEMLIMIT = 1024 * 1024 * 1024
WRAPPED_BY_DEMO = "demo"
WRAPPED_BY_STAFF = "staff"
DEMO_PIN = "1234"

sqlcipher: Any
try:  # the encrypted driver (untyped); a build without it cannot open an encrypted kiosk
    sqlcipher = importlib.import_module("sqlcipher3.dbapi2")
except ImportError:  # pragma: no cover - a dependency of the kiosk
    sqlcipher = None

# Both drivers' error classes, for code that may hold either kind of connection.
if sqlcipher is not None:
    Error: tuple[type[Exception], ...] = (sqlite3.Error, sqlcipher.Error)
    DatabaseError: tuple[type[Exception], ...] = (sqlite3.DatabaseError, sqlcipher.DatabaseError)
    OperationalError: tuple[type[Exception], ...] = (
        sqlite3.OperationalError,
        sqlcipher.OperationalError,
    )
else:  # pragma: no cover
    Error, DatabaseError, OperationalError = (
        (sqlite3.Error,),
        (sqlite3.DatabaseError,),
        (sqlite3.OperationalError,),
    )


class KeyFileError(KioskError, code="key_file"): ...


class WrongPin(KioskError, code="wrong_pin"): ...


def key_path(keys_dir: Path) -> Path:
    return keys_dir / KEY_FILE


# -- the key file ----------------------------------------------------------------------


def new_database_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def _kek(pin: str, salt: bytes, opslimit: int, memlimit: int) -> bytes:
    return bytes(
        argon2id.kdf(
            SecretBox.KEY_SIZE, pin.encode("utf-8"), salt, opslimit=opslimit, memlimit=memlimit
        )
    )


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def write_key_file(
    path: Path,
    key: bytes,
    pin: str,
    wrapped_by: str,
    organiser_seal_pk: bytes | None = None,
    *,
    opslimit: int = OPSLIMIT,
    memlimit: int = MEMLIMIT,
) -> None:
    """Write ``key`` wrapped under ``pin`` (and sealed to the organiser if known),
    atomically: the old file stays whole until the new one replaces it."""
    from kiosk.storage.files import write_atomically

    salt = secrets.token_bytes(argon2id.SALTBYTES)
    box = SecretBox(_kek(pin, salt, opslimit, memlimit))
    document: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "cipher": "sqlcipher4-raw-key",
        "wrapped_by": wrapped_by,
        "kdf": {
            "alg": "argon2id13",
            "salt": salt.hex(),
            "opslimit": opslimit,
            "memlimit": memlimit,
        },
        "wrapped": _b64(bytes(box.encrypt(key))),
        "sealed_to_organiser": None,
    }
    if organiser_seal_pk is not None:
        document["sealed_to_organiser"] = {
            "organiser_seal_pk": organiser_seal_pk.hex(),
            "box": _b64(bytes(SealedBox(PublicKey(organiser_seal_pk)).encrypt(key))),
        }
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    write_atomically(path, json.dumps(document, indent=1).encode("ascii"))


def _unreadable(path: Path, reason: str) -> KeyFileError:
    return KeyFileError(
        N_("The kiosk's key file {path} cannot be used ({reason}). Restore it from a copy."),
        path=str(path),
        reason=reason,
    )


def read_key_file(path: Path) -> dict[str, Any]:
    """The key file's document, checked field by field (it fails closed)."""
    try:
        raw = path.read_bytes()
        if len(raw) > 16_384:
            raise ValueError("too large")
        doc = json.loads(raw.decode("ascii"))
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            raise ValueError("not a key file")
        if doc.get("version") != VERSION:
            raise ValueError("unsupported version")
        if doc.get("wrapped_by") not in (WRAPPED_BY_DEMO, WRAPPED_BY_STAFF):
            raise ValueError("wrapped_by")
        kdf = doc.get("kdf")
        if not isinstance(kdf, dict) or kdf.get("alg") != "argon2id13":
            raise ValueError("kdf")
        ops, mem = kdf.get("opslimit"), kdf.get("memlimit")
        if not (isinstance(ops, int) and argon2id.OPSLIMIT_MIN <= ops <= MAX_OPSLIMIT):
            raise ValueError("opslimit")
        if not (isinstance(mem, int) and argon2id.MEMLIMIT_MIN <= mem <= MAX_MEMLIMIT):
            raise ValueError("memlimit")
        if len(bytes.fromhex(str(kdf.get("salt")))) != argon2id.SALTBYTES:
            raise ValueError("salt")
        base64.b64decode(str(doc.get("wrapped")), validate=True)
    except OSError as exc:
        raise _unreadable(path, exc.strerror or "unreadable") from exc
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise _unreadable(path, str(exc)[:60] or "damaged") from exc
    return doc


def wrapped_by(path: Path) -> str | None:
    """``"demo"``, ``"staff"``, or None when there is no key file."""
    if not path.exists():
        return None
    return str(read_key_file(path)["wrapped_by"])


def unlock(path: Path, pin: str) -> bytes:
    """The database key, unwrapped with ``pin``; :class:`WrongPin` otherwise."""
    doc = read_key_file(path)
    kdf = doc["kdf"]
    box = SecretBox(_kek(pin, bytes.fromhex(kdf["salt"]), kdf["opslimit"], kdf["memlimit"]))
    try:
        key = bytes(box.decrypt(base64.b64decode(doc["wrapped"])))
    except (nacl.exceptions.CryptoError, ValueError, TypeError) as exc:
        raise WrongPin(N_("Wrong PIN: this kiosk's data stays locked.")) from exc
    if len(key) != KEY_BYTES:
        raise _unreadable(path, "wrong key length")
    return key


def rewrap(path: Path, key: bytes, pin: str, wrapped_by: str = WRAPPED_BY_STAFF) -> None:
    """Wrap the same database key under a new PIN (a PIN change, the set-up); the
    organiser's sealed copy is kept."""
    seal_pk = organiser_seal_pk(path)
    write_key_file(path, key, pin, wrapped_by, seal_pk)


def organiser_seal_pk(path: Path) -> bytes | None:
    if not path.exists():
        return None
    sealed = read_key_file(path).get("sealed_to_organiser")
    if not isinstance(sealed, dict):
        return None
    try:
        pk = bytes.fromhex(str(sealed.get("organiser_seal_pk")))
    except ValueError:
        return None
    return pk if len(pk) == 32 else None


def seal_to_organiser(path: Path, key: bytes, pin: str, seal_pk: bytes) -> None:
    """Add (or replace) the copy of the key sealed to the organiser's key."""
    doc = read_key_file(path)
    write_key_file(path, key, pin, str(doc["wrapped_by"]), seal_pk)


def recover(path: Path, organiser_sealing_key: PrivateKey) -> bytes:
    """The database key, opened with the organiser's private sealing key."""
    sealed = read_key_file(path).get("sealed_to_organiser")
    if not isinstance(sealed, dict):
        raise _unreadable(path, "no copy sealed to the organiser")
    try:
        key = bytes(SealedBox(organiser_sealing_key).decrypt(base64.b64decode(sealed["box"])))
    except (nacl.exceptions.CryptoError, ValueError, TypeError, KeyError) as exc:
        raise _unreadable(path, "sealed to another organiser key") from exc
    if len(key) != KEY_BYTES:
        raise _unreadable(path, "wrong key length")
    return key


# -- unlocked keys, per data folder ----------------------------------------------------

_UNLOCKED: dict[Path, bytes] = {}


def register(folder: Path, key: bytes) -> None:
    """Files inside ``folder`` (database, WAL, backups, damaged copies) use ``key``."""
    _UNLOCKED[folder.resolve()] = key


def forget(folder: Path) -> None:
    _UNLOCKED.pop(folder.resolve(), None)


def key_for(path: Path | str) -> bytes | None:
    """The key of the data folder holding ``path``; None for a file outside every
    unlocked folder (the organiser's database, a test's plain file)."""
    if not _UNLOCKED:
        return None
    resolved = Path(path).resolve()
    for folder in (resolved, *resolved.parents):
        key = _UNLOCKED.get(folder)
        if key is not None:
            return key
    return None


# SQLCipher logs a failed page check to stderr itself; the programs say it their way.
QUIET = "PRAGMA cipher_log_level = NONE"


def key_pragma(key: bytes) -> str:
    """SQLCipher's raw-key form (hex digits only: nothing of the key is parsed as SQL)."""
    return f"PRAGMA key = \"x'{key.hex()}'\""


def connect(
    path: Path | str, *, readonly: bool = False, timeout: float = 5.0, key: bytes | None = None
) -> Any:
    """A DB-API connection to a kiosk database file: SQLCipher with the folder's key
    when one is unlocked for it (or ``key`` is given), the standard library otherwise.
    The key is checked at once: a wrong one raises ``DatabaseError`` here."""
    key = key if key is not None else key_for(path)
    target = f"file:{path}?mode=ro" if readonly else str(path)
    if key is None:
        return sqlite3.connect(target, uri=readonly, timeout=timeout)
    if sqlcipher is None:  # pragma: no cover
        raise KeyFileError(N_("This build cannot open an encrypted database (no SQLCipher)."))
    con = sqlcipher.connect(target, uri=readonly, timeout=timeout)
    try:
        con.execute(QUIET)
        con.execute(key_pragma(key))
        con.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except BaseException:
        con.close()
        raise
    return con


# -- a kiosk from before encryption ------------------------------------------------------

SQLITE_HEADER = b"SQLite format 3\x00"


def is_plain(path: Path) -> bool:
    """True for an SQLite file in clear (an encrypted one starts with random bytes)."""
    try:
        with path.open("rb") as f:
            return f.read(16) == SQLITE_HEADER
    except OSError:
        return False


def encrypt_file(path: Path, key: bytes) -> None:
    """Encrypt a plain SQLite file (WAL included) in place with SQLCipher's
    ``sqlcipher_export``. Written whole under a temporary name, then renamed: a power
    cut leaves the plain file or the encrypted one, never a part."""

    if sqlcipher is None:  # pragma: no cover
        raise KeyFileError(N_("This build cannot open an encrypted database (no SQLCipher)."))
    tmp = path.with_name(f".{path.name}.encrypting")
    tmp.unlink(missing_ok=True)
    con = sqlcipher.connect(str(path))
    try:
        busy = con.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if busy and busy[0]:
            raise sqlcipher.OperationalError("database is locked")
        con.execute(f"ATTACH DATABASE ? AS encrypted KEY \"x'{key.hex()}'\"", (str(tmp),))
        con.execute("SELECT sqlcipher_export('encrypted')")
        con.execute("DETACH DATABASE encrypted")
    finally:
        con.close()
    replace_database(tmp, path)  # checkpointed above: the WAL holds nothing more


def replace_database(tmp: Path, path: Path) -> None:
    """Put the whole database file ``tmp`` in the place of ``path``: the old WAL and
    shared-memory files are removed first (they belong to the old file), then ``tmp``
    is renamed over it durably (fsync, rename, fsync of the folder)."""
    from kiosk.atomic import replace_durably

    for suffix in ("-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    replace_durably(tmp, path)


def encrypt_folder(db_path: Path, backups_dir: Path, key: bytes) -> int:
    """Encrypt a kiosk's plain database and every plain backup; returns the count."""
    done = 0
    candidates = [db_path, *sorted(backups_dir.glob("*.db"))] if backups_dir.exists() else [db_path]
    for path in candidates:
        if is_plain(path):
            encrypt_file(path, key)
            done += 1
    return done
