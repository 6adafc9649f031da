"""The playback page speaks plainly: help for every rule, weekday headings on the
calendar, each day's video by its title and the rule that chose it in words."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import translation

from arcontent.models import ARContent
from arcontent.tests.factories import make_content
from arvlite.core.tenancy import company_scope
from companies.models import Company, User
from videos import services
from videos.tests.factories import make_video
from videos.views import SOURCE_WORDS


def _found(pattern: str, text: str, group: int = 0, flags: int = 0) -> str:
    match = re.search(pattern, text, flags)
    assert match, f"{pattern!r} is not on the page"
    return match.group(group)


pytestmark = pytest.mark.django_db


@pytest.fixture
def content(company: Company) -> ARContent:
    with company_scope(company):
        return make_content(company)


def _url(company: Company, content: ARContent) -> str:
    return f"/c/{company.slug}/content/{content.unique_id}/playback/?month=2026-12"


def test_the_calendar_names_the_video_and_the_rule(
    client: Client, company: Company, content: ARContent, editor: User
) -> None:
    with company_scope(company):
        make_video(content, title="")  # untitled: a neutral name, never a code or a file name
        birthday = make_video(content, title="Birthday")
        services.date_rule_create(
            content=content, actor=editor, video_id=birthday.pk, month=12, day=5, year=2026
        )
    client.force_login(editor)
    html = client.get(_url(company, content)).content.decode()
    assert re.findall(r"<th scope=\"col\">(\w+)</th>", html) == [
        "Mon",
        "Tue",
        "Wed",
        "Thu",
        "Fri",
        "Sat",
        "Sun",
    ]
    cell = _found(r'data-date="2026-12-05".*?</td>', html, flags=re.S)
    assert "Birthday" in cell
    assert "date rule" in cell
    other = _found(r'data-date="2026-12-06".*?</td>', html, flags=re.S)
    assert "Video 1" in other
    reason = _found(r'data-testid="calendar-reason">([^<]*)<', other, group=1)
    assert reason in {str(words) for words in SOURCE_WORDS.values()}
    for code in ("active_default", "rotation_rule", "fallback"):
        assert f">{code}<" not in html
    assert "How the video of a scan is chosen" in html
    assert "Example: a birthday." in html  # the date rule's own help


def test_the_page_is_in_russian_for_a_russian_reader(
    client: Client, company: Company, content: ARContent, editor: User
) -> None:
    editor.language = "ru"
    editor.save()
    with company_scope(company):
        make_video(content, title="Привет")
    client.force_login(editor)
    html = client.get(_url(company, content), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert re.findall(r"<th scope=\"col\">(\w+)</th>", html)[:2] == ["Пн", "Вт"]
    assert "Как выбирается видео" in html
    reasons = set(re.findall(r'data-testid="calendar-reason">([^<]*)<', html))
    with translation.override("ru"):
        assert reasons <= {str(words) for words in SOURCE_WORDS.values()}
    assert not reasons & {"rotation", "sequential or cyclic order", "the chosen video"}  # translated
