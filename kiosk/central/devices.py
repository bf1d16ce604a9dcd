"""Kiosks the organiser trusts: enrolment requests, certificates, revocation, and
the check that a bundle's device may write (used by every import, file or HTTP).

A request arrives as a file (USB) or over HTTP and waits in
``enrolment_request``; the organiser approves it by its code (the one the kiosk
shows) or by the file, which signs a certificate. Only approved, unrevoked
devices' bundles merge; a revoked device's later bundles are quarantined and
its earlier records stay.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from kiosk.central.keys import load_signing_key
from kiosk.central.models import CentralDevice, EnrolmentRequestRow
from kiosk.central.organiser import find_event
from kiosk.domain.errors import KioskError
from kiosk.enrolment import (
    EnrolmentError,
    certificate_from_text,
    device_id_for,
    make_certificate,
    normalise_code,
    read_request,
)
from kiosk.i18n import N_
from kiosk.ids import new_id
from kiosk.storage.models import Event
from kiosk.storage.store import Store
from kiosk.sync.bundle import BundleError

# Requests are anonymous (a kiosk has nothing else yet): cap what they can fill.
MAX_PENDING_PER_EVENT = 500
VALID_AFTER_EVENT = dt.timedelta(days=90)


@dataclass(frozen=True)
class Approval:
    device_id: str
    name: str
    role: str
    certificate: bytes
    not_after: dt.datetime


@dataclass(frozen=True)
class DeviceRow:
    device_id: str
    name: str
    role: str
    status: str  # pending | approved | revoked
    code: str
    software: str
    approved_at: str
    revoked_at: str
    last_bundle_at: str
    clock_flags: int

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _time_text(value: dt.datetime | None) -> str:
    return value.isoformat() if value else ""


def receive_request(store: Store, data: bytes) -> EnrolmentRequestRow:
    """Keep a kiosk's enrolment request until the organiser decides (file or HTTP)."""
    request = read_request(data)
    with store.uow() as uow:
        event = uow.session.get(Event, request.event_id)
        if event is None:
            raise KioskError(N_("This request is for an unknown event."), code="unknown_event")
        row = uow.session.get(EnrolmentRequestRow, request.device_id)
        if row is None:
            pending = uow.session.scalar(
                select(func.count())
                .select_from(EnrolmentRequestRow)
                .where(EnrolmentRequestRow.event_id == event.id)
            )
            if (pending or 0) >= MAX_PENDING_PER_EVENT:
                raise KioskError(
                    N_("Too many enrolment requests wait for this event."), code="too_many"
                )
            row = EnrolmentRequestRow(device_id=request.device_id)
            uow.session.add(row)
        row.event_id = event.id
        row.public_key = request.public_key.hex()
        row.code = request.code
        row.name = request.name
        row.role = request.role
        row.request = data.decode("utf-8")
        row.received_at = store.clock.now()
        uow.commit()
        return row


def approve(
    store: Store,
    data_dir: Path,
    event_code: str,
    *,
    request_data: bytes | None = None,
    code: str | None = None,
    name: str | None = None,
    role: str | None = None,
) -> Approval:
    """Sign a device certificate for a request (given as a file, or by its code)."""
    received = receive_request(store, request_data).device_id if request_data is not None else None
    organiser = load_signing_key(data_dir)
    now = store.clock.now()
    with store.uow() as uow:
        event = find_event(uow, event_code)
        if received is not None:
            row = uow.session.get(EnrolmentRequestRow, received)
        else:
            row = uow.session.scalar(
                select(EnrolmentRequestRow).where(
                    EnrolmentRequestRow.event_id == event.id,
                    EnrolmentRequestRow.code == normalise_code(code or ""),
                )
            )
        if row is None or row.event_id != event.id:
            raise KioskError(
                N_("No enrolment request with this code for the event {event}."),
                code="unknown_request",
                event=event_code,
            )
        request = read_request(row.request.encode("utf-8"))
        existing = uow.session.get(CentralDevice, request.device_id)
        if existing is not None and existing.status == "revoked":
            raise KioskError(
                N_(
                    "This kiosk was revoked; it cannot be approved again. Set it up anew "
                    "(a new data folder makes a new key)."
                ),
                code="device_revoked",
            )
        ends = event.ends_at or now
        not_after = max(ends, now) + VALID_AFTER_EVENT
        certificate = make_certificate(
            organiser,
            request,
            event_code=event.code,
            serial=new_id(),
            issued_at=now,
            not_before=now - dt.timedelta(days=1),  # kiosk clocks run a little wrong
            not_after=not_after,
            name=name,
            role=role,
        )

        text = base64.b64encode(certificate).decode("ascii")
        device = existing or CentralDevice(
            device_id=request.device_id, event_id=event.id, first_seen=now, clock_flags=0
        )
        device.public_key = request.public_key.hex()
        device.name = name or request.name
        device.role = role or request.role
        device.status = "approved"
        device.certificate = text
        device.software = request.software
        device.approved_at = now
        if existing is None:
            uow.session.add(device)
        uow.session.delete(row)
        uow.commit()
        return Approval(device.device_id, device.name, device.role, certificate, not_after)


