"""Repository context grades infrastructure findings: the severity and the note each context path gives,
on the fixture repositories (their `ruleid:` lines are proved by tests/test_rule_fixtures.py)."""
from __future__ import annotations

import pytest

from bot.config import Config
from bot.engine import analyze_file
from checks import all_rules
from checks.model import Severity
from checks.registry import RepoView
from checks.source import SourceFile, file_kinds, is_test_file, is_test_path
from tests.rule_harness import FIXTURES, annotations, dedent, load_fixture_dir

RULES = all_rules()


def graded(rule_id: str, files: dict[str, SourceFile] | None = None) -> dict[tuple[str, int], tuple[Severity, str]]:
    """(path, line) -> (severity, note) of every finding of `rule_id` on its fixture repository."""
    files = files if files is not None else load_fixture_dir(FIXTURES / rule_id)
    repo = RepoView(files, changed=files)
    out = {}
    for path, source in files.items():
        for f in analyze_file(source, {rule_id: RULES[rule_id]}, Config(), repo).findings:
            out[(path, f.line)] = (f.severity, f.note or "")
    return out


def at(table: dict, rule_id: str, path: str, n: int = 0) -> tuple[Severity, str]:
    """The grading of the n-th `ruleid:` line of a fixture file."""
    fire, _ = annotations((FIXTURES / rule_id / path).read_text(), rule_id)
    return table[(path, sorted(fire)[n])]


# --- docker.root-user -----------------------------------------------------------------------
ROOT = graded("docker.root-user")


def test_root_user_is_low_when_the_manifests_run_the_image_non_root() -> None:
    sev, note = at(ROOT, "docker.root-user", "services/web/Dockerfile")
    assert sev is Severity.LOW
    assert note.startswith("LOW: deploy/k8s/web.yaml:") and "non-root" in note


def test_root_user_stays_high_when_the_manifest_runs_it_as_root() -> None:
    assert at(ROOT, "docker.root-user", "services/api/Dockerfile") == (Severity.HIGH, "")


def test_root_user_is_low_when_compose_runs_it_with_a_non_root_user() -> None:
    sev, note = at(ROOT, "docker.root-user", "worker2/Dockerfile")
    assert sev is Severity.LOW and "docker-compose.yml:5" in note


@pytest.mark.parametrize("path", ["e2e/Dockerfile", "Dockerfile.test", ".devcontainer/Dockerfile",
                                  "packaging/rpm/Dockerfile", "bundle/bundle.Dockerfile", "hot/Dockerfile",
                                  "proxy/Dockerfile", "db/Dockerfile"])
def test_root_user_silent_on_tooling_and_non_root_bases(path: str) -> None:
    assert not [k for k in ROOT if k[0] == path]


def test_root_user_builder_is_deployed_when_the_makefile_pushes_it() -> None:
    files = {
        "Makefile": SourceFile("Makefile", "release:\n\tdocker build -t org/app:1 -f build/Dockerfile . --push\n"
                                           "\tdocker run --rm org/app:1 selftest\n"),
        "build/Dockerfile": SourceFile("build/Dockerfile", "FROM debian:12\nCMD [\"/app\"]\n"),
    }
    assert graded("docker.root-user", files) == {("build/Dockerfile", 1): (Severity.HIGH, "")}


def test_root_user_finding_has_a_stage_subject() -> None:
    src = SourceFile("Dockerfile", "FROM golang:1.22 AS build\nRUN true\nFROM debian:12 AS runtime\nCMD [\"/app\"]\n")
    (f,) = analyze_file(src, {"docker.root-user": RULES["docker.root-user"]}, Config(),
                        RepoView({"Dockerfile": src})).findings
    assert f.subject == "stage:final@Dockerfile"  # the image that runs, whatever its alias


# --- k8s.sa-token-automount ---------------------------------------------------------------------
SA = graded("k8s.sa-token-automount")


def test_sa_token_dedicated_account_without_bindings_is_low() -> None:
    sev, note = at(SA, "k8s.sa-token-automount", "deploy/k8s/reports.yaml")
    assert sev is Severity.LOW and "no Role/ClusterRole binding" in note and "`reports`" in note


def test_sa_token_bound_account_is_medium_naming_the_binding() -> None:
    sev, note = at(SA, "k8s.sa-token-automount", "deploy/k8s/controller.yaml")
    assert sev is Severity.MEDIUM and "RoleBinding `controller` (deploy/k8s/controller.yaml:24)" in note


