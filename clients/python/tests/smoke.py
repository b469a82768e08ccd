"""Exercises the client against a running app and prints one JSON object of what it saw (test/python-client.test.ts).

    PYTHONPATH=clients/python /usr/bin/python3 clients/python/tests/smoke.py '{"url": ..., "key": ..., "ingest_key": ...}'

`key` needs the scopes features:read, features:write, users and llm; the view `py_profile` (entity with join key
`user_id`; features `age` INT, `tier` STRING) must exist.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from typing import Any, Callable, Dict, List, Optional, TypeVar

from skein_client import FeedItem, Skein, SkeinError

T = TypeVar("T")

TOPICS = [
    "politics", "business", "technology", "sports", "health",
    "climate", "science", "education", "entertainment", "finance",
]  # fmt: skip


def eventually(check: Callable[[], Optional[T]], timeout: float = 30.0) -> T:
    """Polls `check` until it returns something truthy."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"not met within {timeout} s (last: {value!r})")
        time.sleep(0.1)


def features(skein: Skein) -> Dict[str, Any]:
    skein.push(
        "py_profile",
        [
            {"entity_id": "e1", "features": {"age": 41, "tier": "gold"}},
            {"entity_id": "e2", "features": {"age": 7, "tier": "free"}},
        ],
    )

    def read() -> Optional[Dict[str, List[Any]]]:
        columns = skein.get_online_features(["py_profile:age", "py_profile:tier"], {"user_id": ["e1", "e2"]})
        return columns if None not in columns["tier"] else None

    columns = eventually(read)
    full = skein.get_online_features(["py_profile:age"], {"user_id": ["e1"]}, full_feature_names=True)
    try:
        skein.get_online_features(["no_such_view:age"], {"user_id": ["e1"]})
        error: Dict[str, Any] = {}
    except SkeinError as refused:
        error = {"status": refused.status, "message": refused.message}
    return {"columns": columns, "full_names": list(full), "error": error}


def feeds(skein: Skein, ingester: Skein) -> Dict[str, Any]:
    uid = "py-reader"
    skein.set_topics(uid, TOPICS)
    received: List[FeedItem] = []
    arrived = threading.Event()

    def on_item(item: FeedItem) -> None:
        received.append(item)
        arrived.set()

    # The user's own token: the /feeds handshake sends it alone, and the socket is that user's.
    reader = Skein(skein.base_url, skein.user_token(uid))
    follower = reader.follow(uid, on_item)
    try:
        article_id = ingester.post_article(
            "Python client reads the feed", "A new client in Python follows the feed live.", id="py-article-1"
        )
        live = arrived.wait(60)
    finally:
        follower.close()

    def page_with_items() -> Optional[Dict[str, Any]]:
        answer = reader.feed(uid, limit=10)
        return answer if answer["items"] else None

    page = eventually(page_with_items)
    try:
        Skein(skein.base_url, "skein_not_a_key").follow(uid, on_item).close()
        refused: Dict[str, Any] = {}
    except SkeinError as error:
        refused = {"status": error.status, "message": error.message}
    return {
        "article_id": article_id,
        "live": live,
        "live_ids": [item["id"] for item in received],
        "live_cursor": received[0].get("cursor") if received else None,
        "feed_ids": [item["id"] for item in page["items"]],
        "refused": refused,
    }


def tokens(skein: Skein) -> Dict[str, Any]:
    started = skein.start_generation("Tell me about Python clients", max_tokens=12)
    all_tokens = list(skein.tokens(started["id"]))
    # A viewer with only the viewer token reads the same stream from a later index.
    viewer = Skein(skein.base_url, started["viewer_token"])
    resumed = list(viewer.tokens(started["id"], from_index=3))
    return {
        "id": started["id"],
        "has_viewer_token": bool(started.get("viewer_token")),
        "indexes": [t["index"] for t in all_tokens],
        "text": "".join(t["content"] for t in all_tokens),
        "resumed_indexes": [t["index"] for t in resumed],
        "resumed_text": "".join(t["content"] for t in resumed),
        "status_text": skein.generation(started["id"])["text"],
    }


def main() -> None:
    config = json.loads(sys.argv[1])
    with Skein(config["url"], config["key"]) as skein, Skein(config["url"], config["ingest_key"]) as ingester:
        result = {"features": features(skein), "feeds": feeds(skein, ingester), "tokens": tokens(skein)}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
