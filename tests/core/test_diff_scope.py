"""Diff scoping against real git repositories: which findings a change owns."""
from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.config import Config
from bot.forges.local import LocalGitForge
from bot.pipeline import review_job
from tests.core.markers import RULES
from tests.gitrepo import GitRepo


def run(repo: GitRepo, scope: str = "added", **kw):
    forge = LocalGitForge(repo.path, base="main", **kw)
    return asyncio.run(review_job(forge, forge.job(), Config(scope=scope), RULES))


def flagged(review) -> set[tuple[str, int]]:
    return {(f.path, f.line) for f in review.findings}


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    r = GitRepo(tmp_path / "repo")
    r.commit("base", **{
        "app.py": "a = 1\nb = 'FLAG old'\nc = 3\nd = 4\ne = 5\nf = 6\ng = 7\nh = 8\ni = 9\nj = 10\n",
        "old.txt": "FLAG in a file that will be deleted\n",
        "moved.txt": "one\ntwo FLAG\nthree\n",
        "logo.png": b"\x89PNG\r\n\x1a\n\x00\x00FLAG",
    })
    r.branch("feature")
    return r


def test_added_scope_reports_only_added_and_modified_lines(repo: GitRepo) -> None:
    text = (repo.path / "app.py").read_text().replace("d = 4", "d = 'FLAG new'") + "k = 'FLAG end'\n"
    repo.commit("edit", **{"app.py": text})
    assert flagged(run(repo)) == {("app.py", 4), ("app.py", 11)}


def test_diff_context_scope_includes_unchanged_lines_inside_hunks(repo: GitRepo) -> None:
    text = (repo.path / "app.py").read_text().replace("d = 4", "d = 40")
    repo.commit("edit", **{"app.py": text})
    assert flagged(run(repo, "added")) == set()
    assert flagged(run(repo, "diff_context")) == {("app.py", 2)}  # line 2 is in the hunk's context


def test_file_scope_reports_anywhere_in_changed_files(repo: GitRepo) -> None:
    text = (repo.path / "app.py").read_text().replace("j = 10", "j = 11")
    repo.commit("edit", **{"app.py": text})
    assert flagged(run(repo, "diff_context")) == set()  # line 2 is outside the hunk (lines 7-10)
    assert flagged(run(repo, "file")) == {("app.py", 2)}


def test_deleted_files_are_not_reviewed(repo: GitRepo) -> None:
    repo.git("rm", "-q", "old.txt")
    repo.commit("delete")
    review = run(repo, "file")
    assert flagged(review) == set() and review.files_reviewed == 0


def test_pure_rename_adds_no_lines(repo: GitRepo) -> None:
    repo.git("mv", "moved.txt", "renamed.txt")
    repo.commit("rename")
    assert flagged(run(repo)) == set()
    assert flagged(run(repo, "file")) == {("renamed.txt", 2)}


def test_rename_with_edit_reports_the_edited_line_at_its_new_path(repo: GitRepo) -> None:
    repo.git("mv", "moved.txt", "renamed.txt")
    repo.commit("rename", **{"renamed.txt": "one\ntwo FLAG\nthree\nfour\nfive FLAG\n"})
    assert flagged(run(repo)) == {("renamed.txt", 5)}


def test_binary_files_are_listed_as_skipped(repo: GitRepo) -> None:
    repo.commit("binary", **{"logo.png": b"\x89PNG\r\n\x1a\n\x00\x01FLAG changed"})
    review = run(repo)
    assert flagged(review) == set()
    assert [(s.path, s.reason) for s in review.skipped] == [("logo.png", "binary file")]


def test_crlf_files(repo: GitRepo) -> None:
    repo.commit("crlf", **{"win.txt": "first\r\nsecond FLAG\r\nthird\r\n"})
    review = run(repo)
    assert flagged(review) == {("win.txt", 2)}
    assert review.findings[0].snippet == "second FLAG"


def test_no_trailing_newline(repo: GitRepo) -> None:
    repo.commit("first", **{"n.txt": "x\ny"})
    repo.commit("second", **{"n.txt": "x\ny\nz FLAG"})
    assert flagged(run(repo)) == {("n.txt", 3)}


def test_new_file_counts_every_line_as_added(repo: GitRepo) -> None:
    repo.commit("add", **{"new/conf.txt": "FLAG one\nok\nFLAG two\n"})
    assert flagged(run(repo)) == {("new/conf.txt", 1), ("new/conf.txt", 3)}


