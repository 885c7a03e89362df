"""Where URLs are handled by name: a URL's registered domain, whether it belongs to a named source,
and whether its shape rules it out as a cited item (a tag, topic, team, search or home page)."""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit


@lru_cache(maxsize=1)
def _psl():
    from publicsuffixlist import PublicSuffixList

    return PublicSuffixList()  # ships its own list: no download at run time


@lru_cache(maxsize=65536)  # pure, and asked of the same few thousand links again and again by sources
def registered_domain(url_or_host: str) -> str | None:
    host = urlsplit(url_or_host).hostname if "/" in url_or_host else url_or_host
    if not host:
        return None
    host = host.lower().rstrip(".")
    try:
        return _psl().privatesuffix(host) or host
    except Exception:  # noqa: BLE001 - an odd host is simply not matched
        return host


_NOT_KEY = re.compile(r"[^a-z0-9]")


@lru_cache(maxsize=65536)
def name_key(text: str) -> str:
    return _NOT_KEY.sub("", text.lower())


@lru_cache(maxsize=65536)
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


_TRACKING_PARAMS = ("utm_", "fbclid", "gclid", "mc_cid", "mc_eid", "ref", "cmpid")


def outlet_domain(url: str | None) -> str | None:
    """The registered domain that stands for one publisher (bbc.co.uk for news.bbc.co.uk); None for
    an address (127.0.0.1, [::1]): many sites may share one, so it tells no outlet apart."""
    import ipaddress

    try:
        host = (urlsplit(url or "").hostname or "").strip("[]")
    except ValueError:
        return None
    try:
        ipaddress.ip_address(host)
        return None
    except ValueError:
        pass
    return registered_domain(host) if host else None


def without_tracking(url: str) -> str:
    """The URL without tracking parameters (utm_*, fbclid, ...): the page a shared link points at."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not k.lower().startswith(_TRACKING_PARAMS)]
    return parts._replace(query=urlencode(query), fragment="").geturl()


def url_key(url: str | None) -> str | None:
    """The form in which two URLs are one page: no scheme, no "www.", no trailing slash,
    no fragment, no tracking parameters."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower()
    except ValueError:
        return url
    if host.startswith("www."):
        host = host[4:]
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not k.lower().startswith(_TRACKING_PARAMS)]
    path = parts.path.rstrip("/") or "/"
    return f"{host}{path}" + (f"?{urlencode(sorted(query))}" if query else "")


# ---------------------------------------------------------------- pages that are never the cited item
#
# News sites link a country, a club, a disease or a title to a tag, topic or team page, an
# agency's name in a dateline to its homepage, a ticker to a company profile: such a target
# lists stories, it does not carry one. Told from the URL's shape and the anchor that points at it.

# Path segments that open a listing rather than a story: /tag/x, /topic/x, /category/a/b,
# /author/x, /sport/teampages/x.html, /companies/TICKER. A listing segment counts only when
# at most two short segments follow it and none of them looks like a story.
_LISTING = frozenset(
    """tag tags topic topics category categories section sections author authors profile profiles
    people person team teams teampages keyword keywords subject subjects label labels hashtag
    hashtags companies company quote quotes stock stocks symbol symbols ticker tickers search
    channel channels user users members member contributor contributors writer writers columnist
    columnists byline bylines""".split()
)
_SEARCH_KEYS = frozenset("s q query search keyword keywords term searchterm".split())
_HOME_FILES = re.compile(r"^/(?:index|default|home|main)(?:\.\w{2,5})?$", re.I)
_STORY_ID = re.compile(r"\d{4,}")
_EXT = re.compile(r"\.(?:s?html?|php|aspx?|jsp)$", re.I)
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def _segments(path: str) -> list[str]:
    return [s for s in path.split("/") if s]


def _story_like(segment: str) -> bool:
    """A path segment that names one story: a long id, or a slug of five words or more."""
    bare = _EXT.sub("", segment)
    return bool(_STORY_ID.search(bare)) or len([w for w in re.split(r"[-_+]", bare) if w]) >= 5


def _stem(word: str) -> str:
    word = word.lower()
    for suffix in ("ians", "ian", "ese", "ish", "ies", "es", "s", "n"):
        if len(word) - len(suffix) >= 4 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def _keyword_page(segments: list[str], anchor: str) -> bool:
    """The last segment is the anchor itself ("Russian" -> /latest-news/russia.html,
    "Prime Minister" -> /prime-minister): a keyword page, not a story."""
    if not segments or not anchor:
        return False
    slug = [w for w in re.split(r"[-_+.]", _EXT.sub("", segments[-1]).lower()) if w]
    words = [w.lower() for w in _WORD.findall(anchor)]
    if not slug or len(slug) > 3 or not words or len(words) > 4 or _STORY_ID.search(segments[-1]):
        return False
    stems = {_stem(w) for w in words}

    def same(w: str) -> bool:
        w = _stem(w)
        return w in stems or len(w) >= 4 and any(s.startswith(w) or w.startswith(s) for s in stems if len(s) >= 4)

    return all(len(w) >= 3 and same(w) for w in slug)


