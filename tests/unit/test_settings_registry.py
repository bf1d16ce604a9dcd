"""Every local setting is declared once, in kiosk.storage.settings, with its type."""

from __future__ import annotations

import pytest

from kiosk.storage import settings


def test_every_setting_is_listed_once_with_its_own_key() -> None:
    declared = [v for v in vars(settings).values() if isinstance(v, settings.Setting)]
    assert {id(s) for s in declared} == {id(s) for s in settings.ALL}
    keys = [s.key for s in settings.ALL]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        (settings.TRAINING, True),
        (settings.TRAINING, False),
        (settings.PIN_FAILURES, 3),
        (settings.IDLE_TIMEOUT_S, 120),
        (settings.IDLE_TIMEOUT_S, None),
        (settings.STATION_NAME, "Porte B"),
    ],
)
def test_a_value_reads_back_as_written(setting: settings.Setting[object], value: object) -> None:
    stored = settings.Values({setting.key: setting.encode(value)})
    assert stored[setting] == value


def test_unset_and_damaged_values_read_as_their_default() -> None:
    empty = settings.Values({})
    assert empty[settings.TRAINING] is False and empty[settings.IDLE_TIMEOUT_S] is None
    assert not empty.is_set(settings.EVENT_ID) and empty[settings.EVENT_ID] == ""
    damaged = settings.Values({"staff_pin_failures": "x", "idle_timeout_s": "soon"})
    assert damaged[settings.PIN_FAILURES] == 0 and damaged[settings.IDLE_TIMEOUT_S] is None


def test_the_unit_of_work_reads_and_writes_typed_settings(demo_store) -> None:
    with demo_store.uow() as uow:
        uow.save(settings.IDLE_TIMEOUT_S, 240)
        uow.save(settings.TRAINING, True)
        uow.commit()
    with demo_store.uow(readonly=True) as uow:
        local = uow.settings(settings.IDLE_TIMEOUT_S, settings.TRAINING, settings.EVENT_ID)
    assert local[settings.IDLE_TIMEOUT_S] == 240 and local[settings.TRAINING] is True
    assert local[settings.EVENT_ID] == demo_store.event_id
    assert local.raw[settings.TRAINING.key] == "1"  # as the table has always stored it
