"""Read an existing Danish referat (minutes) and turn it into a structured meeting.

Teams arrive with years of minutes as Word files or as text pulled out of PDFs; importing them makes the
archive answerable from day one. Published minutes vary a great deal (FORMAT.md in the shared reference
lists the variants), so this is a tolerant, rule-based reader: it decides where each paragraph belongs,
what kind it is and who said it, but it never rewrites a word. Apart from the clean-up done by
`normalise` (extraction debris, Unicode forms, whitespace), every entry's text is a verbatim slice of the
source.

Pure: no Slack, no store, and no dateparser. An archive import reads hundreds of documents a second, and
the dates in minutes come in a handful of fixed shapes that a few compiled regexes cover.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass, replace
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Final

from storage.records import EntryKind

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.text.paragraph import Paragraph

__all__ = [
    "ImportedEntry",
    "ImportedItem",
    "ImportedMeeting",
    "ImportedParticipant",
    "NotAReferat",
    "normalise",
    "parse_referat",
    "read_document",
]


class NotAReferat(Exception):
    """The input is not a referat the importer can read; the message names the reason in Danish."""


@dataclass(frozen=True)
class ImportedParticipant:
    name: str
    title: str | None
    organisation: str | None  # "kommunen", "politiet", ... from a `Fra <org>:` group
    absent: bool  # listed under Afbud / Fraværende
    role: str | None  # "referent", "formand", ...
    initials: str | None  # "SH" from `Susanne Holm (SH)`


@dataclass(frozen=True)
class ImportedItem:
    number: int
    title: str
    bullets: tuple[str, ...]
    background: tuple[str, ...]  # paragraphs under the item in the agenda


@dataclass(frozen=True)
class ImportedEntry:
    item_number: int
    kind: EntryKind
    text: str  # verbatim; it already carries its attribution where the source had one
    speaker: str | None  # participant name exactly as in the participant list
    owner: str | None = None  # actions: participant name (or the raw initials/name when unknown)
    due: dt.date | None = None
    co_speakers: tuple[str, ...] = ()  # `A og B orienterede ...`: B (and further names) here


@dataclass(frozen=True)
class ImportedMeeting:
    title: str  # meeting type and host as written, e.g. "kredsrådsmøde i Holstebro Kommune"
    date: dt.date
    place: str | None
    time_of_day: str | None
    opening: str | None  # text after `Referat:` that belongs to no item
    participants: tuple[ImportedParticipant, ...]
    agenda: tuple[ImportedItem, ...]
    entries: tuple[ImportedEntry, ...]
    warnings: tuple[str, ...]  # Danish, for the person importing
    content_hash: str  # sha256 hex of the normalised text: the same document imports once


# --------------------------------------------------------------------------------------------------
# Vocabulary. Compiled once: the importer must stay far below a few milliseconds per document.

_MONTHS: Final = {
    "januar": 1, "jan": 1, "februar": 2, "feb": 2, "marts": 3, "mar": 3, "april": 4, "apr": 4,
    "maj": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sept": 9, "sep": 9, "oktober": 10, "okt": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip
_MONTH_ALT: Final = "|".join(sorted(_MONTHS, key=len, reverse=True))
_WEEKDAY_ALT: Final = "mandag|tirsdag|onsdag|torsdag|fredag|lørdag|søndag"

_LONG_DATE = re.compile(
    rf"(?<![\w.])(?:(?:{_WEEKDAY_ALT})\s+)?(?:(?:den|d\.)\s+)?(?P<day>\d{{1,2}})\.?\s*"
    rf"(?P<month>{_MONTH_ALT})\.?(?:\s+(?P<year>\d{{4}}))?(?!\w)",
    re.IGNORECASE,
)
_NUM_DATE = re.compile(
    rf"(?<![\w.,/-])(?:(?:{_WEEKDAY_ALT})\s+)?(?:(?:den|d\.)\s+)?"
    r"(?P<day>\d{1,2})[./-](?P<month>\d{1,2})[./-](?P<year>\d{4}|\d{2})(?!\d|[.,:/-]\d)",
    re.IGNORECASE,
)
_NUM_DAY_MONTH = re.compile(
    rf"(?<![\w.,/-])(?:(?:{_WEEKDAY_ALT})\s+)?(?:(?:den|d\.)\s+)?"
    r"(?P<day>\d{1,2})[./](?P<month>\d{1,2})(?!\d|[./-]\d)",
    re.IGNORECASE,
)
_CLOCK: Final = r"(?:\d{1,2}[.:]\d{2}|\d{3,4}|\d{1,2})"
_TIME = re.compile(rf"\bkl\.?\s*{_CLOCK}(?:\s*[-–—]\s*(?:kl\.?\s*)?{_CLOCK})?(?!\d)", re.IGNORECASE)
_TIME_RANGE = re.compile(r"(?<![\d.])\d{1,2}[.:]\d{2}\s*[-–—]\s*\d{1,2}[.:]\d{2}(?!\d)")
_DUE = re.compile(r"\b(?:inden|senest|frist|deadline)\b\s*:?\s*", re.IGNORECASE)

_TITLE_LINE = re.compile(
    r"^(?:møde)?referat(?:\s+(?:af|fra|for|over|vedrørende|vedr\.)\s+|\s*[-–—:]\s*)(?P<rest>\S.*)$",
    re.IGNORECASE,
)
_DOC_LABEL = re.compile(r"^(?:møde)?referat$", re.IGNORECASE)
_TITLE_TAIL = re.compile(
    rf"(?:[\s,;:–—-]+|\s+(?:den|d\.|afholdt|holdt|{_WEEKDAY_ALT})|\s+kl\.?.*)+$", re.IGNORECASE
)
_PLACE_SENTENCE = re.compile(
    r"^Mødet\s+(?:blev\s+)?(?:(?:af)?holdt(?:es)?|fandt\s+sted)\s+(?:på|i|hos)\s+(?P<place>.+?)\.?$",
    re.IGNORECASE,
)
_PLACE_CUT = re.compile(
    rf",?\s+(?:den\s+\d|d\.\s*\d|kl\.|\d{{1,2}}[./-]\d|(?:{_WEEKDAY_ALT})\b)", re.IGNORECASE
)
_FIELD = re.compile(
    r"^(?P<key>dato\s+og\s+(?:tid|tidspunkt|sted)|tid\s+og\s+sted|dato|tidspunkt|mødetid|tid|"
    r"sted|mødested|lokale)\s*:\s*(?P<value>\S.*)$",
    re.IGNORECASE,
)

_ATTEND_LABEL = re.compile(
    r"^(?:deltagere|mødedeltagere|til\s*stede(?:\s+var)?|fremmødte|tilstedeværende)"
    r"(?:\s*:\s*(?P<value>.*)|\s*)$",
    re.IGNORECASE,
)
_ABSENT_LABEL = re.compile(
    r"^(?:afbud(?:\s+fra)?|fraværende(?:\s+med\s+afbud|\s+uden\s+afbud)?|ikke\s+til\s+stede)"
    r"(?:\s*:\s*(?P<value>.*)|\s*)$",
    re.IGNORECASE,
)
_REFERENT_LABEL = re.compile(r"^(?:referent|ref\.)(?:\s*:\s*(?P<value>.*)|\s*)$", re.IGNORECASE)
_ORG_LINE = re.compile(r"^Fra\s+(?P<org>[^:]{1,60}):$")
_AGENDA_LABEL = re.compile(r"^(?:dagsorden|dagsordenspunkter|dagsorden\s+og\s+referat)\s*:?$", re.IGNORECASE)
_BODY_LABEL = re.compile(r"^(?:referat|beslutningsreferat|referat\s+af\s+mødet)\s*:?$", re.IGNORECASE)

_DECISION_LABEL = re.compile(
    r"^(?:beslutning(?:er)?|konklusion|afgørelse)(?:\s+i\s+\S.*?\s+den\s+\S.*?)?\s*(?::\s*(?P<text>.*))?$",
    re.IGNORECASE,
)
_ACTION_LABEL = re.compile(
    r"^(?:opfølgning|to\s*-?\s*do|handlingspunkt(?:er)?|opgaver)\s*(?::\s*(?P<text>.*))?$", re.IGNORECASE
)
_BACKGROUND_LABEL = re.compile(
    r"^(?P<label>indstilling(?:er)?|sagsfremstilling|sagsbeskrivelse|baggrund)\s*(?::\s*(?P<text>.*))?$",
    re.IGNORECASE,
)
_NOTHING = re.compile(
    r"^(?:intet(?:\s+(?:at\s+bemærke|nyt|til\s+referat))?|ingen(?:\s+bemærkninger)?|-)\s*[.!]?$",
    re.IGNORECASE,
)

_HEAD_AD = re.compile(
    r"^(?:Ad|AD)\.?\s*(?:(?i:pkt|punkt)\.?\s*)?(?P<num>\d{1,2})(?!\d|[.,]\d)\s*[.):]?\s*(?:[-–—]\s*)?"
    r"(?P<title>.*)$"
)
_HEAD_PKT = re.compile(
    r"^(?i:pkt|punkt)\.?\s*(?P<num>\d{1,2})(?!\d|[.,]\d)\s*[.):]?\s*(?:[-–—]\s*)?(?P<title>.*)$"
)
_HEAD_BARE = re.compile(r"^(?P<num>\d{1,2})\s*[.)]\s*(?:[-–—]\s*)?(?P<title>[A-ZÆØÅÉ\"«„].*)$")
_HEAD_CODE = re.compile(
    r"\s*\((?:[BODI](?:\s*[/,+]\s*[BODI])*|(?:til\s+)?(?:beslutning|orientering|drøftelse))\)$",
    re.IGNORECASE,
)
_MONTH_START = re.compile(rf"^(?:{_MONTH_ALT})\b", re.IGNORECASE)
_BULLET = re.compile(r"^(?:[-–•*▪·○◦]|o(?=\s)|[a-z][.)])\s+(?P<text>\S.*)$")
_PAGE_LINE = re.compile(
    r"^(?:(?:side|page)\s+\d{1,3}(?:\s*(?:af|/|of)\s*\d{1,3})?|\d{1,3}\s*(?:/|af)\s*\d{1,3}|[-–]?\s*\d{1,3}\s*[-–]?)$",
    re.IGNORECASE,
)

_TITLE_WORD = re.compile(
    r"(?:formand|formænd|direktør|chef|leder|mester|inspektør|konsulent|repræsentant|medlem|sekretær|"
    r"kasserer|revisor|anklager|rådgiver|koordinator|ansvarlig|præsident|betjent|assistent|fuldmægtig|"
    r"lærer|pædagog|suppleant|referent|læge|sygeplejerske|ordfører|administrator|observatør|forstander|"
    r"specialist|advokat|psykolog|rådmand|kommissær|vicevært|ingeniør|arkitekt|økonom|jurist|politi|"
    r"tovholder|dirigent|ordstyrer|konstitueret|fg\.|kst\.)[.,]?$",
    re.IGNORECASE,
)
_NAME_TOKEN = re.compile(
    r"^(?:[A-ZÆØÅÉÜÖÄ][a-zæøåéüöäëïA-ZÆØÅ'’]*(?:-[A-ZÆØÅa-zæøå][a-zæøåéüöäA-ZÆØÅ'’]*)*"
    r"|(?:[A-ZÆØÅ]\.\s?-?){1,3}[A-ZÆØÅ]?\.?)$"
)
_PARTICLES: Final = frozenset({"von", "van", "de", "la", "le", "du", "da", "di", "af"})
_TITLE_CONNECTORS: Final = frozenset({"og", "for", "i", "af", "ved", "på", "med", "under", "til", "fra"})
_NOT_NAMES: Final = frozenset({"ingen", "intet", "alle", "nn", "n.n."})
_ROLES: Final = frozenset(
    {"formand", "næstformand", "referent", "sekretær", "kasserer", "ordstyrer", "mødeleder", "dirigent",
     "tovholder", "suppleant", "observatør", "gæst", "ordfører"}
)  # fmt: skip
_PAREN = re.compile(r"\s*\((?P<inner>[^()]{1,40})\)")
_NAME_MAX_TOKENS: Final = 5
# The initials form of _NAME_TOKEN (`H.-C.-`) is the only one that can end in `-`, and it is at most
# this long: three times a capital, a dot, a space and a hyphen, then a capital and a dot.
_INITIALS_MAX: Final = 14
# _Line: the structural patterns decide within a normalised line's first _HEAD characters, and a
# _PAREN match (at most 43 characters) or a dropped line-end hyphen stay within the last _TAIL.
_HEAD: Final = 32
_TAIL: Final = 64
_INITIALS = re.compile(r"^[A-ZÆØÅ]{2,4}$")

_SPEECH_VERBS: Final = (
    "orienterede|oplyste|bemærkede|takkede|fortalte|redegjorde|spurgte|svarede|foreslog|gennemgik|"
    "nævnte|understregede|præsenterede|tilføjede|supplerede|udtalte|kommenterede|påpegede|berettede|"
    "indledte|bød|pointerede|gjorde|mente|tilkendegav|opfordrede|ønskede|anbefalede|konstaterede"
)
_UNKNOWN_SPEAKER = re.compile(
    rf"^(?:(?P<appos>[A-ZÆØÅ][^,.]{{0,80}}),\s+)?(?P<who>(?:[A-ZÆØÅ][\w.'’-]*\s+){{2,5}}?)"
    rf"(?:\([A-ZÆØÅ]{{2,4}}\)\s+)?,?\s*(?:{_SPEECH_VERBS})\b"
)
_INITIALS_START = re.compile(r"^(?P<ini>[A-ZÆØÅ]{2,4})(?=\s+[a-zæøå]|\s*[:,(])")
_SPEAKER_SUFFIX = re.compile(r"(?:\s*\([A-ZÆØÅ]{2,4}\))?(?:\s*[,:]|\s+(?:og\s+)?[a-zæøå]|$)")
_CO_SPEAKER = re.compile(r"(?:\s*\([A-ZÆØÅ]{2,4}\))?,?\s+og\s+")
_PREFIX_VERB = re.compile(rf"\s(?:{_SPEECH_VERBS}|[a-zæøå]+ede)\b")
_PREFIX_STOP = re.compile(r"\s(?:og|at|som|men|da|når|hvor|eller|hvis|mens)\s*$")

_DECISION_SENTENCE = re.compile(
    r"^Der\s+var\s+(?:\w+\s+){0,2}?enighed\b|\bvar\s+enige\s+om\b|"
    r"\bblev\s+(?:\w+\s+){0,3}?(?:godkendt|vedtaget|besluttet|taget\s+til\s+efterretning)\b|"
    r"\bbesluttede\b|\bbesluttet\b|\bvedtog\b|\bgodkendte\b|\btil\s+efterretning\b",
    re.IGNORECASE,
)
_IMPERSONAL = re.compile(
    r"^(?:Der\s+(?:var|blev)\b|Det\s+blev\b|Næste\s+møde\b|Mødet\b|Deltagerne\b|Alle\b|Forsamlingen\b|"
    r"\w*(?:bestyrelsen|udvalget|rådet)\b|[A-ZÆØÅ][\w ]{0,30}:\s)|"
    r"\bblev\s+(?:\w+\s+){0,2}?(?:drøftet|diskuteret|debatteret|gennemgået|behandlet|præsenteret|"
    r"aftalt|noteret|godkendt|vedtaget|besluttet)\b"
)
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])[\"”»)]?\s+(?=[\"„«(]?[A-ZÆØÅ])")
_ABBREVIATION = re.compile(
    r"^(?:(?:[A-Za-zæøåÆØÅ]{1,3}\.){2,}|\d{1,2}\.|[A-ZÆØÅ]\.|"
    r"(?i:ca|pga|kl|nr|jf|evt|inkl|ekskl|mht|vedr|mv|dvs|osv|stk|pkt|tlf|hhv|iflg|ift|bl|fg|kst|kr|mio|"
    r"mia|pr|hr|fru|dr|st|ang|afd|att|sept|okt|nov|dec|jan|feb|aug)\.)$"
)
_OWNER_INITIALS = re.compile(r"\((?P<ini>[A-ZÆØÅ]{2,4})\)")
_OWNER_LABEL = re.compile(r"\bansvarlig\s*:\s*(?P<who>[^,.;()]+)", re.IGNORECASE)
_FIRST_NAME_START = re.compile(r"^(?P<first>[A-ZÆØÅ][a-zæøåé]+(?:-[A-ZÆØÅ][a-zæøåé]+)?)\s+[a-zæøå]")

_INVISIBLE_CHARS = re.compile(
    "[\u00a0\u202f\u2007\u2009\u200a\u2002\u2003\t\v\u00ad\u200b\u200c\u200d\u2060\ufeff]"
)
_INVISIBLE: Final = {
    **dict.fromkeys(map(ord, "\u00a0\u202f\u2007\u2009\u200a\u2002\u2003\t\v"), " "),
    **dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None),
}
_WORD_SEGMENTS = re.compile(r"[\s-]")
_LIST_SEPARATORS = re.compile(r",\s*|;\s*|\s+og\s+")
_NON_WORD = re.compile(r"[^\w]+")
_CELL_NUMBER = re.compile(r"\d{1,2}\.?")
_BINARY = re.compile(r"[\x00-\x08\x0e-\x1f\x7f\ufffd]")
_KEEP_HYPHEN_PREFIXES: Final = frozenset({"it", "tv", "pc", "sms", "cpr", "e", "x", "cd", "dvd", "gps", "mc"})
_KEEP_PREFIX_MAX: Final = max(map(len, _KEEP_HYPHEN_PREFIXES))  # lower() never shortens a string
_SUSPENDED_JOINERS: Final = frozenset({"og", "eller", "samt", "el.", "og/eller", "til"})


# --------------------------------------------------------------------------------------------------
# Normalisation


def normalise(text: str) -> str:
    """Undo extraction debris so that the parser and the content hash see the document's words only.

    NFC, NBSP and friends to spaces, soft hyphens and zero-width characters removed, CR/LF to LF,
    runs of whitespace inside a line collapsed, page-number lines and repeated letterhead lines
    removed, hyphenated line ends joined, a paragraph broken by a page break re-joined, and runs of
    blank lines reduced to one.
    """
    text = unicodedata.normalize("NFC", text)
    if _INVISIBLE_CHARS.search(text):  # translate() with a dict is slow; most texts need nothing
        text = text.translate(_INVISIBLE)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n\f\n")
    lines = [" ".join(line.split()) if line != "\f" else "\f" for line in text.split("\n")]
    _remove_page_debris(lines)
    lines = _join_hyphenated(lines)
    blocks = _blocks(lines)
    return "\n\n".join("\n".join(block) for block in _rejoin_blocks(blocks))


def _remove_page_debris(lines: list[str]) -> None:
    boundaries = [i for i, line in enumerate(lines) if line == "\f" or _PAGE_LINE.match(line)]
    for i in boundaries:
        lines[i] = ""
    if not boundaries:
        return
    nonblank = [i for i, line in enumerate(lines) if line]
    if not nonblank:
        return
    # A letterhead or running footer is a short line that sits next to two or more page boundaries.
    # `Side 2 af 3` followed by a form feed is one boundary, not two.
    distinct = [b for k, b in enumerate(boundaries) if k == 0 or any(lines[boundaries[k - 1] : b])]
    seen_near: dict[str, set[int]] = {}
    for b_no, b in enumerate([-1, *distinct]):
        k = bisect_left(nonblank, b)
        window = nonblank[max(0, k - 3) : k + 3] if b >= 0 else nonblank[:3]
        for i in window:
            line = lines[i]
            if len(line) <= 100 and line[-1] not in ".:;,!?" and not _is_structural(line):
                seen_near.setdefault(line, set()).add(b_no)
    counts: dict[str, int] = {}
    for i in nonblank:
        if lines[i] in seen_near:
            counts[lines[i]] = counts.get(lines[i], 0) + 1
    letterhead = {line for line, near in seen_near.items() if len(near) >= 2 and counts[line] >= 2}
    if not letterhead:
        return
    # The first occurrence at the very top is the document's own header: keep it.
    keep = {i for i in nonblank[:3] if i < boundaries[0]}
    for i in nonblank:
        if lines[i] in letterhead and i not in keep:
            lines[i] = ""


def _is_structural(line: str) -> bool:
    return _starts_structural(line) or line.endswith(":")


def _starts_structural(line: str) -> bool:
    """A heading or bullet: decided by the line's first few characters (see `_Line`)."""
    return bool(
        _HEAD_AD.match(line) or _HEAD_PKT.match(line) or _HEAD_BARE.match(line) or _BULLET.match(line)
    )


