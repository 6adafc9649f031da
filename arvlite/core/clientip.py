"""The client's address, for throttling, the viewer's visitor hash and the account page's
list of signed-in devices.

``X-Forwarded-For`` is believed only when the connection comes from a proxy listed in
``VIEWER_TRUSTED_PROXIES`` (addresses or networks): then the right-most address that is not
itself a trusted proxy is the client. Anyone can send the header, so without a trusted proxy
in front it is ignored. (django-ipware guesses among many headers; we want exactly this rule.)
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in proxies)


def _is_trusted(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def address_in(address: str, entries: list[str] | tuple[str, ...]) -> bool:
    """Whether ``address`` is one of the addresses or networks listed in ``entries``."""
    return _is_trusted(address, _networks(tuple(entries)))


def client_ip(request: HttpRequest) -> str:
    remote = request.META.get("REMOTE_ADDR", "") or "unknown"
    proxies = tuple(settings.VIEWER_TRUSTED_PROXIES)
    if not proxies:
        return remote
    networks = _networks(proxies)
    if not _is_trusted(remote, networks):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _is_trusted(hop, networks):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return remote  # garbage in the header: fall back to the proxy itself
    return hops[0] if hops else remote
