"""Parse the text after `/referat` into a Command, or refuse it with a short Danish message.

Pure: no Slack, no store. The listener turns a Command into store calls and a reply; checks that need
the meeting (does item 7 exist?) get pure helpers here (`unknown_item_message`) so they can be tested
without Slack; who speaks is `bot.meeting.speakers`.

One registry, `SUBCOMMANDS`, feeds the parser, the help text and the test that README and the Slack
manifest list the same subcommands.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeAlias

from bot.referat.formats import CHOOSE_FORMAT
from bot.text.clip import clip
from bot.text.dates import MONTHS_DA, TZ, DateError, parse_date
from bot.text.deadlines import DEADLINE_WORDS
from bot.text.hygiene import clean_input
from storage.errors import ReferatError
from storage.records import EntryKind

COMMAND = "/referat"


class CommandError(ReferatError, ValueError):
    """Text the parser cannot use; `message` is the Danish reply for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Subcommand:
    name: str  # the Danish word users type
    aliases: tuple[str, ...]  # the English word and spelling variants (`hjaelp`)
    usage: str  # one or more lines, each a complete `/referat …` form
    summary: str
    example: str


SUBCOMMANDS: tuple[Subcommand, ...] = (
    Subcommand(
        "start",
        ("new",),
        f"{COMMAND} start <titel> | <dato> | <sted>",
        "Start et møde i kanalen. Dato og sted kan udelades; datoen er så i dag.",
        f"{COMMAND} start Kredsrådsmøde i Holstebro Kommune | 19. marts 2024 | rådhuset i Holstebro",
    ),
    Subcommand(
        "deltager",
        ("participant", "deltagere"),
        f"{COMMAND} deltager <navn eller @bruger> | <titel> | <organisation>",
        "Tilføj en deltager. Titel og organisation kan udelades.",
        f"{COMMAND} deltager @helle Helle Kyndesen | Politidirektør | politiet",
    ),
    Subcommand(
        "afbud",
        ("absent",),
        f"{COMMAND} afbud <navn eller @bruger> | <titel> | <organisation>",
        "Notér et afbud. Titel og organisation kan udelades.",
        f"{COMMAND} afbud Claus Nørgaard | Stabschef",
    ),
    Subcommand(
        "dagsorden",
        ("agenda",),
        f"{COMMAND} dagsorden\n1. <punkt>\n- <underpunkt>",
        "Sæt dagsordenen: ét punkt pr. linje (1. Titel), underpunkter med -, anden tekst er baggrund.",
        f"{COMMAND} dagsorden\n1. Orientering fra politiet\n- Kriminalitetsudviklingen\n"
        "2. Orientering fra kommunen\n3. Eventuelt",
    ),
    Subcommand(
        "ad",
        (),
        f"{COMMAND} ad <punkt> <tekst>\n"
        f"{COMMAND} ad <punkt> beslutning: <tekst>\n"
        f"{COMMAND} ad <punkt> beslutning (offentlig): <tekst>\n"
        f"{COMMAND} ad <punkt> opgave: <tekst> @ansvarlig frist <dato>",
        "Notér et indlæg, en beslutning eller en opgave under et punkt på dagsordenen; ad 0 er en "
        "indledende bemærkning før punkt 1. Fristen (frist, senest, inden) regnes fra mødets dato: "
        "fredag, 19/3, om 14 dage, ultimo marts, uge 14.",
        f"{COMMAND} ad 1 Politidirektør Helle Kyndesen orienterede om status for flerårsaftalen.",
    ),
    Subcommand(
        "fortryd",
        ("undo",),
        f"{COMMAND} fortryd",
        "Fortryd din seneste notering.",
        f"{COMMAND} fortryd",
    ),
    Subcommand(
        "ret",
        ("edit", "rediger"),
        f"{COMMAND} ret <nr> <ny tekst>\n{COMMAND} ret møde <titel> | <dato> | <sted>",
        "Ret teksten i en notering (numrene står i status), eller mødets titel, dato og sted.",
        f"{COMMAND} ret 12 Der var enighed om at fortsætte samarbejdet.",
    ),
    Subcommand(
        "slet",
        ("delete",),
        f"{COMMAND} slet <nr>",
        "Slet en notering. Numrene står i status.",
        f"{COMMAND} slet 12",
    ),
    Subcommand(
        "fjern",
        ("remove",),
        f"{COMMAND} fjern <navn eller @bruger>",
        "Fjern en deltager eller et afbud, der ikke har noteringer.",
        f"{COMMAND} fjern Claus Nørgaard",
    ),
    Subcommand(
        "aflys",
        ("cancel",),
        f"{COMMAND} aflys",
        "Aflys mødet. Det bliver i arkivet, markeret som aflyst.",
        f"{COMMAND} aflys",
    ),
    Subcommand(
        "behandlet",
        ("handled",),
        f"{COMMAND} behandlet <nr>",
        "Markér en kommentar i udkastets tråd som behandlet. Kommentarernes numre står i status.",
        f"{COMMAND} behandlet 1",
    ),
    Subcommand(
        "lukket",
        ("closed", "luk"),
        f"{COMMAND} lukket <punkt>",
        "Markér et punkt som lukket: kun mødets deltagere og referenten kan læse det, og kun privat.",
        f"{COMMAND} lukket 2",
    ),
    Subcommand(
        "åben",
        ("open", "aaben", "aben", "åbn"),
        f"{COMMAND} åben <punkt>",
        "Gør et lukket punkt åbent igen.",
        f"{COMMAND} åben 2",
    ),
    Subcommand(
        "referent",
        ("minute-taker", "minutetaker"),
        f"{COMMAND} referent @bruger",
        "Giv rollen som referent videre (kun referenten).",
        f"{COMMAND} referent @lars",
    ),
    Subcommand(
        "status",
        (),
        f"{COMMAND} status",
        "Vis mødet: deltagere, dagsorden og noteringer med numre.",
        f"{COMMAND} status",
    ),
    Subcommand(
        "udkast",
        ("draft",),
        f"{COMMAND} udkast",
        "Saml et udkast til referatet.",
        f"{COMMAND} udkast",
    ),
    Subcommand(
        "protokollat",
        ("dissent", "protokol"),
        f"{COMMAND} protokollat <punkt> <tekst>",
        "Få din egen afvigende mening ført til protokol under et punkt (kun for dig selv).",
        f"{COMMAND} protokollat 3 Jeg kan ikke støtte forslaget, fordi det ikke er finansieret.",
    ),
    Subcommand(
        "inhabil",
        ("conflict",),
        f"{COMMAND} inhabil <punkt> <navn eller @bruger>",
        "Notér at en deltager var inhabil og ikke deltog i behandlingen af punktet (referenten).",
        f"{COMMAND} inhabil 4 @lars",
    ),
    Subcommand(
        "fravær",
        ("away", "fravaer", "fravar"),
        f"{COMMAND} fravær <punkt> <navn eller @bruger>",
        "Notér at en deltager ikke deltog under punktet (referenten).",
        f"{COMMAND} fravær 2 Helle Støve",
    ),
    Subcommand(
        "godkendere",
        ("approvers",),
        f"{COMMAND} godkendere @bruger @bruger …",
        "Vælg hvem der skal godkende referatet.",
        f"{COMMAND} godkendere @helle @lars",
    ),
    Subcommand(
        "eksport",
        ("export",),
        f"{COMMAND} eksport [md|txt|docx|pdf]",
        "Hent referatet som fil (pdf: PDF/A til arkivering).",
        f"{COMMAND} eksport docx",
    ),
    Subcommand(
        "opgaver",
        ("actions", "tasks"),
        f"{COMMAND} opgaver [@person|mine] [alle]",
        "Vis de åbne opgaver fra kanalens møder, forfaldne først; alle tager de udførte med.",
        f"{COMMAND} opgaver mine",
    ),
    Subcommand(
        "udført",
        ("done", "udfoert", "udfort"),
        f"{COMMAND} udført <nr> [bemærkning]",
        "Markér en opgave som udført (den ansvarlige eller referenten). Numrene står i opgaver.",
        f"{COMMAND} udført 7 Handleplanen er sendt til kredsrådet.",
    ),
    Subcommand(
        "næste",
        ("next", "naeste", "naste"),
        f"{COMMAND} næste [<dato>] [| <sted>]",
        "Start kanalens næste møde ud fra det seneste: samme titel, sted og deltagere, og en dagsorden "
        "med godkendelse af referatet, opfølgning på opgaver og eventuelt.",
        f"{COMMAND} næste 16. april 2024 | rådhuset i Holstebro",
    ),
    Subcommand(
        "spørg",
        ("ask", "spoerg", "sporg"),
        f"{COMMAND} spørg <spørgsmål>",
        "Spørg i arkivet af referater.",
        f"{COMMAND} spørg Hvad blev besluttet om Trekanten i marts 2024?",
    ),
    Subcommand(
        "hjælp",
        ("help", "hjaelp", "hjalp", "?"),
        f"{COMMAND} hjælp [kommando]",
        "Vis hjælpen, eller hjælpen til én kommando.",
        f"{COMMAND} hjælp ad",
    ),
)

