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
from dataclasses import dataclass, replace
from itertools import pairwise
from pathlib import Path

from bot.importing.body import Body, DraftItem
from bot.importing.clean import normalise
from bot.importing.dates import TIME, find_date, find_time
from bot.importing.imported import (
    ImportedEntry,
    ImportedItem,
    ImportedMeeting,
    ImportedParticipant,
    NotAReferat,
)
from bot.importing.labels import (
    ABSENT_LABEL,
    ACTION_LABEL,
    AGENDA_LABEL,
    ATTEND_LABEL,
    BODY_LABEL,
    DECISION_LABEL,
    DOC_LABEL,
    FIELD,
    ORG_LINE,
    PLACE_CUT,
    PLACE_SENTENCE,
    REFERENT_LABEL,
    TITLE_LINE,
    TITLE_TAIL,
    title_key,
)
from bot.importing.people import (
    People,
    participant_of,
    persons_block_group,
    persons_inline,
)
from bot.importing.read import looks_binary
from bot.importing.vocabulary import (
    BULLET,
    Heading,
    heading,
    name_like,
)
from bot.text.hygiene import clean_input

# --------------------------------------------------------------------------------------------------
# The parser


@dataclass
class _Layout:
    header_end: int
    agenda: tuple[int, int] | None
    body: tuple[int, int] | None
    body_label: bool


class Parser:
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
            m = ABSENT_LABEL.match(line) or ATTEND_LABEL.match(line) if line else None
            if m is not None:
                absent = m.re is ABSENT_LABEL
                self.used[i] = True
                value = (m.group("value") or "").strip()
                if value:
                    self.participants.extend(persons_inline(value, None, absent))
                i = self._attendance_section(i + 1, absent)
                continue
            if line and (m := REFERENT_LABEL.match(line)):
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
            if m := ORG_LINE.match(line):
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
            ATTEND_LABEL.match(line)
            or ABSENT_LABEL.match(line)
            or REFERENT_LABEL.match(line)
            or AGENDA_LABEL.match(line)
            or BODY_LABEL.match(line)
            or FIELD.match(line)
            or PLACE_SENTENCE.match(line)
            or TITLE_LINE.match(line)
            or heading(line)
            or BULLET.match(line)
            or DECISION_LABEL.match(line)
            or ACTION_LABEL.match(line)
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
            if TITLE_LINE.match(line):
                title_seen = True
            if (h := heading(line)) is not None:
                heads.append((i, h))
            elif agenda_label is None and AGENDA_LABEL.match(line):
                agenda_label = i
            elif BODY_LABEL.match(line) and not (DOC_LABEL.match(line) and not title_seen and i in top):
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
            key = title_key(h.title)
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
            if m := FIELD.match(line):
                fields.setdefault(" ".join(m.group("key").lower().split()), m.group("value").strip())
            elif m := PLACE_SENTENCE.match(line):
                raw = m.group("place")
                cut = PLACE_CUT.search(raw)
                place = place or (raw[: cut.start()] if cut else raw).strip(" ,.")
                time_of_day = time_of_day or find_time(raw)
            else:
                plain.append(line)

        title_line: str | None = None
        for k, line in enumerate(plain):
            if m := TITLE_LINE.match(line):
                title_line = m.group("rest")
                break
            if DOC_LABEL.match(line) and k + 1 < len(plain):
                title_line = plain[k + 1]
                break
        if title_line is None:
            dated = (line for line in plain if len(line) < 120 and find_date(line) is not None)
            title_line = next(dated, plain[0] if plain else "")

        date_found = find_date(title_line)
        date_sources = [
            fields[k] for k in ("dato", "dato og tid", "dato og tidspunkt", "dato og sted") if k in fields
        ]
        date_sources += [fields[k] for k in ("tid", "tidspunkt", "mødetid", "tid og sted") if k in fields]
        for source in [*date_sources, *plain]:
            if date_found is not None:
                break
            if (found := find_date(source)) is not None:
                date_found = (found[0], -1)
        if date_found is None:
            raise NotAReferat("ingen dato fundet")

        if date_found[1] >= 0:
            title = title_line[: date_found[1]]
        else:
            cut = TIME.search(title_line)
            title = title_line[: cut.start()] if cut else title_line
        title = TITLE_TAIL.sub("", title).strip(" .,:;–-")
        if not title:
            title = Path(self.source_name).stem if self.source_name else "møde"

        for key in ("sted", "mødested", "lokale"):
            if key in fields and place is None:
                place = fields[key].rstrip(".")
        for key in ("tidspunkt", "tid", "mødetid", "dato og tid", "dato og tidspunkt", "tid og sted"):
            if key in fields:
                value = fields[key]
                found_time = find_time(value)
                if found_time is None and find_date(value) is None and any(c.isdigit() for c in value):
                    found_time = value.rstrip(".")
                time_of_day = found_time or time_of_day
                if found_time:
                    break
        if time_of_day is None:
            time_of_day = find_time(title_line)
        return title, date_found[0], place, time_of_day

    # -- agenda ------------------------------------------------------------------------------------

    def agenda(self, span: tuple[int, int]) -> list[DraftItem]:
        items: list[DraftItem] = []
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
                items.append(DraftItem(h.number, h.title, [], []))
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
        self, span: tuple[int, int], agenda: list[DraftItem], with_opening: bool, meeting_date: dt.date
    ) -> tuple[str | None, list[DraftItem], list[ImportedEntry]]:
        return Body(self, agenda, with_opening, meeting_date).run(span)


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
    parser = Parser(normalised.split("\n"), source_name)
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
