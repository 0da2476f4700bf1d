"""SARIF points at the right files: %SRCROOT% is the repository root, paths are repository-relative
(also for `scan sub/`), and security weaknesses of every area carry the `security` tag."""
from __future__ import annotations

import json
from pathlib import Path

from bot.models import Review
from bot.render.sarif import SECURITY_RULES, to_sarif
from checks import all_rules
from tests.core.test_cli import ROOT_DOCKERFILE, cli
from tests.gitrepo import GitRepo


def _srcroot(doc: dict) -> str | None:
    return doc["runs"][0].get("originalUriBaseIds", {}).get("%SRCROOT%", {}).get("uri")


def _uris(doc: dict) -> set[str]:
    return {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in doc["runs"][0]["results"]}


def test_scan_of_a_subdirectory_reports_repository_relative_paths_under_the_repository_root(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "svc")
    repo.commit("base", **{"services/api/Dockerfile": ROOT_DOCKERFILE, "README.md": "x\n"})
    doc = json.loads(cli("scan", str(repo.path / "services"), "--format", "sarif").stdout)
    assert _uris(doc) == {"services/api/Dockerfile"}
    assert _srcroot(doc) == repo.path.resolve().as_uri() + "/"
    one = json.loads(cli("scan", str(repo.path / "services/api/Dockerfile"), "--format", "json").stdout)
    assert {f["path"] for f in one["findings"]} == {"services/api/Dockerfile"}


def test_review_srcroot_is_the_repository_root_even_from_a_subdirectory(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "svc")
    repo.commit("base", **{"README.md": "x\n", "api/README.md": "y\n"})
    repo.branch("feature")
    repo.commit("root", **{"api/Dockerfile": ROOT_DOCKERFILE})
    doc = json.loads(cli("review", "--repo", str(repo.path / "api"), "--format", "sarif").stdout)
    assert _uris(doc) == {"api/Dockerfile"}
    assert _srcroot(doc) == repo.path.resolve().as_uri() + "/"


def test_without_a_known_root_srcroot_is_left_to_the_consumer() -> None:
    doc = to_sarif(Review(findings=[]), all_rules())
    assert "file:///" not in json.dumps(doc)


def test_security_weaknesses_of_every_area_carry_the_security_tag() -> None:
    rules = all_rules()
    assert SECURITY_RULES <= set(rules)  # a renamed rule must not silently lose its tag
    from bot.render.sarif import _descriptor

    tags = {rid: _descriptor(r)["properties"]["tags"] for rid, r in rules.items()}
    for rid in ("docker.root-user", "k8s.security-context", "ci.script-injection", "secrets.hardcoded"):
        assert "security" in tags[rid], rid
    assert all("security" not in t for rid, t in tags.items() if rid.startswith(("quality.", "k8s.no-pdb")))


def test_a_path_git_ignores_is_scanned_as_its_own_root(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "svc")
    repo.commit("base", **{".gitignore": "corpus/\n", "README.md": "x\n"})
    repo.write("corpus/other-project/Dockerfile", ROOT_DOCKERFILE)  # not part of the repository
    data = json.loads(cli("scan", str(repo.path / "corpus" / "other-project"), "--format", "json").stdout)
    assert {f["path"] for f in data["findings"]} == {"Dockerfile"}
