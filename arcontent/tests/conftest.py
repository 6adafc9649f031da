from __future__ import annotations

from collections.abc import Iterator

import pytest

from arvlite.core.tenancy import company_scope


@pytest.fixture(autouse=True)
def _company_scope(request: pytest.FixtureRequest) -> Iterator[None]:
    """Service tests run inside the company's scope, as views do; tests without a
    ``company`` see the guard as a request outside any company would."""
    if "company" not in request.fixturenames:
        yield
        return
    with company_scope(request.getfixturevalue("company")):
        yield
