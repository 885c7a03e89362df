"""Raters' scores for news domains: import any rater's CSV, list raters, look a URL up.

A rater (NewsGuard, MBFC, Ad Fontes, the Lin et al. 2023 aggregate, a newsroom's own
list) judges whole outlets. tracer stores each rater's list as given, with the rater's
name, the date the list is "as of" and its scale, and shows every rater's score side by
side with its date: never one merged number, and "unrated" (the rater has no entry for
the domain) is kept distinct from a low score.

Entries are matched the way raters write them: an entry may be a host
(``www.xinhuanet.com``), a registered domain (``xinhuanet.com``, which also covers
``news.xinhuanet.com``) or a host with a path (``theguardian.com/observer``, which covers
``https://www.theguardian.com/observer/...`` but not the rest of theguardian.com). The
most specific entry wins: the longest path first, then the exact host, then ``www.``
dropped, then parent domains down to the registered domain.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Iterable

from sqlite_utils import Database

from tracer.web.urls import registered_domain

_DOMAIN_COLUMNS = ("domain", "site", "host", "url", "source", "outlet", "website")
_SCORE_COLUMNS = ("score", "rating", "pc1", "value", "quality", "reliability")


class RatingsError(Exception):
    """A rater's file cannot be imported as asked (the message says why)."""


@dataclass
class Scale:
    """A rater's scale: ``worst`` is the lowest-quality score, ``best`` the highest.

    ``--scale 0:100`` is the usual order; ``--scale 5:1`` says 5 is worst and 1 best.
    """

    worst: float
    best: float

    @classmethod
    def parse(cls, text: str) -> "Scale":
        m = re.fullmatch(r"\s*(-?\d+(?:\.\d+)?)\s*:\s*(-?\d+(?:\.\d+)?)\s*", text or "")
        if not m:
            raise RatingsError(f"scale {text!r} is not MIN:MAX (for example 0:1 or 0:100)")
        worst, best = float(m.group(1)), float(m.group(2))
        if worst == best:
            raise RatingsError(f"scale {text!r} has no range")
        return cls(worst, best)

    def __str__(self) -> str:
        return f"{_num(self.worst)}:{_num(self.best)}"

    def contains(self, value: float) -> bool:
        return min(self.worst, self.best) <= value <= max(self.worst, self.best)

    def normalise(self, value: float) -> float:
        """0 = the rater's worst, 1 = its best."""
        return round((value - self.worst) / (self.best - self.worst), 6)


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def domain_key(entry: str) -> str | None:
    """A rater's entry as tracer stores it: lower case, no scheme, no trailing slash.

    ``https://www.TheGuardian.com/observer/`` -> ``www.theguardian.com/observer``. The
    ``www.`` is kept: some raters rate ``www.x.com`` and ``x.com`` differently.
    """
    text = (entry or "").strip().strip('"').strip().lower()
    if not text:
        return None
    text = re.sub(r"^[a-z][a-z0-9+.\-]*://", "", text)
    text = text.split("?", 1)[0].split("#", 1)[0]
    host, _, path = text.partition("/")
    host = host.split("@")[-1].split(":")[0].rstrip(".")
    if host and not host.isascii():
        if not all(c.isascii() or c.isalnum() for c in host):
            return None  # "wvec–13newsnow.com": an en dash is a typo in the list, not a domain
        try:
            host = host.encode("idna").decode("ascii")  # raters and URLs meet in punycode
        except UnicodeError:
            return None
    if not host or "." not in host or not re.fullmatch(r"[a-z0-9.\-_]+", host):
        return None
    path = path.strip("/")
    return f"{host}/{path}" if path else host


def lookup_keys(url_or_host: str) -> list[str]:
    """The entries that could rate a URL, most specific first.

    >>> lookup_keys("https://www.theguardian.com/observer/2019/x")[:4]
    ['www.theguardian.com/observer/2019/x', 'theguardian.com/observer/2019/x', 'www.theguardian.com/observer/2019', 'theguardian.com/observer/2019']
    """
    key = domain_key(url_or_host)
    if key is None:
        return []
    host, _, path = key.partition("/")
    hosts = [host] + ([host[4:]] if host.startswith("www.") and host.count(".") >= 2 else [])
    segments = [s for s in path.split("/") if s][:8]
    keys: list[str] = []
    for n in range(len(segments), -1, -1):
        suffix = "/".join(segments[:n])
        for h in hosts:
            keys.append(f"{h}/{suffix}" if suffix else h)
    # parent domains, without paths, down to the registered domain (never a bare public suffix)
    base = registered_domain(hosts[-1]) or hosts[-1]
    labels = hosts[-1].split(".")
    for i in range(1, len(labels)):
        parent = ".".join(labels[i:])
        if len(parent) < len(base):
            break
        keys.append(parent)
    seen: set[str] = set()
    return [k for k in keys if not (k in seen or seen.add(k))]


