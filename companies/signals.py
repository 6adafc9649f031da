"""Bookkeeping that must follow every way a row can go, cascades and the admin included."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, pre_delete
from django.dispatch import receiver

from companies.api_keys import api_keys_follow_member
from companies.files import delete_file_after_commit
from companies.models import Membership, StoredFile


@receiver(post_delete, sender=StoredFile, dispatch_uid="stored_file_delete_object")
def remove_object_of_deleted_row(sender: type[StoredFile], instance: StoredFile, **kwargs: Any) -> None:
    # A receiver rather than a service call: deleting a company, project or content
    # removes StoredFile rows by cascade, and their objects must go too.
    delete_file_after_commit(instance.key)


@receiver(pre_delete, sender=Membership, dispatch_uid="membership_delete_revokes_keys")
def revoke_keys_of_leaving_member(sender: type[Membership], instance: Membership, **kwargs: Any) -> None:
    # Before the delete: a deleted user's keys lose their creator (SET NULL) once it runs.
    # The services revoke with their actor first; this catches the admin's inline and a
    # user deleted with their memberships.
    api_keys_follow_member(company=instance.company, user=instance.user, role=None, actor=None)
