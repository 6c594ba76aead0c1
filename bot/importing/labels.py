"""The labels and sentence shapes of a Danish referat: where the header, attendance, agenda and body
lines are, and which sentences decide something.

Shared by the layout reader (bot.importing.parse) and the body walker (bot.importing.body); pure
and compiled once.
"""

from __future__ import annotations

import re

from bot.importing.dates import WEEKDAY_ALT
from bot.text.danish import ABBREVIATION

TITLE_LINE = re.compile(
    r"^(?:møde)?referat(?:\s+(?:af|fra|for|over|vedrørende|vedr\.)\s+|\s*[-–—:]\s*)(?P<rest>\S.*)$",
    re.IGNORECASE,
)
DOC_LABEL = re.compile(r"^(?:møde)?referat$", re.IGNORECASE)
TITLE_TAIL = re.compile(
    rf"(?:[\s,;:–—(-]+|\s+(?:den|d\.|afholdt|holdt|{WEEKDAY_ALT})|\s+kl\.?.*|\s+[-–—]\s*(?:møde)?referat)+$",
    re.IGNORECASE,
)
PLACE_SENTENCE = re.compile(
    r"^Mødet\s+(?:blev\s+)?(?:(?:af)?holdt(?:es)?|fandt\s+sted)\s+(?:på|i|hos)\s+(?P<place>.+?)\.?$",
    re.IGNORECASE,
)
PLACE_CUT = re.compile(
    rf",?\s+(?:den\s+\d|d\.\s*\d|kl\.|\d{{1,2}}[./-]\d|(?:{WEEKDAY_ALT})\b)", re.IGNORECASE
)
FIELD = re.compile(
    r"^(?P<key>dato\s+og\s+(?:tid|tidspunkt|sted)|tid\s+og\s+sted|dato|tidspunkt|mødetid|tid|"
    r"starttidspunkt|mødestart|sluttidspunkt|mødeslut|mødedato|"
    r"sted|mødested|lokale|udvalg|forum|organ)\s*:\s*(?P<value>\S.*)$",
    re.IGNORECASE,
)

ATTEND_LABEL = re.compile(
    r"^(?:deltagere|mødedeltagere|medlemmer|deltagende|deltog|til\s*stede(?:\s+var)?|fremmødt[e]?|mødt|"
    r"tilstedeværende|til\s+stede\s+fra\s+\S+(?:\s+\S+)?)"
    r"(?:\s*:\s*(?P<value>.*)|\s*)$",
    re.IGNORECASE,
)
ABSENT_LABEL = re.compile(
    r"^(?:afbud(?:\s+fra)?|fraværende(?:\s+med\s+afbud|\s+uden\s+afbud)?|ikke\s+til\s+stede)"
    r"(?:\s*:\s*(?P<value>.*)|\s*)$",
    re.IGNORECASE,
)
REFERENT_LABEL = re.compile(
    r"^(?:referent|ref\.?|referat(?=\s*:\s*\S)|referent\s+var|valg\s+af\s+referent)"
    r"(?:\s*:\s*(?P<value>.*)|\s*)$",
    re.IGNORECASE,
)
CHAIR_LABEL = re.compile(
    r"^(?:valg\s+af\s+)?(?P<role>dirigent|ordstyrer|mødeleder)(?:\s+var)?\s*:\s*(?P<value>\S.*)$",
    re.IGNORECASE,
)
# `Forældrevalgte: A, B og C`, `Suppleanter: D`: a group of the attendance list, never a title.
GROUP_LINE = re.compile(r"^(?P<group>[A-ZÆØÅ][\wæøå-]{2,30}(?:\s+[\wæøå-]+){0,2})\s*:\s*(?P<value>\S.*)?$")
ORG_LINE = re.compile(r"^Fra\s+(?P<org>[^:]{1,60}):$")
AGENDA_LABEL = re.compile(
    r"^(?:dagsorden(?:\s+var)?|dagsordenspunkter|dagsorden\s+og\s+referat|punkter)\s*:?$", re.IGNORECASE
)
# A web page's header table: the label on one line, its value on the next (`STED` / `Kanalstræde 2`).
LONE_FIELD = re.compile(
    r"^(?:udvalg|sted|mødested|lokale|dato|mødedato|tidspunkt|starttidspunkt|sluttidspunkt|"
    r"mødestart|mødeslut)$",
    re.IGNORECASE,
)
BODY_LABEL = re.compile(
    r"^(?:referat|beslutningsreferat|referat\s+af\s+(?:mødet|dagsorden(?:en)?))\s*:?$", re.IGNORECASE
)

DECISION_LABEL = re.compile(
    r"^(?:beslutning(?:er)?|konklusion|afgørelse)(?:\s+i\s+\S.*?\s+den\s+\S.*?)?\s*(?::\s*(?P<text>.*))?$",
    re.IGNORECASE,
)
ACTION_LABEL = re.compile(
    r"^(?:opfølgning|to\s*-?\s*do|handlingspunkt(?:er)?|opgaver)\s*(?::\s*(?P<text>.*))?$", re.IGNORECASE
)
BACKGROUND_LABEL = re.compile(
    r"^(?P<label>indstilling(?:er)?|sagsfremstilling|sagsbeskrivelse|baggrund)\s*(?::\s*(?P<text>.*))?$",
    re.IGNORECASE,
)
NOTHING = re.compile(
    r"^(?:intet(?:\s+(?:at\s+bemærke|nyt|til\s+referat))?|ingen(?:\s+bemærkninger)?|-)\s*[.!]?$",
    re.IGNORECASE,
)

