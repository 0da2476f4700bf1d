"""Scan throughput against peer scanners, on the files each covers, measured in one run.

    python bench/peers.py [--tools bandit,detect-secrets,semgrep,checkov] [--skip-install] [--quick]

The corpus is bench/corpus.py (Python sdists from PyPI, Go sources from Debian) plus generated
Kubernetes manifests, Dockerfiles, Compose files and CI workflows (bench/.corpus/generated, made here,
deterministic). Each peer is installed from PyPI into its own virtual environment under
bench/.venv-peers/<tool> (a tool that fails to install is reported and skipped). Views of the corpus
(hard links under bench/.corpus/views) give each comparison the same files:

    bandit          Python files                         vs `readiness scan` of the same view
    detect-secrets  every file (Python, Go, infra)       vs `readiness scan` of the same view
    semgrep         every file, bench/peer_rules/*.yml   vs `readiness scan` of the same view
    checkov         Kubernetes/Dockerfile/Compose/CI,    vs `readiness scan` of the same view
                    frameworks kubernetes, dockerfile, secrets

For each run: wall time, lines per second, peak RSS (largest process of the tool's process tree, from
wait4), findings; then our ratios (speed: our lines/s over theirs; memory: our peak over theirs).
readiness runs in one process (as the CLI does by default); `--jobs N` passes `--jobs N` to it.
semgrep uses its default job count (printed).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.corpus import CORPUS, build  # noqa: E402

BENCH = Path(__file__).resolve().parent
VENVS = BENCH / ".venv-peers"
RULES = BENCH / "peer_rules"
GENERATED = CORPUS / "generated" / "infra"
VIEWS = CORPUS / "views"
TOOLS = ("bandit", "detect-secrets", "semgrep", "checkov")


# --- corpus ---------------------------------------------------------------------------------------

def generate_infra(root: Path = GENERATED, n: int = 300) -> Path:
    """n services, each with a Kubernetes manifest, a Dockerfile and a Compose file, plus CI workflows."""
    if (root / ".done").exists():
        return root
    shutil.rmtree(root, ignore_errors=True)
    rng = random.Random(20250101)
    images = ["python:3.12-slim", "node:20", "golang:1.22", "nginx:latest", "redis:7", "postgres:16", "alpine"]
    for i in range(n):
        svc = root / f"svc{i:03}"
        (svc / "k8s").mkdir(parents=True)
        (svc / ".github" / "workflows").mkdir(parents=True)
        image = f"registry.example.com/team/svc{i:03}:{rng.choice(['latest', '1.4.2', 'v2'])}"
        secure = rng.random() < 0.5
        sc = ("          securityContext:\n            runAsNonRoot: true\n            readOnlyRootFilesystem: true\n"
              "            allowPrivilegeEscalation: false\n" if secure else
              "          securityContext:\n            privileged: true\n" if rng.random() < 0.3 else "")
        limits = ("          resources:\n            requests: {cpu: 100m, memory: 128Mi}\n"
                  "            limits: {cpu: 500m, memory: 256Mi}\n" if rng.random() < 0.6 else "")
        probes = ("          livenessProbe:\n            httpGet: {path: /healthz, port: 8080}\n"
                  "          readinessProbe:\n            httpGet: {path: /readyz, port: 8080}\n"
                  if rng.random() < 0.6 else "")
        (svc / "k8s" / "deployment.yaml").write_text(
            f"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: svc{i:03}\n"
            + (f"  namespace: team{i % 7}\n" if rng.random() < 0.7 else "")
            + f"spec:\n  replicas: {rng.choice([1, 2, 3])}\n  selector:\n    matchLabels: {{app: svc{i:03}}}\n"
            f"  template:\n    metadata:\n      labels: {{app: svc{i:03}}}\n    spec:\n      containers:\n"
            f"        - name: app\n          image: {image}\n          ports:\n            - containerPort: 8080\n"
            f"          env:\n            - name: LOG_LEVEL\n              value: info\n"
            f"            - name: DATABASE_URL\n              valueFrom:\n                secretKeyRef: "
            f"{{name: db, key: url}}\n" + sc + limits + probes
            + f"---\napiVersion: v1\nkind: Service\nmetadata:\n  name: svc{i:03}\nspec:\n"
            f"  selector: {{app: svc{i:03}}}\n  ports:\n    - port: 80\n      targetPort: 8080\n")
        base = rng.choice(images)
        user = "RUN useradd -u 10001 app\nUSER app\n" if rng.random() < 0.5 else ""
        health = "HEALTHCHECK CMD curl -f http://localhost:8080/healthz || exit 1\n" if rng.random() < 0.5 else ""
        (svc / "Dockerfile").write_text(
            f"FROM {base}\nWORKDIR /app\nARG BUILD_VERSION\n"
            + ("ADD https://example.com/tool.tar.gz /opt/\n" if rng.random() < 0.2 else "")
            + "COPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\n"
            + user + health + "EXPOSE 8080\nCMD [\"python\", \"-m\", \"app\"]\n")
        (svc / "docker-compose.yml").write_text(
            ("version: \"3.8\"\n" if rng.random() < 0.5 else "")
            + f"services:\n  app:\n    build: .\n    image: svc{i:03}:latest\n    ports: [\"8080:8080\"]\n"
            f"    environment:\n      - DATABASE_URL=postgres://app:${{DB_PASSWORD}}@db:5432/app\n"
            f"  db:\n    image: postgres:16\n    environment:\n"
            + ("      POSTGRES_PASSWORD: s3cretpassw0rd\n" if rng.random() < 0.3 else
               "      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}\n"))
        trigger = "pull_request_target" if rng.random() < 0.1 else "pull_request"
        (svc / ".github" / "workflows" / "ci.yml").write_text(
            f"name: ci\non:\n  {trigger}:\n  push:\n    branches: [main]\njobs:\n  test:\n"
            f"    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n"
            f"      - uses: actions/setup-python@v5\n        with: {{python-version: '3.12'}}\n"
            f"      - run: pip install -r requirements.txt && pytest --cov=app --cov-fail-under=80\n"
            + ("      - run: echo \"${{ github.event.pull_request.title }}\"\n" if rng.random() < 0.1 else "")
            + "      - uses: docker/build-push-action@v5\n        with: {push: false}\n")
        (svc / ".gitlab-ci.yml").write_text(
            "stages: [test, build]\ntest:\n  stage: test\n  image: python:3.12\n  script:\n"
            "    - pip install -r requirements.txt\n    - pytest\nbuild:\n  stage: build\n  image: docker:24\n"
            "  script:\n    - docker build --build-arg BUILD_VERSION=$CI_COMMIT_SHA -t svc .\n")
    (root / ".done").write_text("ok\n")
    return root


def _link_tree(src_root: Path, dest: Path, keep) -> None:
    for p in src_root.rglob("*"):
        if p.is_file() and not p.is_symlink() and keep(p):
            target = dest / p.relative_to(src_root)
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(p, target)
            except OSError:
                shutil.copy2(p, target)


def views(roots: list[Path], infra: Path) -> dict[str, Path]:
    """The corpus views each comparison runs on (hard links; rebuilt when missing)."""
    out = {"python": VIEWS / "python", "all": VIEWS / "all", "infra": VIEWS / "infra"}
    if all((v / ".done").exists() for v in out.values()):
        return out
    shutil.rmtree(VIEWS, ignore_errors=True)
    for root in roots:
        if root.parent.name == "python":
            _link_tree(root, out["python"] / root.name, lambda p: p.suffix == ".py")
        _link_tree(root, out["all"] / root.name, lambda p: p.suffix in (".py", ".go", ".yml", ".yaml"))
    _link_tree(infra, out["infra"], lambda p: p.name != ".done")
    _link_tree(infra, out["all"] / "infra", lambda p: p.name != ".done")
    for v in out.values():
        (v / ".done").write_text("ok\n")
    return out


def count(view: Path) -> tuple[int, int]:
    files = lines = 0
    for p in view.rglob("*"):
        if p.is_file() and p.name != ".done":
            files += 1
            lines += p.read_bytes().count(b"\n")
    return files, lines


# --- tools ----------------------------------------------------------------------------------------

def install(tool: str) -> Path | None:
    """The tool's executable in its own venv (pip from PyPI on first use), or None."""
    venv = VENVS / tool
    exe = venv / "bin" / tool
    if exe.exists():
        return exe
    print(f"[peers] installing {tool} into {venv} ...", file=sys.stderr, flush=True)
    try:
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "--disable-pip-version-check", tool],
                       check=True, capture_output=True, timeout=1800)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        err = getattr(exc, "stderr", b"") or b""
        print(f"[peers] {tool} failed to install: {err.decode(errors='replace').strip().splitlines()[-1:]}",
              file=sys.stderr)
        return None
    return exe if exe.exists() else None


