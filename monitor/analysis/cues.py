"""The cue patterns that stance.py's rules are made of: what a claim, a denial, a
confirmation and a non-answer look like in news copy (English and Chinese)."""

from __future__ import annotations

import re

from .prefilter import Cue

__all__ = [
    "ANNOUNCEMENT",
    "ANONYMOUS",
    "CLAIM",
    "CLAIM_REFERENCE",
    "CONFIRMATION",
    "CORPORATE_ACT",
    "DENIAL_NEGATED",
    "DENIAL_STRONG",
    "NON_ANSWER",
    "NOT_CONFIRMED",
    "NOT_DENIED",
    "OWN_VOICE",
    "QUESTION_END",
    "QUESTION_OPENER",
    "REASSURANCE",
    "REPORT_WORDS",
    "RESPONSE",
    "RULING",
    "WEAK_CLAIM",
]


def _rx(*alternatives: str) -> Cue:
    """A cue: one alternation of phenomena, searched phenomenon by phenomenon behind
    literal prefilters (prefilter.py). Case-sensitive on purpose: the rules match
    normalised (lower-case) text, and a case-insensitive search costs twice as much."""
    return Cue(alternatives)


def phenomena() -> list[tuple[str, int, re.Pattern[str]]]:
    """(cue name, argument index, pattern) for each phenomenon of every exported cue:
    what tests/test_cue_support.py checks against the real corpus."""
    found: list[tuple[str, int, re.Pattern[str]]] = []
    for name in __all__:
        cue = globals()[name]
        if isinstance(cue, Cue):
            found += [(name, i, part) for i, (part, _) in enumerate(cue.parts)]
        elif isinstance(cue, re.Pattern):
            found.append((name, 0, cue))
    return found


OUTLETS = (
    r"ft|financial\s+times|reuters|bloomberg|wsj|wall\s+street\s+journal|nikkei(?:\s+asia)?|"
    r"cnbc|the\s+information|caixin|latepost|36kr|electrek|cnevpost|carnewschina|"
    r"automotive\s+news|handelsblatt|nyt|new\s+york\s+times|axios|semafor|the\s+verge|"
    r"techcrunch|scmp|south\s+china\s+morning\s+post|yicai|jiemian|sina|sohu|bbc|"
    r"guardian|the\s+times|times|telegraph|politico|insideevs|teslarati|autocar|"
    r"automobilwoche|der\s+spiegel|spiegel|le\s+monde|les\s+echos|la\s+stampa|"
    r"nikkei\s+asian\s+review|gasgoo|cls|21st\s+century\s+business\s+herald|"
    r"the\s+paper|ithome|mydrivers|kyodo|yonhap|dpa|afp|ap|associated\s+press|"
    r"business\s+insider|insider|fortune|forbes|the\s+economist|economist|"
    r"local\s+media|state\s+media|chinese\s+media|media"
)

QUESTION_END = re.compile(r"\?\s*[\"')\]]*\s*$")
QUESTION_OPENER = re.compile(
    r"^\s*(?:is|are|was|were|will|would|could|can|should|does|do|did|has|have|why|how|"
    r"what|who|when|where)\b[^.!:]*\?",
    re.I,
)
# Each argument of `_rx` is one phenomenon, and tests/test_cue_support.py checks that each
# matches at least three rows of the real corpus (eval_data/real/dev.jsonl).

