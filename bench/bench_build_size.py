"""Size of the kiosk's one-folder build next to a bare PySide6 Widgets window's,
both built by PyInstaller in this run (target: kiosk no larger than 1.0x bare).

    python bench/bench_build_size.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import REPO_ROOT, record

BARE_APP = """
import sys
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication(sys.argv)
label = QLabel("bare")
label.show()
sys.exit(0 if "--quit" in sys.argv else app.exec())
"""


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def main() -> None:
    bin_dir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "bare.py").write_text(BARE_APP)
        subprocess.run(
            [
                str(bin_dir / "pyinstaller"),
                "--noconfirm",
                "--onedir",
                "--log-level",
                "ERROR",
                "--distpath",
                str(work / "dist"),
                "--workpath",
                str(work / "build"),
                "--specpath",
                str(work),
                str(work / "bare.py"),
            ],
            check=True,
            cwd=work,
        )
        bare = folder_size(work / "dist" / "bare")
        subprocess.run(
            [
                sys.executable,
                str(REPO_ROOT / "build_spec" / "build.py"),
                "--dist",
                str(work / "kdist"),
                "--work",
                str(work / "kbuild"),
            ],
            check=True,
        )
        kiosk = folder_size(work / "kdist" / "kiosk")
    record(
        "build: kiosk one-folder size",
        kiosk / 1e6,
        "MB",
        bare / 1e6,
        "bare PySide6 window build",
        target="ratio <= 1.0",
    )


if __name__ == "__main__":
    main()
