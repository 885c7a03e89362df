"""How a claim changed between a page and the source it cites (claim drift).

At each hop the claim sentence of the citing page is compared with the claim
sentence of the page it cites (upstream): figures and their units, with the
tolerance a reader allows ("23 per cent", "23.4%" and "almost a quarter" agree;
35, "around 40" and "more than 50" do not), hedges the source used and the page
dropped ("may", "reportedly"), quotations that the source does not carry word for
word, and a named entity put in place of another (an acronym and the name it
abbreviates are one entity). Each change is one short
readable string; an empty list means the claim came through unchanged.
"""

from __future__ import annotations

import re

from tracer.claims.match import Quantity, claim_figures, compatible, quantities, same_kind
from tracer.claims.terms import keys

# Words by which a writer says a statement is not certain.
HEDGES = (
    "may", "might", "could", "reportedly", "allegedly", "possibly", "probably", "likely", "suspected",
    "believed", "estimated", "unconfirmed", "preliminary", "apparently", "appears", "appear", "suggests",
    "suggest", "potentially", "unverified", "alleged", "presumably", "thought to", "proposes", "propose",
    "proposed", "considering", "plans to",
)
# Words that keep some of a hedge's doubt when a page rewrites it.
_APPROXIMATORS = ("approximately", "around", "about", "roughly", "some", "nearly", "almost", "up to", "an estimated")
_HEDGE = re.compile(r"\b(" + "|".join(re.escape(h) for h in HEDGES + _APPROXIMATORS) + r")\b")
_QUOTE = re.compile(r"“([^”]{3,400})”|\"([^\"]{3,400})\"|«([^»]{3,400})»")
_NAME = re.compile(r"(?<![\w’'])[A-Z][\w’'\-]*(?:\s+(?:of|for|de|the|and)?\s*[A-Z][\w’'\-]*)*")
_SENTENCE_START = re.compile(r"(?:^|[.!?:][\"”’')]*\s+)[\"“‘(]*$")
_GENERIC = frozenset(
    """the a an in on at of for and but as it its this that these those he she they we i his her their
    our mr mrs ms dr according earlier later last monday tuesday wednesday thursday friday saturday
    sunday january february march april may june july august september october november december
    ministry department council authority agency office health government police court city state
    national regional district university institute news times herald post daily report study""".split()
)


def _norm(text: str) -> str:
    text = text.lower().replace("’", "'").replace("‘", "'")
    text = re.sub(r"[^\w\s']", " ", text)
    return re.sub(r"\s+", " ", text).strip()


_MODALS = frozenset(("may", "might", "could"))
_AUXILIARY = frozenset("have has be been not also well still even".split())
_WORDS = re.compile(r"[^\W\d_][\w'’-]*")


def _hedges(text: str, about: frozenset[str] | None = None) -> set[str]:
    """Hedge words of a text. With ``about`` (word keys of the claim), a modal counts only when
    the verb it governs is one of them: "phones could lose" hedges the claim, "the charge the
    battery could hold" does not."""
    found = set()
    for m in _HEDGE.finditer(text):  # "May" with a capital is a month or a name, not a hedge
        word = m.group(1)
        if about is not None and word in _MODALS:
            after = [w for w in _WORDS.findall(text[m.end():m.end() + 60].lower()) if w not in _AUXILIARY][:1]
            if not after or not (keys(after[0]) & about):
                continue
        found.add(word)
    return found


def _around(text: str, sentence: str, chars: int = 600) -> str:
    """The part of a page's text around one of its sentences (the whole text when not found)."""
    at = text.find(sentence[:80]) if text and sentence else -1
    if at < 0:
        return text or sentence
    return text[max(0, at - chars): at + len(sentence) + chars]


def _kin(a: Quantity, b: Quantity) -> bool:
    """Could two figures of matched sentences be one measure? Within a factor of three, or two
    shares (a percentage is bounded: 60% and 16% of the same people are one figure changed)."""
    return same_kind(a, b) or (a.unit == b.unit == "%")


def _stated(figure: Quantity, among: list[Quantity]) -> bool:
    return any(compatible(figure, other) for other in among if same_kind(figure, other))


def figure_drift(claim: str, here: str, upstream: str, *, here_text: str = "",
                 upstream_text: str = "") -> list[tuple[Quantity, Quantity | None]]:
    """Pairs (figure here, figure upstream) that disagree; upstream None when it has none of that kind.

    A figure here that the source states near its claim sentence (``upstream_text``) has not
    changed, and a source figure that the citing page also states near its own (``here_text``)
    was not replaced: two sentences that split a finding differently are not drift."""
    changed = []
    wanted = [w for w in quantities(claim) if not w.soft]
    up = [u for u in quantities(upstream) if not u.soft and (not wanted or any(_kin(w, u) for w in wanted))]
    up_near = quantities(_around(upstream_text, upstream)) if upstream_text else []
    here_near = quantities(_around(here_text, here)) if here_text else []
    for q in claim_figures(claim, here):
        if _stated(q, up_near):
            continue
        kin = [u for u in up if _kin(q, u) and not _stated(u, here_near)]
        if not kin and any(_kin(q, u) for u in up):  # the figure it changed may sit in a next sentence
            kin = [u for u in up_near if _kin(q, u) and not _stated(u, here_near)]
        if not kin:
            if not [u for u in up if _kin(q, u)] and quantities(claim) \
                    and not any(u.unit == q.unit for u in quantities(upstream)):
                changed.append((q, None))
            continue
        if any(compatible(q, u) for u in kin):
            continue
        changed.append((q, min(kin, key=lambda u: abs(u.value - q.value))))
    return changed


