"""The account page's "where you are signed in": recorded at sign-in, refreshed now and
then, signed out one by one or all but this one — and only one's own."""

from __future__ import annotations

import time

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.test import Client

from companies.models import User, UserSession
from companies.sessions import ACTIVITY_INTERVAL, describe_agent
from companies.tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

CHROME_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.2 Mobile/15E148 Safari/604.1"
)


def browser(user: User, agent: str = CHROME_WINDOWS, ip: str = "203.0.113.5") -> Client:
    """A browser that signs in through the login page, as a person does."""
    client = Client(HTTP_USER_AGENT=agent, REMOTE_ADDR=ip)
    response = client.post("/accounts/login/", {"username": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302, response.content
    return client


def signed_in(client: Client) -> bool:
    return SESSION_KEY in client.session


def test_a_sign_in_is_recorded_with_its_browser_and_address() -> None:
    user = UserFactory()
    client = browser(user)
    row = UserSession.objects.get(user=user)
    assert row.session_id == client.session.session_key
    assert (row.ip, row.user_agent) == ("203.0.113.5", CHROME_WINDOWS)
    page = client.get("/accounts/me/").content.decode()
    assert "Chrome on Windows" in page
    assert 'data-testid="this-device"' in page
    assert "203.0.113.5" in page


def test_the_page_lists_every_browser_and_marks_this_one() -> None:
    user = UserFactory()
    laptop, phone = browser(user), browser(user, SAFARI_IPHONE, "198.51.100.7")
    page = laptop.get("/accounts/me/").content.decode()
    assert page.count('data-testid="account-session"') == 2
    assert page.count('data-testid="this-device"') == 1
    assert "Mobile Safari on iOS (iPhone)" in page
    assert "198.51.100.7" in page
    assert signed_in(phone)


def test_signing_out_one_device_ends_that_session_only() -> None:
    user = UserFactory()
    laptop, phone = browser(user), browser(user, SAFARI_IPHONE)
    phone_row = UserSession.objects.get(session_id=phone.session.session_key)
    response = laptop.post(f"/accounts/me/sessions/{phone_row.pk}/sign-out/")
    assert response.status_code == 302
    assert phone.get("/accounts/me/")["Location"].startswith("/accounts/login/")
    assert laptop.get("/accounts/me/").status_code == 200
    assert not Session.objects.filter(pk=phone_row.session_id).exists()
    assert list(UserSession.objects.filter(user=user).values_list("session_id", flat=True)) == [
        laptop.session.session_key
    ]


def test_nobody_can_sign_out_another_persons_session() -> None:
    alice, mallory = UserFactory(), UserFactory()
    alice_browser, mallory_browser = browser(alice), browser(mallory)
    alice_row = UserSession.objects.get(user=alice)
    response = mallory_browser.post(f"/accounts/me/sessions/{alice_row.pk}/sign-out/")
    assert response.status_code == 404
    mallory_browser.post("/accounts/me/sessions/sign-out-others/")
    assert alice_browser.get("/accounts/me/").status_code == 200
    assert UserSession.objects.filter(pk=alice_row.pk).exists()
    # Her devices are not in his list.
    assert mallory_browser.get("/accounts/me/").content.decode().count('data-testid="account-session"') == 1


def test_the_current_session_is_not_ended_from_the_list() -> None:
    user = UserFactory()
    client = browser(user)
    row = UserSession.objects.get(user=user)
    assert client.post(f"/accounts/me/sessions/{row.pk}/sign-out/").status_code == 404
    assert signed_in(client)


def test_signing_out_all_other_devices_keeps_this_one() -> None:
    user = UserFactory()
    laptop, phone, tablet = browser(user), browser(user, SAFARI_IPHONE), browser(user)
    response = laptop.post("/accounts/me/sessions/sign-out-others/", follow=True)
    assert b"2 other devices are signed out." in response.content
    assert signed_in(laptop)
    for other in (phone, tablet):
        assert other.get("/accounts/me/")["Location"].startswith("/accounts/login/")
    assert UserSession.objects.filter(user=user).count() == 1


def test_only_post_ends_sessions() -> None:
    user = UserFactory()
    client = browser(user)
    assert client.get("/accounts/me/sessions/sign-out-others/").status_code == 405
    assert Client().post("/accounts/me/sessions/sign-out-others/")["Location"].startswith("/accounts/login/")


def test_signing_out_removes_the_row() -> None:
    user = UserFactory()
    client = browser(user)
    client.post("/accounts/logout/")
    assert not UserSession.objects.filter(user=user).exists()


def test_activity_is_written_at_most_every_few_minutes() -> None:
    user = UserFactory()
    client = browser(user)
    first = UserSession.objects.get(user=user).last_seen_at
    client.get("/accounts/me/")
    client.get("/accounts/me/")
    assert UserSession.objects.get(user=user).last_seen_at == first  # no write per request
    session = client.session
    session["_arvlite_seen"] = [session.session_key, time.time() - ACTIVITY_INTERVAL - 1]
    session.save()
    client.get("/accounts/me/")
    assert UserSession.objects.get(user=user).last_seen_at > first


def test_a_session_from_before_the_list_existed_gets_its_row_on_its_next_request(client: Client) -> None:
    user = UserFactory()
    client.force_login(user)
    UserSession.objects.filter(user=user).delete()
    session = client.session
    session.pop("_arvlite_seen", None)
    session.save()
    client.get("/accounts/me/", HTTP_USER_AGENT=CHROME_WINDOWS)
    assert UserSession.objects.get(user=user).user_agent == CHROME_WINDOWS


def test_a_password_change_leaves_only_this_device_in_the_list() -> None:
    user = UserFactory()
    laptop, phone = browser(user), browser(user, SAFARI_IPHONE)
    response = laptop.post("/accounts/me/", {
        "form": "password", "old_password": TEST_PASSWORD,
        "new_password1": "violet-Harbour-57-kettle", "new_password2": "violet-Harbour-57-kettle",
    })  # fmt: skip
    assert response.status_code == 302
    assert phone.get("/accounts/me/")["Location"].startswith("/accounts/login/")
    page = laptop.get("/accounts/me/").content.decode()
    assert page.count('data-testid="account-session"') == 1
    assert 'data-testid="this-device"' in page


@pytest.mark.parametrize(
    ("agent", "words"),
    [
        (CHROME_WINDOWS, "Chrome on Windows"),
        (SAFARI_IPHONE, "Mobile Safari on iOS (iPhone)"),
        ("curl/8.0", "curl"),
        ("", "Unknown browser"),
    ],
)
def test_browsers_are_described_in_words(agent: str, words: str) -> None:
    assert describe_agent(agent) == words
