"""Coverage report readers on reports the real tools wrote (see tests/fixtures/coverage/SOURCES.md)."""
from __future__ import annotations

from pathlib import Path

import pytest

from bot.coverage.parsers import CoverageError, detect_format, parse_report, read_report

FIXTURES = Path(__file__).parent.parent / "fixtures" / "coverage"
# coverage.py's view of tests/fixtures/coverage/sources/python/src/shop/pricing.py after
# test_total + test_half: discount()'s other branches and tax() never ran.
PY_PRICING = {4: 1, 5: 1, 8: 1, 9: 1, 10: 1, 11: 0, 12: 0, 13: 0, 16: 1, 17: 0, 18: 0, 19: 0}


@pytest.mark.parametrize("name, fmt", [
    ("python-cobertura.xml", "cobertura"),
    ("python-coverage.json", "coverage.py-json"),
    ("python.lcov", "lcov"),
])
def test_the_three_coverage_py_formats_agree(name: str, fmt: str) -> None:
    report = read_report(FIXTURES / name)
    assert report.format == fmt
    assert report.files["src/shop/pricing.py"] == PY_PRICING
    assert report.files["src/shop/__init__.py"] == {}  # measured, nothing executable


def test_cobertura_keeps_its_source_roots() -> None:
    assert read_report(FIXTURES / "python-cobertura.xml").roots == ["/tmp/i17cov/py"]


def test_go_coverprofile_blocks_become_lines_run_if_any_block_on_them_ran() -> None:
    report = read_report(FIXTURES / "go-coverprofile.out")
    lines = report.files["github.com/example/shop/internal/pricing/pricing.go"]
    assert report.format == "go"
    assert lines[7] == 1 and lines[17] == 1  # Total(), the HALF branch
    assert lines[20] == 0 and lines[24] == 0 and lines[31] == 0  # TENOFF branch, Tax()
    assert 25 not in lines and 1 not in lines  # closing braces between blocks, package clause


def test_node_lcov_lists_every_file_it_measured() -> None:
    report = read_report(FIXTURES / "node-lcov.info")
    assert set(report.files) == {"src/pricing.js", "test/pricing.test.js"}
    assert report.files["src/pricing.js"][12] == 0 and report.files["src/pricing.js"][9] == 1


def test_jacoco_counts_lines_with_instructions_only() -> None:
    report = read_report(FIXTURES / "jacoco.xml")
    assert report.format == "jacoco"
    lines = report.files["com/example/shop/Pricing.java"]
    assert lines[8] == 1 and lines[17] == 1  # total(), the HALF branch
    assert lines[20] == 0  # TENOFF
    assert 1 not in lines and 14 not in lines  # package clause, blank line


def test_xml_entity_expansion_is_refused() -> None:
    bomb = ('<?xml version="1.0"?><!DOCTYPE coverage [<!ENTITY a "aaaaaaaaaa">'
            '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><coverage><sources><source>&b;</source>'
            '</sources></coverage>')
    with pytest.raises(CoverageError, match="refused cobertura"):
        parse_report(bomb, "bomb.xml")


@pytest.mark.parametrize("text", ["", "hello", "<html></html>", "[1, 2]"])
def test_what_is_not_a_report_is_an_error_naming_the_file(text: str) -> None:
    with pytest.raises(CoverageError, match="report.txt"):
        parse_report(text, "report.txt")


def test_truncated_xml_is_a_malformed_report() -> None:
    text = (FIXTURES / "python-cobertura.xml").read_text()[:500]
    with pytest.raises(CoverageError, match="malformed cobertura"):
        parse_report(text, "cut.xml")


def test_detects_lcov_with_a_leading_test_name() -> None:
    assert detect_format("TN:\nSF:a.js\nDA:1,1\nend_of_record\n") == "lcov"
