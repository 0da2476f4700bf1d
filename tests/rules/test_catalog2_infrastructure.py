"""Second-round catalog tests for the infrastructure area (k8s.*, docker.*, compose.*).

Written from the catalog rows only, in forms the first round (test_catalog_infrastructure.py) does
not use. A line ending in ` «` must be flagged; no other line may be. Anchors: a container finding
on the container's `name:` line, a pod-spec finding on the `spec:` holding the pod spec, a missing
`USER`/`HEALTHCHECK` on the final `FROM`.
"""
from __future__ import annotations

import pytest

from bot.models import Severity
from tests.rule_harness import case as C, findings, lines, repo_lines

SECURE = """\
          securityContext:
            runAsNonRoot: true
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities: {drop: ["ALL"]}
"""

CASES: list[tuple[str, tuple[str, str, set[int]]]] = []


def add(rule_id: str, *cases) -> None:
    CASES.extend((rule_id, c) for c in cases)


# --- k8s.security-context -------------------------------------------------------------------
add("k8s.security-context",
    # multi-document file: Service first, then a Deployment whose name key is not first
    C("k8s/app.yaml", """
        apiVersion: v1
        kind: Service
        metadata:
          name: web
        spec:
          ports:
            - port: 80
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          template:
            spec:
              containers:
                - image: nginx:1.27
                  name: web «
                  securityContext:
                    runAsNonRoot: true
                    readOnlyRootFilesystem: true
        """),
    # initContainer incomplete, main container complete
    C("k8s/db.yaml", """
        apiVersion: apps/v1
        kind: StatefulSet
        metadata:
          name: db
        spec:
          serviceName: db
          template:
            spec:
              securityContext:
                runAsNonRoot: true
              initContainers:
                - name: migrate «
                  image: flyway/flyway:10
              containers:
                - name: db
                  image: postgres:16
                  securityContext:
                    allowPrivilegeEscalation: false
                    readOnlyRootFilesystem: true
                    capabilities:
                      drop: [ALL]
        """),
    # container-level runAsNonRoot: false overrides the pod-level true
    C("k8s/pod.yaml", """
        apiVersion: v1
        kind: Pod
        metadata:
          name: tool
        spec:
          securityContext:
            runAsNonRoot: true
          containers:
            - name: tool
              image: busybox:1.36
              securityContext:
                runAsNonRoot: false «
                allowPrivilegeEscalation: false
                readOnlyRootFilesystem: true
                capabilities:
                  drop: ["ALL"]
        """),
    # CronJob: nested jobTemplate
    C("k8s/cron.yaml", """
        apiVersion: batch/v1
        kind: CronJob
        metadata:
          name: report
        spec:
          schedule: "0 * * * *"
          jobTemplate:
            spec:
              template:
                spec:
                  restartPolicy: OnFailure
                  containers:
                    - name: report «
                      image: app/report:2.0.1
                      securityContext:
                        allowPrivilegeEscalation: false
        """),
    # DaemonSet, complete: silent
    C("k8s/agent.yaml", """
        apiVersion: apps/v1
        kind: DaemonSet
        metadata:
          name: agent
        spec:
          template:
            spec:
              containers:
                - name: agent
                  image: datadog/agent:7.52.0
                  securityContext:
                    capabilities:
                      drop:
                        - ALL
                    readOnlyRootFilesystem: true
                    allowPrivilegeEscalation: false
                    runAsNonRoot: true
        """),
    # allowPrivilegeEscalation: true is not "false"
    C("k8s/job.yaml", """
        apiVersion: batch/v1
        kind: Job
        metadata:
          name: once
        spec:
          template:
            spec:
              containers:
              - name: once
                image: app/once:1.0.0
                securityContext:
                  runAsNonRoot: true
                  allowPrivilegeEscalation: true «
                  readOnlyRootFilesystem: true
                  capabilities: {drop: [ALL]}
        """),
)

