"""Rules for statements attributed to no one named: "Asked whether ..., X said",
"X seems to ...", "X is widely seen as ..."."""

from __future__ import annotations

from tracer.attribution import lexicon as lx
from tracer.attribution.clauses import (
    INTRO_WORDS,
    QUOTE_TOKENS,
    aux_start,
    clause_subject,
    np_forward,
    skip_setting,
    subject_before,
    trim_end,
)
from tracer.attribution.cues import COMPLEMENT_ENDS, QUESTION_STARTS, Found
from tracer.attribution.rules_context import RuleContext
from tracer.models import Span


class UnnamedRules(RuleContext):
    """Statements with no one named as their source."""

    # "Asked whether he would run, Smith said no": the question, attributed to no one named;
    # "asked by a reporter whether ...": the asker is the source; "X was asked about Y"
    def _asked(self, index, toks, used, out):
        n = len(toks)
        for i in range(n - 1):
            t = toks[i]
            if t.low != "asked" or t.quoted or i in used:
                continue
            prev = toks[i - 1].low if i > 0 else ""
            passive = prev in ("was", "were", "is", "are", "been", "being", "be")
            if not (i == 0 or prev in ("when", "whenever", "if", "after", "once", "before", "being") or toks[i - 1].text == "," or passive):
                continue
            k = i + 1
            source: list[Span] = []
            if k < n and toks[k].low == "by":
                e = np_forward(toks, k + 1)
                q = next((m for m in range(k + 2, e) if toks[m].low in QUESTION_STARTS), None)
                if q is not None:
                    e = q  # "asked by a reporter whether ..."
                while e > k + 1 and toks[e - 1].low in QUESTION_STARTS:
                    e -= 1
                if e <= k + 1:
                    continue
                source = [(toks[k + 1].start, toks[e - 1].end)]
                k = e
            k = skip_setting(toks, k) if k < n and toks[k].low in ("on", "at", "in", "during") else k
            if k < n and toks[k].low in ("later", "again", "repeatedly", "directly", "specifically", "recently"):
                k += 1
            if k >= n:
                continue
            first = toks[k].low
            question = first in ("about", "if", "whether", "what", "why", "how", "who", "which", "when", "where", "to")
            if not question and not (passive and (first in ("a", "an", "the", "for") or toks[k].text[:1].isupper())):
                continue
            comma = next((j for j in range(k + 1, n) if toks[j].text in ",.;:" and not toks[j].quoted), n)
            if comma <= k + 1 and first not in ("why", "how", "what", "about"):
                continue
            if comma <= k:
                continue
            used.add(i)
            cue_start = i - 1 if passive else i
            yield Found(source, [(toks[cue_start].start, t.end)], [(toks[k].start, toks[comma - 1].end)], index)

    # "X seems to ...", "X is expected to ...", "X is widely seen as ...": no one named
    def _impressions(self, index, toks, used, out):
        n = len(toks)
        for i in range(1, n - 1):
            t = toks[i]
            if t.quoted or i in used or not t.text.islower():
                continue
            if t.low in ("reportedly", "allegedly", "purportedly", "reputedly") and t.text.islower():
                # "The FBI is reportedly making arrangements ...": reported by no one named
                if i + 1 < n and toks[i + 1].low in lx.CUE_FORMS and toks[i + 1].low not in lx.AMBIGUOUS_FORMS:
                    continue  # "reportedly said": the verb is the cue
                a0 = aux_start(toks, i)
                subj = clause_subject(toks, a0)
                if subj is None or any(k in used for k in range(*subj)):
                    continue
                end = self._content_end(index, toks, i + 1)
                if end <= toks[i + 1].start:
                    continue
                used.add(i)
                content = [(toks[subj[0]].start, toks[i - 1].end if a0 < i else toks[subj[1] - 1].end), (toks[i + 1].start, end)]
                yield Found([], [(t.start, t.end)], content, index)
                continue
            if t.low in lx.SEEM_FORMS:
                nxt = toks[i + 1]
                if nxt.low in lx.APPEARANCE_WORDS or nxt.text in ".,;:!?" or nxt.quoted or nxt.text in QUOTE_TOKENS:
                    continue
                if nxt.low == "to" and i + 2 < n and toks[i + 2].low in lx.DETERMINERS | {"me", "him", "her", "us", "them", "be"} - {"be"}:
                    continue  # "it appeared to the crowd"
                c0 = i + 1
            elif t.low in lx.JUDGED_FORMS:
                cue_start = aux_start(toks, i)
                if not any(x.low in ("is", "are", "was", "were", "be", "been", "being", "’s", "'s") for x in toks[cue_start:i]):
                    continue
                nxt = toks[i + 1].low
                if t.low in ("expected",):
                    if nxt not in ("to", "in", "on", "by", "at", "next", "this", "later", "soon", "within") or nxt == "by" :
                        continue
                elif nxt not in ("as", "to") and not (t.low in ("considered", "deemed", "thought", "believed") and toks[i + 1].text.isalpha() and toks[i + 1].low not in INTRO_WORDS and toks[i + 1].low not in lx.DETERMINERS):
                    continue
                if nxt == "to" and i + 2 < n and toks[i + 2].low not in ("be", "have") and t.low not in ("expected", "believed", "thought", "rumored", "rumoured"):
                    continue  # "known to everyone", "seen to it"
                c0 = i + 1
            else:
                continue
            cue_start = aux_start(toks, i)
            subj = clause_subject(toks, cue_start)
            near = subject_before(toks, cue_start)
            if near is not None and subj is not None and subj[0] < near[0] < subj[1]:
                subj = near  # "Last week Stumpf in a televised interview appeared to ..."
            if subj is None or any(k in used for k in range(*subj)):
                continue
            end = self._content_end(index, toks, c0)
            for j in range(c0 + 1, n - 1):  # "New Hampshire seems stable, but that could change"
                if toks[j].quoted or toks[j].text in QUOTE_TOKENS:
                    break
                if toks[j].text == ";" or toks[j].text == "," and toks[j + 1].low in COMPLEMENT_ENDS:
                    end = min(end, trim_end(self.text, toks[c0].start, toks[j].start))
                    break
            if end <= toks[c0].start:
                continue
            used.update(range(cue_start, i + 1))
            if toks[c0].low == "to" and c0 + 1 < n and toks[c0 + 1].low in lx.CUE_FORMS and lx.CUE_FORMS[toks[c0 + 1].low] not in lx.STATE_LEMMAS and c0 + 2 < n:
                # "Mr. Cruz seemed to mock his talk": the subject speaks, hedged
                yield Found(
                    [(toks[subj[0]].start, toks[subj[1] - 1].end)],
                    [(toks[cue_start].start, toks[c0 + 1].end)],
                    [(toks[c0 + 2].start, end)],
                    index,
                )
                continue
            content = [(toks[c0].start, end)]
            if not (subj[1] - subj[0] == 1 and toks[subj[0]].low in ("it", "there")):
                content.insert(0, (toks[subj[0]].start, toks[subj[1] - 1].end))  # "it seems": no subject
            yield Found([], [(toks[cue_start].start, toks[i].end)], content, index)
