"""Issue 15: a 100,000-attendee event works end to end (roster, pack, kiosk set-up,
door, bundle, merge): one set of size limits, checked before reading, that such an
event fits in."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from kiosk.event_pack import MAX_PACK_BYTES
from tests.conftest import central, run_cli

PEOPLE = 100_000


@pytest.mark.slow
def test_a_hundred_thousand_attendees_end_to_end(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "central"

    def run(*args: str) -> str:
        return central(capsys, "--data-dir", str(folder), *args)

    run("init")
    run("event", "create", "--code", "BIG", "--name", "Big", "--region", "R", "--venue", "V",
        "--starts", "2026-12-01T08:00", "--ends", "2026-12-01T18:00")  # fmt: skip
    rng = random.Random(3)
    first = ["Fatima", "Mohamed", "Youssef", "Aicha", "Khadija", "Omar", "Hassan", "Nadia"]
    last = ["Alaoui", "Bennani", "Tazi", "Idrissi", "Ait Ouhmad", "El Fassi", "Berrada"]
    roster = tmp_path / "roster.csv"
    with roster.open("w", encoding="utf-8") as fh:
        fh.write("external_id,full_name,organisation,category,province\n")
        for i in range(PEOPLE):
            fh.write(
                f"B-{i},{rng.choice(first)} {rng.choice(last)} {i},Coop {i % 500},citizen,Tiznit\n"
            )
    assert f"{PEOPLE} rows accepted" in run("roster", "import", "BIG", str(roster))
    pack = tmp_path / "big.kpack"
    passphrase = json.loads(run("pack", "BIG", "--out", str(pack), "--json"))["passphrase"]
    assert pack.stat().st_size < MAX_PACK_BYTES
    data = tmp_path / "kiosk"
    setup = run_cli(
        "--data-dir", str(data), "setup", "--pack", str(pack), "--name", "door",
        "--role", "checkin", "--pin", "482613", "--passphrase", passphrase, "--json",
    )  # fmt: skip
    assert setup.returncode == 0, setup.stderr
    assert json.loads(setup.stdout)["attendees"] == PEOPLE
    tokens = json.loads(run("roster", "tokens", "BIG", "--json"))
    last_one = next(t for t in tokens if t["external_id"] == f"B-{PEOPLE - 1}")
    door = run_cli("--data-dir", str(data), "checkin", last_one["token"], "--json")
    assert json.loads(door.stdout)["outcome"] == "accepted", door.stdout + door.stderr
    found = run_cli("--data-dir", str(data), "search", f"{PEOPLE - 2}", "--json")
    assert [h["name"].endswith(f" {PEOPLE - 2}") for h in json.loads(found.stdout)][:1] == [True]
    run("device", "approve", "BIG", "--request", str(data / "enrolment-request.kreq"),
        "--out", str(tmp_path / "door.kcert"))  # fmt: skip
    usb = tmp_path / "usb"
    assert run_cli("--data-dir", str(data), "export", "--out", str(usb)).returncode == 0
    [bundle] = usb.glob("*.kbundle")
    [outcome] = json.loads(run("import", str(bundle), "--json"))
    assert outcome["outcome"] == "accepted", outcome
    stats = json.loads(run("stats", "BIG", "--json"))
    assert stats["attendees"] == PEOPLE and stats["unique_checkins"] == 1