# --- k8s.privileged -------------------------------------------------------------------------
add("k8s.privileged",
    C("k8s/node.yaml", """
        apiVersion: apps/v1
        kind: DaemonSet
        metadata:
          name: node-exporter
        spec:
          template:
            spec:
              hostPID: true «
              hostNetwork: false
              containers:
                - name: exporter
                  image: prom/node-exporter:v1.8.0
                  securityContext:
                    privileged: true «
        """),
    C("k8s/vpn.yaml", """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: vpn
        spec:
          template:
            spec:
              containers:
                - name: vpn
                  image: vpn:1.0.0
                  securityContext:
                    allowPrivilegeEscalation: true «
                    capabilities:
                      add:
                        - NET_ADMIN «
                        - NET_BIND_SERVICE
        """),
    C("k8s/safe.yaml", """
        apiVersion: v1
        kind: Pod
        metadata:
          name: safe
        spec:
          hostNetwork: false
          hostIPC: false
          containers:
            - name: safe
              image: safe:1.0.0
              securityContext:
                privileged: false
                allowPrivilegeEscalation: false
                capabilities:
                  add: ["NET_BIND_SERVICE"]
                  drop: ["ALL"]
        """),
    C("k8s/debug.yaml", """
        apiVersion: v1
        kind: Pod
        metadata:
          name: debug
        spec:
          hostNetwork: true «
          containers:
            - name: debug
              image: nicolaka/netshoot:v0.13
              securityContext:
                capabilities:
                  add: ["SYS_ADMIN"] «
        """),
)

# --- k8s.sa-token-automount -----------------------------------------------------------------
add("k8s.sa-token-automount",
    C("k8s/api.yaml", """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: api
        spec:
          template:
            metadata:
              labels: {app: api}
            spec: «
              containers:
                - name: api
                  image: api:1.0.0
        """),
    C("k8s/api.yaml", """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: api
        spec:
          template:
            spec:
              automountServiceAccountToken: false
              containers:
                - name: api
                  image: api:1.0.0
        """),
    # explicit true is still a finding
    C("k8s/pod.yaml", """
        apiVersion: v1
        kind: Pod
        metadata:
          name: p
        spec:
          automountServiceAccountToken: true «
          containers:
            - name: p
              image: p:1.0.0
        """),
    # ServiceAccount in the same file with automount disabled covers the pod
    C("k8s/worker.yaml", """
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
          template:
            spec:
              serviceAccountName: worker
              containers:
                - name: worker
                  image: worker:1.0.0
        """),
)

# --- k8s.no-resource-limits -----------------------------------------------------------------
add("k8s.no-resource-limits",
    C("k8s/api.yaml", """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: api
        spec:
          template:
            spec:
              containers:
                - name: api «
                  image: api:1.0.0
                  resources:
                    limits:
                      cpu: 500m
                    requests:
                      cpu: 100m
                      memory: 128Mi
                - name: sidecar
                  image: envoy:1.30.1
                  resources:
                    requests: {cpu: 50m, memory: 64Mi}
                    limits: {memory: 128Mi}
        """),
    C("k8s/worker.yaml", """
        apiVersion: apps/v1
        kind: StatefulSet
        metadata:
          name: worker
        spec:
          template:
            spec:
              containers:
                - name: worker «
                  image: worker:1.0.0
                  resources: {}
        """),
    C("k8s/job.yaml", """
        apiVersion: batch/v1
        kind: Job
        metadata:
          name: job
        spec:
          template:
            spec:
              containers:
                - image: job:1.0.0
                  name: job «
                  resources:
                    limits:
                      memory: 256Mi
        """),
)

# --- k8s.no-probes --------------------------------------------------------------------------
add("k8s.no-probes",
    C("k8s/api.yaml", """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: api
        spec:
          template:
            spec:
              initContainers:
                - name: wait-db
                  image: busybox:1.36
              containers:
                - name: api «
                  image: api:1.0.0
                - name: ok
                  image: ok:1.0.0
                  readinessProbe:
                    httpGet: {path: /ready, port: 8080}
                  livenessProbe:
                    httpGet: {path: /healthz, port: 8080}
        """),
    C("k8s/ds.yaml", """
        apiVersion: apps/v1
        kind: DaemonSet
        metadata:
          name: ds
        spec:
          template:
            spec:
              containers:
                - name: ds «
                  image: ds:1.0.0
        """),
    C("k8s/cron.yaml", """
        apiVersion: batch/v1
        kind: CronJob
        metadata:
          name: c
        spec:
          schedule: "*/5 * * * *"
          jobTemplate:
            spec:
              template:
                spec:
                  containers:
                    - name: c
                      image: c:1.0.0
        """),
)

