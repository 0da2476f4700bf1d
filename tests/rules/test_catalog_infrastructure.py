"""Catalog-driven table tests for the infrastructure area (k8s.*, docker.*, compose.*).

Written from the rows of the rule catalog (rules-catalog.md, "Infrastructure"), not from the
implementation. A case is `(path, text)`; a line ending in ` «` must be flagged (the marker is
stripped before the file is reviewed) and no other line may be. Multi-file cases use
`tests.rule_harness.run_rule` with every file in the change.

Anchors (docs/writing-rules.md, checks/infrastructure/_k8s.py): a container finding is on the
container's `name:` line (the `- name:` item line when name comes first); a pod-spec finding on the
`spec:` that holds the pod spec; a missing-`USER`/`HEALTHCHECK` finding on the final stage's `FROM`.
"""
from __future__ import annotations


import pytest

from bot.config import Config
from bot.engine import analyze_file
from bot.models import Severity
from checks import all_rules
from checks.registry import RepoView
from checks.source import SourceFile
from tests.rule_harness import case as C, findings, lines, repo_lines

RULES = all_rules()


def severities(rule_id: str, path: str, text: str, **options) -> dict[int, Severity]:
    return {f.line: f.severity for f in findings(rule_id, path, text, **options)}


# ============================================================================================
# k8s.security-context
# ============================================================================================
SECURITY_CONTEXT = [
    C("deploy/k8s/api.yaml", """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: api
        spec:
          replicas: 2
          selector:
            matchLabels: {app: api}
          template:
            metadata:
              labels: {app: api}
            spec:
              containers:
                - name: api «
                  image: registry.example.com/api:1.4.2
                  ports:
                    - containerPort: 8080
        """),
    # complete container-level context: silent
    C("deploy/k8s/api.yaml", """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: api
        spec:
          selector:
            matchLabels: {app: api}
          template:
            metadata:
              labels: {app: api}
            spec:
              containers:
                - name: api
                  image: registry.example.com/api:1.4.2
                  securityContext:
                    runAsNonRoot: true
                    allowPrivilegeEscalation: false
                    readOnlyRootFilesystem: true
                    capabilities:
                      drop:
                        - ALL
        """),
    # pod-level runAsNonRoot counts; flow-style capabilities; keys in another order
    C("deploy/k8s/worker.yaml", """
        apiVersion: apps/v1
        kind: StatefulSet
        metadata:
          name: worker
        spec:
          serviceName: worker
          selector:
            matchLabels: {app: worker}
          template:
            metadata:
              labels: {app: worker}
            spec:
              securityContext:
                runAsUser: 10001
                runAsNonRoot: true
                fsGroup: 10001
              containers:
                - image: registry.example.com/worker:2.0.0
                  securityContext:
                    capabilities: {drop: ["ALL"]}
                    readOnlyRootFilesystem: true
                    allowPrivilegeEscalation: false
                  name: worker
        """),
    # whole securityContext in flow style: silent
    C("deploy/k8s/pod.yaml", """
        apiVersion: v1
        kind: Pod
        metadata:
          name: toolbox
        spec:
          containers:
            - name: toolbox
              image: busybox:1.36.1
              securityContext: {runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: {drop: [ALL]}}
        """),
    # `name:` not the first key of the item: reported on the `name:` line
    C("deploy/k8s/ds.yaml", """
        apiVersion: apps/v1
        kind: DaemonSet
        metadata:
          name: node-agent
        spec:
          selector:
            matchLabels: {app: node-agent}
          template:
            metadata:
              labels: {app: node-agent}
            spec:
              containers:
                - image: registry.example.com/node-agent:3.1.0
                  securityContext:
                    runAsNonRoot: true
                    allowPrivilegeEscalation: false
                    capabilities:
                      drop: ["ALL"]
                  name: agent «
        """),
    # initContainers count; pod-level runAsNonRoot does not make up for the other three
    C("deploy/k8s/api.yaml", """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: api
        spec:
          selector:
            matchLabels: {app: api}
          template:
            metadata:
              labels: {app: api}
            spec:
              securityContext:
                runAsNonRoot: true
              initContainers:
                - name: migrate «
                  image: registry.example.com/api:1.4.2
                  command: ["/app/migrate"]
              containers:
                - name: api
                  image: registry.example.com/api:1.4.2
                  securityContext:
                    allowPrivilegeEscalation: false
                    readOnlyRootFilesystem: true
                    capabilities:
                      drop: [ALL]
        """),
    # wrong values: readOnlyRootFilesystem false, drop only NET_RAW
    C("deploy/k8s/api.yaml", """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: api
        spec:
          selector:
            matchLabels: {app: api}
          template:
            metadata:
              labels: {app: api}
            spec:
              containers:
                - name: api
                  image: registry.example.com/api:1.4.2
                  securityContext:
                    runAsNonRoot: true
                    allowPrivilegeEscalation: false
                    readOnlyRootFilesystem: false «
                    capabilities:
                      drop: [ALL]
                - name: sidecar
                  image: registry.example.com/sidecar:1.0.0
                  securityContext:
                    runAsNonRoot: true
                    allowPrivilegeEscalation: false
                    readOnlyRootFilesystem: true
                    capabilities:
                      drop: [NET_RAW] «
        """),
    # Job and CronJob, multi-document file with a Service and a ConfigMap (silent)
    C("deploy/k8s/batch.yaml", """
        apiVersion: v1
        kind: Service
        metadata:
          name: api
        spec:
          selector: {app: api}
          ports: [{port: 80, targetPort: 8080}]
        ---
        apiVersion: batch/v1
        kind: Job
        metadata:
          name: seed
        spec:
          template:
            spec:
              restartPolicy: Never
              containers:
                - name: seed «
                  image: registry.example.com/seed:1.0.0
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: cfg
        data:
          LOG_LEVEL: info
        ---
        apiVersion: batch/v1
        kind: CronJob
        metadata:
          name: nightly
        spec:
          schedule: "0 2 * * *"
          jobTemplate:
            spec:
              template:
                spec:
                  restartPolicy: OnFailure
                  containers:
                    - name: report «
                      image: registry.example.com/report:2.3.0
                      securityContext:
                        allowPrivilegeEscalation: false
        """),
    # container-level runAsNonRoot overrides a pod-level false
    C("deploy/k8s/pod.yaml", """
        apiVersion: v1
        kind: Pod
        metadata:
          name: p
        spec:
          securityContext:
            runAsNonRoot: false
          containers:
            - name: app
              image: registry.example.com/app:1.0.0
              securityContext:
                runAsNonRoot: true
                allowPrivilegeEscalation: false
                readOnlyRootFilesystem: true
                capabilities:
                  drop: ["ALL"]
        """),
    # pod-level runAsNonRoot: true, container sets it false -> missing
    C("deploy/k8s/pod.yaml", """
        apiVersion: v1
        kind: Pod
        metadata:
          name: p
        spec:
          securityContext:
            runAsNonRoot: true
          containers:
            - name: app
              image: registry.example.com/app:1.0.0
              securityContext:
                runAsNonRoot: false «
                allowPrivilegeEscalation: false
                readOnlyRootFilesystem: true
                capabilities:
                  drop: ["ALL"]
        """),
    # YAML not a Kubernetes manifest: silent
    C("deploy/values.yaml", """
        image:
          repository: registry.example.com/api
          tag: 1.4.2
        containers:
          - name: api
        """),
]


@pytest.mark.parametrize("path,text,expected", SECURITY_CONTEXT)
def test_k8s_security_context(path: str, text: str, expected: set[int]) -> None:
    assert lines("k8s.security-context", path, text) == expected


