"""The organiser console at national scale: 12 events, 100,000 proposals, 150,000
attendees (and 100,000 check-ins), on SQLite (and PostgreSQL when KIOSK_TEST_PG_URL is
set). Prints the server time (p50, p95) of the proposals page with a filter and an
Arabic search, and of the attendance page, measured in-process (FastAPI's test
client: no network); then the same pages from ``kiosk-central serve`` over HTTP on
127.0.0.1 while 20 kiosks sync their bundles to it at the same time.

    python bench/bench_console.py [--proposals 100000] [--attendees 150000] [--runs 40]
                                  [--kiosks 20] [--entries 300] [--db sqlite|postgresql|both]
                                  [--repeat N] [--server-log FILE]

The figures of issue 16 (acceptance 3), with PostgreSQL from scripts/start_postgres.sh:

    export KIOSK_TEST_PG_URL=$(bash scripts/start_postgres.sh)
    python bench/bench_console.py --runs 20 --entries 2000 --repeat 3

How to read it. ``console SQLite: ... p95 [target < 150 ms]`` lines are the idle pages
(``--runs`` requests each, after 3 to warm up). ``..., 20 kiosks uploading: ... p95 (N
requests) [target < 300 ms]`` is the server's own time of each page while the kiosks
sync (read from the answer's ``Server-Timing`` header: from the request's arrival to
its answer, waiting for a thread or a connection included), requested one after the
other for as long as the kiosks take; ``p95 round trip`` is the same seen by the
client. The kiosks run in a process of their own (they are other machines: their
threads must not share the page client's interpreter lock), each sending
``--entries`` proposals in one bundle; the line before says how many synced, the
slowest kiosk's time and any failure. With ``--repeat N`` the whole run is made N times
and a last block gives each figure's median and range (min-max). The machine is
shared: take the median of 3 to 5 runs, not one run; ``--server-log`` keeps the
server's log (a refused upload, a busy database) to look at afterwards.

Measured so on 2026-12-02 (2 shared cores; server time p95 in ms, median (min-max) of 3
runs; main 0f66b5d against this branch before its last merge of main):

    SQLite       idle proposals / attendance   20 kiosks: proposals / attendance
    main         37 (35-38)   / 38 (37-100)    474 (410-687)   / 389 (329-537)
    branch       46 (37-53)   / 71 (35-116)    112 (94-138)    / 92 (83-124)
    PostgreSQL
    main         38 (33-41)   / 42 (39-53)     1395 (1311-1675) / 1261 (1152-1360)
    branch       73 (68-81)   / 75 (61-126)    166 (146-176)   / 115 (105-124)

(idle figures swing with the other sessions' load: one run after the merge, on a
quieter machine, gave 30 / 29 and 45 / 43 on SQLite, 33 / 32 and 63 / 47 on PostgreSQL.)
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, select, text

from bench._common import median, percentile, record
from kiosk.central.accounts import add_user
from kiosk.central.keys import create_keys
from kiosk.central.organiser import create_event
from kiosk.central.review import catch_up
from kiosk.central.server import create_app
from kiosk.central.store import open_central
from kiosk.central.web import mount_console
from kiosk.domain.search import search_key
from kiosk.ids import new_id, new_receipt_code
from kiosk.storage.models import Attendee, CheckIn, Event, Proposal

EVENTS = 12
# Arabic and French words the proposals are made of (written as \u escapes: ASCII source).
AR_WORDS = [
    "\u0625\u0635\u0644\u0627\u062d",  # islah (reform)
    "\u0627\u0644\u0645\u062f\u0631\u0633\u0629",  # the school
    "\u0627\u0644\u0631\u0642\u0645\u064a\u0629",  # digital
    "\u0627\u0644\u0625\u062f\u0627\u0631\u0629",  # the administration
    "\u0627\u0644\u0634\u0628\u0627\u0628",  # the youth
    "\u062a\u0643\u0648\u064a\u0646",  # training
    "\u0627\u0644\u0625\u0646\u062a\u0631\u0646\u062a",  # the internet
    "\u0627\u0644\u0642\u0631\u0649",  # the villages
]
FR_WORDS = [
    "former",
    "jeunes",
    "numerique",
    "administration",
    "ecole",
    "village",
    "internet",
    "services",
]
THEMES = ["digital_inclusion", "public_services", "digital_economy", "skills", "other"]
PASSWORD = "bench password 2026"
BENCH_DB = "kiosk_console_bench"


def fill(store, n_proposals: int, n_attendees: int) -> list[str]:  # type: ignore[no-untyped-def]
    rng = random.Random(7)
    start = dt.datetime(2026, 11, 23, 8, tzinfo=dt.UTC)
    codes = []
    for i in range(EVENTS):
        code = f"EV-{i:02d}"
        create_event(
            store, code=code, name=f"Session {i}", region=f"Region {i}", venue="Hall",
            starts=start, ends=start + dt.timedelta(hours=10), languages=["ar", "fr", "zgh", "en"],
        )  # fmt: skip
        codes.append(code)
    with store.uow(readonly=True) as uow:
        event_ids = list(uow.session.scalars(select(Event.id).order_by(Event.code)))
    devices = [[new_id() for _ in range(8)] for _ in event_ids]
    attendees: list[tuple[str, str]] = []
    with store.uow() as uow:
        rows = []
        for i in range(n_attendees):
            e = i % EVENTS
            aid = new_id()
            attendees.append((event_ids[e], aid))
            name = f"Person {i}"
            rows.append(
                {
                    "id": aid, "event_id": event_ids[e], "external_id": f"X{i}",
                    "kind": "invited" if i % 10 else "walk_in", "name": name, "name_latin": name,
                    "organisation": "", "category": rng.choice(["citizen", "student", "media"]),
                    "province": rng.choice(["Tiznit", "Tata", "Taroudant"]), "phone": "",
                    "email": "", "preferred_language": "ar", "consent": False,
                    "search_key": search_key(name), "created_at": start, "created_by": None,
                    "badge_token": None,
                }
            )  # fmt: skip
        uow.session.execute(insert(Attendee), rows)
        checkins = []
        for n, (event_id, aid) in enumerate(attendees[: n_attendees * 2 // 3]):
            e = event_ids.index(event_id)
            checkins.append(
                {
                    "id": new_id(), "event_id": event_id, "attendee_id": aid,
                    "device_id": devices[e][n % 4], "station": f"door-{n % 4}",
                    "at": start + dt.timedelta(seconds=rng.randrange(36000)), "method": "scan",
                    "outcome": "accepted", "detail": "", "undone_at": None, "training": False,
                }
            )  # fmt: skip
        uow.session.execute(insert(CheckIn), checkins)
        proposals = []
        for i in range(n_proposals):
            e = i % EVENTS
            lang = "ar" if i % 2 else "fr"
            words = AR_WORDS if lang == "ar" else FR_WORDS
            proposals.append(
                {
                    "id": new_id(), "event_id": event_ids[e], "attendee_id": None,
                    "device_id": devices[e][4 + i % 4], "theme_code": rng.choice(THEMES),
                    "language": lang, "title": " ".join(rng.sample(words, 3)),
                    "body": " ".join(rng.choices(words, k=30)),
                    "age_band": rng.choice(["18_24", "25_34", "35_49"]), "gender": "",
                    "province": rng.choice(["Tiznit", "Tata", "Taroudant"]),
                    "profile": rng.choice(["citizen", "student"]), "consent_publish": True,
                    "receipt_code": new_receipt_code(),
                    "created_at": start + dt.timedelta(seconds=rng.randrange(36000)),
                    "training": False,
                }
            )  # fmt: skip
        uow.session.execute(insert(Proposal), proposals)
        uow.commit()
    return codes


def timed(client, path: str, runs: int) -> list[float]:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        r = client.get(path)
        times.append((time.perf_counter() - t0) * 1000)
        assert r.status_code == 200, (path, r.status_code)
    return times


def run(label: str, url: str, folder: Path, args: argparse.Namespace) -> None:
    from fastapi.testclient import TestClient

    create_keys(folder)
    store = open_central(url)
    t0 = time.perf_counter()
    codes = fill(store, args.proposals, args.attendees)
    fill_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    catch_up(store)
    index_s = time.perf_counter() - t0
    if url.startswith("postgresql"):
        # What autovacuum does on a server soon after a bulk load (visibility map and
        # statistics): measured without it, the first minutes read the heap.
        with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    print(f"{label}: data written in {fill_s:.1f} s; review rows and search keys {index_s:.1f} s")
    add_user(store, "admin", PASSWORD, role="admin")
    app = create_app(store, folder)
    mount_console(app, store, folder)
    client = TestClient(app)
    page = client.get("/console/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    r = client.post(
        "/console/login", data={"username": "admin", "password": PASSWORD, "csrf_token": token}
    )
    assert r.status_code == 200, r.status_code
    event = codes[3]
    query = AR_WORDS[0].replace("\u0625", "\u0627")  # bare alef: the folding finds it
    pages = {
        "proposals page, filter (language) + Arabic search": (
            f"/console/events/{event}/proposals?language=ar&q={query}"
        ),
        "proposals page, Arabic search across all filters off": (
            f"/console/events/{event}/proposals?q={query}"
        ),
        "proposals page, no filter": f"/console/events/{event}/proposals",
        "attendance page": f"/console/events/{event}/attendance",
    }
    for name, path in pages.items():
        timed(client, path, 3)  # warm
        times = timed(client, path, args.runs)
        figure(f"console {label}: {name} p50", percentile(times, 50), "ms")
        target = "< 100 ms" if "attendance" in name else "< 150 ms"
        figure(f"console {label}: {name} p95", percentile(times, 95), "ms", target=target)
    if args.kiosks:
        under_load(label, url, folder, store, args, {k: pages[k] for k in list(pages)[::3]})
    store.close()


def under_load(
    label: str, url: str, folder: Path, store: Any, args: argparse.Namespace,
    pages: dict[str, str],
) -> None:  # fmt: skip
    """The same pages from ``kiosk-central serve`` (its own process) while ``--kiosks``
    kiosks sync ``--entries`` journal entries each over HTTP at the same time (from a
    third process: the kiosks are other machines, so their threads do not share the
    interpreter lock with the client that times the pages, as a browser would not)."""
    import json
    import subprocess

    import httpx

    from bench.bench_server_load import free_port
    from bench.bench_sync import fill_journal
    from kiosk.central.devices import approve
    from kiosk.central.organiser import build_pack
    from kiosk.services.enrol import enrolment_request, install_certificate
    from kiosk.services.pack_setup import setup_from_pack
    from kiosk.storage import Store

    pack = build_pack(store, "EV-00", folder)
    for i in range(args.kiosks):
        keys = folder / f"k{i}" / "keys"
        keys.parent.mkdir(parents=True)
        kiosk = Store(f"sqlite:///{folder / f'k{i}' / 'kiosk.db'}")
        setup_from_pack(
            kiosk, pack.data, name=f"hall-{i}", role="both", keys_dir=keys,
            passphrase=pack.passphrase,
        )  # fmt: skip
        approval = approve(store, folder, "EV-00", request_data=enrolment_request(kiosk, keys))
        install_certificate(kiosk, approval.certificate)
        fill_journal(kiosk, args.entries)
        kiosk.close()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = open(args.server_log, "a") if args.server_log else subprocess.DEVNULL  # noqa: SIM115
    server = subprocess.Popen(
        [sys.executable, "-m", "kiosk.central.cli", "--data-dir", str(folder), "--db", url,
         "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=log,
    )  # fmt: skip
    kiosks = None
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/api/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        client = httpx.Client(base_url=base, timeout=60)
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/console/login").text)
        assert token is not None
        client.post(
            "/console/login",
            data={"username": "admin", "password": PASSWORD, "csrf_token": token.group(1)},
        )
        for path in pages.values():  # warm, as the idle figures are
            client.get(path)
        kiosks = subprocess.Popen(
            [sys.executable, __file__, "--sync-kiosks", str(folder), "--base", base,
             "--kiosks", str(args.kiosks)],
            stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        rounds: dict[str, list[float]] = {name: [] for name in pages}
        served: dict[str, list[float]] = {name: [] for name in pages}
        while kiosks.poll() is None:
            for name, path in pages.items():
                t0 = time.perf_counter()
                r = client.get(path)
                rounds[name].append((time.perf_counter() - t0) * 1000)
                assert r.status_code == 200, (path, r.status_code)
                served[name].append(float(r.headers["server-timing"].partition("dur=")[2]))
        summary = json.loads(kiosks.communicate()[0].strip().splitlines()[-1])
        kiosks = None
        print(
            f"{label}: {summary['done']} of {args.kiosks} kiosks synced {args.entries} entries "
            f"each (slowest {summary['slowest']:.1f} s), failures {summary['failed'] or '-'}"
        )
        for name in pages:
            n = len(served[name])
            figure(
                f"console {label}, {args.kiosks} kiosks uploading: {name} p95 ({n} requests)",
                percentile(served[name], 95),
                "ms",
                target="< 300 ms",
            )
            figure(
                f"console {label}, {args.kiosks} kiosks uploading: {name} p50 ({n} requests)",
                percentile(served[name], 50),
                "ms",
            )
            figure(
                f"console {label}, {args.kiosks} kiosks uploading: {name} p95 round trip",
                percentile(rounds[name], 95),
                "ms",
            )
    finally:
        if kiosks is not None:
            kiosks.kill()
            kiosks.wait(timeout=30)
        server.terminate()
        server.wait(timeout=30)
        if args.server_log:
            log.close()  # type: ignore[union-attr]


def sync_kiosks(folder: Path, base: str, n: int) -> None:
    """The kiosks' side of :func:`under_load` (its own process): ``n`` kiosks sync at
    once, one thread each; prints one JSON line (how many synced, slowest, failures)."""
    import json
    import threading

    from kiosk.services.upload import sync
    from kiosk.storage import Store

    done: list[float] = []
    failed: list[str] = []

    def one(i: int) -> None:
        kiosk = Store(f"sqlite:///{folder / f'k{i}' / 'kiosk.db'}")
        t0 = time.perf_counter()
        try:
            report = sync(kiosk, folder / f"k{i}" / "keys", base, attempts=3, backoff=0.5,
                          timeout=60)  # fmt: skip
            if report.rejected is None:
                done.append(time.perf_counter() - t0)
            else:
                failed.append(str(report.rejected.get("code")))
        except Exception as exc:  # a figure, not a crash
            failed.append(type(exc).__name__)
        finally:
            kiosk.close()

    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(json.dumps({"done": len(done), "slowest": max(done, default=0.0), "failed": failed}))


def figure(name: str, value: float, unit: str, target: str = "") -> None:
    """One figure printed (and kept for the summary of ``--repeat``)."""
    record(name, value, unit, target=target)
    FIGURES.setdefault(re.sub(r" \(\d+ requests\)", "", name), []).append((value, target))


FIGURES: dict[str, list[tuple[float, str]]] = {}


def summary(repeat: int) -> None:
    print(f"\nMedian (min-max) of {repeat} runs:")
    for name, values in FIGURES.items():
        numbers = [v for v, _t in values]
        target = values[0][1]
        print(
            f"  {name}: {median(numbers):.0f} ms ({min(numbers):.0f}-{max(numbers):.0f})"
            + (f" [target {target}]" if target else "")
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--proposals", type=int, default=100_000)
    parser.add_argument("--attendees", type=int, default=150_000)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--kiosks", type=int, default=20, help="uploading at once (0: none)")
    parser.add_argument("--entries", type=int, default=300, help="journal entries per kiosk")
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both",
                        help="PostgreSQL only when KIOSK_TEST_PG_URL is set")  # fmt: skip
    parser.add_argument("--repeat", type=int, default=1, help="whole runs; then medians")
    parser.add_argument("--server-log", metavar="FILE", help="the server's log (appended)")
    parser.add_argument("--sync-kiosks", metavar="FOLDER", help=argparse.SUPPRESS)
    parser.add_argument("--base", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.sync_kiosks:  # the kiosks' process of under_load
        sync_kiosks(Path(args.sync_kiosks), args.base, args.kiosks)
        return
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            if args.db != "postgresql":
                run("SQLite", f"sqlite:///{folder / 'central.db'}", folder, args)
            pg = os.environ.get("KIOSK_TEST_PG_URL")
            if pg and args.db != "sqlite":
                from sqlalchemy import create_engine
                from sqlalchemy.engine import make_url

                # A database of its own on that server (the tests' one is shared).
                engine = create_engine(pg, isolation_level="AUTOCOMMIT")
                with engine.connect() as conn:
                    conn.execute(text(f"DROP DATABASE IF EXISTS {BENCH_DB}"))
                    conn.execute(text(f"CREATE DATABASE {BENCH_DB}"))
                engine.dispose()
                pg = make_url(pg).set(database=BENCH_DB).render_as_string(hide_password=False)
                pg_folder = folder / "pg"
                pg_folder.mkdir()
                run("PostgreSQL", pg, pg_folder, args)
    if args.repeat > 1:
        summary(args.repeat)


if __name__ == "__main__":
    main()
