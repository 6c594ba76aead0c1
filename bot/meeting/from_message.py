"""An entry made from a Slack message ("Tilføj til referat"): what the form offers, and storing it.

Slack-free: the shortcut's listener turns the modal into a `MessageEntry` and shows `FormInvalid`'s
messages next to their fields. The checks are those of `/referat ad` (an open meeting, an item on
the agenda, a present speaker, a deadline that is a date), and nothing is stored when one fails.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.meeting.entries import describe_entry
from bot.meeting.outcomes import Effects, Refusal, Reply, Sender
from bot.rulebook import gate
from bot.rulebook.book import ADD_FROM_MESSAGE, rule_named
from bot.text.clip import clip
from bot.text.dates import format_long_da
from storage.records import EntryKind, Meeting, Participant
from storage.store import Store

# The kinds the form offers, in its order.
KINDS = (EntryKind.STATEMENT, EntryKind.DECISION, EntryKind.ACTION)
MAX_TEXT = 3000

NO_OPEN_MEETING = (
    "Der er intet åbent møde i denne kanal, så beskeden kan ikke tilføjes til et referat. "
    "Start et møde med `/referat start` eller `/referat næste`."
)


NOT_THIS_MEETING = "Formularen hører ikke til mødet i beskedens kanal; intet er gemt."


def admitted(
    store: Store, channel_id: str, author_user_id: str | None, sender: Sender
) -> FormDefaults | None:
    """The form's defaults when the sender may add to the channel's open meeting (the rule book's
    "Tilføj til referat"); None when there is no open meeting; Refusal when they may not."""
    form = defaults(store, channel_id, author_user_id, sender.team_id)
    if form is not None:
        gate.admit(store, rule_named(ADD_FROM_MESSAGE), sender, meeting=form.meeting)
    return form


class FormInvalid(Exception):
    """Field → Danish message; the form stays open with the messages beside the fields."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


@dataclass(frozen=True)
class MessageEntry:
    meeting_id: int
    item_number: int | None
    kind: EntryKind | None
    speaker_id: int | None
    text: str
    owner_user_id: str | None
    due: dt.date | None
    channel_id: str
    message_ts: str
    permalink: str | None


@dataclass(frozen=True)
class FormDefaults:
    """What the form starts with for a message in a channel with an open meeting."""

    meeting: Meeting
    item_number: int | None  # the item last logged to, else the first
    speaker: Participant | None  # the message's author when a present participant


def defaults(
    store: Store, channel_id: str, author_user_id: str | None, team_id: str | None = None
) -> FormDefaults | None:
    """None when the channel has no open meeting in that workspace (the shortcut then says so)."""
    meeting = store.open_meeting(channel_id, team_id)
    if meeting is None:
        return None
    agenda = store.agenda(meeting.id)
    numbers = [a.number for a in agenda]
    last = store.last_logged_item(meeting.id)
    item = last if last in numbers else (numbers[0] if numbers else None)
    present = [p for p in store.participants(meeting.id) if not p.absent]
    speaker = next((p for p in present if author_user_id and p.slack_user_id == author_user_id), None)
    return FormDefaults(meeting, item, speaker)


def add(store: Store, form: MessageEntry, sender: Sender) -> Reply:
    """Store the entry with its link to the message; the private confirmation with its effects.
    FormInvalid when not (nothing stored)."""
    meeting = store.meeting(form.meeting_id)
    if meeting is None or meeting.channel_id != form.channel_id:
        # The form names its meeting and channel; only the meeting of the message's own channel.
        raise FormInvalid({"text": NOT_THIS_MEETING})
    try:
        gate.admit(store, rule_named(ADD_FROM_MESSAGE), sender, form, meeting=meeting)
    except Refusal as refusal:
        raise FormInvalid({"text": str(refusal)}) from None
    errors: dict[str, str] = {}
    agenda = {a.number: a for a in store.agenda(meeting.id)}
    if form.kind is None:
        errors["kind"] = "Vælg om det er et indlæg, en beslutning eller en opgave."
    text = form.text.strip()
    if not text:
        errors["text"] = "Skriv teksten, der skal stå i referatet."
    elif len(text) > MAX_TEXT:
        errors["text"] = f"Teksten er for lang ({len(text)} tegn); højst {MAX_TEXT}."
    if not agenda:
        # The form then has no item field, and Slack shows errors only beside fields it has.
        errors["text"] = " ".join(
            (errors.get("text", ""), "Mødet har ingen dagsorden endnu: sæt den med /referat dagsorden.")
        ).strip()
    elif form.item_number not in agenda:
        errors["item"] = "Vælg et punkt på dagsordenen."
    present = {p.id: p for p in store.participants(meeting.id) if not p.absent}
    speaker = present.get(form.speaker_id) if form.speaker_id is not None else None
    if form.speaker_id is not None and speaker is None:
        errors["speaker"] = "Vælg en af mødets deltagere."
    if form.kind is EntryKind.ACTION and form.due is not None and form.due < meeting.date:
        errors["due"] = f"Fristen ligger før mødet ({format_long_da(meeting.date)})."
    if (
        form.kind is EntryKind.ACTION
        and form.owner_user_id
        and not gate.may_own(store, meeting, form.owner_user_id, sender)
    ):
        errors["owner"] = gate.not_an_owner(form.owner_user_id)
    if form.kind is not EntryKind.ACTION and (form.owner_user_id or form.due):
        errors["kind"] = "Ansvarlig og frist hører til en opgave: vælg Opgave, eller ryd felterne."
    if errors:
        raise FormInvalid(errors)
    assert form.kind is not None
    assert form.item_number is not None
    owner = None
    if form.kind is EntryKind.ACTION and form.owner_user_id:
        linked = next((p for p in present.values() if p.slack_user_id == form.owner_user_id), None)
        owner = linked.name if linked else sender.user_name(form.owner_user_id)
    speakers = [speaker.id] if speaker is not None and form.kind is EntryKind.STATEMENT else []
    entry = store.add_entry_from_message(
        meeting.id,
        channel_id=form.channel_id,
        message_ts=form.message_ts,
        permalink=form.permalink,
        item_number=form.item_number,
        kind=form.kind,
        text=text,
        author_user_id=sender.user_id,
        now=sender.now,
        speaker_ids=speakers,
        owner=owner if form.kind is EntryKind.ACTION else None,
        owner_user_id=form.owner_user_id if form.kind is EntryKind.ACTION else None,
        due=form.due if form.kind is EntryKind.ACTION else None,
    )
    item = agenda[form.item_number]
    described = describe_entry(entry, [speaker] if speakers and speaker is not None else [], owner, entry.due)
    touched = Effects(
        actions=tuple(store.meeting_action_numbers(meeting.id)) if entry.kind is EntryKind.ACTION else (),
        meeting=meeting.id,
    )
    return Reply(
        f"Nr. {entry.seq} gemt under Ad {item.number} – {item.title}: {described}: «{clip(text, 200)}»",
        touched,
    )