def test_k8s_security_context_lists_what_is_missing() -> None:
    path, text, _ = SECURITY_CONTEXT[6]
    by_line = {f.line: f for f in findings("k8s.security-context", path, text)}
    # anchored on the value written wrong; MEDIUM because both containers run as non-root
    assert "readOnlyRootFilesystem" in by_line[18].message
    assert "runAsNonRoot" not in by_line[18].message
    assert "drop" in by_line[28].message or "ALL" in by_line[28].message
    assert all(f.severity is Severity.MEDIUM and "non-root" in f.note for f in by_line.values())


# ============================================================================================
# k8s.privileged
# ============================================================================================
PRIVILEGED = [
    C("deploy/k8s/agent.yaml", """
        apiVersion: apps/v1
        kind: DaemonSet
        metadata:
          name: agent
        spec:
          selector:
            matchLabels: {app: agent}
          template:
            metadata:
              labels: {app: agent}
            spec:
              hostPID: true «
              hostNetwork: true «
              containers:
                - name: agent
                  image: registry.example.com/agent:1.0.0
                  securityContext:
                    privileged: true «
        """),
    C("deploy/k8s/pod.yaml", """
        apiVersion: v1
        kind: Pod
        metadata:
          name: debug
        spec:
          hostIPC: true «
          initContainers:
            - name: sysctl
              image: busybox:1.36.1
              securityContext: {privileged: true} «
          containers:
            - name: debug
              image: busybox:1.36.1
        """),
    C("deploy/k8s/net.yaml", """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: vpn
        spec:
          selector:
            matchLabels: {app: vpn}
          template:
            metadata:
              labels: {app: vpn}
            spec:
              containers:
                - name: vpn
                  image: registry.example.com/vpn:2.0.0
                  securityContext:
                    allowPrivilegeEscalation: true «
                    capabilities:
                      add:
                        - NET_ADMIN «
                        - NET_BIND_SERVICE
                - name: fuse
                  image: registry.example.com/fuse:1.0.0
                  securityContext:
                    capabilities:
                      add: ["SYS_ADMIN"] «
                      drop: ["ALL"]
        """),
    C("deploy/k8s/cron.yaml", """
        apiVersion: batch/v1
        kind: CronJob
        metadata:
          name: iptables
        spec:
          schedule: "*/5 * * * *"
          jobTemplate:
            spec:
              template:
                spec:
                  restartPolicy: OnFailure
                  containers:
                    - name: sync
                      image: registry.example.com/iptables:0.4.1
                      securityContext:
                        capabilities:
                          add:
                            - CAP_NET_ADMIN «
        """),
    # all false / safe capabilities: silent
    C("deploy/k8s/api.yaml", """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: api
        spec:
          selector:
            matchLabels: {app: api}
          template:
            metadata:
              labels: {app: api}
            spec:
              hostNetwork: false
              hostPID: false
              hostIPC: false
              containers:
                - name: api
                  image: registry.example.com/api:1.4.2
                  securityContext:
                    privileged: false
                    allowPrivilegeEscalation: false
                    capabilities:
                      drop: [ALL]
                      add: [NET_BIND_SERVICE]
        """),
    # a Compose file with privileged: true is not a Kubernetes manifest
    C("docker-compose.yml", """
        services:
          agent:
            image: registry.example.com/agent:1.0.0
            privileged: true
            network_mode: host
        """),
    # StatefulSet in a multi-document file, the privileged one second
    C("deploy/k8s/db.yaml", """
        apiVersion: v1
        kind: Service
        metadata:
          name: db
        spec:
          selector: {app: db}
          ports: [{port: 5432}]
        ---
        apiVersion: apps/v1
        kind: StatefulSet
        metadata:
          name: db
        spec:
          serviceName: db
          selector:
            matchLabels: {app: db}
          template:
            metadata:
              labels: {app: db}
            spec:
              initContainers:
                - name: fix-perms
                  image: busybox:1.36.1
                  securityContext:
                    privileged: true «
              containers:
                - name: postgres
                  image: postgres:16.2
        """),
]


@pytest.mark.parametrize("path,text,expected", PRIVILEGED)
def test_k8s_privileged(path: str, text: str, expected: set[int]) -> None:
    assert lines("k8s.privileged", path, text) == expected


# ============================================================================================
# k8s.sa-token-automount (anchor: the `spec:` holding the pod spec)
# ============================================================================================
SA_TOKEN = [
    C("deploy/k8s/web.yaml", """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web}
            spec: «
              containers:
                - name: web
                  image: registry.example.com/web:3.2.0
        """),
    C("deploy/k8s/web.yaml", """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web}
            spec:
              containers:
                - name: web
                  image: registry.example.com/web:3.2.0
              automountServiceAccountToken: false
        """),
    C("deploy/k8s/pod.yaml", """
        apiVersion: v1
        kind: Pod
        metadata:
          name: debug
        spec: «
          containers:
            - name: debug
              image: busybox:1.36.1
        """),
    C("deploy/k8s/cron.yaml", """
        apiVersion: batch/v1
        kind: CronJob
        metadata:
          name: cleanup
        spec:
          schedule: "0 3 * * *"
          jobTemplate:
            spec:
              template:
                spec: «
                  restartPolicy: OnFailure
                  containers:
                    - name: cleanup
                      image: registry.example.com/cleanup:0.2.0
        """),
    # serviceAccountName: default is flagged even when the file declares nothing else
    C("deploy/k8s/cache.yaml", """
        apiVersion: apps/v1
        kind: StatefulSet
        metadata:
          name: cache
        spec:
          serviceName: cache
          selector:
            matchLabels: {app: cache}
          template:
            metadata:
              labels: {app: cache}
            spec: «
              serviceAccountName: default
              containers:
                - name: cache
                  image: redis:7.2.4
        """),
    # the ServiceAccount in the same file disables automount
    C("deploy/k8s/worker.yaml", """
        apiVersion: v1
        kind: ServiceAccount
        metadata:
          name: worker
        automountServiceAccountToken: false
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: worker
        spec:
          selector:
            matchLabels: {app: worker}
          template:
            metadata:
              labels: {app: worker}
            spec:
              serviceAccountName: worker
              containers:
                - name: worker
                  image: registry.example.com/worker:1.0.3
        """),
    # ... but a ServiceAccount that keeps automount on does not
    C("deploy/k8s/worker.yaml", """
        apiVersion: v1
        kind: ServiceAccount
        metadata:
          name: worker
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: worker
        spec:
          selector:
            matchLabels: {app: worker}
          template:
            metadata:
              labels: {app: worker}
            spec: «
              serviceAccountName: worker
              containers:
                - name: worker
                  image: registry.example.com/worker:1.0.3
        """),
    # explicit true
    C("deploy/k8s/job.yaml", """
        apiVersion: batch/v1
        kind: Job
        metadata:
          name: migrate
        spec:
          template:
            spec:
              automountServiceAccountToken: true «
              restartPolicy: Never
              containers:
                - name: migrate
                  image: registry.example.com/api:1.4.2
        """),
    # non-workload resources: silent
    C("deploy/k8s/svc.yaml", """
        apiVersion: v1
        kind: Service
        metadata:
          name: web
        spec:
          selector: {app: web}
          ports: [{port: 80}]
        """),
]


@pytest.mark.parametrize("path,text,expected", SA_TOKEN)
def test_k8s_sa_token_automount(path: str, text: str, expected: set[int]) -> None:
    assert lines("k8s.sa-token-automount", path, text) == expected


