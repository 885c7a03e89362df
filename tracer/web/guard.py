"""The private-address guard: keeps a crawl that follows strangers' links out of the user's network.

Two checks, both needed:
* ``check_url`` refuses bad schemes and literal private addresses before anything is sent
  (including the odd IPv4 spellings ``2130706433`` and ``0x7f000001`` that resolvers accept);
* ``guarded_connect`` resolves the host name itself and connects only to a checked address,
  so DNS cannot hand out a private address between the check and the connection.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from urllib.parse import urlsplit

ALLOWED_SCHEMES = ("http", "https")


class PrivateAddressRefused(Exception):
    """Raised at connection time; deliberately not an OSError so urllib3 does not wrap or retry it."""

    def __init__(self, host: str, address: str):
        super().__init__(f"{host} resolves to non-public address {address}")
        self.host = host
        self.address = address


def is_public_address(address: str) -> bool:
    """True for a globally routable unicast address; False for everything the guard refuses."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone id
    except ValueError:
        return False
    # IPv4-mapped / 6to4 / Teredo forms hide an IPv4 address inside an IPv6 one.
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is not None and not is_public_address(str(embedded)):
            return False
    return not (
        ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )


def parse_ipv4_loose(host: str) -> str | None:
    """Read a host the way inet_aton does (``2130706433``, ``0x7f.1``, ``0177.0.0.1``).

    Returns the dotted-quad form, or None when the host is not an IPv4 literal in any spelling.
    """
    parts = host.rstrip(".").split(".")
    if not 1 <= len(parts) <= 4:
        return None
    numbers = []
    for part in parts:
        number = _inet_aton_number(part)
        if number is None:
            return None
        numbers.append(number)
    # The last part fills all remaining bytes: a.b.c.d, a.b.(16 bits), a.(24 bits), (32 bits).
    *head, last = numbers
    if any(n > 255 for n in head) or last >= 256 ** (4 - len(head)):
        return None
    value = 0
    for n in head:
        value = value * 256 + n
    value = value * 256 ** (4 - len(head)) + last
    return str(ipaddress.IPv4Address(value))


_HEX, _OCTAL, _DECIMAL = re.compile(r"0[xX][0-9a-fA-F]+"), re.compile(r"0[0-7]*"), re.compile(r"[1-9][0-9]*")


def _inet_aton_number(part: str) -> int | None:
    """One dotted part as inet_aton reads it: 0x-prefixed hex, 0-prefixed octal, or decimal."""
    if _HEX.fullmatch(part):
        return int(part[2:], 16)
    if _OCTAL.fullmatch(part):
        return int(part, 8)
    if _DECIMAL.fullmatch(part):
        return int(part)
    return None


def literal_address(host: str) -> str | None:
    """The IP address a host name spells literally, or None for a real name."""
    host = host.strip("[]")
    try:
        return str(ipaddress.ip_address(host.split("%", 1)[0]))
    except ValueError:
        return parse_ipv4_loose(host)


_LABEL = re.compile(r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?|[a-z0-9_-]{1,63}", re.I)


def url_problem(url: str) -> str | None:
    """Why ``url`` is not an http(s) URL tracer can ask for, in words; None when it is one.

    The one syntax check of URLs given by a user or a page: a scheme other than http(s), no
    host, a host that is neither an IP address nor a DNS name (``exa mple.com``, ``[::1``),
    a bad port.
    """
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError as exc:
        return f"{url!r} is not a valid URL ({exc})"
    if parts.scheme.lower() not in ALLOWED_SCHEMES:
        return f"{url!r} is not an http(s) URL"
    if not host:
        return f"{url!r} has no host"
    if not _valid_host(host):
        return f"{url!r} has an invalid host {host!r}"
    return None


def _valid_host(host: str) -> bool:
    if literal_address(host) is not None:
        return True
    if host.startswith("[") or ":" in host:
        return False  # brackets or colons: an IPv6 literal, and not a valid one
    try:
        name = host.rstrip(".").encode("idna").decode("ascii")
    except (UnicodeError, ValueError):
        return False
    labels = name.split(".")
    return 0 < len(name) <= 253 and all(_LABEL.fullmatch(label) for label in labels)


def check_url(url: str, *, allow_private: bool = False) -> str | None:
    """The error string for a URL the fetcher must not request, or None when it may try."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "invalid-url"
    if parts.scheme and parts.scheme.lower() not in ALLOWED_SCHEMES:
        return "unsupported-scheme"
    if url_problem(url):
        return "invalid-url"
    host = parts.hostname
    if allow_private:
        return None
    if host.lower().rstrip(".") == "localhost" or host.lower().endswith(".localhost"):
        return "private-address"
    address = literal_address(host)
    if address is not None and not is_public_address(address):
        return "private-address"
    return None


# getaddrinfo cannot be interrupted; asking it from a worker thread lets a hung resolver
# cost one idle thread instead of the whole fetch's deadline.
_RESOLVER = ThreadPoolExecutor(max_workers=4, thread_name_prefix="tracer-dns")


def resolve(host: str, port: int, timeout: float | None):
    future = _RESOLVER.submit(socket.getaddrinfo, host, port, 0, socket.SOCK_STREAM)
    try:
        return future.result(timeout=timeout)
    except FutureTimeout:
        raise TimeoutError(f"resolving {host} took longer than {timeout}s") from None


def guarded_connect(host: str, port: int, timeout, source_address=None, socket_options=None,
                    refuse_private: bool = True):
    """Like urllib3's create_connection, but refuses non-public addresses before connecting.

    Every address the name resolves to is checked, not just the first: a name with one
    public and one private address is refused rather than raced.
    """
    host = host.strip("[]")
    seconds = timeout if isinstance(timeout, (int, float)) else None  # urllib3 may pass a sentinel
    infos = resolve(host, port, seconds)
    for *_, sockaddr in infos:
        if refuse_private and not is_public_address(sockaddr[0]):
            raise PrivateAddressRefused(host, sockaddr[0])
    last_error: OSError | None = None
    for family, socktype, proto, _, sockaddr in infos:
        sock = None
        try:
            sock = socket.socket(family, socktype, proto)
            for level, option, value in socket_options or ():
                sock.setsockopt(level, option, value)
            if seconds is not None:
                sock.settimeout(seconds)
            if source_address:
                sock.bind(source_address)
            sock.connect(sockaddr)
            return sock
        except OSError as error:
            last_error = error
            if sock is not None:
                sock.close()
    raise last_error or OSError(f"getaddrinfo returned nothing for {host}")
