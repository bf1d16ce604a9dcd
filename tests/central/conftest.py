"""Central tests use the organiser fixture from tests/conftest.py."""

from tests.conftest import central

__all__ = ["central"]
