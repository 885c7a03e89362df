"""Rules for speech and stance verbs: "X said ...", "..., X said", "..., said X",
"X told Y that ...", "was first reported by X", "X made clear that ..."."""

from __future__ import annotations

from bisect import bisect_right

from tracer.attribution import lexicon as lx
from tracer.attribution.clauses import (
    COMMON_VERBS,
    INTRO_WORDS,
    QUOTE_TOKENS,
    VERBISH,
    after_comma,
    appositive_subject,
    aux_start,
    clause_opener,
    document_shows,
    is_content_break,
    is_passive,
    np_forward,
    quote_at,
    quoted_before_break,
    sentence_subject,
    skip_circumstances,
    skip_hearer,
    skip_intro_chunks,
    skip_setting,
    subject_before,
    tail_kind,
    trim_end,
    verb_context,
)
from tracer.attribution.cues import (
    COMMUNICATION_NOUNS,
    LIGHT_VERBS,
    INVERTING_LEMMAS,
    NUMBER_WORDS,
    PASSIVE_BY_LEMMAS,
    PHRASE_CUES,
    PHRASE_HINT,
    SETTING_LEMMAS,
    Found,
    is_ly,
    name_tail,
    participle_word,
    that_verb,
    titled_name,
)
from tracer.attribution.rules_context import RuleContext
from tracer.attribution.sources import (
    canonical_source,
)


# Recordings and posts among the document words: what is seen or heard in them is someone's.
_RECORDED = frozenset("footage video videos tweet tweets post posts recording recordings".split())


