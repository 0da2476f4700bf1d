"""Where a repository builds its Dockerfiles: Compose `build:`, CI build steps, Makefiles and scripts, skaffold.

Each reference says which Dockerfile it builds, from which file and line, under which image names, and
whether the image built there is only run locally (a Makefile that builds a packaging image and runs it).
"""
from __future__ import annotations

import posixpath
import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from checks.infrastructure import _k8s
from checks.infrastructure._common import split_image
from checks.lang.yamlast import YList, YMap

# `docker build`, `docker buildx build`, `podman build`, `buildah bud` (after joining continuations).
_BUILD = re.compile(r"\b(?:docker(?:\s+buildx)?|podman|buildah)\s+(?:build|bud)\b(.*)")
_RUN = re.compile(r"\b(?:docker|podman)\s+(?:container\s+)?run\b(.*)")
_VALUE_FLAGS = {"-f", "--file", "-t", "--tag", "--build-arg", "--target", "--platform", "--label", "--secret",
                "--cache-from", "--cache-to", "--output", "-o", "--progress", "--network", "--ssh", "--iidfile",
                "--metadata-file", "--builder", "--build-context", "--add-host", "--shm-size", "-m", "--memory",
                "--attest", "--annotation", "--allow"}
# skaffold artifacts built without a Dockerfile.
_NOT_DOCKER_BUILDERS = {"jib", "buildpacks", "bazel", "ko", "custom", "kaniko"}
_DOCKERFILE_NAME = re.compile(r"(^|/)(Dockerfile|Containerfile)([.-][\w.-]+)?$|\.(dockerfile|Dockerfile)$")


@dataclass
class BuildRef:
    dockerfile: str  # repository path of the Dockerfile built
    source: str  # compose / ci / script / skaffold
    where: str  # path:line of the reference
    names: set[str] = field(default_factory=set)  # image names (last path segment, no tag)
    run_locally: bool = False  # the script also `docker run`s the image it built
    pushed: bool = False
    user: str | None = None  # Compose `user:` of the service built from it
    user_line: int = 0


def image_name(ref: str) -> str:
    """`ghcr.io/org/app:1.2@sha256:…` -> `app` (how manifests and build tags are matched)."""
    name, _, _ = split_image(ref)
    return name.rstrip("/").rsplit("/", 1)[-1].lower()


def _norm(*parts: str) -> str:
    path = posixpath.normpath(posixpath.join(*[p for p in parts if p]))
    return path.removeprefix("./")


def _logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """Lines with shell continuations joined, and their first line number."""
    buf: list[str] = []
    start = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if not buf:
            start = number
        stripped = line.rstrip()
        if stripped.endswith("\\"):
            buf.append(stripped[:-1])
            continue
        buf.append(stripped)
        yield start, " ".join(buf)
        buf = []
    if buf:
        yield start, " ".join(buf)


def _split(args: str) -> list[str]:
    args = re.split(r"\s(?:&&|\|\||;|\|)\s|[;|]\s*$", args, maxsplit=1)[0]
    try:
        return shlex.split(args, comments=True)
    except ValueError:
        return args.split()


def _parse_build(args: str) -> tuple[str | None, list[str], str | None, bool]:
    """(-f value, tags, context, pushed) of `docker build` arguments."""
    toks = _split(args)
    dockerfile, tags, context, pushed = None, [], None, False
    i = 0
    while i < len(toks):
        tok = toks[i]
        flag, eq, inline = tok.partition("=")
        if flag in _VALUE_FLAGS:
            value = inline if eq else (toks[i + 1] if i + 1 < len(toks) else "")
            i += 1 if eq else 2
            if flag in ("-f", "--file"):
                dockerfile = value
            elif flag in ("-t", "--tag"):
                tags.append(value)
            continue
        if tok == "--push":
            pushed = True
        elif not tok.startswith("-") and context is None:
            context = tok
        i += 1
    return dockerfile, tags, context, pushed


def _plain(value: str | None) -> bool:
    return bool(value) and "$" not in value and "{{" not in value  # type: ignore[operator]


# `IMG ?= gcr.io/org/app:$(VERSION)` (make) / `IMAGE=org/app` (shell): one level of variables in tags.
_ASSIGN = re.compile(r"^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*(?:[:?+!]?=)\s*[\"']?([^\s\"'#]*)", re.M)
_VAR_REF = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|\(([A-Za-z_][A-Za-z0-9_]*)\)|([A-Za-z_][A-Za-z0-9_]*))")


def _tag_name(tag: str, variables: dict[str, str]) -> str | None:
    """The image name of a tag, with its variables resolved once; None when the name stays unknown."""
    tag = _VAR_REF.sub(lambda m: variables.get(m.group(1) or m.group(2) or m.group(3), m.group(0)), tag)
    name = image_name(tag)
    return name if _plain(name) and name else None