_AD = next(s for s in SUBCOMMANDS if s.name == "ad")
_BY_WORD: dict[str, Subcommand] = {}
for _sub in SUBCOMMANDS:
    for _word in (_sub.name, *_sub.aliases):
        _BY_WORD[_word.casefold()] = _sub


def subcommand(word: str) -> Subcommand | None:
    """The subcommand a word names (Danish name or alias, any case), if any."""
    return _BY_WORD.get(word.strip().casefold())


# ---------------------------------------------------------------- commands


@dataclass(frozen=True)
class StartMeeting:
    title: str
    date: dt.date
    date_given: bool  # False when the date defaulted to today
    place: str | None
    time_of_day: str | None = None  # `kl. 14.00-16.00` when written after the date


@dataclass(frozen=True)
class AddParticipant:
    name: str | None  # as typed; None when only a Slack mention was given
    user_id: str | None
    title: str | None
    organisation: str | None


@dataclass(frozen=True)
class AddAbsent:
    name: str | None
    user_id: str | None
    title: str | None
    organisation: str | None = None


@dataclass(frozen=True)
class AgendaItemSpec:
    number: int
    title: str
    bullets: tuple[str, ...] = ()
    background: tuple[str, ...] = ()  # paragraphs
    closed: bool = False  # `2. Personalesag (lukket)` or `Lukket punkt: Personalesag`


@dataclass(frozen=True)
class SetAgenda:
    items: tuple[AgendaItemSpec, ...]


@dataclass(frozen=True)
class LogEntry:
    item_number: int
    kind: EntryKind
    text: str  # statements and decisions exactly as typed (trimmed); actions without owner/deadline
    owner_user_id: str | None = None
    owner_name: str | None = None
    # The deadline's words as typed (`fredag`, `19/3`); read relative to the meeting's date by the
    # handler (`bot.text.deadlines`), which refuses words that are not a date.
    due_text: str | None = None
    public: bool = False  # `beslutning (offentlig):` on a closed item: shown in the public extract


@dataclass(frozen=True)
class Undo:
    pass


@dataclass(frozen=True)
class EditEntry:
    seq: int
    text: str


@dataclass(frozen=True)
class DeleteEntry:
    seq: int


@dataclass(frozen=True)
class EditMeeting:
    """`ret møde <titel> | <dato> | <sted>`: the meeting's frame, read as `start` reads it."""

    meeting: StartMeeting


@dataclass(frozen=True)
class RemovePerson:
    name: str | None
    user_id: str | None


@dataclass(frozen=True)
class CancelMeeting:
    pass


@dataclass(frozen=True)
class MarkCommentHandled:
    number: int  # the comment's number in status (1 = the meeting's first comment)


