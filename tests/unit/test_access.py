"""Who may read what: the pure rules of bot/archive/access.py and the scoped search under them.

A small workspace T1 with a private board channel, a public channel that has a guest and a Slack
Connect user from T2 in it, a public channel of full members only, and a DM. Every rule is
asserted from both sides: who reads a meeting, and who must not.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.archive.access import (
    InChannel,
    Person,
    Privately,
    edition_for,
    may_read,
    may_read_closed,
    readable_channels,
    reader_scope,
)
from bot.archive.ask import answer_question
from storage import search
from storage.records import EntryKind, MeetingAccess, MeetingStatus
from storage.store import Store, StoreOpener

NOW = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)

PEOPLE = {
    "UCHAIR": Person("UCHAIR", "T1"),
    "UBOARD": Person("UBOARD", "T1"),
    "UCLERK": Person("UCLERK", "T1"),
    "UOUT": Person("UOUT", "T1"),  # a full member of the workspace, in none of the channels
    "UGUEST": Person("UGUEST", "T1", guest=True),
    "UEXT": Person("UEXT", "T2"),  # another organisation, in a Slack Connect channel
}
MEMBERS = {
    "CBOARD": frozenset({"UCHAIR", "UBOARD"}),  # private
    "CPUB": frozenset({"UCHAIR", "UCLERK", "UGUEST", "UEXT"}),
    "CFULL": frozenset({"UCHAIR", "UOUT"}),
    "DCHAIR": frozenset({"UCHAIR", "UBOT"}),  # a DM with the bot
}
PUBLIC_CHANNELS = frozenset({"CPUB", "CFULL"})


class Directory:
    """Slack's facts as plain dicts; a channel missing here is one Slack cannot describe."""

    def __init__(self, unknown: frozenset[str] = frozenset(), workspace: str | None = None) -> None:
        self.unknown = unknown
        self.workspace = workspace
        self.asked: list[str] = []

    def person(self, user_id: str) -> Person | None:
        self.asked.append(f"users.info {user_id}")
        return PEOPLE.get(user_id)

    def members(self, channel_id: str) -> frozenset[str] | None:
        self.asked.append(f"conversations.members {channel_id}")
        return None if channel_id in self.unknown else MEMBERS.get(channel_id)

    def channels_of(self, user_id: str) -> frozenset[str] | None:
        self.asked.append(f"users.conversations {user_id}")
        return frozenset(c for c, members in MEMBERS.items() if user_id in members and c not in self.unknown)

    def public_channels(self) -> frozenset[str] | None:
        self.asked.append("conversations.list")
        return PUBLIC_CHANNELS - self.unknown


BOARD = MeetingAccess(1, "CBOARD", "T1", None, "UCHAIR", frozenset({"UBOARD"}), frozenset())
PUBLIC = MeetingAccess(2, "CPUB", "T1", None, "UCLERK", frozenset({"UCHAIR"}), frozenset({2}))
IMPORTED = MeetingAccess(3, None, "T1", None, None, frozenset(), frozenset())
IN_DM = MeetingAccess(4, "DCHAIR", "T1", None, "UCHAIR", frozenset(), frozenset())
ALL = (BOARD, PUBLIC, IMPORTED, IN_DM)
CHANNELS = frozenset((m.team_id, m.channel_id) for m in ALL)
BY_CHANNEL = {(m.team_id, m.channel_id): m.meeting_id for m in ALL}


def readable_meetings(audience: Privately | InChannel, directory: Directory) -> set[int]:
    return {BY_CHANNEL[key] for key in readable_channels(audience, CHANNELS, directory)}


@pytest.mark.parametrize(
    ("user", "readable"),
    [
        ("UCHAIR", {1, 2, 3, 4}),
        ("UBOARD", {1, 2, 3}),  # a private channel's member; public and imported as a full member
        ("UCLERK", {2, 3}),
        ("UOUT", {2, 3}),  # public channel without being in it, yes; the board, no
        ("UGUEST", {2}),  # only the channel the guest is in
        ("UEXT", {2}),  # the Slack Connect user: only the shared channel
        ("UNOBODY", set()),  # Slack does not know them
    ],
)
def test_who_reads_which_meeting(user: str, readable: set[int]) -> None:
    directory = Directory()
    person = directory.person(user)
    assert {m.meeting_id for m in ALL if may_read(person, m, directory)} == readable
    assert readable_meetings(Privately(user), directory) == readable


