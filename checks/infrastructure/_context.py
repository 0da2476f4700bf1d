"""Repository context for grading infrastructure findings, computed once per review from the RepoView.

What the repository says elsewhere about a Dockerfile or a pod: where the Dockerfile is built (and so
whether it is deployed or only tooling), how the manifests and Compose files run its image (as
non-root or not), and which service accounts a Role/ClusterRole binding gives API rights.
"""
from __future__ import annotations

import posixpath
import re
from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Any

from checks.infrastructure import _build_refs, _k8s
from checks.infrastructure._build_refs import BuildRef, image_name
from checks.infrastructure._docker import ROOT_USERS, runtime_user
from checks.model import Hit, Severity
from checks.registry import Context, RepoView
from checks.source import is_test_path

# File kinds the context reads; rules that use it declare them as `repo_kinds`.
CONTEXT_KINDS = frozenset({"k8s", "compose", "gha", "gitlab-ci", "makefile", "shell", "jenkinsfile", "dockerfile"})

# Words in a Dockerfile's name or folder that make it a tooling image (tests, debugging, local
# development, code generation, CI helpers), never the deployed service.
_TOOLING_WORDS = {"test", "tests", "testing", "e2e", "debug", "dev", "devel", "develop", "development", "local",
                  "devcontainer", "playwright", "cypress", "selenium", "puppeteer", "genproto", "codegen",
                  "protogen", "lint", "ci", "integration", "benchmark", "bench", "fuzz", "mock", "mocks",
                  "sandbox", "example", "examples", "tools", "tooling", "hack"}
_TOOLING_DIRS = {".devcontainer", ".github", ".gitlab", ".circleci", ".buildkite", "hack", "genproto", "codegen",
                 "e2e", "devcontainer", "tools", "tooling"}
_TOOLING_BASES = re.compile(r"\b(cypress|playwright|selenium|puppeteer|devcontainers?)\b", re.IGNORECASE)
# Folder names that say nothing about the image (`docker/Dockerfile` is named by its image tags).
_GENERIC_DIRS = {"", ".", "docker", "build", "builds", "container", "containers", "image", "images", "deploy",
                 "packaging", "dockerfiles", "src", "app", "cmd"}


@dataclass
class RuntimeUse:
    """A workload or Compose service running an image, and whether it is made to run as non-root."""

    name: str  # image name (last path segment, no tag)
    non_root: bool
    where: str  # path:line of the setting (or of the container when nothing is set)


@dataclass
class Binding:
    namespace: str | None
    what: str  # "ClusterRoleBinding `x`"
    where: str