@dataclass(frozen=True)
class ShowStatus:
    pass


@dataclass(frozen=True)
class CloseItem:
    """`lukket <n>` (closed=True) or `åben <n>` (closed=False)."""

    number: int
    closed: bool


@dataclass(frozen=True)
class HandOver:
    """`referent @bruger`: the minute-taker's role to another Slack user."""

    user_id: str


@dataclass(frozen=True)
class CompileDraft:
    pass


@dataclass(frozen=True)
class ShowHelp:
    topic: str | None  # a subcommand's Danish name when known, else the word as typed


@dataclass(frozen=True)
class SetApprovers:
    user_ids: tuple[str, ...]


@dataclass(frozen=True)
class Ask:
    question: str


@dataclass(frozen=True)
class Export:
    format: str | None  # "md", "txt", "docx" or "pdf"; None when not given (the exporter picks)


@dataclass(frozen=True)
class ListActions:
    owner_user_id: str | None = None  # one person's actions; None: everyone's (or `mine`)
    mine: bool = False  # the sender's own actions
    include_done: bool = False  # `alle`: done actions too


@dataclass(frozen=True)
class MarkDone:
    number: int
    note: str | None = None


@dataclass(frozen=True)
class NextMeeting:
    date: dt.date | None  # None: today
    place: str | None  # None: the latest meeting's place
    time_of_day: str | None = None


@dataclass(frozen=True)
class ItemNote:
    """`protokollat`, `inhabil`, `fravær`: a dissent on an item, or who took no part in it."""

    kind: EntryKind  # DISSENT, CONFLICT or AWAY
    item_number: int
    text: str  # the dissent as typed; for inhabil and fravær the person as typed
    user_id: str | None = None  # inhabil/fravær: the person's mention
    name: str | None = None  # inhabil/fravær: the person's name as typed (without the mention)


Command: TypeAlias = (
    StartMeeting
    | ItemNote
    | AddParticipant
    | AddAbsent
    | SetAgenda
    | LogEntry
    | Undo
    | EditEntry
    | DeleteEntry
    | EditMeeting
    | RemovePerson
    | CancelMeeting
    | MarkCommentHandled
    | ShowStatus
    | CloseItem
    | HandOver
    | CompileDraft
    | ShowHelp
    | SetApprovers
    | Ask
    | Export
    | ListActions
    | MarkDone
    | NextMeeting
)

_FORMAT_WORDS = {
    "md": "md",
    "markdown": "md",
    "txt": "txt",
    "tekst": "txt",
    "text": "txt",
    "docx": "docx",
    "word": "docx",
    "pdf": "pdf",
    "pdf/a": "pdf",
}


# ---------------------------------------------------------------- small helpers

_MENTION = r"<@(?P<uid>[UW][A-Z0-9]+)(?:\|(?P<label>[^>]*))?>"
_MENTION_RE = re.compile(_MENTION)
_ECHO_LIMIT = 40


def _echo(text: str) -> str:
    return clip("".join(ch if ch.isprintable() else " " for ch in text), _ECHO_LIMIT)


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _fail(sub: Subcommand, message: str) -> CommandError:
    return CommandError(f"{message}\nBrug: {sub.usage}")


# A `|` inside `<@U1|helle>` belongs to the mention, not to the field list. The look-ahead stops at
# the next `|` too, so each scan is bounded by the next separator: linear time on any input.
_FIELD_SEPARATOR = re.compile(r"\|(?![^<>|]*>)")


def _split_fields(text: str) -> list[str]:
    return [_collapse(f) for f in _FIELD_SEPARATOR.split(text)]


def _check_field_count(sub: Subcommand, fields: list[str], allowed: int) -> None:
    if len(fields) > allowed:
        raise _fail(sub, f"For mange felter: der må højst være {allowed}, adskilt af |.")


_DEFINITE_ENDINGS = ("en", "et", "erne", "ene")


def normalise_organisation(raw: str | None) -> str | None:
    """`Fra kommunen:` / `fra Kommunen` → `kommunen`; proper nouns (`Holstebro Kommune`) stay as typed.

    The referat groups people under `Fra <organisation>:`, so the stored form is the bare noun.
    """
    if raw is None:
        return None
    text = _collapse(raw).rstrip(":").strip()
    text = re.sub(r"^fra(?:\s+|$)", "", text, flags=re.IGNORECASE).rstrip(":").strip()
    if not text:
        return None
    # A single capitalised word in definite form (Kommunen, Politiet, Regionen) is a common noun.
    if " " not in text and text[1:].islower() and text.lower().endswith(_DEFINITE_ENDINGS):
        return text.lower()
    return text


# ---------------------------------------------------------------- per-subcommand parsers


_TIME_OF_DAY = re.compile(r"(?:^|[\s,])(?P<time>(?:kl\.?|klokken)\s*\S.*)$", re.IGNORECASE)


def _split_time_of_day(sub: Subcommand, date_text: str) -> tuple[str, str | None]:
    """`19. marts 2024 kl. 14.00-16.00` → (`19. marts 2024`, `kl. 14.00-16.00`); `kl. 25.99` is refused."""
    if m := _TIME_OF_DAY.search(date_text):
        time_of_day = m["time"].strip()
        if impossible := impossible_time(time_of_day):
            raise _fail(
                sub,
                f"Klokkeslættet {impossible} findes ikke: timerne går fra 0 til 23, minutterne fra 0 til 59.",
            )
        return date_text[: m.start()].strip(" ,"), time_of_day
    return date_text, None


_DATE_IN_TITLE = re.compile(
    r"(?:,?\s+(?:den|d\.))?\s+(?P<date>[0-9]{1,2}\.?\s*(?:"
    + "|".join(MONTHS_DA)
    + r")\s+[0-9]{4}|[0-9]{1,2}[./-][0-9]{1,2}[./-][0-9]{2,4})(?![\w.-])",
    re.IGNORECASE,
)


