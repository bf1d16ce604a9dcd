"""Run every benchmark under bench/ and print one table (``make bench``).

Each benchmark prints its own figures and, through ``bench._common.record``,
appends them to a results file; this script gathers them into one table:
figure, value, comparison baseline, ratio, target.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SKIP = {"run_all.py", "_common.py", "__init__.py", "screenshots.py"}


def machine() -> str:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, {cpu}, "
        f"Python {platform.python_version()}"
    )


def main() -> int:
    only = set(sys.argv[1:])
    scripts = sorted(
        p for p in HERE.glob("bench_*.py") if p.name not in SKIP and (not only or p.stem in only)
    )
    with tempfile.TemporaryDirectory() as tmp:
        results = Path(tmp) / "results.jsonl"
        env = {
            **os.environ,
            "KIOSK_BENCH_RESULTS": str(results),
            "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
        }
        failed = []
        for script in scripts:
            print(f"== {script.name}", flush=True)
            t0 = time.monotonic()
            proc = subprocess.run([sys.executable, str(script)], env=env, cwd=HERE.parent)
            print(f"   ({time.monotonic() - t0:.0f} s)", flush=True)
            if proc.returncode != 0:
                failed.append(script.name)
        rows = (
            [json.loads(line) for line in results.read_text().splitlines()]
            if results.exists()
            else []
        )
    print()
    print(f"Benchmarks, {time.strftime('%Y-%m-%d')}, {machine()}")
    print()
    print("| figure | value | baseline | ratio | target |")
    print("|---|---|---|---|---|")
    for r in rows:
        base = (
            f"{r['baseline']:.3f} {r['unit']} ({r['baseline_name']})"
            if r["baseline"] is not None
            else "-"
        )
        ratio = f"{r['ratio']:.2f}" if r["ratio"] is not None else "-"
        print(
            f"| {r['figure']} | {r['value']:.3f} {r['unit']} | {base} | {ratio} | "
            f"{r['target'] or '-'} |"
        )
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
