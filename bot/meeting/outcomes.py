"""Who asks, and what a handler hands back: a reply or a request, with the effects it caused.

Handlers (bot/meeting/entries.py, people.py, actions.py, status.py) never talk to Slack: they
return an outcome carrying its `Effects` (the actions touched, App Homes to publish again, the
meeting whose thread and canvas show the change), and the Slack side performs them
(bot/slack/effects.py). Nothing afterwards re-reads the command to find out what it touched.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.archive.access import Directory
from bot.text.people import with_initials
from storage.errors import ReferatError
from storage.records import Addition, Meeting, Participant


class Refusal(ReferatError):
    """The command cannot be carried out; the message tells the user why. Nothing was stored."""


@dataclass(frozen=True)
class Sender:
    user_id: str
    channel_id: str
    now: dt.datetime
    # Resolves a Slack user id to a display name (users.info in Slack, the roster in the console).
    user_name: Callable[[str], str | None]
    # The workspace a meeting started by this command belongs to (the installation's).
    team_id: str | None = None
    enterprise_id: str | None = None
    # Slack's facts for the rule book's roles that Slack decides (channel member, reader);
    # None where the caller has none (unit tests of a handler): those roles are then not held.
    directory: Directory | None = None
    # Slack itself vouches that the sender is in `channel_id` (a slash command is only sent from a
    # conversation its user can write in); a channel named by a form or a button is never vouched.
    vouched: bool = False


@dataclass(frozen=True)
class Effects:
    """What a handler touched, for the Slack side to follow up after the acknowledgement."""

    actions: tuple[int, ...] = ()  # action numbers: reminders re-synced, owners' App Homes republished
    homes: tuple[str, ...] = ()  # people whose App Home shows something that changed
    meeting: int | None = None  # the meeting whose draft thread and canvas show the change

    def __or__(self, other: Effects) -> Effects:
        return Effects(
            tuple(dict.fromkeys((*self.actions, *other.actions))),
            tuple(dict.fromkeys((*self.homes, *other.homes))),
            self.meeting if self.meeting is not None else other.meeting,
        )


NO_EFFECTS = Effects()


@dataclass(frozen=True)
class Reply:
    """An answer only the sender sees."""

    text: str
    effects: Effects = field(default=NO_EFFECTS)


@dataclass(frozen=True)
class DraftRequested:
    """`/referat udkast`: the caller compiles and posts the draft (it needs Slack)."""

    meeting: Meeting
    effects: Effects = field(default=NO_EFFECTS)


@dataclass(frozen=True)
class QuestionAsked:
    question: str
    effects: Effects = field(default=NO_EFFECTS)


@dataclass(frozen=True)
class ApproversRequested:
    meeting: Meeting
    user_ids: tuple[str, ...]
    effects: Effects = field(default=NO_EFFECTS)


@dataclass(frozen=True)
class ExportRequested:
    meeting: Meeting
    format: str | None
    aktindsigt: int | None = None  # the item of an aktindsigt extract, instead of the referat
    effects: Effects = field(default=NO_EFFECTS)


@dataclass(frozen=True)
class AdditionRequested:
    """`/referat tilføjelse`: stored; the caller posts it in the draft's thread for approval."""

    meeting: Meeting
    addition: Addition
    effects: Effects = field(default=NO_EFFECTS)


Outcome = AdditionRequested | Reply | DraftRequested | QuestionAsked | ApproversRequested | ExportRequested


NO_MEETING = (
    "Der er intet møde i gang i denne kanal. Start et med "
    "`/referat start <titel> | <dato> | <sted>`, fx `/referat start Kredsrådsmøde i Holstebro Kommune | "
    "19. marts 2024 | rådhuset i Holstebro`."
)


def display_name(p: Participant) -> str:
    """`Formand Ida Holm (IH)`: title, name and the initials entries may use for them."""
    return with_initials(f"{p.title} {p.name}" if p.title else p.name, p.initials)