def _date_in_title(sub: Subcommand, title: str, now: dt.datetime) -> str | None:
    """`start Kredsrådsmøde … 19. marts 2024 rådhuset i Holstebro`: the reading with `|` to propose."""
    m = _DATE_IN_TITLE.search(title)
    if m is None:
        return None
    try:
        parse_date(m["date"], now=now, lang="da")
    except DateError:
        return None
    head = title[: m.start()].strip(" ,")
    place = re.sub(r"^(?:på|i)\s+(?=\S)", "", title[m.end() :].strip(" ,"), flags=re.IGNORECASE)
    if not head:
        return None
    fields = [_echo(head), m["date"]] + ([_echo(place)] if place else [])
    return (
        f"Mente du: {COMMAND} {sub.name} {' | '.join(fields)}?\n"
        "Adskil titel, dato og sted med |. Er datoen en del af titlen, så skriv | efter titlen."
    )


def _parse_start(sub: Subcommand, rest: str, now: dt.datetime) -> Command:
    fields = _split_fields(rest)
    _check_field_count(sub, fields, 3)
    title = fields[0]
    if not title:
        raise _fail(sub, "Mødet mangler en titel.")
    if len(fields) == 1 and (proposal := _date_in_title(sub, title, now)):
        raise CommandError(proposal)
    date_text, time_of_day = _split_time_of_day(sub, fields[1] if len(fields) > 1 else "")
    if date_text:
        try:
            meeting_date = parse_date(date_text, now=now, lang="da")
        except DateError as error:
            raise _fail(sub, error.message) from None
        date_given = True
    else:
        meeting_date, date_given = now.astimezone(TZ).date(), False
    place = fields[2] if len(fields) > 2 else ""
    # The referat writes `Mødet blev afholdt på <sted>`, so a typed `på` would be doubled.
    place = re.sub(r"^på\s+", "", place, flags=re.IGNORECASE)
    return StartMeeting(title, meeting_date, date_given, place or None, time_of_day)


# `14.00`, `9:30`, `kl. 14`: hours and minutes as written after `kl.`; `14.00-16.00` has two.
_CLOCK = re.compile(r"(?<![0-9])(?P<h>[0-9]{1,2})(?:[.:](?P<m>[0-9]{1,2}))?(?![0-9])")


def impossible_time(text: str) -> str | None:
    """The first clock time in `text` that no clock shows (`25.99`, `14.60`), else None."""
    for m in _CLOCK.finditer(text):
        hours, minutes = int(m["h"]), int(m["m"] or 0)
        if hours > 24 or minutes > 59 or (hours == 24 and minutes > 0):
            return m.group(0)
    return None


def _person_fields(sub: Subcommand, rest: str) -> tuple[str | None, str | None, str | None, str | None]:
    fields = _split_fields(rest)
    _check_field_count(sub, fields, 3)
    who = fields[0]
    mentions = list(_MENTION_RE.finditer(who))
    if len(mentions) > 1:
        raise _fail(sub, "Skriv én person ad gangen.")
    user_id = mentions[0]["uid"] if mentions else None
    name = _collapse(_MENTION_RE.sub(" ", who)) or None
    if name is None and user_id is None:
        raise _fail(sub, "Skriv personens navn eller @bruger.")
    title = fields[1] if len(fields) > 1 and fields[1] else None
    organisation = normalise_organisation(fields[2]) if len(fields) > 2 else None
    return name, user_id, title, organisation


# Words that end a `deltager` line typed without `|`: an organisation, or a word that is a title.
_ORGANISATION_WORDS = frozenset(
    {"politiet", "kommunen", "regionen", "anklagemyndigheden", "kriminalforsorgen", "staten", "beredskabet"}
)
_TITLE_ENDINGS = re.compile(
    r"\w*(?:direktør|chef|inspektør|konsulent|mester|formand|forkvinde|leder|anklager|sekretær|"
    r"medarbejder|betjent|assistent|rådgiver|referent|kommissær|fuldmægtig|koordinator)",
    re.IGNORECASE,
)


def _participant_reading(sub: Subcommand, rest: str) -> str | None:
    """`deltager Helle Kyndesen Politidirektør politiet`: the reading with `|` to propose."""
    if "|" in rest:
        return None
    words = rest.split()
    org = words.pop() if len(words) > 2 and words[-1].casefold() in _ORGANISATION_WORDS else None
    at = next(
        (i for i, w in enumerate(words) if i > 0 and _TITLE_ENDINGS.fullmatch(w.rstrip(",")) is not None),
        None,
    )
    if at is None and org is None:
        return None
    who, title = (words[:at], words[at:]) if at is not None else (words, [])
    if not who:
        return None
    fields = [_echo(" ".join(who)), _echo(" ".join(title).strip(","))] + ([org] if org else [])
    return (
        f"Mente du: {COMMAND} {sub.name} {' | '.join(fields)}?\n"
        "Adskil navn, titel og organisation med |. Er det hele et navn, så skriv | efter navnet."
    )


def _parse_participant(sub: Subcommand, rest: str, now: dt.datetime) -> Command:
    if proposal := _participant_reading(sub, rest):
        raise CommandError(proposal)
    return AddParticipant(*_person_fields(sub, rest))


def _parse_absent(sub: Subcommand, rest: str, now: dt.datetime) -> Command:
    return AddAbsent(*_person_fields(sub, rest))


_ITEM_LINE = re.compile(r"(?P<num>[0-9]{1,6})\s*[.)](?![0-9])\s*(?P<title>.*)")
_BULLET_LINE = re.compile(r"[-•*–—◦▪]\s*(?P<text>.*)")


# A closed item: `2. Personalesag (lukket)`, `2. Lukket punkt: Personalesag`, or an unnumbered
# `Lukket punkt: Personalesag` line, which takes the next number.
_CLOSED_SUFFIX = re.compile(r"\s*[(\[]\s*lukket(?:\s+punkt)?\s*[)\]]\s*$", re.IGNORECASE)
_CLOSED_PREFIX = re.compile(r"^lukket\s+punkt\s*[:.\-–—]\s*", re.IGNORECASE)


