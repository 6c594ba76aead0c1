"""The one gate every surface calls before an action: the rule's meeting, its state, and who may.

`admit` reads only the rule's declaration (bot/rulebook/declare.py): it finds the meeting (the
sender's channel's, or as the rule locates it), checks that the sender holds one of the rule's
roles, then that the meeting is in the state the rule needs, and returns the meeting. A refusal
says who may, in Danish, and nothing has been stored. Roles that Slack decides (channel member,
reader) are asked of the `Directory` in the sender only when no cheaper role admits.
"""

from __future__ import annotations

from typing import Any

from bot.approval import service as approval
from bot.approval.rules import not_approver
from bot.archive import access
from bot.meeting.outcomes import NO_MEETING, Refusal, Sender
from bot.rulebook.declare import Needs, Role, Rule
from bot.text.danish import and_list
from bot.text.dates import format_long_da, format_stamp
from storage.records import Meeting, MeetingStatus
from storage.store import Store


def admit(
    store: Store, rule: Rule, sender: Sender, command: Any = None, *, meeting: Meeting | None = None
) -> Meeting | None:
    """The meeting the action is on (None for rules that need none); Refusal when refused.

    `meeting`: the meeting the caller found from Slack's own account (the clicked message's draft);
    otherwise the rule locates it, by default as the current meeting of the sender's channel.
    """
    if meeting is None and rule.needs is not Needs.NOTHING:
        if rule.locate is not None:
            meeting = rule.locate(store, command, sender)
        else:
            meeting = store.current_meeting(sender.channel_id, sender.team_id)
        if meeting is None:
            raise Refusal(NO_MEETING)
    if meeting is not None and not _same_workspace(meeting, sender):
        # A meeting of another workspace (a forged id, an equal channel id elsewhere) is no meeting here.
        raise Refusal(NO_MEETING)
    if Role.ANYONE not in rule.who:
        assert meeting is not None, f"rule {rule.name} names roles but needs no meeting"
        subject = rule.subject(store, meeting, command, sender) if rule.subject else None
        if not any(holds(store, role, meeting, sender, subject) for role in rule.who):
            raise Refusal(refusal(store, rule, meeting, sender, subject))
    if meeting is not None:
        _check_state(rule, meeting)
    return meeting


def _same_workspace(meeting: Meeting, sender: Sender) -> bool:
    """Whether the sender acts in the meeting's workspace; unknown on either side decides nothing."""
    return not (meeting.team_id and sender.team_id) or meeting.team_id == sender.team_id


def holds(
    store: Store, role: Role, meeting: Meeting, sender: Sender, subject: tuple[str | None, str] | None = None
) -> bool:
    """Whether the sender holds `role` for `meeting` (`subject`: the AUTHOR/OWNER of the thing)."""
    user = sender.user_id
    match role:
        case Role.ANYONE:
            return True
        case Role.MINUTE_TAKER:
            return bool(meeting.starter_user_id) and user == meeting.starter_user_id
        case Role.PARTICIPANT:
            return any(p.slack_user_id == user and not p.absent for p in store.participants(meeting.id))
        case Role.APPROVER:
            return user in approvers(store, meeting)
        case Role.AUTHOR | Role.OWNER:
            return subject is not None and subject[0] is not None and subject[0] == user
        case Role.CHANNEL_MEMBER:
            return _channel_member(meeting, sender)
        case Role.READER:
            if _channel_member(meeting, sender):
                return True
            facts = access.meeting_facts(store, meeting.id)
            return (
                sender.directory is not None
                and facts is not None
                and access.may_act(user, facts, sender.directory)
            )
    return False


def approvers(store: Store, meeting: Meeting) -> tuple[str, ...]:
    """Who approves now: the approved referat's approvers (its additions), else the newest version's."""
    if meeting.status is MeetingStatus.APPROVED:
        return approval.addition_approvers(store, meeting)
    return approval.approver_ids(store, meeting, store.latest_draft(meeting.id))


def _channel_member(meeting: Meeting, sender: Sender) -> bool:
    if not meeting.channel_id:
        return False
    if sender.vouched and sender.channel_id == meeting.channel_id:
        return True
    if sender.directory is None:
        return False
    return sender.user_id in (sender.directory.members(meeting.channel_id) or ())


NOT_APPROVED_YET = (
    "Referatet er ikke godkendt endnu, så ret indlæggene direkte (`/referat ret`) og lav et nyt udkast. "
    "Tilføjelser er til et godkendt referat. Intet er gemt."
)


