"""The cue patterns that stance.py's rules are made of: what a claim, a denial, a
confirmation and a non-answer look like in news copy (English and Chinese)."""

from __future__ import annotations

import re

__all__ = [
    "ANNOUNCEMENT",
    "ANONYMOUS",
    "ANONYMOUS_DENIAL",
    "CLAIM",
    "CLAIM_REFERENCE",
    "CONFIRMATION",
    "DENIAL_NEGATED",
    "DENIAL_STRONG",
    "NON_ANSWER",
    "NOT_CONFIRMED",
    "NOT_DENIED",
    "OWN_DOCUMENT",
    "OWN_VOICE",
    "QUESTION_END",
    "QUESTION_OPENER",
    "REASSURANCE",
    "RESPONSE",
    "RULING",
    "WEAK_CLAIM",
]


def _rx(*alternatives: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{a})" for a in alternatives), re.I)


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
NON_ANSWER = _rx(
    r"\b(?:declined|refused|decline|declines|refuses)\s+to\s+(?:comment|elaborate|discuss|"
    r"respond|say\s+more)\b",
    r"\bno\s+(?:immediate\s+)?comment\b",
    r"\b(?:do\s+not|don't|does\s+not|doesn't|won't|will\s+not|would\s+not|wouldn't|never)\s+"
    r"(?:comment|discuss|speculate)\b",
    r"\b(?:calls?|emails?|messages?|requests?)\s+(?:to\s+\w+\s+)?went\s+unanswered\b",
    r"\b(?:did\s+not|didn't|has\s+not|hasn't|have\s+not)\s+(?:yet\s+)?(?:immediately\s+)?"
    r"(?:respond|reply|return)",
    r"\bcould\s+not\s+(?:immediately\s+)?be\s+reached\b",
    r"\bnot\s+(?:immediately\s+)?available\s+for\s+comment\b",
    r"\bwithout\s+(?:giving|providing)\s+(?:a\s+)?comment\b",
)
NOT_DENIED = _rx(
    r"\b(?:did\s+not|didn't|does\s+not|doesn't|would\s+not|wouldn't|will\s+not|won't|"
    r"has\s+not|hasn't|refused\s+to|declined\s+to|failed\s+to)\s+(?:explicitly\s+|directly\s+|"
    r"outright\s+)?(?:deny|denied|refute|rule\s+out|dismiss)",
    r"\bstopped\s+short\s+of\s+(?:a\s+)?(?:denial|denying|refuting|ruling\s+out)",
    r"\bno\s+denial\b",
    r"\bneither\s+confirm\s+nor\s+deny|\b(?:not|n't)\s+confirm\s+or\s+deny\b|"
    r"\bno\s+(?:final\s+)?decision\s+(?:has|had)\s+(?:yet\s+)?been\s+(?:made|taken)\b",
    r"\bden(?:y|ied|ies)\s+entry\b|\bdenial-of-service\b|\bstop\s+denying\b|"
    r"\b(?:company|corporate)\s+denials\b",
    r"未有否[认認]|没有否认|沒有否認|并未否认|並未否認|未否[认認]",
    r"\bnot\s+(?:a\s+)?denial\b",
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
    r"supreme\s+court)\b[^.;]{0,60}?\b(?:den(?:y|ies|ied)|rejects?|rejected|dismiss(?:es|ed)?|"
    r"throws?\s+out|threw\s+out|turns?\s+down|tosses|tossed)\b",
    r"\b(?:den(?:y|ies|ied)|rejects?|rejected|dismiss(?:es|ed)?|turns?\s+down|turned\s+down)"
    rf"\s+{FILLER}{{0,3}}?(?:{LEGAL_OBJECT})\b",
    r"\bclaims?\s+(?:were|was|are|is|being|got)\s+(?:denied|rejected)\b",
    r"\b(?:insurer|insurers|insurance|underwriter)\b[^.;]{0,40}\bden(?:y|ies|ied)\b",
    r"\bden(?:y|ies|ied)\s+(?:the|a|his|her|their|its)\s+(?:\w+\s+)?(?:claims?|requests?)\s+"
    r"(?:because|after|from|by\s+a|filed|submitted|for\s+(?:a|the)\s+(?:repair|refund))",
)
DENIAL_STRONG = _rx(
    # what a spokesperson says instead of "deny"
    r"\boff\s+base\b|\bwide\s+of\s+the\s+mark\b|\b(?:pure|an?)\s+invention\b|"
    r"\buntethered\s+from\b|\bnot\s+grounded\s+in\b|\bgets?\s+it\s+(?:all\s+)?wrong\b|"
    r"\b(?:just|simply|flat|plain|dead)\s+wrong\b|\bforged\b|\bforgery\b|\bfake\s+memo\b|"
    r"\bis\s+not\s+an?\s+\w+\s+document\b|\bfurther\s+from\s+the\s+truth\b|"
    r"\b(?:zero|no)\s+truth\b|\bwithout\s+merit\b|\bpure\s+fiction\b|\bnon-?story\b|"
    r"\brecycled\s+rumou?r\b|\bdo(?:es)?(?:n't|\s+not)\s+recogni[sz]e\s+(?:the|those|these|that)\b|"
    r"^\W*(?:nope|absolutely\s+not|rubbish|nonsense|not\s+true|false)\b\W",
    r"\b(?:hits?|hitting|hit)\s+(?:out|back)\s+at\b|\b(?:shrugs?|shrugged|laughs?|laughed|"
    r"waves?|waved)\s+(?:off|away)\b|\brebuff(?:s|ed)?\b|\bdistanc(?:es|ed|ing)\s+"
    r"(?:itself|himself|herself|themselves)\s+from\b|\bcontradicting\s+(?:a\s+|the\s+)?"
    r"(?:report|story)\b|\bpushing\s+back\s+(?:on|against)\b|\bdisput(?:e|es|ed)\s+that\b",
    r"\b(?:contrary\s+to|despite)\s+(?:the\s+|a\s+|recent\s+|media\s+)?(?:reports?|"
    r"speculation|rumou?rs?)\b[^.;]{0,60}?\b(?:says?|said|insists?|insisted)\b",
    r"\b(?:says?|said|insists?|insisted|maintains?|maintained|stresses|stressed)\b[^.;]{0,80}?"
    r"\b(?:after|following|in\s+response\s+to)\s+(?:a\s+|the\s+|media\s+)?(?:reports?|"
    r"chatter|rumou?rs?|speculation|stor(?:y|ies))\b",
    r"\b(?:report|reports|story|claims?|rumou?rs?|talk|chatter|memo)\b[^.;]{0,60}?[\"'“]?"
    r"(?:not\s+true|not\s+accurate|inaccurate|speculative|misunderstanding|fiction|"
    r"pure\s+fiction|wrong)\b",
    r"并非事实|並非事實|不是事实|不是事實|无此事|無此事|造谣|造謠|捏造|并不准确|並不準確|"
    r"不准确|不準確|严重不符|嚴重不符|毫无根据|毫無根據|并不存在|並不存在|澄清",
    r"\b(?:den(?:y|ies|ied|ying)|denial\s+of|refut(?:e|es|ed|ing)|rebut(?:s|ted|ting)?|"
    r"debunk(?:s|ed)?|disput(?:e|es|ed)\s+(?:the\s+)?(?:report|claim|story))\b",
    r"\b(?:rejects?|rejected|rejecting|dismiss(?:es|ed|ing)?|slams?|slammed|shoots?\s+down|"
    r"shot\s+down|brush(?:es|ed)?\s+(?:off|aside)|push(?:es|ed)?\s+back\s+(?:on|against)|"
    r"pours?\s+cold\s+water\s+on|poured\s+cold\s+water\s+on|quash(?:es|ed)?|"
    r"squash(?:es|ed)?|scotch(?:es|ed)?|knocks?\s+down|knocked\s+down|hits?\s+back\s+at|"
    r"contradict(?:s|ed)?|swats?\s+(?:down|away)|plays?\s+down|played\s+down|"
    r"downplay(?:s|ed)?|rubbish(?:es|ed)?)\s+(?:[\w'’]+[\s-]+){0,4}?(?:reports?|claims?|"
    r"rumou?rs?|speculation|story|stories|article|allegations?|suggestions?|talk|"
    r"media|reporting|idea|notion|chatter|gossip|hearsay|leaks?|tally|figures|account)\b",
    r"\bdismiss(?:es|ed|ing)?\s+as\b",
    r"\b(?:report|reports|story|claims?|rumou?rs?|speculation)\b[\"'”]?\s*[\"'“]?(?:not\s+true|"
    r"false|untrue|baseless|wrong|fake|inaccurate|nonsense|fiction|fantasy)\b",
    r"\b(?:calls?|called|calling|labels?|labell?ed|terms?|termed|brands?|branded|describes?|"
    r"described|dubs?|dubbed)\b[^.;]{0,80}?(?:\bfalse\b|\buntrue\b|\binaccurate\b|\bbaseless\b|"
    r"\bgroundless\b|\bfake\b|\bfabricat\w*|\bincorrect\b|\bwrong\b|\bmisleading\b|"
    r"\bspeculat\w*|\brumou?r\b|\bnonsense\b|\brubbish\b|\bfiction\w*|\bfantasy\b|\bnot\s+accurate\b|"
    r"\bnot\s+true\b|\bnot\s+correct\b|\bunfounded\b|\bbogus\b|\bmisinformation\b)",
    r"\b(?:completely|totally|entirely|absolutely|categorically|patently|simply|wholly|"
    r"utterly|100%)\s+(?:false|untrue|baseless|groundless|inaccurate|fabricated|incorrect|"
    r"wrong|unfounded|made\s+up|fake|not\s+true)\b",
    r"\b(?:false|untrue|fake)\s+and\s+(?:baseless|groundless|misleading|unfounded)\b",
    r"\bfake\s+news\b|\bmisinformation\b|\bnot\s+based\s+(?:on|in)\s+fact",
    r"\b(?:pure|mere|just|only|idle|wild)\s+speculation\b|\bspeculation\b[\"'”]?\s+with\s+no\b",
    r"\bno\s+(?:truth|basis|merit|substance|foundation)\b",
    r"\b(?:is|are|was|were|be)\s+[\"']?(?:not\s+true|untrue|false|baseless|inaccurate|"
    r"not\s+accurate|fake|incorrect|wrong|unfounded|groundless|nonsense|rubbish|"
    r"fabricated|made\s+up|fiction)\b",
    r"\bisn't\s+true\b|\baren't\s+true\b|\bwithout\s+(?:any\s+)?(?:basis|foundation)\b|"
    r"\bunfounded\b|\bgroundless\b|\bbaseless\b",
    r"\bset(?:s|ting)?\s+the\s+record\s+straight\b|\bno\s+such\s+thing\b",
    r"\b(?:that's|that\s+is|it's|it\s+is|this\s+is)\s+(?:just\s+|simply\s+|absolutely\s+|"
    r"completely\s+|totally\s+)?(?:not\s+true|untrue|false|wrong|nonsense|rubbish|fiction)\b",
    r"\b(?:none|neither)\s+of\s+(?:them|these|those|it|this)\s+(?:is|are)\s+(?:true|accurate)\b",
    r"\b(?:not\s+in\s+line|inconsistent|at\s+odds)\s+with\s+(?:the\s+)?facts\b|"
    r"\bdoes\s+not\s+reflect\s+(?:the\s+)?facts\b|\b(?:malicious\s+)?fabrication\b|"
    r"\bsmear\s+campaign\b",
    r"不符合事实|与事实不符|與事實不符|不符合事實|恶意|惡意",
    r"\bden(?:y|ies|ied)\s+(?:any\s+)?(?:wrongdoing|allegations?|liability|accusations?|"
    r"charges?)\b",
    r"否认|否認|辟谣|闢謠|不实|不實|谣言|謠言|纯属虚构|純屬虛構|子虚乌有|子虛烏有|"
    r"并无此事|並無此事|不属实|不屬實|假消息|假新闻|假新聞",
)
# Negated plans and talks: a denial when the company says so, a claim when sources do.
DENIAL_NEGATED = _rx(
    r"\b(?:no|not\s+any)\s+(?:current\s+|immediate\s+|such\s+)?(?:plans?|intention|intent|"
    r"talks|negotiations|discussions|agreement|deal|interest\s+in|timetable)\b",
    r"\b(?:is|are|was|were|has\s+been|have\s+been|it's|we're|they're)?\s*(?:not|n't|never)\s+"
    r"(?:currently\s+|actively\s+)?(?:in\s+(?:talks|negotiations|discussions)|negotiating|"
    r"considering|planning|pursuing|looking\s+(?:to|at)|seeking|talking|exploring|"
    r"cutting|selling|closing|leaving|exiting|building|entering|raising|buying|acquiring|"
    r"investing|moving|shifting|relocating|abandoning|scrapping|killing|ending|cancell?ing|"
    r"delaying|dropping|discontinuing|in\s+the\s+works|on\s+the\s+table|on\s+the\s+agenda|"
    r"for\s+sale|happening|going\s+anywhere)\b",
    r"\boff\s+the\s+table\b|\bnot\s+aware\s+of\s+any\b",
    r"\b(?:has|have|had)\s*(?:not|n't|never)\s+been\s+approached\b|\bzero\s+(?:plans?|interest|"
    r"intention)\b|\bno\s+(?:such\s+)?(?:conversations?|meetings?|contact)\b|\bno\s+role\s+in\b|"
    r"\b(?:not|isn't|is\s+not)\s+(?:something\s+(?:we(?:'re|\s+are)|it\s+is|they\s+are)\s+"
    r"(?:pursuing|"
    r"considering|planning|looking\s+at)|on\s+(?:our|its|the)\s+(?:roadmap|agenda))\b|"
    r"\b(?:not|never)\b[^.;]{0,30}?\bin\s+(?:\w+\s+)?(?:talks|negotiations|discussions)\b|"
    r"\bnot\s+pulling\s+out\b|\bnever\s+(?:asked|approached|told|spoken)\b|"
    r"\bnobody\s+(?:at|from)\b",
    r"\b(?:has|have|had)\s*(?:not|n't|never)\s+(?:held|had|been\s+in|engaged\s+in|entered|"
    r"discussed|approached|met|signed|decided|made\s+(?:a|any)\s+decision)\b",
    r"\b(?:did|does|do)\s*(?:not|n't)\s+(?:hold|have\s+(?:any\s+)?plans|plan|intend|engage|"
    r"exist)\b",
    r"\bnever\s+(?:held|had|discussed|negotiated|planned|considered|met)\b",
    r"\bnothing\s+to\s+(?:it|the\s+reports?|announce|share)\b",
    r"\bruled?\s+out\b|\brules\s+out\b|\bno\s+truth\b|\bno\s+such\s+plans?\b",
    r"没有(?:任何)?(?:计划|打算)|沒有(?:任何)?(?:計劃|打算)|暂无|暫無|未与|未與|无意|無意|"
    r"并未|並未|并无|並無|没有.{0,14}计划|沒有.{0,14}計劃|不会|不會",
)
# Reassurance answers a report only when one is named ("remains committed to Mexico,
# responding to a report"); alone it is a statement of strategy.
REASSURANCE = _rx(
    r"\b(?:remains?|fully|firmly|still)\s+(?:fully\s+|firmly\s+)?committed\b|"
    r"\b(?:is|are|remains?|still)\s+on\s+track\b|\bno\s+change\s+to\b|\bis\s+not\s+ours\b|"
    r"\bnot\s+leaving\b|\b(?:is|are)\s+staying\b|\bremains?\s+the\s+(?:sole\s+)?owner\b|"
    r"\bstay\s+put\b|\bunchanged\b|\bcontinues?\s+as\s+normal\b|\bas\s+planned\b|"
    r"\bwill\s+keep\s+(?:building|making|selling|producing)\b|\bnot\s+walking\s+away\b"
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
    r"\bconfirm(?:s|ed|ing)?\b",
    r"\backnowledg(?:e|es|ed|ing)\b|\bverif(?:y|ies|ied|ying)\b|\bit'?s\s+official\b|"
    r"\bon\s+the\s+record\b|\b(?:report|story|memo|article|account)\b[^.;:]{0,40}?\b"
    r"(?:is|was|are)\s+(?:accurate|correct|true|genuine|right)\b",
    r"\b(?:officially|formally)\s+(?:announce[sd]?|unveil(?:s|ed)?|launch(?:es|ed)?|"
    r"sign(?:s|ed)?|open(?:s|ed)?|agree[sd]?|enter(?:s|ed)?|join(?:s|ed)?)\b",
    r"证实|證實|确认|確認|官宣",
)
# A company announcing a corporate development confirms it (DESIGN §5: "BYD announces
# its Hungary plant will open"); product launches and results are news, not stance.
ANNOUNCEMENT = _rx(
    r"\bsaid\s+(?:on\s+\w+\s+)?(?:that\s+)?(?:it|they)\s+(?:would|will|plans\s+to|is\s+going\s+to)"
    r"\s+(?:\w+\s+){0,3}?(?:invest|close|build|open|cut|set\s+up|take|hire|scrap|end|enter|"
    r"exit|acquire|buy|sell|shut|halt|move|relocate|lay\s+off|restart|resume)\b",
    r"\b(?:inaugurat(?:es|ed)|breaks\s+ground|broke\s+ground|"
    r"(?:starts|started|begins|began)\s+production)\b",
    r"\bseal(?:s|ed)\s+(?:a\s+|the\s+|its\s+)?(?:deal|agreement|pact|takeover)\b",
    r"\b(?:announces?|announced|unveils?|unveiled|reveals?|revealed|signs?|signed|"
    r"inks?|inked|completes?|completed|agrees?|agreed|opens|opened|will\s+(?:build|open|"
    r"invest|enter|cut|close|acquire))\b"
    rf"[^.;]{{0,60}}?\b(?:{CORPORATE_OBJECT})\b",
    r"\bin\s+a\s+(?:statement|press\s+release|filing|stock\s+exchange\s+filing)\b",
    r"宣布|签署|簽署|签约|簽約",
)
NOT_CONFIRMED = _rx(
    r"\b(?:not|n't|never|yet\s+to|refused\s+to|declined\s+to|unable\s+to|could\s+not|"
    r"couldn't|without|neither|nor)\s+(?:immediately\s+|independently\s+|officially\s+|"
    r"publicly\s+)?(?:confirm|verify|acknowledge)\w*",
    r"\bunconfirmed\b|\bunverified\b|\bnot\s+(?:been\s+)?confirmed\b",
    r"\bno\s+(?:official\s+)?confirmation\b",
    r"\b(?:could|may|might|would|will|to|set\s+to|expected\s+to|plans?\s+to|poised\s+to|"
    r"likely\s+to|soon)\s+(?:formally\s+|officially\s+)?(?:announce|confirm|unveil|sign)\w*",
)
CLAIM = _rx(
    r"\bsources?\b(?:\s+\w+){0,3}\s+(?:say|said|says|told|tell|tells|indicate|suggest|"
    r"claim|familiar|close\s+to|with\s+knowledge)\b",
    r"[-–—:,(]\s*(?:sources?|insiders?|report|reports|media|people\s+familiar)\s*\)?\s*$",
    r"\b(?:according\s+to|citing|cites|cited|per)\s+(?:a\s+|the\s+|an\s+|two\s+|three\s+|"
    r"four\s+|five\s+|several\s+|multiple\s+|unnamed\s+|anonymous\s+)?(?:\w+\s+){0,3}?"
    r"(?:report|reports|sources?|people|insiders?|documents?|media|memo|newspaper|"
    r"outlet|persons?|person|executives|officials|publication|daily|magazine|"
    r"website|blog|leaks?|invoice|checks|memo|dealers?|suppliers?|recording|recordings)\b",
    rf"\b(?:according\s+to|citing|per)\s+(?:the\s+)?(?:{OUTLETS})\b",
    r"\bpeople\s+(?:familiar|with\s+(?:direct\s+|first-?hand\s+)?knowledge|briefed|close\s+to|"
    r"aware|in\s+the\s+know)\b|\b(?:the|these|those|two|three|four)\s+people\s+said\b",
    r"\bperson\s+(?:familiar|with\s+(?:direct\s+)?knowledge|briefed|close\s+to)\b",
    r"\b(?:state|government|city|local|provincial|ministry|industry)\s+officials?\s+"
    r"(?:said|says|told)\b|\b(?:two|three|several|some)\s+of\s+them\s+said\b|"
    r"\baccording\s+to\s+(?:\w+\s+)?(?:attendees|participants|employees|staff)\b|"
    r"业内人士|業內人士|行业人士|行業人士|"
    r"\basking\s+not\s+to\s+be\s+(?:named|identified)\b|\bnot\s+authori[sz]ed\s+to\s+speak\b",
    r"\b(?:documents?|memos?|filings?|papers|emails?|letters?|presentation|slides|data|"
    r"plans?|minutes|notes?|records?)\s+(?:\w+\s+){0,2}(?:seen|reviewed|obtained|viewed)\s+by\b|"
    rf"\b(?:seen|reviewed|obtained|viewed)\s+by\s+(?:the\s+)?(?:{OUTLETS})\b|"
    r"\bsupply[- ]chain\s+(?:checks|sources)\b|"
    r"\bchatter\b|\bleakers?\b|\b(?:has|have|had)\s+(?:also\s+)?approached\b|"
    r"\bthe\s+(?:newspaper|paper|outlet|magazine|daily|publication|website|agency|broadcaster)\s+"
    r"(?:said|says|reported|reports|wrote)\b|\bsounded\s+out\b|"
    r"\bclaim\s*:|^\s*shock\b",
    r"\b(?:dealers?|store\s+managers?|store\s+staff|suppliers?|employees|workers|unions?|"
    r"works\s+council|unifor|uaw|ig\s+metall)\b[^.;]{0,40}?\b(?:says?|said|told|telling|claims?)\b",
    r"\bplans\s+(?:a|an|new|its)\b",
    r"\breportedly\b|\ballegedly\b|\bpurportedly\b|\brumou?red\b|"
    r"\bleaked\b|\bleaks?\s*(?::|show|shows|suggest|suggests|reveal|reveals)|"
    r"\binsiders?\b|\bexclusive\b|\bscoop\b|\bword\s+is\b|\btipsters?\b|\bwhispers?\b|"
    r"\bgrapevine\b|\bunconfirmed\b",
    r"\b(?:is|are|was|were)\s+(?:said|reported|understood|believed|rumou?red|thought|"
    r"expected|set|poised|likely|tipped|slated|due|tapped)\s+to\b",
    r"\bsaid\s+to\s+(?!(?:reporters|journalists|the\s+press|analysts|investors|media|"
    r"employees|staff|workers|dealers|customers)\b)",
    r"\breport(?:s|ed)?\s*(?::|says|said|claims|shows|suggests|finds|that|indicates)",
    rf"\b(?:{OUTLETS})\s*(?:reports|reported|says|said|:\s*$|reporting|learned|learns|"
    r"understands|has\s+learned|claims|writes|wrote|revealed|reveals)\b",
    rf"[-–—]\s*(?:{OUTLETS})\s*\.?\s*$|,\s*(?:{OUTLETS})\s+(?:says|said|reports)\s*\.?\s*$",
    r",\s*(?:[\w.'’-]+\s+){0,6}(?:reported|reports|reporting)\b",
    r"\b(?:in|entered|enter|held|holds|hold|holding|opens?|opened|began|begin|started)\s+"
    r"(?:preliminary\s+|early\s+|advanced\s+|exclusive\s+|secret\s+|private\s+|"
    r"exploratory\s+|late-stage\s+)?(?:talks|negotiations|discussions)\b",
    r"\b(?:weigh(?:s|ing|ed)?(?!\s+on\b)|consider(?:s|ing|ed)?|mull(?:s|ing|ed)?|"
    r"explor(?:es|ing|ed)|eyes|eyeing|studying|evaluating|plots?|plotting|prepar(?:es|ing)|"
    r"scouts?|scouting|courting|sounds?\s+out|in\s+line\s+for|gearing\s+up|"
    r"close\s+to\s+(?:a\s+)?(?:deal|agreement|buying|selling|signing))\b",
    r"\bnear(?:s|ing)?\s+(?:a\s+|an\s+)?(?:deal|agreement|decision|settlement|pact|sale)\b",
    r"\bplans?\s+to\b|\bplanning\s+to\b|\bplanned\b|\bdiscuss(?:ed|es|ing)?\b|"
    r"\bnegotiat(?:e|es|ed|ing)\b|\bin\s+the\s+works\b|\bon\s+the\s+table\b",
    r"\b(?:could|may|might)\s+(?:soon\s+)?(?:build|launch|enter|buy|acquire|sell|cut|close|"
    r"open|partner|team|invest|announce|exit|shut|recall|merge|face|delay|raise|lower|"
    r"list|bring|return|make|produce|supply)\b",
    r"据.{0,24}(?:报道|報導|报导|消息)|據.{0,24}(?:報導|報道|消息)|消息人士|知情人士|传闻|"
    r"被曝|^传|^傳|傳聞|据悉|據悉|曝光|爆料|或将|或將|网传|網傳|传出|傳出|拟|擬|消息稱|消息称|爆|透露|"
    r"备忘录|備忘錄",
)
# Bare words that name rumours without making one ("we don't comment on speculation").
WEAK_CLAIM = _rx(r"\brumou?rs?\b|\bspeculation\b")
# Who speaks: "<company> says", "a <company> spokesperson", "in a statement".
OWN_VOICE = _rx(
    r"\b(?:says?|said|tells?|told|stated?|states|insists?|insisted|responds?|responded|"
    r"clarifies|clarified|replies|replied|writes|wrote|posted|tweeted|adds|added|notes?|"
    r"noted|stresses|stressed|emphasi[sz]ed|underlined|explains?|explained|reiterat\w+)\b",
    r"\bspokes(?:person|man|woman|people)\b|\brepresentative\b|\bstatement\b|"
    r"\bpress\s+release\b|\bcommunications\b|\bpr\s+(?:director|chief|head)\b|"
    r"\bceo\b|\bchairman\b|\bchief\b|\bexecutive\b|\bofficial\s+(?:account|channel)\b|"
    r"^\s*[\w\s.'’-]{2,40}:|回应|回應|表示|声明|聲明",
)
ANONYMOUS = _rx(
    r"\bsources?\b",
    r"\bpeople\s+(?:familiar|with\s+knowledge|briefed|close)\b",
    r"\bperson\s+(?:familiar|with\s+knowledge|briefed|close)\b",
    r"\binsiders?\b",
    r"\breportedly\b",
    r"\baccording\s+to\s+(?:a\s+|the\s+)?reports?\b",
    r"\breport(?:s|ed)?\s*(?::|says|said|claims)",
    r"\bsaid\s+to\b",
    r"\b(?:dealers?|store\s+managers?|suppliers?|unions?|works\s+council|unifor|uaw|"
    r"ig\s+metall)\b[^.;]{0,40}?\b(?:says?|said|told|telling)\b",
    r"\b(?:the|two|three|four)\s+people\s+said\b|\bpeople\s+with\s+direct\s+knowledge\b",
    r"\bword\s+is\b",
    r"消息人士|知情人士|据报道|據報導|网传|網傳|传闻|傳聞",
)
CLAIM_REFERENCE = _rx(
    r"\b(?:reports?|reported|claims?|rumou?rs?|speculation|story|stories|article|allegations?|"
    r"media|suggestions?|chatter)\b|报道|報導|传闻|傳聞|消息"
)
# A company's own documents are not reports about it: "interim report shows" is a filing.
OWN_DOCUMENT = re.compile(
    r"\b(?:interim|annual|quarterly|half-year|earnings|financial|sustainability)\s+report\b",
    re.I,
)
# Answering a rumour ("回应…传闻", "asked about the report") is the company's own voice.
RESPONSE = _rx(r"回应|回應|澄清|\bin\s+response\s+to\b|\bresponding\s+to\b|\basked\s+about\b")
# Anonymous people denying something is their claim, not a party's denial (DESIGN §5).
ANONYMOUS_DENIAL = _rx(
    r"\b(?:people|person|sources?|insiders?)\b(?:\s+(?:familiar|close|briefed|with|to|on|"
    r"knowledge|of|the|matter|\w+))?[^.;]{0,30}?\bden(?:y|ies|ied)\b",
    r"(?:消息人士|知情人士|业内人士|業內人士)(?:稱|称)?否[认認]",
)