def closed_title(title: str) -> tuple[str, bool]:
    """An agenda item's title without its closed marker, and whether it had one."""
    for marker in (_CLOSED_SUFFIX, _CLOSED_PREFIX):
        bare = marker.sub("", title, count=1)
        if bare != title:
            return bare.strip().rstrip(":").strip(), True
    return title, False


@dataclass
class _ItemDraft:
    number: int
    title: str
    bullets: list[str]
    paragraphs: list[list[str]]
    closed: bool = False

    def spec(self) -> AgendaItemSpec:
        background = tuple(" ".join(lines) for lines in self.paragraphs if lines)
        return AgendaItemSpec(self.number, self.title, tuple(self.bullets), background, self.closed)


def _parse_agenda(sub: Subcommand, rest: str, now: dt.datetime) -> Command:
    items: list[_ItemDraft] = []
    seen: set[int] = set()
    for raw in rest.lstrip(" \t:").split("\n"):
        line = _collapse(raw)
        if not line:
            if items and items[-1].paragraphs[-1]:
                items[-1].paragraphs.append([])
            continue
        item = _ITEM_LINE.fullmatch(line)
        if item is None and _CLOSED_PREFIX.match(line):
            # An unnumbered closed item takes the next number.
            item = _ITEM_LINE.fullmatch(f"{max(seen, default=0) + 1}. {line}")
        if m := item:
            number, title = int(m["num"]), m["title"].strip().rstrip(":").strip()
            title, closed = closed_title(title)
            if number < 1:
                raise _fail(sub, f"Punkt {number}: numrene starter ved 1.")
            if number in seen:
                raise _fail(sub, f"Punkt {number} står to gange på dagsordenen.")
            if not title:
                raise _fail(sub, f"Punkt {number} mangler en titel.")
            seen.add(number)
            items.append(_ItemDraft(number, title, [], [[]], closed))
            continue
        if not items:
            raise _fail(
                sub,
                f'Linjen "{_echo(line)}" står før første punkt. Start med fx "1. Orientering fra politiet".',
            )
        current = items[-1]
        if m := _BULLET_LINE.fullmatch(line):
            if not m["text"]:
                continue
            current.bullets.append(m["text"])
            if current.paragraphs[-1]:
                current.paragraphs.append([])
        else:
            current.paragraphs[-1].append(line)
    if not items:
        raise _fail(
            sub, 'Dagsordenen har ingen punkter. Skriv ét punkt pr. linje, fx "1. Orientering fra politiet".'
        )
    return SetAgenda(tuple(item.spec() for item in items))


_ITEM_REF = re.compile(r"(?:(?:pkt|punkt)\.?\s*)?(?P<num>[0-9]+)(?P<frac>[.,][0-9]+)?", re.IGNORECASE)
# `beslutning: …` and `beslutning …` alike; the word must stand alone (`Opgaven blev …` is a statement).
_KIND_LABEL = re.compile(
    r"(?P<label>beslutning|decision|opgave|action|opfølgning|to-?do|to do)"
    r"(?:\s*(?P<public>\(\s*(?:offentlig|public)\s*\)))?(?:\s*:\s*|\s+(?=\S))",
    re.IGNORECASE,
)
_DECISION_LABELS = frozenset({"beslutning", "decision"})
# Searched for the keyword alone: a leading `[,;]?\s*` would be retried from every position of a run
# of spaces (quadratic); `_clause_start` then takes in the spaces and one `,`/`;` before it.
_DUE_RE = re.compile(
    r"(?<![\w-])(?:" + "|".join(DEADLINE_WORDS) + r")(?![\w-])\s*(?P<colon>:)?\s*", re.IGNORECASE
)
_OWNER_RE = re.compile(r"(?<![\w-])(?:ansvarlig|owner|responsible)(?:\s*:\s*|\s+(?=<@))", re.IGNORECASE)
_MAX_NUMBER = 9999


def _parse_item_number(sub: Subcommand, text: str) -> tuple[int, str]:
    """The agenda item number at the start of `ad` text and what follows it."""
    body = re.sub(r"^\s*[.:]?\s*", "", text, count=1)
    if not body:
        raise _fail(sub, "Skriv punktets nummer og teksten.")
    m = _ITEM_REF.match(body)
    if m is None:
        first = body.split()[0]
        raise _fail(sub, f'"{_echo(first)}" er ikke et punktnummer. Skriv nummeret som et tal, fx ad 3.')
    if m["frac"]:
        raise _fail(sub, f'"{_echo(m.group(0))}" er ikke et helt tal. Skriv punktets nummer, fx ad 3.')
    # Item 0 holds the opening remarks, which belong to no agenda item.
    if len(m["num"]) > 4 or not 0 <= int(m["num"]) <= _MAX_NUMBER:
        raise _fail(sub, f"Punkt {_echo(m['num'])} findes ikke: punkterne er nummereret fra 1.")
    after = re.sub(r"^[ \t]*[:.\-–—)]?", "", body[m.end() :], count=1)
    return int(m["num"]), after.strip()


def _parse_dissent(sub: Subcommand, rest: str, now: dt.datetime) -> Command:
    number, body = _parse_item_number(sub, rest)
    if not body:
        raise _fail(sub, f"Skriv hvad du ønsker ført til protokol under punkt {number}.")
    return ItemNote(EntryKind.DISSENT, number, body)


def _note_on_person(kind: EntryKind) -> Callable[[Subcommand, str, dt.datetime], Command]:
    def parse(sub: Subcommand, rest: str, now: dt.datetime) -> Command:
        number, who = _parse_item_number(sub, rest)
        mentions = list(_MENTION_RE.finditer(who))
        if len(mentions) > 1:
            raise _fail(sub, "Skriv én person ad gangen.")
        name = _collapse(_MENTION_RE.sub(" ", who)) or None
        if not mentions and name is None:
            raise _fail(sub, f"Skriv hvem det gælder under punkt {number}: navn eller @bruger.")
        user_id = mentions[0]["uid"] if mentions else None
        return ItemNote(kind, number, _collapse(who), user_id, name)

    return parse


