"""Decisions and actions written as prose, the way real minutes record them.

Minutes seldom label a decision or an action. They write "Godkendt uden anmærkninger.", "Hans Jensen
blev konstitueret som formand.", "Udskudt til næste møde.", "Kirstine bestiller.", "BH indkalder til
temamøde inden 1. april." or "Ny oversigt bliver udarbejdet af Kirsten Vej Petersen." These patterns
find them in one sentence at a time, and for an action name who does it (the subject, or the agent
after `af`) as written; the body walker resolves that to a participant. Pure and compiled once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A decision even when the sentence opens with a person's name: the name is its subject, not a speaker
# (`Hans Jensen blev konstitueret som formand.`).
STRONG_DECISION = re.compile(
    r"\b(?:blev|er|var|bliver)\s+(?:\w+\s+){0,3}?(?:valgt|genvalgt|nyvalgt|konstitueret|udpeget|"
    r"indvalgt|godkendt|vedtaget)\b|\bkonstituerede\s+sig\b|\bvalgt\s+som\b|"
    r"^(?:Godkendt|Vedtaget|Udskudt|Udsat|Taget\s+til\s+efterretning)\b|\bgodkendt\s+uden\b|"
    r"\bblev\s+enige\b|\benige\s+om\b|\bfik\s+tilladelse\b",
    re.IGNORECASE,
)
# The body choosing someone for an office (`Handicaprådet udpegede Ingrid Rasmussen som formand.`), and
# a short sentence that ends in the verdict (`Formandens beretning godkendt.`), maybe with what it
# went by (`Referatet godkendt i h.t. sidste mødes beslutning.`).
_CHOSE = re.compile(
    r"\b(?:udpegede|valgte|genvalgte|konstituerede)\s+[A-ZÆØÅ][\w'’-]+(?:\s+[A-ZÆØÅ][\w'’-]+){0,3}\s+som\b|"
    r"\bkonstituerer\s+sig\b|^(?:[\wæøå]+\s+){0,3}(?:godkendt|vedtaget)"
    r"(?:\s+(?:i\s+h\.\s*t\.|i\s+henhold\s+til|jf\.|jævnfør|med|uden|efter)\s.*)?\s*[.!]?$",
    re.IGNORECASE,
)
# A decision when no participant is the sentence's speaker.
PROSE_DECISION = re.compile(
    r"\budskydes\b|\budskudt\s+til\b|\bfastsættes\b|\bfastsat\s+til\b|\baftalte\b|\b(?:blev|er)\s+aftalt\b|"
    r"\b(?:af)?holdes\s+(?:den\s+|d\.\s*)?\d|\bfremover\b|\bhar\s+(?:\w+\s+)?valgt\s+at\b|"
    r"\bhar\s+(?:\w+\s+){0,2}?(?:godkendt|vedtaget|besluttet|bestemt)\b",
    re.IGNORECASE,
)

_VERBS = (
    r"sender|udsender|rundsender|fremsender|videresender|laver|udarbejder|skriver|bestiller|undersøger|"
    r"kontakter|tager\s+kontakt|indkalder|følger\s+op|sørger\s+for|står\s+for|arrangerer|booker|indhenter|"
    r"opdaterer|tjekker|ringer|melder|koordinerer|forbereder|inviterer|formulerer|køber|afklarer|retter|"
    r"giver\s+besked|henvender\s+sig|tager\s+sig\s+af|påtager\s+sig|planlægger|afleverer|reviderer|"
    r"udfylder|indsender|indkøber|rydder|bestiller|reserverer|gennemgår|samler|finder|lovede|lover|"
    r"tager\s+en\s+snak"
)
_INFINITIVES = (
    r"stå\s+for|(?!blive\b|være\b)\w+e\b(?:\s+op)?"  # `vil blive foretaget`: passive, nobody does it
)
_SUBJECT = (
    r"(?P<who>(?:[A-ZÆØÅ][\w.'’-]*)(?:\s+[A-ZÆØÅ][\w.'’-]*){0,3}"
    r"(?:\s*\([A-ZÆØÅ]{2,4}\))?(?:(?:,\s*|\s+og\s+)[A-ZÆØÅ][\w.'’-]*(?:\s+[A-ZÆØÅ][\w.'’-]*){0,2})*)"
)
_ACTIVE = re.compile(
    rf"(?:^|[,;:]\s+)(?:så\s+|og\s+)?{_SUBJECT}\s+(?:(?:{_VERBS})\b|(?:vil|skal)\s+(?:gerne\s+)?(?:{_INFINITIVES}))"
)
# `Peter foreslår et oprydningshold, ligesom han tager en snak med kommunen.`: the pronoun is the
# person the sentence opens with.
_PRONOUN_ACTIVE = re.compile(rf"[,;]\s+(?:og\s+|ligesom\s+|så\s+)?(?:han|hun)\s+(?:{_VERBS})\b")
_OPENS_WITH = re.compile(r"^(?P<who>[A-ZÆØÅ][\w'’-]+(?:\s+[A-ZÆØÅ][\w'’-]+){0,2})\s+[a-zæøå]")
# `Den nye bestyrelse har fået til opgave at finde en anden løsning.`
_GIVEN_TASK = re.compile(
    r"(?:^|[,;:]\s+)(?P<who>[A-ZÆØÅ][\wæøå-]*(?:\s+[\wæøå-]+){0,2}?)\s+(?:har\s+)?(?:fået|fik)\s+"
    r"(?:til\s+)?opgave[n]?\s+(?:at|med)\b"
)
_PASSIVE = re.compile(
    r"\b(?:bliver|vil\s+blive|skal)\s+(?:\w+\s+){0,2}?\w+(?:et|es|t)\s+af\s+"
    r"(?P<who>[A-ZÆØÅ][\w.'’-]*(?:\s+[A-ZÆØÅ][\w.'’-]*){0,3})"
)
# Capitalised words that start sentences but never name who does something.
_NOT_SUBJECTS = frozenset(
    {"Der", "Det", "Den", "De", "Vi", "Man", "Han", "Hun", "Som", "Hvis", "Når", "Og", "Men", "Så", "Alle",
     "Her", "Nu", "Dette", "Denne", "Disse", "Ingen", "Hver", "Evt", "Eventuelt", "Hvem", "Hvad", "Hvornår",
     "Hvor", "Hvordan", "Hvorfor", "Hvilke", "Hvilken", "Hvilket"}
)  # fmt: skip


@dataclass(frozen=True)
class Action:
    owner: str  # as written: a name, initials, `Formanden`, `Ældrerådet`


# Who does it, in brackets after the task: `SEAS-NVE – senest 10. marts (Jørgen søger)`.
_PAREN_OWNER = re.compile(
    rf"\((?P<who>[A-ZÆØÅ][\w'’-]*(?:\s+[A-ZÆØÅ][\w'’-]*)?|[A-ZÆØÅ]{{2,4}})\s+(?:{_VERBS}|søger|ansøger)\)"
)


def action_in(sentence: str) -> Action | None:
    """The action a sentence records, with who does it as written; None when it records none."""
    if m := _PASSIVE.search(sentence):
        return Action(m.group("who"))
    if m := _PAREN_OWNER.search(sentence):
        return Action(m.group("who"))
    if m := _GIVEN_TASK.search(sentence):
        return Action(m.group("who"))
    for m in _ACTIVE.finditer(sentence):
        who = m.group("who")
        first = who.split()[0].rstrip(",")
        if first in _NOT_SUBJECTS:
            continue
        return Action(who)
    opener = _OPENS_WITH.match(sentence) if _PRONOUN_ACTIVE.search(sentence) else None
    if opener is not None and opener.group("who").split()[0] not in _NOT_SUBJECTS:
        return Action(opener.group("who"))
    return None


def is_strong_decision(sentence: str) -> bool:
    return STRONG_DECISION.search(sentence) is not None or _CHOSE.search(sentence) is not None


def is_prose_decision(sentence: str) -> bool:
    return is_strong_decision(sentence) or PROSE_DECISION.search(sentence) is not None


_ROLE = r"(?P<role>dirigent|referent|ordstyrer|mødeleder)"
_NAME = r"(?P<name>[A-ZÆØÅ][\w'’-]+(?:\s+[A-ZÆØÅ][\w'’-]+){0,3})"
# What may stand between a name and its verb: a nickname or initials in brackets, a house or garden
# number (`Anne Marie Broager (Rie) 52N valgt som referent`, `Kim, have 22, valgt som dirigent`).
_ASIDE = r"(?:\s*\([^()]{1,30}\))?(?:,?\s+(?:have\s+|nr\.?\s*)?\d{1,3}[A-ZÆØÅ]?\b,?)?"
_ROLE_SENTENCES = (
    re.compile(
        rf"{_NAME}{_ASIDE}\s+(?:blev\s+)?(?:valgt|valgtes|vælges|genvalgt|udpeget)\s+(?:som|til)\s+{_ROLE}\b"
    ),
    re.compile(rf"\b(?:[Ss]om|[Tt]il)\s+{_ROLE}\s+(?:valgtes|blev\s+valgt|vælges|valgt|udpegedes)\s+{_NAME}"),
    re.compile(rf"\bog\s+{_NAME}\s+som\s+{_ROLE}\b"),
)
_ROLE_ITEM = re.compile(r"\bvalg\s+af\s+(?P<role>dirigent|referent|ordstyrer|mødeleder)\b", re.IGNORECASE)
# The text of a `Valg af dirigent` item that opens with the one chosen: `Kim, have 22 valgt.`,
# `Henning Jensen have 58`, `ref. Lene have 47`, `André Just vælges`.
_CHOSEN_FIRST = re.compile(
    r"^(?:ref\.\s*|referent:?\s*|dirigent:?\s*)?(?P<name>[A-ZÆØÅ][\w'’-]+(?:\s+[A-ZÆØÅ][\w'’-]+){0,3})"
    r"(?=\s*(?:,|\(|$|\.$|\s+(?:have|blev|valgtes|vælges|valgt|er|var|fra|nr\.?)\b))"
)


def roles_chosen(text: str, item_title: str | None) -> list[tuple[str, str]]:
    """Who a sentence or a `Valg af …` item names to a meeting role: [(role, name as written)]."""
    found = [
        (m.group("role").lower(), m.group("name"))
        for pattern in _ROLE_SENTENCES
        for m in pattern.finditer(text)
        if m.group("name").split()[0] not in _NOT_SUBJECTS
    ]
    if (
        not found
        and (m := _ROLE_THEN_CHOSEN.search(text))
        and m.group("name").split()[0] not in _NOT_SUBJECTS
    ):
        found.append((m.group("role").lower(), m.group("name")))
    if not found and item_title and (item := _ROLE_ITEM.search(item_title)):
        m = _CHOSEN_FIRST.match(text)
        if m and m.group("name").split()[0] not in _NOT_SUBJECTS:
            found.append((item.group("role").lower(), m.group("name")))
        elif (chosen := _FIRST_NAME_CHOSEN.search(text)) and (
            full := _full_name(text, chosen.group("first"))
        ):
            found.append((item.group("role").lower(), full))
    return found


# `Valg af dirigent. Formand fra økohaverne, André Just vælges efter forslag fra bestyrelsen.`
_ROLE_THEN_CHOSEN = re.compile(
    rf"\b(?i:valg\s+af)\s+(?i:{_ROLE})\.\s+(?:[^.]{{0,60}}?,\s+)?{_NAME}\s+(?:vælges|valgtes|blev\s+valgt|valgt)\b"
)
# `Bestyrelsen foreslår Bjarne Olsen. Bjarne blev enstemmigt valgt.`: the first name of one named in full.
_FIRST_NAME_CHOSEN = re.compile(r"\b(?P<first>[A-ZÆØÅ][a-zæøåé]+)\s+blev\s+(?:\w+\s+)?(?:valgt|genvalgt)\b")


def _full_name(text: str, first: str) -> str | None:
    """The name in `text` that starts with `first` and goes on (`Bjarne Olsen`), else None."""
    for m in re.finditer(rf"\b{re.escape(first)}((?:\s+[A-ZÆØÅ][\w'’-]+){{1,3}})", text):
        rest = [w for w in m.group(1).split() if w != first]
        if rest:
            return " ".join([first, *rest])
    return None


_OFFICE = r"(?P<office>(?i:formand|næstformand|kasserer|sekretær|forkvinde|næstforkvinde))"
_OFFICE_NAME = r"(?P<name>[A-ZÆØÅ][\w'’-]+(?:\s+(?:de|van|von|af|la|[A-ZÆØÅ][\w'’-]+)){0,4})"
_OFFICES = (
    # `Formand: Peter Kristiansen (nr. 74) Næstformand: Johnny Hansen (nr. 5) …` under a konstituering.
    re.compile(rf"\b{_OFFICE}(?:\s*\([^()]{{1,30}}\))?\s*:\s*{_OFFICE_NAME}"),
    # `Handicaprådet udpegede Ingrid Rasmussen som formand.`, `Bo Holm blev konstitueret som kasserer.`
    re.compile(rf"\b(?:udpegede|valgte|genvalgte)\s+{_OFFICE_NAME}\s+som\s+{_OFFICE}\b"),
    re.compile(
        rf"{_OFFICE_NAME}\s+blev\s+(?:\w+\s+)?(?:valgt|genvalgt|konstitueret|udpeget)\s+som\s+{_OFFICE}\b"
    ),
    # `Hun bad Jens Galsgaard overtage, da han i foråret fik overdraget formandsposten.`
    re.compile(
        r"(?P<name>[A-ZÆØÅ][\w'’-]+(?:\s+[A-ZÆØÅ][\w'’-]+){1,3})\b[^.]{0,80}?\b"
        r"(?:overtog|overtager|overtaget|fik\s+overdraget)\s+"
        r"(?P<office>(?i:formand|næstformand|kasserer|sekretær|forkvinde))s?posten\b"
    ),
    # `Formand Torben Eriksen bød velkommen`, `åbnes af Forkvinde Jeanne`: the office as a title.
    re.compile(
        rf"\b(?P<office>Formand|Forkvinde|Næstformand|Næstforkvinde|Kasserer|Sekretær)\s+{_OFFICE_NAME}"
    ),
)


def offices_named(text: str) -> list[tuple[str, str]]:
    """Who the text gives an office of the body: [(office, name as written)], in the order written."""
    found = [
        (m.start(), m.group("office").casefold(), m.group("name"))
        for pattern in _OFFICES
        for m in pattern.finditer(text)
        if m.group("name").split()[0] not in _NOT_SUBJECTS
    ]
    return [(office, name) for _, office, name in sorted(found)]
