"""The organiser's key files in the central data folder.

``keys/`` holds the current pair; ``keys/retired/<time>/`` every pair a rotation
replaced (kept: kiosks set up from an older pack still seal their bundles to it);
``keys/next/`` exists only while a rotation is under way.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

from nacl.public import PrivateKey
from nacl.signing import SigningKey

from kiosk import crypto
from kiosk.domain.errors import KioskError
from kiosk.i18n import N_

SIGNING_FILE = "organiser_ed25519.key"
SEALING_FILE = "organiser_x25519.key"
RETIRED_DIR = "retired"
NEXT_DIR = "next"


class NotInitialised(KioskError, code="not_initialised"): ...


def keys_dir(data_dir: Path) -> Path:
    return data_dir / "keys"


def create_keys(data_dir: Path) -> tuple[SigningKey, PrivateKey, bool]:
    """Create the organiser's keys unless they exist; returns (sign, seal, created).

    Never overwrites or half-creates: with one of the two keys missing, every kiosk
    and every bundle already depends on the other, so this is an error that says
    which file to bring back from the backup. So is a folder whose keys were
    rotated before (``retired/`` is there) but whose current pair is gone.
    """
    finish_rotation(data_dir)
    folder = keys_dir(data_dir)
    sign_path, seal_path = folder / SIGNING_FILE, folder / SEALING_FILE
    if sign_path.exists() and seal_path.exists():
        return load_signing_key(data_dir), load_sealing_key(data_dir), False
    if sign_path.exists() or seal_path.exists() or retired_pairs(data_dir):
        missing = sign_path if not sign_path.exists() else seal_path
        raise _restore(missing)
    signing = crypto.new_signing_key()
    sealing = crypto.new_sealing_key()
    crypto.write_private_key(sign_path, bytes(signing))
    crypto.write_private_key(seal_path, bytes(sealing))
    return signing, sealing, True


def _restore(missing: Path) -> NotInitialised:
    return NotInitialised(
        N_(
            "The organiser key {file} is missing: restore {path} from your backup. "
            "Nothing was changed (keys are never replaced, except by 'kiosk-central keys rotate')."
        ),
        code="key_missing",
        file=missing.name,
        path=str(missing),
    )


def _missing(data_dir: Path, path: Path) -> NotInitialised:
    """A key file is not there: a new folder (run init) or a lost key (restore it)."""
    folder = keys_dir(data_dir)
    if any((folder / name).exists() for name in (SIGNING_FILE, SEALING_FILE)) or retired_pairs(
        data_dir
    ):
        return _restore(path)
    return NotInitialised(N_("The organiser's keys are missing: run 'kiosk-central init' first."))


def load_signing_key(data_dir: Path) -> SigningKey:
    finish_rotation(data_dir)
    path = keys_dir(data_dir) / SIGNING_FILE
    if not path.exists():
        raise _missing(data_dir, path)
    return SigningKey(crypto.read_private_key(path))


def load_sealing_key(data_dir: Path) -> PrivateKey:
    finish_rotation(data_dir)
    path = keys_dir(data_dir) / SEALING_FILE
    if not path.exists():
        raise _missing(data_dir, path)
    return PrivateKey(crypto.read_private_key(path))


def retired_pairs(data_dir: Path) -> list[Path]:
    """Folders of the pairs rotations replaced, newest first."""
    folder = keys_dir(data_dir) / RETIRED_DIR
    if not folder.is_dir():
        return []
    return sorted((p for p in folder.iterdir() if p.is_dir()), reverse=True)


def load_sealing_keys(data_dir: Path) -> list[PrivateKey]:
    """The current sealing key, then every retired one (newest first): a bundle from a
    kiosk set up from an older pack is sealed to the key of that pack."""
    keys = [load_sealing_key(data_dir)]
    for pair in retired_pairs(data_dir):
        path = pair / SEALING_FILE
        if path.exists():
            keys.append(PrivateKey(crypto.read_private_key(path)))
    return keys


def finish_rotation(data_dir: Path) -> bool:
    """A rotation cut short is finished: ``next/`` holds the whole new pair (the old
    pair was copied to ``retired/`` before it was written), so renaming what is left
    of it into place is always right. True when there was one to finish."""
    pending = keys_dir(data_dir) / NEXT_DIR
    if not pending.is_dir():
        return False
    for name in (SIGNING_FILE, SEALING_FILE):
        if (pending / name).exists():
            os.replace(pending / name, keys_dir(data_dir) / name)
    shutil.rmtree(pending, ignore_errors=True)
    return True


def rotate_keys(data_dir: Path) -> tuple[SigningKey, SigningKey, Path]:
    """Replace the organiser's pair by a new one; the old pair is kept in
    ``retired/<time>/``. Returns (old signing key, new signing key, retired folder).

    Both current keys must be there (a missing one is restored from the backup, not
    rotated away). Order: copy the old pair to ``retired/``, write the new pair whole
    in ``next/``, then rename it into place (:func:`finish_rotation`)."""
    finish_rotation(data_dir)
    folder = keys_dir(data_dir)
    for name in (SIGNING_FILE, SEALING_FILE):
        if not (folder / name).exists():
            raise _missing(data_dir, folder / name)
    old_sign = load_signing_key(data_dir)
    old_seal = load_sealing_key(data_dir)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    retired = folder / RETIRED_DIR / stamp
    crypto.write_private_key(retired / SIGNING_FILE, bytes(old_sign))
    crypto.write_private_key(retired / SEALING_FILE, bytes(old_seal))
    signing = crypto.new_signing_key()
    sealing = crypto.new_sealing_key()
    pending = folder / NEXT_DIR
    crypto.write_private_key(pending / SIGNING_FILE, bytes(signing))
    crypto.write_private_key(pending / SEALING_FILE, bytes(sealing))
    finish_rotation(data_dir)
    return old_sign, signing, retired
