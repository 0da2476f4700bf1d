"""End to end: merge request webhooks through the real service to the fake GitLab and back."""
from __future__ import annotations

import re

from bot.state import decode_state, inline_fingerprint
from tests.gitlab.helpers import ROOT_DOCKERFILE, SAFE_DOCKERFILE, mr_payload

HEADLINE = re.compile(r"(NOT READY|CONDITIONAL PASS|PASS): \d+ critical, \d+ high, \d+ medium, \d+ low")


def _state(fake, mr):
    (summary,) = fake.summaries(mr)
    return decode_state(summary["body"])


def _fps(mr) -> list[str]:
    return [inline_fingerprint(d["notes"][0]["body"]) for d in mr.discussions]


async def test_opened_mr_gets_status_discussions_and_summary(fake_gitlab, service):
    mr = fake_gitlab.add_mr(42, 7, base={"README.md": "hi\n"},
                            head={"README.md": "hi\n", "Dockerfile": ROOT_DOCKERFILE})
    resp = await service.send("Merge Request Hook", mr_payload("open", mr))
    assert resp.status == 202
    await service.idle()

    status = fake_gitlab.status(mr.head_sha)
    assert status["status"] == "failed"  # docker.root-user is HIGH, fail_on defaults to HIGH
    assert HEADLINE.fullmatch(status["description"]) and len(status["description"]) <= 255
    (summary,) = fake_gitlab.summaries(mr)
    assert status["target_url"].endswith(f"/-/merge_requests/7#note_{summary['id']}")
    state = decode_state(summary["body"])
    assert any(f.rule == "docker.root-user" and f.path == "Dockerfile" for f in state)

    assert mr.discussions and set(_fps(mr)) <= {f.fingerprint for f in state}
    for d in mr.discussions:
        pos = d["notes"][0]["position"]
        assert pos["position_type"] == "text" and pos["new_path"] == "Dockerfile"
        assert pos["head_sha"] == mr.head_sha and pos["base_sha"] == mr.base_sha
        assert "old_line" not in pos  # an added file: new_line only
    assert fake_gitlab.rejections == []


async def test_push_with_a_fix_marks_it_fixed_and_resolves_its_discussion(fake_gitlab, service):
    kept = ROOT_DOCKERFILE.replace("/app/main.py", "/srv/worker.py")
    mr = fake_gitlab.add_mr(42, 7, base={"api/Dockerfile": SAFE_DOCKERFILE.replace("10001", "1")},
                            head={"api/Dockerfile": ROOT_DOCKERFILE, "worker/Dockerfile": kept})
    await service.send("Merge Request Hook", mr_payload("open", mr))
    await service.idle()
    first = _state(fake_gitlab, mr)
    fixed = next(f.fingerprint for f in first if f.path == "api/Dockerfile" and f.rule == "docker.root-user")
    before = len(mr.discussions)

    old = mr.head_sha
    fake_gitlab.push(mr, {"api/Dockerfile": SAFE_DOCKERFILE, "worker/Dockerfile": kept,
                          "web/Dockerfile": ROOT_DOCKERFILE.replace("/app", "/web")})
    resp = await service.send("Merge Request Hook", mr_payload("update", mr, oldrev=old))
    assert resp.status == 202
    await service.idle()

    (summary,) = fake_gitlab.summaries(mr)  # one sticky note, edited in place
    assert summary["edits"] == 1
    assert "FIXED" in summary["body"] and "NEW" in summary["body"] and "STILL OPEN" in summary["body"]
    second = decode_state(summary["body"])
    assert fixed not in {f.fingerprint for f in second}
    fps = _fps(mr)
    assert len(fps) == len(set(fps)), "a finding got a second discussion"
    assert mr.discussions[before:] and all(d["notes"][0]["position"]["new_path"] == "web/Dockerfile"
                                           for d in mr.discussions[before:])
    resolved = [d for d in mr.discussions if d["notes"][0]["resolved"]]
    assert [inline_fingerprint(d["notes"][0]["body"]) for d in resolved] == [fixed]
    assert fake_gitlab.status(mr.head_sha)["status"] == "failed"
    assert fake_gitlab.status(old)["status"] == "failed"
    assert fake_gitlab.rejections == []


async def test_context_lines_carry_old_line_and_modified_files_are_placed(fake_gitlab, service):
    base = "FROM python:3.12-slim\nWORKDIR /app\nCOPY . /app\nUSER app\nCMD [\"python\", \"main.py\"]\n"
    head = "FROM python:3.12-slim\nWORKDIR /app\nCOPY . /app\nCMD [\"python\", \"main.py\"]\n"
    mr = fake_gitlab.add_mr(42, 8, base={"Dockerfile": base}, head={"Dockerfile": head})
    await service.send("Merge Request Hook", mr_payload("open", mr))
    await service.idle()
    assert fake_gitlab.rejections == []
    assert fake_gitlab.status(mr.head_sha) is not None
    for d in mr.discussions:  # whatever was placed, GitLab accepted it (the fake checks every line)
        pos = d["notes"][0]["position"]
        assert pos["old_path"] == pos["new_path"] == "Dockerfile"


async def test_the_inline_cap_sends_the_rest_to_the_summary(fake_gitlab, service):
    cap = "max_inline_comments: 1\n"
    mr = fake_gitlab.add_mr(42, 9, base={".readiness.yml": cap},
                            head={".readiness.yml": cap, "a/Dockerfile": ROOT_DOCKERFILE,
                                  "b/Dockerfile": ROOT_DOCKERFILE.replace("/app", "/b")})
    await service.send("Merge Request Hook", mr_payload("open", mr))
    await service.idle()
    assert len(mr.discussions) == 1
    assert "Not commented inline" in fake_gitlab.summaries(mr)[0]["body"]


async def test_same_head_delivered_twice_posts_nothing_new(fake_gitlab, service):
    mr = fake_gitlab.add_mr(42, 7, base={}, head={"Dockerfile": ROOT_DOCKERFILE})
    await service.send("Merge Request Hook", mr_payload("open", mr))
    await service.idle()
    discussions = len(mr.discussions)
    await service.send("Merge Request Hook", mr_payload("reopen", mr))  # another delivery, same head
    await service.idle()
    assert len(fake_gitlab.summaries(mr)) == 1 and len(mr.discussions) == discussions
    assert [s["status"] for s in fake_gitlab.statuses] == ["failed", "failed"]