@dataclass
class ImportResult:
    rater: str
    as_of: str
    source_file: str
    domain_column: str
    score_column: str
    scale: str
    imported: int = 0
    skipped: list[str] = field(default_factory=list)  # one line per skipped row, with why
    duplicates: int = 0
    replaced: int = 0  # rows of an earlier import of the same rater and date, replaced

    def to_json(self) -> dict[str, Any]:
        return {
            "rater": self.rater,
            "as_of": self.as_of,
            "source_file": self.source_file,
            "domain_column": self.domain_column,
            "score_column": self.score_column,
            "scale": self.scale,
            "imported": self.imported,
            "skipped": len(self.skipped),
            "duplicates": self.duplicates,
            "replaced": self.replaced,
        }


def _valid_date(text: str) -> str:
    try:
        return date.fromisoformat(text.strip()).isoformat()
    except (ValueError, AttributeError):
        raise RatingsError(f"--as-of {text!r} is not a date (YYYY-MM-DD)") from None


def _pick_column(header: list[str], wanted: str | None, preferred: Iterable[str], what: str,
                 exclude: str | None = None) -> str:
    lowered = {h.strip().lower(): h for h in header}
    if wanted is not None:
        if wanted in header:
            return wanted
        if wanted.strip().lower() in lowered:
            return lowered[wanted.strip().lower()]
        raise RatingsError(f"no column {wanted!r} in the file (columns: {', '.join(header)})")
    for name in preferred:
        if name in lowered and lowered[name] != exclude:
            return lowered[name]
    raise RatingsError(f"cannot tell which column holds the {what} (columns: {', '.join(header)}); "
                       f"give --{what}-column")


def _read_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RatingsError(f"cannot read {path}: {exc.strerror or exc}") from None
    if b"\x00" in raw[:65536]:
        raise RatingsError(f"{path} is not a CSV file (binary data)")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    sample = text[:20000]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    # newline="": a file saved with bare \r line ends (old Mac Excel) reads as rows, not one field
    reader = csv.DictReader(io.StringIO(text, newline=""), dialect=dialect)
    try:
        if not reader.fieldnames:
            raise RatingsError(f"{path} is empty or has no header row")
        return [f for f in reader.fieldnames if f is not None], list(reader)
    except csv.Error as exc:  # binary data, a NUL byte, a broken quote
        raise RatingsError(f"{path} is not a readable CSV file: {exc}") from None


def _to_float(text: str | None) -> float | None:
    if text is None:
        return None
    text = text.strip().replace("%", "")
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value == value else None  # NaN is no score