# --- k8s.image-latest -----------------------------------------------------------------------
add("k8s.image-latest",
    C("k8s/api.yaml", """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: api
        spec:
          template:
            spec:
              initContainers:
                - name: init
                  image: "busybox" «
              containers:
                - name: api
                  image: 'ghcr.io/acme/api:latest' «
                - name: proxy
                  image: registry.local:5000/envoy «
                - name: pinned
                  image: registry.local:5000/envoy:v1.30.1
                - name: digest
                  image: ghcr.io/acme/api@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
        """),
)

# --- docker.root-user -----------------------------------------------------------------------
add("docker.root-user",
    C("Dockerfile", """
        FROM golang:1.22 AS build
        USER nobody
        RUN go build -o /app .

        FROM debian:12-slim «
        COPY --from=build /app /app
        CMD ["/app"]
        """),
    C("docker/api.Dockerfile", """
        FROM python:3.12-slim
        RUN useradd -m app
        USER app
        RUN pip install .
        USER root «
        CMD ["python", "-m", "api"]
        """),
    C("Dockerfile.prod", """
        FROM node:20-alpine
        WORKDIR /app
        user 0:0 «
        CMD ["node", "index.js"]
        """),
    C("services/web/Dockerfile", """
        FROM nginx:1.27-alpine
        USER root
        RUN apk add --no-cache curl
        USER 101:101
        """),
    C("Dockerfile", """
        FROM python:3.12-slim
        ARG UID=10001
        RUN adduser --uid ${UID} app
        USER ${UID}
        CMD ["python", "app.py"]
        """),
)

# --- docker.unpinned-base -------------------------------------------------------------------
add("docker.unpinned-base",
    C("Dockerfile", """
        FROM ubuntu AS deps «
        RUN apt-get update

        FROM deps AS build
        RUN make

        FROM scratch
        COPY --from=build /out /out
        """),
    C("Dockerfile", """
        FROM --platform=$BUILDPLATFORM golang:1.22.3 AS build
        FROM gcr.io/distroless/base@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
        """),
    C("build/Dockerfile", """
        from node:latest as build «
        from nginx:latest «
        """),
)

# --- docker.secret-in-build -----------------------------------------------------------------
add("docker.secret-in-build",
    C("Dockerfile", """
        FROM node:20-alpine
        ARG NPM_TOKEN «
        ENV DB_PASSWORD=hunter2 «
        ENV STRIPE_API_KEY sk_test_placeholder «
        ENV APP_ENV=production
        ARG VERSION=1.0.0
        RUN --mount=type=secret,id=npm_token NPM_TOKEN=$(cat /run/secrets/npm_token) npm ci
        """),
    C("Makefile", """
        image:
        \tdocker build --build-arg GITHUB_TOKEN=$(GITHUB_TOKEN) -t app . «

        image-safe:
        \tdocker build --secret id=github_token,env=GITHUB_TOKEN -t app .
        """),
    # CI pipeline files (workflows, .gitlab-ci.yml, Jenkinsfile) belong to ci.secret-build-arg alone
    # (tests/rules/test_catalog_ci.py::test_docker_secret_in_build_split_with_ci_secret_build_arg).
    C("scripts/build.sh", """
        #!/bin/sh
        set -e
        docker build \\
          --build-arg VERSION="$VERSION" \\
          --build-arg API_KEY="$API_KEY" \\ «
          -t app .
        """),
)

# --- docker.config-baked-in -----------------------------------------------------------------
add("docker.config-baked-in",
    C("Dockerfile", """
        FROM python:3.12-slim
        WORKDIR /app
        COPY .env /app/.env «
        COPY config.toml /etc/app/config.toml «
        ADD certs/server.pem /certs/ «
        COPY secrets.yaml ./ «
        COPY .env.example /app/.env.example
        COPY requirements.txt .
        COPY app/ ./app
        """),
)

# --- docker.healthcheck ---------------------------------------------------------------------
add("docker.healthcheck",
    C("Dockerfile", """
        FROM golang:1.22 AS build
        RUN go build -o /srv .

        FROM alpine:3.19 «
        COPY --from=build /srv /srv
        EXPOSE 8080/tcp
        USER 65532
        ENTRYPOINT ["/srv"]
        """),
    C("Dockerfile", """
        FROM alpine:3.19
        COPY bin/worker /worker
        USER 65532
        ENTRYPOINT ["/worker"]
        """),
    C("Dockerfile", """
        FROM python:3.12-slim
        EXPOSE 8000
        HEALTHCHECK CMD python -c "import urllib.request; urllib.request.urlopen('http://localhost:8000/healthz')"
        CMD ["uvicorn", "app:app", "--port", "8000"]
        """),
)

