"""Actions (opgaver) followed up: `opgaver`, `udført`, and `næste`, the next meeting whose agenda
follows them up. Handlers the rule book (bot/rulebook/book.py) calls once its gate has admitted
the sender; closed items' actions reach only their readers (`readable_actions`).
"""

from __future__ import annotations

from bot.meeting import followup
from bot.meeting import parse as c
from bot.meeting.outcomes import Effects, Refusal, Reply, Sender, display_name
from bot.rulebook import gate
from bot.text.clip import clip
from bot.text.dates import format_long_da
from storage.records import Action, Meeting, MeetingStatus
from storage.store import Store

_QUOTE = 200


def readable_meetings(store: Store, sender: Sender) -> list[Meeting]:
    """The meetings whose actions the sender may list here: those of the channel they write in.

    The access rules (bot/archive/access.py) let a channel's members read its meetings, and only a
    member can type in it; closed items are left out by `readable_actions`.
    """
    return store.channel_meetings(sender.channel_id, sender.team_id)


def readable_actions(store: Store, actions: list[Action], reader: str | None) -> list[Action]:
    """`actions` without those on closed items `reader` may not read (None: a listing for all)."""
    facts = {f.meeting_id: f for mid in {a.meeting.id for a in actions} for f in store.access_facts(mid)}
    return followup.without_closed(actions, facts, reader)


def _list_actions(store: Store, command: c.ListActions, sender: Sender) -> str:
    today = followup.local_today(sender.now)
    meetings = readable_meetings(store, sender)
    state = "" if command.include_done else "åbne "
    if not meetings:
        # A direct message with the bot, or a channel without meetings: only the sender's own
        # actions, which they were told about anyway (reminders name them too).
        if command.owner_user_id not in (None, sender.user_id):
            raise Refusal(
                "Her er ingen møder. Skriv kommandoen i mødets kanal for at se andres opgaver, "
                "eller skriv `/referat opgaver mine`."
            )
        actions = readable_actions(
            store,
            store.actions(owner_user_id=sender.user_id, include_done=command.include_done),
            sender.user_id,
        )
        if sender.directory is not None:
            # Only meetings they may still read (an owner who left the channel sees no more of it).
            directory = sender.directory
            actions = [
                a
                for a in actions
                if gate.may_receive(store, a.meeting, a.entry.item_number, sender.user_id, directory)
            ]
        return followup.actions_text(
            actions, today, heading=f"Dine {state}opgaver", empty=f"Du har ingen {state}opgaver."
        )
    owner = sender.user_id if command.mine else command.owner_user_id
    actions = readable_actions(
        store,
        store.actions(
            meeting_ids=[m.id for m in meetings], owner_user_id=owner, include_done=command.include_done
        ),
        sender.user_id,
    )
    if owner == sender.user_id:
        heading, empty = f"Dine {state}opgaver", f"Du har ingen {state}opgaver fra kanalens møder."
    elif owner is not None:
        heading, empty = f"{state}opgaver for <@{owner}>", f"<@{owner}> har ingen {state}opgaver."
    else:
        heading, empty = (
            f"{state}opgaver fra kanalens møder",
            f"Der er ingen {state}opgaver fra kanalens møder.",
        )
    heading = heading[0].upper() + heading[1:]
    return followup.actions_text(actions, today, heading=heading, empty=empty)


def _mark_done(store: Store, number: int, note: str | None, sender: Sender) -> Reply:
    action = store.action(number)
    if action is None:
        raise Refusal(f"Der er ingen opgave nr. {number}. Se numrene med `/referat opgaver`.")
    if action.done:
        raise Refusal(f"Opgave nr. {number} er allerede {followup.done_label(action)}.")
    done = store.mark_action_done(number, user_id=sender.user_id, note=note, now=sender.now)
    noted = f" Bemærkning: «{clip(note, _QUOTE)}»" if note else ""
    return Reply(
        f"Opgave nr. {number} er {followup.done_label(done)}: «{clip(done.entry.text, _QUOTE)}» "
        f"({followup.meeting_label(done.meeting)}).{noted} Referatet er uændret."
    )


