"""Dates of pages and of the time phrases in their sentences.

A page's date comes from its metadata first (``Document.published``), then from
the dates a reader sees: a ``<time>`` element, a byline or dateline block, a
"Published 12 March 2021" line. Time phrases ("on Friday", "last week",
"earlier this week", "on 3 March") become a window of days, counted back from
the date of the page that uses them.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from email.utils import parsedate_to_datetime

from tracer.read.html import parse_html, text_of as _text_of

_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sep": 9, "sept": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}
_WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DAY_MONTH_YEAR = re.compile(rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m>{_MONTH})\.?,?\s+(?P<y>(?:19|20)\d\d)\b", re.I)
_MONTH_DAY_YEAR = re.compile(rf"\b(?P<m>{_MONTH})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d\d)\b", re.I)
_ISO_DATE = re.compile(r"\b(?P<y>(?:19|20)\d\d)-(?P<m>\d\d)-(?P<d>\d\d)\b")
_DOTTED = re.compile(r"\b(?P<d>\d{1,2})[./](?P<m>\d{1,2})[./](?P<y>(?:19|20)\d\d)\b")
_SLASHED = re.compile(r"\b(?P<y>(?:19|20)\d\d)/(?P<m>\d{1,2})/(?P<d>\d{1,2})\b")  # citation_publication_date
_LOOSE_ISO = re.compile(r"(?P<y>(?:19|20)\d\d)-?(?P<m>[01]?\d)-?(?P<d>[0-3]?\d)(?:$|[T ])")  # 2020-4-15, 20200413T...
_EXTENDED_ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d")
_SLASHED_MOMENT = re.compile(r"((?:19|20)\d\d)[/.](\d\d)[/.](\d\d)[ T](\d\d:\d\d(?::\d\d)?)")
_DATE_HINT = re.compile(r"date|time|byline|dateline|published|posted|timestamp|meta")  # on lower-cased names


def parse_date(value: str | None) -> date | None:
    """The calendar day of a date string: ISO 8601 or one written out ("12 March 2021")."""
    if not value:
        return None
    value = value.strip()
    try:
        if "T" in value or " " in value.strip()[:19] and value[:4].isdigit():
            return datetime.fromisoformat(value.replace("Z", "+00:00")).date()
        return date.fromisoformat(value[:10])
    except ValueError:
        pass
    m = _LOOSE_ISO.match(value)
    if m:
        try:
            return date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
        except ValueError:
            return None
    found = find_dates(value)
    return found[0] if found else None


def to_iso(value: str | None) -> str | None:
    """A date string as ISO 8601: the moment when it carries a time ("Sun, 11 Oct 2020
    07:34:36 GMT" -> "2020-10-11T07:34:36+00:00"), else the day; None when unreadable."""
    if not value:
        return None
    value = value.strip()
    try:
        if len(value) <= 10:
            return date.fromisoformat(value).isoformat()
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        # ISO 8601 already, as extended: kept as the page wrote it
        return value if _EXTENDED_ISO.match(value) else moment.isoformat()
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(value).isoformat()
    except (TypeError, ValueError, IndexError):
        pass
    m = _SLASHED_MOMENT.match(value)
    if m:
        try:
            return datetime.fromisoformat(f"{m.group(1)}-{m.group(2)}-{m.group(3)}T{m.group(4)}").isoformat()
        except ValueError:
            pass
    day = parse_date(value)
    return day.isoformat() if day else None


def parse_datetime(value: str | None) -> datetime | None:
    """A timezone-aware moment when the string carries a time and a zone, else None."""
    if not value or "T" not in value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def find_dates(text: str) -> list[date]:
    """Dates written with a year in a text, in text order."""
    found: list[tuple[int, date]] = []
    for pattern in (_DAY_MONTH_YEAR, _MONTH_DAY_YEAR, _ISO_DATE, _DOTTED, _SLASHED):
        for m in pattern.finditer(text):
            month = m.group("m")
            month_number = int(month) if month.isdigit() else _MONTHS[month.lower()]
            try:
                found.append((m.start(), date(int(m.group("y")), month_number, int(m.group("d")))))
            except ValueError:
                continue
    found.sort(key=lambda t: t[0])
    return [d for _, d in found]


# <meta> names and properties that carry the publication date, then the last update
# (the common vocabularies: Open Graph, schema.org microdata, Dublin Core, Highwire/Google
# Scholar citation tags, and the names news CMSs write for their own crawlers).
PUBLISHED_META = (
    "article:published_time", "og:published_time", "og:article:published_time", "article:published",
    "datepublished", "date_published", "datecreated", "publishdate", "publish-date", "publish_date",
    "pubdate", "pub_date", "publication_date", "date", "dc.date", "dc.date.issued", "dc.date.created",
    "dcterms.issued", "dcterms.created", "dcterms.date", "citation_publication_date", "citation_date",
    "citation_online_date", "sailthru.date", "parsely-pub-date", "article.published", "article_date_original",
    "original-publish-date", "bt:pubdate", "rnews:datepublished", "og:pubdate", "eomportal-lastupdate",
)
MODIFIED_META = (
    "article:modified_time", "og:updated_time", "og:modified_time", "datemodified", "date_modified",
    "last-modified", "lastmod", "dcterms.modified", "dc.date.modified", "bt:moddate", "article.updated",
)
_URL_DATE = (
    re.compile(r"/(?P<y>(?:19|20)\d\d)[/_-](?P<m>[01]?\d)[/_-](?P<d>[0-3]?\d)(?:[/_.-]|$)"),
    re.compile(r"[/_-](?P<y>(?:19|20)\d\d)(?P<m>[01]\d)(?P<d>[0-3]\d)(?:[/_.-]|$)"),
    re.compile(rf"/(?P<y>(?:19|20)\d\d)/(?P<m>{_MONTH})/(?P<d>[0-3]?\d)/", re.I),
)
_PUBLISHED_LINE = re.compile(r"(?:published|posted|first published|dated|publicado|publié|veröffentlicht)\b[:\s]*(?:on\s+)?(.{0,48})", re.I)
_UPDATED_LINE = re.compile(r"(?:updated|last updated|modified|actualizado|mis à jour|aktualisiert)\b[:\s]*(?:on\s+)?(.{0,48})", re.I)
_EARLIEST_YEAR = 1990


def plausible(day: date | None) -> date | None:
    """A page date between 1990 and next year; None for anything else (a typo, a placeholder)."""
    if day is None or not (_EARLIEST_YEAR <= day.year <= date.today().year + 1):
        return None
    return day


def url_date(url: str | None) -> date | None:
    """The day written in a URL's path (/2021/03/09/, /20210309/, /2021/mar/09/), if any."""
    if not url:
        return None
    path = url.split("?", 1)[0].split("#", 1)[0]
    path = path[path.find("/", path.find("//") + 2) if "//" in path else 0 :]
    for pattern in _URL_DATE:
        m = pattern.search(path)
        if not m:
            continue
        month = m.group("m")
        month_number = int(month) if month.isdigit() else _MONTHS[month.lower()]
        try:
            return plausible(date(int(m.group("y")), month_number, int(m.group("d"))))
        except ValueError:
            continue
    return None


def _hinted(root):
    """Elements whose class, id or itemprop speaks of a date."""
    for el in root.iter():
        if not isinstance(el.tag, str) or el.tag in ("script", "style", "head", "title", "meta", "html", "body"):
            continue
        hint = f"{el.get('class') or ''} {el.get('id') or ''} {el.get('itemprop') or ''}".lower()
        if len(hint) > 2 and _DATE_HINT.search(hint):
            yield el, hint


def _label_before(el) -> str:
    """The text just before an element and its own class: what labels a <time>."""
    prev = el.getprevious()
    before = (prev.tail if prev is not None else (el.getparent().text if el.getparent() is not None else None)) or ""
    return f"{el.get('class') or ''} {el.get('itemprop') or ''} {before[-40:]}".lower()


def visible_dates(root, times_only: bool = False) -> tuple[date | None, date | None]:
    """(published, updated): the dates a reader sees on a page — a <time>, a byline or
    dateline block, a "Published 12 March 2021" or "Updated ..." line (times_only: the
    <time> elements alone, a quick look)."""
    published = updated = None
    for el in root.iter("time"):
        found = plausible(parse_date(el.get("datetime")) or next(iter(find_dates(_text_of(el))), None))
        if not found:
            continue
        label = _label_before(el)
        if ("updat" in label or "modif" in label) and "publish" not in label:
            updated = updated or found
        elif published is None:
            published = found
    if published or times_only:
        return published, updated
    for el, hint in _hinted(root):
        text = _text_of(el)
        if len(text) > 300:
            continue
        dates = [d for d in find_dates(text) if plausible(d)]
        if dates:
            if "updat" in hint.lower() or "modif" in hint.lower():
                updated = updated or dates[0]
                continue
            # "Published 1 March 2021 · Updated 5 March 2021" in one byline block
            upd = _UPDATED_LINE.search(text)
            later = [d for d in find_dates(upd.group(1)) if plausible(d)] if upd else []
            if later:
                updated = updated or later[0]
                before = [d for d in find_dates(text[: upd.start()]) if plausible(d)]
                dates = before or [d for d in dates if d != later[0]]
            if dates:
                return dates[0], updated
    body = root.find("body")
    text = _text_of(body if body is not None else root)
    for m in _PUBLISHED_LINE.finditer(text):
        dates = [d for d in find_dates(m.group(1)) if plausible(d)]
        if dates:
            published = dates[0]
            break
    for m in _UPDATED_LINE.finditer(text):
        dates = [d for d in find_dates(m.group(1)) if plausible(d)]
        if dates:
            updated = updated or dates[0]
            break
    return published, updated


def visible_date(html: str | bytes | None) -> date | None:
    """The publication date a reader sees on a page (see visible_dates)."""
    if not html:
        return None

    root = parse_html(html)
    if root is None:
        return None
    return visible_dates(root)[0]


def page_date(published: str | None, html: str | bytes | None = None, source: str | None = None) -> tuple[date | None, str | None]:
    """(day, where it came from) for a page: "metadata", "url", "visible" or "htmldate" as
    tracer.read.extract found it (source), else "metadata" for a published string and a
    look at the visible page; (None, None) when it shows no date."""
    day = parse_date(published)
    if day:
        return day, source or "metadata"
    day = visible_date(html)
    return (day, "visible") if day else (None, None)


def is_after(later: str | None, earlier: str | None) -> bool:
    """Is the first date strictly after the second? Times are compared when both carry a zone."""
    a, b = parse_datetime(later), parse_datetime(earlier)
    if a is not None and b is not None:
        return a > b
    da, db = parse_date(later), parse_date(earlier)
    return da is not None and db is not None and da > db


# ---------------------------------------------------------------- time phrases

_PHRASES = [
    (re.compile(r"\byesterday\b", re.I), "yesterday"),
    (re.compile(r"\btoday\b|\bthis (?:morning|afternoon|evening)\b", re.I), "today"),
    (re.compile(r"\b(?:earlier|later)? ?this week\b", re.I), "this-week"),
    (re.compile(r"\blast week\b|\bthe previous week\b|\ba week ago\b", re.I), "last-week"),
    (re.compile(r"\b(?:earlier )?this month\b", re.I), "this-month"),
    (re.compile(r"\blast month\b", re.I), "last-month"),
    (re.compile(r"\b(?:last|on|this past|earlier on)\s+(?P<wd>monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b", re.I), "weekday"),
    (re.compile(rf"\bon\s+(?:(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m1>{_MONTH})|(?P<m2>{_MONTH})\.?\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?)\b", re.I), "day"),
    (re.compile(rf"\bin\s+(?P<m3>{_MONTH})\b", re.I), "month"),
]


def time_window(text: str, reference: date | None) -> tuple[date, date] | None:
    """The days a time phrase in text points to, counted back from reference (inclusive).

    "on Friday" in a page of Saturday 13 March 2021 is (12 March, 12 March); "last
    week" is the Monday-to-Sunday week before the reference's week.
    """
    if reference is None or not text:
        return None
    for pattern, kind in _PHRASES:
        m = pattern.search(text)
        if not m:
            continue
        if kind == "yesterday":
            day = reference - timedelta(days=1)
            return day, day
        if kind == "today":
            return reference, reference
        monday = reference - timedelta(days=reference.weekday())
        if kind == "this-week":
            return monday, reference
        if kind == "last-week":
            return monday - timedelta(days=7), monday - timedelta(days=1)
        if kind == "this-month":
            return reference.replace(day=1), reference
        if kind == "last-month":
            end = reference.replace(day=1) - timedelta(days=1)
            return end.replace(day=1), end
        if kind == "weekday":
            back = (reference.weekday() - _WEEKDAYS[m.group("wd").lower()]) % 7
            if back == 0 and m.group(0).lower().startswith("last"):
                back = 7
            day = reference - timedelta(days=back)
            return day, day
        if kind == "day":
            month = _MONTHS[(m.group("m1") or m.group("m2")).lower()]
            day_number = int(m.group("d1") or m.group("d2"))
            year = reference.year if (month, day_number) <= (reference.month, reference.day) else reference.year - 1
            try:
                day = date(year, month, day_number)
            except ValueError:
                return None
            return day, day
        if kind == "month":
            month = _MONTHS[m.group("m3").lower()]
            if m.group("m3").lower() == "may" and m.group("m3")[0].islower():
                continue  # "in may" is a verb phrase more often than a month
            year = reference.year if month <= reference.month else reference.year - 1
            start = date(year, month, 1)
            end = (date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1))
            return start, min(end, reference)
    return None



