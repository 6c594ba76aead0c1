"""The permission matrix, generated from the rule book: every rule × every kind of person.

Eight people stand in one relation each to a meeting in a private channel: its minute-taker, a
participant (who also wrote entry 1 and owns its action), an approver, a channel member who is no
participant, a guest and a user of another organisation (both in the channel), a member of the
workspace outside the channel, and a user of another workspace. Which roles each holds is written
out by hand below (`HOLDS`), not asked of the gate; a rule admits exactly those holding one of its
roles. Every rule is tried through the gate with each person, and every subcommand also through
`handle_command` (as `/referat` and the console reach it): a refusal stores nothing.

A rule without a row in `ROWS` (how to try it) fails the suite, so a new action is tried too.
Plain calls against one store per module: the whole matrix takes well under a second.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.approval import service as approval
from bot.archive.access import Person
from bot.meeting.dispatch import handle_command
from bot.meeting.outcomes import Refusal, Sender
from bot.meeting.parse import parse_command
from bot.rulebook import gate
from bot.rulebook.book import RULES, rule_for
from bot.rulebook.declare import Needs, Role, Rule, Surface
from storage.records import Meeting, MeetingStatus
from storage.store import Store, StoreOpener

NOW = dt.datetime(2026, 11, 27, 13, 0, tzinfo=dt.UTC)
TEAM = "T1"
CHANNEL = "CMEET"

MINUTE_TAKER, PARTICIPANT, APPROVER = "UMT", "UPART", "UAPPR"
MEMBER, GUEST, EXTERNAL = "UMEMBER", "UGUEST", "UEXT"
OUTSIDER, OTHER_WORKSPACE = "UOUT", "UOTHERWS"

PEOPLE = {
    MINUTE_TAKER: Person(MINUTE_TAKER, TEAM),
    PARTICIPANT: Person(PARTICIPANT, TEAM),
    APPROVER: Person(APPROVER, TEAM),
    MEMBER: Person(MEMBER, TEAM),
    GUEST: Person(GUEST, TEAM, guest=True),
    EXTERNAL: Person(EXTERNAL, "TOTHERORG"),
    OUTSIDER: Person(OUTSIDER, TEAM),
    OTHER_WORKSPACE: Person(OTHER_WORKSPACE, "T2"),
}
IN_CHANNEL = frozenset({MINUTE_TAKER, PARTICIPANT, APPROVER, MEMBER, GUEST, EXTERNAL})

# Which roles each person holds for the meeting, by hand: the oracle the gate is checked against.
# AUTHOR/OWNER are held by whoever wrote or owns the thing the row acts on (see ROWS' `subject`).
MEETING_ROLES = {Role.CHANNEL_MEMBER, Role.READER}
HOLDS: dict[str, set[Role]] = {
    MINUTE_TAKER: {Role.MINUTE_TAKER, *MEETING_ROLES},
    PARTICIPANT: {Role.PARTICIPANT, *MEETING_ROLES},
    APPROVER: {Role.APPROVER, *MEETING_ROLES},
    MEMBER: set(MEETING_ROLES),
    GUEST: set(MEETING_ROLES),
    EXTERNAL: set(MEETING_ROLES),
    OUTSIDER: set(),
    OTHER_WORKSPACE: set(),
}


class Directory:
    """Slack's facts for the matrix: who is who, and who is in the meeting's private channel."""

    workspace: str | None = None  # the bot serves one workspace

    def person(self, user_id: str) -> Person | None:
        return PEOPLE.get(user_id)

    def members(self, channel_id: str) -> frozenset[str] | None:
        return IN_CHANNEL if channel_id == CHANNEL else None

    def channels_of(self, user_id: str) -> frozenset[str] | None:
        return frozenset({CHANNEL}) if user_id in IN_CHANNEL else frozenset()

    def public_channels(self) -> frozenset[str] | None:
        return frozenset()  # the meeting's channel is private


DIRECTORY = Directory()


@dataclass(frozen=True)
class Row:
    """How to try a rule: the `/referat` text (subcommands), the meeting state it needs, and who
    wrote or owns what it acts on (AUTHOR/OWNER)."""

    text: str | None = None
    status: MeetingStatus = MeetingStatus.OPEN
    subject: frozenset[str] = frozenset()


ROWS: dict[str, Row] = {
    "start": Row("start Nyt møde | 1. december 2026"),
    "deltager": Row("deltager Ny Person | Direktør"),
    "afbud": Row("afbud Ny Person"),
    "dagsorden": Row("dagsorden\n1. Orientering\n2. Eventuelt"),
    "ad": Row("ad 1 Der blev orienteret."),
    "fortryd": Row("fortryd", subject=frozenset({PARTICIPANT, MINUTE_TAKER})),
    "ret": Row("ret 1 Ny tekst.", subject=frozenset({PARTICIPANT})),
    "ret møde": Row("ret møde Kredsrådsmøde | 2. december 2026"),
    "slet": Row("slet 1", subject=frozenset({PARTICIPANT})),
    "fjern": Row("fjern Ny Person"),
    "aflys": Row("aflys"),
    "behandlet": Row("behandlet 1"),
    "lukket": Row("lukket 1"),
    "referent": Row(f"referent <@{PARTICIPANT}>"),
    "status": Row("status", MeetingStatus.APPROVED),
    "udkast": Row("udkast"),
    "protokollat": Row("protokollat 1 Jeg er uenig."),
    "inhabil": Row(f"inhabil 1 <@{PARTICIPANT}>"),
    "fravær": Row(f"fravær 1 <@{PARTICIPANT}>"),
    "afstemning": Row("afstemning 1 Forslag om cykelsti | for: 3 | imod: 1"),
    "ankommet": Row(f"ankommet 2 <@{PARTICIPANT}>"),
    "gået": Row(f"gået 2 <@{PARTICIPANT}>"),
    "eksport aktindsigt": Row("eksport aktindsigt 1 md", MeetingStatus.APPROVED),
    "tilføjelse": Row("tilføjelse Under punkt 1 skal der stå 2026.", MeetingStatus.APPROVED),
    "godkendere": Row(f"godkendere <@{APPROVER}>"),
    "eksport": Row("eksport md", MeetingStatus.APPROVED),
    "opgaver": Row("opgaver"),
    "udført": Row("udført 1", MeetingStatus.APPROVED, subject=frozenset({PARTICIPANT})),
    "næste": Row("næste 10. december 2026", MeetingStatus.APPROVED),
    "spørg": Row("spørg Hvad blev besluttet?"),
    "hjælp": Row("hjælp ad"),
    "Tilføj til referat": Row(),
    "Godkend": Row(),
    "Godkend med forbehold": Row(),
    "Anmod om rettelser": Row(),
    "Hent som fil": Row(),
    "Markér behandlet": Row(),
    "Godkend tilføjelse": Row(status=MeetingStatus.APPROVED),
    "Hele svaret": Row(),
    "App Home": Row(),
    "Påmindelse": Row(status=MeetingStatus.APPROVED, subject=frozenset({PARTICIPANT})),
    "Lærred": Row(),
}


def test_every_rule_has_a_row_in_the_matrix() -> None:
    assert set(ROWS) == {r.name for r in RULES}, (
        "add a Row for each new rule (tests/unit/test_rulebook_matrix.py)"
    )


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    path: Path = tmp_path_factory.mktemp("matrix") / "referat.db"
    opened = StoreOpener(path)()
    setup = [
        (MINUTE_TAKER, "start Kredsrådsmøde | 27. november 2026"),
        (MINUTE_TAKER, f"deltager <@{PARTICIPANT}> Pia Deltager | Politiinspektør"),
        (MINUTE_TAKER, "dagsorden\n1. Orientering\n2. Eventuelt"),
        (PARTICIPANT, f"ad 1 opgave: Sende materialet <@{PARTICIPANT}> frist 1. december 2026"),
        (MINUTE_TAKER, "ad 2 Intet at bemærke."),
    ]
    for user, text in setup:
        handle_command(opened, parse_command(text, now=NOW), sender(user))
    # `godkendere` is admitted by the gate and carried out by the Slack side (it may post a version).
    approval.set_approvers(
        opened, meeting_in(opened, MeetingStatus.OPEN), (APPROVER,), by=MINUTE_TAKER, now=NOW, names=str
    )
    return opened


def sender(user: str, *, vouched: bool | None = None) -> Sender:
    """As a slash command sends it: Slack vouches for the channel only when the person is in it."""
    in_channel = user in IN_CHANNEL if vouched is None else vouched
    return Sender(user, CHANNEL, NOW, {}.get, team_id=TEAM, directory=DIRECTORY, vouched=in_channel)


def meeting_in(store: Store, status: MeetingStatus) -> Meeting:
    meeting = store.current_meeting(CHANNEL)
    assert meeting is not None
    return dataclasses.replace(meeting, status=status)


def expected(rule: Rule, user: str) -> bool:
    row = ROWS[rule.name]
    held = set(HOLDS[user]) | {Role.ANYONE}
    if user in row.subject:
        held |= {Role.AUTHOR, Role.OWNER}
    return bool(held & set(rule.who))


def tried(store: Store, rule: Rule, user: str, *, vouched: bool | None = None) -> bool:
    """Whether the gate admits `user` to `rule` on a meeting in the row's state."""
    row = ROWS[rule.name]
    command: Any = parse_command(row.text, now=NOW) if row.text else None
    meeting = None if rule.needs is Needs.NOTHING else meeting_in(store, row.status)
    refused = None
    try:
        gate.admit(store, rule, sender(user, vouched=vouched), command, meeting=meeting)
    except Refusal as refusal:
        refused = str(refusal)
    if refused is None:
        return True
    assert "Intet" in refused, refused  # a refusal says that nothing was changed
    return False


