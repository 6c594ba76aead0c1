"""The words and shapes a Danish referat is written in, shared by cleaning, reading and parsing.

Compiled once: the importer must stay far below a few milliseconds per document. Besides the
patterns, the few predicates every stage asks (is this line a heading, a name, a list bullet?).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

MONTHS: Final = {
    "januar": 1, "jan": 1, "februar": 2, "feb": 2, "marts": 3, "mar": 3, "april": 4, "apr": 4,
    "maj": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sept": 9, "sep": 9, "oktober": 10, "okt": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip
MONTH_ALT: Final = "|".join(sorted(MONTHS, key=len, reverse=True))

_HEAD_AD = re.compile(
    r"^(?:Ad|AD)\.?\s*(?:(?i:pkt|punkt)\.?\s*)?(?P<num>\d{1,2})(?!\d|[.,]\d)\s*[.):]?\s*(?:[-–—]\s*)?"
    r"(?P<title>.*)$"
)
_HEAD_PKT = re.compile(
    r"^(?i:pkt|punkt|sag\s+nr)\.?\s*(?P<num>\d{1,3})(?!\d|[.,]\d)\s*(?P<punct>[.):])?\s*(?:[-–—]\s*)?(?P<title>.*)$"
)
_HEAD_BARE = re.compile(r"^(?P<num>\d{1,2})\s*[.):]\s*(?:[-–—]\s*)?(?P<title>[A-ZÆØÅÉ\"«„].*)$")
_HEAD_CODE = re.compile(
    r"\s*\((?:[BODI](?:\s*[/,+]\s*[BODI])*|(?:til\s+)?(?:beslutning|orientering|drøftelse))\)$",
    re.IGNORECASE,
)
_MONTH_START = re.compile(rf"^(?:{MONTH_ALT})\b", re.IGNORECASE)
BULLET = re.compile(r"^(?:[-–•*▪·○◦]|o(?=\s)|[a-z][.)])\s+(?P<text>\S.*)$")

TITLE_WORD = re.compile(
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
PARTICLES: Final = frozenset({"von", "van", "de", "la", "le", "du", "da", "di", "af"})
PAREN = re.compile(r"\s*\((?P<inner>[^()]{1,40})\)")
NAME_MAX_TOKENS: Final = 5
INITIALS_START = re.compile(r"^(?P<ini>[A-ZÆØÅ]{2,4})(?=\s+[a-zæøå]|\s*[:,(])")


def is_structural(line: str) -> bool:
    return starts_structural(line) or line.endswith(":")


def starts_structural(line: str) -> bool:
    """A heading or bullet: decided by the line's first few characters (see `_Line`)."""
    return bool(_HEAD_AD.match(line) or _HEAD_PKT.match(line) or _HEAD_BARE.match(line) or BULLET.match(line))


# --------------------------------------------------------------------------------------------------
# People


def is_name_token(token: str) -> bool:
    return bool(_NAME_TOKEN.match(token))


def name_like(line: str) -> bool:
    """`Camilla Hermann Slumstrup`, `H.C. Østerby`: two to five capitalised tokens and no title word."""
    return name_like_tokens(PAREN.sub("", line).split())


def name_like_tokens(tokens: list[str]) -> bool:
    if not 2 <= len(tokens) <= NAME_MAX_TOKENS or any(c.isdigit() or c in ":,;" for t in tokens for c in t):
        return False
    if TITLE_WORD.search(tokens[0]):
        return False
    return all(is_name_token(t) or (t in PARTICLES and 0 < k < len(tokens) - 1) for k, t in enumerate(tokens))


# --------------------------------------------------------------------------------------------------
# Headings and sentences


@dataclass(frozen=True)
class Heading:
    style: str  # "ad", "pkt" or "bare"
    number: int
    title: str
    raw: str = ""  # the words after the number exactly as written (a one-line item's text too)


def heading(line: str) -> Heading | None:
    for style, pattern in (("ad", _HEAD_AD), ("pkt", _HEAD_PKT), ("bare", _HEAD_BARE)):
        if m := pattern.match(line):
            raw = title = m.group("title").strip()
            if style == "bare" and (len(title) > 400 or _MONTH_START.match(title)):
                return None
            if style == "pkt" and title[:1].islower() and not m.group("punct"):
                return None  # `Pkt. 3 blev udsat.` is a sentence, not a heading
            if len(title) > 400:
                return None
            title = _HEAD_CODE.sub("", title).rstrip(" :.").strip()
            return Heading(style, int(m.group("num")), title, raw)
    return None
