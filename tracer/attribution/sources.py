"""Canonical names and kinds of attribution sources.

"the message Reuters" -> ("Reuters", "outlet"); "a United Nations (UN) confidential report"
-> ("a UN confidential report", "document"); "sources familiar with the matter" ->
("sources familiar with the matter", "anonymous"). Pure string work on a source phrase.
"""

from __future__ import annotations

import re

from tracer.attribution import lexicon as lx

# Wire services by name: the agencies, "news/press/wire agency|service", and a name whose head
# is Wire or Newswire ("Nordic Wire"): how wire services name themselves. A byline naming one
# makes the wire the story's source (resolve.wire_byline); the judge calls it a wire service.
WIRE_NAMES = re.compile(r"\b(?:reuters|associated press|AP|AFP|agence france[- ]presse|dpa|xinhua|tass|interfax|"
                        r"kyodo|jiji|yonhap|ANSA|EFE|UPI|PA media|press association|anadolu|bernama|"
                        r"press trust of india|PTI|AAP)\b|\b(?:news|press|wire) (?:agency|service)\b"
                        r"|\b(?:news)?wire\s*$", re.I)


def is_wire_service(name: str | None) -> bool:
    return bool(name and WIRE_NAMES.search(name.strip()))


_PAREN_ABBREV = re.compile(r"([A-Z][\w.\-]*(?:\s+(?:of|the|for|and|on|[A-Z][\w.\-]*))*)\s*\(([A-Z][A-Z.\-]{1,9})\)")
SPACES = re.compile(r"\s+")
_PAREN = re.compile(r"\s*\([^()]*\)?")
_LEAD_DET = re.compile(r"^(?:the|a|an|this|that|these|those)\s+", re.IGNORECASE)


def canonical_source(raw: str) -> tuple[str | None, str]:
    """A readable canonical name and a kind for a source phrase."""
    s = SPACES.sub(" ", raw).strip(" ,.;:—–-\"'“”‘’()")
    if not s:
        return None, "unknown"
    low = s.lower()
    if low in lx.PRONOUNS or low in ("i", "we", "you"):
        return s, "unknown"  # resolved later from the context
    # "data provided by East Security" -> East Security
    m = re.match(r"^(?:the\s+|some\s+)?(\w+)\s+(?:provided|published|released|compiled|collected|gathered)?\s*(?:by|from)\s+(.+)$", s, re.IGNORECASE)
    if m and m.group(1).lower() in lx.CARRIER_WORDS:
        return canonical_source(m.group(2))
    # "United Nations (UN)" -> "UN"
    s = _PAREN_ABBREV.sub(lambda mm: mm.group(2), s)
    if "(" in s:  # "Kasich (who has 25 delegates)", "Sen. Chris Murphy (D-Conn.)"
        s = _PAREN.sub("", s).strip(" ,") or s
    words = s.split()
    lows = [w.lower().strip(",.") for w in words]
    kind = _kind(words, lows)
    # The name ends where the name ends: "the Harbor Tribune, the worst year for ..." and
    # "GreenWatch, the group that organised ..." are Harbor Tribune and GreenWatch. What follows
    # the comma told the kind; it is not part of the name.
    head = _before_appositive(s)
    if head is not None and kind != "document":
        words = head.split()
        lows = [w.lower().strip(",.") for w in words]
    # Drop determiners and generic outlet words around a name: "the message Reuters".
    if kind == "outlet":
        kept = [w for w, lw in zip(words, lows) if lw not in lx.OUTLET_DESCRIPTORS and lw not in lx.DETERMINERS]
        if kept and any(w[:1].isupper() for w in kept):
            if " ".join(kept).lower() not in lx.OUTLET_NAMES:
                # "Nordic Wire Agency": capitalised descriptors belong to an unknown name
                kept = [w for w, lw in zip(words, lows) if w[:1].isupper() or lw not in lx.OUTLET_DESCRIPTORS and lw not in lx.DETERMINERS]
            words = kept
    name = " ".join(words)
    if kind in ("person", "organisation", "outlet", "anonymous"):
        name = _LEAD_DET.sub("", name)
    elif kind == "document":
        name = _document_name(words, lows)
    return name.strip(" ,") or None, kind


def _before_appositive(s: str) -> str | None:
    """The name before ", <description>": a comma after a capitalised name, then a description (a
    lower-case word in it: "the worst year ...", "Ashby Bank chair", "45, a nurse"), never another
    name ("Smith, Jones & Co", "Sen. X, D-Conn.", "Bank of America, N.A.")."""
    head, comma, tail = s.partition(", ")
    if not comma or not tail:
        return None
    named = [w for w in head.split() if w.lower() not in lx.DETERMINERS]
    if not named or not any(w[:1].isupper() for w in named):
        return None
    words = [w.strip("“\"'‘’”().,;:") for w in tail.split()]
    described = any(w[:1].islower() and w.lower() not in _NAME_JOINERS for w in words if w) or words[0][:1].isdigit()
    return head if described else None