def test_sa_token_default_account_stays_high() -> None:
    assert at(SA, "k8s.sa-token-automount", "deploy/k8s/web.yaml") == (Severity.HIGH, "")
    assert at(SA, "k8s.sa-token-automount", "deploy/k8s/migrate.json") == (Severity.HIGH, "")


def test_sa_token_under_e2e_is_reviewed_but_low() -> None:
    sev, note = at(SA, "k8s.sa-token-automount", "test/e2e/manifests/sender.yaml")
    assert sev is Severity.LOW and "test environments" in note


def test_sa_token_subject_is_the_workload() -> None:
    src = SourceFile("k8s/web.yaml", dedent("""
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: shop}
        spec:
          template:
            spec:
              containers: [{name: web, image: "web:1.0.0"}]
        """))
    (f,) = analyze_file(src, {"k8s.sa-token-automount": RULES["k8s.sa-token-automount"]}, Config(),
                        RepoView({src.path: src})).findings
    assert f.subject == "Deployment/shop/web"


# --- k8s.security-context -------------------------------------------------------------------------
SC = graded("k8s.security-context")


def test_security_context_non_root_pod_is_medium() -> None:
    sev, note = at(SC, "k8s.security-context", "deploy/k8s/nonroot.yaml", 0)
    assert sev is Severity.MEDIUM and note.startswith("MEDIUM: line 14 runs it as non-root")


def test_security_context_image_built_non_root_is_medium() -> None:
    sev, note = at(SC, "k8s.security-context", "deploy/k8s/nonroot.yaml", 1)
    assert sev is Severity.MEDIUM and "services/api/Dockerfile:3" in note


def test_security_context_root_capable_container_stays_high() -> None:
    assert at(SC, "k8s.security-context", "deploy/k8s/cron.json") == (Severity.HIGH, "")


def test_security_context_subject_names_the_container_and_survives_an_image_bump() -> None:
    text = dedent("""
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          template:
            spec:
              containers:
                - name: app
                  image: registry.example.com/web:1.0.0
        """)
    rule = {"k8s.security-context": RULES["k8s.security-context"]}
    before = analyze_file(SourceFile("k8s/web.yaml", text), rule, Config()).findings
    after = analyze_file(SourceFile("k8s/web.yaml", text.replace("1.0.0", "1.0.1")), rule, Config()).findings
    assert before[0].subject == "Deployment//web/container/app"
    assert before[0].fingerprint == after[0].fingerprint


# --- k8s.privileged -------------------------------------------------------------------------------
def test_privileged_escalation_bounded_by_drop_all_is_high_on_its_line() -> None:
    text = dedent("""
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers:
            - name: p
              image: p:1.0.0
              securityContext:
                capabilities: {drop: [ALL], add: [NET_BIND_SERVICE]}
                allowPrivilegeEscalation: true
        """)
    src = SourceFile("k8s/p.yaml", text)
    (f,) = analyze_file(src, {"k8s.privileged": RULES["k8s.privileged"]}, Config()).findings
    assert (f.line, f.severity) == (10, Severity.HIGH) and "drops ALL" in f.note
    unbounded = SourceFile("k8s/p.yaml", text.replace("drop: [ALL], ", ""))
    (g,) = analyze_file(unbounded, {"k8s.privileged": RULES["k8s.privileged"]}, Config()).findings
    assert g.severity is Severity.CRITICAL and g.subject == "Pod//p/container/p"


# --- file kinds and test code -------------------------------------------------------------------------
@pytest.mark.parametrize("path,text,kind", [
    ("deploy/app.json", '{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "x"}}', "k8s"),
    ("manifests/web.yml", "apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: Pod\n", "k8s"),
    ("ops/foo.docker-compose.yml", "services:\n  web:\n    image: nginx:1.27\n", "compose"),
    ("compose.prod.yaml", "services:\n  web:\n    build: .\n", "compose"),
    ("docker-compose.override.yml", "services:\n  web:\n    environment:\n      A: b\n", "compose"),
    ("stack.yml", "x-common: &c\n  restart: always\nservices:\n  web:\n    <<: *c\n    image: a:1\n", "compose"),
])
def test_file_kinds_by_content(path: str, text: str, kind: str) -> None:
    assert kind in file_kinds(path, text)


