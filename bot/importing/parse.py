"""Parse an existing Danish referat (minutes) into a structured meeting.

Teams arrive with years of minutes as Word files or as text pulled out of PDFs; importing them makes the
archive answerable from day one. Published minutes vary a great deal (FORMAT.md in the shared reference
lists the variants), so this is a tolerant, rule-based reader: it decides where each paragraph belongs,
what kind it is and who said it, but it never rewrites a word. Apart from the clean-up done by
`normalise` (extraction debris, Unicode forms, whitespace), every entry's text is a verbatim slice of the
source.

The stages live beside this module: bot.importing.read gets the text out of a file,
bot.importing.clean removes extraction debris, bot.importing.people finds participants and
speakers, and bot.importing.vocabulary holds the patterns they share.

Pure: no Slack, no store, and no dateparser. An archive import reads hundreds of documents a second, and
the dates in minutes come in a handful of fixed shapes that a few compiled regexes cover.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, replace
from itertools import pairwise
from pathlib import Path
from typing import Final

from bot.importing.clean import normalise
from bot.importing.imported import (
    ImportedEntry,
    ImportedItem,
    ImportedMeeting,
    ImportedParticipant,
    NotAReferat,
)
from bot.importing.people import (
    People,
    name_at,
    participant_of,
    persons_block_group,
    persons_inline,
    speakers,
    unknown_speaker,
)
from bot.importing.read import looks_binary
from bot.importing.vocabulary import (
    ABBREVIATION,
    BULLET,
    INITIALS_START,
    MONTH_ALT,
    MONTHS,
    Heading,
    heading,
    name_like,
)
from bot.text.hygiene import clean_input
from storage.records import EntryKind

_WEEKDAY_ALT: Final = "mandag|tirsdag|onsdag|torsdag|fredag|lørdag|søndag"

_LONG_DATE = re.compile(
    rf"(?<![\w.])(?:(?:{_WEEKDAY_ALT})\s+)?(?:(?:den|d\.)\s+)?(?P<day>\d{{1,2}})\.?\s*"
    rf"(?P<month>{MONTH_ALT})\.?(?:\s+(?P<year>\d{{4}}))?(?!\w)",
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
_OWNER_INITIALS = re.compile(r"\((?P<ini>[A-ZÆØÅ]{2,4})\)")
_OWNER_LABEL = re.compile(r"\bansvarlig\s*:\s*(?P<who>[^,.;()]+)", re.IGNORECASE)
_FIRST_NAME_START = re.compile(r"^(?P<first>[A-ZÆØÅ][a-zæøåé]+(?:-[A-ZÆØÅ][a-zæøåé]+)?)\s+[a-zæøå]")
_NON_WORD = re.compile(r"[^\w]+")


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
        found = _valid_date(int(m.group("year")), MONTHS[m.group("month").lower()], int(m.group("day")))
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
        month, day = MONTHS[m.group("month").lower()], int(m.group("day"))
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
        if ABBREVIATION.match(last.rstrip('"”»)')):
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
                    self.participants.extend(persons_inline(value, None, absent))
                i = self._attendance_section(i + 1, absent)
                continue
            if line and (m := _REFERENT_LABEL.match(line)):
                self.used[i] = True
                value = (m.group("value") or "").strip()
                if not value and i + 2 < len(lines) and not lines[i + 1] and name_like(lines[i + 2]):
                    value = lines[i + 2]
                    self.used[i + 2] = True
                elif not value and i + 1 < len(lines) and name_like(lines[i + 1]):
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
            self.participants.extend(persons_block_group([b for b in blocks if b], org, absent))
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
            or heading(line)
            or BULLET.match(line)
            or _DECISION_LABEL.match(line)
            or _ACTION_LABEL.match(line)
        ):
            return True
        words = len(line.split())
        return words > 12 or (words > 5 and line.endswith("."))

    def attach_referent(self) -> None:
        if not self.referent:
            return
        person = participant_of(self.referent, None, False)
        wanted = person.name if person else self.referent
        name = People(self.participants).by_name(wanted) if self.participants else None
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
        heads: list[tuple[int, Heading]] = []
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
            if (h := heading(line)) is not None:
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
            elif (h := heading(line)) is not None:
                flush()
                items.append(_Item(h.number, h.title, [], []))
                after_heading = True
            elif (b := BULLET.match(line)) and items:
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
        self.people = People(parser.participants)
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
        candidates = [h for i in range(*span) if lines[i] and not used[i] and (h := heading(lines[i]))]
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
                    if not BULLET.match(nxt):
                        self.mode = "normal"
                continue
            h = heading(line)
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
            if b := BULLET.match(line):
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

    def accept(self, h: Heading) -> int | None:
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

    def start_item(self, number: int, h: Heading) -> None:
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
        speaker, co = speakers(text, self.people)
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
            unknown = unknown_speaker(text)
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
                and (k == 0 or speakers(sentence, self.people)[0] is None)
            )
            if is_decision:
                self.flush_statement(pending)
                self.emit(EntryKind.DECISION, sentence)
                self.speaker, self.co = None, ()
                continue
            if k > 0 and not pending:  # the paragraph goes on after a decision sentence
                own, own_co = speakers(sentence, self.people)
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
        found = name_at(text[:120], self.people)
        if found is not None and found[1] == 0:
            return found[0]
        if (m := INITIALS_START.match(text)) and m.group("ini") in self.people.initials:
            return self.people.initials[m.group("ini")]
        if (m := _FIRST_NAME_START.match(text)) and m.group("first") in self.people.first_names:
            return self.people.first_names[m.group("first")]
        if m := _OWNER_INITIALS.search(text):
            self.p.warnings.append(
                f"Punkt {self.item}: initialerne ({m.group('ini')}) passer ikke til nogen deltager."
            )
            return m.group("ini")
        return None


def parse_referat(text: str, *, source_name: str = "") -> ImportedMeeting:
    """Parse the text of a referat; raise NotAReferat (Danish reason) when it is not one."""
    if not text.strip():
        raise NotAReferat("filen er tom")
    if looks_binary(text):
        raise NotAReferat("filen indeholder ikke læsbar tekst")
    # The same hygiene as typed input; a form feed stays, it marks a page break for `normalise`.
    normalised = normalise(clean_input(text, keep="\f\v"))
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
