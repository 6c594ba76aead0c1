"""Compile a logged meeting into the conventional Danish referat, and render it as text or Markdown.

The draft the bot posts, the file it uploads and the approved text all come from here, so the form
lives in one place: `compile_referat` builds a structured `Referat` (what goes where, already in
reported speech) and the two renderers only lay it out. Logged words are never rewritten; the
compiler only adds the frame around them (a title and name in front, `Beslutning:`, `Opfølgning:`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from bot.approval.rules import approval_line
from bot.referat.attendance import attendance_lines, sentence_subject
from bot.referat.votes import vote_paragraph
from bot.text.dates import MONTHS_DA, format_long_da
from bot.text.people import (
    Person,
    Subject,
    find_subject,
    in_sentence,
    is_long_title,
    people_of,
    render_mentions,
    sentence_title,
    with_initials,
    with_referent,
)
from storage.records import (
    OPENING_ITEM,
    AgendaItem,
    Entry,
    EntryKind,
    MeetingDocument,
    MeetingStatus,
    Participant,
)

NOTHING_TO_NOTE = "Intet at bemærke."

# Words that open the place phrase themselves, so no "på" is put in front of them.
_PLACE_OPENERS = frozenset({"på", "i", "hos", "ved", "via", "online", "virtuelt", "digitalt"})

# Lower-case words that may follow a name without being the verb of the sentence; after these the
# appositive commas would split a subject ("Helle Støve og Lars Møller oplyste") in two.
_NOT_VERBS = frozenset(
    {
        "af",
        "at",
        "de",
        "den",
        "der",
        "det",
        "efter",
        "eller",
        "en",
        "et",
        "for",
        "fra",
        "hvor",
        "i",
        "med",
        "men",
        "mens",
        "og",
        "om",
        "på",
        "samt",
        "som",
        "til",
        "under",
        "ved",
        "via",
    }
)

_DECISION_OPENERS = (
    "der var enighed",
    "beslutning",
    "det blev besluttet",
    "det blev vedtaget",
    "det blev aftalt",
    "det blev godkendt",
)

# How far into a statement the writer's own attribution may sit ("Afdelingsleder for PAC, Lars
# Kirkegaard, orienterede …"): titles are typed inconsistently, so the name decides, not the title.
_OWN_ATTRIBUTION_WINDOW = 120


# --------------------------------------------------------------------------------------------
# The structured document


@dataclass(frozen=True)
class PersonGroup:
    """People from one organisation; `organisation` None for those listed without a heading."""

    organisation: str | None
    people: tuple[str, ...]

    @property
    def heading(self) -> str | None:
        return f"Fra {self.organisation}:" if self.organisation else None


@dataclass(frozen=True)
class AgendaLine:
    number: int
    title: str
    bullets: tuple[str, ...] = ()
    background: tuple[str, ...] = ()


@dataclass(frozen=True)
class Section:
    """One `Ad N` of the referat with its paragraphs (statements, decisions, follow-ups)."""

    number: int
    title: str | None
    paragraphs: tuple[str, ...]

    @property
    def heading(self) -> str:
        return f"Ad {self.number} – {self.title}" if self.title else f"Ad {self.number}"


@dataclass(frozen=True)
class Referat:
    draft_marker: str | None
    title: str
    place: str | None
    participants: tuple[PersonGroup, ...]
    absent: tuple[PersonGroup, ...]
    agenda: tuple[AgendaLine, ...]
    opening: str | None
    sections: tuple[Section, ...]
    referent: str | None  # the whole closing line, "Referent: …"
    approval: str | None  # the whole closing line, "Godkendt … af …"
    # Approved additions after the approval line: "Tilføjelse <dato>, godkendt <dato> af …: <tekst>"
    additions: tuple[str, ...] = ()
    # After the participant groups: "<Titel> <Navn> deltog fra punkt 3." / "… forlod mødet under punkt 5."
    attendance: tuple[str, ...] = ()


# --------------------------------------------------------------------------------------------
# Frame sentences


def title_line(title: str, date: dt.date) -> str:
    """`Referat af kredsrådsmøde i Holstebro Kommune den 19. marts 2024` from what the user typed.

    The first letter is lower-cased when the title opens with an ordinary capitalised word
    (`Kredsrådsmøde i …`). It is kept when the first word is an acronym or mixed case (`KL-møde`,
    `DR`), and when the next word is capitalised too, which suggests a name (`Holstebro Kommunes
    møde`). A title that already begins with `Referat af` is not doubled, and a date already in
    the title is not repeated.
    """
    text = title.strip()
    long_date = format_long_da(date)
    if not text:
        return f"Referat af møde den {long_date}"
    if text.casefold().startswith("referat af "):
        head = "Referat af " + text[len("referat af ") :]
    else:
        head = f"Referat af {_lower_first(text)}"
    if long_date in head:
        return head
    return f"{head} den {long_date}"


def _lower_first(text: str) -> str:
    words = text.split()
    first = words[0]
    ordinary = len(first) >= 2 and first[0].isupper() and first[1].islower()
    next_capitalised = len(words) > 1 and words[1][0].isupper()
    if ordinary and not next_capitalised:
        return text[0].lower() + text[1:]
    return text


def place_sentence(place: str | None, time_of_day: str | None) -> str | None:
    """`Mødet blev afholdt på rådhuset i Holstebro, kl. 14.00-16.00`; None when neither is given.

    The user's words are kept; only `på` is put in front unless the place opens with a
    preposition of its own (`hos …`, `i …`, `via Teams`), whose first letter is lower-cased.
    """
    where = (place or "").strip()
    when = (time_of_day or "").strip()
    if not where and not when:
        return None
    sentence = "Mødet blev afholdt"
    if where:
        first = where.split()[0]
        if first.casefold() in _PLACE_OPENERS:
            sentence += f" {first.lower()}{where[len(first) :]}"
        else:
            sentence += f" på {where}"
    if when:
        if when[0].isdigit():
            when = f"kl. {when}"
        sentence += f", {when}" if where else f" {when}"
    return sentence


def person_label(person: Participant) -> str:
    """`Politidirektør Helle Kyndesen`; a long title is set off by a comma: `Direktør for …, Navn`."""
    title = (person.title or "").strip()
    if not title:
        return person.name
    if is_long_title(title):
        return f"{title}, {person.name}"
    return f"{title} {person.name}"


def _person_line(person: Participant) -> str:
    """A line of `Deltagere:`/`Afbud:`: the label with the initials the text may use (`Ida Holm (IH)`)."""
    label = with_initials(person_label(person), person.initials)
    if (person.role or "").casefold() == "referent":
        return f"{label} (referent)"
    return label


# --------------------------------------------------------------------------------------------
# Reported speech


def _name_prefix_length(text: str, name: str) -> int | None:
    """Length of `name` at the start of `text` (any case), or None; a possessive -s still counts."""
    size = len(name)
    if not name or text[:size].lower() != name.lower():
        return None
    after = text[size : size + 2]
    if not after or not after[0].isalnum():
        return size
    if after[0] == "s" and (len(after) == 1 or not after[1].isalnum()):
        return size
    return None


def _first_word(text: str) -> str | None:
    match = re.match(r"([^\W\d_]+)", text)
    return match.group(1) if match else None


def _opens_with_verb(text: str) -> bool:
    """True when `text` opens with a lower-case word that may be a verb (`orienterede`, `oplyste`)."""
    word = _first_word(text)
    return word is not None and word.islower() and word not in _NOT_VERBS


def _mentions_early(text: str, name: str) -> bool:
    if not text or text[0].islower():
        return False
    pattern = rf"(?<!\w){re.escape(name)}(?!\w)"
    return re.search(pattern, text[:_OWN_ATTRIBUTION_WINDOW], flags=re.IGNORECASE) is not None


def _named_participant(
    text: str, participants: Sequence[Participant], speaker: Participant | None
) -> Participant | None:
    """The participant whose name the text opens with (the longest name wins).

    A one-word name counts only for the speaker: `Per` is a name, but `Per 1. januar …` is not.
    """
    best: Participant | None = None
    for person in participants:
        if person is not speaker and len(person.name.split()) < 2:
            continue
        if _name_prefix_length(text, person.name) is not None and (
            best is None or len(person.name) > len(best.name)
        ):
            best = person
    return best


def statement_paragraph(
    entry: Entry, participants: Sequence[Participant], people: Mapping[str, Person] | None = None
) -> str:
    """A statement in reported speech; the logged words always stay, in their order.

    - `attributed` text (imported) is used as it is, with mentions shown as names.
    - Text whose opening words name people (names, mentions, several joined by `og`) gets each
      person's title in front of the name (`Chefpolitiinspektør Claus Hilborg og Vicepolitiinspektør
      Frederik Sundtoft orienterede …`); a long title takes the appositive form when one person is
      named and a verb follows (`Direktør for Børn og Unge, Helle Støve, oplyste, at …`). A title
      alone (`Kommunaldirektøren orienterede …`) or a title already written stays as typed.
    - Otherwise the stored speaker is put in front: `<Titel> <Navn> orienterede …` when the text
      opens with a verb, else `<Titel> <Navn>: <text>`. Without a speaker (the minute-taker's
      narrative) the text stands alone.
    - A Slack mention reads as the person: title and name where it starts a sentence, else the name.
    """
    people = people_of(participants) if people is None else people
    text = entry.text
    if entry.attributed:
        return render_mentions(text, people)
    subject = find_subject(text, participants)
    if subject.refs:
        return _titled_subject(text, subject, people)
    ids = entry.speaker_ids or ((entry.speaker_id,) if entry.speaker_id is not None else ())
    speaker = next((p for p in participants if ids and p.id == ids[0]), None)
    rendered = render_mentions(text, people)
    named = _named_participant(rendered, participants, speaker)
    if named is not None:
        return _with_title(rendered, named)
    if speaker is None or _mentions_early(rendered, speaker.name):
        return rendered
    title = sentence_title(speaker.title)
    if title and is_long_title(title) and _opens_with_verb(rendered):
        return f"{title}, {speaker.name}, {rendered}"
    label = in_sentence(speaker.name, speaker.title)
    if _opens_with_verb(rendered):
        return f"{label} {rendered}"
    return f"{label}: {rendered}"


def _titled_subject(text: str, subject: Subject, people: Mapping[str, Person]) -> str:
    """The text with each person its opening words name shown with title and name."""
    single = len(subject.refs) == 1
    out: list[str] = []
    pos = 0
    for ref in subject.refs:
        out.append(text[pos : ref.start])
        person = ref.participant
        written = text[ref.start : ref.end]
        name = person.name if ref.how == "mention" else written
        title = sentence_title(person.title)
        if ref.how in ("titled", "title", "initials") or not title:
            out.append(name)
        elif single and is_long_title(title) and _opens_with_verb(text[ref.end :].lstrip()):
            out.append(f"{title}, {name},")
        else:
            out.append(f"{title} {name}")
        pos = ref.end
    out.append(render_mentions(text[pos:], people, mid_sentence=True))
    return "".join(out)


def _with_title(text: str, speaker: Participant) -> str:
    title = sentence_title(speaker.title)
    size = _name_prefix_length(text, speaker.name)
    if not title or size is None:
        return text
    rest = text[size:]
    if is_long_title(title) and rest.startswith(" ") and _opens_with_verb(rest[1:]):
        return f"{title}, {text[:size]},{rest}"
    return f"{title} {text}"


def decision_paragraph(entry: Entry, people: Mapping[str, Person] | None = None) -> str:
    """`Beslutning: …` unless the logged text already reads as a decision (`Der var enighed om …`)."""
    text = render_mentions(entry.text, people or {})
    if entry.attributed or text.casefold().startswith(_DECISION_OPENERS):
        return text
    return f"Beslutning: {text}"


def action_paragraph(
    entry: Entry, participants: Sequence[Participant], people: Mapping[str, Person] | None = None
) -> str:
    """`Opfølgning: <text> – ansvarlig: <owner> – frist: <dato>`, leaving out what is missing."""
    people = people_of(participants) if people is None else people
    text = render_mentions(entry.text, people)
    parts = [text if text.casefold().startswith("opfølgning") else f"Opfølgning: {text}"]
    owner = owner_name(entry, people)
    if owner:
        parts.append(f"ansvarlig: {owner}")
    if entry.due is not None and not mentions_date(text, entry.due):
        parts.append(f"frist: {format_long_da(entry.due)}")  # once: not when the text already says it
    return " – ".join(parts)


def mentions_date(text: str, day: dt.date) -> bool:
    """Whether `text` names the day (`1. april`, `1.4.`, `01/04`), so a deadline need not be repeated."""
    month = MONTHS_DA[day.month - 1]
    pattern = (
        rf"(?<!\d)0?{day.day}\.?\s*(?:{month}|{month[:3]}\.?)(?![a-zæøå])"
        rf"|(?<!\d)0?{day.day}[./-]0?{day.month}(?!\d)"
    )
    return re.search(pattern, text, re.IGNORECASE) is not None


def owner_name(entry: Entry, people: Mapping[str, Person]) -> str | None:
    """An action's owner by name: the linked participant's name, else the name stored with it."""
    linked = people.get(entry.owner_user_id) if entry.owner_user_id else None
    if linked is not None:
        return linked.name
    return entry.owner or None


def mentioned_names(entries: Iterable[Entry]) -> dict[str, str]:
    """Slack user id → name for everyone the entries mention who is not a participant."""
    return {uid: name for e in entries for uid, name in e.mentioned}


def note_paragraph(
    entry: Entry, participants: Sequence[Participant], people: Mapping[str, Person] | None = None
) -> str:
    """The fixed sentence of a dissent, an inhabilitet or an absence from one item.

    `<Titel> <Navn> ønskede følgende ført til protokol: «<tekst>»`,
    `<Titel> <Navn> erklærede sig inhabil og deltog ikke i behandlingen af punktet.`,
    `<Titel> <Navn> deltog ikke under punktet.` The person is the entry's speaker; the dissent's
    words are the member's own, unchanged.
    """
    person = next((p for p in participants if p.id == entry.speaker_id), None)
    subject = sentence_subject(person) if person else render_mentions(entry.text, people or {})
    if entry.kind is EntryKind.DISSENT:
        return f"{subject} ønskede følgende ført til protokol: «{render_mentions(entry.text, people or {})}»"
    if entry.kind is EntryKind.CONFLICT:
        return f"{subject} erklærede sig inhabil og deltog ikke i behandlingen af punktet."
    return f"{subject} deltog ikke under punktet."


def _item_paragraphs(
    entries: Iterable[Entry], participants: Sequence[Participant], people: Mapping[str, Person]
) -> tuple[str, ...]:
    """Who took no part first, then what was said, decided, voted, entered as dissent, and followed up.

    Arrivals and departures are not the item's: they are in the attendance section.
    """
    items = list(entries)

    def notes(kind: EntryKind) -> list[str]:
        return [note_paragraph(e, participants, people) for e in items if e.kind == kind]

    statements = [
        statement_paragraph(e, participants, people) for e in items if e.kind == EntryKind.STATEMENT
    ]
    decisions = [decision_paragraph(e, people) for e in items if e.kind == EntryKind.DECISION]
    by_id = {p.id: p for p in participants}
    votes = [vote_paragraph(e.text, e.vote, by_id) for e in items if e.kind == EntryKind.VOTE and e.vote]
    actions = [action_paragraph(e, participants, people) for e in items if e.kind == EntryKind.ACTION]
    paragraphs = (
        *notes(EntryKind.CONFLICT),
        *notes(EntryKind.AWAY),
        *statements,
        *decisions,
        *votes,
        *notes(EntryKind.DISSENT),
        *actions,
    )
    return paragraphs or (NOTHING_TO_NOTE,)


# --------------------------------------------------------------------------------------------
# Compile

# A closed item (lukket punkt) in the public extract: its heading, this sentence, and only the
# decisions marked public (`ad 2 beslutning (offentlig): …`). The full protocol marks its heading.
CLOSED_DOORS = "Punktet blev behandlet for lukkede døre."
CLOSED_HEADING = "lukket punkt"


def _closed_section(
    item: AgendaItem, title: str | None, public: bool, paragraphs: tuple[str, ...]
) -> Section:
    heading = f"{title} ({CLOSED_HEADING})" if title else CLOSED_HEADING.capitalize()
    if not public:
        return Section(item.number, heading, paragraphs)
    return Section(item.number, heading, (CLOSED_DOORS, *paragraphs))


def _groups(people: Sequence[Participant]) -> tuple[PersonGroup, ...]:
    ordered = sorted(people, key=lambda p: p.position)
    loose = tuple(_person_line(p) for p in ordered if not p.organisation)
    organisations: dict[str, list[str]] = {}
    for person in ordered:
        if person.organisation:
            organisations.setdefault(person.organisation, []).append(_person_line(person))
    groups = [PersonGroup(None, loose)] if loose else []
    groups += [PersonGroup(org, tuple(lines)) for org, lines in organisations.items()]
    return tuple(groups)


def compile_referat(
    doc: MeetingDocument,
    *,
    version: int | None = None,
    draft_date: dt.date | None = None,
    approved: tuple[tuple[str, dt.datetime], ...] = (),
    public: bool = False,
) -> Referat:
    """Build the referat of `doc`; a draft marker is written while it is not approved.

    `approved` (or else `doc.approvals`) lists who approved and when; once there is any, or the
    meeting is marked approved, the draft marker goes and the closing says who approved.
    `public` gives the public extract: a closed item keeps its heading, says it was treated behind
    closed doors, and shows only its decisions marked public; its sub-bullets and background go.
    """
    meeting = doc.meeting
    approvals = approved or doc.approvals
    is_approved = bool(approvals) or meeting.status == MeetingStatus.APPROVED

    marker: str | None = None
    if version is not None and not is_approved:
        marker = f"UDKAST – version {version}"
        if draft_date is not None:
            marker += f" – {format_long_da(draft_date)}"

    # The minute-taker is the referent whether or not `(referent)` was typed.
    participants = with_referent(doc.participants, meeting.starter_user_id)
    people = people_of(participants, mentioned_names(doc.entries))
    present = [p for p in participants if not p.absent]
    absent = [p for p in participants if p.absent]

    agenda: list[AgendaItem] = sorted(doc.agenda, key=lambda a: a.number)
    by_item: dict[int, list[Entry]] = {}
    for entry in doc.entries:
        by_item.setdefault(entry.item_number, []).append(entry)

    def shown(text: str) -> str:
        return render_mentions(text, people)

    def section(item: AgendaItem) -> Section:
        title = shown(item.title.strip()) or None
        entries = by_item.get(item.number, [])
        if not item.closed:
            return Section(item.number, title, _item_paragraphs(entries, participants, people))
        if public:
            shown_decisions = [e for e in entries if e.public and e.kind is EntryKind.DECISION]
            paragraphs = tuple(decision_paragraph(e, people) for e in shown_decisions)
        else:
            paragraphs = _item_paragraphs(entries, participants, people)
        return _closed_section(item, title, public, paragraphs)

    sections = [section(item) for item in agenda]
    on_agenda = {item.number for item in agenda}
    # Entries for a number that is not on the agenda are still minutes: never drop them. Item 0
    # holds the opening remarks, which belong to no item.
    sections += [
        Section(number, None, _item_paragraphs(by_item[number], participants, people))
        for number in sorted(by_item)
        if number not in on_agenda and number != OPENING_ITEM
    ]

    referent = next((p for p in participants if (p.role or "").casefold() == "referent"), None)
    remarks = [shown(meeting.opening.strip())] if meeting.opening and meeting.opening.strip() else []
    if by_item.get(OPENING_ITEM):
        remarks += _item_paragraphs(by_item[OPENING_ITEM], participants, people)
    opening = "\n\n".join(remarks) or None
    return Referat(
        draft_marker=marker,
        title=title_line(meeting.title, meeting.date),
        place=place_sentence(meeting.place, meeting.time_of_day),
        participants=_groups(present),
        attendance=attendance_lines(participants, doc.entries),
        # The conventional form lists apologies as one plain list, without organisation headings.
        absent=(PersonGroup(None, tuple(_person_line(p) for p in sorted(absent, key=lambda p: p.position))),)
        if absent
        else (),
        agenda=tuple(
            AgendaLine(
                a.number,
                shown(a.title) + (f" ({CLOSED_HEADING})" if a.closed else ""),
                () if a.closed and public else tuple(shown(b) for b in a.bullets),
                () if a.closed and public else tuple(shown(b) for b in a.background),
            )
            for a in agenda
        ),
        opening=opening,
        sections=tuple(sections),
        referent=f"Referent: {person_label(referent)}" if referent else None,
        approval=approval_line(approvals),
    )


# --------------------------------------------------------------------------------------------
# Plain text


def render_text(referat: Referat) -> str:
    """The referat as plain text: one blank line between paragraphs, headings and groups."""
    blocks: list[str] = []
    if referat.draft_marker:
        blocks.append(referat.draft_marker)
    blocks.append(referat.title)
    if referat.place:
        blocks.append(referat.place)
    for label, groups in (("Deltagere:", referat.participants), ("Afbud:", referat.absent)):
        if not groups:
            continue
        blocks.append(label)
        for group in groups:
            if group.heading:
                blocks.append(group.heading)
            blocks.append("\n".join(group.people))
        if label == "Deltagere:":
            blocks.extend(referat.attendance)
    if referat.agenda:
        blocks.append("Dagsorden:")
        for item in referat.agenda:
            blocks.append(f"{item.number}. {item.title}")
            if item.bullets:
                blocks.append("\n".join(f"- {bullet}" for bullet in item.bullets))
            blocks.extend(item.background)
    blocks.append("Referat:")
    if referat.opening:
        blocks.append(referat.opening)
    for section in referat.sections:
        blocks.append(section.heading)
        blocks.extend(section.paragraphs)
    if not referat.opening and not referat.sections:
        blocks.append(NOTHING_TO_NOTE)
    blocks.extend(line for line in (referat.referent, referat.approval) if line)
    blocks.extend(referat.additions)
    return "\n\n".join(blocks) + "\n"


# --------------------------------------------------------------------------------------------
# Markdown

_MD_INLINE = re.compile(r"([\\`*_\[\]<])")
_MD_LINE_START = re.compile(r"^(\s*)([#>+=|~-])")
_MD_ORDERED = re.compile(r"^(\s*\d+)([.)])(?=\s|$)")


