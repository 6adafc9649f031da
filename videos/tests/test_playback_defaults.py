"""New content plays in the mode its project took from its template; older content keeps
the manual mode it played in before."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from rest_framework.test import APIClient

from arcontent.tests.factories import make_content
from arvlite.core.tenancy import company_scope, scopes_disabled
from companies.models import Company, User
from projects.services import project_create
from projects.tests.factories import ProjectTemplateFactory
from videos.models import Playback
from videos.selectors import selection_inputs
from videos.tests.factories import make_video

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_scope(company: Company) -> Iterator[None]:
    with company_scope(company):
        yield


@pytest.mark.parametrize("mode", ["sequential", "cyclic"])
def test_new_content_plays_in_the_mode_of_its_project_template(
    company: Company, owner: User, api_client_for: Callable[[User], APIClient], mode: str
) -> None:
    template = ProjectTemplateFactory(company=company, playback_mode=mode)
    project = project_create(company=company, actor=owner, name="From the template", template=template)
    content = make_content(company, project=project)

    make_video(content)

    # What the viewer plays before anyone opened the playback rules...
    assert selection_inputs(content=content).playback.mode == mode
    url = f"/api/v1/companies/{company.slug}/ar-content/{content.unique_id}/rotation/"
    answer = api_client_for(owner).get(url)
    assert answer.status_code == 200
    assert answer.json()["mode"] == mode
    # ...and after: the rules were made in the same mode.
    assert Playback.objects.get(content=content).mode == mode
    assert selection_inputs(content=content).playback.mode == mode


def test_the_playback_page_of_content_without_videos_shows_the_project_mode(
    company: Company, owner: User, api_client_for: Callable[[User], APIClient]
) -> None:
    template = ProjectTemplateFactory(company=company, playback_mode="sequential")
    project = project_create(company=company, actor=owner, name="Sequential prints", template=template)
    content = make_content(company, project=project)

    url = f"/api/v1/companies/{company.slug}/ar-content/{content.unique_id}/rotation/"
    assert api_client_for(owner).get(url).json()["mode"] == "sequential"


def test_content_from_before_the_change_keeps_playing_in_manual_mode(
    company: Company, other_company: Company
) -> None:
    older = make_content(company)
    with company_scope(other_company):
        theirs = make_content(other_company)
    with_rules = make_content(company)
    Playback.objects.create(company=company, content=with_rules, mode="cyclic")
    migration = importlib.import_module("videos.migrations.0002_playback_for_existing_content")
    historical = MigrationLoader(connection).project_state(("videos", "0001_initial")).apps

    migration.pin_manual_mode(historical, None)  # as `migrate` runs it: unscoped historical models

    with scopes_disabled():
        modes = dict(Playback.objects.values_list("content_id", "mode"))
        companies = dict(Playback.objects.values_list("content_id", "company_id"))
    assert modes == {older.pk: "manual", theirs.pk: "manual", with_rules.pk: "cyclic"}
    assert companies[theirs.pk] == other_company.pk