class VerbRules(RuleContext):
    """Sources before or after a speech or stance verb."""

    # "X made clear that ...", "X took aim at Y", "X expressed concern about Y"
    def _phrase_cues(self, index, toks, used, out):
        lows = [t.low for t in toks]
        joined = " ".join(lows)
        if not PHRASE_HINT.search(joined):
            return
        starts = []
        pos = 0
        for w in lows:
            starts.append(pos)
            pos += len(w) + 1
        n = len(toks)
        for m in PHRASE_CUES.finditer(joined):
            i = bisect_right(starts, m.start()) - 1
            last = bisect_right(starts, m.end() - 1) - 1
            if starts[i] != m.start() or any(k in used or toks[k].quoted for k in range(i, last + 1)):
                continue
            cue_start = aux_start(toks, i)
            subj = subject_before(toks, cue_start)
            if subj is None or any(k in used for k in range(*subj)):
                continue
            if lows[i] in LIGHT_VERBS and (lows[last] in COMMUNICATION_NOUNS or last > i and lows[last - 1] in COMMUNICATION_NOUNS):
                if any(t.low in lx.CUE_FORMS and t.low not in lx.AMBIGUOUS_FORMS and not t.quoted for t in toks[last + 1 :]):
                    continue  # "issued a statement saying ...": the later cue carries what was said
                last = i  # "issued a similar threat": the verb is the cue, what it issued the content
            c0 = last + 1
            if c0 >= n or toks[c0].text in ".!?":
                continue
            if toks[c0].text in ",:" and c0 + 1 < n and toks[c0 + 1].text in QUOTE_TOKENS:
                c0 += 1
            end = self._content_end(index, toks, c0)
            if not clause_opener(toks, c0) and toks[c0].low != "to":
                end = min(end, self._object_end(toks, c0))
            if end <= toks[c0].start:
                continue
            used.update(range(subj[0], last + 1))
            yield Found([(toks[subj[0]].start, toks[subj[1] - 1].end)], [(toks[cue_start].start, toks[last].end)], [(toks[c0].start, end)], index)

    # "X said ...", "..., X said", "..., said X", "X told Y that ..."
    def _verb_cues(self, index, toks, used, out):
        n = len(toks)
        words = [t for t in toks if t.text[:1].isalpha()]
        title_case = len(words) >= 3 and sum(t.text[:1].isupper() for t in words) >= 0.7 * len(words)
        for i in range(n):
            t = toks[i]
            progressive = i > 1 and toks[i - 1].low in ("is", "are", "was", "were", "’s", "'s", "’re", "'re", "been", "be")
            if t.quoted or i in used or t.low in lx.PARTICIPLE_CUES and not progressive and i > 0:
                continue
            if t.low in lx.RECORD_FORMS:
                found = self._organisation_records(index, toks, i, used)
                if found is not None:
                    yield found
                continue
            if t.low in lx.STUDY_FORMS and t.low not in lx.CUE_FORMS:
                found = self._document_studies(index, toks, i, used)
                if found is not None:
                    yield found
                continue
            if t.low not in lx.CUE_FORMS and not that_verb(toks, i):
                continue
            if t.low == "asked" and (i == 0 or toks[i - 1].low in ("when", "whenever", "if", "after", "once", "before", "being")):
                continue  # "When asked about it, ...": the question rule
            if t.low in lx.AMBIGUOUS_FORMS and not verb_context(toks, i) and not (
                lx.CUE_FORMS.get(t.low) == "show" and document_shows(toks, subject_before(toks, aux_start(toks, i)), i)
            ):
                continue  # ("records show", "a poll shows": the noun reading is out)
            if lx.CUE_FORMS.get(t.low) == "see" and not any(x.low == "as" and not x.quoted for x in toks[i + 2 : min(n, i + 16)]):
                continue  # "experts see the vote as a test": a view; "they saw the abundance": no
            topic = lx.CUE_FORMS.get(t.low)
            after = i + 2 if i + 2 < n and is_ly(toks[i + 1]) else i + 1
            if topic in lx.TOPIC_PARTICLES and (after >= n or toks[after].low not in lx.TOPIC_PARTICLES[topic]):
                continue  # "talked to reporters" is no cue, "talked about the plan" is
            if t.low.endswith("ing") and t.low not in lx.PARTICIPLE_CUES and not (
                i > 1 and toks[i - 1].low in ("is", "are", "was", "were", "’s", "'s", "’re", "'re", "been")
            ):
                continue  # (progressive forms are cues: "is planning to", "is promising lower taxes")
            if i > 0 and t.text[:1].isupper() and not title_case:
                continue  # "The Washington Post" (but "Trump Says ..." in a headline)
            if aux_start(toks, i) > 0 and toks[aux_start(toks, i) - 1].low == "to":
                continue  # "needed to know"
            if i + 1 < n and toks[i + 1].low == "tank":
                continue  # "think tank"
            if t.low in ("called", "dubbed", "named") and i + 1 < n and (
                toks[i + 1].low in ("off", "up", "in", "back") or toks[i + 1].text[:1].isupper() and toks[i - 1].text.isalpha() and toks[i - 1].text.islower() and toks[i - 1].low not in lx.PRONOUNS and toks[i - 1].low not in lx.AUXILIARIES
            ):
                continue  # "a group called Black Votes Matter" names it; "called off the deal"
            found = self._inverted(index, toks, i, used) or self._forward(index, toks, i, used)
            if found is not None and i > 0 and i + 1 < n and toks[i + 1].low == "by" \
                    and found.source and found.source[-1][1] <= toks[i - 1].start:
                continue  # "Crews, supported by the rescue team, saved ...", "a grant now claimed by 61,000 households":
                # a passive participle: the subject before it is not who speaks
            if found is not None:
                yield found
        # participles hang on the subject of an attribution found before them
        for i in range(n):
            t = toks[i]
            if t.quoted or i in used or t.low not in lx.PARTICIPLE_CUES:
                continue
            prev = toks[i - 1] if i > 0 else None
            if prev is None or prev.low in lx.AUXILIARIES and not after_comma(toks, i) or prev.low in ("to", "of", "for", "about", "the", "a", "an", "is", "are", "was", "were", "be", "been"):
                continue  # "is saying" went through the verb rules; "about saying" is no cue
            f = self._participle(index, toks, i, used, out)
            if f is not None:
                yield f
        for i in range(1, n):
            if toks[i].low in lx.DOCUMENT_PARTICIPLES and i not in used and not toks[i].quoted:
                f = self._document_participle(index, toks, i, used)
                if f is not None:
                    yield f

    def _forward(self, index, toks, i, used) -> Found | None:
        """SOURCE CUE CONTENT: the subject before the cue, the content after it."""
        cue_start = aux_start(toks, i)
        passive = is_passive(toks, cue_start, i)
        subj = None if passive else subject_before(toks, cue_start)
        if not passive and (subj is None or any(k in used for k in range(*subj))):
            subj = appositive_subject(toks, cue_start) or subj
        shared_source = None
        if subj is None and not passive and cue_start > 0 and toks[cue_start - 1].low in ("and", "but") and not (
            lx.CUE_FORMS.get(toks[i].low) in lx.NESTED_WEAK_LEMMAS and self._inside_content(toks[i].start)
        ):
            # "Graham called Trump “crazy” and said ...": the same subject speaks again
            # (but in "Police say he posed a threat and refused to drop the gun" he refused)
            shared_source = self._sentence_source(index, toks, cue_start)
        if subj is None and not passive and shared_source is None:
            return None
        if subj is not None and any(k in used for k in range(*subj)):
            return None
        if subj is not None and subj[1] > subj[0] and toks[subj[1] - 1].low in ("who", "that", "which") and lx.CUE_FORMS.get(toks[i].low) in lx.NESTED_WEAK_LEMMAS:
            return None  # "Voters who want to ban the tax said": part of the subject
        if passive and i + 2 < len(toks) and toks[i + 1].low == "by" and lx.CUE_FORMS.get(toks[i].low, "") in PASSIVE_BY_LEMMAS:
            return self._passive_by(index, toks, cue_start, i, used)
        c0, cue_end = self._content_start(toks, i)
        if c0 is None:
            return None
        lemma = lx.CUE_FORMS.get(toks[i].low, "")
        if lemma in ("ask", "urge", "encourage", "advise") and c0 < len(toks) and toks[c0].low != "to" and cue_end == i + 1:
            # "asked workers to sign up", "urged Republicans to join": the hearer and the request
            to = next((m for m in range(c0 + 1, min(len(toks), c0 + 7)) if toks[m].low == "to"), None)
            if to is not None and not any(x.text in ",;:" or x.low in VERBISH or x.quoted for x in toks[c0:to]):
                c0 = to
        if lemma in ("ask", "urge", "encourage", "advise") and c0 < len(toks) and toks[c0].low == "to" and c0 > cue_end:
            c0 = cue_end  # the hearer belongs to the request
            infinitive_hearer = True
        else:
            infinitive_hearer = False
        infinitive = infinitive_hearer or lemma in lx.INFINITIVE_LEMMAS and c0 < len(toks) and toks[c0].low == "to"
        if infinitive and toks[c0 - 1].low != "to":
            pass
        elif lemma in lx.INFINITIVE_LEMMAS and lemma not in lx.WEAK_LEMMAS and lemma not in ("want",):
            if not clause_opener(toks, c0):
                return None  # "plan" and "decline" without an infinitive are not cues
        if lemma == "propose" and c0 < len(toks) and toks[c0].low == "to":
            return None  # "we propose to close the libraries": a plan in the page's own voice, not a report
        weak = lemma in lx.WEAK_LEMMAS and not document_shows(toks, subj, i) and not infinitive and not (lemma in ("ask", "point") and cue_end > i + 1)
        if (passive or weak) and not clause_opener(toks, c0):
            return None
        if passive:
            # "It was reported that ...": an attribution without a source
            s0 = next((k for k in range(cue_start - 1, -1, -1) if toks[k].low in ("it", "this")), cue_start)
            subj = (s0, s0)
        end = self._content_end(index, toks, c0)
        if lemma in lx.STANCE_LEMMAS and c0 < len(toks) and not clause_opener(toks, c0) and toks[c0].low != "to":
            end = min(end, self._object_end(toks, c0))  # "opposed the tax, down from ...": the object
        if c0 >= len(toks):  # "X said:" closing the paragraph: the next paragraph speaks
            span = self._next_paragraph_quote(index)
            if span is None:
                return None
            content = [span]
        else:
            content = [(toks[c0].start, end)]
            if end <= toks[c0].start:
                return None
        if shared_source is not None:
            used.update(range(cue_start, cue_end))
            return Found(shared_source, [(toks[cue_start].start, toks[cue_end - 1].end)], content, index)
        s0, s1 = subj
        used.update(range(s0, cue_end))
        return Found(
            [(toks[s0].start, toks[s1 - 1].end)] if s1 > s0 else [],
            [(toks[cue_start].start, toks[cue_end - 1].end)],
            content,
            index,
        )

    def _subject_says_what_follows(self, index, toks, subj, cue_start, i, used) -> Found | None:
        """The subject is the source, the verb the cue, what follows it to the clause's end the content."""
        end = self._content_end(index, toks, i + 1)
        if end <= toks[i + 1].start:
            return None
        used.update(range(subj[0], i + 1))
        return Found([(toks[subj[0]].start, toks[subj[1] - 1].end)], [(toks[cue_start].start, toks[i].end)],
                     [(toks[i + 1].start, end)], index)

    def _organisation_records(self, index, toks, i, used) -> Found | None:
        """"The Ministry of Health has recorded 35 confirmed cases": an organisation's count
        is its report. Only organisations, outlets and documents, and only for a figure."""
        n = len(toks)
        cue_start = aux_start(toks, i)
        if is_passive(toks, cue_start, i):
            return None
        subj = subject_before(toks, cue_start)
        if subj is None or any(k in used for k in range(*subj)):
            return None
        kind = canonical_source(" ".join(t.text for t in toks[subj[0] : subj[1]]))[1]
        if kind not in ("organisation", "outlet", "document"):
            return None
        k = i + 1
        if k < n and toks[k].low in ("at", "about", "around", "nearly", "almost", "some", "over", "more", "fewer", "less", "a", "an", "its", "the"):
            k += 1
            if k < n and toks[k].low == "than":
                k += 1
        if k >= n or not (toks[k].text[:1].isdigit() or toks[k].low in NUMBER_WORDS or toks[k].low in ("record", "total", "rise", "drop", "fall", "increase", "decline", "further")):
            return None
        return self._subject_says_what_follows(index, toks, subj, cue_start, i, used)

    def _document_participle(self, index, toks, i, used) -> Found | None:
        """"signed a brief sent to the court on Thursday asking it to reconsider": the document
        just before the participle (past a reduced relative, no clause or other cue between)
        is what asks, urges or shows (after a comma the participle is the clause subject's)."""
        k = i - 1
        while k >= max(0, i - 10):
            t = toks[k]
            if t.quoted or t.text in ",;:()—–" or t.text in QUOTE_TOKENS or t.low in ("and", "but", "or", "that", "which", "who") or (
                    t.low in lx.CUE_FORMS and t.low not in lx.AMBIGUOUS_FORMS) or k in used:
                return None
            if t.low in lx.DOCUMENT_WORDS and t.text.islower():
                if t.low in _RECORDED:
                    return None  # footage or a tweet "asking ...": whoever is in it asks
                break
            k -= 1
        else:
            return None
        if k < 0 or toks[k].low not in lx.DOCUMENT_WORDS:
            return None
        s0 = k  # the document word, with its determiner and one word between ("an amicus brief")
        if k > 0 and toks[k - 1].low in lx.DETERMINERS:
            s0 = k - 1
        elif k > 1 and toks[k - 2].low in lx.DETERMINERS and toks[k - 1].text.isalpha() and toks[k - 1].text.islower() \
                and toks[k - 1].low not in VERBISH and toks[k - 1].low not in lx.CUE_FORMS and toks[k - 1].low not in COMMON_VERBS:
            s0 = k - 2
        if any(j in used or toks[j].quoted for j in range(s0, k)):
            s0 = k
        c0 = i + 1
        if c0 >= len(toks) or toks[c0].text in ".!?":
            return None
        end = self._content_end(index, toks, c0)
        if end <= toks[c0].start:
            return None
        used.update(range(s0, i + 1))
        return Found([(toks[s0].start, toks[k].end)], [(toks[i].start, toks[i].end)], [(toks[c0].start, end)], index)

    def _document_studies(self, index, toks, i, used) -> Found | None:
        """"New research from the University of X analyzed the records of 479 students": what a
        study, survey or analysis did is what it reports (only a document as the subject)."""
        cue_start = aux_start(toks, i)
        if is_passive(toks, cue_start, i) or i + 1 >= len(toks):
            return None
        subj = subject_before(toks, cue_start)
        if subj is None or subj[1] <= subj[0] or any(k in used for k in range(*subj)):
            return None
        if canonical_source(" ".join(t.text for t in toks[subj[0] : subj[1]]))[1] != "document":
            return None
        return self._subject_says_what_follows(index, toks, subj, cue_start, i, used)

    def _passive_by(self, index, toks, cue_start, i, used) -> Found | None:
        """"The figures were first reported by the Coastal Courier": the agent after "by" is
        the source, the subject is what it reported."""
        src_end = np_forward(toks, i + 2)
        while src_end > i + 2 and toks[src_end - 1].low in lx.CIRCUMSTANCE_WORDS | {"first"}:
            src_end -= 1
        subj = subject_before(toks, cue_start)
        if src_end <= i + 2 or subj is None or any(k in used for k in range(subj[0], src_end)):
            return None
        if not (toks[i + 2].text[:1].isupper() or toks[i + 2].low in ("the", "a", "an") and src_end > i + 3 and toks[i + 3].text[:1].isupper()):
            return None  # only named agents: "reported by the Coastal Courier", "by Reuters"
        used.update(range(subj[0], src_end))
        return Found(
            [(toks[i + 2].start, toks[src_end - 1].end)],
            [(toks[cue_start].start, toks[i + 1].end)],
            [(toks[subj[0]].start, toks[subj[1] - 1].end)],
            index,
        )

    def _inverted(self, index, toks, i, used) -> Found | None:
        """CONTENT, SOURCE CUE. / CONTENT, CUE SOURCE. / "A," SOURCE CUE, "B". /
        A, SOURCE CUE, B."""
        n = len(toks)
        cue_start = aux_start(toks, i)
        src = None
        subj = subject_before(toks, cue_start)
        name_after = cue_start == i and cue_start > 0 and is_content_break(toks[cue_start - 1]) and lx.CUE_FORMS.get(toks[i].low) in INVERTING_LEMMAS and name_tail(toks, i + 1)
        if subj is not None and subj[0] > 0 and is_content_break(toks[subj[0] - 1]) and not name_after:
            src, brk, k = subj, subj[0] - 1, i + 1
        elif cue_start > 0 and is_content_break(toks[cue_start - 1]) and cue_start == i and (not (
            subj is not None and subj[0] == skip_intro_chunks(toks, 0, subj[1]) and toks[cue_start - 1].text not in QUOTE_TOKENS
        ) or lx.CUE_FORMS.get(toks[i].low) in INVERTING_LEMMAS and name_tail(toks, i + 1)):
            # ", said Smith." / "” said Smith, a spokesman." -> the source follows the cue
            # (but "Smith, a spokesman, said ..." has its subject before the cue)
            e = np_forward(toks, i + 1, allow_lower=True)
            if e + 1 < n and toks[e].low == "and" and not toks[e].quoted:
                # "said lobbyist and GOP strategist Charlie Black": titles joined before a name
                w = e + 1
                while w < n and toks[w].text not in ",;.!?" and not toks[w].quoted and toks[w].text not in QUOTE_TOKENS:
                    w += 1
                run = toks[e + 1 : w]
                if run and run[-1].text[:1].isupper() and not any(
                    t.low in VERBISH or t.low in COMMON_VERBS or t.low in lx.CUE_FORMS or t.low in lx.PRONOUNS for t in run
                ):
                    e = w
            first = toks[i + 1] if i + 1 < n else None
            if first is not None and (first.low == "that" or not (first.text[:1].isupper() or first.low in lx.DETERMINERS or first.low in lx.PRONOUNS or first.text[:1].isdigit() or titled_name(toks, i + 1, e))):
                e = i + 1  # "... said that in 1998": no source after the cue
            elif first is not None and first.low in lx.PRONOUNS and e > i + 2:
                e = i + 1  # '“A,” said he doubts ...' is no inverted source: "he" opens the content
            if e > i + 1 and e - i <= 14 and not any(t.low in VERBISH for t in toks[i + 1 : e]):
                if e + 1 < n and toks[e].low in ("who", "whose") and not toks[e].quoted:
                    # "said a former official who oversaw the inquiry": the clause names the speaker
                    w = e + 1
                    while w < n and w - e < 16 and toks[w].text not in ",;.!?—–" and toks[w].low not in ("and", "but") and not toks[w].quoted and toks[w].text not in QUOTE_TOKENS:
                        w += 1
                    if w < n and toks[w].low in ("and", "but"):
                        e = w  # "... who oversaw X and described Y": the speaker's next act
                    elif w >= n or toks[w].text in ",;.!?—–":
                        e = w
                src, brk, k = (i + 1, e), cue_start - 1, e
                k = skip_circumstances(toks, k)
                if k < n - 1 and toks[k].text == "," and toks[k + 1].text not in QUOTE_TOKENS and not participle_word(toks[k + 1]):
                    e = k + 1
                    while e < n and toks[e].text not in ".;!?" and toks[e].text not in QUOTE_TOKENS:
                        if toks[e].text == "," and e + 1 < n and participle_word(toks[e + 1]):
                            break  # ", referring to ...", ", asked about ...": the speaker's act, not the speaker
                        if toks[e].low in ("who", "which") and toks[e - 1].text == "," and any(
                            t.low in lx.CUE_FORMS and t.low not in lx.AMBIGUOUS_FORMS for t in toks[e + 1 : min(n, e + 4)]
                        ):
                            e -= 1
                            break  # "said Weaver, who said ...": a new attribution
                        if toks[e].text == "," and e > k + 2 and e + 1 < n and toks[e + 1].low in ("which", "a", "an", "one", "whose", "where"):
                            break  # "said Mulgrew, president of the union, which represents ...": one appositive
                        e += 1
                    src, k = (i + 1, e), e
        if src is None or any(x in used for x in range(*src)):
            return None
        if brk <= 0 and toks[0].text not in QUOTE_TOKENS:
            return None
        if lx.CUE_FORMS.get(toks[i].low, "") in lx.HEARER_LEMMAS and k == i + 1:
            k = skip_hearer(toks, k)
        k = skip_circumstances(toks, k)
        # where it was said: "on Twitter", "in a statement", "at the time", "in its report"
        if quoted_before_break(toks, brk):
            k = skip_setting(toks, k)
        elif k + 1 < n and toks[k].low in ("in", "at", "on", "during") and toks[k + 1].low not in ("least", "most", "all", "first", "last") and lx.CUE_FORMS.get(toks[i].low, "") in SETTING_LEMMAS:
            j = skip_setting(toks, k)
            if k < j <= k + 6 and not any(t.low in VERBISH or t.low in lx.CUE_FORMS and t.low not in lx.AMBIGUOUS_FORMS for t in toks[k:j]) and tail_kind(toks, j) == "end":
                k = j
        if k < n and toks[k].low == "that":
            return None  # "..., Sanders told MSNBC that ...": a forward cue after an intro
        tail = tail_kind(toks, k)
        if tail == "other" and src[0] > i and k < n and toks[k].low in ("and", "but") and k + 1 < n and toks[k + 1].text.islower():
            tail = "end"  # "..., said X who oversaw Y and described Z": X's next act
        before = self._content_before(index, toks, brk)
        if not before:
            return None
        quoted_before = self.is_quote_span(before[0])
        if tail in ("other", "quote") and not quoted_before:
            return None  # 'He left, and when asked, he said, “No.”' is a forward cue
        content = before
        if tail == "quote":
            q = quote_at(toks[k + 1 if toks[k].text == "," else k].start, self.quotes, self.quote_starts)
            if q is not None:
                content.append(q)
        elif tail == "clause" and not quoted_before:
            c0 = k + 1
            end = self._content_end(index, toks, c0)
            if end > toks[c0].start:
                if not quoted_before and toks[0].low in INTRO_WORDS and skip_intro_chunks(toks, 0, brk + 1) > brk and not any(
                    t.low in VERBISH or t.low in COMMON_VERBS or t.text.islower() and t.low.endswith("ed") for t in toks[:brk]
                ):
                    content = []  # "In a speech, Smith said, the plan ..." -> only what follows
                    # (but "Though that was seamless, he said, replacing her ..." keeps both clauses)
                content.append((toks[c0].start, end))
        cue_end = i + 1
        if cue_end < n and toks[cue_end].low == "in" and cue_end + 2 < n and toks[cue_end + 2].low in ("statement", "interview", "tweet", "post", "email"):
            cue_end += 3
        if src[0] > i:
            cue_end = i + 1
        used.update(range(min(src[0], cue_start), max(src[1], cue_end)))
        return Found(
            [(toks[src[0]].start, toks[src[1] - 1].end)],
            [(toks[cue_start].start, toks[cue_end - 1].end)],
            content,
            index,
        )

    def _participle(self, index, toks, i, used, out) -> Found | None:
        """"X did Y, saying/adding that Z": the participle's source is the clause subject."""
        owner = None
        for f in reversed(out):
            if f.sentence == index and f.cue and f.cue[0][1] <= toks[i].start:
                owner = f
                break
        if owner is not None:
            source = list(owner.source)
        else:
            subj = sentence_subject(toks)
            # "..., and he has battled with X, at one point calling": the nearer clause's subject
            for k in range(i - 1, (subj[1] if subj else 0), -1):
                if toks[k].low in ("he", "she", "they", "we", "i") and not toks[k].quoted and k > 0 and (
                    toks[k - 1].low in ("and", "but", ";") or toks[k - 1].text in ",;"
                ):
                    subj = (k, k + 1)
                    break
            if subj is None:
                return None
            source = [(toks[subj[0]].start, toks[subj[1] - 1].end)]
        c0, cue_end = self._content_start(toks, i)
        if c0 is None or c0 >= len(toks):
            return None
        end = self._content_end(index, toks, c0)
        if end <= toks[c0].start:
            return None
        used.update(range(i, cue_end))
        if owner is not None and owner.content and owner.content[-1][1] > toks[i].start:
            # the owner's content stops before ", adding"
            owner.content[-1] = (owner.content[-1][0], trim_end(self.text, owner.content[-1][0], toks[i - 1].start))
        return Found(source, [(toks[i].start, toks[cue_end - 1].end)], [(toks[c0].start, end)], index)
