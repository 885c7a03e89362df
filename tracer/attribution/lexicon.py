"""Word lists the attribution rules use, written by hand for tracer.

Kept apart from the rules so they can grow without touching the logic.
"""

from __future__ import annotations


def _verb_forms(lemma: str) -> set[str]:
    """Regular English inflections of a verb: say -> says, saying (past forms listed apart)."""
    forms = {lemma}
    if lemma.endswith("e"):
        forms |= {lemma + "s", lemma + "d", lemma[:-1] + "ing"}
    elif lemma.endswith("y") and lemma[-2:-1] not in "aeiou":
        forms |= {lemma[:-1] + "ies", lemma[:-1] + "ied", lemma + "ing"}
    elif lemma.endswith(("s", "sh", "ch", "x", "z")):
        forms |= {lemma + "es", lemma + "ed", lemma + "ing"}
    else:
        forms |= {lemma + "s", lemma + "ed", lemma + "ing"}
    return forms


# Verbs that introduce what someone said, wrote or reported.
_SPEECH_REGULAR = """
add allege announce answer argue assert boast brag caution charge claim comment complain
concede conclude confirm contend continue counter declare deny describe disclose emphasize
emphasise estimate explain forecast indicate insist joke maintain mention note observe
point post predict proclaim promise propose quip reaffirm recall recount reiterate remark
repeat reply report respond retort reveal scoff shout signal stress suggest testify
tweet warn vow pledge acknowledge affirm agree assure inform notify remind mutter posit
question wonder acknowledge concur urge encourage advise demand insist ask confess reckon calculate project
rule opine
"""
_SPEECH_IRREGULAR = {
    "say": {"say", "says", "said", "saying"},
    "tell": {"tell", "tells", "told", "telling"},
    "write": {"write", "writes", "wrote", "writing", "written"},
    "admit": {"admit", "admits", "admitted", "admitting"},
    "find": {"find", "finds", "found", "finding"},
    "show": {"show", "shows", "showed", "shown", "showing"},
    "learn": {"learned", "learnt"},
    "hear": {"heard"},
    "read": {"reads"},
    "swear": {"swore", "swears"},
    "regret": {"regrets", "regretted"},
    "state": {"stated", "stating"},
    "prefer": {"prefers", "preferred"},
}
# Internal states: "X believes / hopes / fears ...".
_STATE_REGULAR = """
believe hope fear expect worry doubt suspect assume guess imagine figure realize realise
wish
"""
_STATE_IRREGULAR = {
    "think": {"think", "thinks", "thought", "thinking"},
    "feel": {"feel", "feels", "felt", "feeling"},
    "know": {"know", "knows", "knew"},
    "understand": {"understands", "understood"},
}


# Verbs of stance towards someone or something ("X called Y a liar", "X accused Y of ...",
# "X endorsed Y"): the content is their object and what follows it.
_STANCE_REGULAR = """
refuse decline threaten recount recite reiterate declare vote
accuse attack back blame blast cite condemn criticize criticise defend denounce dismiss
echo endorse express invoke label mock oppose praise reject slam support thank question
welcome applaud decry lament lambaste ridicule chide scold fault reference liken
"""
_STANCE_IRREGULAR = {
    "call": {"called", "calls", "calling"},
    "refer": {"referred", "refers", "referring"},
    "offer": {"offered", "offers"},
    "seek": {"sought", "seeks"},
    "see": {"see", "sees", "saw"},
}
# Topics: "X talked about / spoke of / discussed / focused on Y" (Y is the content).
_TOPIC_FORMS = {
    "talk": {"talk", "talks", "talked"},
    "speak": {"speak", "speaks", "spoke", "spoken"},
    "discuss": {"discuss", "discusses", "discussed"},
    "focus": {"focused", "focuses", "focussed"},
}
# The particle a topic verb needs to be a cue ("talked about", not "talked to reporters").
TOPIC_PARTICLES = {"talk": ("about", "of"), "speak": ("about", "of", "out", "on"), "focus": ("on",)}
# Intentions: "X wants / plans / intends / is trying to ...", cues only before "to".
_INTENT_FORMS = {
    "want": {"want", "wants", "wanted"},
    "plan": {"plan", "plans", "planned", "planning"},
    "intend": {"intend", "intends", "intended", "intending"},
    "aim": {"aims", "aimed", "aiming"},
    "decide": {"decided", "decides"},
    "strive": {"strives", "strived", "striving"},
    "attempt": {"attempted", "attempts", "attempting"},
    "seek": {"seeking", "seek"},
    "hope": {"hoping"},
}


