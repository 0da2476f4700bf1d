"""Terminal niceties that must never leak into pipes or CI logs: the progress bar of long scans and the
colours of `--format text` (one line per finding)."""
from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from bot.progress import MIN_FILES
from tests.core.test_cli import ROOT_DOCKERFILE, cli

ESC = "\033["


@pytest.fixture
def big_tree(tmp_path: Path) -> Path:
    for i in range(MIN_FILES + 10):
        (tmp_path / f"m{i:03}.py").write_text(f"VALUE_{i} = {i}\n")
    (tmp_path / "Dockerfile").write_text(ROOT_DOCKERFILE)
    return tmp_path


def _on_a_terminal(args: list[str], *, stream: str, env: dict[str, str]) -> tuple[str, str]:
    """Run the CLI with `stream` ("stdout" or "stderr") on a pseudo-terminal; returns (stdout, stderr)."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # a real terminal's size
    clean = {k: v for k, v in os.environ.items() if k not in ("CI", "NO_COLOR", "GITHUB_ACTIONS")}
    files = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, stream: follower}
    proc = subprocess.Popen([sys.executable, "-m", "bot", *args], env={**clean, "TERM": "xterm", **env},
                            stdout=files["stdout"], stderr=files["stderr"], text=True)
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data.decode("utf-8", "replace"))
    other = proc.stderr if stream == "stdout" else proc.stdout
    piped = other.read()
    proc.wait()
    os.close(leader)
    tty = "".join(chunks)
    return (tty, piped) if stream == "stdout" else (piped, tty)


def test_a_long_scan_shows_progress_on_a_terminal_only(big_tree: Path) -> None:
    _, tty_err = _on_a_terminal(["scan", str(big_tree), "--format", "json"], stream="stderr", env={})
    assert f"/{MIN_FILES + 11} [" in tty_err and "file/s" in tty_err  # done / total, rate
    piped = cli("scan", str(big_tree), "--format", "json")
    assert piped.stderr == ""
    _, ci_err = _on_a_terminal(["scan", str(big_tree), "--format", "json"], stream="stderr", env={"CI": "true"})
    assert "file/s" not in ci_err


def test_text_format_is_one_line_per_finding_with_a_summary(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(ROOT_DOCKERFILE)
    proc = cli("scan", str(tmp_path), "--format", "text")
    lines = proc.stdout.splitlines()
    assert proc.returncode == 1
    assert lines[0].startswith("Dockerfile:1: HIGH ") and lines[0].endswith("[docker.root-user]")
    assert lines[-1].startswith("CONDITIONAL PASS: 1 finding (0 critical, 1 high")
    assert ESC not in proc.stdout  # a pipe: no colour


def test_text_format_colours_a_terminal_unless_no_color(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(ROOT_DOCKERFILE)
    coloured, _ = _on_a_terminal(["scan", str(tmp_path), "--format", "text"], stream="stdout", env={})
    assert ESC in coloured and "docker.root-user" in coloured
    plain, _ = _on_a_terminal(["scan", str(tmp_path), "--format", "text"], stream="stdout", env={"NO_COLOR": "1"})
    assert ESC not in plain and "docker.root-user" in plain
