"""The client's address: the rule lives in ``arvlite.core.clientip`` (the portal's session
list needs it too); the viewer and orders keep importing it from here."""

from __future__ import annotations

from arvlite.core.clientip import address_in, client_ip

__all__ = ["address_in", "client_ip"]