DECISION_SENTENCE = re.compile(
    r"^Der\s+var\s+(?:\w+\s+){0,2}?enighed\b|\bvar\s+enige\s+om\b|"
    r"\bblev\s+(?:\w+\s+){0,4}?(?:godkendt|vedtaget|besluttet|taget\s+til\s+efterretning)\b|"
    r"\bbesluttede\b|\bbesluttet\b|\bvedtog\b|\bgodkendte\b|\btil\s+efterretning\b",
    re.IGNORECASE,
)
# A decision that refers back to the sentence before it: `Herefter godkendt.`, `Dermed vedtaget.`
BACK_DECISION = re.compile(
    r"^(?:Herefter|Derefter|Dermed|Hermed|Hvorefter|Således)\s+(?:\w+\s+){0,2}?(?:godkendt|vedtaget|besluttet)\b",
    re.IGNORECASE,
)
IMPERSONAL = re.compile(
    r"^(?:Der\s+(?:var|blev)\b|Det\s+blev\b|Næste\s+møde\b|Mødet\b|Deltagerne\b|Alle\b|Forsamlingen\b|"
    r"\w*(?:bestyrelsen|udvalget|rådet)\b|[A-ZÆØÅ][\w ]{0,30}:\s)|"
    r"\bblev\s+(?:\w+\s+){0,2}?(?:drøftet|diskuteret|debatteret|gennemgået|behandlet|præsenteret|"
    r"aftalt|noteret|godkendt|vedtaget|besluttet)\b"
)
SENTENCE_BREAK = re.compile(r"(?<=[.!?])[\"”»)]?\s+(?=[\"„«(]?[A-ZÆØÅ])")
OWNER_INITIALS = re.compile(r"\((?P<ini>[A-ZÆØÅ]{2,4})\)")
OWNER_LABEL = re.compile(r"\bansvarlig\s*:\s*(?P<who>[^,.;()]+)", re.IGNORECASE)
FIRST_NAME_START = re.compile(r"^(?P<first>[A-ZÆØÅ][a-zæøåé]+(?:-[A-ZÆØÅ][a-zæøåé]+)?)\s+[a-zæøå]")
NON_WORD = re.compile(r"[^\w]+")


def title_key(title: str) -> str:
    return " ".join(NON_WORD.sub(" ", title.casefold()).split())


def titles_match(a: str, b: str) -> bool:
    ka, kb = title_key(a), title_key(b)
    if not ka or not kb:
        return False
    return ka == kb or (min(len(ka), len(kb)) >= 5 and (ka.startswith(kb) or kb.startswith(ka)))


_SAYS_MORE_WORDS = 4  # fewer words after the title are a longer wording of it (`… fra sidste møde`)


def says_more(title: str, line: str) -> bool:
    """Whether a numbered line is an item's title followed by a sentence about it, not its title."""
    known, said = title_key(title), title_key(line)
    if not known or not said.startswith(known + " "):
        return False
    return len(said.split()) - len(known.split()) >= _SAYS_MORE_WORDS or reads_as_sentence(line)


def split_sentences(text: str) -> list[str]:
    """Split at sentence ends, but not after abbreviations (`f.eks.`, `bl.a.`, `kl.`) or ordinals."""
    parts: list[str] = []
    start = 0
    for m in SENTENCE_BREAK.finditer(text):
        last = text[max(start, text.rfind(" ", start, m.start()) + 1) : m.start()]
        if ABBREVIATION.match(last.rstrip('"”»)')):
            continue
        parts.append(text[start : m.start()].strip())
        start = m.end()
    parts.append(text[start:].strip())
    return [p for p in parts if p]


_HEADING_SPLIT = re.compile(r"^(?P<title>[^:.!?]{2,60}?)\s*:\s+(?P<rest>\S.*)$")
_INNER_SENTENCE_END = re.compile(r"[.!?]\s+[A-ZÆØÅ]")
_TITLE_WORDS = re.compile(r"\w{3,}")


def split_heading(raw: str) -> tuple[str, str | None]:
    """`Økonomi: Regnskab og budget er klar.` → ("Økonomi", "Regnskab og budget er klar.")."""
    if (m := _HEADING_SPLIT.match(raw)) and len(m.group("title").split()) <= 8:
        return m.group("title").strip(), m.group("rest")
    return raw.rstrip(" :"), None


def reads_as_sentence(text: str) -> bool:
    """Text after an item number that is the item's minutes rather than its title (an initial such as
    `P. Bøge Andersen` ends no sentence)."""
    words = len(text.split())
    return (
        (bool(_INNER_SENTENCE_END.search(text)) and len(split_sentences(text)) > 1)
        or len(text) > 90
        or (text.endswith((".", "!", "?")) and words > 5)
    )


def similar_titles(a: str, b: str) -> bool:
    """Two wordings of one item's title: they share at least half the longer one's words."""
    wa, wb = set(_TITLE_WORDS.findall(a.casefold())), set(_TITLE_WORDS.findall(b.casefold()))
    if not wa or not wb:
        return False
    return len(wa & wb) / max(len(wa), len(wb)) >= 0.5 and not reads_as_sentence(b)


_TITLE_MAX_WORDS = 10


def title_and_text(raw: str) -> tuple[str, str | None]:
    """A numbered line that carries text: `Forslag til bemærkninger. Se bilag.` → title and text; a
    short single sentence is the title; a long one is text under no title of its own."""
    parts = split_sentences(raw)
    if len(parts) > 1 and raw.startswith(parts[0]) and len(parts[0].split()) <= _TITLE_MAX_WORDS:
        return parts[0].rstrip("."), raw[len(parts[0]) :].strip()
    if len(raw.split()) <= 2 * _TITLE_MAX_WORDS and len(parts) == 1:
        return raw.rstrip(" ."), None  # `Nyt fra de forskellige foreninger og institutioner.`
    return "", raw