def _names(text: str, exclude: set[str]) -> list[str]:
    """Named entities of a sentence: runs of capitalised words, not at the sentence start alone."""
    found = []
    for m in _NAME.finditer(text):
        name = re.sub(r"['’]s$", "", m.group(0).strip())  # "Vail’s representatives" names Vail
        words = [w for w in re.split(r"\s+", name) if w.lower() not in _GENERIC]
        if len(name.split()) == 1 and _SENTENCE_START.search(text[: m.start()]):
            continue  # "Sources said", "Officials": a capital that only starts a sentence
        if not words or _norm(name) in exclude or any(_norm(w) in exclude for w in words if len(w) > 3):
            continue
        found.append(name)
    return found


_LINKING = frozenset("of the and for de".split())


def _initials(words: list[str]) -> str:
    return "".join(w[0] for w in words if w.lower() not in _LINKING and w[:1].isalpha())


def _acronym_mentioned(name: str, text: str) -> bool:
    """An acronym and the name it abbreviates are one entity: "UN" / "United Nations", "DPRK" /
    "Democratic People's Republic of Korea", either way round."""
    words = name.replace("’", "'").split()
    if len(words) == 1 and name.isupper() and 2 <= len(name) <= 6:
        for m in re.finditer(r"[A-Z][\w'’\-]*(?:\s+(?:(?:of|the|and|for|de)\s+)*[A-Z][\w'’\-]*)+", text):
            if _initials(re.split(r"\s+", m.group(0))).upper() == name.replace(".", ""):
                return True
        return False
    letters = _initials(words).upper()
    return len(letters) >= 2 and re.search(rf"\b{letters}\b", text) is not None


def _mentioned(name: str, text_norm: str, text: str = "") -> bool:
    """Is a name (or any distinctive word of it, or its acronym) mentioned in a normalised text?"""
    if re.search(rf"\b{re.escape(_norm(name))}\b", text_norm):
        return True
    if text and _acronym_mentioned(name, text):
        return True
    words = [_norm(w) for w in name.split() if w.lower() not in _GENERIC and len(w) > 2]
    return any(re.search(rf"\b{re.escape(w[:6])}", text_norm) for w in words) if words else True


def compare(
    claim: str,
    here: str | None,
    upstream: str | None,
    *,
    upstream_text: str = "",
    here_text: str = "",
    exclude_names: tuple[str, ...] | list[str] | set[str] = (),
    upstream_label: str = "the source",
) -> list[str]:
    """What changed from the upstream claim sentence to this one, as short readable strings."""
    if not here or not upstream:
        return []
    changes: list[str] = []
    for q, u in figure_drift(claim, here, upstream, here_text=here_text, upstream_text=upstream_text):
        if u is None:
            changes.append(f"figure: “{q.phrase}” here, no such figure in {upstream_label}")
        else:
            changes.append(f"figure: “{q.phrase}” here, “{u.phrase}” in {upstream_label}")
    about = frozenset().union(*(keys(w) for w in _WORDS.findall(f"{claim} {here}".lower())))
    dropped = (_hedges(upstream, about) & set(HEDGES)) - _hedges(here)  # "around 40" is a figure's, not a hedge
    if dropped and not (_hedges(here) & set(HEDGES + _APPROXIMATORS)):
        words = ", ".join(f"“{h}”" for h in sorted(dropped))
        changes.append(f"hedge dropped: {words} in {upstream_label}, not here")
    source_norm = _norm(upstream_text or upstream)
    for m in _QUOTE.finditer(here):
        quoted = next(g for g in m.groups() if g)
        if len(quoted.split()) >= 3 and _norm(quoted) not in source_norm:
            changes.append(f"quote not verbatim in {upstream_label}: “{quoted.strip()}”")
    exclude = {_norm(n) for n in exclude_names if n}
    here_norm = _norm(here_text or here)
    new = [n for n in _names(here, exclude) if not _mentioned(n, source_norm, upstream_text or upstream)]
    gone = [n for n in _names(upstream, exclude) if not _mentioned(n, here_norm, here_text or here)]
    if new and gone:
        changes.append(f"entity: “{new[0]}” here, “{gone[0]}” in {upstream_label}")
    return changes
