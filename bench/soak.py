"""A day at a venue, compressed: attendee sessions through the flow state machine and
the services (and with --ui the real widgets, offscreen), with check-ins, printing
resident memory every 500 sessions. Target: growth under 10 MB after warm-up.

    python bench/soak.py [--sessions 10000] [--checkins 2000] [--ui]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from nacl.signing import SigningKey

from bench._common import SAMPLE_DIR, record
from kiosk import badges
from kiosk.config import load_settings
from kiosk.domain.flow import AttendeeFlow
from kiosk.domain.search import search_key
from kiosk.ids import new_id
from kiosk.services.checkin import check_in
from kiosk.services.proposals import submit_proposal
from kiosk.services.setup import init_demo
from kiosk.storage import Store
from kiosk.storage.models import Attendee
from kiosk.storage.settings import EVENT_ID, ORGANISER_SIGN_PK


def rss_mb() -> float:
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sessions", type=int, default=10_000)
    parser.add_argument("--checkins", type=int, default=2_000)
    parser.add_argument("--ui", action="store_true")
    args = parser.parse_args()
    sample = [json.loads(x) for x in (SAMPLE_DIR / "proposals.jsonl").read_text().splitlines()]
    rng = random.Random(5)
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(tmp)
        store = Store(settings.db_url)
        init_demo(store)
        organiser = SigningKey.generate()
        tokens = []
        with store.uow() as uow:
            event_id = uow.setting(EVENT_ID)
            uow.save(ORGANISER_SIGN_PK, bytes(organiser.verify_key).hex())
            for i in range(args.checkins):
                person = Attendee(
                    id=new_id(),
                    event_id=event_id,
                    name=f"P{i}",
                    search_key=search_key(f"P{i}"),
                    created_at=store.clock.now(),
                )
                uow.session.add(person)
                tokens.append(
                    badges.make_token(organiser, badges.KIND_INVITEE, event_id, person.id)
                )
            uow.commit()
        store.forget_cached()
        window = None
        if args.ui:
            from kiosk.app import build_window
            from kiosk.ui.background import run_now
            from kiosk.ui.qt import QApplication, QEvent
            from kiosk.ui.style import apply_style, load_fonts

            app = QApplication.instance() or QApplication([])
            load_fonts()
            apply_style(app)
            window = build_window(store, settings, run_now)
            window.resize(1280, 800)
            window.show()
        flow = window.flow if window is not None else AttendeeFlow()
        samples = []
        for n in range(1, args.sessions + 1):
            item = sample[n % len(sample)]
            steps = [
                lambda item=item: flow.choose_language(item["language"]),
                flow.skip_badge,
                lambda item=item: flow.choose_theme(item["theme"]),
                lambda item=item: flow.edit_text(item["title"], item["body"]),
                flow.finish_writing,
                lambda: flow.answer("age_band", rng.choice(["25_34", "undisclosed"])),
                flow.finish_questions,
                lambda n=n: flow.set_consent(n % 2 == 0),
                flow.finish_consent,
            ]
            for step in steps:
                state = step()
                if window is not None:
                    window._apply(state)
            if rng.random() < 0.1:  # one attendee in ten walks away: idle reset
                flow.tick(flow.timeouts.idle_s)
                state = flow.tick(flow.timeouts.countdown_s + 1)
            else:
                receipt = submit_proposal(store, flow.submission())
                state = flow.submitted(receipt.id, receipt.receipt_code)
                if window is not None:
                    window._apply(state)
                state = flow.reset()
            if window is not None:
                window._apply(state)
                app.processEvents()
                # What the event loop does between taps: run deleteLater() deletions.
                app.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
            if n <= args.checkins:
                check_in(store, tokens[n - 1])
            if n % 500 == 0:
                samples.append(rss_mb())
                print(f"{n:6d} sessions: RSS {samples[-1]:.1f} MB", flush=True)
        store.close()
    warm = samples[0]  # after the first 500 sessions: caches and pools are filled
    growth = max(samples) - warm
    label = "UI + services" if args.ui else "flow + services"
    record(
        f"soak ({label}, {args.sessions} sessions): RSS growth after warm-up",
        growth,
        "MB",
        target="< 10 MB",
    )


if __name__ == "__main__":
    main()
