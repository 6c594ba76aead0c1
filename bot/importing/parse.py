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

from bot.importing.body import Body, DraftItem
from bot.importing.clean import normalise
from bot.importing.dates import TIME, clock_after_date, find_date, find_time
from bot.importing.debris import drop_debris
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
    CHAIR_LABEL,
    DECISION_LABEL,
    DOC_LABEL,
    FIELD,
    GROUP_LINE,
    LONE_FIELD,
    ORG_LINE,
    PLACE_CUT,
    PLACE_SENTENCE,
    REFERENT_LABEL,
    TITLE_LINE,
    TITLE_TAIL,
    title_key,
)
from bot.importing.lines import (
    case_titles_joined,
    committee_of,
    initials_from_text,
    labels_split,
    lists_joined,
    repeated_headings,
    split_glued_headings,
)
from bot.importing.people import (
    LIST_SEPARATORS,
    People,
    participant_of,
    persons_block_group,
    persons_inline,
    role_of,
)
from bot.importing.prose import offices_named, roles_chosen
from bot.importing.read import looks_binary
from bot.importing.record import read_record
from bot.importing.vocabulary import (
    BULLET,
    PAREN,
    PARTICLES,
    TITLE_WORD,
    Heading,
    heading,
    is_name_token,
    name_like,
)
from bot.text.hygiene import clean_input

MEETING_ROLES: Final = frozenset({"referent", "dirigent", "ordstyrer", "mødeleder"})


_NOT_ONE_NAME: Final = frozenset(
    [
        "mange",
        "alle",
        "flere",
        "nogle",
        "ingen",
        "få",
        "de",
        "der",
        "det",
        "den",
        "begge",
        "resten",
        "medlemmerne",
        "bestyrelsen",
        "rådet",
        "udvalget",
        "formanden",
        "næstformanden",
        "kassereren",
        "forældrene",
        "eleverne",
        "lærerne",
        "andre",
        "øvrige",
    ]
)
_PRESENT_PROSE = re.compile(
    r"^(?:til\s*stede|fremmødt|mødt)\s+var\s+(?P<value>[A-ZÆØÅ][^:]*?)\.?$", re.IGNORECASE
)
_ABSENT_PROSE = re.compile(
    r"^(?:(?:der\s+(?:er|var)\s+)?afbud\s+fra\s+(?P<value>[A-ZÆØÅ][^:]*?)|"
    r"(?P<names>[A-ZÆØÅ][^:]*?)\s+(?:var|er|havde\s+meldt)\s+(?:fraværende|afbud))\.?$",
    re.IGNORECASE,
)
# `Evan Lynnerup (V) - Marianne Kiærulff (V) mødte som stedfortræder.`: who was away, and who came instead.
_SUBSTITUTE = re.compile(
    r"^(?P<away>[A-ZÆØÅ][^–-]*?)\s+[-–]\s+(?P<sub>[A-ZÆØÅ].*?)\s+(?:mødte|deltog|var\s+med)\s+som\s+"
    r"(?P<as>stedfortræder|suppleant)\.?$",
    re.IGNORECASE,
)
# A line that only names a venue: a few capitalised words and commas, no sentence (`Skovboskolen,
# mødelokale K2`, `Rådhuset, lokale 2.14`), with a word for a room or a building in it.
_VENUE_LINE = re.compile(r"^[A-ZÆØÅ][\w.'’-]*(?:,?\s+[\w.'’-]+){0,5}$")
_VENUE_WORD = re.compile(
    r"(?:lokale|rådhus|sal|salen|skole|skolen|huset|center|centret|centeret|kontor|kontoret|hallen|"
    r"biblioteket|kirke|kirken|gården|klubhus|klubhuset|stuen)\b",
    re.IGNORECASE,
)
_VERDICT_WORD = re.compile(
    r"^(?:godkendt|vedtaget|udsat|udskudt|forkastet|nedstemt|taget\s+til\s+efterretning|ingen|intet|"
    r"orientering|drøftet|behandlet)\b",
    re.IGNORECASE,
)
_NOT_PRESENT = re.compile(
    r"(?:^|,\s+)(?P<name>[A-ZÆØÅ][a-zæøåé]+(?:\s+[A-ZÆØÅ][a-zæøåé]+){0,2})(?:\s+(?:have\s+)?\d{1,3}[A-ZÆØÅ]?)?"
    r"\s+(?:var\s+)?ikke\s+(?:til\s+stede|mødt(?:\s+op)?)\b"
)
_SENTENCE_LIKE = re.compile(r"^\S+(?:\s+\S+){2,}[.!?]$")  # `33 haver repræsenteret.` opens the minutes
_PLACE_LINE = re.compile(r"^(?:på|i|hos)\s+(?P<place>[A-ZÆØÅ][\w'’-]*(?:[ ,]+[\wæøåÆØÅ'’.-]+){0,5})\.?$")
_MEETING_WORD = re.compile(r"møde|referat|generalforsamling|samråd|konstituering", re.IGNORECASE)
# `… kl. 13.00 i mødelokale 2, Rådhuset`: a place after the date or time of a heading line.
_PLACE_AFTER = re.compile(
    r"(?:\bkl\.?\s*\d{1,2}(?:[.:]\d{2})?(?:\s*[-–]\s*\d{1,2}(?:[.:]\d{2})?)?|\b(?:19|20)\d{2})"
    r"\s*,?\s+(?:i|på|hos)\s+(?P<place>(?:[A-ZÆØÅ][a-zæøå]{0,2}\.\s|[^.;]){3,80}?)\s*(?:[.;]|$)",
    re.IGNORECASE,
)


