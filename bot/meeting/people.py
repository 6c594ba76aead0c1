"""The meeting's frame, its people and its agenda: `start`, `ret møde`, `deltager`, `afbud`,
`fjern`, `referent`, `dagsorden`, `lukket`/`åben`, `godkendere`, `behandlet`, `aflys`.

Handlers the rule book (bot/rulebook/book.py) calls once its gate has admitted the sender (for
all but `start`, only the minute-taker); they write through the store and return the reply.
"""

from __future__ import annotations

from bot.meeting import parse as c
from bot.meeting.outcomes import ApproversRequested, Effects, Refusal, Reply, Sender, display_name
from bot.rulebook import gate
from bot.text.clip import clip
from bot.text.danish import and_list, counted
from bot.text.dates import format_long_da
from storage.records import Meeting
from storage.store import Store

CLOSED_MARK = " (lukket)"


def _close_item(store: Store, meeting: Meeting, number: int, closed: bool, sender: Sender) -> Reply:
    item = store.set_item_closed(meeting.id, number, closed, user_id=sender.user_id, now=sender.now)
    if item is None:
        raise Refusal(c.unknown_item_message(number, [(a.number, a.title) for a in store.agenda(meeting.id)]))
    if closed:
        return Reply(
            f"Punkt {item.number} – {item.title} er lukket: kun deltagerne og referenten kan læse det, og "
            "kun privat. Udkastet i kanalen viser overskriften og «Punktet blev behandlet for lukkede døre.»; "
            f"en beslutning kan vises med `/referat ad {item.number} beslutning (offentlig): …`."
        )
    return Reply(f"Punkt {item.number} – {item.title} er åbent igen.")


def _edit_meeting(store: Store, meeting: Meeting, frame: c.StartMeeting, sender: Sender) -> Reply:
    changed = store.update_meeting(
        meeting.id,
        title=frame.title,
        date=frame.date if frame.date_given else None,
        place=frame.place,
        time_of_day=frame.time_of_day,
        user_id=sender.user_id,
        now=sender.now,
    )
    place = f"\nSted: {changed.place}" if changed.place else ""
    return Reply(f"Mødet er rettet: {changed.title}\nDato: {format_long_da(changed.date)}{place}")


def _remove(store: Store, meeting: Meeting, command: c.RemovePerson, sender: Sender) -> Reply:
    """`fjern`: a mention matches the Slack user, a name the whole name (never a first name alone)."""
    people = store.participants(meeting.id)
    if command.user_id:
        person = next((p for p in people if p.slack_user_id == command.user_id), None)
    else:
        wanted = " ".join((command.name or "").split()).casefold()
        person = next((p for p in people if " ".join(p.name.split()).casefold() == wanted), None)
    if person is None:
        listed = ", ".join(p.name for p in people) or "ingen"
        raise Refusal(f"{command.name or 'Personen'} står ikke på listen. På listen: {listed}.")
    used = [
        e.seq
        for e in store.entries(meeting.id)
        if person.id in (e.speaker_ids or (e.speaker_id,))
        or (person.slack_user_id and e.owner_user_id == person.slack_user_id)
        or (not e.owner_user_id and e.owner == person.name)
        or (e.vote is not None and person.id in e.vote.voter_ids)  # named in a vote
    ]
    if used:
        numbers = and_list([f"nr. {n}" for n in used])
        raise Refusal(
            f"{person.name} har noteringer ({numbers}) og kan ikke fjernes. Ret eller slet dem først. "
            "Intet er ændret."
        )
    store.remove_participant(meeting.id, person.id, user_id=sender.user_id, now=sender.now)
    where = "afbud" if person.absent else "deltagerlisten"
    return Reply(f"Fjernet fra {where}: {display_name(person)}")


def _start(store: Store, command: c.StartMeeting, sender: Sender) -> Reply:
    meeting = store.create_meeting(
        title=command.title,
        date=command.date,
        place=command.place,
        time_of_day=command.time_of_day,
        channel_id=sender.channel_id,
        starter_user_id=sender.user_id,
        now=sender.now,
        team_id=sender.team_id,
        enterprise_id=sender.enterprise_id,
    )
    date_note = "" if command.date_given else " (ingen dato angivet: dags dato)"
    place = f"\nSted: {meeting.place}" if meeting.place else ""
    return Reply(
        f"Mødet er startet: {meeting.title}\n"
        f"Dato: {format_long_da(meeting.date)}{date_note}{place}\n"
        "Du er referent. Tilføj deltagere med `/referat deltager`, dagsorden med `/referat dagsorden`, "
        "og log med `/referat ad <nr> <tekst>`.",
        Effects(meeting=meeting.id),
    )


