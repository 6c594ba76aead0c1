"""The extract a citizen receives on a request for access to documents (aktindsigt): one item's decisions.

Access to documents covers the protocol's entry with the decision, not the debate: the extract holds
the meeting's title, date and place, item n's heading, its decisions and votes, and nothing else —
no statements, no dissent, no follow-ups, no participant list, no other item. A closed item's
decision is given only where it was marked public; a closed item without one is refused by name.
An item without a decision says so rather than coming out empty.

Pure: a compiled `Referat` made from the edition's document (bot.meeting.export picks the edition),
so every format (md, txt, docx, pdf) lays it out as it lays out the referat itself.
"""

from __future__ import annotations

from bot.referat.compile import (
    CLOSED_DOORS,
    CLOSED_HEADING,
    Referat,
    Section,
    decision_paragraph,
    mentioned_names,
    place_sentence,
    title_line,
)
from bot.referat.votes import vote_paragraph
from bot.text.people import people_of, render_mentions
from storage.errors import ReferatError
from storage.records import EntryKind, MeetingDocument

NO_DECISION = "Der blev ikke truffet beslutning under punktet."


class NotReleasable(ReferatError):
    """The item cannot be given out: not on the agenda, or closed without a public decision."""


def marker(number: int) -> str:
    return f"Uddrag til aktindsigt: punkt {number}"


def aktindsigt_extract(
    doc: MeetingDocument, number: int, *, draft_marker: str | None, approval: str | None
) -> Referat:
    """Item `number`'s decisions and votes under the meeting's title and place; NotReleasable if it may not go out.

    `draft_marker` (an unapproved edition's marker) and `approval` (the approval line) come from the
    edition, so the reader sees whether the text was approved.
    """
    meeting = doc.meeting
    item = next((a for a in doc.agenda if a.number == number), None)
    if item is None:
        listed = ", ".join(str(a.number) for a in sorted(doc.agenda, key=lambda a: a.number)) or "ingen"
        raise NotReleasable(
            f"Punkt {number} findes ikke på dagsordenen til {title_line(meeting.title, meeting.date)}. "
            f"Punkterne er: {listed}."
        )
    people = people_of(doc.participants, mentioned_names(doc.entries))
    title = render_mentions(item.title.strip(), people) or None
    entries = [e for e in doc.entries if e.item_number == number and e.deleted_utc is None]
    decisions = [e for e in entries if e.kind is EntryKind.DECISION]
    if item.closed:
        public = [decision_paragraph(e, people) for e in decisions if e.public]
        if not public:
            raise NotReleasable(
                f"Punkt {number} – {title or 'uden titel'} blev behandlet for lukkede døre, og ingen beslutning "
                "under punktet er gjort offentlig. Punktet kan ikke udleveres som uddrag til aktindsigt."
            )
        heading = f"{title} ({CLOSED_HEADING})" if title else CLOSED_HEADING.capitalize()
        paragraphs: tuple[str, ...] = (CLOSED_DOORS, *public)
    else:
        by_id = {p.id: p for p in doc.participants}
        votes = [
            vote_paragraph(e.text, e.vote, by_id) for e in entries if e.kind is EntryKind.VOTE and e.vote
        ]
        paragraphs = (*(decision_paragraph(e, people) for e in decisions), *votes) or (NO_DECISION,)
        heading = title or ""
    head = marker(number) + (f" – {draft_marker}" if draft_marker else "")
    return Referat(
        draft_marker=head,
        title=title_line(meeting.title, meeting.date),
        place=place_sentence(meeting.place, meeting.time_of_day),
        participants=(),
        absent=(),
        agenda=(),
        opening=None,
        sections=(Section(number, heading or None, paragraphs),),
        referent=None,
        approval=approval,
    )
