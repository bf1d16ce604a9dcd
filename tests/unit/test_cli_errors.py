"""How both command lines end a command that fails: one translated line, an exit code,
never a traceback; a reader that goes away (``| head``) is no error at all."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

import pytest

from kiosk.cliparts import run_command
from kiosk.domain.errors import KioskError
from kiosk.i18n import N_


def _args(**values: object) -> argparse.Namespace:
    return argparse.Namespace(json=False, **values)


def test_a_kiosk_error_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    error = KioskError(N_("The roster file is larger than {limit} MB."), limit=20)

    def fails(args: argparse.Namespace) -> int:
        raise error

    assert run_command(fails, _args()) == 2
    # In the current language (an earlier test may have chosen Arabic).
    assert capsys.readouterr().err == error.message() + "\n"
    assert "20" in error.message()


def test_an_os_error_is_said_as_a_person_can_act_on_it(
    capsys: pytest.CaptureFixture[str], tmp_path: object
) -> None:
    def fails(args: argparse.Namespace) -> int:
        raise PermissionError(13, "Permission denied", "/media/stick/x.kbundle")

    assert run_command(fails, _args()) == 2
    err = capsys.readouterr().err
    assert "/media/stick/x.kbundle" in err and "Traceback" not in err
    assert err.count("\n") == 1


@pytest.mark.skipif(sys.platform == "win32", reason="a POSIX pipe")
def test_a_closed_pipe_ends_the_command_quietly(tmp_path: object) -> None:
    """``kiosk-central ... | head -1``: head leaves after one line; the command stops
    without "Cannot read or write -: Broken pipe." (which it printed before)."""
    script = (
        "import argparse, sys\n"
        "from kiosk.cliparts import run_command\n"
        "def many(args):\n"
        "    for i in range(200000):\n"
        "        print('line', i)\n"
        "    return 0\n"
        "sys.exit(run_command(many, argparse.Namespace(json=False)))\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    writer = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
    )
    assert writer.stdout is not None and writer.stderr is not None
    first = writer.stdout.readline()
    writer.stdout.close()  # the reader goes away
    err = writer.stderr.read().decode()
    code = writer.wait(timeout=60)
    assert first == b"line 0\n"
    assert err == "", err
    assert code == 1