def _build_forms() -> dict[str, str]:
    forms: dict[str, str] = {}
    for lemma in _STANCE_REGULAR.split():
        for form in _verb_forms(lemma):
            if not form.endswith("ing"):
                forms[form] = lemma
    for lemma, fs in _STANCE_IRREGULAR.items():
        for form in fs:
            forms[form] = lemma
    for lemma in _SPEECH_REGULAR.split() + _STATE_REGULAR.split():
        for form in _verb_forms(lemma):
            forms[form] = lemma
    for table in (_SPEECH_IRREGULAR, _STATE_IRREGULAR, _INTENT_FORMS, _TOPIC_FORMS):
        for lemma, fs in table.items():
            for form in fs:
                forms[form] = lemma
    return forms


CUE_FORMS: dict[str, str] = _build_forms()

# Counting verbs that report a figure when an organisation does the counting ("the ministry
# has recorded 35 cases"); a person who "recorded a song" reports nothing.
RECORD_FORMS = frozenset("recorded records registered registers logged counted counts tallied".split())
# What research does when a study is the subject ("New research from X analyzed the drinking of
# 479 students", "the survey tracked 2,000 households"): what the study reports; a person who
# "analyzed the match" reports nothing, so only a document's verb.
STUDY_FORMS = frozenset(
    """analyzed analysed analyzes analyses examined examines surveyed surveys tracked tracks studied
    reviewed reviews measured measures assessed assesses compared compares followed follows sampled
    modelled modeled""".split()
)
STATE_LEMMAS = frozenset(_STATE_REGULAR.split()) | frozenset(_STATE_IRREGULAR)
INTENT_LEMMAS = frozenset(_INTENT_FORMS)
TOPIC_LEMMAS = frozenset(_TOPIC_FORMS)
STANCE_LEMMAS = (frozenset(_STANCE_REGULAR.split()) | frozenset(_STANCE_IRREGULAR) | TOPIC_LEMMAS | {"mention", "propose"}) - frozenset(
    "refuse decline threaten recount recite reiterate declare vote seek offer".split()
)
# Beliefs, stances and intentions that are no attribution of their own inside another's
# content ("Reuters reported that Smith wants to ..."): the reported words carry them.
NESTED_WEAK_LEMMAS = (
    STATE_LEMMAS | frozenset(_STANCE_REGULAR.split()) | frozenset(_STANCE_IRREGULAR) | INTENT_LEMMAS | frozenset(_TOPIC_FORMS)
    | frozenset("""describe refuse decline agree vote offer seek promise pledge vow threaten urge
    ask demand question wonder propose""".split())
)
INTENT_ONLY_FORMS = frozenset(f for fs in _INTENT_FORMS.values() for f in fs)

# Forms that are just as often nouns or adjectives: accepted as cues only when the
# context looks like a clause ("the report claims that", not "the claims were").
AMBIGUOUS_FORMS = frozenset(
    """report reports claim claims note notes estimate estimates hope hopes fear fears
    answer answers comment comments promise promises post posts tweet tweets state states
    point points forecast forecasts question questions project projects rule rules
    charge charges counter show shows reply replies guess figure figures wish wishes
    doubt doubts signal signals demand demands concern repeat testify continue
    continues continued continuing finding reading known written shown feeling thinking
    counters calculate calculated project projected ruled ruling remark remarks
    pledge pledges vow vows mention mentions caution back backs backed support supports
    plan plans vote votes call calls offer offers offered attack attacks cite cites
    estimated worry worries suspect suspects suspected
    want wants wanted planned planning intend intends intended intending aims aimed aiming
    decided decides strives strived striving attempted attempts
    attempting seeking seek hoping see sees saw talk talks talked speak speaks spoke spoken focused focuses
    focussed
    attack attacks blast echo echoes label labels reference references welcome
    praise slam cite cites defend oppose reject mock question thank blame fault express
    """.split()
)

# Verbs whose content may be an infinitive: "pledged to stay", "declined to comment".
INFINITIVE_LEMMAS = frozenset(
    """promise pledge vow agree threaten refuse decline seek offer plan intend want hope
    expect urge encourage advise ask vote aim decide strive attempt""".split()
)

# Verbs that need "that", a quote or a colon before their content counts ("agreed to
# impose" and "did not respond to requests" are not attributions).
WEAK_LEMMAS = frozenset(
    """respond reply answer agree continue promise ask urge encourage advise vow pledge demand question
    wonder concur comment signal project rule calculate charge counter post tweet
    testify recall point forecast show find learn hear regret
    prefer wish guess figure imagine realize realise understand know feel expect hope
    read inform notify remind assure swear joke quip shout""".split()
)

