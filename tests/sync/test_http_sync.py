"""kiosk sync against kiosk-central serve on 127.0.0.1, with the server stopped in the
middle and restarted: the end state is the file path's."""

from __future__ import annotations

import json
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from kiosk import crypto
from kiosk.central.keys import load_sealing_key, load_signing_key
from kiosk.central.merge import import_files
from kiosk.central.stats import event_stats
from kiosk.services.sync import export_bundle
from kiosk.services.upload import Offline, sync
from kiosk.storage import Store
from kiosk.sync import http_auth
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


def stats_without_devices(stats: dict) -> dict:
    return {k: v for k, v in stats.items() if k not in ("devices",)}


def test_sync_survives_a_server_restart_and_matches_the_file_path(
    organiser, tmp_path: Path
) -> None:
    pack = tmp_path / "event.kpack"
    organiser("pack", "SM-2026", "--out", str(pack))
    file_side = tmp_path / "file-central"
    shutil.copytree(organiser.folder, file_side)  # same keys and event, no data yet
    a, cfg_a = kiosk(tmp_path, "door-A", pack, organiser)
    token = json.loads(organiser("token", "create", "--name", "test", "--json"))["token"]
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
        over_http = httpx.get(
            f"{url}/api/v1/events/SM-2026/stats", headers={"authorization": f"Bearer {token}"}
        ).json()
        openapi = httpx.get(f"{url}/openapi.json").json()
        assert "/api/v1/bundles" in openapi["paths"]
        garbage = httpx.post(f"{url}/api/v1/bundles", content=b"garbage")
        assert garbage.status_code == 401  # no device signature: refused before reading
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=10)

    # The same journal through a USB stick gives the same end state.
    result = export_bundle(a, cfg_a.keys_dir, tmp_path / "usb", everything=True)
    assert result is not None
    file_store = Store(f"sqlite:///{file_side / 'central.db'}")
    # That platform never saw the kiosk's approval: the bundle's certificate enrols it.
    [outcome] = import_files(
        file_store,
        [result.path],
        load_sealing_key(file_side),
        file_side / "quarantine",
        bytes(load_signing_key(file_side).verify_key),
    )
    assert outcome.outcome == "accepted", outcome
    by_file = event_stats(file_store, "SM-2026")
    assert stats_without_devices(by_file) == stats_without_devices(over_http)
    assert [d["last_seq"] for d in by_file["devices"]] == [
        d["last_seq"] for d in over_http["devices"]
    ]
    file_store.close()
    a.close()


def test_offline_is_reported_plainly(organiser, tmp_path: Path) -> None:
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
            "--passphrase",
            organiser.passphrase,
            "--pin",
            "482613",
        ).returncode
        == 0
    )
    url = f"http://127.0.0.1:{free_port()}"
    out = run_cli("--data-dir", str(data_dir), "sync", "--url", url, "--attempts", "1")
    assert out.returncode == 2
    assert "cannot be reached" in out.stderr and "Traceback" not in out.stderr


def test_upload_size_limit(organiser, tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from kiosk.central.server import create_app

    store = Store(f"sqlite:///{organiser.folder / 'central.db'}")
    client = TestClient(create_app(store, organiser.folder, max_upload=1000))
    # Anonymous: refused before the body is read, whatever its size.
    assert client.post("/api/v1/bundles", content=b"x" * 1001).status_code == 401
    assert client.get("/api/v1/devices/" + "x" * 100 + "/high-water").status_code == 401
    assert client.get("/api/v1/events/NOPE/stats").status_code == 401
    token = json.loads(organiser("token", "create", "--name", "t", "--json"))["token"]
    auth = {"authorization": f"Bearer {token}"}
    assert client.get("/api/v1/events/NOPE/stats", headers=auth).status_code == 404
    # An enrolled kiosk's upload over the limit: 413.
    kiosk_store, cfg = kiosk(tmp_path, "k", pack_file(organiser, tmp_path), organiser)
    device_id = kiosk_store.device_id
    assert device_id is not None
    body = b"x" * 1001
    headers = http_auth.sign_request(
        crypto.load_or_create_signing_key(cfg.keys_dir / crypto.DEVICE_KEY_FILE),
        device_id,
        "POST",
        "/api/v1/bundles",
        body,
        http_auth.new_nonce(),
    )
    assert client.post("/api/v1/bundles", content=body, headers=headers).status_code == 413
    kiosk_store.close()
    store.close()


def pack_file(organiser, tmp_path: Path) -> Path:
    pack = tmp_path / "event.kpack"
    organiser("pack", "SM-2026", "--out", str(pack))
    return pack
