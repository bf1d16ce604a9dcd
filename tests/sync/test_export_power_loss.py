"""Power lost while exporting: no partial bundle under its final name, and the next
export writes the right bundle."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kiosk.central.keys import load_sealing_key
from kiosk.central.merge import import_files
from kiosk.domain.proposal import ProposalDraft
from kiosk.services.proposals import submit_proposal
from kiosk.storage import Store
from tests.conftest import REPO_ROOT, cli_env
from tests.sync.test_bundles import kiosk


@pytest.mark.slow
def test_sigkill_during_export(organiser, tmp_path: Path) -> None:
    pack = tmp_path / "event.kpack"
    organiser("pack", "SM-2026", "--out", str(pack))
    store, cfg = kiosk(tmp_path, "k", pack, organiser)
    for i in range(1500):
        submit_proposal(store, ProposalDraft("skills", "fr", f"t{i}", "corps " * 40))
    store.close()
    usb = tmp_path / "usb"
    rng = random.Random(11)
    for attempt in range(5):
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "kiosk",
                "--data-dir",
                str(cfg.data_dir),
                "export",
                "--out",
                str(usb),
                "--all",
            ],
            env=cli_env(),
            cwd=REPO_ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.2, 1.5))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        for bundle in usb.glob("*.kbundle") if usb.exists() else []:
            # Anything under a final name is a whole, valid bundle.
            central = Store(f"sqlite:///{organiser.folder / 'central.db'}")
            [outcome] = import_files(
                central, [bundle], load_sealing_key(organiser.folder), tmp_path / f"q{attempt}"
            )
            central.close()
            assert outcome.outcome in ("accepted", "duplicate"), (attempt, outcome)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "kiosk",
            "--data-dir",
            str(cfg.data_dir),
            "export",
            "--out",
            str(usb),
            "--all",
            "--json",
        ],
        env=cli_env(),
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    bundles = sorted(usb.glob("*.kbundle"))
    # device.created, event.pack_imported, device.enrolled, then the 1,500 proposals
    assert bundles and bundles[-1].name.endswith("-1-1503.kbundle")
    central = Store(f"sqlite:///{organiser.folder / 'central.db'}")
    [outcome] = import_files(
        central, [bundles[-1]], load_sealing_key(organiser.folder), tmp_path / "q"
    )
    assert outcome.outcome in ("accepted", "duplicate") and outcome.to_seq == 1503
    central.close()
