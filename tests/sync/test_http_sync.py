"""kiosk sync against kiosk-central serve on 127.0.0.1, with the server stopped in the
middle and restarted: the end state is the file path's."""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from kiosk.central.keys import load_sealing_key
from kiosk.central.merge import import_files
from kiosk.central.stats import event_stats
from kiosk.services.sync import export_bundle
from kiosk.services.upload import Offline, sync
from kiosk.storage import Store
from tests.conftest import REPO_ROOT, cli_env
from tests.sync.test_bundles import activity, kiosk


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(
    folder: Path, port: int, extra: list[str] | None = None
) -> subprocess.Popen[bytes]:
    command = [
        sys.executable,
        "-m",
        "kiosk.central.cli",
        "--data-dir",
        str(folder),
        *(extra or []),
        "serve",
        "--port",
        str(port),
    ]
    proc = subprocess.Popen(
        command, env=cli_env(), cwd=REPO_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("server did not start")


def stats_without_devices(stats: dict) -> dict:  # type: ignore[type-arg]
    return {k: v for k, v in stats.items() if k not in ("devices",)}


def test_sync_survives_a_server_restart_and_matches_the_file_path(
    organiser, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    pack = tmp_path / "event.kpack"
    organiser("pack", "SM-2026", "--out", str(pack))
    file_side = tmp_path / "file-central"
    shutil.copytree(organiser.folder, file_side)  # same keys and event, no data yet
    a, cfg_a = kiosk(tmp_path, "door-A", pack)
    tokens = organiser.tokens()
    activity(a, tokens[:60], ["one", "two", "three"])

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = start_server(organiser.folder, port)
    uploads = []

    def stop_after_first(seq: int, total: int) -> None:
        uploads.append(seq)
        if len(uploads) == 1:
            server.send_signal(signal.SIGKILL)
            server.wait(timeout=10)

    with pytest.raises(Offline) as info:
        sync(a, cfg_a.keys_dir, url, chunk=20, attempts=3, backoff=0.05, progress=stop_after_first)
    assert url in info.value.message("en") and "Nothing was lost" in info.value.message("en")
    assert len(uploads) == 1

    server = start_server(organiser.folder, port)
    try:
        report = sync(a, cfg_a.keys_dir, url, chunk=20, attempts=3, backoff=0.05)
        assert report.rejected is None and len(report.uploaded) >= 2
        again = sync(a, cfg_a.keys_dir, url, chunk=20)
        assert again.uploaded == []  # nothing missing any more
        over_http = httpx.get(f"{url}/api/v1/events/SM-2026/stats").json()
        openapi = httpx.get(f"{url}/openapi.json").json()
        assert "/api/v1/bundles" in openapi["paths"]
        garbage = httpx.post(f"{url}/api/v1/bundles", content=b"garbage")
        assert garbage.status_code == 422 and garbage.json()["code"] == "bad_format"
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=10)

    # The same journal through a USB stick gives the same end state.
    result = export_bundle(a, cfg_a.keys_dir, tmp_path / "usb", everything=True)
    assert result is not None
    file_store = Store(f"sqlite:///{file_side / 'central.db'}")
    [outcome] = import_files(
        file_store, [result.path], load_sealing_key(file_side), file_side / "quarantine"
    )
    assert outcome.outcome == "accepted"
    by_file = event_stats(file_store, "SM-2026")
    assert stats_without_devices(by_file) == stats_without_devices(over_http)
    assert [d["last_seq"] for d in by_file["devices"]] == [
        d["last_seq"] for d in over_http["devices"]
    ]
    file_store.close()
    a.close()


def test_offline_is_reported_plainly(organiser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import run_cli

    pack = tmp_path / "event.kpack"
    organiser("pack", "SM-2026", "--out", str(pack))
    data_dir = tmp_path / "k"
    assert (
        run_cli(
            "--data-dir",
            str(data_dir),
            "setup",
            "--pack",
            str(pack),
            "--name",
            "k",
        ).returncode
        == 0
    )
    out = run_cli("--data-dir", str(data_dir), "sync", "--url", f"http://127.0.0.1:{free_port()}")
    assert out.returncode == 2
    assert "cannot be reached" in out.stderr and "Traceback" not in out.stderr


def test_upload_size_limit(organiser) -> None:  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from kiosk.central.server import create_app

    store = Store(f"sqlite:///{organiser.folder / 'central.db'}")
    client = TestClient(create_app(store, organiser.folder, max_upload=1000))
    assert client.post("/api/v1/bundles", content=b"x" * 1001).status_code == 413
    assert client.get("/api/v1/devices/" + "x" * 100 + "/high-water").status_code == 422
    assert client.get("/api/v1/events/NOPE/stats").status_code == 404
    store.close()
