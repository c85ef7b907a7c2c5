"""A real OpenAI-compatible HTTP server on loopback, with a programmable reply queue.

It runs uvicorn + Starlette in a background thread and serves
``POST /v1/chat/completions`` (popping the next queued `FakeResponse`, after
its delay) and ``GET /v1/models``. Every chat request body is kept in
``requests`` so tests can check what the client sent.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route


@dataclass(frozen=True)
class FakeResponse:
    status: int = 200
    body: Any = None
    delay_s: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)


def reply(
    content: str,
    *,
    prompt_tokens: int = 10,
    completion_tokens: int = 5,
    model: str = "fake-model",
    delay_s: float = 0.0,
) -> FakeResponse:
    """A successful chat completion whose message says ``content``."""
    return FakeResponse(
        body={
            "id": "chatcmpl-fake",
            "object": "chat.completion",
            "created": 1_700_000_000,
            "model": model,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content},
                    "finish_reason": "stop",
                }
            ],
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
                "total_tokens": prompt_tokens + completion_tokens,
            },
        },
        delay_s=delay_s,
    )


def error(status: int, message: str = "fake error", **headers: str) -> FakeResponse:
    """An OpenAI-style error body with ``status``."""
    return FakeResponse(
        status=status,
        body={"error": {"message": message, "type": "fake_error", "code": None}},
        headers=headers,
    )


class FakeOpenAIServer:
    def __init__(self, model_ids: tuple[str, ...] = ("fake-model",)) -> None:
        self.model_ids = model_ids
        self.requests: list[dict[str, Any]] = []
        self.request_headers: list[dict[str, str]] = []
        self.reject_response_format = False
        self.max_in_flight = 0
        self._in_flight = 0
        self._queue: deque[FakeResponse] = deque()
        self._lock = threading.Condition()
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._port = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._port}/v1"

    def enqueue(self, *responses: FakeResponse) -> None:
        with self._lock:
            self._queue.extend(responses)

    @property
    def pending(self) -> int:
        with self._lock:
            return len(self._queue)

    def reset(self, drain_timeout_s: float = 30.0) -> None:
        """Empty the queue and counters, first letting requests still being served (a delayed
        reply whose client already gave up) finish, so they do not count in the next test."""
        with self._lock:
            self._lock.wait_for(lambda: self._in_flight == 0, timeout=drain_timeout_s)
            self._queue.clear()
            self.requests.clear()
            self.request_headers.clear()
            self.reject_response_format = False
            self.max_in_flight = 0

    def start(self) -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self._port = sock.getsockname()[1]
        app = Starlette(
            routes=[
                Route("/v1/chat/completions", self._chat, methods=["POST"]),
                Route("/v1/models", self._models, methods=["GET"]),
            ]
        )
        config = uvicorn.Config(
            app, log_level="warning", lifespan="off", timeout_graceful_shutdown=1
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("fake OpenAI server did not start")
            time.sleep(0.01)

    def stop(self) -> None:
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(timeout=10)
        self._server = None
        self._thread = None

    async def _models(self, request: Request) -> Response:
        return JSONResponse(
            {"object": "list", "data": [{"id": m, "object": "model"} for m in self.model_ids]}
        )

    async def _chat(self, request: Request) -> Response:
        body = await request.json()
        with self._lock:
            self.requests.append(body)
            self.request_headers.append(dict(request.headers))
            if self.reject_response_format and "response_format" in body:
                response = error(400, "response_format is not supported by this server")
            elif self._queue:
                response = self._queue.popleft()
            else:
                response = error(500, "fake server: no response queued")
            self._in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self._in_flight)
        try:
            if response.delay_s:
                await asyncio.sleep(response.delay_s)
        finally:
            with self._lock:
                self._in_flight -= 1
                self._lock.notify_all()
        content = response.body if isinstance(response.body, str) else json.dumps(response.body)
        return Response(
            content,
            status_code=response.status,
            headers=response.headers,
            media_type="application/json",
        )