def test_k8s_sa_token_automount_service_account_in_another_manifest() -> None:
    cases = [
        C("deploy/k8s/serviceaccount.yaml", """
            apiVersion: v1
            kind: ServiceAccount
            metadata:
              name: api
              namespace: payments
            automountServiceAccountToken: false
            """),
        C("deploy/k8s/deployment.yaml", """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: api
              namespace: payments
            spec:
              selector:
                matchLabels: {app: api}
              template:
                metadata:
                  labels: {app: api}
                spec:
                  containers:
                    - name: api
                      image: registry.example.com/api:1.4.2
                  serviceAccountName: api
            """),
        C("deploy/k8s/other.yaml", """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: other
              namespace: payments
            spec:
              selector:
                matchLabels: {app: other}
              template:
                metadata:
                  labels: {app: other}
                spec: «
                  serviceAccountName: other
                  containers:
                    - name: other
                      image: registry.example.com/other:1.0.0
            """),
    ]
    got, want = repo_lines("k8s.sa-token-automount", cases)
    assert got == want


# ============================================================================================
# k8s.no-resource-limits (anchor: container name line)
# ============================================================================================
RESOURCES = [
    C("deploy/k8s/api.yaml", """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: api
        spec:
          selector:
            matchLabels: {app: api}
          template:
            metadata:
              labels: {app: api}
            spec:
              containers:
                - name: api «
                  image: registry.example.com/api:1.4.2
        """),
    C("deploy/k8s/api.yaml", """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: api
        spec:
          selector:
            matchLabels: {app: api}
          template:
            metadata:
              labels: {app: api}
            spec:
              containers:
                - name: api
                  image: registry.example.com/api:1.4.2
                  resources:
                    limits:
                      memory: 512Mi
                    requests:
                      memory: 256Mi
                      cpu: 250m
                - resources: {requests: {cpu: "100m", memory: "64Mi"}, limits: {memory: "128Mi"}}
                  image: registry.example.com/sidecar:0.3.0
                  name: sidecar
        """),
    # requests only, no memory limit
    C("deploy/k8s/api.yaml", """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: api
        spec:
          selector:
            matchLabels: {app: api}
          template:
            metadata:
              labels: {app: api}
            spec:
              containers:
                - image: registry.example.com/api:1.4.2
                  name: api «
                  resources:
                    requests:
                      cpu: 250m
                      memory: 256Mi
        """),
    # limits with cpu only; requests missing memory
    C("deploy/k8s/worker.yaml", """
        apiVersion: apps/v1
        kind: StatefulSet
        metadata:
          name: worker
        spec:
          serviceName: worker
          selector:
            matchLabels: {app: worker}
          template:
            metadata:
              labels: {app: worker}
            spec:
              containers:
                - name: worker «
                  image: registry.example.com/worker:1.0.0
                  resources:
                    limits:
                      cpu: "1"
                    requests:
                      cpu: 500m
        """),
    C("deploy/k8s/pod.yaml", """
        apiVersion: v1
        kind: Pod
        metadata:
          name: toolbox
        spec:
          initContainers:
            - name: wait «
              image: busybox:1.36.1
          containers:
            - name: toolbox «
              image: registry.example.com/toolbox:1.0.0
              resources: {}
        """),
    C("deploy/k8s/cron.yaml", """
        apiVersion: batch/v1
        kind: CronJob
        metadata:
          name: export
        spec:
          schedule: "@hourly"
          jobTemplate:
            spec:
              template:
                spec:
                  restartPolicy: OnFailure
                  containers:
                    - name: export «
                      image: registry.example.com/export:1.1.0
                    - name: upload
                      image: amazon/aws-cli:2.15.30
                      resources:
                        requests: {cpu: 50m, memory: 64Mi}
                        limits: {memory: 128Mi}
        """),
    # the same rule across documents: only the workload is reviewed
    C("deploy/k8s/all.yaml", """
        apiVersion: v1
        kind: Service
        metadata:
          name: api
        spec:
          selector: {app: api}
          ports: [{port: 80}]
        ---
        apiVersion: apps/v1
        kind: DaemonSet
        metadata:
          name: exporter
        spec:
          selector:
            matchLabels: {app: exporter}
          template:
            metadata:
              labels: {app: exporter}
            spec:
              containers:
                - name: exporter «
                  image: prom/node-exporter:v1.8.0
        """),
]


@pytest.mark.parametrize("path,text,expected", RESOURCES)
def test_k8s_no_resource_limits(path: str, text: str, expected: set[int]) -> None:
    assert lines("k8s.no-resource-limits", path, text) == expected


# ============================================================================================
# k8s.no-probes
# ============================================================================================
PROBES = [
    C("deploy/k8s/api.yaml", """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: api
        spec:
          selector:
            matchLabels: {app: api}
          template:
            metadata:
              labels: {app: api}
            spec:
              initContainers:
                - name: migrate
                  image: registry.example.com/api:1.4.2
              containers:
                - name: api «
                  image: registry.example.com/api:1.4.2
                  ports: [{containerPort: 8080}]
        """),
    C("deploy/k8s/api.yaml", """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: api
        spec:
          selector:
            matchLabels: {app: api}
          template:
            metadata:
              labels: {app: api}
            spec:
              containers:
                - image: registry.example.com/api:1.4.2
                  readinessProbe:
                    httpGet: {path: /readyz, port: 8080}
                  livenessProbe:
                    httpGet:
                      path: /healthz
                      port: http
                  name: api
        """),
    C("deploy/k8s/db.yaml", """
        apiVersion: apps/v1
        kind: StatefulSet
        metadata:
          name: db
        spec:
          serviceName: db
          selector:
            matchLabels: {app: db}
          template:
            metadata:
              labels: {app: db}
            spec:
              containers:
                - name: postgres «
                  image: postgres:16.2
                - name: exporter
                  image: prometheuscommunity/postgres-exporter:v0.15.0
                  livenessProbe:
                    tcpSocket: {port: 9187}
                  readinessProbe:
                    tcpSocket: {port: 9187}
        """),
    C("deploy/k8s/ds.yaml", """
        apiVersion: apps/v1
        kind: DaemonSet
        metadata:
          name: fluent-bit
        spec:
          selector:
            matchLabels: {app: fluent-bit}
          template:
            metadata:
              labels: {app: fluent-bit}
            spec:
              containers:
                - name: fluent-bit «
                  image: fluent/fluent-bit:3.0.2
        """),
    # Jobs, CronJobs, bare Pods: not long-running workloads
    C("deploy/k8s/jobs.yaml", """
        apiVersion: batch/v1
        kind: Job
        metadata:
          name: migrate
        spec:
          template:
            spec:
              restartPolicy: Never
              containers:
                - name: migrate
                  image: registry.example.com/api:1.4.2
        ---
        apiVersion: batch/v1
        kind: CronJob
        metadata:
          name: report
        spec:
          schedule: "0 1 * * *"
          jobTemplate:
            spec:
              template:
                spec:
                  restartPolicy: OnFailure
                  containers:
                    - name: report
                      image: registry.example.com/report:2.3.0
        """),
    # a Deployment after a Job in the same file
    C("deploy/k8s/app.yaml", """
        apiVersion: batch/v1
        kind: Job
        metadata:
          name: migrate
        spec:
          template:
            spec:
              restartPolicy: Never
              containers:
                - name: migrate
                  image: registry.example.com/api:1.4.2
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: worker
        spec:
          replicas: 2
          selector:
            matchLabels: {app: worker}
          template:
            metadata:
              labels: {app: worker}
            spec:
              containers:
                - image: registry.example.com/worker:1.0.3
                  args: ["--queue", "default"]
                  name: worker «
        """),
]


@pytest.mark.parametrize("path,text,expected", PROBES)
def test_k8s_no_probes(path: str, text: str, expected: set[int]) -> None:
    assert lines("k8s.no-probes", path, text) == expected


