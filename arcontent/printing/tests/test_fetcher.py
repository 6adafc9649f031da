from __future__ import annotations

import pytest

from arcontent.printing.fetcher import DataOnlyURLFetcher, FetchRefusedError, data_uri, render_document


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/logo.png",
        "https://example.com/font.woff2",
        "HTTPS://EXAMPLE.COM/x.css",
        "file:///etc/passwd",
        "ftp://example.com/photo.jpg",
        "//example.com/x.png",
    ],
)
def test_the_fetcher_refuses_anything_but_data_uris(url: str) -> None:
    with pytest.raises(FetchRefusedError, match="data: URI"):
        DataOnlyURLFetcher()(url)


def test_the_fetcher_serves_data_uris() -> None:
    response = DataOnlyURLFetcher()(data_uri(b"\x00embedded\xff", "application/octet-stream"))

    assert response.read() == b"\x00embedded\xff"
    assert response.content_type == "application/octet-stream"


@pytest.mark.parametrize(
    "html",
    [
        '<img src="https://example.com/tracker.png">',
        '<link rel="stylesheet" href="http://example.com/print.css"><p>x</p>',
        "<style>@import url(https://example.com/print.css);</style><p>x</p>",
        "<style>p { background: url(https://example.com/bg.png); }</style><p>x</p>",
        "<style>@font-face { font-family: X; src: url(https://example.com/x.woff); }"
        " p { font-family: X; }</style><p>x</p>",
    ],
)
def test_a_document_that_reaches_out_fails_instead_of_rendering(html: str) -> None:
    with pytest.raises(FetchRefusedError, match=r"example\.com"):
        render_document(html)


def test_a_document_with_embedded_resources_renders() -> None:
    pixel = data_uri(b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"/>', "image/svg+xml")

    document = render_document(f'<img src="{pixel}"><p>Готово</p>')

    assert len(document.pages) == 1