@dataclass
class RepoContext:
    refs: dict[str, list[BuildRef]] = field(default_factory=lambda: defaultdict(list))
    uses: dict[str, list[RuntimeUse]] = field(default_factory=lambda: defaultdict(list))
    bindings: dict[str, list[Binding]] = field(default_factory=lambda: defaultdict(list))
    # image name -> (Dockerfile path, line of its USER) for images the repository builds as non-root
    nonroot_images: dict[str, str] = field(default_factory=dict)
    _dockerfiles: dict[str, Any] = field(default_factory=dict)
    patches: set[str] = field(default_factory=set)  # files kustomizations use as patches
    # kustomize `images:` renames (`controller` -> `operator`): the name a manifest's placeholder deploys as
    renamed: dict[str, str] = field(default_factory=dict)

    def deployed_name(self, image: str) -> str:
        name = image_name(image)
        return self.renamed.get(name, name)

    def image_names(self, dockerfile: str) -> set[str]:
        """Names the image built from `dockerfile` goes by: build tags, else its folder's name."""
        names = set().union(*(r.names for r in self.refs.get(dockerfile, [])))
        folder = posixpath.basename(posixpath.dirname(dockerfile)).lower()
        if not names and folder not in _GENERIC_DIRS:
            names.add(folder)
        return names

    def tooling_reason(self, dockerfile: str, base_image: str | None) -> str | None:
        """Why `dockerfile` is a tooling image that is never deployed (None when it may be deployed)."""
        name = posixpath.basename(dockerfile).lower()
        stem = re.sub(r"^(dockerfile|containerfile)|(\.dockerfile|dockerfile)$", "", name)
        if set(re.split(r"[._-]+", stem)) & _TOOLING_WORDS:
            return f"`{posixpath.basename(dockerfile)}` is named as a tooling image"
        # A tooling folder, unless the manifests or Compose files run the image (then it is deployed).
        folders = [] if self.runtime(dockerfile) else dockerfile.split("/")[:-1]
        for part in folders:
            if part.lower() in _TOOLING_DIRS or re.match(r"^e2e[_-]|[_-]e2e$", part.lower()):
                return f"it lives under `{part}/`, a tooling folder"
        if base_image and _TOOLING_BASES.search(base_image):
            return f"it is built on `{base_image}`, a test/dev tool image"
        refs = self.refs.get(dockerfile, [])
        if refs and all(r.source == "script" and r.run_locally and not r.pushed for r in refs):
            return f"only {refs[0].where} builds it, to run it locally"
        if refs and all(r.source == "compose" and _dev_compose(r.where) for r in refs):
            return f"only the development Compose file {refs[0].where} builds it"
        return None

    def finish(self) -> None:
        for old, new in self.renamed.items():
            if old in self.uses and old != new:
                self.uses[new] = self.uses[new] + self.uses.pop(old)
        for path, rt in self._dockerfiles.items():
            if rt.final_from is not None and rt.non_root:
                line = rt.user.line if rt.user is not None else rt.final_from.line
                for name in self.image_names(path):
                    self.nonroot_images.setdefault(name, f"{path}:{line}")

    def runtime(self, dockerfile: str) -> list[RuntimeUse]:
        """How the manifests and Compose files run the image built from `dockerfile`."""
        uses = []
        for r in self.refs.get(dockerfile, []):
            if r.source == "compose":
                where = f"{r.where.rsplit(':', 1)[0]}:{r.user_line}" if r.user_line else r.where
                uses.append(RuntimeUse("", _non_root_user(r.user), where))
        for name in self.image_names(dockerfile):
            uses.extend(self.uses.get(name, []))
        return uses

    def bound(self, account: str, namespace: str | None) -> list[Binding]:
        return [b for b in self.bindings.get(account, []) if _k8s.same_namespace(b.namespace, namespace)]

    def is_patch(self, path: str) -> bool:
        """A kustomize patch: a partial resource whose missing settings come from its base."""
        return posixpath.normpath(path) in self.patches or "patch" in posixpath.basename(path).lower()


def for_tests_only(f: Any, hit: Hit) -> Hit:
    """LOW for a hardening finding in a file under a test folder (`tests/`, `test/`, `spec/` ...): a manifest
    applied to test clusters, an image built for tests. Still reported: a folder name alone is weak evidence."""
    if not is_test_path(f.path) or (hit.severity is not None and hit.severity <= Severity.LOW):
        return hit
    folder = next(p for p in f.path.split("/")[:-1] if is_test_path(f"{p}/x"))
    return replace(hit, severity=Severity.LOW,
                   note=f"LOW: {f.path} sits under `{folder}/`, so it serves test environments only")


def _dev_compose(where: str) -> bool:
    name = posixpath.basename(where.rsplit(":", 1)[0]).lower()
    return bool(set(re.split(r"[._-]+", name)) & {"dev", "development", "local", "test", "e2e", "ci", "override"})


def _non_root_user(user: str | None) -> bool:
    return bool(user) and "$" not in str(user) and str(user).strip().lower() not in ROOT_USERS \
        and not str(user).strip().startswith(("0:", "root:"))


def repo_context(f: Any, ctx: Context) -> RepoContext:
    """The review's repository context (built on first use, shared by every rule and file)."""
    if ctx.repo is None:  # the rule runs without a repository view: only the file itself is known
        return _build(RepoView({f.path: f}))
    return ctx.repo.memo("infrastructure.context", _build)


