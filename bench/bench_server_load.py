"""The central server under load and abuse at once (issue 15, acceptance point 3).

``kiosk-central serve`` on 127.0.0.1 (a free port, its own temporary data folder with
one event and 20 enrolled kiosks), then, all at the same time:

- 20 kiosks syncing (``kiosk.services.upload.sync``), each with a few hundred
  journal entries;
- 200 slow connections: a partial request head, then a byte a second (reopened
  when the server closes one, as a slowloris client does);
- 10 oversized junk uploads signed by enrolled devices (6 declaring their length,
  refused before the body; 4 chunked with no length, streamed until the server
  stops them at 64 MB), and 5 of 20 MB within the limit from one device (junk: over
  its 64 MB of quarantine, the last ones are refused and not kept);

while a separate process measures ``/health`` (a new connection per request, one
every 50 ms) and this one samples the server's RSS (/proc/PID/status VmRSS).

    python bench/bench_server_load.py [--seconds 20] [--entries 300]
    python bench/bench_server_load.py --within 10 --within-mb 60   # the review's junk
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx

from bench._common import REPO_ROOT, percentile, record
from bench.bench_sync import fill_journal
from kiosk import crypto
from kiosk.central.devices import approve
from kiosk.central.keys import create_keys
from kiosk.central.organiser import build_pack, create_event
from kiosk.central.store import open_central
from kiosk.enrolment import device_id_for, make_request
from kiosk.services.enrol import enrolment_request, install_certificate
from kiosk.services.pack_setup import setup_from_pack
from kiosk.services.upload import sync
from kiosk.storage import Store
from kiosk.sync import http_auth

HOST = "127.0.0.1"  # never another address
UPLOAD = "/api/v1/bundles"
MIB = 1024 * 1024

PROBE = r"""
import json, sys, time, urllib.request
url, until = sys.argv[1], time.monotonic() + float(sys.argv[2])
out = []
while time.monotonic() < until:
    t0 = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            ok = r.status == 200
            r.read()
    except Exception:
        ok = False
    out.append((time.perf_counter() - t0, ok, time.monotonic()))
    time.sleep(0.05)
print(json.dumps(out))
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def set_up(root: Path, kiosks: int, entries: int) -> tuple[Path, list[tuple[Store, Path]]]:
    folder = root / "central"
    create_keys(folder)
    central = open_central(f"sqlite:///{folder / 'central.db'}")
    now = dt.datetime.now(dt.UTC)
    create_event(
        central, code="LOAD", name="Load", region="", venue="",
        starts=now - dt.timedelta(hours=1), ends=now + dt.timedelta(hours=9),
        languages=["ar", "fr", "zgh", "en"],
    )  # fmt: skip
    pack = build_pack(central, "LOAD", folder)
    stores = []
    for i in range(kiosks):
        keys = root / f"k{i}" / "keys"
        keys.parent.mkdir()
        store = Store(f"sqlite:///{root / f'k{i}' / 'kiosk.db'}")
        setup_from_pack(
            store, pack.data, name=f"hall-{i}", role="both", keys_dir=keys,
            passphrase=pack.passphrase,
        )  # fmt: skip
        approval = approve(central, folder, "LOAD", request_data=enrolment_request(store, keys))
        install_certificate(store, approval.certificate)
        fill_journal(store, entries)
        stores.append((store, keys))
    central.close()
    return folder, stores


def junk_devices(folder: Path, n: int) -> list[tuple[object, str]]:
    """Devices approved by the organiser (stolen kiosks' keys) that send junk."""
    central = Store(f"sqlite:///{folder / 'central.db'}")
    from sqlalchemy import select

    from kiosk.storage.models import Event

    with central.uow(readonly=True) as uow:
        event_id = uow.session.scalar(select(Event.id).where(Event.code == "LOAD"))
    out = []
    for _ in range(n):
        key = crypto.new_signing_key()
        request = make_request(
            key, event_id=event_id or "", name="junk", role="both", software="x",
            created_at=dt.datetime.now(dt.UTC).isoformat(),
        )  # fmt: skip
        approve(central, folder, "LOAD", request_data=request)
        out.append((key, device_id_for(bytes(key.verify_key))))
    central.close()
    return out