# Verbs whose first object is the hearer, not the content: "told reporters that ...".
HEARER_LEMMAS = frozenset("tell inform notify remind assure warn ask urge encourage advise answer".split())

# Participles that hang the content on the sentence's subject: "..., saying that ...".
PARTICIPLE_CUES = frozenset(
    """saying adding noting arguing telling claiming warning insisting explaining stating
    writing declaring suggesting acknowledging asserting citing stressing emphasizing
    predicting reporting calling referring describing promising""".split()
)

# Words allowed between a subject and its cue: "has also said", "had previously told".
AUXILIARIES = frozenset(
    """has have had 's was were is are be been being will would could can may might
    should shall must did does do also reportedly previously later earlier recently
    once again repeatedly publicly privately frequently often still further first then
    already just quickly simply flatly even only initially subsequently separately
    apparently allegedly explicitly openly angrily bluntly tearfully proudly calmly
    happily firmly strongly clearly famously ultimately never not n't now just together
    instead long almost nearly
    doesn isn didn don wasn weren hasn haven hadn won wouldn couldn shouldn aren ain
    ’t 't ’re 're ’ve 've ’ll 'll ’d 'd ’m 'm ’s""".split()
)

DETERMINERS = frozenset(
    "the a an this that these those his her its their our my your some any another".split()
)

PRONOUNS = frozenset("he she they it we i you who which one".split())

# Clause openers: a subject never reaches back over them.
CLAUSE_BOUNDARIES = frozenset(
    """that because while when if as since although though after before whether where
    which but so yet and or nor whereas unless until once than then what whatever how why""".split()
)

# Sentence-initial fillers stripped from a subject.
LEADING_FILLERS = frozenset(
    """but and so yet still however meanwhile also now then indeed instead moreover
    furthermore separately similarly likewise later earlier previously today tonight
    yesterday even""".split()
)

# Tail words after a cue that belong to the cue's circumstances, not the content.
CIRCUMSTANCE_WORDS = frozenset(
    """on in at during after before last this next earlier later monday tuesday wednesday
    thursday friday saturday sunday today yesterday tonight week month year morning
    afternoon evening night recently previously again also publicly privately separately
    repeatedly""".split()
)

# News outlets tracer knows by name (lower case, without a leading "the").
_OUTLET_PHRASES = """reuters|ap|associated press|afp|agence france-presse|bloomberg|bbc|
cnn|fox news|fox|msnbc|nbc|nbc news|abc|abc news|cbs|cbs news|npr|pbs|new york times|
washington post|wall street journal|guardian|observer|politico|axios|the hill|hill|
breitbart|breitbart news|huffpost|huffington post|usa today|los angeles times|
financial times|economist|daily mail|telegraph|independent|al jazeera|xinhua|tass|
ria novosti|interfax|yonhap|kyodo|nikkei|spiegel|der spiegel|le monde|cointelegraph|
coindesk|bild|new york post|daily beast|vox|buzzfeed|buzzfeed news|slate|salon|atlantic|
new yorker|newsweek|forbes|fortune|business insider|cnbc|sky news|itv|rt|sputnik|
times of israel|haaretz|jerusalem post|south china morning post|straits times|
chicago tribune|boston globe|miami herald|houston chronicle|national review|
washington examiner|washington times|daily caller|western journal|intercept|propublica|
mother jones|decrypt|techcrunch|wired|verge|ars technica|engadget|upi|
united press international|dpa|efe|ansa|nhk|korea herald|korea times|kcna|times|post|
journal|the times|the post|the journal|cnn money|fox business|fox business network|
nbc nightly news|meet the press|face the nation|this week|good morning america|
today show|morning joe|drudge report|infowars|the blaze|newsmax|one america news|oan|
daily wire|redstate|townhall|the federalist|mediaite|talking points memo|the new republic|
the nation|rolling stone|vanity fair|esquire|gq|people|us weekly|tmz|variety|
hollywood reporter|deadline|la times|ny times|nyt|wsj|wapo|ft|bbc news|sky|
cbc|abc australia|the australian|sydney morning herald|globe and mail|toronto star|
national post|irish times|scotsman|herald|tribune|gazette|chronicle|examiner"""
OUTLET_NAMES = frozenset(p.strip() for p in _OUTLET_PHRASES.replace("\n", "").split("|"))

