"""The company the schema fuzzer works in (test_schema_fuzz.py, bench/fuzz_api.py): an
owner with data of every kind, and for each request real path parameters made afresh by
the permission matrix's rows, so generated requests reach the code behind the 404."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import jsonschema
import redis
import schemathesis
from django.conf import settings as django_settings
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from arcontent.models import ARContent
from arcontent.tests.factories import make_content, publishable
from arvlite.core.api.schema import ERROR_SCHEMA
from arvlite.core.tenancy import company_scope
from arvlite.core.tests.matrix import Expect, collect
from arvlite.core.tests.test_permission_matrix import discovered_routes
from companies.models import Company, User
from notifications.models import Notification
from orders.models import Order, Product
from orders.tests.factories import ProductFactory, make_order
from projects.tests.factories import ProjectFactory
from videos.tests.factories import make_video

API_ROUTES, _PAGES = collect()
_ERROR_VALIDATOR = jsonschema.Draft7Validator(ERROR_SCHEMA)


def schema_path(route: str) -> str:
    """A Django route as drf-spectacular writes it: <int:pk> → {id}."""

    def name(match: re.Match[str]) -> str:
        return "{id}" if match.group(1) == "pk" else "{" + match.group(1) + "}"

    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", name, route)


def _routes() -> dict[str, str]:
    """Schema path → URL name, for every API route."""
    return {schema_path(route): name for name, (route, _pattern) in discovered_routes("api/").items()}


@dataclass
class FuzzWorld:
    company: Company
    owner: User
    token: str
    viewer_uid: str
    routes: dict[str, str] = field(default_factory=_routes)

    @classmethod
    def populated(cls, *, company: Company, owner: User, token: str) -> FuzzWorld:
        """A company with projects, content in several states, videos, products, orders and
        notifications, so lists and searches have rows to render."""
        with company_scope(company):
            project = ProjectFactory(company=company, name="Weddings")
            make_content(company, project=project, status=ARContent.Status.DRAFT)
            ready = make_content(company, project=project, customer_email="", customer_name="Anna")
            make_video(ready, title="First dance")
            live = publishable(
                company,
                project=project,
                status=ARContent.Status.ACTIVE,
                published_at=timezone.now(),
                expires_at=timezone.now() + timedelta(days=365),
            )
            make_content(company, status=ARContent.Status.PAUSED, published_at=timezone.now())
            product = ProductFactory(company=company)
            ProductFactory(company=company, kind=Product.Kind.PRINTED_COPY, term_years=None)
            make_order(company, product)
            make_order(company, product, status=Order.Status.AWAITING_PAYMENT, customer_email="")
            Notification.objects.create(
                company=company, recipient=owner, event="content_published", title="Published", body="Live."
            )
        return cls(company=company, owner=owner, token=token, viewer_uid=str(live.unique_id))

    def row(self, path: str) -> Expect | None:
        name = self.routes.get(path)
        return API_ROUTES.get(name) if name else None

    def is_public(self, path: str) -> bool:
        row = self.row(path)
        return path.startswith("/api/viewer/") or (row is not None and row.kind == "public")

    def path_parameters(self, path: str) -> dict[str, Any]:
        """Real values for the operation's path parameters (fresh objects for each call)."""
        values: dict[str, Any] = {"company_slug": self.company.slug, "uid": self.viewer_uid}
        row = self.row(path)
        if row is not None:
            for key, value in row.kwargs(self.company).items():
                values["id" if key == "pk" else key] = value
        names = re.findall(r"{(\w+)}", path)
        return {name: str(values[name]) for name in names if name in values}

    def prepare(self, case: Any) -> dict[str, str]:
        """Fill the case's path parameters; the headers to send it with."""
        path = case.operation.path
        filled = self.path_parameters(path)
        if filled:
            case.path_parameters = {**(case.path_parameters or {}), **filled}
        return {} if self.is_public(path) else {"Authorization": f"Bearer {self.token}"}


# A tus PATCH sends the chunk's raw bytes (as application/octet-stream would be sent).
schemathesis.serializer.alias("application/offset+octet-stream", "application/octet-stream")


@schemathesis.check
def documented_error_body(ctx: Any, response: Any, case: Any) -> bool | None:
    """Every 4xx answers the documented error body (docs/API.md "Errors") with its status."""
    if not 400 <= response.status_code < 500:
        return None
    try:
        body = response.json()
    except ValueError as exc:
        raise AssertionError(f"{response.status_code} without a JSON error body") from exc
    problems = [error.message for error in _ERROR_VALIDATOR.iter_errors(body)]
    if problems:
        raise AssertionError(f"{response.status_code} body is not the error format: {problems}")
    if body["status"] != response.status_code:
        raise AssertionError(f"body says status {body['status']}, the response {response.status_code}")
    return True


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    documented_error_body,
]


@contextmanager
def _connection_kept() -> Iterator[None]:
    """The WSGI handler runs in this thread, inside the test's transaction: it must not close
    the connection at the end of the request (Django's test client does the same)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _forget_throttles() -> None:
    """Every case starts with empty throttle buckets: a 429 once a bucket fills would hide
    what the request itself answers (429 is tested in test_api_errors.py)."""
    client = redis.Redis.from_url(django_settings.REDIS_URL)
    for key in client.scan_iter(f"{django_settings.TEST_RUN_PREFIX}:*", count=1000):
        client.delete(key)
    client.close()


def fuzz_operation(
    world: FuzzWorld, operation: Any, *, mode: GenerationMode, examples: int, run_seed: int
) -> None:
    """Send ``examples`` generated requests to one operation; raise the first failed check.
    Each request runs in a savepoint rolled back afterwards, so nothing it changes (a
    DELETE, a state change) is seen by the next one."""
    from arvlite.wsgi import application  # the top layer: loaded only when requests are sent

    @seed(run_seed)
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],  # no shrinking: the first failure is reported
        suppress_health_check=list(HealthCheck),
    )
    @given(operation.as_strategy(generation_mode=mode))
    def run(case: Any) -> None:
        try:
            with transaction.atomic():
                headers = world.prepare(case)
                with _connection_kept():
                    response = case.call(app=application, headers=headers)
                case.validate_response(response, checks=CHECKS, headers=headers)
                transaction.set_rollback(True)
        finally:
            _forget_throttles()
            # A rolled-back case may have saved this instance (legal details for an
            # invoice): read it again, or the next save would find "nothing changed".
            world.company.refresh_from_db()

    with suppress(Unsatisfiable):  # nothing to make invalid (no parameters, no body)
        run()


def fuzz_schema(world: FuzzWorld, schema: Any, *, examples: int, run_seed: int) -> tuple[int, list[str]]:
    """Fuzz every operation of ``schema``, valid and invalid requests; (operations, failures)."""
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                fuzz_operation(world, operation, mode=mode, examples=examples, run_seed=run_seed)
            # Every operation's failure is reported, not only the first.
            except (Exception, BaseExceptionGroup) as exc:
                failures.append(f"{operation.label} [{mode.value}]: {str(exc)[:3000]}")
    return operations, failures
