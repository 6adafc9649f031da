"""A local stand-in for the subset of Telegram's Bot API we use (getMe, setWebhook,
deleteWebhook, sendMessage), with faults on request (a 429 with retry_after, a 403 for a
chat that blocked the bot)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from arvlite.core.testing.standin import Answer, Request, standin

TOKEN = "123456789:AAEexampleexampleexampleexample_abc"
BOT = "alice_photo_bot"


@dataclass
class BotApi:
    base_url: str = ""
    bots: dict[str, str] = field(default_factory=lambda: {TOKEN: BOT})  # token → username
    calls: list[tuple[str, dict[str, Any], float]] = field(default_factory=list)  # method, payload, time
    webhooks: dict[str, dict[str, Any]] = field(default_factory=dict)
    send_faults: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def sent(self) -> list[dict[str, Any]]:
        return [payload for method, payload, _at in self.calls if method == "sendMessage"]

    def answer(self, request: Request) -> Answer:
        _empty, bot_part, method = request.path.split("/", 2)
        token = bot_part.removeprefix("bot")
        payload = request.json()
        with self.lock:
            self.calls.append((method, payload, time.monotonic()))
            if token not in self.bots:
                return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
            if method == "getMe":
                return 200, {"ok": True, "result": {"id": 1, "is_bot": True, "username": self.bots[token]}}
            if method == "setWebhook":
                self.webhooks[token] = payload
                return 200, {"ok": True, "result": True}
            if method == "deleteWebhook":
                self.webhooks.pop(token, None)
                return 200, {"ok": True, "result": True}
            if method == "sendMessage":
                if self.send_faults:
                    status, body = self.send_faults.pop(0)
                    return status, body
                return 200, {
                    "ok": True,
                    "result": {"message_id": len(self.calls), "chat": {"id": payload["chat_id"]}},
                }
        return 404, {"ok": False, "error_code": 404, "description": "Not Found"}


@contextmanager
def bot_api() -> Iterator[BotApi]:
    api = BotApi()
    with standin(api.answer) as server:
        api.base_url = server.base_url
        yield api
