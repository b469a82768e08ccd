"""The Skein client: one authenticated HTTP session, plus a Socket.IO client per followed feed."""

from __future__ import annotations

import json
import logging
import threading
import time
from typing import Any, Callable, Dict, Generator, Iterator, List, Mapping, Optional, Sequence, Tuple, TypedDict

import requests

log = logging.getLogger("skein_client")

FeedItem = Dict[str, Any]
"""One delivery to a feed: the article (id, title, topic, ...) plus its `cursor` (the feed entry id)."""


class Token(TypedDict):
    """One token of a generation, as the server numbers it (from 0)."""

    index: int
    content: str


class SkeinError(Exception):
    """An HTTP answer that is not a success: `status` and the server's own `message` (it names the field or limit)."""

    def __init__(self, status: int, message: str, retry_after: Optional[float] = None) -> None:
        super().__init__(f"{status}: {message}")
        self.status = status
        self.message = message
        self.retry_after = retry_after
        """Seconds to wait, when the server sent Retry-After (429, 503)."""


class Skein:
    """A client of one Skein app. `credential` is an API key or a user token; every call sends it as a Bearer header.

    >>> skein = Skein("http://127.0.0.1:3000", "skein_...")
    >>> skein.get_online_features(["user_profile:age"], {"user_id": ["u1"]})
    {'user_id': ['u1'], 'age': [41]}
    """

    def __init__(self, base_url: str, credential: str, timeout: float = 30.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.credential = credential
        self.timeout = timeout
        self._session = requests.Session()
        self._session.headers["Authorization"] = f"Bearer {credential}"

    def close(self) -> None:
        """Closes the HTTP session's connections."""
        self._session.close()

    def __enter__(self) -> "Skein":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- features ---------------------------------------------------------------------------------------------

    def push(self, feature_view: str, rows: Sequence[Mapping[str, Any]]) -> Dict[str, Any]:
        """Appends rows `{entity_id, features: {...}, event_timestamp?}` to a view (scope `features:write`).

        Accepted (202) means written to the view's stream; the materializer makes them readable moments later.
        """
        return self._call("POST", "/features/push", body={"feature_view": feature_view, "rows": list(rows)})

    def get_online_features(
        self,
        features: Sequence[str],
        entities: Mapping[str, Sequence[Any]],
        full_feature_names: bool = False,
    ) -> Dict[str, List[Any]]:
        """Reads `["view:feature", ...]` for the entities `{join_key: [values]}` (scope `features:read`).

        Returns columns, the join keys first: `{"user_id": ["u1", "u2"], "age": [41, None]}` (None where a value is
        missing or past the view's TTL). With `full_feature_names` the feature columns are named `view__feature`.
        """
        body = {
            "features": list(features),
            "entities": {key: list(values) for key, values in entities.items()},
            "full_feature_names": full_feature_names,
        }
        answer = self._call("POST", "/features/get-online-features", body=body)
        # Feast's shape: metadata.feature_names[i] names the column results[i].values.
        names: List[str] = answer["metadata"]["feature_names"]
        return {name: list(result["values"]) for name, result in zip(names, answer["results"])}

    # --- articles and feeds -----------------------------------------------------------------------------------

    def post_article(self, title: str, body: str, **fields: Any) -> str:
        """Ingests an article (scope `ingest`; `id`, `url`, `source`, `published_at` optional); returns its id."""
        return str(self._call("POST", "/articles", body={"title": title, "body": body, **fields})["id"])

    def set_topics(self, uid: str, topics: Sequence[str]) -> Dict[str, Any]:
        """Sets the topics user `uid` follows (scope `users`, or that user's token)."""
        return self._call("PUT", f"/users/{_segment(uid)}/topics", body={"topics": list(topics)})

    def feed(self, uid: str, limit: int = 20, before: Optional[str] = None) -> Dict[str, Any]:
        """A page of user `uid`'s feed, newest first: `{items: [...], next_before?}`.

        Pass `next_before` as `before` for the next page (present when the page stopped early).
        """
        params: Dict[str, Any] = {"limit": limit}
        if before is not None:
            params["before"] = before
        return self._call("GET", f"/users/{_segment(uid)}/feed", params=params)

    def user_token(self, uid: str, ttl_seconds: Optional[int] = None) -> str:
        """A token for user `uid` (scope `users`): it opens only that user's routes and feed socket."""
        body: Dict[str, Any] = {"user_id": uid}
        if ttl_seconds is not None:
            body["ttl_seconds"] = ttl_seconds
        return str(self._call("POST", "/auth/user-tokens", body=body)["token"])

    def follow(
        self,
        uid: str,
        on_item: Callable[[FeedItem], None],
        after: Optional[str] = None,
        wait_timeout: float = 10.0,
    ) -> "FeedFollower":
        """Calls `on_item` for each new item of user `uid`'s feed, in order and once, from a background thread.

        Live over Socket.IO (namespace `/feeds`); after a reconnect it asks `feed:sync` for what it missed. With
        `after` (a cursor) it first catches up from there. Returns the follower; `close()` it when done.
        """
        return FeedFollower(self, uid, on_item, after, wait_timeout)

    # --- LLM token streams ------------------------------------------------------------------------------------

    def start_generation(self, prompt: str, **opts: Any) -> Dict[str, Any]:
        """Starts a generation (scope `llm`); `opts`: `id`, `provider`, `model`, `max_tokens`, `system`.

        Returns `{id, channel, viewer_token, ...}`: the viewer token opens only this stream (hand it to a viewer).
        """
        return self._call("POST", "/llm/streams", body={"prompt": prompt, **opts})

    def generation(self, stream_id: str) -> Dict[str, Any]:
        """A stream's status: `{id, status, text, tokens, ...}`."""
        return self._call("GET", f"/llm/streams/{_segment(stream_id)}")

    def tokens(
        self, stream_id: str, from_index: int = 0, retries: int = 5
    ) -> Generator[Token, None, Dict[str, Any]]:
        """Yields the stream's tokens from `from_index`, in order, then live ones, until the stream ends.

        Reads Server-Sent Events; after a dropped connection (or an `end` for a viewer too slow to keep up) it
        reconnects, up to `retries` times in a row, with `Last-Event-ID`, so no token is lost or repeated. The
        generator's return value is the `end` event's data (`{total_tokens, reason?, message?}`).
        """
        url = f"{self.base_url}/llm/streams/{_segment(stream_id)}/events"
        last: Optional[int] = None
        failures = 0
        while True:
            headers = {"Accept": "text/event-stream"}
            params: Dict[str, Any] = {}
            if last is None:
                params["from"] = from_index
            else:
                headers["Last-Event-ID"] = str(last)
            try:
                with self._session.get(
                    url, headers=headers, params=params, stream=True, timeout=(self.timeout, self.timeout)
                ) as res:
                    if res.status_code == 204:  # the server had sent the end already
                        return {}
                    _raise_for(res)
                    for event, event_id, data in _sse_events(res):
                        if event == "token":
                            token = json.loads(data)
                            last = int(event_id) if event_id else int(token["index"])
                            failures = 0
                            yield Token(index=int(token["index"]), content=str(token["content"]))
                        elif event == "error":
                            log.warning("stream %s: %s", stream_id, data)
                        elif event == "end":
                            end: Dict[str, Any] = json.loads(data) if data else {}
                            # A viewer that fell behind is let go; the stream goes on: read on from the log.
                            if end.get("reason") != "slow_viewer":
                                return end
                            break
                dropped: Exception = ConnectionError("the response ended before the stream's end")
            except (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError) as error:
                dropped = error
            failures += 1
            if failures > retries:
                raise dropped
            log.info("stream %s: connection dropped (%s); resuming after token %s", stream_id, dropped, last)
            time.sleep(min(0.2 * 2**failures, 5.0))

    # --- plumbing ---------------------------------------------------------------------------------------------

    def _call(
        self, method: str, path: str, body: Optional[Any] = None, params: Optional[Mapping[str, Any]] = None
    ) -> Any:
        res = self._session.request(method, self.base_url + path, json=body, params=params, timeout=self.timeout)
        _raise_for(res)
        if not res.content:
            return {}
        return res.json()


class FeedFollower:
    """A live follow of one user's feed (see `Skein.follow`): a python-socketio client on namespace `/feeds`."""

    NAMESPACE = "/feeds"

    def __init__(
        self,
        skein: Skein,
        uid: str,
        on_item: Callable[[FeedItem], None],
        after: Optional[str],
        wait_timeout: float,
    ) -> None:
        try:
            import socketio  # type: ignore[import-untyped]
            import websocket  # type: ignore[import-untyped]  # noqa: F401 - the websocket transport's client
        except ImportError as error:  # pragma: no cover - depends on the machine
            raise ImportError(
                "Skein.follow needs the python-socketio client and websocket-client: "
                "apt-get install python3-socketio python3-websocket (or pip install 'python-socketio[client]')"
            ) from error
        self.uid = uid
        self.last_cursor = after
        self._on_item = on_item
        self._lock = threading.Lock()
        self._refusal: Optional[SkeinError] = None
        self._settled = threading.Event()
        self._sio = socketio.Client(reconnection=True, reconnection_delay=0.5, reconnection_delay_max=5)
        ns = self.NAMESPACE
        self._sio.on("feed:item", self._deliver, namespace=ns)
        self._sio.on("connect", self._connected, namespace=ns)
        self._sio.on("connect_error", self._refused, namespace=ns)
        self._sio.on("error", lambda error: log.warning("feed %s: %s", uid, error), namespace=ns)
        # A user token's socket is its own user's; an API key (scope `users`) names the user it follows.
        auth = {"token": skein.credential} if _is_jwt(skein.credential) else {"token": skein.credential, "userId": uid}
        try:
            self._sio.connect(skein.base_url, namespaces=[ns], auth=auth, transports=["websocket"], wait=False)
        except socketio.exceptions.ConnectionError as error:
            raise self._refusal or SkeinError(0, f"/feeds: cannot connect: {error}") from error
        # The namespace's answer: connected, or refused with the server's status and message.
        if not self._settled.wait(wait_timeout) or self._refusal is not None:
            self._sio.disconnect()
            raise self._refusal or SkeinError(0, f"/feeds: no answer to the handshake within {wait_timeout} s")

    @property
    def connected(self) -> bool:
        """Whether the socket is connected now (it reconnects by itself after a drop)."""
        return bool(self._sio.connected)

    def close(self) -> None:
        """Disconnects; no more items are delivered."""
        self._sio.disconnect()

    def wait(self) -> None:
        """Blocks until the follower is closed."""
        self._sio.wait()

    def _deliver(self, item: FeedItem) -> None:
        with self._lock:
            cursor = str(item.get("cursor", ""))
            # An item can come both live and in a feed:sync answer: deliver each cursor once, in order.
            if self.last_cursor is not None and _cursor_key(cursor) <= _cursor_key(self.last_cursor):
                return
            self.last_cursor = cursor
        self._on_item(item)

    def _connected(self) -> None:
        self._settled.set()
        if self.last_cursor is not None:
            # Handlers run on the socket's reader thread; waiting for the ack there would block it.
            self._sio.start_background_task(self._catch_up, self.last_cursor)

    def _catch_up(self, after: str) -> None:
        """What came after `after` while disconnected, page by page while the server says there is more."""
        while True:
            try:
                reply = self._sio.call("feed:sync", {"after": after}, namespace=self.NAMESPACE, timeout=30)
            except Exception as error:  # a drop mid-sync: the next connect syncs again
                log.warning("feed %s: feed:sync failed: %s", self.uid, error)
                return
            if reply.get("error"):
                log.warning("feed %s: feed:sync: %s", self.uid, reply["error"])
                return
            items = reply.get("items") or []
            for item in items:
                self._deliver(item)
            if not reply.get("more") or not items:
                return
            after = str(items[-1]["cursor"])

    def _refused(self, data: Any = None) -> None:
        # Socket.IO's CONNECT_ERROR payload is {message, data}; Skein puts {status, message} in data.
        details = data.get("data") if isinstance(data, dict) and isinstance(data.get("data"), dict) else data
        if isinstance(details, dict) and "message" in details:
            self._refusal = SkeinError(int(details.get("status", 0)), str(details["message"]))
        else:
            self._refusal = SkeinError(0, f"/feeds handshake refused: {data}")
        self._settled.set()


def _raise_for(res: requests.Response) -> None:
    if res.status_code < 400:
        return
    message = res.text
    try:
        body = res.json()
        if isinstance(body, dict) and "message" in body:
            given = body["message"]
            message = "; ".join(map(str, given)) if isinstance(given, list) else str(given)
    except ValueError:
        pass
    retry_after = res.headers.get("Retry-After")
    raise SkeinError(
        res.status_code,
        message or res.reason,
        float(retry_after) if retry_after and retry_after.replace(".", "", 1).isdigit() else None,
    )


def _sse_events(res: requests.Response) -> Iterator[Tuple[str, str, str]]:
    """(event, id, data) of each Server-Sent Event, as its lines arrive (comments and retry: skipped)."""
    event, event_id = "message", ""
    data: List[str] = []
    buffer = b""
    # chunk_size=None: hand over each chunk as it arrives rather than waiting to fill a buffer.
    for chunk in res.iter_content(chunk_size=None):
        buffer += chunk
        *lines, buffer = buffer.split(b"\n")
        for raw in lines:
            line = raw.rstrip(b"\r").decode("utf-8")
            if not line:
                if data:
                    yield event, event_id, "\n".join(data)
                event, data = "message", []
                continue
            if line.startswith(":"):
                continue
            name, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if name == "event":
                event = value
            elif name == "data":
                data.append(value)
            elif name == "id":
                event_id = value


def _segment(value: str) -> str:
    return requests.utils.quote(value, safe="")


def _is_jwt(credential: str) -> bool:
    parts = credential.split(".")
    return len(parts) == 3 and all(parts)


def _cursor_key(cursor: str) -> Tuple[int, int]:
    """Stream entry ids (`ms-seq`) in order."""
    ms, _, seq = cursor.partition("-")
    return (int(ms or 0), int(seq or 0))
