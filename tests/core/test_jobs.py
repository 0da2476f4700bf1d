"""`--jobs`: auto by default, which starts a pool only for the CPUs the machine's load leaves idle."""
from __future__ import annotations

import os

import pytest

from bot.cli import AUTO, auto_jobs, build_parser


def test_jobs_defaults_to_auto_and_accepts_a_number() -> None:
    parser = build_parser()
    assert parser.parse_args(["scan", "."]).jobs == AUTO
    assert parser.parse_args(["scan", ".", "--jobs", "3"]).jobs == 3
    with pytest.raises(SystemExit):
        parser.parse_args(["scan", ".", "--jobs", "0"])


@pytest.mark.parametrize(("load", "expected"), [(0.1, 2), (0.6, 1), (12.0, 1)])
def test_auto_uses_the_idle_cpus(monkeypatch: pytest.MonkeyPatch, load: float, expected: int) -> None:
    monkeypatch.setenv("READINESS_ANALYSIS_PROCESSES", "2")  # a 2-CPU machine
    monkeypatch.setattr(os, "getloadavg", lambda: (load, load, load))
    assert auto_jobs() == expected
