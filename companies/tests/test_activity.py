"""Recent activity is told in sentences in the reader's language, never as audit codes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from arcontent.tests.factories import make_content
from arvlite.core.tenancy import company_scope
from companies.activity import _SENTENCES, describe
from companies.audit import audit_log
from companies.models import Company, User
from orders.models import Order

pytestmark = pytest.mark.django_db

_LITERAL_ACTION = re.compile(r"""action=["']([a-z_]+\.[a-z_]+)["']""")
_APPS = ("companies", "projects", "arcontent", "videos", "orders", "notifications")


def _actions_written_by_the_code() -> set[str]:
    found: set[str] = set()
    for app in _APPS:
        for path in (Path(settings.BASE_DIR) / app).rglob("*.py"):
            if "tests" not in path.parts and "migrations" not in path.parts:
                found.update(_LITERAL_ACTION.findall(path.read_text()))
    # Actions built from a variable: the content workflow's verbs and the order statuses.
    found.update(
        f"content.{verb}" for verb in ("publish", "pause", "archive", "renew", "expire", "reprocess")
    )
    found.update(f"content.override_{what}" for what in ("similar", "quality"))
    found.update(f"order.{status}" for status in Order.Status.values)
    return found


def test_every_audit_action_has_a_sentence() -> None:
    actions = _actions_written_by_the_code()
    assert len(actions) > 40  # the scan found the code's actions, not nothing
    assert sorted(actions - set(_SENTENCES)) == []


@pytest.mark.parametrize("language", ["en", "ru"])
def test_every_sentence_formats_in_both_languages(company: Company, language: str) -> None:
    with translation.override(language), company_scope(company):
        for action, sentence in _SENTENCES.items():
            for template in (sentence.by, sentence.passive):
                text = str(template).format(actor="Anna", target="X-1")
                assert "{" not in text, (action, text)


def test_a_person_a_system_and_an_unknown_action(company: Company, owner: User) -> None:
    owner.full_name = "Anna Smith"
    owner.save()
    with company_scope(company):
        content = make_content(company)
        by_anna = audit_log(company=company, actor=owner, action="content.publish", target=content)
        by_system = audit_log(company=company, actor=None, action="content.publish", target=content)
        unknown = audit_log(company=company, actor=owner, action="gadget.frobnicate", target=content)
        invited = audit_log(company=company, actor=owner, action="invitation.create", target=None)
        invited.target_repr = "nina@example.com → Alice Photo (editor)"
    number = content.order_number
    assert describe(by_anna) == f"Anna Smith published {number}"
    assert describe(by_system) == f"{number} was published"
    assert describe(unknown) == f"Anna Smith made a change to {number}"
    assert describe(invited) == "Anna Smith invited nina@example.com"
    with translation.override("ru"):
        assert describe(by_anna) == f"Anna Smith опубликовал(а) {number}"


def test_the_dashboard_shows_sentences_not_codes(client: Client, company: Company, owner: User) -> None:
    owner.full_name = "Anna Smith"
    owner.language = "ru"
    owner.save()
    with company_scope(company):
        content = make_content(company)
        audit_log(company=company, actor=owner, action="content.publish", target=content)
    client.force_login(owner)
    page = client.get(f"/c/{company.slug}/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert f"Anna Smith опубликовал(а) {content.order_number}" in page
    assert "content.publish " not in page.replace('data-action="content.publish"', "")
