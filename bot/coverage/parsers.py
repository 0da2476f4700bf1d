"""Readers for the coverage reports CI tools write: Cobertura, JaCoCo, LCOV, Go coverprofile, coverage.py JSON.

Each reader keeps only what patch and package coverage need: per file, each executable line and how
many times it ran. Reports come from the change's own CI, so they are untrusted input: XML goes
through defusedxml (no entity expansion, no external entities) and every reader bounds its input.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET

from bot.config import ConfigError
from bot.coverage.model import ParsedReport

MAX_REPORT_BYTES = 64 * 1024 * 1024  # a 64 MB report is already a very large monorepo
FORMATS = ("cobertura", "jacoco", "lcov", "go", "coverage.py-json")


class CoverageError(ConfigError):
    """A coverage report that cannot be read (`path` names it): the CLI reports it like a config error."""


def read_report(path: str | Path, *, display: str | None = None) -> ParsedReport:
    name = display or str(path)
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_REPORT_BYTES + 1)
    except OSError as exc:
        raise CoverageError(f"cannot read the coverage report ({exc.strerror})", path=name) from None
    if len(data) > MAX_REPORT_BYTES:
        raise CoverageError(f"coverage report larger than {MAX_REPORT_BYTES // 2**20} MB", path=name)
    return parse_report(data.decode("utf-8", "replace"), name)


def parse_report(text: str, source: str) -> ParsedReport:
    """Parse a report in any supported format, recognised by its content."""
    fmt = detect_format(text)
    if fmt is None:
        raise CoverageError(f"not a coverage report in a known format ({', '.join(FORMATS)})", path=source)
    try:
        return _READERS[fmt](text, source)
    except CoverageError:
        raise
    except DefusedXmlException as exc:  # entity expansion, external entities: a hostile report
        raise CoverageError(f"refused {fmt} coverage report ({type(exc).__name__})", path=source) from None
    except (ValueError, KeyError, TypeError, AttributeError, SafeET.ParseError) as exc:
        raise CoverageError(f"malformed {fmt} coverage report ({exc})", path=source) from None


def detect_format(text: str) -> str | None:
    head = text.lstrip("\ufeff \t\r\n")[:4096]
    if head.startswith("<"):
        if re.search(r"<report[\s>]", head) or "JACOCO" in head:
            return "jacoco"
        if re.search(r"<coverage[\s>]", head):
            return "cobertura"
        return None
    if head.startswith("{"):
        return "coverage.py-json"
    if head.startswith("mode:"):
        return "go"
    if re.search(r"^(TN|SF):", head, re.MULTILINE):
        return "lcov"
    return None


def _xml_root(text: str):
    return SafeET.fromstring(text.encode("utf-8"), forbid_dtd=False, forbid_entities=True,
                             forbid_external=True)


def _int(value: str | None, default: int = 0) -> int:
    try:
        return int(float(value)) if value is not None else default
    except ValueError:
        return default


def _cobertura(text: str, source: str) -> ParsedReport:
    root = _xml_root(text)
    report = ParsedReport(source, "cobertura")
    report.roots = [(s.text or "").strip() for s in root.iter("source") if (s.text or "").strip()]
    for cls in root.iter("class"):
        filename = cls.get("filename")
        if not filename:
            continue
        report.files.setdefault(filename, {})
        for lines in cls.findall("lines"):  # the class's own lines; <methods> repeat them
            for line in lines.findall("line"):
                number = _int(line.get("number"))
                if number > 0:
                    report.add(filename, number, _int(line.get("hits")))
    return report


def _jacoco(text: str, source: str) -> ParsedReport:
    root = _xml_root(text)
    report = ParsedReport(source, "jacoco")
    for package in root.iter("package"):
        prefix = (package.get("name") or "").strip("/")
        for sourcefile in package.findall("sourcefile"):
            name = sourcefile.get("name")
            if not name:
                continue
            path = f"{prefix}/{name}" if prefix else name
            report.files.setdefault(path, {})
            for line in sourcefile.findall("line"):
                number, missed, covered = _int(line.get("nr")), _int(line.get("mi")), _int(line.get("ci"))
                if number > 0 and missed + covered > 0:  # lines without instructions are not code
                    report.add(path, number, 1 if covered else 0)
    return report


def _lcov(text: str, source: str) -> ParsedReport:
    report = ParsedReport(source, "lcov")
    current: str | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("SF:"):
            current = line[3:].strip()
            report.files.setdefault(current, {})
        elif line == "end_of_record":
            current = None
        elif line.startswith("DA:") and current is not None:
            parts = line[3:].split(",")
            if len(parts) >= 2 and _int(parts[0]) > 0:
                report.add(current, _int(parts[0]), _int(parts[1]))
    return report


_GO_BLOCK = re.compile(r"^(?P<file>.+):(?P<l1>\d+)\.\d+,(?P<l2>\d+)\.\d+ (?P<stmts>\d+) (?P<count>\d+)$")


def _go(text: str, source: str) -> ParsedReport:
    report = ParsedReport(source, "go")
    for raw in text.splitlines()[1:]:
        match = _GO_BLOCK.match(raw.strip())
        if not match or match["stmts"] == "0":
            continue
        start, end, count = int(match["l1"]), int(match["l2"]), int(match["count"])
        # A block spans its lines; the closing line of one block is often the opening line of the
        # next, and a line counts as run when any block on it ran.
        for number in range(start, min(end, start + 10_000) + 1):
            report.add(match["file"], number, count)
    return report


def _coverage_py_json(text: str, source: str) -> ParsedReport:
    data = json.loads(text)
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, dict):
        raise CoverageError("JSON without a `files` mapping is not a coverage.py report", path=source)
    report = ParsedReport(source, "coverage.py-json")
    for path, info in files.items():
        report.files.setdefault(path, {})
        for number in info.get("executed_lines") or []:
            report.add(path, int(number), 1)
        for number in info.get("missing_lines") or []:
            report.add(path, int(number), 0)
    return report


_READERS = {"cobertura": _cobertura, "jacoco": _jacoco, "lcov": _lcov, "go": _go,
            "coverage.py-json": _coverage_py_json}
