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
_DATE_HINT = re.compile(r"date|time|byline|dateline|published|posted|timestamp|meta", re.I)


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
    found = find_dates(value)
    return found[0] if found else None


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


def visible_date(html: str | bytes | None) -> date | None:
    """The date a reader sees on a page: a <time>, a byline or dateline block, a "Published" line."""
    if not html:
        return None
    from tracer.read.extract import parse_html

    root = parse_html(html)
    if root is None:
        return None
    for el in root.iter("time"):
        found = parse_date(el.get("datetime")) or next(iter(find_dates(el.text_content())), None)
        if found:
            return found
    for el in root.iter():
        if not isinstance(el.tag, str) or el.tag in ("script", "style", "head", "title", "meta"):
            continue
        hint = f"{el.get('class') or ''} {el.get('id') or ''} {el.get('itemprop') or ''}"
        if not _DATE_HINT.search(hint):
            continue
        text = el.text_content()
        if len(text) > 300:
            continue
        dates = find_dates(text)
        if dates:
            return dates[0]
    body = root.find("body")
    text = (body if body is not None else root).text_content()
    m = re.search(r"(?:published|posted|updated|dated)\b[:\s]*(?:on\s+)?(.{0,40})", text, re.I)
    if m:
        dates = find_dates(m.group(1))
        if dates:
            return dates[0]
    return None


def page_date(published: str | None, html: str | bytes | None = None) -> tuple[date | None, str | None]:
    """(day, "metadata" | "visible") for a page; (None, None) when it shows no date."""
    day = parse_date(published)
    if day:
        return day, "metadata"
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