def list_devices(store: Store, event_code: str) -> list[DeviceRow]:
    with store.uow(readonly=True) as uow:
        event = find_event(uow, event_code)
        rows = [
            DeviceRow(
                r.device_id,
                r.name,
                r.role,
                "pending",
                r.code,
                "",
                "",
                "",
                "",
                0,
            )
            for r in uow.session.scalars(
                select(EnrolmentRequestRow)
                .where(EnrolmentRequestRow.event_id == event.id)
                .order_by(EnrolmentRequestRow.received_at)
            )
        ]
        for d in uow.session.scalars(
            select(CentralDevice)
            .where(CentralDevice.event_id == event.id)
            .order_by(CentralDevice.name, CentralDevice.device_id)
        ):
            rows.append(
                DeviceRow(
                    d.device_id,
                    d.name,
                    d.role,
                    d.status,
                    "",
                    d.software,
                    _time_text(d.approved_at),
                    _time_text(d.revoked_at),
                    _time_text(d.last_bundle_at),
                    d.clock_flags,
                )
            )
        return rows


def revoke_devices(store: Store, event_code: str, device_ids: list[str]) -> list[str]:
    """Revoke approved kiosks (their later bundles are quarantined); returns those revoked."""
    done = []
    with store.uow() as uow:
        event = find_event(uow, event_code)
        for device_id in device_ids:
            device = uow.session.get(CentralDevice, device_id)
            if device is None or device.event_id != event.id:
                raise KioskError(
                    N_("No kiosk {device} in the event {event}."),
                    code="unknown_device",
                    device=device_id[:40],
                    event=event_code,
                )
            if device.status != "revoked":
                device.status = "revoked"
                device.revoked_at = store.clock.now()
                done.append(device_id)
        uow.commit()
    return done


def certificate_for(store: Store, device_id: str) -> bytes | None:
    import base64

    with store.uow(readonly=True) as uow:
        device = uow.session.get(CentralDevice, device_id)
        if device is None or device.status != "approved" or not device.certificate:
            return None
        return base64.b64decode(device.certificate)


def device_key(store: Store, device_id: str, *, pending: bool = False) -> bytes | None:
    """The public key of an approved device (or, with ``pending``, of a request too)."""
    with store.uow(readonly=True) as uow:
        device = uow.session.get(CentralDevice, device_id)
        if device is not None:
            return bytes.fromhex(device.public_key) if device.status == "approved" else None
        if pending:
            row = uow.session.get(EnrolmentRequestRow, device_id)
            if row is not None:
                return bytes.fromhex(row.public_key)
        return None


def _refuse(code: str, reason: str) -> BundleError:
    return BundleError(N_("Bundle rejected: {reason}."), code=code, reason=reason)


def bundle_authoriser(
    store: Store, organiser_sign_pk: bytes
) -> Callable[[dict[str, Any], bytes], None]:
    """The check :func:`kiosk.sync.bundle.read_bundle` runs before opening a bundle:
    the device id is its key's, the device is approved for the bundle's event (by
    this platform, or by the organiser's certificate the bundle carries) and not
    revoked."""

    def authorise(manifest: dict[str, Any], device_pk: bytes) -> None:
        device_id, event_id = manifest.get("device_id"), manifest.get("event_id")
        if device_id != device_id_for(device_pk):
            raise _refuse("device_id_mismatch", "the device id is not the one of its key")
        with store.uow(readonly=True) as uow:
            if uow.session.get(Event, event_id) is None:
                raise _refuse("unknown_event", "unknown event")
            device = uow.session.get(CentralDevice, device_id)
            status = device.status if device else None
            device_event = device.event_id if device else None
        if status == "revoked":
            raise _refuse("device_revoked", "this kiosk was revoked by the organiser")
        if status == "approved":
            if device_event != event_id:
                raise _refuse("wrong_event", "this kiosk is enrolled for another event")
            return
        certificate = manifest.get("device_certificate")
        if not certificate:
            raise _refuse(
                "not_enrolled",
                "this kiosk is not enrolled yet: approve its request, then import the bundle again",
            )
        try:
            cert = certificate_from_text(certificate, organiser_sign_pk)
        except EnrolmentError as exc:
            raise _refuse("bad_certificate", "the kiosk's certificate is not valid") from exc
        if cert.device_id != device_id or cert.public_key != device_pk:
            raise _refuse("bad_certificate", "the certificate is another kiosk's")
        if cert.event_id != event_id:
            raise _refuse("wrong_event", "this kiosk is enrolled for another event")
        if not cert.valid_at(store.clock.now()):
            raise _refuse("certificate_expired", "the kiosk's certificate has expired")

    return authorise


def register_from_certificate(
    store: Store, manifest: dict[str, Any], organiser_sign_pk: bytes
) -> None:
    """A device approved elsewhere (its certificate checked by the authoriser): known here
    from now on, so that its later bundles and its revocation work on this platform too."""
    cert = certificate_from_text(manifest.get("device_certificate"), organiser_sign_pk)
    with store.uow() as uow:
        if uow.session.get(CentralDevice, cert.device_id) is not None:
            return
        uow.session.add(
            CentralDevice(
                device_id=cert.device_id,
                event_id=cert.event_id,
                public_key=cert.public_key.hex(),
                name=cert.name,
                role=cert.role,
                status="approved",
                certificate=cert.as_text(),
                serial=cert.serial,
                first_seen=store.clock.now(),
                approved_at=cert.issued_at,
                clock_flags=0,
            )
        )
        uow.commit()
