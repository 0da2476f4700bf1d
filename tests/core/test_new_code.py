"""Scope `new` on real git repositories: a review owns what the change introduces, nothing older."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import Config
from bot.diff import parse_diff
from bot.models import ChangedFile
from bot.review import review, to_previous
from tests.gitrepo import GitRepo

ROOT_IMAGE = "FROM python:3.12-slim@sha256:{digest}\nWORKDIR /app\nCOPY . .\nCMD [\"python\", \"main.py\"]\n"
SAFE_IMAGE = "FROM python:3.12-slim\nRUN useradd -u 10001 app\nUSER app\nCMD [\"python\", \"main.py\"]\n"
DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  namespace: shop
spec:
  replicas: 2
  selector:
    matchLabels: {{app: {name}}}
  template:
    metadata:
      labels: {{app: {name}}}
    spec:
      containers:
        - name: {name}
          image: registry.example.org/{name}:{tag}
          ports:
            - containerPort: 8080
"""
CLIENT = "import requests\n\n\ndef fetch(url):\n    return requests.get(url)\n"


def run(repo: GitRepo, *args: str, tmp: Path) -> dict:
    out = tmp / "review.json"
    code = main(["review", "--repo", str(repo.path), "--format", "json", "--fail-on", "never",
                 "-o", str(out), *args])
    assert code == 0
    return json.loads(out.read_text())


def rules(data: dict, key: str = "findings") -> set[tuple[str, str]]:
    items = data[key] if key == "findings" else data["preexisting"]["findings"]
    return {(f["rule"], f["path"]) for f in items}


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    r = GitRepo(tmp_path / "svc")
    r.commit("base", **{"Dockerfile": ROOT_IMAGE.format(digest="a" * 64),
                        "k8s/web.yaml": DEPLOYMENT.format(name="web", tag="1.0.0"),
                        "app/client.py": CLIENT, "README.md": "svc\n"})
    r.branch("feature")
    return r


def test_digest_bump_on_a_root_image_is_not_the_change_s_finding(repo: GitRepo, tmp_path: Path) -> None:
    repo.commit("bump", **{"Dockerfile": ROOT_IMAGE.format(digest="b" * 64)})
    data = run(repo, tmp=tmp_path)
    assert data["scope"] == "new"
    assert data["findings"] == [] and data["verdict"] == "PASS"
    assert ("docker.root-user", "Dockerfile") in rules(data, "preexisting")
    assert data["preexisting"]["count"] == len(data["preexisting"]["findings"]) >= 1
    assert all(f["new"] is False for f in data["preexisting"]["findings"])
    # the old behaviour stays available
    added = run(repo, "--scope", "added", tmp=tmp_path)
    assert ("docker.root-user", "Dockerfile") in rules(added)


def test_image_tag_bump_in_a_deployment_without_probes_or_limits(repo: GitRepo, tmp_path: Path) -> None:
    repo.commit("bump", **{"k8s/web.yaml": DEPLOYMENT.format(name="web", tag="1.0.1")})
    data = run(repo, tmp=tmp_path)
    assert data["findings"] == [], [(f["rule"], f["line"]) for f in data["findings"]]
    assert {"k8s.no-probes", "k8s.no-resource-limits"} <= {r for r, _ in rules(data, "preexisting")}


def test_a_new_deployment_without_probes_is_reported(repo: GitRepo, tmp_path: Path) -> None:
    repo.commit("api", **{"k8s/api.yaml": DEPLOYMENT.format(name="api", tag="2.0.0")})
    data = run(repo, tmp=tmp_path)
    found = rules(data)
    assert ("k8s.no-probes", "k8s/api.yaml") in found and ("k8s.no-resource-limits", "k8s/api.yaml") in found
    assert all(f["new"] is True for f in data["findings"])
    assert data["preexisting"]["count"] == 0  # k8s/web.yaml is not touched


def test_deleting_user_reports_root_although_the_line_is_gone(tmp_path: Path) -> None:
    r = GitRepo(tmp_path / "svc")
    r.commit("base", **{"Dockerfile": SAFE_IMAGE})
    r.branch("feature")
    r.commit("drop user", **{"Dockerfile": SAFE_IMAGE.replace("USER app\n", "")})
    data = run(r, tmp=tmp_path)
    assert ("docker.root-user", "Dockerfile") in rules(data)
    assert data["verdict"] != "PASS"


def test_renamed_and_edited_file_reports_only_the_edit(tmp_path: Path) -> None:
    body = "".join(f"SETTING_{i} = {i}\n" for i in range(20)) + "\n\n" + CLIENT
    r = GitRepo(tmp_path / "svc")
    r.commit("base", **{"app/client.py": body})
    r.branch("feature")
    r.git("mv", "app/client.py", "app/http_client.py")
    r.commit("rename", **{"app/http_client.py": body + "\n\ndef post(url, body):\n    return requests.post(url)\n"})
    assert "rename from app/client.py" in r.git("diff", "-M", "main", "HEAD")
    data = run(r, tmp=tmp_path)
    lines = [(f["rule"], f["path"], f["line"]) for f in data["findings"]]
    assert lines == [("http.client-no-timeout", "app/http_client.py", 31)], lines
    assert [(f["rule"], f["line"]) for f in data["preexisting"]["findings"]] == [("http.client-no-timeout", 27)]


