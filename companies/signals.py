"""Storage bookkeeping that must follow every way a row can go, cascades included."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete
from django.dispatch import receiver

from companies.files import delete_file_after_commit
from companies.models import StoredFile


@receiver(post_delete, sender=StoredFile, dispatch_uid="stored_file_delete_object")
def remove_object_of_deleted_row(sender: type[StoredFile], instance: StoredFile, **kwargs: Any) -> None:
    # A receiver rather than a service call: deleting a company, project or content
    # removes StoredFile rows by cascade, and their objects must go too.
    delete_file_after_commit(instance.key)