def version(tool: str, exe: Path) -> str:
    try:
        out = subprocess.run([str(exe), "--version"], capture_output=True, text=True, timeout=120)
        text = (out.stdout or out.stderr).strip().splitlines()
        return text[0] if text else "?"
    except Exception:
        return "?"


def measure(cmd: list[str], cwd: Path | None = None, env: dict | None = None) -> tuple[float, float, bytes, int]:
    """(seconds, peak RSS MiB of the process tree's largest process, stdout, exit code)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    return time.perf_counter() - start, usage.ru_maxrss / 1024, out, os.waitstatus_to_exitcode(status)


def _findings(tool: str, out: bytes) -> str:
    try:
        data = json.loads(out or b"{}")
    except ValueError:
        return "?"
    if tool == "readiness":
        return str(len(data.get("findings", [])))
    if tool == "bandit":
        return str(len(data.get("results", [])))
    if tool == "semgrep":
        return str(len(data.get("results", [])))
    if tool == "detect-secrets":
        return str(sum(len(v) for v in data.get("results", {}).values()))
    if tool == "checkov":
        reports = data if isinstance(data, list) else [data]
        return str(sum(len(r.get("results", {}).get("failed_checks", [])) for r in reports if isinstance(r, dict)))
    return "?"


def peer_command(tool: str, exe: Path, view: Path) -> tuple[list[str], Path | None, dict | None]:
    env = dict(os.environ)
    if tool == "bandit":
        return [str(exe), "-r", str(view), "-f", "json", "-q"], None, env
    if tool == "detect-secrets":
        return [str(exe), "scan", "--all-files", "."], view, env
    if tool == "semgrep":
        env.update(SEMGREP_SEND_METRICS="off", SEMGREP_ENABLE_VERSION_CHECK="0")
        return [str(exe), "scan", "--config", str(RULES), "--json", "--metrics=off", "--disable-version-check",
                "--no-git-ignore", "--quiet", "--timeout", "0", "--max-target-bytes", "1000000", str(view)], None, env
    if tool == "checkov":
        return [str(exe), "-d", str(view), "--framework", "kubernetes", "dockerfile", "secrets", "-o", "json",
                "--quiet", "--compact", "--skip-download"], None, env
    raise ValueError(tool)


VIEW_OF = {"bandit": "python", "detect-secrets": "all", "semgrep": "all", "checkov": "infra"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tools", default=",".join(TOOLS))
    parser.add_argument("--skip-install", action="store_true", help="only use peers already installed")
    parser.add_argument("--jobs", type=int, default=1, help="readiness --jobs N (default 1)")
    args = parser.parse_args()
    roots = build()
    infra = generate_infra()
    vs = views(roots, infra)
    tools = [t for t in args.tools.split(",") if t]
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, python {platform.python_version()}")
    ours: dict[str, tuple[float, float, str]] = {}
    rows = []
    for tool in tools:
        exe = (VENVS / tool / "bin" / tool) if args.skip_install else install(tool)
        if exe is None or not exe.exists():
            print(f"{tool}: not installed here; skipped")
            continue
        view = vs[VIEW_OF[tool]]
        files, lines = count(view)
        if VIEW_OF[tool] not in ours:
            jobs = ["--jobs", str(args.jobs)] if args.jobs > 1 else []
            secs, rss, out, _ = measure([sys.executable, "-m", "bot", "scan", str(view), "--format", "json",
                                         "--fail-on", "critical", *jobs], cwd=BENCH.parent)
            ours[VIEW_OF[tool]] = (secs, rss, _findings("readiness", out))
        cmd, cwd, env = peer_command(tool, exe, view)
        secs, rss, out, code = measure(cmd, cwd=cwd, env=env)
        rows.append((tool, version(tool, exe), VIEW_OF[tool], files, lines, secs, rss, _findings(tool, out), code))
    print()
    print(f"{'tool':<15} {'version':<28} {'view':<7} {'files':>6} {'lines':>9} {'seconds':>8} {'lines/s':>9} "
          f"{'peak MiB':>9} {'findings':>8}")
    for tool, ver, view, files, lines, secs, rss, found, code in rows:
        osecs, orss, ofound = ours[view]
        print(f"{'readiness':<15} {'(this tree)':<28} {view:<7} {files:>6} {lines:>9} {osecs:>8.2f} "
              f"{lines / osecs:>9.0f} {orss:>9.1f} {ofound:>8}")
        print(f"{tool:<15} {ver[:28]:<28} {view:<7} {files:>6} {lines:>9} {secs:>8.2f} {lines / secs:>9.0f} "
              f"{rss:>9.1f} {found:>8}" + (f"  (exit {code})" if code not in (0, 1) else ""))
    print()
    print(f"{'vs':<15} {'view':<7} {'speed (ours/theirs)':>20} {'memory (ours/theirs)':>21}")
    for tool, _ver, view, _files, lines, secs, rss, _found, _code in rows:
        osecs, orss, _ = ours[view]
        print(f"{tool:<15} {view:<7} {secs / osecs:>19.2f}x {orss / rss:>20.2f}x")


if __name__ == "__main__":
    main()
