"""Closed items (lukkede punkter), the two editions, and the role commands, as plain calls.

Both sides: the full protocol holds everything, the public extract only the closed item's heading,
«Punktet blev behandlet for lukkede døre.» and its public decisions; the parser reads the ways a
closed item and a public decision are written, and refuses what it cannot use.
"""

from __future__ import annotations

import datetime as dt

import pytest
from test_referat import entry, make_meeting

from bot.approval.rules import describe_setup_changes
from bot.meeting.parse import (
    CloseItem,
    CommandError,
    HandOver,
    LogEntry,
    SetAgenda,
    closed_title,
    parse_command,
)
from bot.referat.compile import CLOSED_DOORS, referat_markdown, referat_text
from storage.records import AgendaItem, AuditRecord, EntryKind, MeetingDocument

NOW = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)

AGENDA = (
    AgendaItem(1, 1, 1, "Trekanten", bullets=("Status",)),
    AgendaItem(2, 1, 2, "Personalesag", bullets=("Navngiven medarbejder",), closed=True),
)
ENTRIES = (
    entry(1, 1, "Der var enighed om at fortsætte.", EntryKind.DECISION),
    entry(2, 2, "Medarbejderen blev afskediget.", EntryKind.DECISION),
    entry(3, 2, "Sagen er afsluttet.", EntryKind.DECISION, public=True),
    entry(4, 2, "Chefen redegjorde for forløbet."),
)
DOC = MeetingDocument(make_meeting(), (), AGENDA, ENTRIES)


def test_the_full_protocol_holds_the_closed_item_and_marks_it() -> None:
    full = referat_text(DOC, version=1)
    assert "Personalesag (lukket punkt)" in full
    assert "Medarbejderen blev afskediget." in full
    assert "Chefen redegjorde for forløbet." in full
    assert "Navngiven medarbejder" in full
    assert CLOSED_DOORS not in full


@pytest.mark.parametrize("render", [referat_text, referat_markdown])
def test_the_public_extract_shows_the_heading_the_sentence_and_public_decisions_only(render: object) -> None:
    extract = render(DOC, version=1, public=True)  # type: ignore[operator]
    assert "Personalesag" in extract
    assert CLOSED_DOORS in extract
    assert "Sagen er afsluttet." in extract
    assert "Medarbejderen blev afskediget." not in extract
    assert "Chefen redegjorde" not in extract
    assert "Navngiven medarbejder" not in extract  # the closed item's sub-bullets go too
    assert "Der var enighed om at fortsætte." in extract  # open items are untouched
    assert "Status" in extract


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Personalesag (lukket)", ("Personalesag", True)),
        ("Personalesag (Lukket punkt)", ("Personalesag", True)),
        ("Lukket punkt: Personalesag", ("Personalesag", True)),
        ("Personalesag", ("Personalesag", False)),
        ("Lukket vej ved skolen", ("Lukket vej ved skolen", False)),  # a word, not a marker
    ],
)
def test_closed_markers_in_an_agenda_title(title: str, expected: tuple[str, bool]) -> None:
    assert closed_title(title) == expected


def test_dagsorden_marks_closed_items_and_numbers_an_unnumbered_one() -> None:
    command = parse_command(
        "dagsorden\n1. Orientering\n2. Personalesag (lukket)\nLukket punkt: Økonomi", now=NOW
    )
    assert isinstance(command, SetAgenda)
    assert [(i.number, i.title, i.closed) for i in command.items] == [
        (1, "Orientering", False),
        (2, "Personalesag", True),
        (3, "Økonomi", True),
    ]


def test_public_decisions_and_the_role_commands_parse() -> None:
    public = parse_command("ad 2 beslutning (offentlig): Sagen er afsluttet.", now=NOW)
    assert public == LogEntry(2, EntryKind.DECISION, "Sagen er afsluttet.", public=True)
    plain = parse_command("ad 2 beslutning: Sagen er afsluttet.", now=NOW)
    assert isinstance(plain, LogEntry)
    assert not plain.public
    assert parse_command("lukket 2", now=NOW) == CloseItem(2, closed=True)
    assert parse_command("åben punkt 2", now=NOW) == CloseItem(2, closed=False)
    assert parse_command("referent <@ULARS|lars>", now=NOW) == HandOver("ULARS")


@pytest.mark.parametrize(
    "text",
    [
        "ad 2 opgave (offentlig): Send brevet",  # only a decision can be public
        "lukket",
        "lukket to",
        "åben 0",
        "referent Lars",
        "referent <@ULARS> <@UHELLE>",
    ],
)
def test_what_the_parser_refuses(text: str) -> None:
    with pytest.raises(CommandError):
        parse_command(text, now=NOW)


def test_setup_changes_are_described_for_the_next_version() -> None:
    def record(action: str, after: str) -> AuditRecord:
        return AuditRecord(1, 1, None, "UMIN", action, None, after, NOW)

    lines = describe_setup_changes(
        [
            record("participant", '{"name": "Lars Møller"}'),
            record("absent", '{"name": "Helle Kyndesen"}'),
            record("agenda", '[[1, "Trekanten"], [2, "Personalesag"]]'),
            record("closed", "2"),
            record("opened", "1"),
            record("approvers", '["ULARS"]'),
            record("minute_taker", "ULARS"),
            record("add", "an entry is not a setup change"),
        ],
        lambda user: {"ULARS": "Lars Møller"}.get(user, user),
    )
    assert lines == (
        "Tilføjet eller ændret som deltager: Lars Møller",
        "Tilføjet eller ændret under Afbud: Helle Kyndesen",
        "Dagsordenen ændret: 1. Trekanten; 2. Personalesag",
        "Punkt 2 er lukket",
        "Punkt 1 er åbnet igen",
        "Godkendere: Lars Møller",
        "Ny referent: Lars Møller",
    )
