"""compose.image-latest: service images that are `:latest`, untagged, or unmaintained."""
from __future__ import annotations

import re
from collections.abc import Iterator

from checks.infrastructure._common import image_problem, normalise_image, split_image
from checks.lang.yamlast import YMap
from checks.model import Hit
from checks.registry import Context, Example, rule
from checks.source import SourceFile

_LATEST_DEFAULT = re.compile(r":\$\{\w+:?-latest\}$")


@rule(
    "compose.image-latest",
    severity="LOW",
    area="infrastructure",
    title="Compose service image is `:latest`, untagged or unmaintained",
    why="A mutable tag gives every developer and CI run a different image; unmaintained images "
        "(e.g. `mailhog/mailhog`) no longer receive security fixes.",
    fix="Pin each image to a version tag or digest, and replace unmaintained images with maintained "
        "alternatives (`axllent/mailpit` for MailHog).",
    kinds={"compose"},
    options={"unmaintained_images": ["mailhog/mailhog"]},
    example=Example(
        path="docker-compose.yml",
        bad="services:\n  redis:\n    image: redis:latest\n",
        good="services:\n  redis:\n    image: redis:7.2-alpine\n",
    ),
)
def check(f: SourceFile, ctx: Context) -> Iterator[Hit]:
    unmaintained = {normalise_image(str(i)) for i in ctx.options.get("unmaintained_images") or []}
    for doc in f.yaml_docs:
        services = doc.get("services") if isinstance(doc, YMap) else None
        if not isinstance(services, YMap):
            continue
        for svc_name, svc in services.items():
            if not isinstance(svc, YMap) or not isinstance(svc.get("image"), str):
                continue
            image = svc["image"].strip()
            line = svc.key_lines["image"]
            name = split_image(image)[0]
            if normalise_image(name) in unmaintained:
                yield Hit(line, message=f"Service `{svc_name}` uses `{image}`, an unmaintained image",
                          subject=f"compose/service/{svc_name}")
                continue
            if "build" in svc:
                continue  # `image:` names the image built here
            problem = image_problem(image)
            if problem is None and _LATEST_DEFAULT.search(image):
                problem = "latest"
            if problem:
                what = "uses `:latest`" if problem == "latest" else "has no tag or digest"
                yield Hit(line, message=f"Service `{svc_name}` image `{image}` {what}", subject=f"compose/service/{svc_name}")