_NAME_JOINERS = frozenset("of and the for de la du van von der den y & on at in".split())


_KEPT_PARTICIPLES = frozenset("obtained seen reviewed leaked published appeared".split())
_DROPPED_PARTICIPLES = frozenset("created conducted commissioned compiled prepared written issued released carried produced done made".split())


def _document_name(words: list[str], lows: list[str]) -> str:
    """"a report created by “independent experts” and submitted ..." -> "a report by
    independent experts"; "The UN report" -> "UN report"; "a study published in the
    Journal of X" keeps the journal, "accounts obtained by the Herald" keeps the outlet."""
    head = head_index(lows) or 0
    kept = words[: head + 1]
    rest = lows[head + 1 :]
    k = head + 1
    if rest and rest[0] in _KEPT_PARTICIPLES and len(rest) > 1 and rest[1] in ("by", "in"):
        kept += [words[k], words[k + 1]]
        k += 2
    elif rest and rest[0] in _DROPPED_PARTICIPLES and len(rest) > 1 and rest[1] == "by":
        kept += ["by"]
        k += 2
    elif rest and rest[0] in ("by", "from"):
        kept += [words[k]]
        k += 1
    elif len(rest) > 1 and rest[1] == "by" and rest[0] not in ("and", "which", "that"):
        kept += ["by"]  # "a report submitted by ..."
        k += 2
    else:
        k = len(words)
    if k < len(words):
        by = _name_run(words[k:], lows[k:])
        if by and kept[-1].lower() == "from" and not any(w[:1].isupper() for w in by):
            by = []  # "documents from his 1995 tax return": no named agent
        if by:
            kept += by
        else:
            kept = kept[: head + 1]
    if kept and kept[0].lower() in ("the", "this", "that", "these", "those"):
        kept = kept[1:]
    elif kept and kept[0].lower() == "an":
        kept = ["a"] + kept[1:]
    return " ".join(w.strip("“”\"'‘’,") for w in kept if w.strip("“”\"'‘’,"))


def _name_run(words: list[str], lows: list[str]) -> list[str]:
    """The agent after "by": "independent experts", "researchers at the University of
    Nordvik", "the Nordvik Herald" (up to a comma or a word that starts a new phrase)."""
    out: list[str] = []
    capital = False
    for i, (w, lw) in enumerate(zip(words, lows)):
        bare = w.strip("“”\"'‘’")
        if not bare:
            continue
        nxt = next((x.strip("“”\"'‘’") for x in words[i + 1 : i + 3] if x.strip("“”\"'‘’").lower() not in ("the", "a", "an")), "")
        if lw in ("at", "of", "the", "for", "and", "&", "from") and nxt[:1].isupper() and (out or lw == "the"):
            out.append(w)
        elif bare[:1].isupper() or bare[:1].isdigit():
            out.append(w)
            capital = True
        elif not capital and lw not in ("and", "to", "on", "in", "for", "at", "with", "which", "that", "who", "of", "from"):
            out.append(w)
        else:
            break
        if w.endswith(","):
            break
    return out


