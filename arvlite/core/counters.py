"""Gapless number series (order numbers, invoices, credit notes): a counter row per key,
incremented under a row lock inside the caller's transaction. Concurrent callers queue on
the lock instead of colliding, and a rollback gives the number back, so a series never has
a gap or a duplicate."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, models, transaction


def next_in_series(counter_model: type[models.Model], **key: Any) -> int:
    """The next value of the series ``key`` picks (e.g. company and year). ``counter_model``
    has the key's fields (unique together) and an integer ``last_value``. Must run inside
    the transaction that stores the number."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_in_series must run inside the transaction that uses the number.")
    try:
        with transaction.atomic():
            counter_model._default_manager.get_or_create(**key)
    except IntegrityError:  # another transaction created the row first; it exists now
        pass
    counter = counter_model._default_manager.select_for_update().get(**key)
    counter.last_value += 1  # type: ignore[attr-defined]  # every counter model has it
    counter.save(update_fields=["last_value"])
    return int(counter.last_value)  # type: ignore[attr-defined]