# ============================================================================================
# k8s.image-latest (LOW; MEDIUM with imagePullPolicy: IfNotPresent)
# ============================================================================================
IMAGE_LATEST = [
    C("deploy/k8s/app.yaml", """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: app
        spec:
          selector:
            matchLabels: {app: app}
          template:
            metadata:
              labels: {app: app}
            spec:
              initContainers:
                - name: init
                  image: busybox «
              containers:
                - name: app
                  image: "registry.example.com/team/app:latest" «
                - name: local
                  image: 'localhost:5000/app' «
                - name: pinned
                  image: registry.example.com:5000/team/app:1.4.2
                - name: digest
                  image: ghcr.io/acme/sidecar@sha256:4b0e1ecd8c5c1d3f0a8c2e6b7a9f1d2c3b4a5e6f7a8b9c0d1e2f3a4b5c6d7e8f
        """),
    C("deploy/k8s/pod.yaml", """
        apiVersion: v1
        kind: Pod
        metadata:
          name: p
        spec:
          containers:
            - {name: redis, image: redis} «
            - {name: nginx, image: "nginx:1.27.0"}
        """),
    C("deploy/k8s/cron.yaml", """
        apiVersion: batch/v1
        kind: CronJob
        metadata:
          name: backup
        spec:
          schedule: "0 4 * * *"
          jobTemplate:
            spec:
              template:
                spec:
                  restartPolicy: OnFailure
                  containers:
                    - imagePullPolicy: Always
                      image: docker.io/library/postgres:latest «
                      name: backup
        """),
    # Helm-style templated tag: not known to be latest
    C("deploy/k8s/api.yaml", """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: api
        spec:
          selector:
            matchLabels: {app: api}
          template:
            metadata:
              labels: {app: api}
            spec:
              containers:
                - name: api
                  image: "registry.example.com/api:${TAG}"
        """),
    C("deploy/k8s/statefulset.yaml", """
        apiVersion: apps/v1
        kind: StatefulSet
        metadata:
          name: db
        spec:
          serviceName: db
          selector:
            matchLabels: {app: db}
          template:
            metadata:
              labels: {app: db}
            spec:
              containers:
                - name: db
                  image: postgres:16.2-alpine
                - name: metrics
                  image: quay.io/prometheuscommunity/postgres-exporter:latest «
        """),
]


@pytest.mark.parametrize("path,text,expected", IMAGE_LATEST)
def test_k8s_image_latest(path: str, text: str, expected: set[int]) -> None:
    assert lines("k8s.image-latest", path, text) == expected


@pytest.mark.parametrize("policy,image,severity", [
    ("IfNotPresent", "registry.example.com/app:latest", Severity.MEDIUM),
    ("IfNotPresent", "registry.example.com/app", Severity.MEDIUM),
    ("Always", "registry.example.com/app:latest", Severity.LOW),
    (None, "registry.example.com/app:latest", Severity.LOW),
    (None, "redis", Severity.LOW),
])
def test_k8s_image_latest_severity(policy: str | None, image: str, severity: Severity) -> None:
    policy_line = f"      imagePullPolicy: {policy}\n" if policy else ""
    text = ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n"
            f"    - name: c\n{policy_line}      image: {image}\n")
    assert list(severities("k8s.image-latest", "deploy/k8s/pod.yaml", text).values()) == [severity]


# ============================================================================================
# k8s.missing-namespace (multi-file; anchor: the `metadata:` line)
# ============================================================================================
DEPLOY_NS = C("deploy/payments/deployment.yaml", """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: api
      namespace: payments
    spec:
      selector:
        matchLabels: {app: api}
      template:
        metadata:
          labels: {app: api}
        spec:
          containers:
            - name: api
              image: registry.example.com/api:1.4.2
    """)

MISSING_NS_REPOS = [
    [
        DEPLOY_NS,
        C("deploy/payments/service.yaml", """
            apiVersion: v1
            kind: Service
            metadata: «
              name: api
            spec:
              selector: {app: api}
              ports: [{port: 80}]
            """),
        C("deploy/payments/configmap.yaml", """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: api-config, labels: {app: api}} «
            data:
              LOG_LEVEL: info
            """),
        # cluster-scoped kinds never carry a namespace
        C("deploy/payments/rbac.yaml", """
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata:
              name: api-reader
            rules: []
            ---
            apiVersion: v1
            kind: Namespace
            metadata:
              name: payments
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRoleBinding
            metadata:
              name: api-reader
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: api-reader}
            subjects: [{kind: ServiceAccount, name: api, namespace: payments}]
            """),
    ],
    # a directory where nothing sets a namespace (applied with kubectl -n): silent;
    # another directory setting one does not count
    [
        DEPLOY_NS,
        C("deploy/platform/service.yaml", """
            apiVersion: v1
            kind: Service
            metadata:
              name: gateway
            spec:
              selector: {app: gateway}
              ports: [{port: 80}]
            """),
        C("deploy/platform/deployment.yaml", """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: gateway
            spec:
              selector:
                matchLabels: {app: gateway}
              template:
                metadata:
                  labels: {app: gateway}
                spec:
                  containers:
                    - name: gateway
                      image: registry.example.com/gateway:1.0.0
            """),
    ],
    # the same file: one document sets a namespace, the next forgets it
    [
        C("deploy/search/search.yaml", """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              namespace: search
              name: search
            spec:
              selector:
                matchLabels: {app: search}
              template:
                metadata:
                  labels: {app: search}
                spec:
                  containers:
                    - name: search
                      image: registry.example.com/search:5.0.0
            ---
            apiVersion: autoscaling/v2
            kind: HorizontalPodAutoscaler
            metadata: «
              name: search
            spec:
              scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: search}
              minReplicas: 2
              maxReplicas: 5
            """),
    ],
]


@pytest.mark.parametrize("cases", MISSING_NS_REPOS)
def test_k8s_missing_namespace(cases) -> None:
    got, want = repo_lines("k8s.missing-namespace", cases)
    assert got == want


# ============================================================================================
# k8s.networkpolicy-egress-gap (anchor: the `egress:` line)
# ============================================================================================
BILLING = C("deploy/k8s/billing.yaml", """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: billing
      namespace: payments
    spec:
      selector:
        matchLabels: {app: billing}
      template:
        metadata:
          labels: {app: billing}
        spec:
          containers:
            - name: billing
              image: registry.example.com/billing:2.0.1
              env:
                - name: DB_HOST
                  value: postgres.payments.svc.cluster.local
                - name: STRIPE_API_BASE
                  value: https://api.stripe.com/v1
    """)
INTERNAL = C("deploy/k8s/ledger.yaml", """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: ledger
      namespace: payments
    spec:
      selector:
        matchLabels: {app: ledger}
      template:
        metadata:
          labels: {app: ledger}
        spec:
          containers:
            - name: ledger
              image: registry.example.com/ledger:1.3.0
              env:
                - name: DATABASE_URL
                  value: postgres://ledger-db:5432/ledger
    """)

