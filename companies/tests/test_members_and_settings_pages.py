"""Members and settings pages explain themselves: what each role may do where a role is
chosen, Russian headings that fit people, the time zone a searchable list of real zones."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from arvlite.core.roles import ROLE_HELP, Role
from companies.models import Company, User
from companies.time_zones import time_zone_choices

pytestmark = pytest.mark.django_db


def test_the_members_page_explains_every_role(client: Client, company: Company, owner: User) -> None:
    client.force_login(owner)
    html = client.get(f"/c/{company.slug}/members/").content.decode()
    assert 'data-testid="role-help"' in html
    for role in Role:
        assert str(ROLE_HELP[role]) in html
    assert f'title="{ROLE_HELP[Role.VIEWER]}"' in html  # on the role picker's options too


def test_russian_headings_name_people(client: Client, company: Company, owner: User) -> None:
    owner.language = "ru"
    owner.save()
    client.force_login(owner)
    html = client.get(f"/c/{company.slug}/members/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    headings = re.findall(r"<th>([^<]*)</th>", html)
    assert "Имя" in headings
    assert "Название" not in headings
    assert "Смотрит всё, ничего не меняет." in html


def test_the_time_zone_is_picked_from_real_zones(client: Client, company: Company, manager: User) -> None:
    zones = dict(time_zone_choices())
    assert zones["Europe/Moscow"] == "UTC+03:00"
    assert zones["Asia/Kolkata"] == "UTC+05:30"
    assert zones["America/St_Johns"].startswith("UTC−03:")  # a negative half-hour zone
    assert "Etc/GMT+5" not in zones  # legacy aliases are left out
    assert "US/Eastern" not in zones
    client.force_login(manager)
    html = client.get(f"/c/{company.slug}/settings/").content.decode()
    assert re.search(r'<input[^>]*name="time_zone"[^>]*list="id_time_zone-list"', html)
    assert '<datalist id="id_time_zone-list">' in html
    assert '<option value="Asia/Novosibirsk">UTC+07:00</option>' in html