# ---------------------------------------------------------------- a page's own dates


def _meta_value(meta: dict[str, str], names) -> str | None:
    for name in names:
        value = meta.get(name)
        if value and plausible(parse_date(value)):
            return value.strip()
    return None


def _ld_value(ld: list[dict], key: str) -> str | None:
    for obj in ld:
        value = obj.get(key)
        if isinstance(value, list):
            value = value[0] if value else None
        if isinstance(value, str) and plausible(parse_date(value)):
            return value.strip()
    return None


def _itemprop_value(root, prop: str) -> str | None:
    for el in root.xpath(f"//*[@itemprop='{prop}']"):
        value = el.get("content") or el.get("datetime") or (el.text or "").strip()
        if value and plausible(parse_date(value)):
            return value.strip()
    return None


def read_dates(root, url: str, meta: dict[str, str], ld: list[dict], html: str | bytes | None = None,
               itemprops: bool | None = None) -> dict[str, str | None]:
    """The page's publication date and where it came from, and its last update, kept apart.

    Published: the page's metadata (JSON-LD, Open Graph, microdata, Dublin Core, citation
    tags), else the day in its URL, else the date a reader sees ("Published 12 March 2021",
    a <time>, a dateline), else htmldate's deeper search of the page. When the metadata's
    moment falls a day off the URL's day, it was written in another time zone: the URL's
    day is the publisher's own. Modified: metadata, else an "Updated ..." date on the page.
    """
    microdata = itemprops is None or itemprops  # the page has itemprop attributes (or we do not know)
    published = _ld_value(ld, "datePublished") or _meta_value(meta, PUBLISHED_META) or (
        microdata and _itemprop_value(root, "datePublished")) or None
    source = "metadata" if published else None
    modified = _ld_value(ld, "dateModified") or _meta_value(meta, MODIFIED_META) or (
        microdata and _itemprop_value(root, "dateModified")) or None
    from_url = url_date(url)
    moment = _utc_moment(published) if published and not from_url else None
    if moment is not None:
        # a moment in UTC: on the publisher's clock it may be the day before (west of
        # Greenwich, before noon UTC) or after (east, from 10:00 UTC); the day the page
        # shows its readers decides
        seen = visible_dates(root, times_only=True)[0]  # a quick look: the page's <time> elements
        day = moment.date()
        if seen and (seen == day - timedelta(days=1) and moment.hour < 12 or seen == day + timedelta(days=1) and moment.hour >= 10):
            published, source = seen.isoformat(), "visible"
    if published and from_url:
        day = parse_date(published)
        if day and day != from_url and abs((day - from_url).days) == 1:
            published, source = from_url.isoformat(), "url"
    elif from_url:
        published, source = from_url.isoformat(), "url"
    if not published or not modified and source != "metadata":
        seen, updated = visible_dates(root)
        if not published and seen:
            published, source = seen.isoformat(), "visible"
        if not modified and updated and (not published or updated > (parse_date(published) or updated)):
            modified = updated.isoformat()
    if not published and html:
        day = _htmldate(html, url)
        if day:
            published, source = day.isoformat(), "htmldate"
    return {"published": to_iso(published), "published_source": source if published else None, "modified": to_iso(modified)}


def _utc_moment(value: str) -> datetime | None:
    moment = parse_datetime(to_iso(value))
    return moment if moment is not None and moment.utcoffset() is not None and not moment.utcoffset() else None


def _htmldate(html: str | bytes, url: str) -> date | None:
    """htmldate's search (its deeper rules: free-text dates in many languages, scoring)."""
    try:
        import htmldate
    except ImportError:  # pragma: no cover - a declared dependency
        return None

    tree = parse_html(html)  # a tree, never a string: htmldate fetches a string that looks like a URL
    if tree is None:
        return None
    try:
        # the quick search first (markup and patterns); the extensive one (free text in many
        # languages, with dateparser) only when it finds nothing: both agree when both answer
        found = htmldate.find_date(tree, url=url or None, original_date=False, extensive_search=False)
        if not found:
            found = htmldate.find_date(tree, url=url or None, original_date=False, extensive_search=True)
    except Exception:  # a third-party search failing on a strange page is no reason to fail the page
        return None
    day = plausible(parse_date(found)) if found else None
    if day and (day.month, day.day) == (1, 1):
        return None  # htmldate's last resort: a copyright year, written as 1 January
    return day