def _check_state(rule: Rule, meeting: Meeting) -> None:
    match rule.needs:
        case Needs.OPEN:
            refuse_unless_open(meeting)
        case Needs.APPROVED:
            if meeting.status is not MeetingStatus.APPROVED:
                raise Refusal(NOT_APPROVED_YET)


def refuse_unless_open(meeting: Meeting) -> None:
    """Refuse every change to a cancelled or approved meeting, saying which and what to do instead."""
    if meeting.status is MeetingStatus.CANCELLED:
        raise Refusal(
            f"Mødet {meeting.title} ({format_long_da(meeting.date)}) er aflyst og kan ikke ændres. "
            "Start et nyt møde med `/referat start`."
        )
    if meeting.status is MeetingStatus.APPROVED:
        at = f" {format_stamp(meeting.approved_utc)}" if meeting.approved_utc else ""
        raise Refusal(
            f"Referatet af {meeting.title} er godkendt{at} og kan ikke længere ændres. "
            "Start et nyt møde med `/referat start`."
        )


# What a refusal calls each role: (a group, or a person named when known).
_LABEL = {
    Role.MINUTE_TAKER: "referenten",
    Role.PARTICIPANT: "mødets deltagere",
    Role.APPROVER: "godkenderne",
    Role.AUTHOR: "den, der skrev indlægget",
    Role.OWNER: "den ansvarlige",
    Role.CHANNEL_MEMBER: "medlemmer af mødets kanal",
    Role.READER: "de, der må læse mødet",
    Role.ANYONE: "alle",
}


def refusal(
    store: Store, rule: Rule, meeting: Meeting, sender: Sender, subject: tuple[str | None, str] | None
) -> str:
    """`Kun referenten (<@U>) kan sætte dagsordenen. …`: who may, and whom to ask."""
    if rule.who == (Role.APPROVER,):
        names = approval.names_for(store, meeting, sender.user_name)
        return not_approver(approvers(store, meeting), names)
    one_person = any(r in (Role.AUTHOR, Role.OWNER) for r in rule.who)
    labels = []
    for role in rule.who:
        label = _LABEL[role]
        if role is Role.MINUTE_TAKER and meeting.starter_user_id and (one_person or len(rule.who) == 1):
            label += f" (<@{meeting.starter_user_id}>)"
        elif role in (Role.AUTHOR, Role.OWNER) and subject is not None:
            label += f" ({subject[1]})"
        labels.append(label)
    joined = and_list(labels, "eller" if one_person else "og")
    text = f"Kun {joined} kan {rule.what}."
    first = rule.who[0]
    if first is Role.MINUTE_TAKER:
        text += " Bed referenten om det, eller om at give dig rollen med `/referat referent @dig`."
    elif first is Role.PARTICIPANT:
        text += " Bed referenten tilføje dig med `/referat deltager @dig`."
    return text + " Intet er ændret."


# --------------------------------------------------------------------------------------------
# Who may own an action, and who may receive anything of a meeting


def may_own(store: Store, meeting: Meeting, user_id: str, sender: Sender) -> bool:
    """An action's owner: a participant of the meeting (or its minute-taker), or a member of its
    channel. Anyone else would be sent the action's text by reminder, so is never an owner."""
    if user_id == meeting.starter_user_id:
        return True
    if any(p.slack_user_id == user_id for p in store.participants(meeting.id)):
        return True
    if sender.directory is None or not meeting.channel_id:
        return False
    return user_id in (sender.directory.members(meeting.channel_id) or ())


def not_an_owner(user_id: str) -> str:
    return (
        f"<@{user_id}> kan ikke være ansvarlig for en opgave i dette møde: vedkommende er hverken deltager i "
        "mødet eller medlem af kanalen og må ikke få mødets tekst tilsendt. Tilføj personen med "
        "`/referat deltager`, eller skriv navnet uden @. Intet er gemt."
    )


def may_receive(
    store: Store, meeting: Meeting, item_number: int | None, user_id: str, directory: access.Directory
) -> bool:
    """Whether anything of the meeting (of item `item_number`) may be sent to `user_id` privately:
    a reminder, an App Home line. Readers of the meeting only; a closed item only to its readers."""
    facts = access.meeting_facts(store, meeting.id)
    if facts is None or not access.may_read(directory.person(user_id), facts, directory):
        return False
    return item_number not in facts.closed_items or access.sees_closed_items(user_id, facts)