def _hyphen_join(left: str, right: str) -> tuple[str, str] | None:
    """Join `forebyg-` + `gelse ...`; None when the hyphen is a real one (`Midt- og`, `it-kriminalitet`)."""
    if len(left) < 2 or not left.endswith("-") or not left[-2].isalpha() or not right:
        return None
    keep = _keeps_hyphen(_Segment.of(_WORD_SEGMENTS.split(left[:-1])[-1]), right)
    if keep is None:
        return None
    word, _, rest = right.partition(" ")
    return (left if keep else left[:-1]) + word, rest


@dataclass(frozen=True)
class _Segment:
    """What `_hyphen_join` needs of the word part before a line-end hyphen (after the last space or `-`)."""

    first: str  # its first character, "" when empty
    length: int
    marked: bool  # a capital or a digit in it
    text: str | None  # the part itself while it is short enough to be one of _KEEP_HYPHEN_PREFIXES

    @staticmethod
    def of(text: str) -> _Segment:
        short = text if len(text) <= _KEEP_PREFIX_MAX else None
        return _Segment(text[:1], len(text), any(c.isupper() or c.isdigit() for c in text), short)

    def __add__(self, other: _Segment) -> _Segment:
        length = self.length + other.length
        text = self.text + other.text if self.text is not None and other.text is not None else None
        return _Segment(
            self.first or other.first,
            length,
            self.marked or other.marked,
            text if length <= _KEEP_PREFIX_MAX else None,
        )


