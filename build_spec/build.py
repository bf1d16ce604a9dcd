"""Build the one-folder kiosk: compile catalogs, run PyInstaller on the spec.

python build_spec/build.py [--dist DIR]   ->   DIR/kiosk/kiosk (default dist/)
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dist", default=str(ROOT / "dist"))
    parser.add_argument("--work", default=str(ROOT / "build"))
    args = parser.parse_args()
    bin_dir = Path(sys.executable).parent
    subprocess.run(
        [str(bin_dir / "pybabel"), "compile", "-d", str(ROOT / "translations"), "-D", "kiosk"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    pyinstaller = shutil.which("pyinstaller", path=str(bin_dir)) or "pyinstaller"
    subprocess.run(
        [
            pyinstaller,
            "--noconfirm",
            "--clean",
            "--log-level",
            "WARN",
            "--distpath",
            args.dist,
            "--workpath",
            args.work,
            str(ROOT / "build_spec" / "kiosk.spec"),
        ],
        check=True,
    )
    out = Path(args.dist) / "kiosk"
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file() and not p.is_symlink())
    print(f"built {out} ({size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