def import_csv(
    db: Database,
    path: str | Path,
    *,
    rater: str,
    as_of: str,
    domain_column: str | None = None,
    score_column: str | None = None,
    scale: str | Scale | None = None,
) -> ImportResult:
    """Store a rater's list of domain scores (replacing an earlier import of the same rater and date).

    Without ``scale``, scores all within 0..1 are read as 0:1, within 0..100 as 0:100;
    any other range needs an explicit scale.
    """
    rater = (rater or "").strip()
    if not rater:
        raise RatingsError("--rater is empty")
    as_of = _valid_date(as_of)
    path = Path(path)
    header, rows = _read_rows(path)
    dcol = _pick_column(header, domain_column, _DOMAIN_COLUMNS, "domain")
    if score_column is None:
        try:
            scol = _pick_column(header, None, _SCORE_COLUMNS, "score", exclude=dcol)
        except RatingsError:
            # the one numeric column other than the domain's
            numeric = [h for h in header if h != dcol and rows and
                       sum(_to_float(r.get(h)) is not None for r in rows[:50]) >= max(1, len(rows[:50]) // 2)]
            if len(numeric) != 1:
                raise
            scol = numeric[0]
    else:
        scol = _pick_column(header, score_column, (), "score")
    parsed: dict[str, float] = {}
    result = ImportResult(rater, as_of, str(path.resolve()), dcol, scol, "")
    for line, row in enumerate(rows, start=2):
        key = domain_key(row.get(dcol) or "")
        value = _to_float(row.get(scol))
        if key is None:
            result.skipped.append(f"line {line}: {row.get(dcol)!r} is not a domain")
            continue
        if value is None:
            result.skipped.append(f"line {line}: {key}: score {row.get(scol)!r} is not a number")
            continue
        if key in parsed:
            result.duplicates += 1
        parsed[key] = value
    if not parsed:
        raise RatingsError(f"no rows with a domain and a numeric score in {path} "
                           f"(domain column {dcol!r}, score column {scol!r})")
    if scale is None:
        lo, hi = min(parsed.values()), max(parsed.values())
        if lo >= 0 and hi <= 1:
            scale_obj = Scale(0, 1)
        elif lo >= 0 and hi <= 100:
            scale_obj = Scale(0, 100)
        else:
            raise RatingsError(f"scores run from {_num(lo)} to {_num(hi)}: give the rater's scale with "
                               "--scale MIN:MAX (worst:best)")
    else:
        scale_obj = scale if isinstance(scale, Scale) else Scale.parse(scale)
    result.scale = str(scale_obj)
    for key, value in list(parsed.items()):
        if not scale_obj.contains(value):
            result.skipped.append(f"{key}: score {_num(value)} is outside the scale {scale_obj}")
            del parsed[key]
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    from tracer.store import utcnow  # late: store imports schema, which is fine, but keep this module light

    with db.atomic():
        result.replaced = db["ratings"].count_where("rater = ? and as_of = ?", [rater, as_of])
        db.execute("delete from ratings where rater = ? and as_of = ?", [rater, as_of])
        db.execute("delete from rating_imports where rater = ? and as_of = ?", [rater, as_of])
        db["ratings"].insert_all(
            (
                {
                    "rater": rater,
                    "domain": key,
                    "score": value,
                    "normalised": scale_obj.normalise(value),
                    "as_of": as_of,
                    "scale": str(scale_obj),
                    "source_file": result.source_file,
                }
                for key, value in parsed.items()
            ),
            batch_size=2000,
        )
        db["rating_imports"].insert(
            {
                "rater": rater,
                "as_of": as_of,
                "scale": str(scale_obj),
                "source_file": result.source_file,
                "sha256": digest,
                "domain_column": dcol,
                "score_column": scol,
                "domains": len(parsed),
                "skipped": len(result.skipped),
                "imported_at": utcnow(),
            }
        )
    result.imported = len(parsed)
    return result


def list_raters(db: Database) -> list[dict[str, Any]]:
    """Every imported list: rater, as-of date, scale, how many domains, where it came from."""
    return list(db.query(
        "select rater, as_of, scale, domains, skipped, source_file, sha256, imported_at "
        "from rating_imports order by rater, as_of"
    ))


def _latest_imports(db: Database) -> list[dict[str, Any]]:
    """The latest list of each rater (the one shown on hops)."""
    return list(db.query(
        "select rater, max(as_of) as as_of, scale from rating_imports group by rater order by rater"
    ))


def lookup(db: Database | None, url_or_host: str | None) -> list[dict[str, Any]]:
    """Every rater's score for the domain of a URL, side by side (latest list of each rater).

    A rated entry: ``{"rater", "as_of", "score", "scale", "normalised", "domain", "status": "rated"}``
    (``domain`` is the rater's entry that matched, e.g. ``theguardian.com/observer``);
    a rater with no entry: ``{"rater", "as_of", "score": None, "status": "unrated"}``.
    """
    if db is None or not url_or_host or "ratings" not in db.table_names():
        return []
    imports = _latest_imports(db)
    if not imports:
        return []
    keys = lookup_keys(url_or_host)
    rank = {k: i for i, k in enumerate(keys)}
    found: dict[tuple[str, str], dict[str, Any]] = {}
    if keys:
        marks = ",".join("?" for _ in keys)
        for row in db.query(f"select rater, as_of, domain, score, normalised, scale from ratings "
                            f"where domain in ({marks})", keys):
            slot = (row["rater"], row["as_of"])
            if slot not in found or rank[row["domain"]] < rank[found[slot]["domain"]]:
                found[slot] = row
    out = []
    for imp in imports:
        row = found.get((imp["rater"], imp["as_of"]))
        if row is None:
            out.append({"rater": imp["rater"], "as_of": imp["as_of"], "score": None, "status": "unrated"})
        else:
            out.append({
                "rater": row["rater"],
                "as_of": row["as_of"],
                "score": row["score"],
                "scale": row["scale"],
                "normalised": row["normalised"],
                "domain": row["domain"],
                "status": "rated",
            })
    return out


def describe(rating: dict[str, Any]) -> str:
    """One rating in words: "Lin et al. 2023 (2023-08-25): 0.75 on 0:1 for theguardian.com"."""
    if rating.get("score") is None:
        return f"{rating['rater']} ({rating['as_of']}): unrated"
    return (f"{rating['rater']} ({rating['as_of']}): {_num(round(rating['score'], 3))} on {rating['scale']} "
            f"for {rating['domain']}")