# --- docker.add-remote ----------------------------------------------------------------------
add("docker.add-remote",
    C("Dockerfile", """
        FROM alpine:3.19
        ADD https://github.com/acme/tool/releases/download/v1.2.3/tool.tar.gz /tmp/ «
        ADD --chown=1000:1000 http://example.com/config.json /etc/app/ «
        add https://example.com/x.sh /x.sh «
        ADD vendor.tar.gz /opt/
        COPY https.txt /https.txt
        RUN curl -fsSLo /tmp/t.tgz https://example.com/t.tgz && echo "abc  /tmp/t.tgz" | sha256sum -c -
        """),
)

# --- compose.obsolete-version ---------------------------------------------------------------
add("compose.obsolete-version",
    C("docker-compose.yml", """
        version: "3.8" «
        services:
          web:
            image: nginx:1.27
        """),
    C("compose.yaml", """
        version: '3' «

        services:
          api:
            image: api:1.0.0
        """),
    C("docker-compose.prod.yml", """
        services:
          api:
            image: api:1.0.0
            labels:
              version: "2"
        """),
)

# --- compose.image-latest -------------------------------------------------------------------
add("compose.image-latest",
    C("docker-compose.yml", """
        services:
          cache:
            image: redis «
          db:
            image: "postgres:latest" «
          mail:
            image: mailhog/mailhog:v1.0.1 «
          queue:
            image: rabbitmq:3.13-management
          api:
            image: ghcr.io/acme/api@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
        """),
)

# --- compose.plaintext-credentials ----------------------------------------------------------
add("compose.plaintext-credentials",
    C("docker-compose.yml", """
        services:
          db:
            image: postgres:16
            environment:
              POSTGRES_USER: app
              POSTGRES_PASSWORD: s3cr3tpass «
          mongo:
            image: mongo:7
            environment:
              - MONGO_INITDB_ROOT_PASSWORD=rootpass123 «
              - MONGO_INITDB_ROOT_USERNAME=root
          api:
            image: api:1.0.0
            env_file: .env
            environment:
              DATABASE_URL: postgres://app:${POSTGRES_PASSWORD}@db:5432/app
              MONGO_URL: "mongodb://admin:password@mongo:27017/app" «
              JWT_SECRET: ${JWT_SECRET}
              LOG_LEVEL: info
        """),
)