def _parse_ad(sub: Subcommand, rest: str, now: dt.datetime) -> Command:
    number, body = _parse_item_number(sub, rest)
    if not body:
        raise _fail(sub, f"Mangler teksten til punkt {number}.")
    return parse_entry(number, body)


def parse_entry(number: int, body: str) -> LogEntry:
    """What an entry's text says: its kind, and for an action the owner and the deadline's words.

    `/referat ad` and `/referat ret` both read text through here, so an edited entry is read exactly
    as a new one would be.
    """
    sub = _AD
    label = _KIND_LABEL.match(body)
    if label is None:
        return LogEntry(number, EntryKind.STATEMENT, body)
    text = body[label.end() :].strip()
    if label["label"].casefold() in _DECISION_LABELS:
        if not text:
            raise _fail(sub, f"Beslutningen til punkt {number} mangler tekst.")
        return LogEntry(number, EntryKind.DECISION, text, public=bool(label["public"]))
    if label["public"]:
        raise _fail(sub, "Kun en beslutning kan markeres (offentlig), fx ad 2 beslutning (offentlig): …")
    return _parse_action(sub, number, text)


def _clause_start(text: str, keyword_start: int) -> int:
    """Where a `frist`/`ansvarlig` clause starts: its keyword, with the spaces and one `,`/`;` before it."""
    start = keyword_start
    while start > 0 and text[start - 1].isspace():
        start -= 1
    if start > 0 and text[start - 1] in ",;":
        start -= 1
    return start


def _parse_action(sub: Subcommand, number: int, text: str) -> LogEntry:
    due_text: str | None = None
    due_matches = list(_DUE_RE.finditer(text))
    if due_matches:
        # Only the last deadline word is the deadline; earlier ones belong to the task's own wording.
        dm = due_matches[-1]
        tail = text[dm.end() :]
        stop = re.search(r"<@|(?<![\w-])(?:ansvarlig|owner|responsible)(?![\w-])", tail, re.IGNORECASE)
        due_text = (tail[: stop.start()] if stop else tail).strip().rstrip(".,;").strip()
        text = text[: _clause_start(text, dm.start())] + " " + (tail[stop.start() :] if stop else "")

    owner_user_id: str | None = None
    owner_name: str | None = None
    if om := _OWNER_RE.search(text):
        owner_text = text[om.end() :].strip().rstrip(".,;")
        text = text[: _clause_start(text, om.start())]
        mention = _MENTION_RE.search(owner_text)
        if mention:
            owner_user_id = mention["uid"]
            owner_name = (
                _collapse(_MENTION_RE.sub(" ", owner_text)) or (mention["label"] or "").strip() or None
            )
        else:
            owner_name = _collapse(owner_text) or None
        if owner_user_id is None and owner_name is None:
            raise _fail(sub, "Skriv hvem der er ansvarlig efter ansvarlig:.")
    else:
        stripped = text.strip().rstrip(".,;").strip()
        mentions = list(_MENTION_RE.finditer(stripped))
        # Only a mention at the very start or end names the owner; one inside the task is wording.
        owner = None
        if mentions and mentions[-1].end() == len(stripped):
            owner = mentions[-1]
        elif mentions and mentions[0].start() == 0:
            owner = mentions[0]
        if owner is not None:
            owner_user_id = owner["uid"]
            owner_name = (owner["label"] or "").strip() or None
            text = stripped[: owner.start()] + " " + stripped[owner.end() :]

    task = re.sub(r"[ \t]{2,}", " ", text).strip().strip(",;–—-").strip()
    if not task:
        raise _fail(sub, f"Opgaven til punkt {number} mangler en beskrivelse.")
    return LogEntry(number, EntryKind.ACTION, task, owner_user_id, owner_name, due_text)


def _no_arguments(command: Command) -> Callable[[Subcommand, str, dt.datetime], Command]:
    def parse(sub: Subcommand, rest: str, now: dt.datetime) -> Command:
        extra = rest.strip().strip(".!:")
        if not extra:
            return command
        hint = ""
        if sub.name == "fortryd" and re.fullmatch(r"#?[0-9]{1,6}", extra):
            hint = (
                f" Vil du slette notering {extra.lstrip('#')}, så skriv {COMMAND} slet {extra.lstrip('#')}."
            )
        raise _fail(sub, f'"{sub.name}" skal ikke have noget efter sig.{hint}')

    return parse


_SEQ_RE = re.compile(r"\s*#?(?P<num>[0-9]+)(?![0-9])")


def _parse_seq(sub: Subcommand, rest: str) -> tuple[int, str]:
    m = _SEQ_RE.match(rest)
    if m is None or len(m["num"]) > 6:
        raise _fail(sub, f"Skriv nummeret på noteringen, fx {sub.name} 12. Numrene står i {COMMAND} status.")
    seq = int(m["num"])
    if seq < 1:
        raise _fail(sub, "Noteringerne er nummereret fra 1.")
    return seq, rest[m.end() :]


def _parse_edit(sub: Subcommand, rest: str, now: dt.datetime) -> Command:
    if m := re.match(r"\s*(?:møde|moede|meeting)(?![\w-])\s*:?", rest, re.IGNORECASE):
        start = _parse_start(sub, rest[m.end() :], now)
        assert isinstance(start, StartMeeting)
        return EditMeeting(start)
    seq, after = _parse_seq(sub, rest)
    text = re.sub(r"^[ \t]*[:.\-–—]?", "", after, count=1).strip()
    if not text:
        raise _fail(sub, f"Skriv den nye tekst efter nummeret {seq}.")
    return EditEntry(seq, text)


def _parse_delete(sub: Subcommand, rest: str, now: dt.datetime) -> Command:
    seq, after = _parse_seq(sub, rest)
    if after.strip().strip("."):
        raise _fail(sub, f'Slet tager kun ét nummer, ikke "{_echo(after.strip())}".')
    return DeleteEntry(seq)


