"""Helpers shared by the benchmarks: percentiles and a results line format."""

from __future__ import annotations

import json
import os
import statistics
from pathlib import Path

RESULTS_ENV = "KIOSK_BENCH_RESULTS"
REPO_ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DIR = REPO_ROOT.parent / "shared" / "data" / "sample"


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * pct / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def median(values: list[float]) -> float:
    return statistics.median(values)


def record(
    figure: str,
    value: float,
    unit: str,
    baseline: float | None = None,
    baseline_name: str = "",
    target: str = "",
) -> None:
    """Print one figure and, when run by bench/run_all.py, append it to its results file."""
    ratio = (value / baseline) if baseline else None
    line = f"{figure}: {value:.3f} {unit}"
    if baseline is not None:
        line += f" (baseline {baseline_name}: {baseline:.3f} {unit}, ratio {ratio:.2f})"
    if target:
        line += f" [target {target}]"
    print(line, flush=True)
    path = os.environ.get(RESULTS_ENV)
    if path:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(
                json.dumps(
                    {
                        "figure": figure,
                        "value": value,
                        "unit": unit,
                        "baseline": baseline,
                        "baseline_name": baseline_name,
                        "ratio": ratio,
                        "target": target,
                    }
                )
                + "\n"
            )
