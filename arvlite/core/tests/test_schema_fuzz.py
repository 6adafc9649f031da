"""Schema fuzzing: schemathesis sends generated requests (valid and invalid) to every
operation of /api/schema/, in process through the WSGI application, and checks each answer
against the schema: no 5xx, a documented status code, a documented content type, a body
that matches its schema, and the documented error body (docs/API.md) on every 4xx.

Management operations run as the owner of a company with data, with the path parameters
filled with real ids made afresh for each request by the permission matrix's rows
(``<app>/tests/route_roles.py``); viewer and public routes run unauthenticated. Every
request runs in a savepoint that is rolled back, so a DELETE or a state change never takes
the data away from the next one (fuzz_world.py). ``bench/fuzz_api.py`` runs the same with
many more examples.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
from django.test import Client
from rest_framework_simplejwt.tokens import RefreshToken
from schemathesis.config import SchemathesisConfig

from arvlite.core.tests.fuzz_world import FuzzWorld, fuzz_schema

EXAMPLES = int(os.environ.get("ARVLITE_FUZZ_EXAMPLES", "4"))
SEED = int(os.environ.get("ARVLITE_FUZZ_SEED", "18"))


@pytest.fixture
def fuzz_world(company: Any, owner: Any, other_company: Any) -> FuzzWorld:
    token = str(RefreshToken.for_user(owner).access_token)
    return FuzzWorld.populated(company=company, owner=owner, token=token)


def load_schema() -> Any:
    """The document /api/schema/ serves, as schemathesis reads it."""
    response = Client().get("/api/schema/?format=json")
    assert response.status_code == 200
    return schemathesis.openapi.from_dict(response.json(), config=SchemathesisConfig())


@pytest.mark.slow
@pytest.mark.django_db
def test_every_operation_answers_as_its_schema_says(fuzz_world: FuzzWorld) -> None:
    schema = load_schema()
    operations, failures = fuzz_schema(fuzz_world, schema, examples=EXAMPLES, run_seed=SEED)
    assert operations >= 140  # every operation of the schema was fuzzed
    assert not failures, f"{len(failures)} failed:\n\n" + "\n\n".join(failures)
