"""The pure review core: numbering, verdicts, suppression, containment, verification, caching."""
from __future__ import annotations

from bot.config import Config, load_text
from bot.models import ChangedFile, Severity
from bot.review import review, to_previous
from bot.state import decode_state, encode_state
from tests.core.markers import RULES


def whole(*paths: str) -> list[ChangedFile]:
    return [ChangedFile(p, status="added", whole_file=True) for p in paths]


def run(texts: dict[str, str], previous=None, config: Config | None = None, cache=None):
    return review(whole(*texts), texts, config or Config(), previous=previous, rules=RULES, cache=cache)


def test_numbering_by_severity_then_file_then_line() -> None:
    r = run({"b.txt": "FLAG\nCRIT\n", "a.txt": "MINOR\nFLAG\nCRIT\n"})
    assert [(f.number, f.path, f.line) for f in r.findings] == [
        ("C1", "a.txt", 3), ("C2", "b.txt", 2), ("H1", "a.txt", 2), ("H2", "b.txt", 1), ("L1", "a.txt", 1),
    ]
    assert r.counts == {"CRITICAL": 2, "HIGH": 2, "MEDIUM": 0, "LOW": 1}


def test_verdicts_and_fail_on() -> None:
    assert run({"a.txt": "CRIT\n"}).verdict == "NOT READY"
    high = run({"a.txt": "FLAG\n"})
    assert high.verdict == "CONDITIONAL PASS" and high.failed
    low = run({"a.txt": "MINOR\n"})
    assert low.verdict == "PASS" and not low.failed
    assert run({"a.txt": "MINOR\n"}, config=load_text("fail_on: low")).failed
    assert not run({"a.txt": "CRIT\n"}, config=load_text("fail_on: never")).failed


def test_inline_suppression_on_the_line_or_the_line_above() -> None:
    r = run({"a.py": "x = 'FLAG'  # readiness: ignore[test.flag] known\n"
                     "# readiness: ignore[test.flag, test.crit] vendored\n"
                     "y = 'FLAG CRIT'\n"
                     "z = 'FLAG'  # readiness: ignore[other.rule]\n"})
    assert [(f.rule, f.line) for f in r.findings] == [("test.flag", 4)]


def test_rule_config_off_and_severity_override() -> None:
    cfg = Config(rules={"test.flag": __import__("bot.config").config.RuleSettings(severity=Severity.LOW),
                        "test.crit": __import__("bot.config").config.RuleSettings(enabled=False)})
    r = run({"a.txt": "FLAG\nCRIT\n"}, config=cfg)
    assert [(f.rule, f.severity) for f in r.findings] == [("test.flag", Severity.LOW)]


def test_a_crashing_rule_is_reported_and_the_review_goes_on() -> None:
    r = run({"a.py": "x = 'FLAG'\n"})
    assert [f.rule for f in r.findings] == ["test.flag"]
    assert [(e.rule, e.path) for e in r.errors] == [("test.crash", "a.py")]
    assert "RuntimeError: boom" in r.errors[0].error


def test_unparseable_files_are_skipped_with_the_reason_and_text_rules_still_run() -> None:
    r = run({"bad.py": "def broken(:\n    'FLAG'\n"})
    assert r.skipped and r.skipped[0].path == "bad.py"
    assert "syntax error at line 1" in r.skipped[0].reason
    assert [f.line for f in r.findings if f.rule == "test.flag"] == [2]


def test_excluded_paths_are_not_reviewed() -> None:
    r = run({"docs/a.txt": "FLAG\n", "src/a.txt": "FLAG\n"}, config=load_text("paths: {exclude: [docs/]}"))
    assert [f.path for f in r.findings] == ["src/a.txt"]


def test_fingerprints_survive_edits_above_and_count_identical_matches() -> None:
    before = run({"a.txt": "x\nFLAG one\nFLAG one\nFLAG two\n"})
    after = run({"a.txt": "new line\nanother\nx\nFLAG one\nFLAG one\nFLAG two\n"})
    fp_before = {f.fingerprint for f in before.findings}
    assert len(fp_before) == 3  # identical lines get distinct occurrence indexes
    assert fp_before == {f.fingerprint for f in after.findings}


def test_verification_fixed_still_open_and_new() -> None:
    first = run({"a.txt": "FLAG keep\nCRIT fix me\n"})
    previous = decode_state(encode_state(first.findings))
    assert previous == to_previous(first.findings)
    second = run({"a.txt": "top\nFLAG keep\nfixed\nFLAG added\n"}, previous=previous)
    rows = {(r.status, r.rule, r.line) for r in second.verification}
    assert rows == {("STILL OPEN", "test.flag", 2), ("FIXED", "test.crit", 2), ("NEW", "test.flag", 4)}
    still = next(r for r in second.verification if r.status == "STILL OPEN")
    assert still.previous_location == "a.txt:1"


def test_first_review_has_no_verification_table() -> None:
    assert run({"a.txt": "FLAG\n"}).verification is None


def test_findings_cache_skips_analysis_of_unchanged_files() -> None:
    calls = []
    cache: dict = {}
    import tests.core.markers as m

    original = m.FLAG.check

    def counting(f, ctx):
        calls.append(f.path)
        return original(f, ctx)

    rules = dict(RULES)
    rules["test.flag"] = m.make_rule("test.flag", counting)
    texts = {"a.txt": "FLAG\n"}
    for _ in range(3):
        r = review(whole("a.txt"), texts, Config(), rules=rules, cache=cache)
        assert [f.line for f in r.findings if f.rule == "test.flag"] == [1]
    assert calls == ["a.txt"]


def test_state_marker_is_compact_and_tolerates_garbage() -> None:
    r = run({f"f{i}.txt": "FLAG\nCRIT\nMINOR\n" for i in range(200)})
    marker = encode_state(r.findings)
    assert marker.startswith("<!-- readiness:state v2 ") and len(marker) < 40_000
    assert len(decode_state(marker)) == 600
    assert decode_state("<!-- readiness:state v1 !!!notbase64 -->") is None
    assert decode_state("<!-- readiness:state v9 AAAA -->") is None
    assert decode_state(None) is None


def test_a_utf8_byte_order_mark_is_not_content() -> None:
    r = run({"bom.py": "\ufeffx = 'FLAG'\n"})
    assert r.skipped == []  # ast rejects U+FEFF: the file used to be skipped as a syntax error
    assert [(f.line, f.snippet) for f in r.findings] == [(1, "x = 'FLAG'")]


def test_reviews_sharing_the_findings_cache_do_not_renumber_each_other() -> None:
    cache: dict = {}
    first = run({"b.txt": "FLAG\n"}, cache=cache)
    assert [f.number for f in first.findings] == ["H1"]
    second = run({"a.txt": "FLAG\n", "b.txt": "FLAG\n"}, cache=cache)  # b.txt comes from the cache
    assert [(f.path, f.number) for f in second.findings] == [("a.txt", "H1"), ("b.txt", "H2")]
    assert [f.number for f in first.findings] == ["H1"]  # still what was published
