"""Videos in the search box: title or the uploaded file's name, linked at their row."""

from __future__ import annotations

import pytest

from arcontent.tests.factories import make_content
from arvlite.core.search import search_query
from arvlite.core.tenancy import company_scope
from companies.models import Company, StoredFile
from videos.search import video_search
from videos.tests.factories import make_video

pytestmark = pytest.mark.usefixtures("scoped")


def test_it_finds_a_video_by_title(company: Company) -> None:
    content = make_content(company)
    video = make_video(content, title="First dance")
    make_video(content, title="Cake")
    [hit] = video_search(company, search_query("dance"), 0, 5).hits
    assert (hit.title, hit.subtitle) == ("First dance", f"{content.order_number} · clip.mp4")
    assert hit.url == f"/c/{company.slug}/content/{content.unique_id}/videos/#video-{video.pk}"


def test_it_finds_a_video_by_file_name(company: Company) -> None:
    video = make_video(make_content(company))
    assert video.original is not None
    StoredFile.objects.filter(pk=video.original.pk).update(original_name="IMG_2044 wedding.MOV")
    [hit] = video_search(company, search_query("img_2044"), 0, 5).hits
    assert (hit.id, hit.title) == (str(video.pk), "IMG_2044 wedding.MOV")  # no title: the file's name


def test_it_never_shows_another_companys_video(company: Company, other_company: Company) -> None:
    with company_scope(other_company):
        make_video(make_content(other_company), title="First dance")
    assert video_search(company, search_query("dance"), 0, 5).total == 0
    assert video_search(company, search_query("clip.mp4"), 0, 5).total == 0