EGRESS_REPOS = [
    [
        BILLING,
        C("deploy/k8s/netpol.yaml", """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata:
              name: billing-egress
              namespace: payments
            spec:
              policyTypes:
                - Egress
              podSelector:
                matchLabels:
                  app: billing
              egress: «
                - ports:
                    - protocol: UDP
                      port: 53
                    - port: 53
                      protocol: TCP
                - to:
                    - podSelector: {matchLabels: {app: postgres}}
                  ports:
                    - {port: 5432, protocol: TCP}
            """),
    ],
    # 443 allowed: silent
    [
        BILLING,
        C("deploy/k8s/netpol.yaml", """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata:
              name: billing-egress
              namespace: payments
            spec:
              podSelector:
                matchLabels: {app: billing}
              policyTypes: [Ingress, Egress]
              egress:
                - ports: [{port: 53, protocol: UDP}]
                - to:
                    - ipBlock: {cidr: 0.0.0.0/0}
                  ports:
                    - port: 443
                      protocol: TCP
            """),
    ],
    # workload talks only to in-cluster services: silent
    [
        INTERNAL,
        C("deploy/k8s/netpol.yaml", """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata:
              name: ledger-egress
              namespace: payments
            spec:
              podSelector:
                matchLabels: {app: ledger}
              policyTypes: [Egress]
              egress:
                - ports: [{port: 53, protocol: UDP}, {port: 5432, protocol: TCP}]
            """),
    ],
    # Ingress-only policy: silent
    [
        BILLING,
        C("deploy/k8s/netpol.yaml", """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata:
              name: billing-ingress
              namespace: payments
            spec:
              podSelector:
                matchLabels: {app: billing}
              policyTypes: [Ingress]
              ingress:
                - ports: [{port: 8080}]
            """),
    ],
    # an egress rule with no ports (all ports to anywhere): silent
    [
        BILLING,
        C("deploy/k8s/netpol.yaml", """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata:
              name: billing-egress
              namespace: payments
            spec:
              podSelector:
                matchLabels: {app: billing}
              policyTypes: [Egress]
              egress:
                - ports: [{port: 53, protocol: UDP}]
                - to:
                    - ipBlock: {cidr: 0.0.0.0/0}
            """),
    ],
]


@pytest.mark.parametrize("cases", EGRESS_REPOS)
def test_k8s_networkpolicy_egress_gap(cases) -> None:
    got, want = repo_lines("k8s.networkpolicy-egress-gap", cases)
    assert got == want


# ============================================================================================
# k8s.duplicate-resource (anchor: metadata.name line)
# ============================================================================================
DUP_REPOS = [
    [
        C("deploy/k8s/hpa.yaml", """
            apiVersion: autoscaling/v2
            kind: HorizontalPodAutoscaler
            metadata:
              name: api «
              namespace: payments
            spec:
              scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: api}
              minReplicas: 2
              maxReplicas: 6
            """),
        C("deploy/k8s/deployment.yaml", """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: api
              namespace: payments
            spec:
              selector:
                matchLabels: {app: api}
              template:
                metadata:
                  labels: {app: api}
                spec:
                  containers:
                    - name: api
                      image: registry.example.com/api:1.4.2
            ---
            apiVersion: autoscaling/v2
            kind: HorizontalPodAutoscaler
            metadata:
              namespace: payments
              name: api «
            spec:
              scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: api}
              minReplicas: 3
              maxReplicas: 10
            """),
    ],
    # same name, different kinds or namespaces: silent
    [
        C("deploy/k8s/service.yaml", """
            apiVersion: v1
            kind: Service
            metadata:
              name: api
              namespace: payments
            spec:
              selector: {app: api}
              ports: [{port: 80}]
            """),
        C("deploy/k8s/service-staging.yaml", """
            apiVersion: v1
            kind: Service
            metadata:
              name: api
              namespace: payments-staging
            spec:
              selector: {app: api}
              ports: [{port: 80}]
            """),
        C("deploy/k8s/deployment.yaml", """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: api
              namespace: payments
            spec:
              selector:
                matchLabels: {app: api}
              template:
                metadata:
                  labels: {app: api}
                spec:
                  containers:
                    - name: api
                      image: registry.example.com/api:1.4.2
            """),
    ],
    # kustomize base + overlay patch: silent
    [
        C("k8s/base/deployment.yaml", """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              replicas: 1
              selector:
                matchLabels: {app: web}
              template:
                metadata:
                  labels: {app: web}
                spec:
                  containers:
                    - name: web
                      image: registry.example.com/web:3.2.0
            """),
        C("k8s/base/kustomization.yaml", """
            apiVersion: kustomize.config.k8s.io/v1beta1
            kind: Kustomization
            resources:
              - deployment.yaml
            """),
        C("k8s/overlays/prod/kustomization.yaml", """
            apiVersion: kustomize.config.k8s.io/v1beta1
            kind: Kustomization
            resources:
              - ../../base
            patches:
              - path: replicas-patch.yaml
            """),
        C("k8s/overlays/prod/replicas-patch.yaml", """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              replicas: 4
            """),
    ],
]


@pytest.mark.parametrize("cases", DUP_REPOS)
def test_k8s_duplicate_resource(cases) -> None:
    got, want = repo_lines("k8s.duplicate-resource", cases)
    assert got == want


def test_k8s_duplicate_resource_reports_only_on_the_changed_file() -> None:
    cases = DUP_REPOS[0]
    files = {path: SourceFile(path, text) for path, text, _ in cases}
    rule = RULES["k8s.duplicate-resource"]
    repo = RepoView(files, changed=["deploy/k8s/hpa.yaml"])
    result = analyze_file(files["deploy/k8s/hpa.yaml"], {rule.id: rule}, Config(), repo)
    assert {f.line for f in result.findings} == {4}


# ============================================================================================
# k8s.no-pdb (anchor: the `replicas:` line)
# ============================================================================================
def _deployment(name: str, replicas: int | None, labels: str, namespace: str | None = "payments",
                marker: bool = False) -> str:
    ns = f"  namespace: {namespace}\n" if namespace else ""
    mark = " «" if marker else ""
    rep = f"  replicas: {replicas}{mark}\n" if replicas is not None else ""
    return (f"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\n{ns}spec:\n{rep}"
            f"  selector:\n    matchLabels: {{app: {name}}}\n  template:\n    metadata:\n"
            f"      labels: {labels}\n    spec:\n      containers:\n        - name: {name}\n"
            f"          image: registry.example.com/{name}:1.0.0\n")


PDB_REPOS = [
    # no PDB anywhere
    [C("deploy/k8s/api.yaml", _deployment("api", 3, "{app: api}", marker=True))],
    # replicas 1 / unset: silent
    [C("deploy/k8s/api.yaml", _deployment("api", 1, "{app: api}") + "---\n" + _deployment("web", None, "{app: web}"))],
    # PDB in another file selecting the pods (matchLabels subset)
    [
        C("deploy/k8s/api.yaml", _deployment("api", 2, "{app: api, tier: backend}")),
        C("deploy/policies/pdb.yaml", """
            apiVersion: policy/v1
            kind: PodDisruptionBudget
            metadata:
              name: api
              namespace: payments
            spec:
              minAvailable: 1
              selector:
                matchLabels:
                  app: api
            """),
    ],
    # PDB selects other pods / lives in another namespace
    [
        C("deploy/k8s/api.yaml", _deployment("api", 4, "{app: api}", marker=True)),
        C("deploy/k8s/pdb.yaml", """
            apiVersion: policy/v1
            kind: PodDisruptionBudget
            metadata:
              name: web
              namespace: payments
            spec:
              maxUnavailable: 1
              selector:
                matchLabels: {app: web}
            ---
            apiVersion: policy/v1
            kind: PodDisruptionBudget
            metadata:
              name: api
              namespace: staging
            spec:
              maxUnavailable: 1
              selector:
                matchLabels: {app: api}
            """),
    ],
    # matchExpressions selector
    [
        C("deploy/k8s/api.yaml", _deployment("api", 3, "{app: api}")),
        C("deploy/k8s/pdb.yaml", """
            apiVersion: policy/v1
            kind: PodDisruptionBudget
            metadata:
              name: backend
              namespace: payments
            spec:
              maxUnavailable: 1
              selector:
                matchExpressions:
                  - key: app
                    operator: In
                    values: [api, worker]
            """),
    ],
    # PDB requiring a label the pods do not carry
    [
        C("deploy/k8s/api.yaml", _deployment("api", 2, "{app: api}", marker=True)),
        C("deploy/k8s/pdb.yaml", """
            apiVersion: policy/v1
            kind: PodDisruptionBudget
            metadata:
              name: api
              namespace: payments
            spec:
              minAvailable: 1
              selector:
                matchLabels: {app: api, track: canary}
            """),
    ],
]


