"""The organiser's key files in the central data folder."""

from __future__ import annotations

from pathlib import Path

from nacl.public import PrivateKey
from nacl.signing import SigningKey

from kiosk import crypto
from kiosk.domain.errors import KioskError
from kiosk.i18n import N_

SIGNING_FILE = "organiser_ed25519.key"
SEALING_FILE = "organiser_x25519.key"


class NotInitialised(KioskError):
    code = "not_initialised"


def keys_dir(data_dir: Path) -> Path:
    return data_dir / "keys"


def create_keys(data_dir: Path) -> tuple[SigningKey, PrivateKey, bool]:
    """Create the organiser's keys unless they exist; returns (sign, seal, created).

    Never overwrites or half-creates: with one of the two keys missing, every kiosk
    and every bundle already depends on the other, so this is an error that says
    which file to bring back from the backup.
    """
    folder = keys_dir(data_dir)
    sign_path, seal_path = folder / SIGNING_FILE, folder / SEALING_FILE
    if sign_path.exists() and seal_path.exists():
        return load_signing_key(data_dir), load_sealing_key(data_dir), False
    if sign_path.exists() or seal_path.exists():
        missing = sign_path if not sign_path.exists() else seal_path
        raise NotInitialised(
            N_(
                "The organiser key {file} is missing but the other one is there: restore "
                "{path} from your backup. Nothing was changed (init never replaces a key)."
            ),
            code="key_missing",
            file=missing.name,
            path=str(missing),
        )
    signing = crypto.new_signing_key()
    sealing = crypto.new_sealing_key()
    crypto.write_private_key(sign_path, bytes(signing))
    crypto.write_private_key(seal_path, bytes(sealing))
    return signing, sealing, True


def _missing() -> NotInitialised:
    return NotInitialised(N_("The organiser's keys are missing: run 'kiosk-central init' first."))


def load_signing_key(data_dir: Path) -> SigningKey:
    path = keys_dir(data_dir) / SIGNING_FILE
    if not path.exists():
        raise _missing()
    return SigningKey(crypto.read_private_key(path))


def load_sealing_key(data_dir: Path) -> PrivateKey:
    path = keys_dir(data_dir) / SEALING_FILE
    if not path.exists():
        raise _missing()
    return PrivateKey(crypto.read_private_key(path))
