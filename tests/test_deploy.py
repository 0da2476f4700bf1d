"""deploy/, action.yml, the GitLab CI template and the pre-commit hook: structure, and our own review.

Neither Docker nor Kubernetes runs here, so the files are checked as data: the YAML parses, every
manifest has what the issue asks for, and `readiness scan deploy/` finds nothing at all.
"""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from bot.cli import main

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "kubernetes"
SECRET_NAME = re.compile(r"TOKEN|SECRET|PASSWORD|API_KEY|PRIVATE_KEY", re.I)


def scan(path: Path, tmp_path: Path) -> dict:
    out = tmp_path / "scan.json"
    code = main(["scan", str(path), "--format", "json", "-o", str(out)])
    report = json.loads(out.read_text())
    assert code in (0, 1)
    return report


def manifests() -> dict[str, list[dict]]:
    return {p.name: [d for d in yaml.safe_load_all(p.read_text()) if d] for p in sorted(K8S.glob("*.yaml"))}


def by_kind(kind: str) -> list[dict]:
    return [d for name, docs in manifests().items() if name != "kustomization.yaml" for d in docs
            if d.get("kind") == kind]


# --- our own review ------------------------------------------------------------------------------

def test_scan_of_deploy_has_zero_findings(tmp_path):
    report = scan(DEPLOY, tmp_path)
    assert report["findings"] == [], [(f["rule"], f["path"], f["line"]) for f in report["findings"]]
    expected = {p.relative_to(DEPLOY).as_posix() for p in DEPLOY.rglob("*") if p.is_file()}
    assert report["files_reviewed"] == len(expected) and report["skipped"] == []


def test_the_zero_is_not_vacuous(tmp_path):
    """The same files with the protections taken out are flagged: the rules do read them."""
    copy = tmp_path / "deploy"
    shutil.copytree(DEPLOY, copy)
    docker = copy / "Dockerfile"
    docker.write_text(docker.read_text().replace("USER 10001:10001\n", ""))
    web = copy / "kubernetes" / "deployment-web.yaml"
    web.write_text(web.read_text().replace("            readOnlyRootFilesystem: true\n", "")
                   .replace("readiness:0.1.0", "readiness:latest"))
    compose = copy / "docker-compose.yml"
    compose.write_text('version: "3.8"\n' + compose.read_text())
    rules = {f["rule"] for f in scan(copy, tmp_path)["findings"]}
    assert {"docker.root-user", "k8s.security-context", "k8s.image-latest", "compose.obsolete-version"} <= rules


@pytest.mark.slow
def test_project_self_scan_has_no_high_or_critical(tmp_path):
    report = scan(ROOT, tmp_path)
    serious = [(f["rule"], f["path"], f["line"]) for f in report["findings"]
               if f["severity"] in ("CRITICAL", "HIGH")]
    assert serious == []
    assert report["files_reviewed"] > 100  # bot/ and checks/ are reviewed, not excluded


# --- Dockerfile ----------------------------------------------------------------------------------

def test_dockerfile_is_multi_stage_pinned_non_root_with_healthcheck():
    lines = [ln.strip() for ln in (DEPLOY / "Dockerfile").read_text().splitlines()]
    froms = [ln.split()[1] for ln in lines if ln.startswith("FROM ")]
    assert len(froms) >= 2
    assert all(re.fullmatch(r"[\w./-]+:\d[\w.-]*(@sha256:[0-9a-f]{64})?", image) for image in froms), froms
    final = lines[max(i for i, ln in enumerate(lines) if ln.startswith("FROM ")):]
    users = [ln.split()[1] for ln in final if ln.startswith("USER ")]
    assert users and re.fullmatch(r"[1-9]\d*(:\d+)?", users[-1])
    assert not any(ln.startswith(("ARG ", "ENV ")) and SECRET_NAME.search(ln) for ln in lines)
    text = "\n".join(lines)
    assert "HEALTHCHECK" in text and "urllib.request" in text and "/healthz" in text and "curl" not in text
    assert "EXPOSE 8080" in lines
    assert 'ENTRYPOINT ["readiness"]' in lines and any(ln.startswith('CMD ["serve"') for ln in lines)
    assert "COPY --from=build" in text


# --- Compose -------------------------------------------------------------------------------------

def _literal_secrets(service: dict) -> list[str]:
    env = service.get("environment") or {}
    items = env.items() if isinstance(env, dict) else [(e.split("=", 1) + [""])[:2] for e in env]
    return [k for k, v in items if SECRET_NAME.search(k) and not k.endswith("_PATH")
            and v not in ("", None) and not str(v).startswith("${")]


def test_compose_embedded_queue_and_redis_override():
    base = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())
    redis = yaml.safe_load((DEPLOY / "docker-compose.redis.yml").read_text())
    assert "version" not in base and "version" not in redis
    web = base["services"]["readiness"]
    data_dir = web["environment"]["READINESS_DATA_DIR"]
    assert any(v.split(":")[0] in base["volumes"] and v.split(":")[1] == data_dir for v in web["volumes"])
    assert "--queue" not in web["command"]  # embedded SQLite queue
    assert web["env_file"] and web["read_only"] is True and web["cap_drop"] == ["ALL"]
    assert redis["services"]["redis"]["image"].startswith("redis:7")
    assert redis["services"]["worker"]["command"][:2] == ["worker", "--queue"]
    assert "--queue" in redis["services"]["readiness"]["command"]
    for doc in (base, redis):
        for service in doc["services"].values():
            assert _literal_secrets(service) == []
            image = service.get("image") or base["services"]["readiness"]["image"]  # overrides keep the base's
            assert ":" in image and not image.endswith(":latest")