# --- second batch: more real-world spellings --------------------------------------------------
add("k8s.security-context",
    # bare Pod, two containers: only the incomplete one is reported
    C("k8s/pod.yaml", """
        apiVersion: v1
        kind: Pod
        metadata:
          name: two
        spec:
          containers:
            - name: app
              image: app:1.0.0
              securityContext: {runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: {drop: [ALL]}}
            - name: sidecar «
              image: sidecar:1.0.0
              securityContext: {runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true}
        """),
    # a Service / ConfigMap never has containers: silent
    C("k8s/svc.yaml", """
        apiVersion: v1
        kind: Service
        metadata:
          name: api
        spec:
          selector: {app: api}
          ports: [{port: 80, targetPort: 8080}]
        """),
)
add("k8s.privileged",
    C("k8s/sts.yaml", """
        apiVersion: apps/v1
        kind: StatefulSet
        metadata:
          name: es
        spec:
          template:
            spec:
              hostIPC: true «
              initContainers:
                - name: sysctl
                  image: busybox:1.36
                  securityContext:
                    privileged: true «
              containers:
                - name: es
                  image: elasticsearch:8.13.0
        """),
)
add("k8s.sa-token-automount",
    C("k8s/cron.yaml", """
        apiVersion: batch/v1
        kind: CronJob
        metadata:
          name: c
        spec:
          schedule: "@daily"
          jobTemplate:
            spec:
              template:
                spec: «
                  serviceAccountName: default
                  containers:
                    - name: c
                      image: c:1.0.0
        """),
)
add("k8s.no-resource-limits",
    C("k8s/ok.yaml", """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: ok
        spec:
          template:
            spec:
              containers:
                - name: ok
                  image: ok:1.0.0
                  resources:
                    requests:
                      memory: "256Mi"
                      cpu: "250m"
                    limits:
                      memory: "512Mi"
        """),
)
add("k8s.image-latest",
    C("k8s/cron.yaml", """
        apiVersion: batch/v1
        kind: CronJob
        metadata:
          name: c
        spec:
          schedule: "@daily"
          jobTemplate:
            spec:
              template:
                spec:
                  containers:
                    - name: c
                      image: bitnami/kubectl:latest «
        """),
)
add("docker.root-user",
    C("Dockerfile", """
        FROM node:20-alpine AS build
        USER root
        RUN npm ci

        FROM node:20-alpine
        COPY --from=build /app /app
        USER node
        CMD ["node", "/app/index.js"]
        """),
    C("Dockerfile", """
        FROM ubuntu:24.04
        RUN apt-get update
        USER root:root «
        """),
)
add("docker.unpinned-base",
    C("Dockerfile", """
        ARG PYTHON=python:3.12-slim
        FROM ${PYTHON}
        FROM python:3.12-slim AS runtime
        FROM runtime
        """),
)
add("docker.config-baked-in",
    C("Dockerfile", """
        FROM node:20-alpine
        COPY --chown=node:node .env.production ./.env «
        COPY --chown=node:node package.json ./
        COPY config/config.example.toml /etc/app/config.toml
        """),
)
add("docker.healthcheck",
    C("Dockerfile", """
        FROM nginx:1.27-alpine «
        COPY dist/ /usr/share/nginx/html
        EXPOSE 80 443
        """),
)
add("compose.obsolete-version",
    C("docker-compose.override.yml", """
        version: "2.4" «
        services:
          api:
            environment:
              DEBUG: "1"
        """),
)
add("compose.image-latest",
    C("compose.yml", """
        services:
          smtp:
            image: mailhog/mailhog «
          db:
            image: postgres:16.3-alpine
          api:
            build: .
        """),
)
add("compose.plaintext-credentials",
    C("compose.yaml", """
        services:
          worker:
            image: worker:1.0.0
            environment:
              - "REDIS_URL=redis://:hunter2pass@redis:6379/0" «
              - CELERY_BROKER_URL=amqp://app:rabbitpass@rabbitmq:5672// «
              - API_TOKEN=${API_TOKEN}
              - REDIS_HOST=redis
          redis:
            image: redis:7.2
            command: ["redis-server"]
        """),
)


@pytest.mark.parametrize("rule_id,case", CASES, ids=[f"{r}-{i}" for i, (r, _) in enumerate(CASES)])
def test_catalog2_infrastructure(rule_id: str, case) -> None:
    path, text, expected = case
    assert lines(rule_id, path, text) == expected


# --- conditional severities -----------------------------------------------------------------
def test_k8s_security_context_message_lists_missing() -> None:
    text = ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n"
            "    - name: p\n      image: p:1.0.0\n      securityContext:\n        runAsNonRoot: true\n"
            "        allowPrivilegeEscalation: false\n        capabilities: {drop: [ALL]}\n")
    (f,) = findings("k8s.security-context", "k8s/p.yaml", text)
    assert f.line == 7 and "readOnlyRootFilesystem" in f.message
    assert "runAsNonRoot" not in f.message and "allowPrivilegeEscalation" not in f.message


def test_compose_image_latest_configured_unmaintained() -> None:
    text = "services:\n  s3:\n    image: localstack/localstack:3.4\n  db:\n    image: postgres:16\n"
    from checks import all_rules
    opts = all_rules()["compose.image-latest"].options
    key = next(k for k, v in opts.items() if isinstance(v, (list, tuple, set)))
    assert lines("compose.image-latest", "docker-compose.yml", text, **{key: ["localstack/localstack"]}) == {3}


def test_k8s_image_latest_medium_with_ifnotpresent() -> None:
    text = ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n"
            "    - name: p\n      imagePullPolicy: IfNotPresent\n      image: nginx:latest\n"
            "    - name: q\n      image: nginx\n")
    got = {f.line: f.severity for f in findings("k8s.image-latest", "k8s/p.yaml", text)}
    assert got == {9: Severity.MEDIUM, 11: Severity.LOW}


def test_docker_unpinned_base_latest_final_stage_medium() -> None:
    text = "FROM node:latest AS build\nRUN npm ci\nFROM node:latest\n"
    got = {f.line: f.severity for f in findings("docker.unpinned-base", "Dockerfile", text)}
    assert got == {1: Severity.LOW, 3: Severity.MEDIUM}


