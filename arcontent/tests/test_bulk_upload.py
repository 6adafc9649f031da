"""Many photos into a project at once: the customer CSV, the limits, the page."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client, override_settings

from arcontent.bulk.csv_rows import CsvRejectedError, parse_customer_csv
from arcontent.bulk.uploads import MAX_FILES, upload_limits_check, upload_plan
from arcontent.models import ARContent
from arcontent.tests.photos import textured_jpeg
from arvlite.core.tenancy import company_scope
from companies.models import Company, User
from projects.tests.factories import ProjectFactory

# --- the CSV -----------------------------------------------------------------------------


def test_it_reads_excels_semicolons_in_windows_1251() -> None:
    data = "Файл;Имя;Телефон;Email\nIMG_1.jpg;Мария Иванова;8 912 345-67-89;maria@example.com\n".encode(
        "cp1251"
    )
    table = parse_customer_csv(data)
    assert table.row_for("img_1.JPG") == {
        "customer_name": "Мария Иванова", "customer_phone": "8 912 345-67-89", "customer_email": "maria@example.com",
    }  # fmt: skip
    assert table.errors == []


@pytest.mark.parametrize(
    "data",
    [
        "\ufefffile,name\nIMG_1.jpg,Anna\n".encode(),  # UTF-8 with the BOM Excel writes
        "file\tname\nIMG_1.jpg\tAnna\n".encode("utf-16"),  # Excel's "Unicode text"
        b"file;name\r\nIMG_1.jpg;Anna\r\n",
        b'"file","name"\n"IMG_1.jpg","Anna"\n',
    ],
)
def test_it_reads_what_spreadsheets_write(data: bytes) -> None:
    assert parse_customer_csv(data).row_for("IMG_1.jpg") == {"customer_name": "Anna"}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"name;phone\nAnna;+79123456789\n", "needs a column"),
        (b"", "empty"),
        (b"\n ; \n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a CSV"),
        (b"file\n" + b"a.jpg\n" * 100 + b"x" * (1024 * 1024), "larger than 1 MB"),
    ],
)
def test_it_refuses_files_it_cannot_use(data: bytes, message: str) -> None:
    with pytest.raises(CsvRejectedError, match=message):
        parse_customer_csv(data)


def test_bad_rows_are_reported_by_row_number() -> None:
    table = parse_customer_csv(b"file;name\n;Nobody\na.jpg;Anna\nA.JPG;Anna again\nb.jpg\n")
    assert table.errors == ["Row 2: no file name.", "Row 4: the file A.JPG is named twice."]
    assert table.row_for("a.jpg") == {"customer_name": "Anna"}
    assert table.row_for("b.jpg") == {"customer_name": ""}  # a short row: the rest is empty


def test_the_plan_matches_rows_and_keeps_bad_values_out() -> None:
    table = parse_customer_csv(b"file;name;phone;email\na.jpg;Anna;12;not-mail\nc.jpg;Carl;;\n")
    planned, problems, notices = upload_plan(files=[("a.jpg", 10), ("b.jpg", 10)], table=table)
    assert problems == []
    assert planned[0].customer == {"customer_name": "Anna"}
    assert len(planned[0].errors) == 2  # the phone and the e-mail, left to fill in later
    assert planned[1].customer == {}
    assert notices == ["The customer file names c.jpg, which is not among the photos."]


@override_settings(PHOTO_MAX_BYTES=100)
def test_the_limits_are_explained() -> None:
    too_many = [(f"{n}.jpg", 1) for n in range(MAX_FILES + 1)]
    assert upload_limits_check(files=too_many) == [f"Upload at most {MAX_FILES} photos at a time."]
    assert upload_limits_check(files=[("big.jpg", 101)]) == ["big.jpg is larger than 100\xa0bytes."]
    assert upload_limits_check(files=[("a.jpg", 1), ("A.jpg", 1)]) == ["a.jpg is chosen twice."]
    assert upload_limits_check(files=[]) == ["Choose at least one photo."]


# --- the page ----------------------------------------------------------------------------


def photo(name: str, seed: int) -> io.BytesIO:
    upload = io.BytesIO(textured_jpeg(seed=seed, size=(640, 480)))
    upload.name = name
    return upload


def csv_file(text: str) -> io.BytesIO:
    upload = io.BytesIO(text.encode())
    upload.name = "customers.csv"
    return upload


def form(project_id: int, **extra: Any) -> dict[str, Any]:
    return {"project": project_id, "print_width_cm": "15", "print_height_cm": "10", **extra}


@pytest.mark.django_db
def test_the_page_makes_one_content_per_photo_with_its_customer(
    client: Client, company: Company, editor: User
) -> None:
    project = ProjectFactory(company=company)
    client.force_login(editor)
    response = client.post(
        f"/c/{company.slug}/content/upload/",
        form(project.pk, photos=[photo("a.jpg", 1), photo("b.jpg", 2), photo("bad.jpg", 3)],
             customers=csv_file("file;name;phone\na.jpg;Anna;+7 912 345-67-89\nb.jpg;Boris;12\n")),
    )  # fmt: skip
    assert response.status_code == 200
    page = response.content.decode()
    assert "Enter a valid phone number" in page  # Boris's phone, left empty
    with company_scope(company):
        made = dict(ARContent.objects.values_list("customer_name", "customer_phone"))
    assert made == {"Anna": "+79123456789", "Boris": "", "": ""}


@pytest.mark.django_db
def test_the_check_and_one_photo_per_request_answer_json(
    client: Client, company: Company, editor: User
) -> None:
    project = ProjectFactory(company=company)
    client.force_login(editor)
    url = f"/c/{company.slug}/content/upload/"
    ajax = {"X-Requested-With": "XMLHttpRequest"}
    check = client.post(url, form(project.pk, check="1", names=["a.jpg"], sizes=["100"],
                                  customers=csv_file("file,name\na.jpg,Anna\n")), headers=ajax)  # fmt: skip
    assert check.status_code == 200
    assert check.json()["files"] == [{"name": "a.jpg", "customer": {"customer_name": "Anna"}, "errors": []}]
    refused = client.post(url, form(project.pk, check="1", names=["a.jpg"], sizes=["100"],
                                    customers=csv_file("name\nAnna\n")), headers=ajax)  # fmt: skip
    assert refused.status_code == 400
    assert "needs a column" in refused.json()["errors"]["customers"][0]
    one = client.post(url, form(project.pk, photos=[photo("a.jpg", 4)]), headers=ajax)
    assert one.status_code == 201
    assert one.json()["order_number"].startswith("ARV-")
    not_a_photo = io.BytesIO(b"hello")
    not_a_photo.name = "x.jpg"
    bad = client.post(url, form(project.pk, photos=[not_a_photo]), headers=ajax)
    assert bad.status_code == 400
    assert bad.json()["ok"] is False


@pytest.mark.django_db
def test_another_companys_project_is_refused(
    client: Client, company: Company, other_company: Company, editor: User
) -> None:
    theirs = ProjectFactory(company=other_company)
    client.force_login(editor)
    response = client.post(f"/c/{company.slug}/content/upload/", form(theirs.pk, photos=[photo("a.jpg", 1)]))
    assert response.status_code == 400
    with company_scope(company):
        assert not ARContent.objects.exists()


@pytest.mark.django_db
@override_settings(PHOTO_MAX_BYTES=1000)
def test_a_body_announced_too_large_is_refused_before_reading(client: Client, company: Company,
                                                              editor: User) -> None:  # fmt: skip
    project = ProjectFactory(company=company)
    client.force_login(editor)
    huge = io.BytesIO(b"x" * (50 * 1000 + 2 * 1024 * 1024 + 1))
    huge.name = "huge.jpg"
    response = client.post(f"/c/{company.slug}/content/upload/", form(project.pk, photos=[huge]),
                           headers={"X-Requested-With": "XMLHttpRequest"})  # fmt: skip
    assert response.status_code == 400
    assert "at most 50 photos" in response.json()["errors"]["photos"][0]
