"""Data of the event report: figures plus every proposal its author let us publish."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from kiosk.services.context import EventInfo, event_info
from kiosk.services.dashboard import DashboardFigures, dashboard_figures
from kiosk.storage.models import Proposal
from kiosk.storage.store import Store


@dataclass(frozen=True)
class PublishedProposal:
    theme: str
    language: str
    title: str
    body: str


@dataclass(frozen=True)
class ReportData:
    event: EventInfo
    figures: DashboardFigures
    published: tuple[PublishedProposal, ...]


def report_data(store: Store, *, include_training: bool = False) -> ReportData:
    figures = dashboard_figures(store, include_training=include_training)
    with store.uow(readonly=True) as uow:
        info = event_info(uow)
        where = [Proposal.event_id == info.id, Proposal.consent_publish.is_(True)]
        if not include_training:
            where.append(Proposal.training.is_(False))
        rows = uow.session.execute(
            select(Proposal.theme_code, Proposal.language, Proposal.title, Proposal.body)
            .where(*where)
            .order_by(Proposal.theme_code, Proposal.created_at)
        )
        published = tuple(PublishedProposal(*row) for row in rows)
    order = {theme.code: i for i, theme in enumerate(info.themes)}
    published = tuple(sorted(published, key=lambda p: order.get(p.theme, len(order))))
    return ReportData(info, figures, published)