def _build(repo: RepoView) -> RepoContext:
    out = RepoContext()
    for f in repo.files():
        if f.is_test and f.kinds & {"k8s", "compose", "dockerfile"}:
            continue  # test data (golden files, fixtures) deploys nothing
        try:
            _read(f, out)
        except Exception:  # another file that cannot be read as its kind adds nothing
            continue
    _relocate(out, {f.path for f in repo.files("dockerfile")})
    out.patches = _k8s.kustomize_patch_paths(repo.files("k8s"))
    out.finish()
    return out


def _relocate(out: RepoContext, dockerfiles: set[str]) -> None:
    """Make runs in the Makefile's folder and scripts usually in their own, so their paths are read from
    there when that names a Dockerfile; a CI path from the repository root only when that names none."""
    for target in list(out.refs):
        for ref in list(out.refs[target]):
            folder = posixpath.dirname(ref.where.rsplit(":", 1)[0])
            moved = posixpath.normpath(posixpath.join(folder, target))
            if ref.source == "ci" and target in dockerfiles:
                continue
            if folder and moved in dockerfiles and moved != target:
                out.refs[target].remove(ref)
                ref.dockerfile = moved
                out.refs[moved].append(ref)
        if not out.refs.get(target, True):
            del out.refs[target]


def _read(f: Any, out: RepoContext) -> None:
    kinds = f.kinds
    refs: list[BuildRef] = []
    if kinds & {"gha", "gitlab-ci", "jenkinsfile"}:
        refs += _build_refs.ci_refs(f) if "yaml" in kinds else _build_refs.script_refs(f.path, f.text, "ci")
    elif kinds & {"makefile", "shell"}:
        refs += _build_refs.script_refs(f.path, f.text, "script")
    if "compose" in kinds:
        refs += _build_refs.compose_refs(f)
        _compose_uses(f, out)
    if "k8s" in kinds:
        refs += _build_refs.skaffold_refs(f)
        _k8s_facts(f, out)
    if "dockerfile" in kinds:
        out._dockerfiles[f.path] = runtime_user(f.dockerfile)
    for r in refs:
        out.refs[r.dockerfile].append(r)


def _compose_uses(f: Any, out: RepoContext) -> None:
    from checks.lang.yamlast import YMap

    for doc in f.yaml_docs:
        services = doc.get("services") if isinstance(doc, YMap) else None
        for service in (services.values() if isinstance(services, YMap) else []):
            if not isinstance(service, YMap) or not isinstance(service.get("image"), str) or "build" in service:
                continue
            user = service.get("user")
            line = service.key_lines.get("user", service.key_lines["image"])
            out.uses[image_name(service["image"])].append(
                RuntimeUse(image_name(service["image"]), _non_root_user(user), f"{f.path}:{line}"))


def _k8s_facts(f: Any, out: RepoContext) -> None:
    objs = _k8s.file_objects(f)
    for ps in _k8s.pod_specs(objs):
        for c in _k8s.containers(ps, ("containers",)):
            image = c.c.get("image")
            if not isinstance(image, str) or "{{" in image:
                continue
            non_root, line = _k8s.runs_non_root(c)
            name = image_name(image)  # renamed by kustomize `images:` in finish()
            out.uses[name].append(RuntimeUse(name, non_root, f"{f.path}:{line or c.line}"))
    for o in objs:
        if o.kind == "Kustomization" and isinstance(o.obj.get("images"), list):
            for entry in o.obj["images"]:
                if hasattr(entry, "get") and isinstance(entry.get("name"), str) and isinstance(entry.get("newName"), str):
                    out.renamed[image_name(entry["name"])] = image_name(entry["newName"])
        if o.kind not in ("RoleBinding", "ClusterRoleBinding"):
            continue
        subjects = o.obj.get("subjects")
        for i, s in enumerate(subjects if isinstance(subjects, list) else []):
            if not hasattr(s, "get") or s.get("kind") != "ServiceAccount" or not isinstance(s.get("name"), str):
                continue
            ns = s.get("namespace") or (o.namespace if o.kind == "RoleBinding" else None)
            line = subjects.item_lines[i] if i < len(subjects.item_lines) else o.name_line
            out.bindings[s["name"]].append(Binding(str(ns) if ns else None, f"{o.kind} `{o.name or '?'}`",
                                                   f"{f.path}:{line}"))