def _next_meeting(store: Store, command: c.NextMeeting, sender: Sender) -> Reply:
    previous = store.current_meeting(sender.channel_id, sender.team_id)
    if previous is None:
        raise Refusal(
            "Der er intet tidligere møde i kanalen at fortsætte fra. Start et med "
            "`/referat start <titel> | <dato> | <sted>`."
        )
    if previous.status is MeetingStatus.OPEN and store.latest_draft(previous.id) is None:
        raise Refusal(
            f"{previous.title} den {format_long_da(previous.date)} er stadig i gang og har intet udkast. "
            "Lav udkastet med `/referat udkast`, før du starter det næste møde."
        )
    approved = previous.status is MeetingStatus.APPROVED
    today = followup.local_today(sender.now)
    # The new agenda is read by everyone at the next meeting: no action on a closed item.
    open_actions = followup.in_follow_up_order(
        readable_actions(
            store, store.actions(meeting_ids=[m.id for m in readable_meetings(store, sender)]), None
        ),
        today,
    )
    agenda = followup.next_agenda(previous, approved=approved, open_actions=open_actions)
    meeting = store.start_next_meeting(
        previous,
        date=command.date or today,
        place=command.place or previous.place,
        time_of_day=command.time_of_day,
        starter_user_id=sender.user_id,
        agenda=[(a.number, a.title, a.bullets, a.background) for a in agenda],
        now=sender.now,
    )
    people = store.participants(meeting.id)
    date_note = "" if command.date else " (ingen dato angivet: dags dato)"
    lines = [
        f"Næste møde er startet: {meeting.title}",
        f"Dato: {format_long_da(meeting.date)}{date_note}",
    ]
    if meeting.place:
        lines.append(f"Sted: {meeting.place}")
    lines.append(f"Deltagere fra sidste møde: {', '.join(display_name(p) for p in people) or 'ingen'}")
    lines.append("Dagsorden:")
    for item in agenda:
        lines.append(f"{item.number}. {item.title}")
        lines += [f"   - {b}" for b in item.bullets]
    lines.append(
        "Du er referent. Ret dagsordenen med `/referat dagsorden`, og notér afbud med `/referat afbud`."
    )
    # The new meeting takes the channel's live canvas over.
    return Reply("\n".join(lines), Effects(meeting=meeting.id))


# ---------------------------------------------------------------- the handlers the rule book names


def list_actions(store: Store, meeting: Meeting | None, command: c.ListActions, sender: Sender) -> Reply:
    return Reply(_list_actions(store, command, sender))


def mark_done(store: Store, meeting: Meeting | None, command: c.MarkDone, sender: Sender) -> Reply:
    reply = _mark_done(store, command.number, command.note, sender)
    return Reply(reply.text, Effects(actions=(command.number,), homes=(sender.user_id,)))


def next_meeting(store: Store, meeting: Meeting | None, command: c.NextMeeting, sender: Sender) -> Reply:
    return _next_meeting(store, command, sender)


def action_meeting(store: Store, command: c.MarkDone, sender: Sender) -> Meeting:
    """`udført <nr>`: the meeting the action was logged in, wherever the command is typed."""
    action = store.action(command.number)
    if action is None:
        raise Refusal(f"Der er ingen opgave nr. {command.number}. Se numrene med `/referat opgaver`.")
    return action.meeting


def action_owner(
    store: Store, meeting: Meeting, command: c.MarkDone, sender: Sender
) -> tuple[str | None, str]:
    """`udført <nr>`: the action's owner, for the gate's OWNER role."""
    action = store.action(command.number)
    if action is None:
        raise Refusal(f"Der er ingen opgave nr. {command.number}. Se numrene med `/referat opgaver`.")
    return action.entry.owner_user_id, followup.owner_label(action) or "den ansvarlige"


def previous_meeting(store: Store, command: c.NextMeeting, sender: Sender) -> Meeting:
    """`næste`: the channel's latest meeting, which the next one continues."""
    previous = store.current_meeting(sender.channel_id, sender.team_id)
    if previous is None:
        raise Refusal(
            "Der er intet tidligere møde i kanalen at fortsætte fra. Start et med "
            "`/referat start <titel> | <dato> | <sted>`."
        )
    return previous