def test_file_level_rules_report_whenever_the_file_changes(repo: GitRepo) -> None:
    repo.commit("base2", **{"big.txt": "WHOLEFILE\n" + "x\n" * 20})
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "feature")
    repo.git("checkout", "-q", "-b", "feature2")
    text = (repo.path / "big.txt").read_text() + "more\n"
    repo.commit("touch", **{"big.txt": text})
    assert flagged(run(repo)) == {("big.txt", 1)}


def test_merge_base_ignores_changes_made_on_the_base_branch_since(repo: GitRepo) -> None:
    repo.commit("feature work", **{"feature.txt": "FLAG mine\n"})
    repo.git("checkout", "-q", "main")
    repo.commit("main moved on", **{"main-only.txt": "FLAG not mine\n"})
    repo.git("checkout", "-q", "feature")
    assert flagged(run(repo)) == {("feature.txt", 1)}


def test_unified_diff_against_the_work_tree(repo: GitRepo) -> None:
    (repo.path / "app.py").write_text((repo.path / "app.py").read_text().replace("c = 3", "c = 'FLAG'"))
    diff = repo.git("diff")
    forge = LocalGitForge(repo.path, diff_text=diff)
    review = asyncio.run(review_job(forge, forge.job(), Config(), RULES))
    assert flagged(review) == {("app.py", 3)}


def test_findings_about_missing_things_belong_to_a_change_that_deletes_inside_their_region(
        repo: GitRepo) -> None:
    from bot.models import Hit
    from tests.core.markers import make_rule

    def needs_guard(f, ctx):
        if "GUARD" not in f.text:
            yield Hit(1, message="no GUARD", region=(1, len(f.lines)))

    rules = {"test.guard": make_rule("test.guard", needs_guard)}
    repo.commit("guarded", **{"svc.txt": "service\nGUARD\nend\n", "other.txt": "GUARD x\n"})
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "feature")
    repo.git("checkout", "-q", "-b", "remove-guard")
    repo.commit("remove", **{"svc.txt": "service\nend\n", "other.txt": "GUARD y\n"})
    forge = LocalGitForge(repo.path, base="main")
    review = asyncio.run(review_job(forge, forge.job(), Config(), rules))
    assert flagged(review) == {("svc.txt", 1)}  # line 1 is unchanged, but the change removed GUARD


def test_removing_a_security_setting_reports_the_container_it_left_incomplete(tmp_path: Path) -> None:
    from checks import all_rules

    manifest = (
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: shop\nspec:\n"
        "  automountServiceAccountToken: false\n  containers:\n    - name: web\n      image: nginx:1.27\n"
        "      securityContext:\n        runAsNonRoot: true\n        allowPrivilegeEscalation: false\n"
        "        readOnlyRootFilesystem: true\n        capabilities:\n          drop: [ALL]\n"
    )
    r = GitRepo(tmp_path / "k8s")
    r.commit("base", **{"pod.yaml": manifest})
    r.branch("feature")
    r.commit("loosen", **{"pod.yaml": manifest.replace("        allowPrivilegeEscalation: false\n", "")})
    forge = LocalGitForge(r.path, base="main")
    rules = {k: v for k, v in all_rules().items() if k == "k8s.security-context"}
    review = asyncio.run(review_job(forge, forge.job(), Config(), rules))
    assert [(f.rule, f.line) for f in review.findings] == [("k8s.security-context", 9)]
    assert "allowPrivilegeEscalation" in review.findings[0].message


def test_form_feeds_and_line_separators_in_code_keep_diff_and_finding_lines() -> None:
    from bot.diff import parse_diff
    from bot.review import review

    # \x0c (a page break in old Python/C sources) and U+2028 are not line ends for git or parsers
    text = "a = 1\n\x0c\nb = 'x\u2028y'\nc = 'FLAG'\n"
    diff = ("--- a/app.py\n+++ b/app.py\n@@ -1,2 +1,4 @@\n a = 1\n \x0c\n"
            "+b = 'x\u2028y'\n+c = 'FLAG'\n")
    [change] = parse_diff(diff)
    assert change.added == {3, 4}
    r = review([change], {"app.py": text}, Config(), rules=RULES)
    assert [(f.line, f.snippet) for f in r.findings] == [(4, "c = 'FLAG'")]