# Words that make a name an outlet ("the Korea Herald", "Channel News Asia").
OUTLET_WORDS = frozenset(
    """newspaper news agency magazine times post journal tribune herald gazette daily
    radio tv television network broadcaster channel outlet wire press newsletter
    tabloid weekly blog podcast station newsroom ledger courier digest dispatch bulletin
    observer monitor sentinel chronicle examiner inquirer mirror talk""".split()
)
# Endings of one-word outlet names ("Nordwire", "Finextimes").
OUTLET_SUFFIXES = ("wire", "news", "post", "times", "digest", "herald", "gazette", "tribune", "journal", "radio", "press")
# Generic outlet descriptors dropped from a canonical name ("the Reuters news agency").
OUTLET_DESCRIPTORS = frozenset(
    "message news agency newspaper magazine outlet publication paper wire service site website broadcaster".split()
)

# Words that make a name an organisation.
ORGANISATION_WORDS = frozenset(
    """department ministry committee council commission agency bureau office group inc
    corp corporation company co ltd llc plc university institute foundation association
    party campaign government administration police army navy military court congress
    senate house parliament pentagon kremlin bank fund union federation authority
    authorities board center centre coalition alliance organization organisation
    security labs lab exchange firm service services network society league club
    church embassy mission consulate cabinet regime team staff school college hospital
    industries holdings partners capital ventures technologies systems foundation
    un eu nato fbi cia nsa who imf opec sec fda cdc epa irs doj dhs gop dnc rnc
    state statistics directorate inspectorate secretariat""".split()
)

# Head nouns of documents: "a report", "the study", "data".
DOCUMENT_WORDS = frozenset(
    """report reports study studies survey surveys poll polls statement statements
    document documents filing filings memo memos memorandum letter letters data
    analysis analyses paper papers research review investigation complaint lawsuit
    indictment audit assessment release book article story piece editorial column
    transcript cable cables email emails records figures estimates numbers message
    messages tweet tweets post posts video footage documents guidance findings
    testimony note notes order ruling opinion decision bill proposal plan census
    rankings index forecast projections survey dossier affidavit website blog
    announcement notice white paper draft resolution accounts files minutes logs
    invoices contracts receipts spreadsheet spreadsheets average averages results tally brief briefs
    petition petitions motion motions""".split()
)
# What a document asks or alleges, said with a participle after it: "a brief (sent to the court
# on Thursday) asking it to reconsider", "a letter urging the agency to act" (the participles a
# person's clause already carries are PARTICIPLE_CUES).
DOCUMENT_PARTICIPLES = frozenset(
    "asking urging demanding requesting recommending proposing seeking alleging accusing".split()
)
# Carriers whose real source is the "by/from X" that follows ("data provided by X").
CARRIER_WORDS = frozenset("data figures information numbers statistics estimates".split())

# Head nouns of unnamed sources.
ANONYMOUS_WORDS = frozenset(
    """source sources official officials people person insider insiders aide aides
    diplomat diplomats spokesman spokeswoman spokesperson spokespeople representative
    representatives someone somebody witness witnesses employee employees staffer
    staffers member members""".split()
)

# Human role nouns: a source headed by one is a person (or people).
PERSON_WORDS = frozenset(
    """expert experts analyst analysts lawyer lawyers attorney attorneys president
    minister secretary senator governor mayor chairman chairwoman chair director chief
    leader leaders ceo founder researcher researchers scientist scientists economist
    economists professor adviser advisor advisers advisors strategist strategists
    candidate candidates voter voters supporter supporters critic critics activist
    activists author authors investigator investigators prosecutor prosecutors judge
    judges ambassador envoy general commander officer officers doctor doctors manager
    executive executives head spokesman spokeswoman nominee republicans democrats
    lawmaker lawmakers congressman congresswoman rep sen gov mr mrs ms dr pollster
    pollsters host anchor woman man women men resident residents father mother wife
    husband son daughter friend friends student students worker workers family parents
    residents neighbors neighbours businesses reporter reporters journalist journalists
    moderator moderators interviewer correspondent columnist editor editors""".split()
)

PERSON_TITLES = frozenset(
    "mr mrs ms dr sen rep gov president prof gen col sir lord lady king queen prince pope".split()
)

# "X seems/appears to ...": an impression with no one named, whose content is the subject
# and what follows the verb.
SEEM_FORMS = frozenset("seem seems seemed seeming appear appears appeared".split())
# "X is expected to ...", "X is widely seen as ...": passive judgements without a source.
JUDGED_FORMS = frozenset(
    """expected seen viewed considered regarded deemed perceived believed thought known
    rumored rumoured described portrayed touted billed""".split()
)
# After "appeared": where someone showed up, not how something seemed.
APPEARANCE_WORDS = frozenset(
    """on at in before with alongside onstage together during outside inside live
    briefly later again first twice only""".split()
)

