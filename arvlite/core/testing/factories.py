"""A typed base for the apps' factory_boy model factories."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

import factory

T = TypeVar("T")


class ModelFactory(factory.django.DjangoModelFactory[T]):
    """``SomeFactory(...)`` is typed as the model it creates (factory_boy's metaclass
    returns the created row, which its own annotations do not say)."""

    if TYPE_CHECKING:
        # The checker only: runtime calls go through factory_boy's metaclass as before.
        def __new__(cls, **kwargs: Any) -> T: ...  # type: ignore[misc]  # a row, not a factory