def navigation_reason(href: str, anchor: str = "", page_url: str | None = None) -> str | None:
    """Why a link target cannot be the cited item (a listing, home, search or profile page,
    a malformed address, the page itself), or None when it may be."""
    try:
        parts = urlsplit(href.strip())
    except ValueError:
        return "malformed"
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return "malformed"
    path = parts.path or "/"
    segments = _segments(path)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    if any(k.lower() in _SEARCH_KEYS for k in query) and not any(_story_like(s) for s in segments):
        return "search page"
    if segments and not any(_WORD.search(s) for s in segments[-1:]):
        return "malformed"  # "/chinafinancialmarkets/=" from a broken href
    if page_url:
        try:
            here = urlsplit(page_url)
            if (here.hostname or "").removeprefix("www.") == (parts.hostname or "").removeprefix("www.") and \
                    here.path.rstrip("/") == parts.path.rstrip("/") and not parts.query:
                return "same page"
        except ValueError:
            pass
    if not segments and not parts.query or _HOME_FILES.match(path) and not parts.query:
        return "homepage"
    lows = [s.lower() for s in segments]
    for i, seg in enumerate(lows):
        if _EXT.sub("", seg) in _LISTING:
            rest = segments[i + 1 :]
            if len(rest) <= 2 and not any(_story_like(s) for s in rest):
                return "search page" if seg == "search" else "listing page"
    if _keyword_page(segments, anchor) and len(segments) <= 3:
        return "keyword page"
    return None


def keyword_links(links) -> set[str]:
    """Links a site's keyword linker put on ordinary words. A site that links three or more
    words of a text to its own keyword pages ("Russian" -> /latest-news/russia.html) links
    others the same way to pages named by the word with a qualifier ("date" ->
    /islam/today-islamic-date.html): on such a page, a link on a word or two to that site,
    whose last path segment is a short name holding the anchor's word (no story id, no long
    slug), is a keyword link too, not a cited item."""
    linker: dict[str, int] = {}
    for link in links:
        if navigation_reason(link.href, link.text) == "keyword page":
            host = registered_domain(link.href)
            linker[host] = linker.get(host, 0) + 1
    sites = {host for host, count in linker.items() if host and count >= 3}
    if not sites:
        return set()
    out = set()
    for link in links:
        words = [w.lower() for w in _WORD.findall(link.text)]
        if not 1 <= len(words) <= 2 or registered_domain(link.href) not in sites:
            continue
        try:
            segments = _segments(urlsplit(link.href).path)
        except ValueError:
            continue
        if not segments or _STORY_ID.search(segments[-1]) or _story_like(segments[-1]):
            continue
        slug = {_stem(w) for w in re.split(r"[-_+.]", _EXT.sub("", segments[-1]).lower()) if w}
        if any(_stem(w) in slug for w in words):
            out.add(link.href)
    return out


_NAME_SMALL = frozenset("of the and at for in on de du la le von van der & a an to".split())
_TIME_WORDS = frozenset(
    """january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday""".split()
)


def is_name_anchor(anchor: str) -> bool:
    """An anchor that only names something: every word capitalised (small words aside),
    no verb-like lower-case word ("Sheffield United", "Christmas at the Playhouse",
    "AIIMS Bhubaneswar", "Covid-19")."""
    words = [w.strip("“”\"'‘’(),.:;!?") for w in anchor.split()]
    words = [w for w in words if w]
    if not words or len(words) > 8:
        return False
    capital = 0
    for w in words:
        if w.lower() in _TIME_WORDS or w.isdigit():
            return False  # "in September", "on Friday": a time phrase, which may carry the citation
        if w[:1].isupper() or w[:1].isdigit():
            capital += 1
        elif w.lower() not in _NAME_SMALL:
            return False
    return capital > 0


_SLUG_SPLIT = re.compile(r"[-_+.]")
_PLAIN_WORD = re.compile(r"[A-Za-z]{4,}")
_SLUG_NOISE = frozenset("news story article html index page post posts view live updates update world politics local".split())


def slug_words(href: str) -> list[str]:
    """The words of a story URL's slug (its longest path segment), lower case, 4 letters or more."""
    try:
        segments = _segments(urlsplit(href).path)
    except ValueError:
        return []
    best: list[str] = []
    for seg in segments:
        words = [w.lower() for w in _SLUG_SPLIT.split(_EXT.sub("", seg)) if _PLAIN_WORD.fullmatch(w)]
        words = [w for w in words if w not in _SLUG_NOISE]
        if len(words) > len(best):
            best = words
    return best


def slug_shares_words(href: str, text: str) -> bool | None:
    """Does a story URL's slug share a word with a text (one of 4 letters or more, or their
    first five letters)? None when the URL has no slug of three words to judge by."""
    slug = slug_words(href)
    if len(slug) < 3:
        return None
    words = {w.lower() for w in _PLAIN_WORD.findall(text)}
    prefixes = {w[:5] for w in words if len(w) >= 5}
    return any(w in words or len(w) >= 5 and w[:5] in prefixes or any(t.startswith(w) or w.startswith(t) for t in words)
               for w in slug)
