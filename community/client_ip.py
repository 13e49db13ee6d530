"""The address a request came from: what every per-client limit counts by.

Behind a load balancer, REMOTE_ADDR is the balancer's own address, the same for every
visitor. Each proxy appends the address it was reached from to a header
(`X-Forwarded-For`, or the one named by CLIENT_IP_HEADER), so with TRUSTED_PROXY_COUNT
proxies of our own in front, the client is the TRUSTED_PROXY_COUNT-th entry from the
right. Entries further left were written by the client and prove nothing. With no trusted
proxy the header is ignored, since any client can send it.

allauth reads the address through `AccountAdapter.get_client_ip`, which calls this. Its
own ALLAUTH_TRUSTED_PROXY_COUNT raises ImproperlyConfigured (a 500) on a header shorter
than the count, and its ALLAUTH_TRUSTED_CLIENT_IP_HEADER trusts the header with no proxy
at all; here a header that cannot be used falls back to REMOTE_ADDR instead.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest

# Where no address can be read at all (a server on a Unix socket with no proxy header):
# such requests share one client rather than failing.
UNKNOWN = "unknown"


def client_ip(request: HttpRequest) -> str:
    """The client's address, normalised (`::ffff:192.0.2.1` is `192.0.2.1`)."""
    count = settings.TRUSTED_PROXY_COUNT
    if count > 0:
        entries = request.headers.get(settings.CLIENT_IP_HEADER, "").split(",")
        if len(entries) >= count:
            address = _parse(entries[-count])
            if address:
                return address
    return _parse(request.META.get("REMOTE_ADDR", "")) or UNKNOWN


def _parse(value: str) -> str | None:
    """An address written by a proxy, with or without a port (`192.0.2.1:4711`,
    `[2001:db8::1]:443`), or None when it is not one."""
    value = value.strip()
    if value.startswith("[") and "]" in value:
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:
        value = value.partition(":")[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return str(address)