def _participant(
    store: Store, meeting: Meeting, command: c.AddParticipant | c.AddAbsent, sender: Sender
) -> Reply:
    name = command.name
    if not name and command.user_id:
        name = sender.user_name(command.user_id)
        if not name:
            raise Refusal(
                f"Kunne ikke slå navnet op for <@{command.user_id}>. Skriv navnet efter nævnelsen, "
                "fx `/referat deltager @helle Helle Kyndesen | Politidirektør | politiet`."
            )
    if not name:
        raise Refusal(c.help_text("afbud" if isinstance(command, c.AddAbsent) else "deltager"))
    absent = isinstance(command, c.AddAbsent)
    participant, created = store.add_participant(
        meeting.id,
        name=name,
        title=command.title,
        organisation=command.organisation,
        absent=absent,
        slack_user_id=command.user_id,
        initials=command.initials,
        user_id=sender.user_id,
        now=sender.now,
    )
    verb = "Tilføjet" if created else "Opdateret"
    where = (
        "under Afbud"
        if absent
        else (f"under «Fra {participant.organisation}»" if participant.organisation else "under Deltagere")
    )
    return Reply(f"{verb} {where}: {display_name(participant)}", Effects(meeting=meeting.id))


# ---------------------------------------------------------------- the handlers the rule book names


def _with_canvas(reply: Reply, meeting: Meeting) -> Reply:
    """The reply, with the meeting named as changed: its thread and live canvas follow."""
    return Reply(reply.text, reply.effects | Effects(meeting=meeting.id))


def start(store: Store, meeting: Meeting | None, command: c.StartMeeting, sender: Sender) -> Reply:
    return _start(store, command, sender)


def edit_meeting(store: Store, meeting: Meeting | None, command: c.EditMeeting, sender: Sender) -> Reply:
    assert meeting is not None
    return _with_canvas(_edit_meeting(store, meeting, command.meeting, sender), meeting)


def add_person(
    store: Store, meeting: Meeting | None, command: c.AddParticipant | c.AddAbsent, sender: Sender
) -> Reply:
    assert meeting is not None
    return _participant(store, meeting, command, sender)


def remove_person(store: Store, meeting: Meeting | None, command: c.RemovePerson, sender: Sender) -> Reply:
    assert meeting is not None
    return _with_canvas(_remove(store, meeting, command, sender), meeting)


def hand_over(store: Store, meeting: Meeting | None, command: c.HandOver, sender: Sender) -> Reply:
    assert meeting is not None
    store.set_minute_taker(meeting.id, command.user_id, user_id=sender.user_id, now=sender.now)
    return Reply(
        f"<@{command.user_id}> er nu referent for {meeting.title}. Du kan ikke længere ændre mødets opsætning.",
        Effects(meeting=meeting.id),
    )


def set_agenda(store: Store, meeting: Meeting | None, command: c.SetAgenda, sender: Sender) -> Reply:
    assert meeting is not None
    agenda = store.set_agenda(
        meeting.id,
        [(i.number, i.title, i.bullets, i.background) for i in command.items],
        user_id=sender.user_id,
        now=sender.now,
        closed=[i.number for i in command.items if i.closed],
    )
    lines = [f"{a.number}. {a.title}{CLOSED_MARK if a.closed else ''}" for a in agenda]
    return Reply("Dagsordenen er gemt:\n" + "\n".join(lines), Effects(meeting=meeting.id))


def close_item(store: Store, meeting: Meeting | None, command: c.CloseItem, sender: Sender) -> Reply:
    assert meeting is not None
    reply = _close_item(store, meeting, command.number, command.closed, sender)
    return Reply(reply.text, Effects(meeting=meeting.id))


def set_approvers(
    store: Store, meeting: Meeting | None, command: c.SetApprovers, sender: Sender
) -> ApproversRequested:
    assert meeting is not None
    # Approvers are sent the version to approve: only people of the meeting or its channel.
    outside = [u for u in command.user_ids if not gate.may_own(store, meeting, u, sender)]
    if outside:
        raise Refusal(
            f"<@{outside[0]}> kan ikke være godkender: vedkommende er hverken deltager i mødet eller medlem af "
            "kanalen og må ikke få referatet tilsendt. Intet er ændret."
        )
    return ApproversRequested(meeting, tuple(command.user_ids))


def mark_comment_handled(
    store: Store, meeting: Meeting | None, command: c.MarkCommentHandled, sender: Sender
) -> Reply:
    assert meeting is not None
    number = command.number
    comments = store.comments(meeting.id)
    if not 1 <= number <= len(comments):
        raise Refusal(
            f"Der er ingen kommentar nr. {number}. Mødet har {counted(len(comments), 'kommentar')}; "
            "numrene står i `/referat status`."
        )
    chosen = comments[number - 1]
    if not store.mark_comment_handled(meeting.id, chosen.id, user_id=sender.user_id, now=sender.now):
        return Reply(f"Kommentar nr. {number} var allerede behandlet.")
    return Reply(
        f"Kommentar nr. {number} er behandlet: «{clip(chosen.text, 120)}»", Effects(meeting=meeting.id)
    )


def cancel(store: Store, meeting: Meeting | None, command: c.CancelMeeting, sender: Sender) -> Reply:
    assert meeting is not None
    store.cancel_meeting(meeting.id, user_id=sender.user_id, now=sender.now)
    return Reply(
        f"Mødet er aflyst: {meeting.title}, {format_long_da(meeting.date)}. Det bliver i arkivet, "
        "markeret som aflyst. Start et nyt møde med `/referat start`.",
        Effects(actions=tuple(store.meeting_action_numbers(meeting.id)), meeting=meeting.id),
    )
