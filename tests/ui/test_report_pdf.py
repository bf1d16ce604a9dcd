"""The event report PDF in Arabic and French, rendered back to images."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from kiosk.domain.proposal import ProposalDraft
from kiosk.services.proposals import submit_proposal
from kiosk.services.report import report_data
from kiosk.ui.report_pdf import write_report_pdf


@pytest.fixture
def report_store(demo_store, sample_dir: Path):
    for i, line in enumerate((sample_dir / "proposals.jsonl").read_text("utf-8").splitlines()):
        item = json.loads(line)
        submit_proposal(
            demo_store,
            ProposalDraft(
                item["theme"],
                item["language"],
                item["title"],
                item["body"],
                consent_publish=i % 2 == 0,
            ),
        )
    submit_proposal(demo_store, ProposalDraft("skills", "fr", "SECRET-NOT-CONSENTED", "x"))
    return demo_store


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_report_pdf(qapp, report_store, tmp_path: Path, lang: str) -> None:
    data = report_data(report_store)
    assert len(data.published) == 30  # every other sample proposal consented
    out = write_report_pdf(data, lang, tmp_path / f"report-{lang}.pdf")
    assert out.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", str(out), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "SECRET-NOT-CONSENTED" not in text
        french = next(p for p in data.published if p.language == "fr")
        assert french.title in text
    if shutil.which("pdftoppm"):
        subprocess.run(
            ["pdftoppm", "-r", "40", "-png", str(out), str(tmp_path / "page")], check=True
        )
        assert len(list(tmp_path.glob("page-*.png"))) >= 2