@pytest.mark.parametrize("cases", PDB_REPOS)
def test_k8s_no_pdb(cases) -> None:
    got, want = repo_lines("k8s.no-pdb", cases)
    assert got == want


# ============================================================================================
# docker.root-user (anchor: the final FROM when USER is missing, the USER line when root)
# ============================================================================================
ROOT_USER = [
    C("Dockerfile", """
        FROM python:3.12-slim «
        WORKDIR /app
        COPY . .
        RUN pip install --no-cache-dir -r requirements.txt
        CMD ["gunicorn", "app:app"]
        """),
    C("Dockerfile", """
        FROM python:3.12-slim
        RUN useradd --uid 10001 app
        WORKDIR /app
        COPY --chown=app:app . .
        USER app
        CMD ["gunicorn", "app:app"]
        """),
    C("services/api/Dockerfile", """
        FROM node:20-alpine
        WORKDIR /app
        COPY . .
        USER root «
        RUN apk add --no-cache curl
        CMD ["node", "server.js"]
        """),
    # root only while installing, then dropped
    C("services/api/Dockerfile", """
        FROM node:20-alpine
        USER root
        RUN apk add --no-cache curl
        USER node
        CMD ["node", "server.js"]
        """),
    C("Dockerfile.prod", """
        FROM debian:12-slim
        USER 0:0 «
        CMD ["/app"]
        """),
    C("docker/worker.Dockerfile", """
        FROM python:3.12-slim
        user root:root «
        CMD ["python", "-m", "worker"]
        """),
    # multi-stage: only the final stage matters
    C("Containerfile", """
        FROM golang:1.22 AS build
        WORKDIR /src
        COPY . .
        RUN go build -o /out/app ./cmd/app

        FROM gcr.io/distroless/static-debian12 «
        COPY --from=build /out/app /app
        ENTRYPOINT ["/app"]
        """),
    C("Dockerfile", """
        FROM golang:1.22 AS build
        USER root
        RUN go build -o /out/app ./cmd/app

        FROM alpine:3.19
        RUN adduser -D -u 10001 app
        COPY --from=build /out/app /app
        USER 10001:10001
        ENTRYPOINT ["/app"]
        """),
    # a commented-out USER does not count
    C("Dockerfile", """
        FROM ruby:3.3-slim «
        # USER app
        CMD ["bin/rails", "server"]
        """),
    # variable user (non-root by build arg): silent
    C("Dockerfile", """
        FROM python:3.12-slim
        ARG APP_UID=10001
        RUN useradd --uid ${APP_UID} app
        USER ${APP_UID}
        CMD ["python", "-m", "app"]
        """),
]


@pytest.mark.parametrize("path,text,expected", ROOT_USER)
def test_docker_root_user(path: str, text: str, expected: set[int]) -> None:
    assert lines("docker.root-user", path, text) == expected


# ============================================================================================
# docker.unpinned-base (LOW; MEDIUM for :latest in the final stage)
# ============================================================================================
UNPINNED = [
    C("Dockerfile", """
        FROM python «
        COPY . /app
        """),
    C("Dockerfile", """
        FROM node:latest AS build «
        RUN npm ci

        FROM node:20.11-alpine
        COPY --from=build /app /app
        """),
    C("Dockerfile", """
        FROM --platform=linux/amd64 alpine «
        RUN apk add --no-cache curl
        """),
    C("Dockerfile", """
        from ubuntu:latest as base «
        run apt-get update
        """),
    C("Dockerfile", """
        FROM python:3.12-slim@sha256:4b0e1ecd8c5c1d3f0a8c2e6b7a9f1d2c3b4a5e6f7a8b9c0d1e2f3a4b5c6d7e8f AS base
        FROM base AS runtime
        FROM scratch
        COPY --from=runtime /usr/local /usr/local
        """),
    C("Dockerfile", """
        ARG BASE_IMAGE=python:3.12-slim
        FROM ${BASE_IMAGE}
        COPY . /app
        """),
    C("Dockerfile", """
        FROM registry.example.com:5000/platform/base «
        COPY . /app
        """),
    C("Dockerfile", """
        FROM golang:1.22.3-bookworm AS build
        FROM gcr.io/distroless/static-debian12:nonroot
        """),
    C("build/api.Dockerfile", """
        FROM eclipse-temurin:21-jre AS runtime
        COPY app.jar /app.jar
        """),
]


@pytest.mark.parametrize("path,text,expected", UNPINNED)
def test_docker_unpinned_base(path: str, text: str, expected: set[int]) -> None:
    assert lines("docker.unpinned-base", path, text) == expected


def test_docker_unpinned_base_severity() -> None:
    text = "FROM node:latest AS build\nRUN npm ci\n\nFROM node:latest\nCOPY --from=build /app /app\n"
    assert severities("docker.unpinned-base", "Dockerfile", text) == {1: Severity.LOW, 4: Severity.MEDIUM}


def test_docker_unpinned_base_minimum_tag() -> None:
    text = "FROM python:3.9-slim AS build\nRUN pip wheel .\nFROM python:3.12-slim\n"
    got = severities("docker.unpinned-base", "Dockerfile", text, minimum_tags={"python": "3.11"})
    assert got == {1: Severity.LOW}


# ============================================================================================
# docker.secret-in-build
# ============================================================================================
SECRET_IN_BUILD = [
    C("Dockerfile", """
        FROM node:20-alpine
        ARG NPM_TOKEN «
        ARG NODE_ENV=production
        ARG GITHUB_TOKEN="" «
        RUN npm ci
        """),
    C("Dockerfile", """
        FROM python:3.12-slim
        ENV DB_PASSWORD=hunter2 «
        ENV API_KEY abcdef123 «
        ENV LOG_LEVEL=info
        ENV AWS_SECRET_ACCESS_KEY=${AWS_SECRET_ACCESS_KEY} «
        """),
    C("Dockerfile", """
        FROM python:3.12-slim
        arg pip_index_password «
        ENV APP_ENV=production \\
            SENTRY_AUTH_TOKEN=abc «
        """),
    # BuildKit secrets: silent
    C("Dockerfile", """
        # syntax=docker/dockerfile:1
        FROM node:20-alpine
        RUN --mount=type=secret,id=npm_token NPM_TOKEN="$(cat /run/secrets/npm_token)" npm ci
        ENV POSTGRES_PASSWORD_FILE=/run/secrets/db_password
        """),
    C("Makefile", """
        IMAGE ?= registry.example.com/api

        build:
        \tdocker build --build-arg GITHUB_TOKEN=$(GITHUB_TOKEN) -t $(IMAGE) . «

        build-secure:
        \tDOCKER_BUILDKIT=1 docker build --secret id=gh,env=GITHUB_TOKEN -t $(IMAGE) .
        """),
    C("scripts/build.sh", """
        #!/usr/bin/env bash
        set -euo pipefail
        docker build \\
          --build-arg VERSION="$(git describe --tags)" \\
          --build-arg "DB_PASSWORD=${DB_PASSWORD}" \\ «
          -t api:dev .
        docker buildx build --secret id=api_key,src=./api_key.txt -t api:dev .
        """),
    C("scripts/release", """
        #!/bin/sh
        docker build --build-arg=API_KEY="$API_KEY" -t api . «
        """),
]