def script_refs(path: str, text: str, source: str) -> list[BuildRef]:
    """`docker build -f X -t T ctx` in a Makefile, shell script or CI file (paths from the repo root)."""
    if "build" not in text or not any(tool in text for tool in ("docker", "podman", "buildah")):
        return []
    variables = {m.group(1): m.group(2) for m in _ASSIGN.finditer(text) if m.group(2)}
    out: list[BuildRef] = []
    run_images: set[str] = set()
    for number, line in _logical_lines(text):
        if line.lstrip().startswith("#"):
            continue
        m = _BUILD.search(line)
        if m:
            dockerfile, tags, context, pushed = _parse_build(m.group(1))
            context = context if _plain(context) and re.fullmatch(r"[\w./-]+", context or "") else None
            if dockerfile is not None and not (_plain(dockerfile) and re.fullmatch(r"[\w./-]+", dockerfile)):
                continue
            target = _norm(dockerfile) if dockerfile else _norm(context or ".", "Dockerfile")
            names = {n for n in (_tag_name(t, variables) for t in tags) if n}
            out.append(BuildRef(target, source, f"{path}:{number}", names, pushed=pushed))
        r = _RUN.search(line)
        if r:
            run_images |= {n for t in _split(r.group(1)) if not t.startswith("-") and (n := _tag_name(t, variables))}
    for ref in out:
        ref.run_locally = bool(ref.names & run_images)
    return out


def _walk_maps(node: Any) -> Iterator[YMap]:
    if isinstance(node, YMap):
        yield node
        for value in node.values():
            yield from _walk_maps(value)
    elif isinstance(node, YList):
        for item in node:
            yield from _walk_maps(item)


def _tags(value: Any) -> list[str]:
    """Literal tags of a `tags:` input (a list, or one tag per line / comma); templated ones are unknown."""
    items = re.split(r"[\n,]", value) if isinstance(value, str) else [str(t) for t in value] \
        if isinstance(value, YList) else []
    return [t.strip() for t in items if t.strip() and _plain(t.strip())]


def ci_refs(f: Any) -> list[BuildRef]:
    """CI steps naming a Dockerfile: `file:` / `dockerfile:` (docker/build-push-action, reusable inputs)."""
    out = script_refs(f.path, f.text, "ci")
    try:
        docs = f.yaml_docs
    except Exception:  # someone else's unparsable file contributes only its text references
        return out
    for doc in docs:
        for m in _walk_maps(doc):
            for key in m:
                if not isinstance(key, str) or key.lower() not in ("file", "dockerfile"):
                    continue
                value = m[key]
                if not isinstance(value, str) or not _plain(value) or not _DOCKERFILE_NAME.search(value):
                    continue
                names = {image_name(t) for t in _tags(m.get("tags"))}
                out.append(BuildRef(_norm(value), "ci", f"{f.path}:{m.key_lines[key]}", names,
                                    pushed=_k8s.is_true(m.get("push"))))
    return out


def compose_refs(f: Any) -> list[BuildRef]:
    """Compose services with `build:`; their `image:` names the result and `user:` how it runs."""
    out: list[BuildRef] = []
    try:
        docs = f.yaml_docs
    except Exception:
        return out
    base = posixpath.dirname(f.path)
    for doc in docs:
        services = doc.get("services") if isinstance(doc, YMap) else None
        if not isinstance(services, YMap):
            continue
        for service in services.values():
            if not isinstance(service, YMap) or "build" not in service:
                continue
            build = service["build"]
            context, dockerfile = (build, None) if isinstance(build, str) else (None, None)
            if isinstance(build, YMap):
                context, dockerfile = build.get("context"), build.get("dockerfile")
            context = str(context) if _plain(str(context or ".")) else None
            if context is None or (dockerfile is not None and not _plain(str(dockerfile))):
                continue
            target = _norm(base, context, str(dockerfile or "Dockerfile"))
            image = service.get("image")
            names = {image_name(image)} if isinstance(image, str) and _plain(image) else set()
            user = service.get("user")
            out.append(BuildRef(target, "compose", f"{f.path}:{service.key_lines.get('build', service.line)}", names,
                                user=str(user) if user is not None else None,
                                user_line=service.key_lines.get("user", 0)))
    return out


def skaffold_refs(f: Any) -> list[BuildRef]:
    """skaffold `build.artifacts[]`: the image a deploy pipeline builds from a context."""
    out: list[BuildRef] = []
    base = posixpath.dirname(f.path)
    for o in _k8s.safe_objects(f):
        if o.kind != "Config" or not o.api_version.startswith("skaffold/"):
            continue
        build = o.obj.get("build")
        artifacts = build.get("artifacts") if isinstance(build, YMap) else None
        for i, a in enumerate(artifacts if isinstance(artifacts, YList) else []):
            if not isinstance(a, YMap) or not isinstance(a.get("image"), str) or a.keys() & _NOT_DOCKER_BUILDERS:
                continue
            docker = a.get("docker")
            dockerfile = docker.get("dockerfile") if isinstance(docker, YMap) else None
            target = _norm(base, str(a.get("context") or "."), str(dockerfile or "Dockerfile"))
            line = artifacts.item_lines[i] if i < len(artifacts.item_lines) else a.line
            out.append(BuildRef(target, "skaffold", f"{f.path}:{line}", {image_name(a["image"])}, pushed=True))
    return out