@pytest.mark.parametrize("path,text,kind", [
    ("schema.json", '{"properties": {"apiVersion": {"type": "string"}, "kind": {"type": "string"}}}', "k8s"),
    (".gitlab-ci.yml", "services:\n  - postgres:16\ntest:\n  script: [pytest]\n", "compose"),
    ("chart/values.yaml", "services:\n  web:\n    enabled: true\n    image: a:1\n", "compose"),
    ("notes.yaml", "services:\n  - name: a\n", "compose"),
])
def test_file_kinds_not_by_lookalike_content(path: str, text: str, kind: str) -> None:
    assert kind not in file_kinds(path, text)


@pytest.mark.parametrize("path", ["bookmarks/tests_e2e/test_x.py", "e2e-tests/helpers.go", "integration_tests/a.py",
                                  "src/test-utils/fake.ts", "e2e/run.py"])
def test_test_folders_for_code(path: str) -> None:
    assert is_test_path(path)


@pytest.mark.parametrize("path", ["contest/a.py", "latest/a.py", "attestation/a.go"])
def test_not_test_folders(path: str) -> None:
    assert not is_test_path(path)


def test_deploy_files_are_test_files_only_under_test_data_folders() -> None:
    k8s = frozenset({"yaml", "k8s"})
    assert not is_test_file("test/e2e/manifests/app.yaml", k8s)
    assert not is_test_file("tests/kubernetes/example_Privileged/pod.yaml", k8s)
    assert is_test_file("pkg/render/testdata/golden/app.yaml", k8s)
    assert is_test_file("tests/e2e/helpers.py", frozenset({"python"}))


def test_paths_tests_names_test_code() -> None:
    from bot.config import load_text

    config = load_text("paths:\n  tests:\n    - qa/\n")
    src = SourceFile("qa/seed.py", "import requests\nrequests.get('https://example.com')\n")
    rule = {"http.client-no-timeout": RULES["http.client-no-timeout"]}
    assert analyze_file(SourceFile(src.path, src.text), rule, Config()).findings
    assert not analyze_file(src, rule, config).findings


def test_pipeline_reads_json_manifests_and_compose_files_for_cross_file_rules() -> None:
    from bot.pipeline import repo_paths_needed

    paths = ["package.json", "deploy/app.json", "deploy/rbac.yaml", "ops/stack.yml", "Makefile", "README.md"]
    wanted = repo_paths_needed(paths, ["deploy/web.yaml"], Config(), RULES)
    assert {"deploy/app.json", "deploy/rbac.yaml", "ops/stack.yml", "Makefile"} <= set(wanted)
    assert "README.md" not in wanted
    assert wanted.index("deploy/rbac.yaml") < wanted.index("deploy/app.json")  # YAML before JSON under the bound


def test_security_context_follows_kustomize_image_renames_and_makefile_tags() -> None:
    """The kubebuilder layout: `image: controller:latest`, renamed by kustomize to the image the Makefile
    builds (`IMG ?= ghcr.io/org/operator:$(VERSION)`) from a Dockerfile with a non-root USER."""
    files = {p: SourceFile(p, dedent(t)) for p, t in {
        "Makefile": """
            IMG ?= ghcr.io/org/operator:$(VERSION)
            docker-build:
            \tdocker build -t ${IMG} .
            """,
        "Dockerfile": """
            FROM golang:1.22 AS build
            RUN go build -o /manager ./cmd
            FROM gcr.io/distroless/static-debian12
            COPY --from=build /manager /manager
            USER 65532:65532
            ENTRYPOINT ["/manager"]
            """,
        "config/manager/kustomization.yaml": """
            apiVersion: kustomize.config.k8s.io/v1beta1
            kind: Kustomization
            resources: [manager.yaml]
            images:
              - name: controller
                newName: ghcr.io/org/operator
                newTag: 1.4.0
            """,
        "config/manager/manager.yaml": """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: controller-manager, namespace: system}
            spec:
              template:
                spec:
                  containers:
                    - name: manager
                      image: controller:latest
            """,
    }.items()}
    table = graded("k8s.security-context", files)
    sev, note = table[("config/manager/manager.yaml", 8)]
    assert sev is Severity.MEDIUM and "Dockerfile:5" in note


def test_root_user_under_a_test_folder_is_low() -> None:
    sev, note = at(ROOT, "docker.root-user", "tests/integration/Dockerfile")
    assert sev is Severity.LOW and "sits under `tests/`" in note
