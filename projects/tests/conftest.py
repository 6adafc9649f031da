from __future__ import annotations

from collections.abc import Iterator

import pytest

from arvlite.core.tenancy import company_scope
from companies.models import Company


@pytest.fixture
def scoped(company: Company) -> Iterator[Company]:
    """Run the test inside ``company``'s tenant scope, as views and API views do."""
    with company_scope(company):
        yield company