# A non-answer: declining, refusing or failing to comment, respond or be reached.
NON_ANSWER = _rx(
    # a policy of silence on rumours: "does not comment on market speculation" (first, so
    # that the rumour it names is removed with it and never read as a denial)
    r"(?:\b(?:not|never|no|cannot)|n't)\s+comment(?:ing|s)?\s+on\s+(?:any\s+|the\s+)?(?:market\s+)?"
    r"(?:rumou?rs?|speculation)\b|\bpolicy\s+(?:of|on)\s+not\s+commenting\b",
    r"\b(?:declined|refused|decline|declines|refuses|declining|refusing)\s+to\s+(?:make\s+any\s+)?"
    r"(?:comment|elaborate|discuss|respond|say\s+more)\b|"
    r"\bno\s+(?:immediate\s+)?comment\b|"
    r"\b(?:do\s+not|don't|does\s+not|doesn't|won't|will\s+not|would\s+not|wouldn't|never|"
    r"wasn't\s+willing\s+to|not\s+willing\s+to)\s+(?:comment|discuss|speculate)\b|"
    r"\b(?:calls?|emails?|messages?|requests?)\s+(?:to\s+\w+\s+)?went\s+unanswered\b|"
    r"\b(?:did\s+not|didn't|has\s+not|hasn't|have\s+not)\s+(?:yet\s+)?(?:immediately\s+)?"
    r"(?:respond|reply|return)|"
    r"\bcould\s+not\s+(?:immediately\s+)?be\s+reached\b|"
    r"\bnot\s+(?:immediately\s+)?available\s+for\s+comment\b|"
    r"\btight-lipped\b|\bnothing\s+(?:she|he|they|it)\s+could\s+say\b|"
    # in its own voice: "we cannot comment", "will not be providing further comments"
    r"\b(?:cannot|can't|can\s+not|could\s+not|couldn't)\s+comment\b|"
    r"\bnot\s+(?:be\s+)?(?:providing|giving|offering|making)\s+(?:any\s+)?(?:further\s+)?"
    r"comments?\b|\b(?:do\s+not|don't|does\s+not|doesn't|did\s+not|didn't)\s+(?:intend|want|"
    r"wish)\s+to\s+comment\b",
)
# Not a denial: not denying, or neither confirming nor denying.
NOT_DENIED = _rx(
    r"(?:\b(?:did|does|would|will|has|have)\s*(?:not|n't)|\bwon't|\b(?:refused|declined|failed)\s+to)"
    r"\s+(?:explicitly\s+|directly\s+|outright\s+)?(?:deny|denied|refute|rule\s+out|dismiss)|"
    r"\bstopped\s+short\s+of\s+(?:a\s+)?(?:denial|denying|refuting|ruling\s+out)|"
    r"\bno\s+denial\b|\bnot\s+(?:a\s+)?denial\b|"
    r"\bneither\s+(?:confirm\w*|den\w+|admit\w*)\s+nor\s+(?:confirm\w*|den\w+|admit\w*)|"
    r"\bconfirm\s+or\s+deny\b|"
    r"\bno\s+(?:final\s+)?decision\s+(?:has|had)\s+(?:yet\s+)?been\s+(?:made|taken)\b|"
    r"\bnot\s+denying\b|未有否[认認]|没有?否认|沒有?否認|并未否认|並未否認|并没否认|並沒否認|"
    r"未否[认認]",
)
# A ruling, or a company refusing a customer: "denies" with no report in sight.
LEGAL_OBJECT = (
    r"motion|motions|appeal|appeals|petition|request|requests|bid\s+to|application|bail|"
    r"injunction|patent|trademark|visa|permit|licen[cs]e|warranty|insurance|refund|refunds|"
    r"coverage|benefits|loan\s+application|repair|repairs|compensation|reimbursement|"
    r"(?:warranty|insurance|customer|owners?'?|flood|damage)\s+claims?"
)
# Up to a few words, but never across a word that names a report.
FILLER = r"(?:(?!reports?\b|rumou?rs?\b|story\b|speculation\b|claims?\b)[\w'’]+[\s-]+)"
RULING = _rx(
    r"\b(?:court|courts|judge|judges|jury|tribunal|arbitrator|magistrate|appeals?\s+court|"
    r"supreme\s+court)\b[^.;]{0,90}?\b(?:den(?:y|ies|ied)|rejects?|rejected|dismiss(?:es|ed)?|"
    r"throws?\s+out|threw\s+out|turns?\s+down|tosses|tossed)\b",
    # a request or a customer's claim refused
    r"\b(?:den(?:y|ies|ied)|rejects?|rejected|dismiss(?:es|ed)?|turns?\s+down|turned\s+down)"
    rf"\s+{FILLER}{{0,3}}?(?:{LEGAL_OBJECT})\b|"
    r"\b(?:claims?|requests?|applications?|appeals?)\s+(?:were|was|are|is|being|got|has\s+been|"
    r"have\s+been|had\s+been)\s+(?:denied|rejected)\b|"
    r"\b(?:insurer|insurers|insurance|underwriter)\b[^.;]{0,40}\bden(?:y|ies|ied)\b",
    # sport: a referee, a review or a rule denies a goal or a penalty
    r"\b(?:denied|deny|denies|denying)\s+(?:\w+\s+){0,3}?(?:goal|penalty|spot\s+kick|try|"
    r"win|victory|point|points)\b|\b(?:referee|ref|var|umpire)\b[^.;]{0,60}?\b(?:den\w+|"
    r"waved\s+away|rejected|ruled\s+out)\b",
)
REPORT_WORDS = (
    r"reports?|reporting|claims?|rumou?rs?|speculation|story|stories|article|allegations?|"
    r"charges|accusations?|"
    r"suggestions?|talk|media|idea|notion|chatter|gossip|hearsay|leaks?|tally|figures|account"
)
DENIAL_STRONG = _rx(
    # a verb of denial
    r"\b(?:den(?:y|ies|ied|ying)|denial\s+of|refut(?:e|es|ed|ing)|rebut(?:s|ted|ting)?|"
    r"debunk(?:s|ed|ing)?)\b|\bdisput(?:e|es|ed|ing)\s+(?:the\s+|a\s+)?(?:[\w'’.-]+\s+){0,4}?"
    r"(?:report|claim|story|article)|"
    r"否认|否認|辟谣|闢謠|澄清",
    # a verb of dismissal, with the report as its object
    r"\b(?:rejects?|rejected|rejecting|dismiss(?:es|ed|ing)?|slams?|slammed|shoots?\s+down|"
    r"shot\s+down|brush(?:es|ed)?\s+(?:off|aside)|push(?:es|ed|ing)?\s+back\s+(?:on|against)|"
    r"pour(?:s|ed)?\s+cold\s+water\s+on|quash(?:es|ed)?|squash(?:es|ed)?|scotch(?:es|ed)?|"
    r"knock(?:s|ed)?\s+down|hits?\s+back\s+at|contradict(?:s|ed|ing)?|swats?\s+(?:down|away)|"
    r"play(?:s|ed)?\s+down|downplay(?:s|ed)?|rubbish(?:es|ed)?|hos(?:es|ed|ing)?\s+down|"
    r"rebuff(?:s|ed)?|challeng(?:es|ed|ing)|says?\s+(?:no|nein)\s+to|rebuk(?:es|ed|ing)|"
    r"cast(?:s|ing)?\s+doubt\s+on|(?:stamp|shut|tamp)(?:s|ed|ped|ting)?\s+(?:out|down)|"
    r"discredit(?:s|ed|ing)?|"
    r"disput(?:e|es|ed|ing)\s+the\s+accuracy\s+of)\s+(?:[\w'’]+[\s-]+){0,4}?"
    rf"(?:{REPORT_WORDS}|documentary|characteri[sz]ation|findings)\b|"
    r"\bdismiss(?:es|ed|ing)?\s+as\b|\bmischaracteri[sz](?:e|es|ed|ing)\b|"
    r"\b(?:threw|throws?|pours?|poured|pouring)\s+cold\s+water\b|澆冷水|泼冷水|浇冷水",
    # the report is said to be false
    rf"\b(?:{REPORT_WORDS}|memo)\b[^.;]{{0,60}}?[\"'“”]?\s*(?:not\s+true|not\s+accurate|"
    r"inaccurate|speculative|misunderstanding|fiction|fantasy|false|untrue|baseless|wrong|fake|"
    r"nonsense|(?:a\s+)?hoax)\b",
    # someone calls it false
    r"\b(?:calls?|called|calling|labels?|labell?ed|terms?|termed|brands?|branded|describes?|"
    r"described|dubs?|dubbed|found)\b[^.;]{0,120}?(?:\bfalse\b|\buntrue\b|\binaccurate\b|\bbaseless\b|"
    r"\bgroundless\b|\bfake\b|\bfabricat\w*|\bincorrect\b|\bwrong\b|\bmisleading\b|"
    r"\bspeculat\w*|\brumou?r\b|\bnonsense\b|\brubbish\b|\bfiction\w*|\bfantasy\b|\bnot\s+accurate\b|"
    r"\bnot\s+true\b|\bnot\s+correct\b|\bunfounded\b|\bbogus\b|\bmisinformation\b|\bhoax\b|"
    r"\bridiculous\b|\babsurd\b|\bflawed\b|\bpreposterous\b|\blaughable\b)",
    # false, intensified
    r"\b(?:completely|totally|entirely|absolutely|categorically|patently|simply|wholly|"
    r"utterly|deliberately|100%|100\s+per\s*cent|total|pure)\s+(?:false|untrue|baseless|"
    r"groundless|inaccurate|fabricated|fiction|"
    r"incorrect|wrong|unfounded|made\s+up|fake|not\s+true)\b|"
    r"\b(?:false|untrue|fake)\s+and\s+(?:baseless|groundless|misleading|unfounded)\b|"
    r"纯属|純屬|子虚乌有|子虛烏有",
    # speculation, and nothing more
    r"\b(?:pure|mere|just|only|idle|wild|entire|union|market)\s+speculation\b|"
    r"\bspeculation\b[\"'”]?\s+with\s+no\b",
    # without basis
    r"\bno\s+(?:\w+\s+)?(?:truth|basis|merit|substance|foundation)\b|\bwithout\s+(?:any\s+)?"
    r"(?:basis|foundation|merit)\b|\bunfounded\b|\bgroundless\b|\bbaseless\b|毫无根据|毫無根據",
    # the claim is predicated false: "is not true", "that's wrong", 不实
    r"\b(?:is|are|was|were|be|that's|it's|this\s+is|that\s+is|it\s+is)\s+[\"']?(?:just\s+|simply\s+|"
    r"absolutely\s+|completely\s+|totally\s+|factually\s+|utter\s+|complete\s+|speculative\s+|"
    r"pure\s+)?(?:not\s+true|untrue|false|baseless|"
    r"inaccurate|not\s+accurate|fake|incorrect|not\s+correct|wrong|unfounded|groundless|nonsense|"
    r"rubbish|fabricated|made\s+up|fiction)\b|\b(?:isn't|aren't|wasn't|weren't)\s+true\b|"
    r"\b(?:none|neither)\s+of\s+(?:them|these|those|it|this)\s+(?:is|are)\s+(?:true|accurate)\b|"
    r"不实|不實|不属实|不屬實|并非事实|並非事實|不是事实|不是事實|不准确|不準確|并不准确|並不準確|"
    # ... or flatly not so: "this is not the case", "those increases aren't happening"
    r"\b(?:is|was|that's|it's|this\s+is|that\s+is|it\s+is)\s+(?:simply\s+|just\s+|"
    r"certainly\s+)?not\s+the\s+case\b|\b(?:isn't|aren't|is\s+not|are\s+not)\s+happening\b|"
    # ... or at odds with the facts
    r"\b(?:not\s+in\s+line|inconsistent|at\s+odds|not\s+consistent)\s+with\s+(?:the\s+)?facts\b|"
    r"\bdoes\s+not\s+reflect\s+(?:the\s+)?(?:facts|reality)\b|\bnot\s+based\s+(?:on|in)\s+fact|"
    r"不符合事实|与事实不符|與事實不符|不符合事實|严重不符|嚴重不符",
    # the words of falsehood: a hoax, lies, fake news, a fabrication, way off the mark
    r"\bhoax\b|\blying\b|\blies\b|\bfake\s+news\b|\bmisinformation\b|\b(?:malicious\s+)?"
    r"fabrication\b|\bsmear\b|\bforged\b|\bforgery\b|\b(?:wide\s+of|way\s+off|off)\s+(?:the\s+)?"
    r"(?:mark|base)\b|\b(?:pure|an?)\s+(?:invention|fiction|fantasy)\b|\bfurther\s+from\s+the\s+"
    r"truth\b|\bnon-?story\b|\b(?:just|simply|flat|plain|dead)\s+wrong\b|造谣|造謠|捏造|谣言|"
    r"謠言|假消息|假新闻|假新聞",
    # a retort: hitting back, shrugging off, asking for a retraction
    r"\b(?:hits?|hitting|hit)\s+(?:out|back)\s+at\b|\b(?:shrugs?|shrugged|laughs?|laughed|"
    r"waves?|waved)\s+(?:off|away)\b|\brebuff(?:s|ed)?\b|\bdistanc(?:es|ed|ing)\s+"
    r"(?:itself|himself|herself|themselves)\s+from\b|\bretract\w*\b|\baccus\w+\s+[^.;]{0,30}?"
    r"\bof\s+(?:lying|fabricat\w+)",
    # a retort in a word or two: replied "False", wrote that "this is a lie"
    r"\b(?:replied|replies|wrote|writes|tweeted|tweets|responded|responds|posted|posts|answered|"
    r"answers)\s+(?:briefly\s+|simply\s+|only\s+)?(?:that\s+)?(?:it\s+was\s+|this\s+is\s+|it\s+is\s+|"
    r"it's\s+)?(?:false|a\s+lie|not\s+true|fake(?:\s+news)?|untrue|nonsense|wrong)\b",
    # a colloquial Chinese dismissal: "no such thing", "nonsense", "baseless", ": fake"
    r"没有的事|沒有的事|没有?这回事|沒有?這回事|胡说八道|胡說八道|毫无依据|毫無依據|"
    r"[：:“「]\s*假的",
)
# Negated plans and talks: a denial when the company says so, a claim when sources do.
DENIAL_NEGATED = _rx(
    # no plans, no talks, no intention
    r"\b(?:no|not\s+any|zero)\s+(?:current\s+|immediate\s+|such\s+)?(?:plans?|intention|intent|"
    r"talks|negotiations|discussions|agreement|deal|interest\s+in|timetable|project|contact)\b|"
    r"没有(?:任何)?(?:计划|打算)|沒有(?:任何)?(?:計劃|打算)|没有.{0,14}计划|沒有.{0,14}計劃|"
    r"暂无|暫無|无意|無意|\brul(?:ed|es|ing)?\s+out\b",
    # not doing what was reported: "is not in talks", "is not buying", "not for sale"
    r"\b(?:is|are|was|were|has\s+been|have\s+been|it's|we're|they're)?\s*(?:not|n't|never)\s+"
    r"(?:currently\s+|actively\s+|presently\s+)?(?:in\s+(?:talks|negotiations|discussions)|"
    r"engaged\s+in|negotiating|"
    r"considering|planning|pursuing|looking\s+(?:to|at)|seeking|talking|exploring|discussing|"
    r"cutting|selling|closing|leaving|exiting|building|entering|raising|buying|acquiring|"
    r"investing|moving|shifting|relocating|abandoning|scrapping|killing|ending|cancell?ing|"
    r"delaying|dropping|discontinuing|pulling\s+out|walking\s+away|in\s+the\s+works|"
    r"on\s+the\s+table|on\s+the\s+agenda|for\s+sale|on\s+the\s+market|happening|"
    r"going\s+anywhere)\b|"
    r"\b(?:not|never)\b[^.;]{0,30}?\bin\s+(?:\w+\s+)?(?:talks|negotiations|discussions)\b|"
    r"\b(?:will|would|does|do)\s*(?:not|n't)\s+(?:suspend|sell|close|exit|leave|cut|abandon|"
    r"scrap|cancel|delay|pull\s+out|shut|quit|withdraw|move|relocate)\b",
    # there is no such thing: "there is no project", "no such plan", "nothing has changed"
    r"\bthere(?:'s|’s|\s+is|\s+are|\s+was|\s+were|\s+has\s+been|\s+have\s+been)\s+no\b|"
    r"\bno\s+such\s+(?:thing|plans?|product|project|deal|meeting)\b|\bnothing\s+(?:has\s+)?"
    r"changed\b|\bnothing\s+to\s+(?:it|the\s+reports?)\b|并无|並無|并未|並未|"
    r"(?:根本|压根|壓根|真|完全)(?:就)?(?:没有|沒有)(?:这回事|這回事)?",
    # has never done it: "has not held talks", "never approached", "has not been approached"
    r"\b(?:has|have|had)\s*(?:not|n't|never)\s+(?:held|had|been\s+in|engaged\s+in|entered|"
    r"discussed|approached|met|signed|decided|received|offered|looked\s+into|invested|"
    r"conducted|been\s+approached|made\s+(?:a|any)\s+decision)\b|"
    r"\b(?:did|does|do)\s*(?:not|n't)\s+(?:hold|have\s+(?:any\s+)?plans|plan|intend|engage|exist)\b|"
    r"\bnever\s+(?:held|had|discussed|negotiated|planned|considered|met|asked|approached|"
    r"told|spoken|talked|found|conducted)\b|未与|未與",
    # not the cause: "was not caused by", "is not to blame"
    r"\b(?:not|n't|never)\s+(?:\w+\s+)?(?:caused\s+by|to\s+blame|responsible\s+for|behind|"
    r"obtained\s+through|the\s+result\s+of|involved\s+in)\b",
)
# Reassurance answers a report only when one is named ("remains committed to Mexico,
# responding to a report"); alone it is a statement of strategy.
REASSURANCE = _rx(
    r"\b(?:remains?|fully|firmly|still|deeply)\s+(?:fully\s+|firmly\s+)?committed\b|"
    r"\b(?:is|are|remains?|still|it's)\s+on\s+track\b|\bno\s+change\s+to\b|\bunchanged\b|"
    r"\b(?:is|are)\s+staying\b|\bnot\s+leaving\b|\bas\s+planned\b|\bcontinues?\s+as\s+normal\b"
)
CORPORATE_OBJECT = (
    r"plant|plants|factory|factories|facility|site|joint\s+venture|jv|partnership|"
    r"partner|alliance|deal|agreement|investment|invest|acquisition|acquire|takeover|stake|"
    r"merger|entry|enter|expansion|expand|job\s+cuts|layoffs|cuts|cut|cancel\w*|exit|"
    r"withdraw\w*|hub|headquarters|cent(?:er|re)|mou|memorandum|collaboration|cooperation|"
    r"listing|ipo|spin-?off|sale|price\s+cuts?|recall|production|closure|shut\w*|plans?|"
    r"programme|program|strategy|build|building|letter\s+of\s+intent|loi|placement|"
    r"share\s+sale|rights\s+issue|sales\s+target|target"
)
CONFIRMATION = _rx(
    # confirms, acknowledges, verifies (a form of "confirm" negated or hedged is taken out
    # first, by NOT_CONFIRMED)
    r"\bconfirm(?:s|ed|ing)?\b|\backnowledg(?:e|es|ed|ing)\b|\bverif(?:y|ies|ying)\b|"
    r"\badmit(?:s|ted|ting)?\b|"
    r"\b(?:it|they|he|she|the\s+company)\s+verified\b|"
    r"证实|證實|确认|確認|官宣",
)
# A company announcing a corporate development confirms it (DESIGN §5: "BYD announces
# its Hungary plant will open"); product launches and results are news, not stance.
ANNOUNCEMENT = _rx(
    # says it will build, invest, cut, close...
    r"\bsaid\s+(?:\w+\s+){0,3}?(?:that\s+)?(?:it|they|the\s+company)\s+(?:would|will|had|has|is|"
    r"was|plans\s+to|planned\s+to|is\s+going\s+to)\s+(?:\w+\s+){0,3}?(?:invest\w*|clos\w+|"
    r"build\w*|open\w*|cut\w*|set\s+up|hire\w*|scrap\w*|enter\w*|exit\w*|acquir\w+|buy\w*|"
    r"sell\w*|shut\w*|halt\w*|mov\w+|relocat\w+|lay\w*\s+off|restart\w*|resum\w+|retain\w*|"
    r"commit\w*|spend\w*|reduc\w+|implement\w*|eliminat\w+|partner\w*|take|end)\b",
    # announces, signs, agrees, opens + a corporate development
    r"\b(?:announces?|announced|unveils?|unveiled|reveals?|revealed|signs?|signed|"
    r"inks?|inked|completes?|completed|agrees?|agreed|opens|opened|inaugurat(?:es|ed)|"
    r"seal(?:s|ed)|will\s+(?:build|open|invest|enter|cut|close|acquire))\b"
    rf"[^.;]{{0,60}}?\b(?:{CORPORATE_OBJECT})\b|宣布|签署|簽署|签约|簽約|"
    r"\b(?:has\s+|have\s+)?announced\s+(?:on\s+\w+\s+)?that\b|"
    r"\b(?:reached|signed|entered\s+into)\s+(?:an?\s+|the\s+)?(?:definitive\s+|final\s+)?"
    r"(?:agreement|deal)\b",
    # in its own voice, the very talks or review that get rumoured: "said it is in talks
    # with", "said it's exploring a transaction", "..., it said in an announcement"
    r"\b(?:said|says|stated)\s+(?:on\s+\w+\s+|in\s+a\s+statement\s+|late\s+\w+\s+)?(?:that\s+)?"
    r"(?:it|they|the\s+company|the\s+group)(?:\s+is|\s+was|'s|’s|\s+were|\s+are|\s+had\s+been|"
    r"\s+has\s+been)\s+(?:\w+\s+){0,2}?(?:exploring|in\s+(?:\w+\s+)?(?:talks|discussions|"
    r"negotiations)|considering|conducting|reviewing|evaluating|weighing|holding\s+talks)\b|"
    r"\b(?:in\s+(?:\w+\s+)?(?:talks|discussions|negotiations)|exploring|considering)\b[^.;]{0,120}?"
    r",\s*(?:it|the\s+company)\s+said\s+in\s+(?:an?\s+)?(?:announcement|statement|filing|release)",
    # the approach that gets rumoured, received: "said it had received a takeover
    # proposal", "has received an approach" (never received: a denial, read before this)
    r"\b(?:it|they|we|the\s+company|the\s+group|had|has|have)\s+(?:\w+\s+){0,2}?received\s+"
    r"(?:an?\s+|several\s+|multiple\s+)?(?:[\w-]+\s+){0,4}?(?:proposal|offer|approach|bid|"
    r"inquiries|enquiries|expression\s+of\s+interest|indications?\s+of\s+interest)\b",
)
# The company acts ("Meta cuts 11,000 jobs", "Shell to buy East Resources", "BP names
# Auchincloss CEO"): a confirmation only when nothing reports it ("..., sources say").
CORPORATE_ACT = _rx(
    r"\b(?:acquires|acquired|acquiring|agree[sd]?\s+to\s+(?:buy|acquire|sell|merge)|"
    r"to\s+(?:buy|acquire)|will\s+(?:buy|acquire)|buys|bought|cuts?|cutting|to\s+cut|"
    r"will\s+cut|reduc(?:e|es|ing)|will\s+reduce|slash(?:es|ed|ing)?|lays?\s+off|laying\s+off|laid\s+off|(?:is|are)\s+closing|"
    r"to\s+close|to\s+eliminate|eliminat(?:es|ing))\s+(?:[\w$€£%,.-]+\s+){0,4}?(?:jobs|"
    r"positions|roles|workers|employees|staff|people|stores|plants?|factories|stake|rival|"
    r"company|firm|maker|business|unit|operations|workforce|\w+\s+for\s+[$€£])|"
    r"\b(?:names?|named|appoints?|appointed|hires?|hired)\s+(?:[\w.'’-]+\s+){0,4}?(?:as\s+)?"
    r"(?:(?:its|new|permanent|interim|the)\s+)*(?:ceo|chief\s+executive|chairman|president|"
    r"cfo)\b|\b(?:taken|take|takes)\s+over\s+as\s+(?:ceo|chief\s+executive)|"
    r"\bstep(?:s|ped|ping)?\s+down\b|\b(?:resign(?:s|ed)?|will\s+resign)\b|"
    r"\b(?:agreement|deal|contract|memorandum|mou|pact)\s+"
    r"(?:was|were|has\s+been|have\s+been)\s+signed|\b(?:established|set\s+up|founded)\s+"
    r"(?:a\s+)?(?:new\s+)?(?:\w+\s+)?(?:company|subsidiary|unit|venture|joint\s+venture)|"
    r"\blaid\s+the\s+foundation\s+stone|\bbroke\s+ground|\binvested\s+(?:eur|usd|\$|€|£)?\s*\d",
    # a deal agreed or done: "agreed to buy", "acquires", "completed its acquisition"
    r"\bagree[sd]?\s+to\s+(?:buy|acquire|sell|merge|a\s+\S+\s+(?:\w+\s+)?deal)|"
    r"\bacquires\b|\bacquired\b|\bcompleted\s+(?:its\s+|the\s+)?acquisition",
    # closures and exits: "shuts down all 133 stores", "cuts ties", "will stop sponsoring"
    r"\b(?:shuts?|shutting|closes|closed|closing)\s+(?:down\s+)?(?:\w+\s+){0,3}?(?:stores|plants?|"
    r"factories|operations|offices|branches|units?|business|production|manufacturing)\b|"
    r"\b(?:ends?|ended|ceases?|ceased|to\s+cease)\s+(?:the\s+|its\s+|all\s+)?(?:[\w-]+\s+){0,2}?"
    r"(?:production|operations|manufacturing)\b|\bcuts?\s+ties\b|\bwill\s+stop\s+\w+ing\b",
    # job cuts: "to lay off", "jobs to go", "is reducing its workforce"
    r"\blays?\s*off\b|\blaid\s+off\b|\blaying\s+off\b|\bjobs\s+to\s+go\b|"
    r"\b(?:jobs?|roles|positions)\s+(?:to\s+be\s+|are\s+|were\s+|being\s+)?(?:axed|cut|slashed)\b|"
    r"\breduc(?:e|es|ing|ed)\s+(?:the\s+size\s+of\s+)?(?:our|its|their|the)\s+(?:\w+\s+)?"
    r"(?:team|teams|workforce|headcount|staff)\b|\b(?:headcount|workforce|staff|job)\s+reductions?\b|"
    r"\bjob\s+losses\b|\bloss\s+of\s+(?:about\s+|some\s+|around\s+)?(?:[\d,]+\s+)?jobs\b|"
    r"\baxe[sd]?\s+(?:[\w,]+\s+){0,2}?(?:jobs|roles|staff)\b|"
    r"\breducing\s+its\s+(?:\w+\s+)?workforce",
    # money committed: "will invest $5 billion in", "to spend $620 million to set up"
    r"\b(?:will|to|plans?\s+to|is|are|has\s+agreed\s+to)\s+(?:invest(?:ing)?|spend(?:ing)?|"
    r"pour(?:ing)?)\s+(?:an?\s+(?:additional|extra|further)\s+)?(?:(?:us|eur|rmb|rs\.?|inr)\s*)?"
    r"[$€£¥]?\s*\d",
    # a purchase with its price: "will acquire Whole Foods Market Inc. for $13.7 billion"
    r"\b(?:will|to|agreed\s+to|agrees\s+to)\s+(?:acquire|buy|purchase)\s+[^.;]{0,60}?\bfor\s+"
    r"(?:about\s+|around\s+|roughly\s+|nearly\s+)?[$€£¥]\s*\d",
    # a listing set in motion: "files for IPO", "will proceed with an initial public offering"
    r"\bfil(?:es|ed|ing)\s+(?:\w+\s+){0,2}?for\s+(?:an?\s+|its\s+)?(?:\w+\s+)?(?:ipo|initial\s+"
    r"public\s+offering|(?:public\s+|stock\s+market\s+)?listing|flotation)\b|\bproceed\s+with\s+"
    r"(?:an?\s+|its\s+)?(?:\w+\s+)?(?:ipo|initial\s+public\s+offering|listing)\b",
    # a deal given up: "has withdrawn its offer", "terminated all discussions", "ended
    # talks", "withdraw from the sale process" (the end of what was rumoured is news too)
    r"\b(?:withdr(?:aw|ew|awn|aws|awing)|terminat(?:e|es|ed|ing)|end(?:s|ed)|call(?:s|ed)\s+"
    r"off|abandon(?:s|ed)|scrap(?:s|ped))\s+(?:from\s+)?(?:its\s+|their\s+|the\s+|all\s+|"
    r"an?\s+)?(?:[\w-]+\s+){0,3}?(?:talks|discussions|negotiations|offer|bid|proposal|takeover|"
    r"merger|deal|sale\s+process|contract)\b",
)
NOT_CONFIRMED = _rx(
    # not confirmed: "won't confirm", "declining to confirm", "unconfirmed", "no confirmation"
    r"(?:\b(?:not|never|yet\s+to|unable\s+to|could\s+not|without|neither|nor)|n't|"
    r"\b(?:refus|declin)\w*\s+to)\s+(?:immediately\s+|independently\s+|officially\s+|"
    r"publicly\s+)?(?:confirm|verify|acknowledge|admit)\w*|"
    r"\bunconfirmed\b|\bunverified\b|\bnot\s+(?:been\s+)?confirmed\b|"
    r"\bno\s+(?:official\s+)?confirmation\b",
    # to be confirmed later: "could announce", "expected to sign"
    r"\b(?:could|may|might|would|will|to|set\s+to|expected\s+to|plans?\s+to|poised\s+to|"
    r"likely\s+to|soon)\s+(?:formally\s+|officially\s+)?(?:announce|confirm|unveil|sign)\w*",
)
CLAIM = _rx(
    # anonymous sources: "sources say", "people familiar with the matter", "insiders"
    r"\bsources?\b(?:\s+\w+){0,5}\s+(?:say|said|says|told|tell|tells|indicate|suggest|"
    r"claim|familiar|close\s+to|with\s+knowledge|added)\b|"
    r"\bpeople\s+(?:familiar|with\s+(?:direct\s+|first-?hand\s+)?knowledge|briefed|close\s+to|"
    r"aware|in\s+the\s+know)\b|\b(?:the|these|those|two|three|four)\s+people\s+said\b|"
    r"\bperson\s+(?:familiar|with\s+(?:direct\s+)?knowledge|briefed|close\s+to)\b|"
    r"\binsiders?\b|\basking\s+not\s+to\s+be\s+(?:named|identified)\b|"
    r"\bnot\s+authori[sz]ed\s+to\s+speak\b|消息人士|知情人士|业内人士|業內人士",
    # a source named at the end of a headline: "... - sources", "(report)"
    r"[-–—:,(]\s*(?:sources?|insiders?|report|reports|media|people\s+familiar)\s*\)?\s*$",
    # according to a report, citing sources
    r"\b(?:according\s+to|citing|cites|cited|per)\s+(?:a\s+|the\s+|an\s+|two\s+|three\s+|"
    r"four\s+|five\s+|several\s+|multiple\s+|unnamed\s+|anonymous\s+|unidentified\s+)?"
    r"(?:\w+\s+){0,3}?(?:report|reports|sources?|people|insiders?|documents?|media|memo|"
    r"newspaper|outlet|persons?|person|executives|officials?|publication|daily|magazine|"
    r"website|blog|leaks?|invoice|checks|dealers?|suppliers?|recording|recordings|members)\b|"
    r"\bquoted\s+(?:\w+\s+){0,2}(?:sources?|people|persons?|insiders?)\b|"
    rf"\b(?:according\s+to|citing|per)\s+(?:the\s+)?(?:{OUTLETS})\b|"
    # ... or documents seen by a newspaper
    r"\b(?:documents?|memos?|filings?|papers|emails?|letters?|presentation|slides|data|plans?|"
    r"minutes|notes?|records?)\s+(?:\w+\s+){0,2}(?:seen|reviewed|obtained|viewed)\s+by\b|"
    r"\b(?:had\s+)?obtained\s+a\s+document\b",
    # people around the company describing its plans: dealers, suppliers, unions
    r"\b(?:dealers?|store\s+managers?|store\s+staff|suppliers?|employees|workers|unions?|"
    r"works\s+council|unifor|uaw|ig\s+metall|analysts?)\b[^.;]{0,40}?\b(?:says?|said|told|"
    r"telling|claims?|suggested)\b",
    # reportedly, allegedly, rumoured, leaked, exclusive
    r"\breportedly\b|\ballegedly\b|\bpurportedly\b|\brumou?red\b|\bleaked\b|\bexclusive\b|"
    r"\bscoop\b|\bunconfirmed\b|据称|據稱|据悉|據悉|传闻|傳聞|网传|網傳|流传|流傳|被曝|曝光|爆料",
    # is said, reported, understood, expected to
    r"\b(?:is|are|was|were)\s+(?:said|reported|understood|believed|rumou?red|thought|"
    r"expected|set|poised|likely|tipped|slated|due|tapped)\s+to\b|"
    r"\bsaid\s+to\s+(?!(?:reporters|journalists|the\s+press|analysts|investors|media|"
    r"employees|staff|workers|dealers|customers)\b)",
    # a report says: "the report said", "reports suggest", "a report surfaced"
    r"\breports?\s*(?::|says|said|claims?|claimed|shows|suggests?|suggested|finds|that|"
    r"indicates|indicated|states|stated|added|surfaced|emerged|in\s+the)|\breports?\s+"
    r"(?:\w+\s+){1,6}?(?:said|say|says|suggest|suggested|claimed|stated)\b|\breported\s+"
    r"(?:on\s+\w+\s+|earlier\s+|last\s+\w+\s+|this\s+\w+\s+|today\s+)?that\b|"
    r"据.{0,24}(?:报道|報導|报导|消息)|據.{0,24}(?:報導|報道|消息)|此前报道|此前報導|消息称|消息稱|"
    r"报道称|報導稱|报导称|發布信息稱|发布信息称|有人说|有人說",
    # an outlet says: "Bloomberg reported", "the newspaper said", "- Reuters"
    rf"\b(?:{OUTLETS})\s*(?:news\s+)?(?:reports|reported|says|said|:\s*$|reporting|learned|learns|"
    r"understands|has\s+learned|claims|writes|wrote|revealed|reveals)\b|"
    rf"[-–—]\s*(?:{OUTLETS})\s*\.?\s*$|,\s*(?:{OUTLETS})\s+(?:says|said|reports)\s*\.?\s*$|"
    r"\b(?:newspaper|paper|magazine|daily|outlet|publication|news\s+agency|broadcaster|"
    r"website|blog|station)\b[^.;]{0,40}?\b(?:said|reported|says|reports|wrote|cited|citing|"
    r"stated|claimed|suggested|writing)\b|\b(?:is|are|was|were)\s+reporting\b",
    # ", X reported" at the end of a sentence
    r",\s*(?:[\w.'’-]+\s+){0,6}(?:reported|reports|reporting)\b",
    # talks under way: "in talks", "talks between", "held talks"
    r"\b(?:in|entered|enter|held|holds|hold|holding|opens?|opened|began|begin|begun|started|"
    r"advances?|engaged\s+in)\s+(?:[\w-]+\s+){0,2}(?:talks|negotiations|discussions)\b|"
    r"\btalks\s+(?:between|with|over|about)\b",
    # weighing, exploring, nearing a deal
    r"\b(?:weigh(?:s|ing|ed)?(?!\s+on\b)|consider(?:s|ing|ed)?|mull(?:s|ing|ed)?|"
    r"explor(?:es|ing|ed)|eyes|eyeing|studying|evaluating|plots?|plotting|prepar(?:es|ing)|"
    r"scouts?|scouting|courting|sounds?\s+out|in\s+line\s+for|gearing\s+up|developing|"
    r"close\s+to\s+(?:a\s+)?(?:deal|agreement|buying|selling|signing))\b|"
    r"\bnear(?:s|ing)?\s+(?:a\s+|an\s+)?(?:deal|agreement|decision|settlement|pact|sale)\b",
    # plans and negotiations
    r"\bplans?\s+to\b|\bplanning\s+to\b|\bplanned\b|\bdiscuss(?:ed|es|ing)?\b|"
    r"\bnegotiat(?:e|es|ed|ing)\b|\bin\s+the\s+works\b|\bon\s+the\s+table\b|或将|或將|拟|擬",
    # could do: "could build", "may sell"
    r"\b(?:could|may|might)\s+(?:soon\s+)?(?:be\s+)?(?:build|launch|enter|buy|acquire|sell|cut|"
    r"close|open|partner|team|invest|announce|exit|shut|recall|merge|face|delay|raise|lower|"
    r"list|bring|return|make|produce|supply|pull(?:ing)?\s+out)\b|\blikely\s+to\s+(?:make|"
    r"buy|sell|close|cut|exit|enter|acquire|bid|announce|launch)\b",
)
# Bare words that name rumours without making one ("we don't comment on speculation").
WEAK_CLAIM = _rx(r"\brumou?rs?\b|\bspeculation\b")
# Who speaks: "<company> says", "a <company> spokesperson", "in a statement".
OWN_VOICE = _rx(
    r"\b(?:says?|said|tells?|told|stated?|states|insists?|insisted|responds?|responded|"
    r"clarifies|clarified|replies|replied|writes|wrote|posted|tweeted|adds|added|notes?|"
    r"noted|stresses|stressed|emphasi[sz]ed|underlined|explains?|explained|reiterat\w+|"
    r"confirm(?:s|ed)?)\b",
    r"\bspokes(?:person|man|woman|people)\b|\brepresentative\b|\bstatement\b|"
    r"\bpress\s+release\b|\bcommunications\b|\bpr\s+(?:director|chief|head)\b|"
    r"\bceo\b|\bchairman\b|\bchief\b|\bexecutive\b|\bofficial\s+(?:account|channel)\b|"
    r"^\s*[\w\s.'’-]{2,40}:|回应|回應|表示|声明|聲明",
)
ANONYMOUS = _rx(
    # nobody named: sources, people familiar, insiders, a report
    r"\bsources?\b|\bpeople\s+(?:familiar|with\s+knowledge|briefed|close)\b|"
    r"\bperson\s+(?:familiar|with\s+knowledge|briefed|close)\b|\binsiders?\b|\breportedly\b|"
    r"\bsaid\s+to\b|\b(?:the|two|three|four)\s+people\s+said\b|"
    r"消息人士|知情人士|据报道|據報導|网传|網傳|传闻|傳聞",
    r"\baccording\s+to\s+(?:a\s+|the\s+)?reports?\b|\breport(?:s|ed)?\s*(?::|says|said|claims)",
    r"\b(?:dealers?|store\s+managers?|suppliers?|unions?|works\s+council|unifor|uaw|"
    r"ig\s+metall)\b[^.;]{0,40}?\b(?:says?|said|told|telling)\b",
)
CLAIM_REFERENCE = _rx(
    r"\b(?:reports?|reported|claims?|rumou?rs?|speculation|story|stories|article|allegations?|"
    r"media|suggestions?|chatter)\b|报道|報導|传闻|傳聞|消息"
)
# Answering a rumour ("回应…传闻", "asked about the report") is the company's own voice.
RESPONSE = _rx(r"回应|回應|澄清|\bin\s+response\s+to\b|\bresponding\s+to\b|\basked\s+about\b")