@pytest.mark.parametrize("user", list(PEOPLE))
@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.name)
def test_the_gate_admits_exactly_who_the_rule_book_says(store: Store, rule: Rule, user: str) -> None:
    assert tried(store, rule, user) is expected(rule, user)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.name)
def test_someone_outside_is_refused_even_where_slack_would_vouch(store: Store, rule: Rule) -> None:
    """A forged request claiming the channel: only the roles that need no channel can admit."""
    if Role.ANYONE in rule.who:
        pytest.skip("open to anyone; what is shown is filtered by access")
    for user in (OUTSIDER, OTHER_WORKSPACE):
        assert tried(store, rule, user, vouched=False) is False, (rule.name, user)


def _footprint(store: Store) -> tuple[object, ...]:
    meetings = store.channel_meetings(CHANNEL)
    return (
        tuple(meetings),
        tuple(len(store.audit_trail(m.id)) for m in meetings),
        tuple(tuple(store.entries(m.id, include_deleted=True)) for m in meetings),
        tuple(tuple(store.participants(m.id)) for m in meetings),
    )


SLASH_RULES = [r for r in RULES if Surface.SLASH in r.surfaces and r.command is not None]


@pytest.mark.parametrize("rule", SLASH_RULES, ids=lambda r: r.name)
def test_a_refused_command_stores_nothing(store: Store, rule: Rule) -> None:
    row = ROWS[rule.name]
    assert row.text is not None, rule.name
    command = parse_command(row.text, now=NOW)
    assert rule_for(command) is rule
    if row.status is not MeetingStatus.OPEN or Role.ANYONE in rule.who:
        pytest.skip("tried on the open meeting only; anyone may")
    for user in PEOPLE:
        if expected(rule, user):
            continue
        before = _footprint(store)
        with pytest.raises(Refusal):
            handle_command(store, command, sender(user))
        assert _footprint(store) == before, (rule.name, user)