@pytest.mark.parametrize("path,text,expected", SECRET_IN_BUILD)
def test_docker_secret_in_build(path: str, text: str, expected: set[int]) -> None:
    got = lines("docker.secret-in-build", path, text)
    if path == "scripts/build.sh":
        # a multi-line command may be reported on the line of the argument or of `docker build`
        assert got in ({5}, {3}), got
    else:
        assert got == expected


# ============================================================================================
# docker.config-baked-in
# ============================================================================================
CONFIG_BAKED = [
    C("Dockerfile", """
        FROM python:3.12-slim
        WORKDIR /app
        COPY requirements.txt .
        COPY . .
        COPY .env /app/.env «
        COPY config.toml /etc/app/config.toml «
        COPY .env.example /app/.env.example
        USER 10001
        """),
    C("services/api/Dockerfile", """
        FROM node:20-alpine
        COPY --chown=node:node secrets.json /app/ «
        COPY ["tls/server.pem", "/etc/ssl/private/server.pem"] «
        ADD .env.production /app/ «
        COPY config.sample.toml /app/config.toml
        COPY .env.template /app/.env.template
        """),
    C("Dockerfile", """
        FROM golang:1.22 AS build
        COPY . .
        COPY config.toml /src/config.toml
        RUN go build -o /out/app ./cmd/app

        FROM gcr.io/distroless/static-debian12:nonroot
        COPY --from=build /out/app /app
        ENTRYPOINT ["/app"]
        """),
    C("Dockerfile", """
        FROM python:3.12-slim
        COPY app.py settings.py secrets.yaml ./ «
        """),
]


@pytest.mark.parametrize("path,text,expected", CONFIG_BAKED)
def test_docker_config_baked_in(path: str, text: str, expected: set[int]) -> None:
    assert lines("docker.config-baked-in", path, text) == expected


# ============================================================================================
# docker.healthcheck
# ============================================================================================
HEALTHCHECK = [
    C("Dockerfile", """
        FROM python:3.12-slim «
        COPY . /app
        EXPOSE 8000
        USER 10001
        CMD ["gunicorn", "-b", "0.0.0.0:8000", "app:app"]
        """),
    C("Dockerfile", """
        FROM python:3.12-slim
        COPY . /app
        EXPOSE 8000
        HEALTHCHECK --interval=30s --timeout=3s \\
          CMD curl -fsS http://localhost:8000/healthz || exit 1
        USER 10001
        CMD ["gunicorn", "-b", "0.0.0.0:8000", "app:app"]
        """),
    # no port exposed (worker): silent
    C("Dockerfile", """
        FROM python:3.12-slim
        COPY . /app
        CMD ["celery", "-A", "app", "worker"]
        """),
    # HEALTHCHECK only in the build stage; runtime exposes a port
    C("Dockerfile", """
        FROM node:20-alpine AS build
        HEALTHCHECK CMD wget -qO- http://localhost:3000/healthz || exit 1
        RUN npm ci && npm run build

        FROM node:20-alpine «
        COPY --from=build /app/dist /app
        EXPOSE 3000/tcp
        CMD ["node", "/app/main.js"]
        """),
    # hardcoded path while the prefix is configurable
    C("Dockerfile", """
        FROM node:20-alpine
        ENV BASE_PATH=/admin
        EXPOSE 3000
        HEALTHCHECK CMD wget -qO- http://localhost:3000/health || exit 1 «
        CMD ["node", "server.js"]
        """),
    C("Dockerfile", """
        FROM python:3.12-slim
        ARG ROOT_PATH=/
        ENV ROOT_PATH=${ROOT_PATH}
        EXPOSE 8000
        HEALTHCHECK CMD curl -fsS "http://localhost:8000${ROOT_PATH}healthz" || exit 1
        CMD ["uvicorn", "app:app", "--root-path", "${ROOT_PATH}"]
        """),
]


@pytest.mark.parametrize("path,text,expected", HEALTHCHECK)
def test_docker_healthcheck(path: str, text: str, expected: set[int]) -> None:
    assert lines("docker.healthcheck", path, text) == expected


# ============================================================================================
# docker.add-remote
# ============================================================================================
ADD_REMOTE = [
    C("Dockerfile", """
        FROM debian:12-slim
        ADD https://github.com/krallin/tini/releases/download/v0.19.0/tini /tini «
        ADD http://downloads.example.com/agent.tar.gz /opt/ «
        ADD vendor.tar.gz /opt/vendor/
        COPY entrypoint.sh /entrypoint.sh
        """),
    C("Dockerfile", """
        FROM alpine:3.19
        add ["https://dl.example.com/cli/v2/cli-linux-amd64", "/usr/local/bin/cli"] «
        ADD --chown=1000:1000 \\ «
            https://downloads.example.com/agent/agent.tar.gz /opt/agent/
        """),
    C("Dockerfile", """
        FROM alpine:3.19
        RUN curl -fsSLo /tmp/tool.tgz https://example.com/tool-1.2.3.tgz \\
            && echo "3f5a9c0e1d2b4a6c8e0f1a3b5c7d9e1f3a5b7c9d1e3f5a7b9c1d3e5f7a9b1c3d  /tmp/tool.tgz" | sha256sum -c -
        COPY --from=ghcr.io/acme/tools:1.0 /bin/tool /bin/tool
        ADD ./local /local
        """),
]


@pytest.mark.parametrize("path,text,expected", ADD_REMOTE)
def test_docker_add_remote(path: str, text: str, expected: set[int]) -> None:
    assert lines("docker.add-remote", path, text) == expected


# ============================================================================================
# compose.obsolete-version
# ============================================================================================
COMPOSE_VERSION = [
    C("docker-compose.yml", """
        version: "3.8" «
        services:
          web:
            image: nginx:1.27-alpine
        """),
    C("compose.yaml", """
        version: '3' «
        services:
          web:
            image: nginx:1.27-alpine
        """),
    C("docker-compose.prod.yml", """
        # production overrides
        services:
          api:
            image: shop/api:1.4.2
        version: 3.7 «
        """),
    C("compose.override.yaml", """
        services:
          db:
            image: postgres:16.2
            environment:
              version: "16"
            labels:
              version: "2"
        """),
    C("docker-compose.yml", """
        name: shop
        services:
          web:
            image: nginx:1.27-alpine
        """),
    # not a Compose file
    C("config/app.yml", """
        version: "3.8"
        services:
          web: {}
        """),
]


@pytest.mark.parametrize("path,text,expected", COMPOSE_VERSION)
def test_compose_obsolete_version(path: str, text: str, expected: set[int]) -> None:
    assert lines("compose.obsolete-version", path, text) == expected


# ============================================================================================
# compose.image-latest
# ============================================================================================
COMPOSE_LATEST = [
    C("docker-compose.yml", """
        services:
          cache:
            image: redis:latest «
          db:
            image: "postgres:16.2-alpine"
          queue:
            restart: unless-stopped
            image: 'rabbitmq' «
          mail:
            image: mailhog/mailhog «
          pinned:
            image: ghcr.io/acme/worker@sha256:4b0e1ecd8c5c1d3f0a8c2e6b7a9f1d2c3b4a5e6f7a8b9c0d1e2f3a4b5c6d7e8f
        """),
    C("compose.yaml", """
        services:
          smtp:
            image: mailhog/mailhog:v1.0.1 «
          registry-app:
            image: localhost:5000/shop/app «
          search:
            image: docker.elastic.co/elasticsearch/elasticsearch:8.13.0
          proxy:
            image: traefik:v3.0
        """),
]


@pytest.mark.parametrize("path,text,expected", COMPOSE_LATEST)
def test_compose_image_latest(path: str, text: str, expected: set[int]) -> None:
    assert lines("compose.image-latest", path, text) == expected