def test_a_channel_slack_cannot_describe_is_not_readable() -> None:
    directory = Directory(unknown=frozenset({"CBOARD", "CPUB"}))
    assert not may_read(PEOPLE["UCHAIR"], BOARD, directory)
    assert not may_read(PEOPLE["UCLERK"], PUBLIC, directory)
    assert may_read(PEOPLE["UCHAIR"], IMPORTED, directory)


def test_facts_of_another_workspace_never_open_a_meeting() -> None:
    # Serving many workspaces, the directory speaks for one: T2's own "CBOARD" and "UCHAIR" are
    # other people and channels than T1's, whatever their ids.
    own, other = Directory(workspace="T1"), Directory(workspace="T2")
    assert may_read(PEOPLE["UCHAIR"], BOARD, own)
    assert not any(may_read(PEOPLE["UCHAIR"], m, other) for m in ALL)
    assert readable_meetings(Privately("UCHAIR"), other) == set()
    assert readable_meetings(InChannel("CBOARD"), other) == set()


def test_closed_items_only_for_participants_and_minute_taker_privately() -> None:
    directory = Directory()
    assert may_read_closed(PEOPLE["UCHAIR"], PUBLIC, directory)  # a linked participant
    assert may_read_closed(PEOPLE["UCLERK"], PUBLIC, directory)  # the minute-taker
    assert not may_read_closed(PEOPLE["UOUT"], PUBLIC, directory)
    assert not may_read_closed(PEOPLE["UGUEST"], PUBLIC, directory)


@pytest.mark.parametrize(
    ("channel", "readable"),
    [
        ("CBOARD", {1, 2, 3}),  # its own, and the public ones: every member is a full member
        ("CPUB", {2}),  # a guest and an external user are here: only its own meeting
        ("CFULL", {2, 3}),  # full members only: public meetings too, never the board's
        ("DCHAIR", {4}),  # the DM has the bot in it, which Slack does not describe as a person
        ("CGONE", set()),
    ],
)
def test_a_thread_reply_holds_what_every_member_may_read(channel: str, readable: set[int]) -> None:
    assert readable_meetings(InChannel(channel), Directory()) == readable


def test_editions() -> None:
    directory = Directory()
    full = edition_for(Privately("UCHAIR"), PUBLIC, directory)
    extract = edition_for(Privately("UOUT"), PUBLIC, directory)
    assert full is not None
    assert full.full
    assert extract is not None
    assert not extract.full
    assert edition_for(Privately("UOUT"), BOARD, directory) is None
    in_channel = edition_for(InChannel("CPUB"), PUBLIC, directory)
    assert in_channel is not None
    assert not in_channel.full
    board_in_channel = edition_for(InChannel("CBOARD"), BOARD, directory)
    assert board_in_channel is not None
    assert board_in_channel.full


# ------------------------------------------------------------------ the search stays in scope


@pytest.fixture
def store(tmp_path: Path) -> Store:
    opener = StoreOpener(tmp_path / "referat.db")
    return opener()


def _board_and_public(store: Store) -> None:
    board = store.create_meeting(
        title="Bestyrelsesmøde",
        date=dt.date(2024, 3, 19),
        place=None,
        channel_id="CBOARD",
        starter_user_id="UCHAIR",
        now=NOW,
        team_id="T1",
    )
    store.set_agenda(board.id, [(1, "Fyringsrunde", (), ())])
    store.add_entry(
        board.id,
        item_number=1,
        kind=EntryKind.DECISION,
        text="Bestyrelsen besluttede at nedlægge stillingen i Trekanten.",
        author_user_id="UCHAIR",
        now=NOW,
    )
    public = store.create_meeting(
        title="Kredsrådsmøde",
        date=dt.date(2024, 3, 20),
        place=None,
        channel_id="CPUB",
        starter_user_id="UCLERK",
        now=NOW,
        team_id="T1",
    )
    store.set_agenda(public.id, [(1, "Trekanten", (), ()), (2, "Personalesag", (), ())], closed=[2])
    store.add_participant(
        public.id, name="Chef", title=None, organisation=None, absent=False, slack_user_id="UCHAIR"
    )
    store.add_entry(
        public.id,
        item_number=1,
        kind=EntryKind.DECISION,
        text="Der var enighed om at fortsætte indsatsen.",
        author_user_id="UCLERK",
        now=NOW,
    )
    store.add_entry(
        public.id,
        item_number=2,
        kind=EntryKind.DECISION,
        text="Medarbejderen i Trekanten blev afskediget.",
        author_user_id="UCLERK",
        now=NOW,
    )
    store.flush_search_documents()