class SlowClients:
    """``n`` connections that never finish their request head."""

    def __init__(self, port: int, n: int) -> None:
        self.port, self.n = port, n
        self.socks: list[socket.socket | None] = [None] * n
        self.reopened = 0
        self.refused = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _open(self, i: int) -> None:
        try:
            s = socket.create_connection((HOST, self.port), timeout=2)
            s.setblocking(False)
            s.send(b"POST /api/v1/bundles HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            self.socks[i] = s
        except OSError:
            self.refused += 1
            self.socks[i] = None

    def _run(self) -> None:
        for i in range(self.n):
            self._open(i)
        while not self.stop.wait(1.0):
            for i, s in enumerate(self.socks):
                try:
                    if s is None:
                        raise OSError
                    s.send(b"a")
                    try:
                        if s.recv(1024) == b"":
                            raise OSError  # closed by the server
                    except BlockingIOError:
                        pass
                except OSError:
                    if s is not None:
                        s.close()
                    self.reopened += 1
                    self._open(i)

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=5)
        for s in self.socks:
            if s is not None:
                s.close()


WITHIN_MB = 20
PREPARED: list[tuple[dict[str, str], bytes]] = []


def prepare_within(key: object, device_id: str, n: int) -> None:
    """The in-limit junk uploads, signed before the load: the client's own work (random
    bytes, hashing, an HTTP library copying 60 MB buffers) would otherwise take the
    CPU from the server on a 2-core machine and be counted as the server's latency."""
    body = os.urandom(WITHIN_MB * MIB)
    for _ in range(n):
        headers = http_auth.sign_request(
            key,  # type: ignore[arg-type]
            device_id,
            "POST",
            UPLOAD,
            body,
            http_auth.new_nonce(),
        )
        PREPARED.append((headers, body))


