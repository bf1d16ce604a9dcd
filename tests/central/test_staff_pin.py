"""Issue 15: outside the demo, a kiosk's staff PIN is set at set-up, 6 to 12 digits; the
demo PIN opens only the demo."""

from __future__ import annotations

from pathlib import Path

from kiosk.config import load_settings
from kiosk.services.pack_setup import setup_from_pack
from kiosk.services.staff import check_pin
from kiosk.storage import Store
from tests.conftest import run_cli


def test_setup_requires_a_pin_of_6_to_12_digits(organiser, tmp_path: Path) -> None:
    pack = tmp_path / "event.kpack"
    organiser("pack", "SM-2026", "--out", str(pack))
    base = ["setup", "--pack", str(pack), "--name", "k", "--passphrase", organiser.passphrase]
    for pin in (None, "1234", "abc def", "1234567890123"):
        data = tmp_path / f"k-{pin}"
        out = run_cli("--data-dir", str(data), *base, *(["--pin", pin] if pin else []))
        assert out.returncode == 2, (pin, out.stdout)
        assert "Traceback" not in out.stderr and "6" in out.stderr, out.stderr
    good = run_cli("--data-dir", str(tmp_path / "k-good"), *base, "--pin", "482613")
    assert good.returncode == 0, good.stderr


def test_the_demo_pin_does_not_open_a_real_kiosk(organiser, tmp_path: Path) -> None:
    pack = tmp_path / "event.kpack"
    organiser("pack", "SM-2026", "--out", str(pack))
    cfg = load_settings(tmp_path / "k")
    store = Store(cfg.db_url)
    setup_from_pack(
        store, pack.read_bytes(), name="k", role="both", keys_dir=cfg.keys_dir,
        passphrase=organiser.passphrase,
    )  # fmt: skip
    assert not check_pin(store, "1234")
    store.close()