def test_answers_hold_only_what_the_reader_may_read(store: Store) -> None:
    _board_and_public(store)
    directory = Directory()
    question = "hvad blev besluttet om Trekanten?"
    chair = answer_question(
        store, question, now=NOW, scope=reader_scope(store, Privately("UCHAIR"), directory)
    )
    assert "nedlægge stillingen" in chair.text
    assert "afskediget" in chair.text
    assert "fortsætte indsatsen" in chair.text
    outsider = answer_question(
        store, question, now=NOW, scope=reader_scope(store, Privately("UOUT"), directory)
    )
    assert "fortsætte indsatsen" in outsider.text
    assert "nedlægge stillingen" not in outsider.text
    assert "afskediget" not in outsider.text
    assert "Fyringsrunde" not in outsider.text
    stranger = answer_question(
        store, question, now=NOW, scope=reader_scope(store, Privately("UNOBODY"), directory)
    )
    assert "besluttede" not in stranger.text
    assert "indsatsen" not in stranger.text


def test_no_match_help_stays_in_scope(store: Store) -> None:
    _board_and_public(store)
    scope = reader_scope(store, Privately("UOUT"), Directory())
    # The board's words are neither suggested nor counted nor offered as related items.
    assert search.live_terms(store.db, ["fyringsrunde", "stillingen", "indsatsen"], scope=scope) == [
        "indsatsen"
    ]
    assert search.count_items(store.db, [["stillingen"]], scope=scope) == 0
    assert search.count_items(store.db, [["stillingen"]], scope=search.EVERYTHING) == 1
    assert search.count_items(store.db, [["afskediget"]], scope=scope) == 0
    assert [r.title for r in search.related_items(store.db, [["trekanten"]], scope=scope)] == ["Trekanten"]
    answer = answer_question(store, "hvad blev sagt om fyringsrunden?", now=NOW, scope=scope)
    assert "Fyringsrunde" not in answer.text
    assert "fyringsrunde" not in answer.text.replace("fyringsrunden", "")


def test_existing_meetings_are_adopted_by_the_installation(store: Store) -> None:
    old = store.create_meeting(
        title="Gammelt møde",
        date=dt.date(2023, 1, 1),
        place=None,
        channel_id="CBOARD",
        starter_user_id="UCHAIR",
        now=NOW,
        status=MeetingStatus.OPEN,
    )
    assert store.meeting(old.id).team_id is None  # type: ignore[union-attr]
    assert store.adopt_meetings("T1", "E1") == 1
    adopted = store.meeting(old.id)
    assert adopted is not None
    assert (adopted.team_id, adopted.enterprise_id) == ("T1", "E1")
    assert store.adopt_meetings("T9", None) == 0


def test_an_approved_addition_is_answered_only_where_the_whole_referat_is_readable(store: Store) -> None:
    _board_and_public(store)
    board, public = store.current_meeting("CBOARD"), store.current_meeting("CPUB")
    assert board is not None
    assert public is not None
    for meeting, text in (
        (board, "Vikardækningen i Trekanten fortsætter året ud."),
        (public, "Vikardækningen i Trekanten aftales med kommunen."),
    ):
        addition = store.add_addition(meeting.id, text, user_id="UCHAIR", now=NOW)
        store.approve_addition(addition.id, f"Tilføjelse: {text}", NOW + dt.timedelta(days=2))
    store.add_addition(public.id, "Vikardækningen gælder også weekender.", user_id="UCLERK", now=NOW)
    directory = Directory()

    def ask(user: str, question: str = "vikardækningen") -> str:
        return answer_question(
            store, question, now=NOW, scope=reader_scope(store, Privately(user), directory)
        ).text

    chair = ask("UCHAIR")
    assert "fortsætter året ud" in chair
    assert "aftales med kommunen" in chair
    assert "Tilføjelse til referatet" in chair
    assert "weekender" not in chair  # pending: never found
    assert "Addition to the minutes" in ask("UCHAIR", "what was decided on vikardækningen?")
    # The outsider reads the public meeting's extract only (it has a closed item), which leaves
    # additions out, and not the board's meeting at all.
    outsider = ask("UOUT")
    assert "fortsætter året ud" not in outsider
    assert "aftales med kommunen" not in outsider
    assert "Tilføjelse" not in outsider
    assert "Vikardækningen" not in ask("UNOBODY")
