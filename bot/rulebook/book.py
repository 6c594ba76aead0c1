"""Every action a person can take, declared once: the rule book.

Each `Rule` says where the action is offered, what state of meeting it needs, who may take it,
which handler does it and what it touches. The gate (bot/rulebook/gate.py) admits by these
declarations and nothing else; the manual's table (docs/manual.md) is generated from them
(bot/rulebook/table.py), and tests/unit/test_rulebook_matrix.py tries every rule with every kind of
person. To add an action, add a `Rule` here (docs/architecture.md, "How to add an action").
"""

from __future__ import annotations

from typing import Any

from bot.meeting import actions, council, entries, people, status
from bot.meeting import parse as c
from bot.rulebook.declare import Effect, Needs, Role, Rule, Surface
from storage.records import EntryKind

S = Surface
SLASH = frozenset({S.SLASH})
MINUTE_TAKER = (Role.MINUTE_TAKER,)
IN_MEETING = (Role.PARTICIPANT, Role.MINUTE_TAKER)


def _kind(kind: EntryKind) -> Any:
    return lambda command: command.kind is kind


# --------------------------------------------------------------------------------------------
# `/referat` subcommands (the help text's usage and examples are in bot/meeting/subcommands.py)

SUBCOMMAND_RULES: tuple[Rule, ...] = (
    Rule(
        "start",
        "Start et møde i kanalen.",
        SLASH,
        Needs.NOTHING,
        (Role.ANYONE,),
        "starte et møde",
        people.start,
        c.StartMeeting,
    ),
    Rule(
        "deltager",
        "Tilføj en deltager.",
        SLASH,
        Needs.OPEN,
        MINUTE_TAKER,
        "tilføje deltagere og afbud",
        people.add_person,
        c.AddParticipant,
        frozenset({Effect.THREAD}),
    ),
    Rule(
        "afbud",
        "Notér et afbud.",
        SLASH,
        Needs.OPEN,
        MINUTE_TAKER,
        "tilføje deltagere og afbud",
        people.add_person,
        c.AddAbsent,
        frozenset({Effect.THREAD}),
    ),
    Rule(
        "dagsorden",
        "Sæt dagsordenen.",
        SLASH,
        Needs.OPEN,
        MINUTE_TAKER,
        "sætte dagsordenen",
        people.set_agenda,
        c.SetAgenda,
        frozenset({Effect.THREAD}),
    ),
    Rule(
        "ad",
        "Notér et indlæg, en beslutning eller en opgave.",
        SLASH,
        Needs.OPEN,
        IN_MEETING,
        "notere",
        entries.log_entry,
        c.LogEntry,
        frozenset({Effect.ACTIONS, Effect.HOMES, Effect.THREAD}),
    ),
    Rule(
        "fortryd",
        "Fortryd din seneste notering.",
        SLASH,
        Needs.OPEN,
        (Role.AUTHOR,),
        "fortryde sine egne noteringer",
        entries.undo,
        c.Undo,
        frozenset({Effect.ACTIONS, Effect.HOMES, Effect.THREAD}),
        subject=lambda store, meeting, command, sender: (
            entries.last_own_entry(store, meeting, sender).author_user_id,
            "dig",
        ),
    ),
    Rule(
        "ret",
        "Ret teksten i en notering.",
        SLASH,
        Needs.OPEN,
        (Role.AUTHOR, Role.MINUTE_TAKER),
        "rette det",
        entries.edit_entry,
        c.EditEntry,
        frozenset({Effect.ACTIONS, Effect.HOMES, Effect.THREAD}),
        subject=lambda store, meeting, command, sender: entries.entry_author(store, meeting, command.seq),
        note="et protokollat kun af den, der skrev det",
    ),
    Rule(
        "ret møde",
        "Ret mødets titel, dato og sted.",
        SLASH,
        Needs.OPEN,
        MINUTE_TAKER,
        "rette mødet",
        people.edit_meeting,
        c.EditMeeting,
        frozenset({Effect.THREAD}),
    ),
    Rule(
        "slet",
        "Slet en notering.",
        SLASH,
        Needs.OPEN,
        (Role.AUTHOR, Role.MINUTE_TAKER),
        "slette det",
        entries.delete_entry,
        c.DeleteEntry,
        frozenset({Effect.ACTIONS, Effect.HOMES, Effect.THREAD}),
        subject=lambda store, meeting, command, sender: entries.entry_author(store, meeting, command.seq),
        note="et protokollat kun af den, der skrev det",
    ),
    Rule(
        "fjern",
        "Fjern en deltager eller et afbud.",
        SLASH,
        Needs.OPEN,
        MINUTE_TAKER,
        "fjerne personer fra listen",
        people.remove_person,
        c.RemovePerson,
        frozenset({Effect.THREAD}),
    ),
    Rule(
        "aflys",
        "Aflys mødet.",
        SLASH,
        Needs.OPEN,
        MINUTE_TAKER,
        "aflyse mødet",
        people.cancel,
        c.CancelMeeting,
        frozenset({Effect.ACTIONS, Effect.HOMES, Effect.THREAD}),
    ),
    Rule(
        "behandlet",
        "Markér en kommentar som behandlet.",
        SLASH,
        Needs.OPEN,
        MINUTE_TAKER,
        "markere kommentarer som behandlet",
        people.mark_comment_handled,
        c.MarkCommentHandled,
        frozenset({Effect.THREAD}),
    ),
    Rule(
        "lukket",
        "Markér et punkt som lukket, eller åbent igen (`åben`).",
        SLASH,
        Needs.OPEN,
        MINUTE_TAKER,
        "lukke og åbne punkter",
        people.close_item,
        c.CloseItem,
        frozenset({Effect.THREAD}),
        also=("åben",),
    ),
    Rule(
        "referent",
        "Giv rollen som referent videre.",
        SLASH,
        Needs.OPEN,
        MINUTE_TAKER,
        "give rollen som referent videre",
        people.hand_over,
        c.HandOver,
    ),
    Rule(
        "status",
        "Vis mødet med numre.",
        SLASH,
        Needs.MEETING,
        (Role.READER,),
        "se mødet",
        status.show_status,
        c.ShowStatus,
    ),
    Rule(
        "udkast",
        "Saml et udkast og læg det til godkendelse.",
        SLASH,
        Needs.MEETING,
        IN_MEETING,
        "lave et udkast",
        status.compile_draft,
        c.CompileDraft,
        frozenset({Effect.DRAFT, Effect.HOMES, Effect.THREAD}),
    ),
    Rule(
        "protokollat",
        "Få din egen afvigende mening ført til protokol.",
        SLASH,
        Needs.OPEN,
        (Role.PARTICIPANT,),
        "få noget ført til protokol, og kun for sig selv",
        entries.note_on_item,
        c.ItemNote,
        frozenset({Effect.THREAD}),
        match=_kind(EntryKind.DISSENT),
    ),
    Rule(
        "inhabil",
        "Notér at en deltager var inhabil under et punkt.",
        SLASH,
        Needs.OPEN,
        MINUTE_TAKER,
        "notere inhabilitet",
        entries.note_on_item,
        c.ItemNote,
        frozenset({Effect.THREAD}),
        match=_kind(EntryKind.CONFLICT),
    ),
    Rule(
        "fravær",
        "Notér at en deltager ikke deltog under et punkt.",
        SLASH,
        Needs.OPEN,
        MINUTE_TAKER,
        "notere fravær under et punkt",
        entries.note_on_item,
        c.ItemNote,
        frozenset({Effect.THREAD}),
        match=_kind(EntryKind.AWAY),
    ),
    Rule(
        "afstemning",
        "Notér en afstemning under et punkt.",
        SLASH,
        Needs.OPEN,
        MINUTE_TAKER,
        "notere afstemninger",
        council.record_vote,
        c.RecordVote,
        frozenset({Effect.THREAD}),
    ),
    Rule(
        "ankommet",
        "Notér at en deltager deltog fra et punkt.",
        SLASH,
        Needs.OPEN,
        MINUTE_TAKER,
        "notere ankomst",
        council.note_presence,
        c.ItemNote,
        frozenset({Effect.THREAD}),
        match=_kind(EntryKind.ARRIVED),
    ),
    Rule(
        "gået",
        "Notér at en deltager forlod mødet under et punkt.",
        SLASH,
        Needs.OPEN,
        MINUTE_TAKER,
        "notere at en deltager gik",
        council.note_presence,
        c.ItemNote,
        frozenset({Effect.THREAD}),
        match=_kind(EntryKind.LEFT),
    ),
    Rule(
        "tilføjelse",
        "Tilføj til et godkendt referat.",
        SLASH,
        Needs.APPROVED,
        MINUTE_TAKER,
        "lave tilføjelser",
        entries.addition,
        c.AddAddition,
        frozenset({Effect.THREAD}),
    ),
    Rule(
        "godkendere",
        "Vælg hvem der godkender referatet.",
        SLASH,
        Needs.OPEN,
        MINUTE_TAKER,
        "ændre godkenderne",
        people.set_approvers,
        c.SetApprovers,
        frozenset({Effect.DRAFT}),
    ),
    Rule(
        "eksport",
        "Hent referatet som fil.",
        SLASH | {S.EXPORT},
        Needs.MEETING,
        (Role.READER,),
        "hente referatet",
        status.export,
        c.Export,
        frozenset({Effect.FILE}),
        note="lukkede punkter kun til deres læsere, privat",
    ),
    Rule(
        "eksport aktindsigt",
        "Hent uddraget til aktindsigt af ét punkt: beslutninger og afstemninger.",
        SLASH,
        Needs.MEETING,
        (Role.READER,),
        "hente uddrag til aktindsigt",
        status.export_aktindsigt,
        c.ExportAktindsigt,
        frozenset({Effect.FILE}),
        note="et lukket punkt kun med en offentlig beslutning",
    ),
    Rule(
        "opgaver",
        "Vis opgaverne fra kanalens møder.",
        SLASH,
        Needs.NOTHING,
        (Role.ANYONE,),
        "se opgaver",
        actions.list_actions,
        c.ListActions,
        note="kanalens møder; lukkede punkter kun til deres læsere",
    ),
    Rule(
        "udført",
        "Markér en opgave som udført.",
        SLASH | {S.HOME},
        Needs.MEETING,
        (Role.OWNER, Role.MINUTE_TAKER),
        "markere opgaven udført",
        actions.mark_done,
        c.MarkDone,
        frozenset({Effect.ACTIONS, Effect.HOMES}),
        locate=actions.action_meeting,
        subject=actions.action_owner,
    ),
    Rule(
        "næste",
        "Start kanalens næste møde ud fra det seneste.",
        SLASH,
        Needs.MEETING,
        IN_MEETING,
        "starte det næste møde",
        actions.next_meeting,
        c.NextMeeting,
        locate=actions.previous_meeting,
        note="det seneste mødes deltagere og referent",
    ),
    Rule(
        "spørg",
        "Spørg i arkivet.",
        SLASH | {S.MENTION, S.DM},
        Needs.NOTHING,
        (Role.ANYONE,),
        "spørge",
        status.ask,
        c.Ask,
        note="svaret holder kun det, spørgeren må læse",
    ),
    Rule(
        "hjælp",
        "Vis hjælpen.",
        SLASH,
        Needs.NOTHING,
        (Role.ANYONE,),
        "se hjælpen",
        status.show_help,
        c.ShowHelp,
    ),
)