# --- Kubernetes ----------------------------------------------------------------------------------

def test_kustomization_lists_every_manifest_but_the_secret_template():
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    listed = set(kustomization["resources"])
    present = {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml", "secret.template.yaml"}
    assert listed == present
    assert kustomization["namespace"] == "readiness"


def test_every_manifest_sets_the_namespace_and_nothing_is_defined_twice():
    seen = set()
    for name, docs in manifests().items():
        if name in ("kustomization.yaml", "secret.template.yaml"):
            continue
        for d in docs:
            meta = d["metadata"]
            if d["kind"] != "Namespace":
                assert meta.get("namespace") == "readiness", (name, d["kind"])
            key = (d["kind"], meta["name"])
            assert key not in seen, f"{key} defined twice"
            seen.add(key)
    kinds = {k for k, _ in seen}
    assert {"Deployment", "Service", "Ingress", "ConfigMap", "NetworkPolicy", "PodDisruptionBudget",
            "HorizontalPodAutoscaler", "ServiceAccount", "Namespace"} <= kinds
    assert "Secret" not in kinds


def test_deployments_are_locked_down_probed_and_bounded():
    deployments = {d["metadata"]["name"]: d for d in by_kind("Deployment")}
    assert set(deployments) == {"readiness-web", "readiness-worker"}
    for name, d in deployments.items():
        pod = d["spec"]["template"]["spec"]
        assert pod["automountServiceAccountToken"] is False
        assert "replicas" not in d["spec"]  # the HPA owns the replica count
        mounts_needed = set()
        for c in pod["containers"]:
            sc = c["securityContext"]
            assert sc["runAsNonRoot"] is True and sc["allowPrivilegeEscalation"] is False
            assert sc["readOnlyRootFilesystem"] is True and sc["capabilities"]["drop"] == ["ALL"]
            assert {"livenessProbe", "readinessProbe"} <= set(c)
            assert c["resources"]["limits"]["memory"] and c["resources"]["requests"]["cpu"]
            assert re.fullmatch(r"[\w./-]+:\d[\w.-]*", c["image"]), c["image"]
            mounts_needed |= {m["name"] for m in c["volumeMounts"] if m["mountPath"] in ("/tmp", "/var/lib/readiness")}
        volumes = {v["name"]: v for v in pod["volumes"]}
        assert mounts_needed and all("emptyDir" in volumes[n] for n in mounts_needed)
    web_args = deployments["readiness-web"]["spec"]["template"]["spec"]["containers"][0]["args"]
    worker_args = deployments["readiness-worker"]["spec"]["template"]["spec"]["containers"][0]["args"]
    assert web_args[0] == "serve" and worker_args[0] == "worker"


def test_ingress_has_tls_and_no_wildcard_cors():
    (ingress,) = by_kind("Ingress")
    annotations = ingress["metadata"].get("annotations") or {}
    assert annotations.get("nginx.ingress.kubernetes.io/cors-allow-origin", "") != "*"
    assert ingress["spec"]["tls"] and ingress["spec"]["tls"][0]["secretName"]
    paths = [p["path"] for r in ingress["spec"]["rules"] for p in r["http"]["paths"]]
    assert paths == ["/webhooks/"]  # /metrics stays inside the cluster


def test_network_policy_allows_dns_redis_and_https_egress_only():
    (policy,) = by_kind("NetworkPolicy")
    assert set(policy["spec"]["policyTypes"]) == {"Ingress", "Egress"}
    ports = {(p.get("protocol", "TCP"), p["port"]) for rule in policy["spec"]["egress"] for p in rule["ports"]}
    assert ports == {("UDP", 53), ("TCP", 53), ("TCP", 6379), ("TCP", 443)}


def test_pdb_and_hpa_target_the_deployments():
    deployments = {d["metadata"]["name"] for d in by_kind("Deployment")}
    assert {h["spec"]["scaleTargetRef"]["name"] for h in by_kind("HorizontalPodAutoscaler")} == deployments
    components = {p["spec"]["selector"]["matchLabels"]["app.kubernetes.io/component"]
                  for p in by_kind("PodDisruptionBudget")}
    assert components == {"web", "worker"}


def test_secret_is_a_template_with_empty_values():
    (secret,) = [d for d in yaml.safe_load_all((K8S / "secret.template.yaml").read_text()) if d]
    assert secret["kind"] == "Secret"
    assert all(v == "" for v in secret["stringData"].values())


# --- CI integrations -----------------------------------------------------------------------------

def test_action_is_composite_with_pinned_actions_and_the_publish_entry():
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    assert {"github-token", "fail-on", "scope", "sarif-file"} <= set(action["inputs"])
    steps = action["runs"]["steps"]
    for step in steps:
        if "uses" in step:
            assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", step["uses"]), step["uses"]
    script = "\n".join(s.get("run", "") for s in steps)
    assert "review --publish github" in script and "${{" not in script  # inputs only through env
    assert any("action_path" in str(s.get("env", {})) for s in steps)


def test_gitlab_ci_template_runs_in_merge_request_pipelines():
    doc = yaml.safe_load((DEPLOY / "gitlab-ci" / "readiness.yml").read_text())
    job = doc["readiness"]
    assert any("readiness review --publish gitlab" in line for line in job["script"])
    assert any("merge_request_event" in r["if"] for r in job["rules"])
    assert re.fullmatch(r"[\w./-]+:\d[\w.-]*", job["variables"]["READINESS_IMAGE"])


def test_pre_commit_hook():
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "readiness" and hook["language"] == "python"
    assert hook["entry"] == "readiness review --scope added" and hook["pass_filenames"] is False