def test_docker_unpinned_base_minimum_from_config() -> None:
    text = "FROM python:3.8-slim\n"
    mins = {"python": "3.11"}
    assert lines("docker.unpinned-base", "Dockerfile", text, minimum_tags=mins) == {1}
    assert lines("docker.unpinned-base", "Dockerfile", "FROM python:3.12-slim\n",
                 minimum_tags=mins) == set()


# --- cross-file rules -----------------------------------------------------------------------
def test_k8s_duplicate_resource_hpa_in_two_files() -> None:
    got, want = repo_lines("k8s.duplicate-resource", [
        C("deploy/hpa.yaml", """
            apiVersion: autoscaling/v2
            kind: HorizontalPodAutoscaler
            metadata:
              name: api «
              namespace: prod
            spec:
              scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: api}
              minReplicas: 2
              maxReplicas: 5
            """),
        C("deploy/deployment.yaml", """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: api
              namespace: prod
            spec:
              replicas: 2
            ---
            apiVersion: autoscaling/v2
            kind: HorizontalPodAutoscaler
            metadata:
              name: api «
              namespace: prod
            spec:
              scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: api}
              minReplicas: 2
              maxReplicas: 5
            """),
        # same name in another namespace: not a duplicate
        C("deploy/staging/hpa.yaml", """
            apiVersion: autoscaling/v2
            kind: HorizontalPodAutoscaler
            metadata:
              name: api
              namespace: staging
            spec:
              scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: api}
              minReplicas: 1
              maxReplicas: 2
            """),
    ])
    assert got == want


def test_k8s_duplicate_resource_kustomize_overlay_silent() -> None:
    got, want = repo_lines("k8s.duplicate-resource", [
        C("k8s/base/deployment.yaml", """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: api
            spec:
              replicas: 1
            """),
        C("k8s/base/kustomization.yaml", """
            resources:
              - deployment.yaml
            """),
        C("k8s/overlays/prod/deployment-patch.yaml", """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: api
            spec:
              replicas: 3
            """),
        C("k8s/overlays/prod/kustomization.yaml", """
            resources:
              - ../../base
            patches:
              - path: deployment-patch.yaml
            """),
    ])
    assert got == want


def test_k8s_no_pdb() -> None:
    got, want = repo_lines("k8s.no-pdb", [
        C("k8s/api.yaml", """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: api
            spec:
              replicas: 3 «
              selector:
                matchLabels:
                  app: api
              template:
                metadata:
                  labels:
                    app: api
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              replicas: 2
              selector:
                matchLabels:
                  app: web
              template:
                metadata:
                  labels:
                    app: web
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: single
            spec:
              replicas: 1
              selector:
                matchLabels: {app: single}
            """),
        C("k8s/pdb.yaml", """
            apiVersion: policy/v1
            kind: PodDisruptionBudget
            metadata:
              name: web
            spec:
              minAvailable: 1
              selector:
                matchLabels:
                  app: web
            """),
    ])
    assert got == want


def test_k8s_missing_namespace() -> None:
    got, want = repo_lines("k8s.missing-namespace", [
        C("deploy/orders/deployment.yaml", """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: orders
              namespace: orders
            spec:
              replicas: 1
            """),
        C("deploy/orders/configmap.yaml", """
            apiVersion: v1
            kind: ConfigMap
            metadata: «
              name: orders-config
            data:
              LOG_LEVEL: info
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata:
              name: orders-reader
            rules: []
            """),
        # another directory where nothing sets a namespace: silent
        C("deploy/misc/configmap.yaml", """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: misc
            data: {}
            """),
    ])
    assert got == want


def test_k8s_networkpolicy_egress_gap() -> None:
    got, want = repo_lines("k8s.networkpolicy-egress-gap", [
        C("deploy/netpol.yaml", """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata:
              name: api-egress
            spec:
              podSelector:
                matchLabels:
                  app: api
              policyTypes:
                - Egress
              egress: «
                - ports:
                    - protocol: UDP
                      port: 53
                - ports:
                    - protocol: TCP
                      port: 5432
            """),
        C("deploy/api.yaml", """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: api
            spec:
              template:
                metadata:
                  labels:
                    app: api
                spec:
                  containers:
                    - name: api
                      image: api:1.0.0
                      env:
                        - name: STRIPE_URL
                          value: https://api.stripe.com
            """),
    ])
    assert got == want
