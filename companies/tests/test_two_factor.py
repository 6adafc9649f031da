"""Two-factor sign-in (issue 18 item 6): enrolment with a QR code, the code asked after the
password in the portal, the admin and the JWT token endpoint, single-use hashed recovery
codes, lockout, the company rule, and the account page's API tokens."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from arvlite.core.roles import Role
from companies import two_factor
from companies.models import Company, RecoveryCode, User
from companies.tests.factories import TEST_PASSWORD, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"


def code_now(device: TOTPDevice) -> str:
    """The authenticator's current code, spendable (replay guard and pause cleared: tests
    sign in several times within one 30-second step)."""
    TOTPDevice.objects.filter(pk=device.pk).update(
        last_t=-1, throttling_failure_count=0, throttling_failure_timestamp=None
    )
    device.refresh_from_db()
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift):06d}"


def enrolled(user: User) -> tuple[TOTPDevice, list[str]]:
    two_factor.enrolment_start(user=user)
    device = two_factor.pending_device(user)
    assert device is not None
    codes = two_factor.enrolment_confirm(user=user, code=code_now(device))
    device.refresh_from_db()
    return device, codes


def password_sign_in(user: User, **extra: Any) -> Client:
    client = Client(**extra)
    response = client.post("/accounts/login/", {"username": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302, response.content
    return client


def test_enrolment_shows_a_qr_code_and_turns_on_with_the_first_code(owner: User) -> None:
    client = Client()
    client.force_login(owner)
    other_browser = Client()
    other_browser.force_login(owner)
    tokens = (
        APIClient().post(TOKEN_URL, {"email": owner.email, "password": TEST_PASSWORD}, format="json").json()
    )

    client.post("/accounts/me/two-factor/", {"action": "start"})
    page = client.get("/accounts/me/two-factor/").content.decode()
    device = TOTPDevice.objects.get(user=owner)
    assert not device.confirmed
    assert re.search(r'src="data:image/svg\+xml;base64,[A-Za-z0-9+/=]{200,}"', page)
    secret = re.search(r'data-testid="two-factor-secret">([A-Z2-7 ]+)<', page)
    assert secret
    assert len(secret.group(1).replace(" ", "")) == 32

    wrong = client.post("/accounts/me/two-factor/", {"action": "confirm", "code": "000000"})
    assert wrong.status_code == 400
    assert "not right" in wrong.content.decode()
    assert not two_factor.has_two_factor(owner)

    shown = client.post("/accounts/me/two-factor/", {"action": "confirm", "code": code_now(device)})
    assert shown.status_code == 200
    assert "no-store" in shown["Cache-Control"]
    codes = re.findall(r"<code>([A-Z0-9-]{19})</code>", shown.content.decode())
    assert len(codes) == 10
    assert len(set(codes)) == 10
    assert two_factor.has_two_factor(owner)
    # Kept hashed only: no code appears in the database.
    stored = list(RecoveryCode.objects.filter(user=owner).values_list("code_hash", flat=True))
    assert len(stored) == 10
    assert not set(codes) & set(stored)
    # This browser stays in; every other way in ends.
    assert client.get("/accounts/me/").status_code == 200
    assert other_browser.get("/accounts/me/").status_code == 302
    refused = APIClient().post("/api/v1/auth/token/refresh/", {"refresh": tokens["refresh"]}, format="json")
    assert refused.status_code == 401


def test_the_portal_asks_for_the_code_after_the_password(company: Company, owner: User) -> None:
    device, _ = enrolled(owner)
    client = password_sign_in(owner)
    dashboard = f"/c/{company.slug}/"
    waiting = client.get(dashboard)
    assert waiting.status_code == 302
    assert waiting["Location"] == f"/accounts/two-factor/?next=%2Fc%2F{company.slug}%2F"
    # Nothing else is open to a session waiting for its code: no API call, no other page.
    assert client.get(f"/api/v1/companies/{company.slug}/").status_code in (401, 403)
    assert client.get("/accounts/me/").status_code == 302

    wrong = client.post("/accounts/two-factor/", {"code": "123456", "next": dashboard})
    assert wrong.status_code == 400
    key_before = client.session.session_key
    right = client.post("/accounts/two-factor/", {"code": code_now(device), "next": dashboard})
    assert right.status_code == 302
    assert right["Location"] == dashboard
    assert client.session.session_key != key_before  # a new session key, as at sign-in
    assert client.get(dashboard).status_code == 200
    assert client.get(f"/api/v1/companies/{company.slug}/").status_code == 200


def test_a_code_is_spent_once(owner: User) -> None:
    device, _ = enrolled(owner)
    code = code_now(device)
    first, second = password_sign_in(owner), password_sign_in(owner)
    assert first.post("/accounts/two-factor/", {"code": code}).status_code == 302
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)
    assert second.post("/accounts/two-factor/", {"code": code}).status_code == 400


def test_a_recovery_code_signs_in_once_and_the_page_counts_what_is_left(owner: User) -> None:
    _, codes = enrolled(owner)
    client = password_sign_in(owner)
    assert (
        client.post("/accounts/two-factor/", {"code": codes[0].lower().replace("-", " ")}).status_code == 302
    )
    assert RecoveryCode.objects.filter(user=owner, used_at__isnull=False).count() == 1
    page = client.get("/accounts/me/two-factor/").content.decode()
    assert "9 unused recovery codes" in page

    again = password_sign_in(owner)
    assert again.post("/accounts/two-factor/", {"code": codes[0]}).status_code == 400


def test_new_recovery_codes_replace_the_old_ones(owner: User) -> None:
    device, old = enrolled(owner)
    client = Client()
    client.force_login(owner)
    client.post("/accounts/two-factor/", {"code": code_now(device)})
    shown = client.post("/accounts/me/two-factor/", {"action": "recovery", "code": code_now(device)})
    new = re.findall(r"<code>([A-Z0-9-]{19})</code>", shown.content.decode())
    assert len(new) == 10
    assert not set(new) & set(old)
    assert not two_factor.code_accept(user=owner, code=old[1])
    code_now(device)  # past the pause after that wrong code
    assert two_factor.code_accept(user=owner, code=new[1])


def test_wrong_codes_lock_like_wrong_passwords(owner: User) -> None:
    device, codes = enrolled(owner)
    client = password_sign_in(owner, REMOTE_ADDR="198.51.100.7")
    for attempt in range(5):
        # Past django-otp's growing pause between tries, to reach the lockout itself.
        TOTPDevice.objects.filter(pk=device.pk).update(
            throttling_failure_timestamp=timezone.now() - timedelta(hours=1)
        )
        answer = client.post("/accounts/two-factor/", {"code": "999999"})
        # The fifth also reaches django-axes' limit: its lockout page answers.
        assert answer.status_code == (400 if attempt < 4 else 429), attempt
    assert two_factor.code_wait(owner) > 14 * 60
    locked = client.post("/accounts/two-factor/", {"code": codes[0]})
    assert locked.status_code == 429
    assert "Try again in 15 minutes" in locked.content.decode()
    assert RecoveryCode.objects.filter(user=owner, used_at__isnull=False).count() == 0  # not even tried
    # django-axes recorded the failures for this address and account.
    assert AccessAttempt.objects.get(username=owner.email).failures_since_start >= 5
    # The JWT endpoint is locked too.
    api = APIClient().post(
        TOKEN_URL, {"email": owner.email, "password": TEST_PASSWORD, "otp": codes[0]}, format="json"
    )
    assert api.status_code == 429


def test_the_token_endpoint_asks_for_otp(owner: User, editor: User) -> None:
    device, codes = enrolled(owner)
    api = APIClient()
    before = OutstandingToken.objects.count()
    missing = api.post(TOKEN_URL, {"email": owner.email, "password": TEST_PASSWORD}, format="json")
    assert missing.status_code == 401
    assert missing.json()["code"] == "otp_required"
    wrong = api.post(
        TOKEN_URL, {"email": owner.email, "password": TEST_PASSWORD, "otp": "111111"}, format="json"
    )
    assert wrong.status_code == 401
    assert wrong.json()["code"] == "otp_invalid"
    bad_password = api.post(
        TOKEN_URL, {"email": owner.email, "password": "nope", "otp": code_now(device)}, format="json"
    )
    assert bad_password.status_code == 401
    assert bad_password.json()["code"] != "otp_invalid"
    assert OutstandingToken.objects.count() == before  # no token for any of those

    right = api.post(
        TOKEN_URL, {"email": owner.email, "password": TEST_PASSWORD, "otp": code_now(device)}, format="json"
    )
    assert right.status_code == 200
    assert set(right.json()) == {"access", "refresh"}
    recovery = api.post(
        TOKEN_URL, {"email": owner.email, "password": TEST_PASSWORD, "otp": codes[3]}, format="json"
    )
    assert recovery.status_code == 200
    # Without two-factor sign-in nothing changes.
    plain = api.post(TOKEN_URL, {"email": editor.email, "password": TEST_PASSWORD}, format="json")
    assert plain.status_code == 200


def test_the_admin_asks_for_the_code_too() -> None:
    staff = UserFactory(is_staff=True, is_superuser=True)
    device, _ = enrolled(staff)
    client = Client()
    assert (
        client.post(
            "/admin/login/?next=/admin/", {"username": staff.email, "password": TEST_PASSWORD}
        ).status_code
        == 302
    )
    waiting = client.get("/admin/")
    assert waiting.status_code == 302
    assert waiting["Location"].startswith("/accounts/two-factor/?next=%2Fadmin%2F")
    assert (
        client.post("/accounts/two-factor/", {"code": code_now(device), "next": "/admin/"})["Location"]
        == "/admin/"
    )
    assert client.get("/admin/").status_code == 200


def test_turning_it_off_needs_a_code(owner: User) -> None:
    device, _ = enrolled(owner)
    client = Client()
    client.force_login(owner)
    client.post("/accounts/two-factor/", {"code": code_now(device)})
    refused = client.post("/accounts/me/two-factor/", {"action": "disable", "code": "000000"})
    assert refused.status_code == 400
    assert two_factor.has_two_factor(owner)
    client.post("/accounts/me/two-factor/", {"action": "disable", "code": code_now(device)})
    assert not two_factor.has_two_factor(owner)
    assert not RecoveryCode.objects.filter(user=owner).exists()


def test_an_owner_makes_it_mandatory_for_the_company(
    company: Company, owner: User, manager: User, editor: User, api_client_for: Any
) -> None:
    url = f"/api/v1/companies/{company.slug}/"
    not_yet = api_client_for(owner).patch(url, {"two_factor_required": True}, format="json")
    assert not_yet.status_code == 400
    assert "your own account first" in str(not_yet.json())
    enrolled(owner)
    by_manager = api_client_for(manager).patch(url, {"two_factor_required": True}, format="json")
    assert by_manager.status_code == 400
    assert "Only an owner" in str(by_manager.json())
    company.refresh_from_db()
    assert not company.two_factor_required

    assert api_client_for(owner).patch(url, {"two_factor_required": True}, format="json").status_code == 200
    company.refresh_from_db()
    assert company.two_factor_required

    # A member without it: the company's API answers 403 with the reason, its pages send
    # them to the set-up.
    refused = api_client_for(editor).get(f"{url}projects/")
    assert refused.status_code == 403
    assert refused.json()["code"] == "two_factor_required"
    browser = Client()
    browser.force_login(editor)
    page = browser.get(f"/c/{company.slug}/")
    assert page.status_code == 302
    assert page["Location"].startswith("/accounts/me/two-factor/")
    assert "requires two-factor sign-in" in browser.get("/accounts/me/two-factor/").content.decode()
    # Once they have it, they are in.
    device, _ = enrolled(editor)
    assert api_client_for(editor).get(f"{url}projects/").status_code == 200
    # ... and while the company requires it, it cannot be turned off.
    with pytest.raises(two_factor.ValidationError):
        two_factor.two_factor_disable(user=editor, code=code_now(device))


def test_the_company_rule_is_the_company_s_own(
    company: Company, other_company: Company, outsider: User, api_client_for: Any
) -> None:
    Company.objects.filter(pk=company.pk).update(two_factor_required=True)
    ok = api_client_for(outsider).get(f"/api/v1/companies/{other_company.slug}/projects/")
    assert ok.status_code == 200
    assert api_client_for(outsider).get(f"/api/v1/companies/{company.slug}/").status_code == 404


def test_the_account_page_lists_api_tokens_and_signs_out_everywhere(owner: User, editor: User) -> None:
    api = APIClient()
    first = api.post(TOKEN_URL, {"email": owner.email, "password": TEST_PASSWORD}, format="json").json()
    second = api.post(TOKEN_URL, {"email": owner.email, "password": TEST_PASSWORD}, format="json").json()
    theirs = api.post(TOKEN_URL, {"email": editor.email, "password": TEST_PASSWORD}, format="json").json()
    client, other_browser = Client(), Client()
    client.force_login(owner)
    other_browser.force_login(owner)
    page = client.get("/accounts/me/").content.decode()
    assert page.count('data-testid="api-sign-in"') == 2

    # One by one: only one's own.
    mine = OutstandingToken.objects.filter(user=owner).order_by("created_at", "pk")[0]
    other = OutstandingToken.objects.get(user=editor)
    assert client.post(f"/accounts/me/tokens/{other.pk}/revoke/").status_code == 404
    assert client.post(f"/accounts/me/tokens/{mine.pk}/revoke/").status_code == 302
    assert (
        api.post("/api/v1/auth/token/refresh/", {"refresh": first["refresh"]}, format="json").status_code
        == 401
    )
    assert client.get("/accounts/me/").content.decode().count('data-testid="api-sign-in"') == 1

    client.post("/accounts/me/sessions/sign-out-others/")
    assert (
        api.post("/api/v1/auth/token/refresh/", {"refresh": second["refresh"]}, format="json").status_code
        == 401
    )
    assert other_browser.get("/accounts/me/").status_code == 302
    assert client.get("/accounts/me/").status_code == 200
    assert 'data-testid="no-api-sign-ins"' in client.get("/accounts/me/").content.decode()
    assert (
        api.post("/api/v1/auth/token/refresh/", {"refresh": theirs["refresh"]}, format="json").status_code
        == 200
    )


def test_people_without_it_are_not_slowed_down(company: Company, owner: User) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = password_sign_in(owner)  # the check is made once, at sign-in
    with CaptureQueriesContext(connection) as queries:
        client.get(f"/c/{company.slug}/search/?q=x")
    assert not [q for q in queries if "otp_totp" in q["sql"]]


@pytest.mark.django_db(transaction=True)
def test_a_socket_waits_for_the_code_too(owner: User) -> None:
    from asgiref.sync import async_to_sync
    from channels.testing import WebsocketCommunicator
    from django.conf import settings

    from arvlite.asgi import application

    device, _ = enrolled(owner)
    client = password_sign_in(owner)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    headers = [(b"origin", b"http://testserver"), (b"cookie", cookie.encode())]

    async def connects() -> bool:
        socket = WebsocketCommunicator(application, "/ws/notifications/", headers=headers)
        connected, _ = await socket.connect()
        await socket.disconnect()
        return bool(connected)

    assert not async_to_sync(connects)()
    client.post("/accounts/two-factor/", {"code": code_now(device)})
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    headers = [(b"origin", b"http://testserver"), (b"cookie", cookie.encode())]
    assert async_to_sync(connects)()


def test_a_member_role_still_comes_from_the_membership(company: Company) -> None:
    # Regression guard for the selector change: the rule adds a refusal, never a role.
    person = UserFactory()
    MembershipFactory(company=company, user=person, role=Role.VIEWER)
    enrolled(person)
    Company.objects.filter(pk=company.pk).update(two_factor_required=True)
    from companies.selectors import membership_for

    assert membership_for(user=person, company_slug=company.slug).role == Role.VIEWER


# --- Found by the review of the first version -------------------------------------------


def _notified(company: Company) -> None:
    from arcontent.tests.factories import make_content
    from arvlite.core.tenancy import company_scope
    from notifications.services import notify

    with company_scope(company):
        content = make_content(company, customer_name="Ivan Petrov")
        notify("content.ready", company=company, subject_object=content)


def test_the_code_page_shows_nothing_of_the_account(company: Company, owner: User) -> None:
    _notified(company)
    enrolled(owner)
    client = password_sign_in(owner)
    page = client.get("/accounts/two-factor/").content.decode()
    assert owner.email in page  # who is signing in, and nothing else
    assert "Ivan Petrov" not in page
    assert company.name not in page
    assert "data-notifications-socket" not in page
    wrong = client.post("/accounts/two-factor/", {"code": "000000"}).content.decode()
    assert company.name not in wrong


def test_public_pages_still_open_while_the_code_is_awaited(company: Company, owner: User) -> None:
    enrolled(owner)
    client = password_sign_in(owner)
    assert client.get("/view/demo_1").status_code in (200, 404)  # served, never the code page
    assert not client.get(f"/shop/{company.slug}/").get("Location", "").startswith("/accounts/two-factor/")
    assert client.get("/accounts/me/")["Location"].startswith("/accounts/two-factor/")
    hx = client.get(f"/c/{company.slug}/", HTTP_HX_REQUEST="true")
    assert hx.status_code == 204
    assert hx["HX-Redirect"].startswith("/accounts/two-factor/")


def test_a_required_company_leaves_nothing_open_until_set_up(
    company: Company, owner: User, editor: User
) -> None:
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from arvlite.core.tenancy import scopes_disabled
    from companies.models import StoredFile

    _notified(company)
    key = f"{company.pk}/files/t/plan.png"
    default_storage.save(key, ContentFile(b"\x89PNG\r\n\x1a\n"))
    with scopes_disabled():
        StoredFile.objects.create(company=company, kind="photo", key=key, size=8, sha256="0" * 64,
                                  mime_type="image/png", original_name="plan.png")  # fmt: skip
    old_tokens = (
        APIClient().post(TOKEN_URL, {"email": editor.email, "password": TEST_PASSWORD}, format="json").json()
    )
    browser = password_sign_in(editor)
    assert browser.get(f"/files/{key}").status_code == 200
    Company.objects.filter(pk=company.pk).update(two_factor_required=True)
    browser = password_sign_in(editor)  # a new sign-in looks at once; older sessions within a minute

    assert browser.get(f"/files/{key}").status_code != 200
    assert browser.get("/notifications/")["Location"].startswith("/accounts/me/two-factor/")
    assert browser.get("/api/v1/notifications/").status_code in (401, 403)
    page = browser.get("/accounts/me/two-factor/")
    assert page.status_code == 200
    assert 'data-testid="must-enrol"' in page.content.decode()
    assert "Ivan Petrov" not in page.content.decode()
    # The API: no new tokens, and the old ones stop at their next refresh.
    refused = APIClient().post(TOKEN_URL, {"email": editor.email, "password": TEST_PASSWORD}, format="json")
    assert refused.status_code == 403
    assert refused.json()["code"] == "two_factor_setup_required"
    again = APIClient().post("/api/v1/auth/token/refresh/", {"refresh": old_tokens["refresh"]}, format="json")
    assert again.status_code == 401

    # Setting it up completes the session.
    browser.post("/accounts/me/two-factor/", {"action": "start"})
    device = two_factor.pending_device(editor)
    assert device is not None
    browser.post("/accounts/me/two-factor/", {"action": "confirm", "code": code_now(device)})
    assert browser.get(f"/files/{key}").status_code == 200
    assert browser.get("/notifications/").status_code == 200
    default_storage.delete(key)


def test_an_older_session_is_asked_for_the_code_within_a_minute(owner: User) -> None:
    from companies.two_factor_session import RECHECK_SECONDS

    old_browser = Client()
    old_browser.force_login(owner)  # a session from before, with no row on the account page
    from companies.models import UserSession

    UserSession.objects.filter(session_id=old_browser.session.session_key).delete()
    assert old_browser.get("/accounts/me/").status_code == 200
    enrolled(owner)
    session = old_browser.session
    session["_arvlite_sign_in"]["at"] -= RECHECK_SECONDS + 1
    session.save()
    assert old_browser.get("/accounts/me/")["Location"].startswith("/accounts/two-factor/")


def test_a_right_code_works_once_the_lock_is_over(owner: User) -> None:
    device, _ = enrolled(owner)
    for _ in range(12):  # far past the limit: the lock must not keep growing
        TOTPDevice.objects.filter(pk=device.pk).update(
            throttling_failure_timestamp=timezone.now() - timedelta(hours=1)
        )
        two_factor.code_accept(user=owner, code="000000")
    assert two_factor.code_wait(owner) > 14 * 60
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - timedelta(minutes=16)
    )
    assert two_factor.code_wait(owner) == 0
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift):06d}"
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    assert two_factor.code_accept(user=owner, code=code)


@pytest.mark.django_db(transaction=True)
def test_parallel_guesses_stop_at_the_limit(owner: User) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from django.conf import settings
    from django.db import connection

    enrolled(owner)

    def guess(i: int) -> bool:
        try:
            return two_factor.code_accept(user=owner, code=f"WRONG-CODE-{i:04d}-XXXX")
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(guess, range(16)))
    assert not any(results)
    device = TOTPDevice.objects.get(user=owner)
    assert device.throttling_failure_count == settings.AXES_FAILURE_LIMIT  # the rest were refused unread


def test_reloading_the_set_up_keeps_the_key(owner: User) -> None:
    client = Client()
    client.force_login(owner)
    started = client.post("/accounts/me/two-factor/", {"action": "start"})
    assert started.status_code == 302
    key = TOTPDevice.objects.get(user=owner).key
    client.get("/accounts/me/two-factor/")
    assert TOTPDevice.objects.get(user=owner).key == key


def test_the_admin_never_shows_a_secret(owner: User, admin_client: Client) -> None:
    enrolled(owner)
    device = TOTPDevice.objects.get(user=owner)
    page = admin_client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/").content.decode()
    assert device.key not in page
    assert admin_client.get(f"/admin/otp_totp/totpdevice/{device.pk}/config/").status_code in (403, 404)


def test_managers_see_the_sign_in_rule_but_cannot_change_it(company: Company, manager: User) -> None:
    client = Client()
    client.force_login(manager)
    page = client.get(f"/c/{company.slug}/settings/").content.decode()
    field = re.search(r'<input[^>]*name="two_factor_required"[^>]*>', page)
    assert field
    assert "disabled" in field.group(0)


def test_the_api_signs_out_everywhere_and_says_whether_two_factor_is_on(owner: User, editor: User) -> None:
    api = APIClient()
    first = api.post(TOKEN_URL, {"email": owner.email, "password": TEST_PASSWORD}, format="json").json()
    second = api.post(TOKEN_URL, {"email": owner.email, "password": TEST_PASSWORD}, format="json").json()
    theirs = api.post(TOKEN_URL, {"email": editor.email, "password": TEST_PASSWORD}, format="json").json()
    browser = password_sign_in(owner)
    caller = APIClient()
    caller.credentials(HTTP_AUTHORIZATION=f"Bearer {first['access']}")
    assert caller.get("/api/v1/auth/me/").json()["two_factor_enabled"] is False

    answer = caller.post("/api/v1/auth/logout-everywhere/")
    assert answer.status_code == 200
    assert answer.json() == {"sessions_ended": 1, "tokens_revoked": 2}
    for tokens in (first, second):
        assert (
            api.post("/api/v1/auth/token/refresh/", {"refresh": tokens["refresh"]}, format="json").status_code
            == 401
        )
    assert browser.get("/accounts/me/").status_code == 302
    assert (
        api.post("/api/v1/auth/token/refresh/", {"refresh": theirs["refresh"]}, format="json").status_code
        == 200
    )

    enrolled(owner)
    assert caller.get("/api/v1/auth/me/").json()["two_factor_enabled"] is True


@pytest.mark.parametrize("otp", ["١٢٣٤٥٦", "12 34 56 78", "\x00", "x" * 64, "ABCD-EFGH-JKLM-NPQR"])
def test_odd_codes_are_wrong_codes_never_errors(owner: User, otp: str) -> None:
    enrolled(owner)
    api = APIClient().post(
        TOKEN_URL, {"email": owner.email, "password": TEST_PASSWORD, "otp": otp}, format="json"
    )
    assert api.status_code in (400, 401), api.content
    assert "access" not in api.json()
    TOTPDevice.objects.filter(user=owner).update(throttling_failure_count=0)
    page = password_sign_in(owner).post("/accounts/two-factor/", {"code": otp})
    assert page.status_code == 400


def test_an_over_long_code_is_refused_by_the_form(owner: User) -> None:
    enrolled(owner)
    api = APIClient().post(
        TOKEN_URL, {"email": owner.email, "password": TEST_PASSWORD, "otp": "1" * 65}, format="json"
    )
    assert api.status_code == 400
    assert "otp" in api.json()["errors"]
