"""Where URLs are handled by name: a URL's registered domain, and whether it belongs to a named source."""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urlsplit


@lru_cache(maxsize=1)
def _psl():
    from publicsuffixlist import PublicSuffixList

    return PublicSuffixList()  # ships its own list: no download at run time


def registered_domain(url_or_host: str) -> str | None:
    host = urlsplit(url_or_host).hostname if "/" in url_or_host else url_or_host
    if not host:
        return None
    host = host.lower().rstrip(".")
    try:
        return _psl().privatesuffix(host) or host
    except Exception:  # noqa: BLE001 - an odd host is simply not matched
        return host


def name_key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def domain_matches_source(url: str, source_name: str | None) -> bool:
    """Does a link's registered domain belong to the named source ("Reuters" -> reuters.com)?"""
    if not source_name:
        return False
    domain = registered_domain(url)
    if not domain:
        return False
    label = name_key(domain.split(".")[0])
    words = [w for w in re.findall(r"[A-Za-z0-9]+", source_name) if w.lower() not in {"the", "a", "an", "of"}]
    key = name_key("".join(words))
    if not key or not label:
        return False
    initials = "".join(w[0] for w in words).lower()
    return (len(label) >= 3 and label in key) or (len(key) >= 3 and key in label) or \
        (len(label) >= 2 and label == initials) or any(len(w) > 3 and name_key(w) == label for w in words)
