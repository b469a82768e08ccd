"""Drops the client's connections mid-way and prints what it still received (test/python-client.test.ts).

    PYTHONPATH=clients/python /usr/bin/python3 clients/python/tests/resume.py '{"url": ..., "proxy_url": ..., ...}'

The client talks to the app through `proxy_url`, a TCP proxy the test controls. At each `{"ask": ...}` line it
prints, the script waits for a line on stdin: the test has then cut the connections (and for `cut-feed`, posted an
article while no socket could connect). The last line is `{"result": ...}`.
"""

from __future__ import annotations

import json
import logging
import sys
import threading
from typing import Any, Dict, List

from skein_client import FeedItem, Skein


class Resumes(logging.Handler):
    """Counts the client's "connection dropped; resuming" notices."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if "resuming" in record.getMessage():
            self.count += 1


def ask(step: str) -> None:
    print(json.dumps({"ask": step}), flush=True)
    sys.stdin.readline()


def follow_across_a_cut(skein: Skein, ingester: Skein) -> Dict[str, Any]:
    uid = "py-resumer"
    skein.set_topics(uid, ["politics", "business", "technology", "sports", "health", "climate", "science",
                           "education", "entertainment", "finance"])  # fmt: skip
    received: List[FeedItem] = []
    changed = threading.Condition()

    def on_item(item: FeedItem) -> None:
        with changed:
            received.append(item)
            changed.notify_all()

    follower = skein.follow(uid, on_item)
    try:
        ingester.post_article("Before the cut", "An article delivered live to a Python follower.", id="py-before")
        with changed:
            changed.wait_for(lambda: len(received) >= 1, timeout=60)
        ask("cut-feed")  # the test cuts the socket and posts py-during while reconnecting is refused
        with changed:
            changed.wait_for(lambda: len(received) >= 2, timeout=60)
    finally:
        follower.close()
    return {"ids": [item["id"] for item in received]}


def tokens_across_a_cut(skein: Skein, resumes: Resumes) -> Dict[str, Any]:
    started = skein.start_generation("A long answer, please", max_tokens=60)
    indexes: List[int] = []
    text: List[str] = []
    for token in skein.tokens(started["id"]):
        indexes.append(token["index"])
        text.append(token["content"])
        if token["index"] == 2:
            ask("cut-stream")  # the test cuts the SSE connection while this generator is paused
    return {
        "indexes": indexes,
        "text": "".join(text),
        "status_text": skein.generation(started["id"])["text"],
        "resumes": resumes.count,
    }


def main() -> None:
    config = json.loads(sys.argv[1])
    resumes = Resumes()
    logging.getLogger("skein_client").addHandler(resumes)
    logging.getLogger("skein_client").setLevel(logging.INFO)
    with Skein(config["proxy_url"], config["key"]) as skein, Skein(config["url"], config["ingest_key"]) as ingester:
        result = {"feed": follow_across_a_cut(skein, ingester), "tokens": tokens_across_a_cut(skein, resumes)}
    print(json.dumps({"result": result}), flush=True)


if __name__ == "__main__":
    main()