def escape_markdown(text: str) -> str:
    """Escape just enough that user text cannot become emphasis, code, links, headings or lists."""
    lines = []
    for line in text.split("\n"):
        line = _MD_INLINE.sub(r"\\\1", line)
        line = _MD_LINE_START.sub(r"\1\\\2", line)
        line = _MD_ORDERED.sub(r"\1\\\2", line)
        lines.append(line)
    return "\n".join(lines)


def _md_inline(text: str) -> str:
    """Escape text that sits inside a heading or list item, where line-start rules do not apply."""
    return _MD_INLINE.sub(r"\\\1", text)


def _md_indented(text: str, indent: str) -> str:
    return escape_markdown(text).replace("\n", "\n" + indent)


def render_markdown(referat: Referat) -> str:
    """The referat as Markdown: `#` title, `##` parts, `###` per `Ad N`, lists for people and agenda."""
    blocks: list[str] = []
    if referat.draft_marker:
        blocks.append(f"**{_md_inline(referat.draft_marker)}**")
    blocks.append(f"# {_md_inline(referat.title)}")
    if referat.place:
        blocks.append(escape_markdown(referat.place))
    for label, groups in (("Deltagere", referat.participants), ("Afbud", referat.absent)):
        if not groups:
            continue
        blocks.append(f"## {label}")
        for group in groups:
            if group.heading:
                blocks.append(f"**{_md_inline(group.heading)}**")
            blocks.append("\n".join(f"- {_md_indented(person, '  ')}" for person in group.people))
        if label == "Deltagere":
            blocks.extend(escape_markdown(line) for line in referat.attendance)
    if referat.agenda:
        blocks.append("## Dagsorden")
        for item in referat.agenda:
            indent = " " * len(f"{item.number}. ")
            lines = [f"{item.number}. {_md_indented(item.title, indent)}"]
            if item.bullets:
                lines.append("")
                lines += [f"{indent}- {_md_indented(b, indent + '  ')}" for b in item.bullets]
            for paragraph in item.background:
                lines += ["", indent + _md_indented(paragraph, indent)]
            blocks.append("\n".join(lines))
    blocks.append("## Referat")
    if referat.opening:
        blocks.append(escape_markdown(referat.opening))
    for section in referat.sections:
        blocks.append(f"### {_md_inline(section.heading)}")
        blocks.extend(escape_markdown(p) for p in section.paragraphs)
    if not referat.opening and not referat.sections:
        blocks.append(NOTHING_TO_NOTE)
    blocks.extend(escape_markdown(line) for line in (referat.referent, referat.approval) if line)
    blocks.extend(escape_markdown(addition) for addition in referat.additions)
    return "\n\n".join(blocks) + "\n"


# --------------------------------------------------------------------------------------------
# Convenience


def referat_text(
    doc: MeetingDocument,
    *,
    version: int | None = None,
    draft_date: dt.date | None = None,
    approved: tuple[tuple[str, dt.datetime], ...] = (),
    public: bool = False,
) -> str:
    return render_text(
        compile_referat(doc, version=version, draft_date=draft_date, approved=approved, public=public)
    )


def referat_markdown(
    doc: MeetingDocument,
    *,
    version: int | None = None,
    draft_date: dt.date | None = None,
    approved: tuple[tuple[str, dt.datetime], ...] = (),
    public: bool = False,
) -> str:
    return render_markdown(
        compile_referat(doc, version=version, draft_date=draft_date, approved=approved, public=public)
    )
