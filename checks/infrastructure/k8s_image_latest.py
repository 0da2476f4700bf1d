"""k8s.image-latest: container images without a fixed tag or digest."""
from __future__ import annotations

from collections.abc import Iterator

from checks.infrastructure import _k8s
from checks.infrastructure._common import image_problem
from checks.model import Hit, Severity
from checks.registry import Context, Example, rule
from checks.source import SourceFile

_BAD = """apiVersion: v1
kind: Pod
metadata:
  name: debug
spec:
  containers:
    - name: shell
      image: busybox:latest
"""
_GOOD = """apiVersion: v1
kind: Pod
metadata:
  name: debug
spec:
  containers:
    - name: shell
      image: busybox:1.36.1
"""


@rule(
    "k8s.image-latest",
    severity="LOW",
    area="infrastructure",
    title="Container image is `:latest` or untagged",
    why="A mutable tag makes deploys unreproducible: nodes run whatever the tag pointed to when they pulled, "
        "and rollbacks do not roll back. With `imagePullPolicy: IfNotPresent` nodes keep stale images.",
    fix="Pin the image to an immutable version tag or a digest (`image: repo/app:1.4.2` or `@sha256:…`), "
        "set by your CI for each release.",
    kinds={"k8s"},
    example=Example(path="deploy/k8s/debug.yaml", bad=_BAD, good=_GOOD),
)
def check(f: SourceFile, ctx: Context) -> Iterator[Hit]:
    for ps in _k8s.pod_specs(_k8s.file_objects(f)):
        for c in _k8s.containers(ps, ("initContainers", "containers", "ephemeralContainers")):
            image = c.c.get("image")
            if not isinstance(image, str):
                continue
            problem = image_problem(image)
            if problem is None:
                continue
            stale = str(c.c.get("imagePullPolicy", "")).strip() == "IfNotPresent"
            what = "uses `:latest`" if problem == "latest" else "has no tag or digest"
            msg = f"Container `{c.name}` image `{image}` {what}"
            if stale:
                msg += " and `imagePullPolicy: IfNotPresent` keeps stale copies on nodes"
            yield Hit(c.c.key_lines.get("image", c.line), message=msg,
                      severity=Severity.MEDIUM if stale else None, subject=_k8s.subject(ps.owner, c.name))
