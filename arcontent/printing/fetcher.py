"""Rendering print files never touches the network: every resource travels inside the HTML
as a ``data:`` URI, and WeasyPrint gets a fetcher that refuses everything else."""

from __future__ import annotations

import base64
from collections.abc import Mapping

from weasyprint import HTML, Document
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse


class FetchRefusedError(ValueError):
    """A print file asked for a resource that is not a ``data:`` URI."""


class DataOnlyURLFetcher(URLFetcher):
    """Serves ``data:`` URIs and raises :class:`FetchRefusedError` for any other URL (http,
    https, file, ftp...). Built to fail the render rather than drop the resource quietly:
    our templates embed everything, so a remote reference is a bug worth hearing about."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=("data",), allow_redirects=False, fail_on_errors=True)

    def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> URLFetcherResponse:
        if not url.lstrip().lower().startswith("data:"):
            raise FetchRefusedError(
                f"Refused to fetch {url!r}: print files embed every resource as a data: URI"
            )
        return super().fetch(url, headers)


def data_uri(content: bytes, mime_type: str) -> str:
    return f"data:{mime_type};base64,{base64.b64encode(content).decode('ascii')}"


def render_document(html: str) -> Document:
    """Lay out ``html`` with WeasyPrint, offline. A refused fetch surfaces as
    :class:`FetchRefusedError` (WeasyPrint's own fatal error is a ``BaseException``, which
    would slip past the ``except Exception`` of callers such as task runners)."""
    try:
        return HTML(string=html, url_fetcher=DataOnlyURLFetcher()).render()
    except FatalURLFetchingError as error:
        raise FetchRefusedError(str(error.__cause__ or error)) from error
