"""Live notifications over WebSocket: one channel-layer group per signed-in user."""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from companies.two_factor_session import sign_in_step


def user_group(user_id: int) -> str:
    """The channel-layer group that reaches every open tab of one user."""
    return f"user-{user_id}"


class NotificationConsumer(AsyncJsonWebsocketConsumer):
    """Pushes ``notification.message`` events sent to the user's group to the browser.

    Only the user's own group is joined, so a message sent to one user never reaches a
    socket opened by another user or company.
    """

    group_name: str | None = None

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_active:
            await self.close(code=4401)
            return
        if await self._sign_in_incomplete(user):  # the password given, not yet the code (or the set-up)
            await self.close(code=4401)
            return
        self.group_name = user_group(user.pk)
        await self.channel_layer.group_add(self.group_name, self.channel_name)
        await self.accept()

    @database_sync_to_async
    def _sign_in_incomplete(self, user: Any) -> bool:
        session = self.scope.get("session")
        return session is None or sign_in_step(session, user) is not None

    async def disconnect(self, code: int) -> None:
        if self.group_name:
            await self.channel_layer.group_discard(self.group_name, self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        # The browser only listens; a ping keeps proxies from closing an idle socket.
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong"})

    async def notification_message(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "notification", "payload": event.get("payload", {})})