def test_compose_image_latest_configured_unmaintained_list() -> None:
    text = "services:\n  web:\n    image: bitnami/legacy-app:1.2.3\n  db:\n    image: postgres:16.2\n"
    got = lines("compose.image-latest", "docker-compose.yml", text, unmaintained_images=["bitnami/legacy-app"])
    assert got == {3}


# ============================================================================================
# compose.plaintext-credentials
# ============================================================================================
COMPOSE_CREDS = [
    C("docker-compose.yml", """
        services:
          db:
            image: postgres:16.2
            environment:
              POSTGRES_USER: shop
              POSTGRES_PASSWORD: s3cr3t-pass «
              POSTGRES_DB: shop
          api:
            image: shop/api:1.4.2
            env_file:
              - .env
            environment:
              - JWT_SECRET=${JWT_SECRET}
              - "STRIPE_SECRET_KEY=sk_test_51Habcdef" «
              - DATABASE_URL=postgres://shop:s3cr3t-pass@db:5432/shop «
              - REDIS_URL=redis://cache:6379/0
              - SESSION_TTL=3600
        """),
    C("compose.yaml", """
        services:
          mongo:
            image: mongo:7.0
            environment:
              MONGO_URI: "mongodb://admin:password@mongo:27017/app?authSource=admin" «
              MONGO_INITDB_ROOT_PASSWORD: ${MONGO_ROOT_PASSWORD}
          mysql:
            image: mysql:8.3
            environment:
              - MYSQL_ROOT_PASSWORD=rootpass «
              - MYSQL_RANDOM_ROOT_PASSWORD=yes
              - 'MYSQL_PASSWORD=${MYSQL_PASSWORD}'
          cache:
            image: redis:7.2.4
            environment:
              REDIS_URL: redis://:hunter2@cache:6379/0 «
        """),
    C("docker-compose.yml", """
        services:
          api:
            image: shop/api:1.4.2
            env_file: .env
            environment:
              DATABASE_URL: postgres://shop:${DB_PASSWORD}@db:5432/shop
              API_TOKEN: ${API_TOKEN:?missing}
              LOG_LEVEL: debug
        """),
]


@pytest.mark.parametrize("path,text,expected", COMPOSE_CREDS)
def test_compose_plaintext_credentials(path: str, text: str, expected: set[int]) -> None:
    assert lines("compose.plaintext-credentials", path, text) == expected


def test_compose_plaintext_credentials_masks_the_secret() -> None:
    path, text, _ = COMPOSE_CREDS[0]
    for f in findings("compose.plaintext-credentials", path, text):
        assert "s3cr3t-pass" not in (f.snippet or "") and "s3cr3t-pass" not in f.message
        assert "sk_test_51Habcdef" not in (f.snippet or "") and "sk_test_51Habcdef" not in f.message


# ============================================================================================
# Harder forms (second pass): YAML anchors, inherited stages, ARG-resolved tags, numbers
# ============================================================================================
EXTRA = [
    # YAML anchor/alias for a shared securityContext: both containers are complete
    ("k8s.security-context", *C("deploy/k8s/api.yaml", """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: api
        spec:
          selector:
            matchLabels: {app: api}
          template:
            metadata:
              labels: {app: api}
            spec:
              containers:
                - name: api
                  image: registry.example.com/api:1.4.2
                  securityContext: &restricted
                    runAsNonRoot: true
                    allowPrivilegeEscalation: false
                    readOnlyRootFilesystem: true
                    capabilities:
                      drop: ["ALL"]
                - name: proxy
                  image: envoyproxy/envoy:v1.30.1
                  securityContext: *restricted
        """)),
    # leading comment, leading `---`, .yml, ephemeral/empty documents
    ("k8s.security-context", *C("k8s/web.yml", """
        # Web tier
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web}
            spec:
              containers:
              - name: web «
                image: registry.example.com/web:3.2.0
        ---
        """)),
    ("k8s.privileged", *C("deploy/k8s/fuse.yaml", """
        apiVersion: v1
        kind: Pod
        metadata:
          name: fuse
        spec:
          containers:
            - name: fuse
              image: registry.example.com/fuse:1.0.0
              securityContext:
                capabilities:
                  add: ["SYS_ADMIN", "NET_ADMIN"] «
        """)),
    # final stage inherits root from an earlier stage that switched to root
    ("docker.root-user", *C("Dockerfile", """
        FROM python:3.12-slim AS base
        RUN useradd --uid 10001 app
        USER app
        USER root

        FROM base «
        COPY . /app
        CMD ["python", "-m", "app"]
        """)),
    ("docker.root-user", *C("Dockerfile", """
        FROM alpine:3.19
        USER nobody
        ENTRYPOINT ["/bin/app"]
        """)),
    # a tag that resolves to latest through an ARG default
    ("docker.unpinned-base", *C("Dockerfile", """
        ARG NODE_VERSION=latest
        FROM node:${NODE_VERSION} «
        CMD ["node", "server.js"]
        """)),
    ("docker.unpinned-base", *C("Dockerfile", """
        ARG REGISTRY
        FROM ${REGISTRY}/platform/node:20.11-alpine
        CMD ["node", "server.js"]
        """)),
    ("docker.config-baked-in", *C("Dockerfile", """
        FROM ruby:3.3-slim
        COPY config/secrets.yml /app/config/ «
        COPY --chmod=600 certs/server.key /etc/ssl/private/ «
        COPY config/database.yml.example /app/config/database.yml
        USER 1000
        """)),
    ("docker.add-remote", *C("Dockerfile", """
        FROM alpine:3.19
        ADD --link https://dl.example.com/cli.tar.gz /opt/ «
        """)),
    ("compose.plaintext-credentials", *C("docker-compose.yml", """
        services:
          db:
            image: postgres:16.2
            environment:
              POSTGRES_PASSWORD: 123456 «
              POSTGRES_HOST_AUTH_METHOD: scram-sha-256
          app:
            image: shop/app:1.0.0
            environment:
              - DB_PASS=supersecret «
              - API_TOKEN
              - MYSQL_PASSWORD=
        """)),
    # credentials inside URIs outside `environment:` too
    ("compose.plaintext-credentials", *C("docker-compose.yml", """
        services:
          app:
            image: shop/app:1.0.0
            command: ["--db", "postgres://app:hunter2@db:5432/app"] «
            labels:
              traefik.http.middlewares.auth.basicauth.users: "admin:$$apr1$$H6uskkkW$$IgXLP6ewTrSuBkTrqE8wj/"
            healthcheck:
              test:
                - CMD
                - mongosh
                - mongodb://admin:password@localhost:27017/admin «
          worker:
            image: shop/app:1.0.0
            command: worker --broker amqp://guest:${RABBIT_PASSWORD}@rabbit:5672//
        """)),
    ("compose.image-latest", *C("docker-compose.yml", """
        services:
          web:
            image: "nginx:${NGINX_VERSION:-1.27}"
          db:
            image: postgres «
        """)),
    ("k8s.no-resource-limits", *C("deploy/k8s/api.yaml", """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: api
        spec:
          selector:
            matchLabels: {app: api}
          template:
            metadata:
              labels: {app: api}
            spec:
              containers:
                - name: api
                  image: registry.example.com/api:1.4.2
                  resources: &res
                    requests: {cpu: 100m, memory: 128Mi}
                    limits: {memory: 256Mi}
                - name: sidecar
                  image: registry.example.com/sidecar:1.0.0
                  resources: *res
        """)),
]


@pytest.mark.parametrize("rule_id,path,text,expected", EXTRA)
def test_infrastructure_harder_forms(rule_id: str, path: str, text: str, expected: set[int]) -> None:
    assert lines(rule_id, path, text) == expected