def test_a_second_identical_call_is_one_new_finding_on_the_added_line(repo: GitRepo, tmp_path: Path) -> None:
    text = CLIENT.replace("    return requests.get(url)\n",
                          "    requests.get(url)\n    return requests.get(url)\n")
    repo.commit("twice", **{"app/client.py": text})
    data = run(repo, tmp=tmp_path)
    assert [(f["rule"], f["line"]) for f in data["findings"]] == [("http.client-no-timeout", 5)]
    assert data["preexisting"]["count"] == 1


def test_diff_mode_rebuilds_the_base_from_the_diff(repo: GitRepo, tmp_path: Path) -> None:
    repo.write("Dockerfile", ROOT_IMAGE.format(digest="c" * 64))
    diff = repo.git("diff")
    (tmp_path / "change.diff").write_text(diff)
    data = run(repo, "--diff", str(tmp_path / "change.diff"), tmp=tmp_path)
    assert data["findings"] == [] and data["preexisting"]["count"] >= 1


def test_cross_file_rules_compare_with_the_base_versions_of_the_other_changed_files(tmp_path: Path) -> None:
    """Both copies of a duplicated struct change the same field: the duplicate is not new."""
    def claims(embedded: str) -> str:
        return f"package x\n\ntype jwtClaims struct {{\n\tName string\n\tRole string\n\t{embedded}\n}}\n"

    r = GitRepo(tmp_path / "svc")
    r.commit("base", **{"pkg/grpc/token.go": claims("jwt.StandardClaims"),
                        "pkg/http/token.go": claims("jwt.StandardClaims")})
    r.branch("feature")
    r.commit("migrate", **{"pkg/grpc/token.go": claims("jwt.RegisteredClaims"),
                           "pkg/http/token.go": claims("jwt.RegisteredClaims")})
    data = run(r, tmp=tmp_path)
    assert not [f for f in data["findings"] if f["rule"] == "quality.duplicate-definition"]
    assert len([f for f in data["preexisting"]["findings"] if f["rule"] == "quality.duplicate-definition"]) == 2


def test_force_push_reintroducing_a_fixed_finding_is_new_again() -> None:
    """Review 1 has the finding, review 2 fixed it, review 3 (a force-push back) shows it as NEW."""
    bad = CLIENT
    good = CLIENT.replace("requests.get(url)", "requests.get(url, timeout=5)")
    change = [ChangedFile("app/client.py", status="added", added=frozenset(range(1, 6)))]
    first = review(change, {"app/client.py": bad}, Config())
    second = review(change, {"app/client.py": good}, Config(), previous=to_previous(first.findings))
    assert [r.status for r in second.verification] == ["FIXED"]
    third = review(change, {"app/client.py": bad}, Config(), previous=to_previous(second.findings))
    assert [(r.status, r.rule) for r in third.verification] == [("NEW", "http.client-no-timeout")]


def test_unreadable_base_counts_findings_as_new() -> None:
    """No base text (the forge could not read it): nothing is hidden from the author."""
    diff = ("--- a/app/client.py\n+++ b/app/client.py\n@@ -1 +1 @@\n-import requests\n+import requests  \n")
    (change,) = parse_diff(diff)
    change = ChangedFile(change.path, added=change.added, hunks=change.hunks)  # no patch known
    result = review([change], {"app/client.py": CLIENT}, Config(), base_texts={})
    assert [f.rule for f in result.findings] == ["http.client-no-timeout"]


def test_baseline_round_trip(tmp_path: Path) -> None:
    root = tmp_path / "tree"
    root.mkdir()
    (root / "Dockerfile").write_text(ROOT_IMAGE.format(digest="a" * 64))
    (root / "client.py").write_text(CLIENT)
    assert main(["baseline", str(root)]) == 0
    baseline = root / ".readiness-baseline.json"
    entries = json.loads(baseline.read_text())["findings"]
    assert entries == sorted(entries, key=lambda r: (r["path"], r["rule"], r["fingerprint"]))
    assert {e["rule"] for e in entries} >= {"docker.root-user", "http.client-no-timeout"}

    out = tmp_path / "scan.json"
    assert main(["scan", str(root), "--baseline", str(baseline), "--format", "json", "-o", str(out)]) == 0
    data = json.loads(out.read_text())
    assert data["findings"] == [] and data["baselined"] == len(entries)

    (root / "client.py").write_text(CLIENT + "\n\ndef post(url):\n    return requests.post(url)\n")
    assert main(["scan", str(root), "--baseline", str(baseline), "--format", "json", "-o", str(out)]) == 1
    data = json.loads(out.read_text())
    assert [(f["rule"], f["line"]) for f in data["findings"]] == [("http.client-no-timeout", 9)]

    # the config key does the same, read like the config
    (root / ".readiness.yml").write_text("baseline: .readiness-baseline.json\n")
    assert main(["scan", str(root), "--format", "json", "-o", str(out)]) == 1
    assert json.loads(out.read_text())["baselined"] == len(entries)

    (root / "client.py").write_text("print('no client any more')\n")
    assert main(["baseline", "--prune", str(root)]) == 0
    left = json.loads(baseline.read_text())["findings"]
    assert {e["rule"] for e in left} == {"docker.root-user"}


def test_a_broken_baseline_file_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    root = tmp_path / "tree"
    root.mkdir()
    (root / "a.py").write_text("x = 1\n")
    (root / "bad.json").write_text("{not json")
    assert main(["scan", str(root), "--baseline", str(root / "bad.json")]) == 2
    assert "bad.json" in capsys.readouterr().err
