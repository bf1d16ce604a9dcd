"""The command line as a caller sees it: one line per stored proposal, errors with line numbers."""

from __future__ import annotations

import json
import os
from pathlib import Path

from tests.conftest import run_cli


def test_propose_from_file_reports_each_line(kiosk_cli, tmp_path: Path) -> None:
    assert kiosk_cli("init", "--demo").returncode == 0
    lines = [
        json.dumps({"theme": "skills", "language": "fr", "title": "Former", "body": "Ateliers"}),
        "{not json",
        json.dumps({"theme": "weather", "language": "fr", "title": "t", "body": "b"}),
        "",
        json.dumps({"theme": "skills", "language": "en", "title": "T", "body": "x" * 5001}),
        json.dumps(["a list"]),
        json.dumps({"theme": "skills", "language": "ar", "title": "\u0639", "body": "\u0646"}),
    ]
    src = tmp_path / "in.jsonl"
    src.write_bytes(("\n".join(lines) + "\n").encode() + b"\xff\xfe bad utf-8\n")
    out = kiosk_cli("propose", "--from", str(src), "--json")
    assert out.returncode == 1
    results = [json.loads(line) for line in out.stdout.splitlines()]
    stored = [r for r in results if "id" in r]
    errors = {r["line"]: r["error"] for r in results if "error" in r}
    assert [r["line"] for r in stored] == [1, 7]
    assert errors == {
        2: "invalid_json",
        3: "unknown_theme",
        5: "body_too_long",
        6: "not_an_object",
        8: "invalid_utf8",
    }
    status = json.loads(kiosk_cli("status", "--json").stdout)
    assert status["proposals"] == 2
    assert status["journal_length"] == 4


def test_propose_single_and_status(kiosk_cli) -> None:
    kiosk_cli("init", "--demo", check=True)
    out = kiosk_cli(
        "propose",
        "--theme",
        "digital_inclusion",
        "--language",
        "fr",
        "--title",
        "Wifi",
        "--body",
        "Dans les douars",
        "--json",
    )
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert set(data) == {"id", "receipt_code"}
    bad = kiosk_cli(
        "--ui-language",
        "fr",
        "propose",
        "--theme",
        "skills",
        "--language",
        "fr",
        "--title",
        "",
        "--body",
        "x",
    )
    assert bad.returncode == 1
    assert bad.stderr.strip()  # a message, in French once catalogs are compiled


def test_not_set_up_is_a_clear_message(kiosk_cli) -> None:
    out = kiosk_cli("status")
    assert out.returncode == 2
    assert "kiosk init --demo" in out.stderr
    assert "Traceback" not in out.stderr


def test_data_dir_from_environment_and_log_file(tmp_path: Path) -> None:
    folder = tmp_path / "envdata"
    env = dict(os.environ, KIOSK_DATA_DIR=str(folder))
    import subprocess
    import sys

    from tests.conftest import REPO_ROOT, cli_env

    env = {**cli_env(), "KIOSK_DATA_DIR": str(folder)}
    out = subprocess.run(
        [sys.executable, "-m", "kiosk", "init", "--demo"],
        env=env,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert (folder / "kiosk.db").exists()
    assert (folder / "logs" / "kiosk.log").exists()


def test_python_dash_m_and_help() -> None:
    out = run_cli("--help")
    assert out.returncode == 0
    for command in ("init", "propose", "status", "journal"):
        assert command in out.stdout


def test_command_table_names_each_sub_command_and_its_module() -> None:
    """`kiosk run` builds only its own module's parsers: the table it goes by must
    name every sub-command with the module that registers it."""
    import argparse
    import importlib

    from kiosk import cli

    found: dict[str, str] = {}
    for module in cli.COMMAND_MODULES:
        sub = argparse.ArgumentParser().add_subparsers()
        importlib.import_module(module).register(sub)
        found.update(dict.fromkeys(sub.choices, module))
    assert found == cli.COMMANDS
    assert cli.command_named(["--data-dir", "run", "status", "--json"]) == "status"
    assert cli.command_named(["--ui-language", "ar", "run", "--windowed"]) == "run"
    assert cli.command_named(["--data-dir=/x", "run"]) == "run"
    assert cli.command_named(["--help"]) is None
    assert cli.command_named(["nonsense"]) is None
    # Built for one command, the parser reads that command's arguments as the whole one does.
    argv = ["--data-dir", "/d", "run", "--windowed", "--role", "checkin", "--demo"]
    one = vars(cli.build_parser("run").parse_args(argv))
    whole = vars(cli.build_parser().parse_args(argv))
    assert one == whole and one["role"] == "checkin"
