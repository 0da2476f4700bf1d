"""What the reviewed files show the service has: health endpoints, metrics, logging, shutdown..."""
from __future__ import annotations

import re
from collections.abc import Iterable

from checks.source import SourceFile

SIGNALS: dict[str, re.Pattern[str]] = {
    "health endpoints": re.compile(
        r"""["'/](healthz|readyz|livez|health|ready)["'/?]|livenessProbe|readinessProbe|HEALTHCHECK"""),
    "metrics": re.compile(
        r"prometheus[_-]?client|promhttp|client_golang/prometheus|[\"']/metrics[\"']|prometheus\.io/scrape"),
    "structured logging": re.compile(
        r"\bstructlog\b|go\.uber\.org/zap|sirupsen/logrus|\blog/slog\b|\bslog\.New|zerolog|"
        r"python-json-logger|jsonlogger|JSONFormatter"),
    "graceful shutdown": re.compile(
        r"signal\.Notify|SIGTERM|\.Shutdown\(\s*ctx|on_shutdown|on_cleanup|preStop|"
        r"terminationGracePeriodSeconds|graceful"),
    "PodDisruptionBudget": re.compile(r"^\s*kind:\s*PodDisruptionBudget\b", re.M),
    "NetworkPolicy": re.compile(r"^\s*kind:\s*NetworkPolicy\b", re.M),
    "CI coverage report": re.compile(
        r"--cov(-report|=|\b)|coverage\.xml|coverage_report|-coverprofile|coverage run|lcov\.info"),
}


class Inventory:
    """Collects signals file by file, so a review need not keep every file's text to the end."""

    def __init__(self) -> None:
        self.found: dict[str, list[str]] = {}

    def add(self, f: SourceFile) -> None:
        for name, pattern in SIGNALS.items():
            if name in self.found and len(self.found[name]) >= 3:
                continue
            if pattern.search(f.text):
                self.found.setdefault(name, []).append(f.path)

    def result(self) -> dict[str, list[str]]:
        """Signal name -> paths (at most 3) of reviewed files that show it; absent signals omitted."""
        return {name: self.found[name] for name in SIGNALS if name in self.found}


def inventory(files: Iterable[SourceFile]) -> dict[str, list[str]]:
    acc = Inventory()
    for f in files:
        acc.add(f)
    return acc.result()