def _keeps_hyphen(segment: _Segment, right: str) -> bool | None:
    """Whether the hyphen after `segment` stays when `right` joins on; None when `right` is no word's end."""
    if right[0].islower():
        if right.partition(" ")[0].rstrip(",.;:") in _SUSPENDED_JOINERS:
            return None
        return (segment.text is not None and segment.text.lower() in _KEEP_HYPHEN_PREFIXES) or segment.marked
    if right[0].isupper() and segment.first.isupper():
        return True  # `Ringkøbing-` + `Skjern`: a double name keeps its hyphen
    return None


def _join_hyphenated(lines: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(lines):
        if not lines[i].endswith("-"):
            out.append(lines[i])
            i += 1
            continue
        line = _Line(lines[i])
        while i + 1 < len(lines) and lines[i + 1] and (rest := line.hyphen_join(lines[i + 1])) is not None:
            if rest:
                lines[i + 1] = rest
                break
            i += 1  # the next line was a single word: swallow it and look again
        out.append(line.text())
        i += 1
    return out


def _blocks(lines: list[str]) -> list[list[str]]:
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in lines:
        if line:
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _rejoin_blocks(blocks: list[list[str]]) -> list[list[str]]:
    """Re-join a paragraph that a page break split mid-sentence (no end punctuation, lower-case next)."""
    out: list[list[str]] = []
    growing: _Line | None = None  # out[-1]'s last line once a paragraph has joined it, kept apart
    for block in blocks:
        first = block[0]
        if (
            out
            and first[0].islower()
            and (growing.continues() if growing is not None else _continues(out[-1][-1]))
        ):
            if growing is None:
                growing = _Line(out[-1].pop())
            growing.join(first)
            if len(block) > 1:
                out[-1].append(growing.text())
                out[-1].extend(block[1:])
                growing = None
            continue
        if growing is not None:
            out[-1].append(growing.text())
            growing = None
        out.append(list(block))
    if growing is not None:
        out[-1].append(growing.text())
    return out


def _continues(line: str) -> bool:
    """May a lower-case paragraph continue `line`: no end punctuation, no heading, no name?"""
    return (line[-1].islower() or line[-1] in ",-") and not _is_structural(line) and not _name_like(line)


class _Line:
    """A line put back together from pieces: hyphenated line ends, a paragraph split by a page break.

    Whether the next piece joins on depends on the whole line so far (`_hyphen_join`, `_is_structural`,
    `_name_like`), and a document may split one line into thousands of pieces (`a` + blank line, over
    and over). Asking again of the whole line after each piece is quadratic; this keeps what the three
    need up to date as pieces arrive, so each piece costs time in proportion to its own length.

    The line is kept as a settled part and a tail of at least `_TAIL` characters. `_PAREN` (which
    `_name_like` removes) spans at most 43 characters, so once a position is that far from the end,
    what the pattern does before it is final: the settled part is summarised once (its tokens for
    `_name_like`, its last word part for `_hyphen_join`) and only the tail is read again. This relies on
    what `normalise` guarantees here: no line break in a line, no space at its ends, no two in a row.
    """

    def __init__(self, line: str) -> None:
        self._settled: list[str] = []
        self._tail = line
        self._head = ""  # the first _HEAD characters, once the line has settled anything
        self._segment = _Segment.of("")  # the settled part's last word part (after a space or `-`)
        # `_PAREN.sub("", settled part)`, summarised: the first tokens, how many, the unfinished last one.
        self._tokens: list[str] = []
        self._count = 0
        self._partial: list[str] = []
        self._partial_length = 0
        self._unnamelike = False  # a digit or `:,;` in it, or too many tokens: never a name again

    def text(self) -> str:
        return "".join(self._settled) + self._tail

    def continues(self) -> bool:
        """`_continues(self.text())`."""
        end = self._tail[-1]
        if not (end.islower() or end in ",-"):
            return False
        # The line ends in a letter, `,` or `-`: of `_is_structural`, only the start can say yes.
        structural = _starts_structural(self._head) if self._settled else _starts_structural(self._tail)
        return not structural and not self.name_like()

    def join(self, paragraph: str) -> None:
        """Continue the line with the paragraph, joining a word broken by a line-end hyphen."""
        rest = self.hyphen_join(paragraph)
        if rest is None:
            self.append(paragraph)
        elif rest:
            self.append(rest)

    def append(self, piece: str) -> None:
        self._tail += " " + piece
        self._settle()

    def hyphen_join(self, right: str) -> str | None:
        """`_hyphen_join(self.text(), right)`: join `right`'s first word and return the rest, or None."""
        tail = self._tail
        if (
            (len(tail) < 2 and not self._settled)
            or not tail.endswith("-")
            or not tail[-2].isalpha()
            or not right
        ):
            return None
        parts = _WORD_SEGMENTS.split(tail[:-1])
        segment = _Segment.of(parts[-1]) if len(parts) > 1 else self._segment + _Segment.of(parts[0])
        keep = _keeps_hyphen(segment, right)
        if keep is None:
            return None
        word, _, rest = right.partition(" ")
        self._tail = (tail if keep else tail[:-1]) + word
        self._settle()
        return rest

    def name_like(self) -> bool:
        """`_name_like(self.text())`, reading only the tail and, rarely, the unfinished last token."""
        if self._unnamelike:
            return False
        out = _PAREN.sub("", self._tail)
        if any(c.isdigit() or c in ":,;" for c in out):
            return False
        words = out.split()
        merged = bool(self._partial and words and not out[0].isspace())
        count = self._count + bool(self._partial) + len(words) - merged
        if not 2 <= count <= _NAME_MAX_TOKENS:
            return False
        if self._partial and (not words or (merged and len(words) == 1)):
            # The last token continues the settled part's; a hyphenated chain makes it long, and a long
            # token ending in `-` is never a name token (see _NAME_TOKEN), so it need not be read.
            end = words[0][-1] if words else self._partial[-1][-1]
            if end == "-" and self._partial_length + (len(words[0]) if words else 0) > _INITIALS_MAX:
                return False
        return _name_like_tokens([*self._tokens, *("".join(self._partial) + out).split()])

    def _settle(self) -> None:
        """Move all but the last `_TAIL` or so characters into the settled part."""
        tail = self._tail
        cut = len(tail) - _TAIL
        if cut <= 0:
            return
        spans = [m.span() for m in _PAREN.finditer(tail)]
        inside = {i for start, end in spans for i in range(start + 1, end)}
        # A cut after a space could split a `\s*` run from the bracket it leads to.
        while cut > 0 and (cut in inside or tail[cut - 1].isspace()):
            cut -= 1
        if cut == 0:
            return
        done = tail[:cut]
        if not self._settled:
            self._head = tail[:_HEAD]
        self._settled.append(done)
        self._tail = tail[cut:]
        parts = _WORD_SEGMENTS.split(done)
        self._segment = _Segment.of(parts[-1]) if len(parts) > 1 else self._segment + _Segment.of(done)
        self._add_output(_PAREN.sub("", done))

    def _add_output(self, out: str) -> None:
        if any(c.isdigit() or c in ":,;" for c in out):
            self._unnamelike = True
        if out[:1].isspace():
            self._finish_token()
        for k, word in enumerate(out.split()):
            if k:
                self._finish_token()
            self._partial.append(word)
            self._partial_length += len(word)
        if out[-1:].isspace():
            self._finish_token()

    def _finish_token(self) -> None:
        if not self._partial:
            return
        self._count += 1
        if self._count > _NAME_MAX_TOKENS:
            self._unnamelike = True
        else:
            self._tokens.append("".join(self._partial))
        self._partial = []
        self._partial_length = 0


# --------------------------------------------------------------------------------------------------
# Dates and times


def _valid_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _year(raw: str) -> int:
    return int(raw) + 2000 if len(raw) == 2 else int(raw)


def _find_date(text: str) -> tuple[dt.date, int] | None:
    """The first complete date (with year) in `text`, and where it starts."""
    best: tuple[dt.date, int] | None = None
    for m in _LONG_DATE.finditer(text):
        if m.group("year") is None:
            continue
        found = _valid_date(int(m.group("year")), _MONTHS[m.group("month").lower()], int(m.group("day")))
        if found is not None:
            best = (found, m.start())
            break
    for m in _NUM_DATE.finditer(text):
        found = _valid_date(_year(m.group("year")), int(m.group("month")), int(m.group("day")))
        if found is not None:
            if best is None or m.start() < best[1]:
                best = (found, m.start())
            break
    return best


def _date_at(text: str, pos: int, meeting: dt.date) -> dt.date | None:
    """A deadline date starting at `pos`; a missing year is the meeting's, or the next if already past."""
    if m := _NUM_DATE.match(text, pos):
        return _valid_date(_year(m.group("year")), int(m.group("month")), int(m.group("day")))
    if m := _LONG_DATE.match(text, pos):
        month, day = _MONTHS[m.group("month").lower()], int(m.group("day"))
        if m.group("year"):
            return _valid_date(int(m.group("year")), month, day)
        return _roll(meeting, month, day)
    if m := _NUM_DAY_MONTH.match(text, pos):
        return _roll(meeting, int(m.group("month")), int(m.group("day")))
    return None


def _roll(meeting: dt.date, month: int, day: int) -> dt.date | None:
    found = _valid_date(meeting.year, month, day)
    if found is not None and found < meeting:
        found = _valid_date(meeting.year + 1, month, day)
    return found


def _find_due(text: str, meeting: dt.date) -> dt.date | None:
    for m in _DUE.finditer(text):
        if (found := _date_at(text, m.end(), meeting)) is not None:
            return found
    return None


def _find_time(text: str) -> str | None:
    if m := _TIME.search(text):
        return m.group(0)
    if m := _TIME_RANGE.search(text):
        return m.group(0)
    return None


# --------------------------------------------------------------------------------------------------
# People


def _is_name_token(token: str) -> bool:
    return bool(_NAME_TOKEN.match(token))


def _name_like(line: str) -> bool:
    """`Camilla Hermann Slumstrup`, `H.C. Østerby`: two to five capitalised tokens and no title word."""
    return _name_like_tokens(_PAREN.sub("", line).split())


def _name_like_tokens(tokens: list[str]) -> bool:
    if not 2 <= len(tokens) <= _NAME_MAX_TOKENS or any(c.isdigit() or c in ":,;" for t in tokens for c in t):
        return False
    if _TITLE_WORD.search(tokens[0]):
        return False
    return all(
        _is_name_token(t) or (t in _PARTICLES and 0 < k < len(tokens) - 1) for k, t in enumerate(tokens)
    )


def _split_title_name(text: str) -> tuple[str | None, str]:
    """`Formand Mette Lund Jensen` → ("Formand", "Mette Lund Jensen"); the name is the trailing capitals."""
    tokens = text.split()
    j = 0
    while j < len(tokens):
        token = tokens[-1 - j]
        inner_particle = token in _PARTICLES and 0 < j < len(tokens) - 1 and _is_name_token(tokens[-2 - j])
        if not (_is_name_token(token) or inner_particle):
            break
        j += 1
    name = tokens[len(tokens) - j :]
    title = tokens[: len(tokens) - j]
    while len(name) > 1 and (_TITLE_WORD.search(name[0]) or len(name) > 4):
        title.append(name.pop(0))
    if title and title[-1].lower() in _TITLE_CONNECTORS and len(name) > 2:
        title.append(name.pop(0))  # `Direktør for Børn og Unge Helle Støve`
    if len(name) == 1 and (_TITLE_WORD.search(name[0]) or name[0].lower() in _NOT_NAMES):
        title.append(name.pop())
    return (" ".join(title).strip(" ,") or None), " ".join(name)


@dataclass
class _Tags:
    role: str | None = None
    initials: str | None = None
    extra: str | None = None


def _strip_tags(line: str) -> tuple[str, _Tags]:
    tags = _Tags()
    extras: list[str] = []

    def take(m: re.Match[str]) -> str:
        inner = m.group("inner").strip()
        if _INITIALS.match(inner):
            tags.initials = inner
        elif inner.lower() in _ROLES:
            tags.role = inner.lower()
        else:
            extras.append(inner)
        return ""

    text = _PAREN.sub(take, line).strip()
    tags.extra = ", ".join(extras) or None
    return text, tags


def _person(line: str, organisation: str | None, absent: bool) -> ImportedParticipant | None:
    text, tags = _strip_tags(line)
    text = text.strip(" .;,")
    title: str | None
    name = ""
    for sep in (", ", " – ", " - "):
        if sep in text:
            left, right = text.split(sep, 1)
            if _name_like(left):
                name, title = left, right.strip()
                break
            head, _, last = text.rpartition(sep)
            if _name_like(last):
                name, title = last, head.strip()
                break
    if not name:
        title, name = _split_title_name(text)
    if not name:
        return None
    if tags.extra:
        title = f"{title} ({tags.extra})" if title else tags.extra
    return ImportedParticipant(name, title or None, organisation, absent, tags.role, tags.initials)


def _persons_inline(value: str, organisation: str | None, absent: bool) -> list[ImportedParticipant]:
    """`Kirsten Mølgaard (formand), Bent Hvid og Mie Thygesen.`; a part without a name is a title."""
    people: list[ImportedParticipant] = []
    for part in _LIST_SEPARATORS.split(value.strip().rstrip(".")):
        if not part.strip():
            continue
        person = _person(part, organisation, absent)
        if person is None and people and people[-1].title is None:
            people[-1] = replace(people[-1], title=part.strip())
        elif person is None and people:
            people[-1] = replace(people[-1], title=f"{people[-1].title}, {part.strip()}")
        elif person is not None:
            people.append(person)
    return people


def _persons_block_group(
    blocks: list[list[str]], organisation: str | None, absent: bool
) -> list[ImportedParticipant]:
    """A `Fra <org>:` group: either names-block + titles-block (two columns flattened) or one per line."""
    people: list[ImportedParticipant] = []
    k = 0
    while k < len(blocks):
        block = blocks[k]
        half = len(block) // 2
        pairs: list[tuple[str, str]] = []
        following = blocks[k + 1] if k + 1 < len(blocks) else None
        if (
            following is not None
            and len(following) == len(block)
            and all(map(_name_like, block))
            and not all(map(_name_like, following))
        ):
            pairs = list(zip(block, following, strict=True))
            k += 2
        elif (
            len(block) % 2 == 0
            and half > 0
            and all(map(_name_like, block[:half]))
            and not any(map(_name_like, block[half:]))
        ):
            pairs = list(zip(block[:half], block[half:], strict=True))
            k += 1
        else:
            for line in block:
                person = _person(line, organisation, absent)
                if person is not None:
                    people.append(person)
            k += 1
        for name_line, title_line in pairs:
            name, name_tags = _strip_tags(name_line)
            title, title_tags = _strip_tags(title_line)
            people.append(
                ImportedParticipant(
                    name=name,
                    title=title or None,
                    organisation=organisation,
                    absent=absent,
                    role=title_tags.role or name_tags.role,
                    initials=name_tags.initials or title_tags.initials,
                )
            )
    return people


class _People:
    """Participant lookup by name variant, initials and unique first name."""

    def __init__(self, participants: list[ImportedParticipant]) -> None:
        variants: dict[str, str | None] = {}
        firsts: dict[str, str | None] = {}
        self.initials: dict[str, str] = {}
        for p in participants:
            tokens = p.name.split()
            for variant in {p.name, f"{tokens[0]} {tokens[-1]}"}:
                variants[variant] = p.name if variants.get(variant, p.name) == p.name else None
            firsts[tokens[0]] = p.name if firsts.get(tokens[0], p.name) == p.name else None
            if p.initials:
                self.initials[p.initials] = p.name
        self.variants = sorted(((v, n) for v, n in variants.items() if n), key=lambda vn: -len(vn[0]))
        self.first_names = {f: n for f, n in firsts.items() if n}

    def by_name(self, text: str) -> str | None:
        text = _strip_tags(text)[0].strip(" .,")
        for variant, name in self.variants:
            if variant == text:
                return name
        if text in self.initials:
            return self.initials[text]
        return self.first_names.get(text)


def _prefix_ok(prefix: str) -> bool:
    """What may stand before a speaker's name: nothing, a title, or a title and a comma (appositive)."""
    if not prefix:
        return True
    if not prefix[0].isupper() or len(prefix.split()) > 10 or _PREFIX_STOP.search(prefix):
        return False
    # `Formanden takkede Bo Hansen for ...`: a verb before the name makes the name an object.
    if _PREFIX_VERB.search(prefix):
        return False
    return all(
        not token.endswith((".", "!", "?")) or bool(_ABBREVIATION.match(token)) or len(token) <= 4
        for token in prefix.split()
    )


def _name_at(head: str, people: _People, start: int = 0) -> tuple[str, int, int] | None:
    """The earliest participant name in `head[start:]` that reads as the subject of the sentence."""
    best: tuple[str, int, int] | None = None
    for variant, name in people.variants:
        pos = head.find(variant, start)
        while pos != -1 and (best is None or pos < best[1]):
            end = pos + len(variant)
            bounded = (pos == 0 or not head[pos - 1].isalnum()) and (
                end == len(head) or not head[end].isalnum()
            )
            if bounded and _prefix_ok(head[start:pos]) and _SPEAKER_SUFFIX.match(head, end):
                best = (name, pos, end)
                break
            pos = head.find(variant, pos + 1)
    return best


def _speakers(text: str, people: _People) -> tuple[str | None, tuple[str, ...]]:
    head = text[:240]
    if (m := _INITIALS_START.match(head)) and m.group("ini") in people.initials:
        return people.initials[m.group("ini")], ()
    found = _name_at(head, people)
    if found is None:
        return None, ()
    speaker, _, end = found
    co: list[str] = []
    while (m := _CO_SPEAKER.match(head, end)) and (more := _name_at(head, people, m.end())):
        if more[0] != speaker and more[0] not in co:
            co.append(more[0])
        end = more[2]
    return speaker, tuple(co)


def _unknown_speaker(text: str) -> str | None:
    m = _UNKNOWN_SPEAKER.match(text)
    if m is None:
        return None
    _, name = _split_title_name(m.group("who").strip())
    return name if len(name.split()) >= 2 else None


# --------------------------------------------------------------------------------------------------
# Headings and sentences


@dataclass(frozen=True)
class _Heading:
    style: str  # "ad", "pkt" or "bare"
    number: int
    title: str


def _heading(line: str) -> _Heading | None:
    for style, pattern in (("ad", _HEAD_AD), ("pkt", _HEAD_PKT), ("bare", _HEAD_BARE)):
        if m := pattern.match(line):
            title = m.group("title").strip()
            if style == "bare" and (len(title) > 150 or _MONTH_START.match(title)):
                return None
            if style == "pkt" and title[:1].islower():
                return None  # `Pkt. 3 blev udsat.` is a sentence, not a heading
            if len(title) > 200:
                return None
            title = _HEAD_CODE.sub("", title).rstrip(" :.").strip()
            return _Heading(style, int(m.group("num")), title)
    return None


def _title_key(title: str) -> str:
    return " ".join(_NON_WORD.sub(" ", title.casefold()).split())


def _titles_match(a: str, b: str) -> bool:
    ka, kb = _title_key(a), _title_key(b)
    if not ka or not kb:
        return False
    return ka == kb or (min(len(ka), len(kb)) >= 5 and (ka.startswith(kb) or kb.startswith(ka)))


def _sentences(text: str) -> list[str]:
    """Split at sentence ends, but not after abbreviations (`f.eks.`, `bl.a.`, `kl.`) or ordinals."""
    parts: list[str] = []
    start = 0
    for m in _SENTENCE_BREAK.finditer(text):
        last = text[max(start, text.rfind(" ", start, m.start()) + 1) : m.start()]
        if _ABBREVIATION.match(last.rstrip('"”»)')):
            continue
        parts.append(text[start : m.start()].strip())
        start = m.end()
    parts.append(text[start:].strip())
    return [p for p in parts if p]


# --------------------------------------------------------------------------------------------------
# The parser


@dataclass
class _Item:
    number: int
    title: str
    bullets: list[str]
    background: list[str]


@dataclass
class _Layout:
    header_end: int
    agenda: tuple[int, int] | None
    body: tuple[int, int] | None
    body_label: bool


class _Parser:
    def __init__(self, lines: list[str], source_name: str) -> None:
        self.lines = lines
        self.source_name = source_name
        self.used = [False] * len(lines)
        self.warnings: list[str] = []
        self.participants: list[ImportedParticipant] = []
        self.referent: str | None = None

    # -- attendance, anywhere in the document ------------------------------------------------------

    def scan_attendance(self) -> None:
        lines = self.lines
        i = 0
        while i < len(lines):
            line = lines[i]
            m = _ABSENT_LABEL.match(line) or _ATTEND_LABEL.match(line) if line else None
            if m is not None:
                absent = m.re is _ABSENT_LABEL
                self.used[i] = True
                value = (m.group("value") or "").strip()
                if value:
                    self.participants.extend(_persons_inline(value, None, absent))
                i = self._attendance_section(i + 1, absent)
                continue
            if line and (m := _REFERENT_LABEL.match(line)):
                self.used[i] = True
                value = (m.group("value") or "").strip()
                if not value and i + 2 < len(lines) and not lines[i + 1] and _name_like(lines[i + 2]):
                    value = lines[i + 2]
                    self.used[i + 2] = True
                elif not value and i + 1 < len(lines) and _name_like(lines[i + 1]):
                    value = lines[i + 1]
                    self.used[i + 1] = True
                self.referent = value or None
            i += 1

    def _attendance_section(self, start: int, absent: bool) -> int:
        lines = self.lines
        organisation: str | None = None
        groups: list[tuple[str | None, list[list[str]]]] = [(None, [])]
        j = start
        last_used = start - 1
        while j < len(lines):
            line = lines[j]
            if not line:
                if groups[-1][1] and groups[-1][1][-1]:
                    groups[-1][1].append([])
                j += 1
                continue
            if m := _ORG_LINE.match(line):
                organisation = m.group("org").strip()
                groups.append((organisation, []))
            elif self._ends_attendance(line):
                break
            else:
                blocks = groups[-1][1]
                if not blocks:
                    blocks.append([])
                blocks[-1].append(line)
            self.used[j] = True
            last_used = j
            j += 1
        for org, blocks in groups:
            self.participants.extend(_persons_block_group([b for b in blocks if b], org, absent))
        return last_used + 1

    @staticmethod
    def _ends_attendance(line: str) -> bool:
        if (
            _ATTEND_LABEL.match(line)
            or _ABSENT_LABEL.match(line)
            or _REFERENT_LABEL.match(line)
            or _AGENDA_LABEL.match(line)
            or _BODY_LABEL.match(line)
            or _FIELD.match(line)
            or _PLACE_SENTENCE.match(line)
            or _TITLE_LINE.match(line)
            or _heading(line)
            or _BULLET.match(line)
            or _DECISION_LABEL.match(line)
            or _ACTION_LABEL.match(line)
        ):
            return True
        words = len(line.split())
        return words > 12 or (words > 5 and line.endswith("."))

    def attach_referent(self) -> None:
        if not self.referent:
            return
        person = _person(self.referent, None, False)
        wanted = person.name if person else self.referent
        name = _People(self.participants).by_name(wanted) if self.participants else None
        for k, p in enumerate(self.participants):
            if p.name == name:
                if p.role is None:
                    self.participants[k] = replace(p, role="referent")
                return
        if person is not None:
            self.participants.append(replace(person, role="referent"))

    # -- where the header, agenda and body are -------------------------------------------------------

    def layout(self) -> _Layout:
        lines, used = self.lines, self.used
        n = len(lines)
        heads: list[tuple[int, _Heading]] = []
        agenda_label: int | None = None
        body_labels: list[int] = []
        title_seen = False
        # A bare `REFERAT` among the first lines is the document's label, not the start of the body.
        top = [i for i, line in enumerate(lines) if line and not used[i]][:3]
        for i, line in enumerate(lines):
            if not line or used[i]:
                continue
            if _TITLE_LINE.match(line):
                title_seen = True
            if (h := _heading(line)) is not None:
                heads.append((i, h))
            elif agenda_label is None and _AGENDA_LABEL.match(line):
                agenda_label = i
            elif _BODY_LABEL.match(line) and not (_DOC_LABEL.match(line) and not title_seen and i in top):
                body_labels.append(i)
        # Several `Referat:` lines are per-item sub-labels, not the start of the body.
        body_label = body_labels[0] if len(body_labels) == 1 else None
        if body_label is not None and agenda_label is not None and body_label < agenda_label:
            body_label = None
        first_head = heads[0][0] if heads else None
        starts = [x for x in (agenda_label, first_head, body_label) if x is not None]
        header_end = min(starts) if starts else n
        agenda_start = agenda_label + 1 if agenda_label is not None else first_head

        if body_label is not None:
            agenda = (
                (agenda_start, body_label) if agenda_start is not None and agenda_start < body_label else None
            )
            return _Layout(header_end, agenda, (body_label + 1, n), True)
        first_ad = next((i for i, h in heads if h.style == "ad"), None)
        if first_ad is not None:
            agenda = (
                (agenda_start, first_ad) if agenda_start is not None and agenda_start < first_ad else None
            )
            return _Layout(header_end, agenda, (first_ad, n), False)
        if agenda_start is None:
            return _Layout(header_end, None, None, False)
        seen: set[str] = set()
        for i, h in heads:
            if i < agenda_start:
                continue
            key = _title_key(h.title)
            if key and key in seen:
                return _Layout(header_end, (agenda_start, i), (i, n), False)
            seen.add(key)
        # No separate list: each heading carries its own text (common in the `Pkt.` style).
        return _Layout(header_end, None, (agenda_start, n), False)

    # -- header ------------------------------------------------------------------------------------

    def header(self, end: int) -> tuple[str, dt.date, str | None, str | None]:
        lines = [line for i, line in enumerate(self.lines[:end]) if line and not self.used[i]]
        fields: dict[str, str] = {}
        plain: list[str] = []
        place: str | None = None
        time_of_day: str | None = None
        for line in lines:
            if m := _FIELD.match(line):
                fields.setdefault(" ".join(m.group("key").lower().split()), m.group("value").strip())
            elif m := _PLACE_SENTENCE.match(line):
                raw = m.group("place")
                cut = _PLACE_CUT.search(raw)
                place = place or (raw[: cut.start()] if cut else raw).strip(" ,.")
                time_of_day = time_of_day or _find_time(raw)
            else:
                plain.append(line)

        title_line: str | None = None
        for k, line in enumerate(plain):
            if m := _TITLE_LINE.match(line):
                title_line = m.group("rest")
                break
            if _DOC_LABEL.match(line) and k + 1 < len(plain):
                title_line = plain[k + 1]
                break
        if title_line is None:
            dated = (line for line in plain if len(line) < 120 and _find_date(line) is not None)
            title_line = next(dated, plain[0] if plain else "")

        date_found = _find_date(title_line)
        date_sources = [
            fields[k] for k in ("dato", "dato og tid", "dato og tidspunkt", "dato og sted") if k in fields
        ]
        date_sources += [fields[k] for k in ("tid", "tidspunkt", "mødetid", "tid og sted") if k in fields]
        for source in [*date_sources, *plain]:
            if date_found is not None:
                break
            if (found := _find_date(source)) is not None:
                date_found = (found[0], -1)
        if date_found is None:
            raise NotAReferat("ingen dato fundet")

        if date_found[1] >= 0:
            title = title_line[: date_found[1]]
        else:
            cut = _TIME.search(title_line)
            title = title_line[: cut.start()] if cut else title_line
        title = _TITLE_TAIL.sub("", title).strip(" .,:;–-")
        if not title:
            title = Path(self.source_name).stem if self.source_name else "møde"

        for key in ("sted", "mødested", "lokale"):
            if key in fields and place is None:
                place = fields[key].rstrip(".")
        for key in ("tidspunkt", "tid", "mødetid", "dato og tid", "dato og tidspunkt", "tid og sted"):
            if key in fields:
                value = fields[key]
                found_time = _find_time(value)
                if found_time is None and _find_date(value) is None and any(c.isdigit() for c in value):
                    found_time = value.rstrip(".")
                time_of_day = found_time or time_of_day
                if found_time:
                    break
        if time_of_day is None:
            time_of_day = _find_time(title_line)
        return title, date_found[0], place, time_of_day

    # -- agenda ------------------------------------------------------------------------------------

    def agenda(self, span: tuple[int, int]) -> list[_Item]:
        items: list[_Item] = []
        paragraph: list[str] = []

        def flush() -> None:
            if paragraph and items:
                items[-1].background.append(" ".join(paragraph))
            paragraph.clear()

        after_heading = False
        for i in range(*span):
            line = self.lines[i]
            if self.used[i]:
                continue
            continues_title = after_heading and line[:1].islower()
            after_heading = False
            if not line:
                flush()
            elif continues_title:
                items[-1].title = f"{items[-1].title} {line}".rstrip(" :.")
            elif (h := _heading(line)) is not None:
                flush()
                items.append(_Item(h.number, h.title, [], []))
                after_heading = True
            elif (b := _BULLET.match(line)) and items:
                flush()
                items[-1].bullets.append(b.group("text"))
            else:
                paragraph.append(line)
        flush()
        numbers = [item.number for item in items]
        if len(items) > 1 and any(b <= a for a, b in pairwise(numbers)):
            shown = ", ".join(map(str, numbers))
            self.warnings.append(
                f"Dagsordenens punkter var nummereret {shown}; de er nummereret om til 1–{len(items)} "
                "i den rækkefølge, de står."
            )
            for k, item in enumerate(items, start=1):
                item.number = k
        return items

    # -- body --------------------------------------------------------------------------------------

    def body(
        self, span: tuple[int, int], agenda: list[_Item], with_opening: bool, meeting_date: dt.date
    ) -> tuple[str | None, list[_Item], list[ImportedEntry]]:
        return _Body(self, agenda, with_opening, meeting_date).run(span)


class _Body:
    """Walks the referat part line by line: headings, labels, paragraphs, and who said what."""

    def __init__(
        self, parser: _Parser, agenda: list[_Item], with_opening: bool, meeting_date: dt.date
    ) -> None:
        self.p = parser
        self.agenda = agenda
        self.by_number = {item.number: item for item in agenda}
        self.extra_items: list[_Item] = []
        self.people = _People(parser.participants)
        self.meeting_date = meeting_date
        self.with_opening = with_opening
        self.opening: list[str] = []
        self.entries: list[ImportedEntry] = []
        self.item: int | None = None
        self.last_number = 0
        self.seen_items: set[int] = set()
        self.collapsed = False
        self.reset()

    def reset(self) -> None:
        self.mode = "normal"  # "decision", "action", "background"
        self.prefix: str | None = None
        self.speaker: str | None = None
        self.co: tuple[str, ...] = ()
        self.actions_in_block = 0

    def run(self, span: tuple[int, int]) -> tuple[str | None, list[_Item], list[ImportedEntry]]:
        lines = self.p.lines
        used = self.p.used
        candidates = [h for i in range(*span) if lines[i] and not used[i] and (h := _heading(lines[i]))]
        self.collapsed = len(candidates) > 1 and all(h.number == 1 for h in candidates)
        paragraph: list[str] = []
        any_heading = False

        def flush() -> None:
            if paragraph:
                self.paragraph(" ".join(paragraph))
                paragraph.clear()

        for i in range(*span):
            line = lines[i]
            if used[i]:
                continue
            if not line:
                flush()
                if self.mode == "action" and self.actions_in_block:
                    nxt = next((lines[k] for k in range(i + 1, span[1]) if lines[k]), "")
                    if not _BULLET.match(nxt):
                        self.mode = "normal"
                continue
            h = _heading(line)
            if h is not None and (number := self.accept(h)) is not None:
                flush()
                any_heading = True
                self.start_item(number, h)
                continue
            if m := _DECISION_LABEL.match(line):
                flush()
                self.mode, self.prefix = "decision", None
                if m.group("text"):
                    self.paragraph(m.group("text").strip())
                continue
            if m := _ACTION_LABEL.match(line):
                flush()
                self.mode, self.prefix, self.actions_in_block = "action", None, 0
                if m.group("text"):
                    self.paragraph(m.group("text").strip())
                continue
            if m := _BACKGROUND_LABEL.match(line):
                flush()
                self.mode = "background"
                self.speaker, self.co = None, ()
                if m.group("text"):
                    self.prefix = None
                    self.paragraph(line)
                else:
                    self.prefix = m.group("label")
                continue
            if _BODY_LABEL.match(line):
                flush()
                self.mode, self.prefix = "normal", None
                continue
            if b := _BULLET.match(line):
                flush()
                self.paragraph(b.group("text"))
                continue
            if paragraph and paragraph[-1][-1] in ".!?" and (line[0].isupper() or line[0].isdigit()):
                flush()  # one paragraph per line in sources that never leave a blank line
            paragraph.append(line)
        flush()
        if not any_heading and self.agenda:
            self.p.warnings.append(
                "Referatet har ingen overskrifter for punkterne; teksten er gemt som indledning."
            )
        opening = "\n\n".join(self.opening) or None
        return opening, self.extra_items, self.entries

    def accept(self, h: _Heading) -> int | None:
        """The item number a heading opens, or None when the line is content (a numbered list)."""
        for item in self.agenda:
            if _titles_match(item.title, h.title) and (h.style == "bare" or self.collapsed):
                return item.number
        if self.collapsed:
            return self.last_number + 1
        if h.style != "bare":
            return h.number
        if h.number == self.last_number + 1 or (self.last_number == 0 and not self.agenda):
            return h.number
        return None

    def start_item(self, number: int, h: _Heading) -> None:
        self.item = number
        self.last_number = number
        self.reset()
        if number in self.seen_items:
            self.p.warnings.append(
                f"Punkt {number} står flere gange i referatet; teksten er samlet under ét."
            )
        self.seen_items.add(number)
        if number in self.by_number:
            return
        title = h.title or f"Punkt {number}"
        item = _Item(number, title, [], [])
        self.by_number[number] = item
        self.extra_items.append(item)
        if self.agenda:
            self.p.warnings.append(f"Punkt {number} ({title}) i referatet står ikke på dagsordenen.")

    def emit(self, kind: EntryKind, text: str, speaker: str | None = None, co: tuple[str, ...] = ()) -> None:
        assert self.item is not None
        owner: str | None = None
        due: dt.date | None = None
        if kind is EntryKind.ACTION:
            owner = self.owner(text)
            due = _find_due(text, self.meeting_date)
        self.entries.append(ImportedEntry(self.item, kind, text, speaker, owner, due, co if speaker else ()))

    def paragraph(self, text: str) -> None:
        if self.item is None:
            if self.with_opening:
                self.opening.append(text)
            return
        if _NOTHING.match(text):
            return
        if self.prefix:
            text = f"{self.prefix}: {text}"
            self.prefix = None
        if self.mode == "action":
            self.actions_in_block += 1
            self.emit(EntryKind.ACTION, text)
            return
        speaker, co = _speakers(text, self.people)
        if speaker is None and self.mode in ("decision", "background"):
            kind = EntryKind.DECISION if self.mode == "decision" else EntryKind.STATEMENT
            self.emit(kind, text)
            return
        self.mode = "normal"
        self.statement(text, speaker, co)

    def statement(self, text: str, speaker: str | None, co: tuple[str, ...]) -> None:
        """One paragraph in reported speech; decision sentences inside it become their own entries."""
        sentences = _sentences(text)
        if speaker is not None:
            self.speaker, self.co = speaker, co
        elif _IMPERSONAL.search(sentences[0]):
            self.speaker, self.co = None, ()
        else:
            unknown = _unknown_speaker(text)
            if unknown is not None:
                self.p.warnings.append(
                    f"Punkt {self.item}: taleren »{unknown}« findes ikke på deltagerlisten."
                )
                self.speaker, self.co = None, ()
        pending: list[str] = []
        for k, sentence in enumerate(sentences):
            is_decision = (
                not (k == 0 and speaker is not None)
                and _DECISION_SENTENCE.search(sentence) is not None
                and (k == 0 or _speakers(sentence, self.people)[0] is None)
            )
            if is_decision:
                self.flush_statement(pending)
                self.emit(EntryKind.DECISION, sentence)
                self.speaker, self.co = None, ()
                continue
            if k > 0 and not pending:  # the paragraph goes on after a decision sentence
                own, own_co = _speakers(sentence, self.people)
                if own is not None:
                    self.speaker, self.co = own, own_co
                elif _IMPERSONAL.search(sentence):
                    self.speaker, self.co = None, ()
            pending.append(sentence)
        self.flush_statement(pending)

    def flush_statement(self, pending: list[str]) -> None:
        if pending:
            self.emit(EntryKind.STATEMENT, " ".join(pending), self.speaker, self.co)
            pending.clear()

    def owner(self, text: str) -> str | None:
        if m := _OWNER_INITIALS.search(text):
            initials = m.group("ini")
            if initials in self.people.initials:
                return self.people.initials[initials]
        if m := _OWNER_LABEL.search(text):
            who = m.group("who").strip()
            return self.people.by_name(who) or who
        found = _name_at(text[:120], self.people)
        if found is not None and found[1] == 0:
            return found[0]
        if (m := _INITIALS_START.match(text)) and m.group("ini") in self.people.initials:
            return self.people.initials[m.group("ini")]
        if (m := _FIRST_NAME_START.match(text)) and m.group("first") in self.people.first_names:
            return self.people.first_names[m.group("first")]
        if m := _OWNER_INITIALS.search(text):
            self.p.warnings.append(
                f"Punkt {self.item}: initialerne ({m.group('ini')}) passer ikke til nogen deltager."
            )
            return m.group("ini")
        return None


# --------------------------------------------------------------------------------------------------
# Public entry points


def _looks_binary(text: str) -> bool:
    if "\x00" in text:
        return True
    sample = text[:20000]
    return len(_BINARY.findall(sample)) > max(2, len(sample) // 100)


def parse_referat(text: str, *, source_name: str = "") -> ImportedMeeting:
    """Parse the text of a referat; raise NotAReferat (Danish reason) when it is not one."""
    if not text.strip():
        raise NotAReferat("filen er tom")
    if _looks_binary(text):
        raise NotAReferat("filen indeholder ikke læsbar tekst")
    normalised = normalise(text)
    if not normalised:
        raise NotAReferat("filen er tom")
    parser = _Parser(normalised.split("\n"), source_name)
    parser.scan_attendance()
    parser.attach_referent()
    layout = parser.layout()
    title, date, place, time_of_day = parser.header(layout.header_end)
    if layout.agenda is None and layout.body is None:
        raise NotAReferat("ingen dagsordenspunkter eller Ad-afsnit fundet")
    agenda = parser.agenda(layout.agenda) if layout.agenda else []
    opening: str | None = None
    entries: list[ImportedEntry] = []
    if layout.body is not None:
        opening, extra, entries = parser.body(layout.body, agenda, layout.body_label, date)
        agenda = sorted([*agenda, *extra], key=lambda item: item.number)
    if not agenda:
        raise NotAReferat("ingen dagsordenspunkter eller Ad-afsnit fundet")
    if not parser.participants:
        parser.warnings.append("Ingen deltagerliste fundet.")
    return ImportedMeeting(
        title=title,
        date=date,
        place=place,
        time_of_day=time_of_day,
        opening=opening,
        participants=tuple(parser.participants),
        agenda=tuple(
            ImportedItem(item.number, item.title, tuple(item.bullets), tuple(item.background))
            for item in agenda
        ),
        entries=tuple(entries),
        warnings=tuple(dict.fromkeys(parser.warnings)),
        content_hash=hashlib.sha256(normalised.encode("utf-8")).hexdigest(),
    )


def read_document(path: Path) -> str:
    """The text of a .txt (UTF-8, else cp1252) or .docx file; NotAReferat when it cannot be read."""
    suffix = path.suffix.lower()
    if suffix == ".txt":
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise NotAReferat(f"filen kunne ikke læses ({exc.strerror or exc})") from exc
        if b"\x00" in raw:
            raise NotAReferat("filen indeholder ikke læsbar tekst")
        try:
            return raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            pass
        try:
            return raw.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise NotAReferat("filen er hverken UTF-8 eller Windows-1252 tekst") from exc
    if suffix == ".docx":
        return _read_docx(path)
    shown = suffix or "uden endelse"
    raise NotAReferat(f"filtypen {shown} kan ikke læses; brug .txt eller .docx")


def _read_docx(path: Path) -> str:
    # Imported here: python-docx (and lxml) cost a noticeable start-up time that plain text never needs.
    from zipfile import BadZipFile

    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, BadZipFile, KeyError, ValueError, OSError) as exc:
        raise NotAReferat("filen er ikke et gyldigt Word-dokument (.docx)") from exc
    return "\n\n".join(_docx_blocks(document))


def _docx_blocks(document: DocxDocument) -> list[str]:
    """Paragraphs and table rows in document order; list numbering that Word keeps outside the text."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    numbering = _DocxNumbering(document)
    blocks: list[str] = []
    for child in document.element.body.iterchildren():
        tag = str(child.tag).rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = Paragraph(child, document)
            text = paragraph.text.strip()
            if text:
                blocks.append(numbering.prefix(paragraph, text) + text)
            else:
                blocks.append("")
        elif tag == "tbl":
            for row in Table(child, document).rows:
                cells: list[str] = []
                seen: set[int] = set()
                for cell in row.cells:
                    if id(cell._tc) in seen:  # a merged cell is returned once per grid column
                        continue
                    seen.add(id(cell._tc))
                    if cell_text := cell.text.strip():
                        cells.append(cell_text)
                blocks.extend(_join_cells(cells))
    return blocks


def _join_cells(cells: list[str]) -> list[str]:
    """A table row as text: `Dato: 19. marts 2024`, `1. Orientering`, `Navn, Titel`."""
    if not cells:
        return []
    if len(cells) == 1 or any("\n" in c for c in cells):
        return cells
    first, rest = cells[0], cells[1:]
    if first.endswith(":"):
        return [f"{first} {' '.join(rest)}"]
    if _CELL_NUMBER.fullmatch(first):
        return [f"{first.rstrip('.')}. {' '.join(rest)}"]
    return [", ".join(cells)]


class _DocxNumbering:
    """Turns Word's list numbering (kept in numbering.xml, not in the text) into `1. ` / `- ` prefixes."""

    def __init__(self, document: DocxDocument) -> None:
        self.counters: dict[str, int] = {}
        self.formats: dict[tuple[str, int], str] = {}
        try:
            self.root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            self.root = None

    def _format(self, num_id: str, level: int) -> str:
        key = (num_id, level)
        if key not in self.formats:
            fmt = "decimal"
            if self.root is not None:
                abstract = self.root.xpath(f'./w:num[@w:numId="{num_id}"]/w:abstractNumId/@w:val')
                if abstract:
                    found = self.root.xpath(
                        f'./w:abstractNum[@w:abstractNumId="{abstract[0]}"]/w:lvl[@w:ilvl="{level}"]/w:numFmt/@w:val'
                    )
                    fmt = str(found[0]) if found else fmt
            self.formats[key] = fmt
        return self.formats[key]

    def prefix(self, paragraph: Paragraph, text: str) -> str:
        if _BULLET.match(text) or _heading(text) is not None:
            return ""  # the number or bullet is already part of the text
        num_ids = paragraph._p.xpath("./w:pPr/w:numPr/w:numId/@w:val")
        levels = paragraph._p.xpath("./w:pPr/w:numPr/w:ilvl/@w:val")
        style = (paragraph.style.name if paragraph.style is not None else None) or ""
        if num_ids and str(num_ids[0]) != "0":  # numId 0 means "numbering switched off"
            num_id = str(num_ids[0])
            level = int(levels[0]) if levels else 0
            fmt = self._format(num_id, level)
        elif style.startswith("List Number"):
            num_id, level, fmt = f"style:{style}", 0, "decimal"
        elif style.startswith("List Bullet"):
            num_id, level, fmt = f"style:{style}", 0, "bullet"
        else:
            return ""
        if fmt in ("bullet", "none") or level > 0:
            return "- "
        self.counters[num_id] = self.counters.get(num_id, 0) + 1
        return f"{self.counters[num_id]}. "