# --------------------------------------------------------------------------------------------
# Buttons, forms, the message shortcut, App Home and reminders: Slack-only surfaces whose
# listeners call the gate with the meeting they found from Slack's own account of the payload.

ADD_FROM_MESSAGE = "Tilføj til referat"
APPROVE = "Godkend"
APPROVE_WITH_RESERVATION = "Godkend med forbehold"
COMMENT = "Anmod om rettelser"
DOWNLOAD = "Hent som fil"
COMMENT_HANDLED = "Markér behandlet"
APPROVE_ADDITION = "Godkend tilføjelse"
FULL_ANSWER = "Hele svaret"
HOME = "App Home"
REMINDER = "Påmindelse"
CANVAS = "Lærred"

SLACK_RULES: tuple[Rule, ...] = (
    Rule(
        ADD_FROM_MESSAGE,
        "Tilføj en besked fra kanalen til referatet: genvejen åbner en formular.",
        frozenset({S.SHORTCUT, S.MODAL}),
        Needs.OPEN,
        IN_MEETING,
        "tilføje beskeder til referatet",
        effects=frozenset({Effect.ACTIONS, Effect.HOMES, Effect.THREAD}),
        note="kun mødet i beskedens egen kanal; en ansvarlig skal være deltager eller kanalmedlem",
    ),
    Rule(
        APPROVE,
        "Godkend udkastet (knappen, eller svar `godkendt` i tråden).",
        frozenset({S.BUTTON, S.THREAD}),
        Needs.MEETING,
        (Role.APPROVER,),
        "godkende referatet",
        effects=frozenset({Effect.HOMES, Effect.THREAD}),
        note="kun den nyeste version, og kun når intet er ændret siden den blev lagt frem",
    ),
    Rule(
        APPROVE_WITH_RESERVATION,
        "Godkend med et forbehold (knap og formular, eller svar i tråden).",
        frozenset({S.BUTTON, S.MODAL, S.THREAD}),
        Needs.MEETING,
        (Role.APPROVER,),
        "godkende referatet",
        effects=frozenset({Effect.HOMES, Effect.THREAD}),
        note="som Godkend",
    ),
    Rule(
        COMMENT,
        "Bed om rettelser til udkastet (knap og formular, eller et svar i tråden).",
        frozenset({S.BUTTON, S.MODAL, S.THREAD}),
        Needs.MEETING,
        (Role.READER,),
        "kommentere udkastet",
        effects=frozenset({Effect.THREAD}),
    ),
    Rule(
        DOWNLOAD,
        "Hent den viste version som fil.",
        frozenset({S.BUTTON, S.EXPORT}),
        Needs.MEETING,
        (Role.READER,),
        "hente udkastet",
        effects=frozenset({Effect.FILE}),
        note="lukkede punkter kun til deres læsere, privat",
    ),
    Rule(
        COMMENT_HANDLED,
        "Markér en kommentar i tråden som behandlet.",
        frozenset({S.BUTTON}),
        Needs.MEETING,
        MINUTE_TAKER,
        "markere kommentarer som behandlet",
        effects=frozenset({Effect.THREAD}),
    ),
    Rule(
        APPROVE_ADDITION,
        "Godkend en tilføjelse til et godkendt referat (knappen, eller `godkendt` i tråden).",
        frozenset({S.BUTTON, S.THREAD}),
        Needs.APPROVED,
        (Role.APPROVER,),
        "godkende tilføjelsen",
        effects=frozenset({Effect.THREAD}),
    ),
    Rule(
        FULL_ANSWER,
        "Få hele svaret på et spørgsmål som direkte besked.",
        frozenset({S.BUTTON}),
        Needs.NOTHING,
        (Role.ANYONE,),
        "få hele svaret",
        note="svaret regnes ud for den, der klikker",
    ),
    Rule(
        HOME,
        "Se sine opgaver, udkast der venter på en, og seneste møder.",
        frozenset({S.HOME}),
        Needs.NOTHING,
        (Role.ANYONE,),
        "se sin App Home",
        note="kun møder, man må læse; lukkede punkter kun til deres læsere",
    ),
    Rule(
        REMINDER,
        "Påmindelse om en opgaves frist, som direkte besked til den ansvarlige.",
        frozenset({S.REMINDER}),
        Needs.MEETING,
        (Role.READER,),
        "få påmindelser om mødets opgaver",
        note="kun til en ansvarlig, der må læse mødet (og et lukket punkt)",
    ),
    Rule(
        CANVAS,
        "Se referatet vokse i kanalens lærred, mens mødet holdes.",
        frozenset({S.CANVAS}),
        Needs.MEETING,
        (Role.CHANNEL_MEMBER,),
        "se mødets lærred",
        note="kun det offentlige uddrag: et lukket punkt med overskrift, aldrig dets noteringer",
    ),
)

RULES: tuple[Rule, ...] = SUBCOMMAND_RULES + SLACK_RULES


def rule_named(name: str) -> Rule:
    """The rule called `name` (KeyError names a rule that is not declared)."""
    for rule in RULES:
        if rule.name == name:
            return rule
    raise KeyError(name)


def rule_for(command: object) -> Rule:
    """The one rule that handles a parsed command."""
    found = [r for r in RULES if r.command is type(command) and (r.match is None or r.match(command))]
    assert len(found) == 1, f"{type(command).__name__} has {len(found)} rules"
    return found[0]
