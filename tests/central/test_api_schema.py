"""Schemathesis against the served OpenAPI document: no server errors, responses as
documented."""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from kiosk.central.server import create_app
from kiosk.storage import Store


@pytest.fixture
def api_app(organiser):
    store = Store(f"sqlite:///{Path(organiser.folder) / 'central.db'}")
    yield create_app(store, Path(organiser.folder), max_upload=64 * 1024)
    store.close()


def test_api_has_no_server_errors(api_app) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", api_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 4
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
        def check(case) -> None:
            response = case.call()
            assert response.status_code < 500, (case.path, response.status_code)

        check()