def _kind(words: list[str], lows: list[str]) -> str:
    joined = " ".join(w for w in lows if w not in lx.DETERMINERS)
    head = head_index(lows, [w.endswith(",") for w in words])
    head_low = lows[head] if head is not None else ""
    if joined in lx.OUTLET_NAMES or _has_outlet_phrase(lows) or any(w in lx.OUTLET_NAMES and words[i][:1].isupper() and (len(w) > 3 or words[i].isupper()) for i, w in enumerate(lows)):
        if head_low not in lx.DOCUMENT_WORDS and head_low not in lx.PERSON_WORDS and head_low not in lx.ANONYMOUS_WORDS and head_low not in _NOT_OUTLET_HEADS:
            return "outlet"
    if head_low in ("figure", "figures") and head and any(w in _PEOPLE_FIGURES for w in lows[:head]):
        # "senior government figures", "a leading party figure": people, not numbers
        return "person" if _has_person_name(words, lows, head) else "anonymous"
    if head_low in lx.DOCUMENT_WORDS:
        return "document"
    named = any(w[:1].isupper() for w in words[1:] if w.lower() not in lx.ORGANISATION_WORDS) or (words and words[0][:1].isupper() and lows[0] not in lx.DETERMINERS)
    if head_low in lx.ANONYMOUS_WORDS and not _has_person_name(words, lows, head):
        return "anonymous"
    if head_low in lx.OUTLET_WORDS and named:
        return "outlet"
    if head_low not in lx.ORGANISATION_WORDS and not any(w in lx.PERSON_WORDS or w in lx.PERSON_TITLES for w in lows) and any(
        words[i][:1].isupper() and (w in lx.OUTLET_WORDS or len(w) > 6 and w.endswith(lx.OUTLET_SUFFIXES)) for i, w in enumerate(lows)
    ):
        return "outlet"  # "Radio Nordvik", "the Daily Ledger", "Nordwire"
    if head_low in lx.PERSON_WORDS:
        return "person"
    if head_low in lx.ORGANISATION_WORDS or (head is not None and (_acronym_in(words[head]) or _camel_case(words[head]))):
        return "organisation"
    if head is not None and head == len(words) - 1 and words[head][:1].isupper() and lows[head] not in lx.ORGANISATION_WORDS and any(
        w.strip(".") in lx.PERSON_TITLES or w in lx.PERSON_WORDS for w in lows[:head]
    ):
        return "person"  # "Democratic National Committee Chairman Ed Rendell"
    if any(w in lx.ORGANISATION_WORDS and words[i][:1].isupper() for i, w in enumerate(lows)) and not _has_person_name(words, lows, head):
        return "organisation"
    if head_low in lx.PERSON_WORDS or named:
        return "person"
    if head_low in ("group", "company", "firm", "government", "agency", "administration", "campaign", "committee"):
        return "organisation"
    return "unknown"


# Modifiers that make "figures" people ("senior government figures"), not numbers.
_PEOPLE_FIGURES = frozenset("senior leading prominent high-ranking high-profile influential well-placed veteran powerful respected".split())

# Heads that make "the Post Office", "the Times Council" an organisation, not an outlet.
_NOT_OUTLET_HEADS = frozenset("office ministry department council committee court bank university school hospital police party".split())

_SURNAME_PREFIX = re.compile(r"^(?:Mc|Mac|De|Di|Da|Du|La|Le|Van|Von|St|O')")


def _camel_case(word: str) -> bool:
    """"WeWork", "PayPal", "YouTube": a capital after a lower-case letter names a brand
    (but "McConnell", "DeSantis", "LaGuardia" are surnames)."""
    word = _SURNAME_PREFIX.sub("", word)
    return any(a.islower() and b.isupper() for a, b in zip(word, word[1:]))


def _acronym_in(word: str) -> bool:
    """"UN", "Group-IB": an all-capitals part of two letters or more."""
    return any(1 < len(p) <= 4 and p.isupper() and p.isalpha() for p in word.split("-"))


_OUTLET_MULTI = frozenset(p for p in lx.OUTLET_NAMES if " " in p)
_OUTLET_MAX_WORDS = max(len(p.split()) for p in _OUTLET_MULTI)


def _has_outlet_phrase(lows: list[str]) -> bool:
    """Does a multi-word outlet name ("new york times") occur in the words?"""
    words = [w.strip(",.’'") for w in lows]
    for n in range(2, _OUTLET_MAX_WORDS + 1):
        for i in range(len(words) - n + 1):
            if " ".join(words[i : i + n]) in _OUTLET_MULTI:
                return True
    return False


def head_index(lows: list[str], commas: list[bool] | None = None) -> int | None:
    """The head noun: the last word before "of/for/at/with/from/by/who/in" or a comma
    (commas[i]: word i ends with a comma, when lows were stripped of them)."""
    if not lows:
        return None
    end = len(lows)
    for i, w in enumerate(lows):
        if i > 0 and w in ("of", "for", "at", "with", "from", "by", "who", "in", "familiar", "close", "on", "to", "which", "that", "provided", "created", "published", "released", "conducted", "taken", "issued", "filed", "obtained", "seen", "reviewed", "leaked", "compiled", "prepared", "commissioned", "appeared"):
            end = i
            break
    # "Stein spokeswoman Melezia Figueroa, ..." -> stop at a comma too
    for i in range(end):
        if (commas[i] if commas else lows[i].endswith(",")):
            end = i + 1
            break
    return end - 1 if end > 0 else None


def _has_person_name(words, lows, head) -> bool:
    """A capitalised word after the head that is not an organisation word: "spokesman John Kirby"."""
    if head is None:
        return False
    return any(w[:1].isupper() and lows[i] not in lx.ORGANISATION_WORDS for i, w in enumerate(words[head + 1 :], head + 1) if i < len(words) and not lows[i] in ("of", "for"))