_NAME_ABOVE_WORDS = 6  # a body's name above a heading that is only a date
_LONE_NUMBER = re.compile(r"^(?:(?i:ad|pkt\.?|punkt)\s*)?\d{1,2}[.):]?$")


def _join_lone_numbers(lines: list[str]) -> list[str]:
    """`1.` on a line of its own and the item's title on the next: one heading line, as a reader sees it;
    likewise a header table's `STED` above `Kanalstræde 2` becomes `STED: Kanalstræde 2`."""
    for i in range(len(lines) - 1):
        if _LONE_NUMBER.match(lines[i]) and lines[i + 1] and not _LONE_NUMBER.match(lines[i + 1]):
            lines[i], lines[i + 1] = f"{lines[i]} {lines[i + 1]}", ""
        elif LONE_FIELD.match(lines[i]):
            j = i + 1 if lines[i + 1] else i + 2
            if j < len(lines) and lines[j] and not LONE_FIELD.match(lines[j]) and len(lines[j]) <= 120:
                lines[i], lines[j] = f"{lines[i]}: {lines[j]}", ""
    return lines


def _wrapped_joined(lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Numbered lines (index, text) with a line a PDF wrapped mid-sentence joined to the one before:
    `… Udarbejdet af: Anna Hallgren, formand og Anders Vesterdahl,` / `bestyrelsesmedlem.`"""
    out: list[tuple[int, str]] = []
    last = -2
    for i, line in lines:
        if out and i == last + 1 and line[:1].islower() and not out[-1][1].endswith((".", "!", "?", ":")):
            out[-1] = (out[-1][0], f"{out[-1][1]} {line}")
        else:
            out.append((i, line))
        last = i
    return out


def _person_named(value: str) -> str | None:
    """The one person a label's value names (`Helle Thagesen`, `Birte (BH)`), else None."""
    value = value.strip().rstrip(".")
    if not value or len(value.split()) > 6 or _VERDICT_WORD.match(value):
        return None  # `Referat: Godkendt` is what the minutes say of the item, not who took them
    person = participant_of(value, None, False)
    return value if person is not None and person.name[:1].isupper() else None


def _names_only(value: str) -> bool:
    """`A, B og C`, `Formand X, kasserer Y, Z (ZZ)`: every part of the list is a person, titled at most
    by a role word before the name (a longer title such as `Direktør for Børn og Unge` is no list)."""
    parts = [p for p in LIST_SEPARATORS.split(value.strip().rstrip(".")) if p.strip()]
    return bool(parts) and all(map(_one_person, parts))


def _one_person(part: str) -> bool:
    tokens = PAREN.sub("", part).split()
    while tokens and (TITLE_WORD.search(tokens[0]) or role_of(tokens[0])):
        tokens.pop(0)
    if len(tokens) == 1 and tokens[0].casefold() in _NOT_ONE_NAME:
        return False  # `Mange var fraværende.`, `Alle var til stede.`
    return 1 <= len(tokens) <= 4 and all(
        is_name_token(t) or (t in PARTICLES and 0 < k < len(tokens) - 1) for k, t in enumerate(tokens)
    )


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
        self.chairs: list[tuple[str, str]] = []  # ("dirigent", "Helle Thagesen")
        self.title_at: int | None = None  # the line the meeting's title and date were read from
        self.minutes_like = False  # a meeting heading or a participant list: minutes, numbered or not

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
                if value and absent and (sub := _SUBSTITUTE.match(value)):
                    self._add_substitution(sub.group("away"), sub.group("sub"), sub.group("as"))
                elif value:
                    self.participants.extend(persons_inline(value, None, absent))
                i = self._attendance_section(i + 1, absent, inline=bool(value))
                continue
            if line and (m := _PRESENT_PROSE.match(line)) and _names_only(m.group("value")):
                self.used[i] = True  # `Til stede var Karen, Mette, Thomas og Jørgen`: the list, no colon
                self.participants.extend(persons_inline(m.group("value"), None, False))
                i += 1
                continue
            if (
                line
                and (m := _ABSENT_PROSE.match(line))
                and _names_only(away := m.group("value") or m.group("names"))
            ):
                # `Der er afbud fra A og B.`, `A og B var fraværende.`: a sentence of the minutes that
                # also says who was away; it stays in the text as well.
                known = {p.name for p in self.participants}
                for person in persons_inline(away, None, True):
                    if person.name not in known:
                        self.participants.append(person)
                        known.add(person.name)
            # `1 bestyrelsesmedlem, Charlotte 14N ikke til stede da barn er syg.`: away; why stays in the text.
            away = _NOT_PRESENT.search(line) if line else None
            missing = participant_of(away.group("name"), None, True) if away else None
            if missing is not None and missing.name not in {p.name for p in self.participants}:
                self.participants.append(missing)
            if line and (m := CHAIR_LABEL.match(line)) and (who := _person_named(m.group("value"))):
                self.used[i] = True
                self.chairs.append((m.group("role").lower(), who))
            elif line and DOC_LABEL.match(line) and i > self._top_end() and (below := self._name_below(i)):
                # `Referat` / `Jan Mindegaard` at the bottom: the minute-taker signs the minutes.
                self.used[i] = self.used[below] = True
                self.referent = self.lines[below]
            elif line and (m := REFERENT_LABEL.match(line)):
                value = (m.group("value") or "").strip()
                if line[:7].casefold() == "referat" and not _person_named(value):
                    i += 1
                    continue  # `Referat: Bestyrelsesmøde 5. maj` is a title, not a minute-taker
                self.used[i] = True
                if not value and i + 2 < len(lines) and not lines[i + 1] and name_like(lines[i + 2]):
                    value = lines[i + 2]
                    self.used[i + 2] = True
                elif not value and i + 1 < len(lines) and name_like(lines[i + 1]):
                    value = lines[i + 1]
                    self.used[i + 1] = True
                self.referent = value or self.referent
            i += 1

    def _top_end(self) -> int:
        """The index of the document's third non-blank line: labels above it head the document."""
        nonblank = [i for i, line in enumerate(self.lines) if line]
        return nonblank[min(2, len(nonblank) - 1)] if nonblank else 0

    def _name_below(self, i: int) -> int | None:
        """The line right under line `i` (a blank line between allowed) when it is only a name."""
        for j in (i + 1, i + 2):
            if j < len(self.lines) and self.lines[j]:
                return j if name_like(self.lines[j]) and not self.used[j] else None
        return None

    def _attendance_section(self, start: int, absent: bool, *, inline: bool = False) -> int:
        """The lines under an attendance label. After `Afbud: Peter Knappmann.` (the apologies given
        on the label's line), a group line (`Elevrepræsentanter: Marie Carstens.`) lists more people
        who came, not more apologies."""
        lines = self.lines
        organisation: str | None = None
        groups: list[tuple[str | None, list[list[str]]]] = [(None, [])]
        j = start
        last_used = start - 1
        while j < len(lines):
            line = lines[j]
            if inline and line and not lines[j - 1] and not GROUP_LINE.match(line):
                break  # the label gave its list on its line: past a blank line only groups go on
            if not line:
                if groups[-1][1] and groups[-1][1][-1]:
                    groups[-1][1].append([])
                j += 1
                continue
            group = GROUP_LINE.match(line)
            if m := ORG_LINE.match(line):
                organisation = m.group("org").strip()
                groups.append((organisation, []))
            elif self._ends_attendance(line, words=False):
                break
            elif group and group.group("value") and _names_only(group.group("value")):
                away = absent and not inline
                self.participants.extend(persons_inline(group.group("value"), group.group("group"), away))
            elif group and not group.group("value") and len(group.group("group").split()) <= 2:
                organisation = group.group("group")
                groups.append((organisation, []))
            elif self._ends_attendance(line):
                break
            elif ("," in line or " og " in line) and _names_only(line):
                self.participants.extend(persons_inline(line, organisation, absent))
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

    def _add_substitution(self, away: str, sub: str, role: str) -> None:
        """`Fraværende: Evan Lynnerup (V) - Marianne Kiærulff (V) mødte som stedfortræder.`: the first
        away, the second present as their substitute; repeated under every item, listed once."""
        known = {p.name for p in self.participants}
        absent = [p for p in persons_inline(away, None, True) if p.name not in known]
        self.participants.extend(absent)
        for_whom = " og ".join(p.name for p in persons_inline(away, None, True))
        for person in persons_inline(sub, None, False):
            if person.name not in known:
                title = ", ".join(t for t in (f"{role.lower()} for {for_whom}", person.title) if t)
                self.participants.append(replace(person, title=title))

    @staticmethod
    def _ends_attendance(line: str, *, words: bool = True) -> bool:
        if (
            ATTEND_LABEL.match(line)
            or ABSENT_LABEL.match(line)
            or REFERENT_LABEL.match(line)
            or CHAIR_LABEL.match(line)
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
        if not words:
            return False
        count = len(line.split())
        return count > 12 or (count > 5 and line.endswith("."))

    def attach_referent(self) -> None:
        if self.referent:
            self.attach_role("referent", self.referent)
        for role, who in self.chairs:
            self.attach_role(role, who)

    def attach_role(self, role: str, who: str) -> None:
        """Give `who` the meeting role; someone not on the list is added to it as present."""
        person = participant_of(who, None, False)
        wanted = person.name if person else who
        name = People(self.participants).by_name(wanted) if self.participants else None
        for k, p in enumerate(self.participants):
            if p.name == name:
                if p.role not in MEETING_ROLES or p.role == role:
                    self.participants[k] = replace(p, role=role)
                return
        if person is not None:
            self.participants.append(replace(person, role=role))

    def give_office(self, office: str, who: str, *, add: bool) -> None:
        """`Formand: Morten Bay Dahl`: a listed participant without a role gets the office; the name may
        carry a surname the list leaves out (`Mogens Rubech Jacobsen` is `Mogens Rubech`). With `add`
        (minutes without an attendance list) someone in office the text names is one of the meeting."""
        people = People(self.participants)
        words = who.split()
        name = people.by_name(who) if self.participants else None
        while self.participants and name is None and len(words) > 2:
            words.pop()
            name = people.by_name(" ".join(words))
        for k, p in enumerate(self.participants):
            if p.name == name:
                if p.role is None:
                    self.participants[k] = replace(p, role=office)
                return
        if add and (person := participant_of(who, None, False)) is not None:
            self.participants.append(replace(person, role=office))

    # -- where the header, agenda and body are -------------------------------------------------------

    def layout(self) -> _Layout:
        lines, used = self.lines, self.used
        n = len(lines)
        heads: list[tuple[int, Heading]] = []
        agenda_label: int | None = None
        body_labels: list[int] = []
        title_seen = dated = False
        # A bare `REFERAT` among the first lines, or above any date, is the document's label, not the
        # start of the body (a web page may put a menu or a logo's text above it).
        top = [i for i, line in enumerate(lines) if line and not used[i]][:3]
        for i, line in enumerate(lines):
            if not line or used[i]:
                continue
            if TITLE_LINE.match(line):
                title_seen = True
            if DOC_LABEL.match(line) and not dated and not title_seen:
                top.append(i)
            dated = dated or find_date(line) is not None
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
        """Title, date, place and time from the lines before the agenda; the lines it reads are used."""
        numbered = [(i, line) for i, line in enumerate(self.lines[:end]) if line and not self.used[i]]
        fields: dict[str, str] = {}
        plain: list[tuple[int, str]] = []
        place: str | None = None
        time_of_day: str | None = None
        for i, line in numbered:
            if m := FIELD.match(line):
                fields.setdefault(" ".join(m.group("key").lower().split()), m.group("value").strip())
                self.used[i] = True
            elif m := PLACE_SENTENCE.match(line):
                raw = m.group("place")
                cut = PLACE_CUT.search(raw)
                place = place or (raw[: cut.start()] if cut else raw).strip(" ,.")
                time_of_day = time_of_day or find_time(raw)
                self.used[i] = True
            else:
                plain.append((i, line))

        title_at: int | None = None
        title_line: str | None = None
        for k, (i, line) in enumerate(plain):
            if m := TITLE_LINE.match(line):
                title_at, title_line = i, m.group("rest")
                break
            if DOC_LABEL.match(line) and k + 1 < len(plain) and _MEETING_WORD.search(plain[k + 1][1]):
                self.used[i] = True
                title_at, title_line = plain[k + 1]
                break
        if title_line is None:
            # The meeting's own heading, not a web page's posting date above it.
            dated = [(i, line) for i, line in plain if len(line) < 160 and find_date(line) is not None]
            meeting = [(i, line) for i, line in dated if _MEETING_WORD.search(line)]
            candidates = meeting or dated or plain
            if candidates:
                title_at, title_line = candidates[0]
            else:
                title_line = ""
        if title_at is not None:
            self.used[title_at] = True
        self.title_at = title_at
        self.minutes_like = bool(self.participants) or bool(
            title_line
            and (
                _MEETING_WORD.search(title_line)
                or (title_at is not None and TITLE_LINE.match(self.lines[title_at]))
            )
        )

        date_found = find_date(title_line)
        date_line = title_line
        date_sources = [
            fields[k] for k in ("dato", "dato og tid", "dato og tidspunkt", "dato og sted") if k in fields
        ]
        date_sources += [
            fields[k]
            for k in ("mødedato", "tid", "tidspunkt", "mødetid", "tid og sted", "starttidspunkt", "mødestart")
            if k in fields
        ]
        for source in [*date_sources, *(line for _, line in plain)]:
            if date_found is not None:
                break
            if (found := find_date(source)) is not None:
                date_found = (found[0], -1)
                date_line = source
                for i, line in plain:
                    if line is source and len(line) < 160:
                        self.used[i] = True  # `Tirsdag den 3. marts 2020 kl. 13.00 i mødelokale 2`
        if date_found is None:
            raise NotAReferat("ingen dato fundet")

        if date_found[1] >= 0:
            title = title_line[: date_found[1]]
        else:
            cut = TIME.search(title_line)
            title = title_line[: cut.start()] if cut else title_line
        title = TITLE_TAIL.sub("", title).strip(" .,:;–-")
        committee = fields.get("udvalg") or fields.get("forum") or fields.get("organ")
        if committee and not (title and title_at is not None and TITLE_LINE.match(self.lines[title_at])):
            title = committee.rstrip(".")  # `Udvalg: Handicaprådet` names the meeting better than a date line
        if not title and title_at is not None:
            # `Kommunalbestyrelsen` / `24-09-2019`: a heading that is only a date, under the body's name.
            above = [(i, line) for i, line in plain if i < title_at and not self.used[i]]
            if above and len(above[-1][1].split()) <= _NAME_ABOVE_WORDS and find_date(above[-1][1]) is None:
                title = above[-1][1].strip(" .:")
                self.used[above[-1][0]] = True
        if not title:
            title = Path(self.source_name).stem if self.source_name else "møde"

        for key in ("sted", "mødested", "lokale"):
            if key in fields and place is None:
                place = fields[key].rstrip(".")
        for key in (
            "starttidspunkt",
            "mødestart",
            "tidspunkt",
            "tid",
            "mødetid",
            "dato og tid",
            "dato og tidspunkt",
            "tid og sted",
        ):
            if key in fields:
                value = fields[key]
                found_time = find_time(value) or clock_after_date(value)
                if found_time is None and find_date(value) is None and any(c.isdigit() for c in value):
                    found_time = value.rstrip(".")
                time_of_day = found_time or time_of_day
                if found_time:
                    break
        ends = [fields[k] for k in ("sluttidspunkt", "mødeslut") if k in fields]
        ended = next((t for value in ends if (t := find_time(value) or clock_after_date(value))), None)
        if time_of_day and ended and ended not in time_of_day:
            time_of_day = f"{time_of_day}–{ended}"  # `STARTTIDSPUNKT` / `SLUTTIDSPUNKT`: when it ended too
        for line in (title_line, date_line):
            time_of_day = time_of_day or find_time(line) or clock_after_date(line)
        for i, line in plain:
            if time_of_day is None and len(line) <= 40 and (found_time := find_time(line)) is not None:
                time_of_day = found_time  # `Kl. 18.00 – 20.30` on a line of its own
                self.used[i] = True
            elif time_of_day is None and (on := find_date(line)) and on[0] == date_found[0]:
                # `Formanden havde indkaldt til bestyrelsesmøde mandag den 23/5 2016 kl 20.`: the
                # sentence naming the meeting's own date gives its time (and stays in the text).
                time_of_day = find_time(line[on[1] :])
            if place is None and (m := _PLACE_AFTER.search(line)):
                place = m.group("place")
                # `St. Magleby Stuen, Rådhuset kl. 10.00`: the clock is no part of the place.
                cut = PLACE_CUT.search(place)
                place = (place[: cut.start()] if cut else place).strip(" ,.")
            elif place is None and not self.used[i] and (m := _PLACE_LINE.match(line)):
                place = m.group("place")  # `på Pedersholm` on a line of its own under the date
                self.used[i] = True
        if place is None and title_at is not None:
            # `Referat af Skolebestyrelsesmøde` / `Skovboskolen, mødelokale K2` / `tirsdag den 2. …`:
            # a short line naming a room or building right under the heading is where it was held.
            below = [(i, line) for i, line in plain if i > title_at and not self.used[i]][:2]
            for i, line in below:
                if _VENUE_LINE.match(line) and _VENUE_WORD.search(line) and find_date(line) is None:
                    place = line.rstrip(" .")
                    self.used[i] = True
                    break
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
        self,
        span: tuple[int, int],
        agenda: list[DraftItem],
        with_opening: bool,
        meeting_date: dt.date,
        opening: list[str],
    ) -> tuple[str | None, list[DraftItem], list[ImportedEntry]]:
        body = Body(self, agenda, with_opening, meeting_date)
        for paragraph in opening:
            body.paragraph(paragraph)
        return body.run(span)


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
    lines = labels_split(normalised.split("\n"))
    lines = case_titles_joined(repeated_headings(split_glued_headings(lines)))
    parser = Parser(_join_lone_numbers(lines), source_name)
    parser.scan_attendance()
    # Those present by a list, before roles chosen in the text add people (the absent are no such list).
    listed = any(not p.absent for p in parser.participants)
    dropped = drop_debris(parser.lines, parser.used)
    parser.attach_referent()
    parser.participants = initials_from_text(parser.participants, parser.lines)
    layout = parser.layout()
    title, date, place, time_of_day = parser.header(layout.header_end)
    if DOC_LABEL.match(title) and (committee := committee_of(parser.lines, date)) is not None:
        title = committee
    unnumbered = layout.agenda is None and layout.body is None
    if unnumbered and not parser.minutes_like:
        raise NotAReferat(
            "ingen dagsordenspunkter eller Ad-afsnit fundet, og teksten ligner ikke et referat "
            "(ingen mødeoverskrift og ingen deltagerliste)"
        )
    agenda = parser.agenda(layout.agenda) if layout.agenda else []
    # Sentences above the agenda that are no title, date, place or list: the opening remarks. Minutes
    # without numbered items are all opening remarks, line by line, from the heading on.
    leftovers = [
        (i, line) for i, line in enumerate(parser.lines[: layout.header_end]) if line and not parser.used[i]
    ]
    for i, _ in leftovers:
        parser.used[i] = True
    leftovers = _wrapped_joined(leftovers)
    after_title = parser.title_at if parser.title_at is not None else -1

    def opens(i: int, line: str) -> bool:
        return bool(_SENTENCE_LIKE.match(line)) or (unnumbered and i > after_title)

    opening_lines = lists_joined([(i, line) for i, line in leftovers if opens(i, line)])
    unplaced = [line for i, line in leftovers if not opens(i, line) and not DOC_LABEL.match(line)]
    for i, _ in leftovers:
        parser.used[i] = True
    entries: list[ImportedEntry] = []
    if layout.body is not None:
        _, extra, entries = parser.body(layout.body, agenda, layout.body_label, date, opening_lines)
        agenda = sorted([*agenda, *extra], key=lambda item: item.number)
    if unnumbered:
        _, _, entries = parser.body((0, 0), [], False, date, opening_lines)
        parser.warnings.append(
            "Referatet har ingen nummererede punkter; teksten er gemt som indledning (ad 0)."
        )
    if not agenda and not entries:
        raise NotAReferat("ingen dagsordenspunkter eller Ad-afsnit fundet")
    # `Steen Hagstrøm blev valgt som dirigent`, an item `Valg af referent` whose text names who.
    titles = {item.number: item.title for item in agenda}
    seen_roles: set[str] = set()
    for entry in entries:
        for role, who in roles_chosen(entry.text, titles.get(entry.item_number)):
            if role not in seen_roles:
                seen_roles.add(role)
                parser.attach_role(role, who)
    said = [entry.text for entry in entries] + [text for item in agenda for text in item.background]
    for text in said:
        for office, who in offices_named(text):
            parser.give_office(office, who, add=not listed)
    if not parser.participants:
        parser.warnings.append("Ingen deltagerliste fundet.")
    return ImportedMeeting(
        title=title,
        date=date,
        place=place,
        time_of_day=time_of_day,
        opening=None,
        participants=tuple(parser.participants),
        agenda=tuple(
            ImportedItem(item.number, item.title, tuple(item.bullets), tuple(item.background))
            for item in agenda
        ),
        entries=tuple(read_record(entries, parser.participants)),
        warnings=tuple(dict.fromkeys(parser.warnings)),
        content_hash=hashlib.sha256(normalised.encode("utf-8")).hexdigest(),
        unplaced=tuple(unplaced),
        dropped=tuple(dropped),
    )
