"""What a rule in the rule book declares: where an action is offered, what it needs, who may take it.

One `Rule` per action a person can take (a subcommand, a button, a modal, the message shortcut,
App Home's button, an export, a scheduled reminder). The gate (bot/rulebook/gate.py) reads the
declaration and nothing else to admit or refuse; the handler then does the work and returns its
effects. Pure declarations: no Slack, no store.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum, StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.meeting.outcomes import Outcome, Sender
    from storage.records import Meeting
    from storage.store import Store


class Role(StrEnum):
    """Who a person is to a meeting. A rule admits a person holding any one of its roles."""

    MINUTE_TAKER = "referent"  # the meeting's minute-taker (referenten)
    PARTICIPANT = "deltager"  # an attending participant linked to the person's Slack user
    APPROVER = "godkender"  # an approver of the newest version (or of the approved referat)
    AUTHOR = "forfatter"  # wrote the entry acted on (the rule's `subject` says which)
    OWNER = "ansvarlig"  # owns the action acted on (the rule's `subject` says which)
    CHANNEL_MEMBER = "kanalmedlem"  # a member of the meeting's channel
    READER = "læser"  # anyone who may read the meeting (bot/archive/access.py decides)
    ANYONE = "alle"  # no meeting-bound check (what is shown is still filtered by access)


class Needs(Enum):
    """What state of meeting an action needs; refused with a clear reason otherwise."""

    NOTHING = "intet møde"  # works without a meeting (help, questions, the sender's own actions)
    MEETING = "et møde"  # the meeting, whatever its state (status, export, draft)
    OPEN = "et åbent møde"  # refused once the meeting is approved or cancelled
    APPROVED = "et godkendt møde"  # only after approval (additions)


class Surface(StrEnum):
    """Where an action is offered. The console sends what Slack sends, so it shares these."""

    SLASH = "/referat"
    MENTION = "omtale"  # @referat in a channel
    DM = "direkte besked"
    THREAD = "svar i tråd"  # a reply in a draft's thread
    SHORTCUT = "genvej"  # the message shortcut
    MODAL = "formular"
    BUTTON = "knap"
    HOME = "App Home"
    EXPORT = "fil"
    REMINDER = "påmindelse"  # a scheduled direct message
    CANVAS = "lærred"  # the channel's canvas with the live referat


class Effect(StrEnum):
    """Kinds of effects a handler may return (bot/meeting/outcomes.Effects); declared per rule."""

    ACTIONS = "opgaver"  # actions touched: their reminders and their owners' App Homes follow
    HOMES = "App Home"  # people whose App Home changes
    THREAD = "tråd"  # the draft's thread / canvas shows the change
    DRAFT = "udkast"  # a new version is posted for approval
    FILE = "fil"  # a file is posted


# A handler: the store, the meeting the gate admitted (None for Needs.NOTHING), the parsed
# command, and who asked; it returns an outcome with its effects, or raises Refusal.
Handler = Callable[["Store", "Meeting | None", Any, "Sender"], "Outcome"]
# How the meeting of an action is found when it is not the channel's current meeting.
Locate = Callable[["Store", Any, "Sender"], "Meeting | None"]
# Who the AUTHOR/OWNER of the thing acted on is: (user id or None, how to name them), or None
# when there is no such thing (the handler then says so).
Subject = Callable[["Store", "Meeting", Any, "Sender"], "tuple[str | None, str] | None"]


@dataclass(frozen=True)
class Rule:
    """One action, declared once. Its row in the manual's table is generated from it."""

    name: str  # unique; a subcommand's Danish word (`ad`), else a short Danish label
    summary: str  # help text: what it does, in Danish
    surfaces: frozenset[Surface]
    needs: Needs
    who: tuple[Role, ...]  # any one of these admits; the first names who to ask in a refusal
    what: str  # the refusal's verb phrase: "Kun referenten kan {what}."
    handler: Handler | None = None  # None: performed by its Slack listener after the gate
    command: type | None = None  # the parsed command (bot/meeting/commands.py) it handles
    effects: frozenset[Effect] = frozenset()
    locate: Locate | None = None  # default: the current meeting of the sender's channel
    subject: Subject | None = None  # for AUTHOR and OWNER
    # When several rules handle one command type (`protokollat`, `inhabil`, `fravær` are all an
    # `ItemNote`): which commands of that type are this rule's.
    match: Callable[[Any], bool] | None = None
    also: tuple[str, ...] = ()  # other subcommand words this rule answers to (`lukket` also `åben`)
    # Readers of a closed item only: recipients and viewers of the action's item are checked
    # against bot/archive/access.py (reminders, App Home). Documentation for the table.
    note: str = ""
