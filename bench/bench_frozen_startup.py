"""Start-up of the frozen build (dist/kiosk) to the painted welcome screen, median of 5,
next to the same command unfrozen (``python -m kiosk``). Build first: ``make build``.

    python bench/bench_frozen_startup.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import REPO_ROOT, record

FROZEN = REPO_ROOT / "dist" / "kiosk" / ("kiosk.exe" if os.name == "nt" else "kiosk")


def to_paint(command: list[str], data_dir: str) -> float:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
        "KIOSK_EXIT_ON_FIRST_PAINT": "1",
        "PYTHONPATH": str(REPO_ROOT),
    }
    t0 = time.monotonic()
    out = subprocess.run(
        [*command, "--data-dir", data_dir, "run", "--demo", "--windowed"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        cwd=REPO_ROOT,
    )
    for line in out.stdout.splitlines():
        if line.startswith("PAINTED"):
            return (float(line.split()[1]) - t0) * 1000
    raise RuntimeError(out.stderr[-2000:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if not FROZEN.exists():
        print(f"no frozen build at {FROZEN}: run make build first")
        return
    with tempfile.TemporaryDirectory() as tmp:
        frozen_dir, plain_dir = str(Path(tmp) / "f"), str(Path(tmp) / "p")
        to_paint([str(FROZEN)], frozen_dir)  # set-up run, not timed
        to_paint([sys.executable, "-m", "kiosk"], plain_dir)
        frozen, plain = [], []
        for _ in range(args.runs):
            frozen.append(to_paint([str(FROZEN)], frozen_dir))
            plain.append(to_paint([sys.executable, "-m", "kiosk"], plain_dir))
    record(
        "start-up: frozen build to painted welcome (median)",
        statistics.median(frozen),
        "ms",
        statistics.median(plain),
        "same, unfrozen (python -m kiosk)",
    )


if __name__ == "__main__":
    main()
