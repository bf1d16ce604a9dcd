"""This kiosk's enrolment: the request it shows, and the organiser's certificate.

A kiosk set up from a pack (with its passphrase) works at once, door and
proposals; the certificate can arrive later, by file or over HTTP (``kiosk
enrol``), and only then does central accept its bundles.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path

from kiosk import __version__, crypto
from kiosk.domain.errors import KioskError, NotSetUp
from kiosk.enrolment import (
    DeviceCertificate,
    EnrolmentError,
    enrolment_code,
    make_request,
    read_certificate,
)
from kiosk.i18n import N_
from kiosk.services.context import current_event
from kiosk.storage.models import Device
from kiosk.storage.settings import (
    DEVICE_CERTIFICATE,
    DEVICE_ID,
    ORGANISER_SIGN_PK,
)
from kiosk.storage.store import Store
from kiosk.sync import records

REQUEST_FILE = "enrolment-request.kreq"


@dataclass(frozen=True)
class EnrolmentState:
    device_id: str
    code: str
    enrolled: bool
    not_after: str = ""

    def as_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


def enrolment_request(store: Store, keys_dir: Path) -> bytes:
    """The signed request the organiser approves (a file, or sent over HTTP)."""
    with store.uow(readonly=True) as uow:
        device = uow.session.get(Device, uow.device_id)
        if device is None or not device.public_key:
            raise NotSetUp(
                N_("This kiosk is not set up from an event pack yet."), code="not_set_up"
            )
        name, role, public_key = device.name, device.role, device.public_key
        event_id = current_event(uow).id
    key = crypto.load_or_create_signing_key(keys_dir / crypto.DEVICE_KEY_FILE)
    if bytes(key.verify_key).hex() != public_key:
        raise KioskError(
            N_("This kiosk's device key file does not match its database."), code="key_mismatch"
        )
    return make_request(
        key,
        event_id=event_id,
        name=name,
        role=role,
        software=__version__,
        created_at=store.clock.now().isoformat(),
    )


def enrolment_state(store: Store) -> EnrolmentState:
    with store.uow(readonly=True) as uow:
        local = uow.settings(DEVICE_ID, DEVICE_CERTIFICATE, ORGANISER_SIGN_PK)
        device_id = local[DEVICE_ID]
        device = uow.session.get(Device, device_id) if device_id else None
        if device is None or not device.public_key:
            return EnrolmentState(device_id, "", False)
        code = enrolment_code(bytes.fromhex(device.public_key))
        text, organiser = local[DEVICE_CERTIFICATE], local[ORGANISER_SIGN_PK]
        if not text or not organiser:
            return EnrolmentState(device.id, code, False)
        cert = read_certificate(base64.b64decode(text), bytes.fromhex(organiser))
        return EnrolmentState(device.id, code, True, cert.not_after.isoformat())


def certificate_text(store: Store) -> str:
    """The certificate as bundles carry it ("" until the kiosk has one)."""
    with store.uow(readonly=True) as uow:
        return uow.setting(DEVICE_CERTIFICATE)


def install_certificate(store: Store, data: bytes) -> DeviceCertificate:
    """Take the organiser's certificate for this kiosk: signed by the organiser this
    kiosk pinned from its pack, for this kiosk's key and this event."""
    with store.uow(readonly=True) as uow:
        organiser = uow.setting(ORGANISER_SIGN_PK)
        device = uow.session.get(Device, uow.device_id)
        event_id = current_event(uow).id
    if not organiser or device is None or not device.public_key:
        raise NotSetUp(N_("This kiosk is not set up from an event pack yet."), code="not_set_up")
    cert = read_certificate(data, bytes.fromhex(organiser))
    if cert.public_key.hex() != device.public_key or cert.device_id != device.id:
        raise EnrolmentError(
            N_("This certificate is for another kiosk."), code="other_device_certificate"
        )
    if cert.event_id != event_id:
        raise EnrolmentError(
            N_("This certificate is for another event."), code="other_event_certificate"
        )
    with store.uow() as uow:
        uow.save(DEVICE_CERTIFICATE, cert.as_text())
        records.journal(
            uow,
            records.DeviceEnrolled,
            cert.device_id,
            device_id=cert.device_id,
            event_id=cert.event_id,
            serial=cert.serial,
            name=cert.name,
            role=cert.role,
            not_after=cert.not_after.isoformat(),
        )
        uow.commit()
    return cert


def device_public_key(store: Store) -> str | None:
    with store.uow(readonly=True) as uow:
        device_id = uow.setting(DEVICE_ID)
        device = uow.session.get(Device, device_id) if device_id else None
        return device.public_key if device else None
