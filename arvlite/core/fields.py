"""Keyword sets shared by model field declarations."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypedDict


class OptionalLinkOptions(TypedDict):
    """A ForeignKey that is cleared when its target goes and has no reverse accessor.

    A TypedDict, not a plain dict, so ``**`` unpacking type-checks key by key. ``null=True``
    stays at each call: django-stubs reads it there to type the attribute as ``X | None``.
    """

    on_delete: Callable[..., None]
    blank: bool
    related_name: str