def _parse_handled(sub: Subcommand, rest: str, now: dt.datetime) -> Command:
    number, after = _parse_seq(sub, rest)
    if after.strip().strip("."):
        raise _fail(sub, f'Skriv kun kommentarens nummer, ikke "{_echo(after.strip())}".')
    return MarkCommentHandled(number)


def _parse_remove(sub: Subcommand, rest: str, now: dt.datetime) -> Command:
    if "|" in rest:
        raise _fail(sub, "Skriv kun navnet eller @bruger på den, der skal fjernes.")
    name, user_id, _, _ = _person_fields(sub, rest)
    return RemovePerson(None if user_id else name, user_id)


def _parse_item(sub: Subcommand, rest: str) -> int:
    m = re.fullmatch(r"\s*(?:(?:pkt|punkt)\.?\s*)?#?(?P<num>[0-9]{1,4})\s*\.?\s*", rest, re.IGNORECASE)
    if m is None or int(m["num"]) < 1:
        raise _fail(sub, f"Skriv punktets nummer, fx {sub.name} 2.")
    return int(m["num"])


def _parse_close(sub: Subcommand, rest: str, now: dt.datetime) -> Command:
    return CloseItem(_parse_item(sub, rest), closed=True)


def _parse_open(sub: Subcommand, rest: str, now: dt.datetime) -> Command:
    return CloseItem(_parse_item(sub, rest), closed=False)


def _parse_hand_over(sub: Subcommand, rest: str, now: dt.datetime) -> Command:
    found = [m["uid"] for m in _MENTION_RE.finditer(rest)]
    leftover = _MENTION_RE.sub(" ", rest).strip()
    if len(set(found)) != 1 or leftover:
        raise _fail(sub, "Skriv den nye referent som én @bruger.")
    return HandOver(found[0])


def _parse_approvers(sub: Subcommand, rest: str, now: dt.datetime) -> Command:
    user_ids = tuple(dict.fromkeys(m["uid"] for m in _MENTION_RE.finditer(rest)))
    leftover = _MENTION_RE.sub(" ", rest)
    leftover = re.sub(r"(?<![\w-])(?:og|and)(?![\w-])|[,;&+]", " ", leftover, flags=re.IGNORECASE).strip()
    if leftover:
        raise _fail(sub, f'Skriv godkenderne som @bruger; "{_echo(leftover)}" er ikke en Slack-bruger.')
    if not user_ids:
        raise _fail(sub, "Skriv mindst én godkender som @bruger.")
    return SetApprovers(user_ids)


def _parse_ask(sub: Subcommand, rest: str, now: dt.datetime) -> Command:
    question = rest.strip()
    if not question:
        raise _fail(sub, "Skriv dit spørgsmål efter spørg.")
    return Ask(question)


def _parse_export(sub: Subcommand, rest: str, now: dt.datetime) -> Command:
    word = rest.strip().strip(".").lstrip(".").casefold()
    if not word:
        return Export(None)
    if word in _FORMAT_WORDS:
        return Export(_FORMAT_WORDS[word])
    raise _fail(sub, f'Kan ikke eksportere som "{_echo(word)}". {CHOOSE_FORMAT}')


_MINE_WORDS = frozenset({"mine", "min", "mig", "my", "mine.", "me"})
_ALL_WORDS = frozenset({"alle", "all", "også", "udførte", "inkl"})


def _parse_actions(sub: Subcommand, rest: str, now: dt.datetime) -> Command:
    mentions = list(dict.fromkeys(m["uid"] for m in _MENTION_RE.finditer(rest)))
    if len(mentions) > 1:
        raise _fail(sub, "Skriv én person ad gangen.")
    words = [w.strip(".,;") for w in _MENTION_RE.sub(" ", rest).casefold().split()]
    mine = any(w in _MINE_WORDS for w in words)
    include_done = any(w in _ALL_WORDS for w in words)
    unknown = [w for w in words if w and w not in _MINE_WORDS and w not in _ALL_WORDS]
    if unknown:
        raise _fail(sub, f'Forstår ikke "{_echo(unknown[0])}". Skriv mine, @person eller alle.')
    if mine and mentions:
        raise _fail(sub, "Skriv enten mine eller @person, ikke begge.")
    return ListActions(mentions[0] if mentions else None, mine, include_done)


def _parse_done(sub: Subcommand, rest: str, now: dt.datetime) -> Command:
    if _SEQ_RE.match(rest) is None:
        raise _fail(sub, f"Skriv opgavens nummer, fx udført 7. Numrene står i {COMMAND} opgaver.")
    number, after = _parse_seq(sub, rest)
    note = re.sub(r"^[ \t]*[:.\-–—]?", "", after, count=1).strip()
    return MarkDone(number, note or None)


def _parse_next(sub: Subcommand, rest: str, now: dt.datetime) -> Command:
    fields = _split_fields(rest)
    _check_field_count(sub, fields, 2)
    date_text, time_of_day = _split_time_of_day(sub, fields[0])
    meeting_date = None
    if date_text:
        try:
            meeting_date = parse_date(date_text, now=now, lang="da", prefer="future")
        except DateError as error:
            raise _fail(sub, error.message) from None
    place = re.sub(r"^på\s+", "", fields[1], flags=re.IGNORECASE) if len(fields) > 1 else ""
    return NextMeeting(meeting_date, place or None, time_of_day)


def _parse_help(sub: Subcommand, rest: str, now: dt.datetime) -> Command:
    topic = _collapse(rest).removeprefix(COMMAND).strip()
    if not topic:
        return ShowHelp(None)
    known = subcommand(topic.split()[0])
    return ShowHelp(known.name if known else topic)


