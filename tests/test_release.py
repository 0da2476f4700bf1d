"""What a release needs is in the repository and true: LICENSE as pyproject says, a changelog entry for
the version, a tag-triggered workflow that publishes the image the deployment files name (actions pinned
by SHA, least privilege), correct workflow examples in the docs, and only dependencies the code uses."""
from __future__ import annotations

import re
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
WORKFLOW = ROOT / ".github" / "workflows" / "release.yml"


def test_license_file_matches_pyproject() -> None:
    assert PYPROJECT["project"]["license"]["text"] == "MIT"
    assert (ROOT / "LICENSE").read_text().startswith("MIT License\n")


def test_changelog_has_the_current_version() -> None:
    version = PYPROJECT["project"]["version"]
    assert re.search(rf"^## \[{re.escape(version)}\] - \d{{4}}-\d\d-\d\d$", (ROOT / "CHANGELOG.md").read_text(), re.M)


def test_release_workflow_publishes_the_image_the_deployment_files_name() -> None:
    workflow = yaml.safe_load(WORKFLOW.read_text())
    trigger = workflow[True]  # YAML 1.1 reads the `on:` key as True
    assert set(trigger) == {"push"} and set(trigger["push"]) == {"tags"}
    assert workflow["permissions"] == {}
    (job,) = workflow["jobs"].values()
    assert job["permissions"] == {"contents": "read", "packages": "write"}
    uses = [step["uses"] for step in job["steps"] if "uses" in step]
    assert uses and all(re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", u) for u in uses), uses
    build = next(step for step in job["steps"] if step.get("uses", "").startswith("docker/build-push-action@"))
    assert build["with"]["file"] == "deploy/Dockerfile" and build["with"]["push"] is True
    image = job["env"]["IMAGE"]
    named = set(re.findall(r"(ghcr\.io/[\w./-]+):\d", "".join(
        p.read_text() for p in [*(ROOT / "deploy" / "kubernetes").glob("*.yaml"),
                                ROOT / "deploy" / "gitlab-ci" / "readiness.yml"])))
    assert named == {image}


def test_the_action_example_that_uploads_sarif_may_upload_it() -> None:
    text = (ROOT / "docs" / "action.md").read_text()
    example = yaml.safe_load(re.search(r"```yaml\n(.*?)```", text, re.S).group(1))
    steps = [s for job in example["jobs"].values() for s in job["steps"]]
    assert any("upload-sarif" in s.get("uses", "") for s in steps)
    assert example["permissions"].get("security-events") == "write"


# Declared for a lower bound on an API the code calls through another package's object.
THROUGH = {"redis": "arq"}  # bot/service/redis_queue.py calls redis commands on arq's ArqRedis


def test_every_runtime_dependency_is_imported_and_documented() -> None:
    modules_of: dict[str, set[str]] = {}
    for module, dists in packages_distributions().items():
        for dist in dists:
            modules_of.setdefault(dist.lower().replace("_", "-"), set()).add(module)
    code = "\n".join(p.read_text() for d in ("bot", "checks") for p in (ROOT / d).rglob("*.py"))
    notes = (ROOT / "docs" / "dependencies.md").read_text()
    for requirement in PYPROJECT["project"]["dependencies"]:
        name = re.match(r"[\w.-]+", requirement).group(0).lower().replace("_", "-")
        modules = modules_of.get(THROUGH.get(name, name), set())
        assert any(re.search(rf"^\s*(import|from) {m}\b", code, re.M) for m in modules), f"{name} is not used"
        assert name.split("[")[0] in notes, f"{name} is not in docs/dependencies.md"