def raw_post(port: int, headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
    """One POST with the socket's own sendall (no copies); the answer read to its end."""
    with socket.create_connection((HOST, port), timeout=60) as s:
        head = f"POST {UPLOAD} HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n"
        head += f"Content-Length: {len(body)}\r\n"
        head += "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
        s.sendall(head.encode("ascii"))
        s.sendall(body)
        answer = b""
        while chunk := s.recv(65536):
            answer += chunk
    status_line, _, rest = answer.partition(b"\r\n")
    return int(status_line.split()[1]), rest.partition(b"\r\n\r\n")[2]


def junk_upload(url: str, key: object, device_id: str, kind: str, results: list[str]) -> None:
    try:
        if kind == "declared":  # over the limit, says so: refused before the body
            body = b"\0" * 1024
            headers = http_auth.sign_request(
                key, device_id, "POST", UPLOAD, body, http_auth.new_nonce()
            )  # type: ignore[arg-type]
            headers["content-length"] = str(65 * MIB)
            with socket.create_connection((HOST, int(url.rsplit(":", 1)[1])), timeout=10) as s:
                head = f"POST {UPLOAD} HTTP/1.1\r\nHost: {HOST}\r\n"
                head += "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
                s.sendall(head.encode())
                results.append(kind + ":" + s.recv(64).split(b"\r\n")[0].decode()[9:12])
            return
        if kind == "chunked":  # over the limit, no length: streamed until stopped

            def chunks():  # type: ignore[no-untyped-def]
                block = os.urandom(MIB)
                for _ in range(80):
                    yield block

            headers = http_auth.sign_request(
                key, device_id, "POST", UPLOAD, b"", http_auth.new_nonce()
            )  # type: ignore[arg-type]
            answer = httpx.post(url + UPLOAD, content=chunks(), headers=headers, timeout=60)
        else:  # junk within the limit (20 MB), correctly signed, made before the load
            headers, body = PREPARED.pop()
            status, text = raw_post(int(url.rsplit(":", 1)[1]), headers, body)
            extra = ""
            if status == 422:
                extra = "/kept" if json.loads(text).get("quarantined") else "/not kept"
            results.append(f"{kind}:{status}{extra}")
            return
        extra = ""
        if answer.status_code == 422:
            extra = "/kept" if answer.json().get("quarantined") else "/not kept"
        results.append(f"{kind}:{answer.status_code}{extra}")
    except httpx.HTTPError as exc:
        results.append(f"{kind}:{type(exc).__name__}")
    except OSError as exc:
        results.append(f"{kind}:{type(exc).__name__}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=20.0, help="length of the load")
    parser.add_argument("--entries", type=int, default=300, help="journal entries per kiosk")
    parser.add_argument("--kiosks", type=int, default=20)
    parser.add_argument("--slow", type=int, default=200)
    parser.add_argument("--within", type=int, default=5, help="junk uploads within the limit")
    parser.add_argument("--within-mb", type=int, default=20)
    args = parser.parse_args()
    global WITHIN_MB
    WITHIN_MB = args.within_mb
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        t0 = time.perf_counter()
        folder, kiosks = set_up(root, args.kiosks, args.entries)
        junkers = junk_devices(folder, 5)
        prepare_within(*junkers[0], args.within)
        print(f"set-up: {time.perf_counter() - t0:.1f} s", flush=True)
        port = free_port()
        url = f"http://{HOST}:{port}"
        log_path = root / "server.log"
        log = log_path.open("wb")
        env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
        server = subprocess.Popen(
            [sys.executable, "-m", "kiosk.central.cli", "--data-dir", str(folder),
             "serve", "--host", HOST, "--port", str(port)],
            cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        probe = slow = None
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    if httpx.get(url + "/api/v1/health", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        raise RuntimeError("the server did not start") from None
                    time.sleep(0.1)
            base_rss = rss_kb(server.pid)
            peak = [base_rss]
            stop = threading.Event()

            def sample() -> None:
                while not stop.wait(0.05):
                    peak[0] = max(peak[0], rss_kb(server.pid))

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            probe = subprocess.Popen(
                [sys.executable, "-c", PROBE, url + "/api/v1/health", str(args.seconds)],
                stdout=subprocess.PIPE,
            )
            time.sleep(1)  # a second of /health alone first
            load_start = time.monotonic()
            slow = SlowClients(port, args.slow)
            slow.thread.start()
            junk: list[str] = []
            kinds = ["declared"] * 6 + ["chunked"] * 4 + ["within"] * args.within
            threads = [
                threading.Thread(
                    target=junk_upload,
                    args=(url, *junkers[0 if kind == "within" else 1 + i % 4], kind, junk),
                )
                for i, kind in enumerate(kinds)
            ]
            synced: list[float] = []
            failed: list[str] = []

            def one_sync(store: Store, keys: Path) -> None:
                t = time.perf_counter()
                try:
                    report = sync(store, keys, url, attempts=3, backoff=0.5, timeout=30)
                    if report.rejected is not None:
                        failed.append(str(report.rejected.get("code")))
                    else:
                        synced.append(time.perf_counter() - t)
                except Exception as exc:  # a figure, not a crash
                    failed.append(type(exc).__name__)

            threads += [threading.Thread(target=one_sync, args=k) for k in kiosks]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=args.seconds + 30)
            out, _ = probe.communicate(timeout=args.seconds + 30)
            stop.set()
            sampler.join()
        finally:
            if slow is not None:
                slow.close()
            if probe is not None and probe.poll() is None:
                probe.kill()
                probe.wait()
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
            log.close()
            for store, _keys in kiosks:
                store.close()
        samples = json.loads(out)
        times = [t for t, ok, _at in samples if ok]
        errors = sum(1 for _t, ok, _at in samples if not ok)
        slowest = sorted(samples, reverse=True)[:5]
        print("slowest /health: " + ", ".join(
            f"{t * 1000:.0f} ms at +{at - load_start:.1f} s" for t, _ok, at in slowest
        ))  # fmt: skip
        quarantine = folder / "quarantine"
        kept = list(quarantine.iterdir()) if quarantine.exists() else []
        server_log = log_path.read_text(errors="replace")
        print(f"health requests: {len(samples)}, failed: {errors}")
        print(f"kiosk syncs: {len(synced)} of {len(kiosks)} in sync; failures: {failed}")
        print(f"junk uploads: {sorted(junk)}")
        print(f"slow connections closed by the server and reopened: {slow.reopened if slow else 0}")
        print(f"quarantine: {len(kept)} files, {sum(p.stat().st_size for p in kept) / MIB:.1f} MB")
        print(f"server log: {len(server_log.splitlines())} lines, {len(server_log)} bytes")
        for line in server_log.splitlines()[:12]:
            print("  | " + line[:160])
        record("server load: /health p50", percentile(times, 50) * 1000, "ms")
        record("server load: /health p99", percentile(times, 99) * 1000, "ms", target="< 200 ms")
        record("server load: /health max", max(times) * 1000 if times else float("nan"), "ms")
        record("server load: kiosk sync p50", percentile(synced, 50), "s")
        record("server load: server RSS at rest", base_rss / 1024, "MB")
        record("server load: server RSS peak", peak[0] / 1024, "MB", target="< 300 MB")


if __name__ == "__main__":
    main()