_PARSERS: dict[str, Callable[[Subcommand, str, dt.datetime], Command]] = {
    "start": _parse_start,
    "deltager": _parse_participant,
    "afbud": _parse_absent,
    "dagsorden": _parse_agenda,
    "ad": _parse_ad,
    "fortryd": _no_arguments(Undo()),
    "ret": _parse_edit,
    "slet": _parse_delete,
    "fjern": _parse_remove,
    "aflys": _no_arguments(CancelMeeting()),
    "behandlet": _parse_handled,
    "lukket": _parse_close,
    "åben": _parse_open,
    "referent": _parse_hand_over,
    "status": _no_arguments(ShowStatus()),
    "udkast": _no_arguments(CompileDraft()),
    "protokollat": _parse_dissent,
    "inhabil": _note_on_person(EntryKind.CONFLICT),
    "fravær": _note_on_person(EntryKind.AWAY),
    "godkendere": _parse_approvers,
    "eksport": _parse_export,
    "opgaver": _parse_actions,
    "udført": _parse_done,
    "næste": _parse_next,
    "spørg": _parse_ask,
    "hjælp": _parse_help,
}
assert set(_PARSERS) == {s.name for s in SUBCOMMANDS}, "every registered subcommand needs a parser"


# ---------------------------------------------------------------- the entry point


def closest_subcommand(word: str) -> Subcommand | None:
    """The subcommand a mistyped word most likely meant: a prefix first, then spelling."""
    typed = word.casefold()[:30]
    if len(typed) >= 2:
        starts = {_BY_WORD[w] for w in _BY_WORD if w.startswith(typed)}
        if len(starts) == 1:
            return starts.pop()
        within = [w for w in _BY_WORD if typed.startswith(w) and len(w) >= 2]
        if within:
            return _BY_WORD[max(within, key=len)]
    close = difflib.get_close_matches(typed, list(_BY_WORD), n=1, cutoff=0.6)
    return _BY_WORD[close[0]] if close else None


def _unknown(word: str) -> CommandError:
    guess = closest_subcommand(word)
    names = ", ".join(s.name for s in SUBCOMMANDS)
    if guess is None:
        return CommandError(
            f'Kender ikke kommandoen "{_echo(word)}". Kommandoerne er: {names}.\n'
            f"Skriv {COMMAND} hjælp for at se hvordan de bruges."
        )
    return CommandError(
        f'Kender ikke kommandoen "{_echo(word)}". Mente du {guess.name}?\n'
        f"Brug: {guess.usage}\nSkriv {COMMAND} hjælp for alle kommandoer."
    )


_FIRST_WORD = re.compile(r"\s*(?P<word>\?|[^\W\d_]+)")


def parse_command(text: str, *, now: dt.datetime) -> Command:
    """Turn everything after `/referat` into a Command; raise CommandError with a Danish message."""
    # Control, bidi and zero-width characters never reach a title, a name or an entry.
    text = clean_input(unicodedata.normalize("NFC", text)).replace("\u00a0", " ")
    if not text.strip():
        return ShowHelp(None)
    if suggestion := _meant_ad(text):
        raise CommandError(suggestion)
    m = _FIRST_WORD.match(text)
    if m is None:
        raise _unknown(text.split()[0])
    sub = subcommand(m["word"])
    if sub is None:
        raise _unknown(m["word"])
    return _PARSERS[sub.name](sub, text[m.end() :], now)


_ITEM_FIRST = re.compile(
    r"\s*(?:pkt\.?\s*|punkt\s+)?(?P<num>[0-9]{1,4})(?![0-9.,][0-9])\s*[.:)\-–]?\s*(?P<rest>.*)", re.S | re.I
)
_NAME_FIRST = re.compile(r"\s*(?P<name>[A-ZÆØÅ][\w.-]*(?:\s+[A-ZÆØÅ][\w.-]*)+)\s+\S")


def _meant_ad(text: str) -> str | None:
    """`/referat 2 …` or `/referat Helle Kyndesen takkede …`: an entry without `ad`; say how to write it."""
    if m := _ITEM_FIRST.fullmatch(text):
        rest = m["rest"].strip()
        if rest:
            return f"Mente du: {COMMAND} ad {m['num']} {_echo(rest)}\nSkriv ad foran punktets nummer."
        return None
    first = text.split()[0]
    if subcommand(first) is None and _NAME_FIRST.match(text):
        return (
            f"Mente du: {COMMAND} ad <punkt> {_echo(text.strip())}\n"
            f"Skriv ad og punktets nummer foran teksten, fx {COMMAND} ad 1 {_echo(text.strip())}"
        )
    return None


def help_text(topic: str | None = None) -> str:
    """Danish help: every subcommand's usage and summary, or one subcommand with an example."""
    if topic is not None and topic.strip():
        sub = subcommand(topic.strip().split()[0].removeprefix(COMMAND))
        if sub is not None:
            also = f"\nSkrives også: {', '.join(sub.aliases)}" if sub.aliases else ""
            return f"{sub.usage}\n{sub.summary}\nEksempel:\n{sub.example}{also}"
        prefix = f'Der er ingen hjælp til "{_echo(topic)}".\n\n'
    else:
        prefix = ""
    lines = [f"{prefix}Sådan bruger du {COMMAND}:"]
    for sub in SUBCOMMANDS:
        lines.append("")
        lines.append(sub.usage)
        lines.append(f"    {sub.summary}")
    lines.append("")
    lines.append(f"Skriv {COMMAND} hjælp <kommando> for et eksempel.")
    return "\n".join(lines)


# ---------------------------------------------------------------- helpers for the listener


def unknown_item_message(number: int, existing: Sequence[tuple[int, str]]) -> str:
    """Danish reply when `ad <number>` names an item that is not on the meeting's agenda."""
    if not existing:
        return (
            f"Punkt {number} findes ikke: mødet har ingen dagsorden endnu. Sæt den med {COMMAND} dagsorden."
        )
    listed = "\n".join(f"{n}. {title}" for n, title in sorted(existing))
    return f"Punkt {number} findes ikke på dagsordenen. Punkterne er:\n{listed}"
