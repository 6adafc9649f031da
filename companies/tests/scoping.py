"""The one way tests enter the tenant scope (loaded by the root conftest).

- A whole test inside ``company``'s scope, as a view or task of that company runs: take
  the ``scoped`` fixture (or ``pytestmark = pytest.mark.usefixtures("scoped")`` for a module).
- A part of a test (set up another company's rows, read back after a request):
  ``with company_scope(other_company): ...`` from ``arvlite.core.tenancy``.
- ``scopes_disabled()`` only where a test reads across tenants on purpose (the whole
  table, the admin, platform-wide jobs), never as a shortcut for one company's rows.

API, portal and viewer tests need no scope for the request itself: the views enter their
own (or, for the public viewer, none), so a view that forgot would fail its test.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from arvlite.core.tenancy import company_scope
from companies.models import Company


@pytest.fixture
def scoped(company: Company) -> Iterator[Company]:
    """Run the test inside ``company``'s tenant scope; returns the company."""
    with company_scope(company):
        yield company
