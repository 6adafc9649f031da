"""WebSocket round trips through the Redis channel layer."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from arvlite.asgi import application
from companies.models import User
from notifications.consumers import user_group

pytestmark = pytest.mark.django_db(transaction=True)


def _headers_for(user: User | None) -> list[tuple[bytes, bytes]]:
    headers = [(b"origin", b"http://testserver")]
    if user is not None:
        client = Client()
        client.force_login(user)
        cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
        headers.append((b"cookie", cookie.encode()))
    return headers


def test_the_layer_is_redis() -> None:
    assert settings.CHANNEL_LAYERS["default"]["BACKEND"] == "channels_redis.core.RedisChannelLayer"


def test_a_signed_in_user_receives_messages_sent_to_their_group(owner: User, viewer: User) -> None:
    owner_headers, viewer_headers = _headers_for(owner), _headers_for(viewer)

    async def scenario() -> tuple[Any, bool, Any]:
        mine = WebsocketCommunicator(application, "/ws/notifications/", headers=owner_headers)
        theirs = WebsocketCommunicator(application, "/ws/notifications/", headers=viewer_headers)
        assert (await mine.connect())[0]
        assert (await theirs.connect())[0]
        layer = get_channel_layer()
        assert layer is not None
        await layer.group_send(
            user_group(owner.pk), {"type": "notification.message", "payload": {"unread_count": 3}}
        )
        received = await mine.receive_json_from(timeout=5)
        other_got_nothing = await theirs.receive_nothing(timeout=0.5)
        await mine.send_json_to({"type": "ping"})
        pong = await mine.receive_json_from(timeout=5)
        await mine.disconnect()
        await theirs.disconnect()
        return received, other_got_nothing, pong

    received, other_got_nothing, pong = async_to_sync(scenario)()
    assert received == {"type": "notification", "payload": {"unread_count": 3}}
    assert other_got_nothing
    assert pong == {"type": "pong"}


def test_an_anonymous_socket_is_refused() -> None:
    headers = _headers_for(None)

    async def scenario() -> tuple[bool, Any]:
        communicator = WebsocketCommunicator(application, "/ws/notifications/", headers=headers)
        connected, code = await communicator.connect()
        return connected, code

    connected, code = async_to_sync(scenario)()
    assert not connected
    assert code == 4401


def test_a_foreign_origin_is_refused(owner: User) -> None:
    headers = [(b"origin", b"https://evil.example.net"), *_headers_for(owner)[1:]]

    async def scenario() -> bool:
        communicator = WebsocketCommunicator(application, "/ws/notifications/", headers=headers)
        connected, _ = await communicator.connect()
        return connected

    assert async_to_sync(scenario)() is False


def test_notify_pushes_to_the_recipients_own_pages_only(owner: User, outsider: User, company: Any) -> None:
    """notify() after commit, through the Redis layer, to each recipient's open sockets."""
    from arcontent.tests.factories import make_content
    from arvlite.core.tenancy import company_scope
    from notifications.services import notify

    owner_headers, outsider_headers = _headers_for(owner), _headers_for(outsider)

    async def scenario() -> tuple[Any, bool]:
        from asgiref.sync import sync_to_async

        mine = WebsocketCommunicator(application, "/ws/notifications/", headers=owner_headers)
        theirs = WebsocketCommunicator(application, "/ws/notifications/", headers=outsider_headers)
        assert (await mine.connect())[0]
        assert (await theirs.connect())[0]

        def happen() -> None:
            with company_scope(company):
                notify("content.ready", company=company, subject_object=make_content(company))

        await sync_to_async(happen)()
        received = await mine.receive_json_from(timeout=5)
        other_got_nothing = await theirs.receive_nothing(timeout=0.5)
        await mine.disconnect()
        await theirs.disconnect()
        return received, other_got_nothing

    received, other_got_nothing = async_to_sync(scenario)()
    assert received["type"] == "notification"
    assert received["payload"]["title"].endswith("is ready")
    assert received["payload"]["unread_count"] == 1
    assert received["payload"]["company"] == company.slug
    assert other_got_nothing


def test_with_the_channel_layer_down_the_notification_is_still_stored(
    owner: User, company: Any, settings: Any
) -> None:
    from arcontent.tests.factories import make_content
    from arvlite.core.tenancy import company_scope
    from notifications.services import notify, unread_count

    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer",
                                           "CONFIG": {"hosts": ["redis://127.0.0.1:1/0"]}}}  # fmt: skip
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    try:
        with company_scope(company):
            notify("content.ready", company=company, subject_object=make_content(company))
    finally:
        channel_layers.backends.clear()
    assert unread_count(owner) == 1
