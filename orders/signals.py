"""What the orders app announces, sent after the transaction commits (notifications
listens; nothing here knows who)."""

from __future__ import annotations

from django.dispatch import Signal

# order: the Order just created.
order_created = Signal()
# order, from_status, to_status, actor (the Actor, None for the customer or the system), note.
order_status_changed = Signal()