def test_the_holes_of_issue_18_are_closed(store: Store) -> None:
    """`udkast` and `næste` by a channel member who is no participant; `ad` naming an owner outside."""
    for text in ("udkast", "næste 10. december 2026"):
        with pytest.raises(Refusal, match="Kun mødets deltagere og referenten"):
            handle_command(store, parse_command(text, now=NOW), sender(MEMBER))
    before = _footprint(store)
    with pytest.raises(Refusal, match="kan ikke være ansvarlig"):
        handle_command(
            store,
            parse_command(f"ad 1 opgave: Ring til pressen <@{OUTSIDER}> frist fredag", now=NOW),
            sender(PARTICIPANT),
        )
    assert _footprint(store) == before
    # A member of the channel may own an action; so may a participant.
    reply = handle_command(
        store,
        parse_command(f"ad 1 opgave: Ring til pressen <@{MEMBER}> frist fredag", now=NOW),
        sender(PARTICIPANT),
    )
    assert "gemt" in str(getattr(reply, "text", ""))
    handle_command(store, parse_command("fortryd", now=NOW), sender(PARTICIPANT))
    # Approvers are sent the version: only people of the meeting or its channel.
    with pytest.raises(Refusal, match="kan ikke være godkender"):
        handle_command(store, parse_command(f"godkendere <@{OUTSIDER}>", now=NOW), sender(MINUTE_TAKER))
    handle_command(store, parse_command(f"godkendere <@{MEMBER}>", now=NOW), sender(MINUTE_TAKER))


def test_reminders_and_app_home_reach_only_readers(store: Store) -> None:
    meeting = meeting_in(store, MeetingStatus.OPEN)
    for user in PEOPLE:
        assert gate.may_receive(store, meeting, 1, user, DIRECTORY) is (user in IN_CHANNEL), user
    handle_command(store, parse_command("lukket 2", now=NOW), sender(MINUTE_TAKER))
    try:
        # A closed item: only its readers (the minute-taker and linked participants).
        readers = {MINUTE_TAKER, PARTICIPANT}
        for user in PEOPLE:
            assert gate.may_receive(store, meeting, 2, user, DIRECTORY) is (user in readers), user
    finally:
        handle_command(store, parse_command("åben 2", now=NOW), sender(MINUTE_TAKER))
