"""Pure follow-up rules: parsing `opgaver`/`udført`/`næste`, the order of actions, the next agenda."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from bot.meeting import followup
from bot.meeting.parse import CommandError, ListActions, MarkDone, NextMeeting, parse_command
from bot.text.dates import TZ
from storage.connection import connect
from storage.migrations import migrations
from storage.records import Action, Entry, EntryKind, Meeting, MeetingAccess, MeetingStatus
from storage.store import Store

NOW = dt.datetime(2026, 11, 27, 12, 0, tzinfo=TZ)
TODAY = dt.date(2026, 11, 27)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("opgaver", ListActions()),
        ("opgaver mine", ListActions(mine=True)),
        ("Opgaver MINE alle", ListActions(mine=True, include_done=True)),
        ("actions <@U1ABC|lars>", ListActions(owner_user_id="U1ABC")),
        ("opgaver alle <@U1ABC>", ListActions(owner_user_id="U1ABC", include_done=True)),
        ("udført 7", MarkDone(7)),
        ("udført #7: Sendt til rådet.", MarkDone(7, "Sendt til rådet.")),
        ("done 12 ok", MarkDone(12, "ok")),
        ("udfoert 3", MarkDone(3)),
        ("næste", NextMeeting(None, None)),
        ("next 16. april 2024", NextMeeting(dt.date(2024, 4, 16), None)),
        (
            "naeste 16.04.2024 kl. 14 | på politigården",
            NextMeeting(dt.date(2024, 4, 16), "politigården", "kl. 14"),
        ),
        ("næste | Rådhuset", NextMeeting(None, "Rådhuset")),
        # A yearless date is the next such day, not the last one: the next meeting lies ahead.
        ("næste 3. januar", NextMeeting(dt.date(2027, 1, 3), None)),
    ],
)
def test_parse(text: str, expected: object) -> None:
    assert parse_command(text, now=NOW) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("opgaver <@U1> <@U2>", "Skriv én person ad gangen."),
        ("opgaver hvem", 'Forstår ikke "hvem"'),
        ("udført", "Skriv opgavens nummer"),
        ("næste 31. februar 2027", "februar"),
        ("næste 1. maj | a | b", "For mange felter"),
    ],
)
def test_parse_refusals(text: str, message: str) -> None:
    with pytest.raises(CommandError) as raised:
        parse_command(text, now=NOW)
    assert message in raised.value.message


MEETING = Meeting(
    id=1,
    title="Kredsrådsmøde",
    date=dt.date(2026, 10, 1),
    place=None,
    status=MeetingStatus.OPEN,
    channel_id="C1",
    starter_user_id="UMIN",
    created_utc=NOW,
)


def action(number: int, due: dt.date | None, *, done: bool = False, owner: str | None = "Lars") -> Action:
    entry = Entry(
        id=number,
        meeting_id=1,
        seq=number,
        item_number=1,
        kind=EntryKind.ACTION,
        text=f"Opgave {number}",
        author_user_id="UMIN",
        owner=owner,
        due=due,
    )
    return Action(number, entry, MEETING, done_utc=NOW if done else None)


def test_overdue_first_then_by_deadline_then_done() -> None:
    actions = [
        action(1, None),
        action(2, dt.date(2026, 12, 24)),
        action(3, dt.date(2026, 11, 26)),  # yesterday: overdue
        action(4, dt.date(2026, 11, 27)),  # today: not yet overdue
        action(5, dt.date(2026, 1, 1), done=True),  # done long ago is never overdue
        action(6, dt.date(2025, 1, 1)),
    ]
    ordered = [a.number for a in followup.in_follow_up_order(actions, TODAY)]
    assert ordered == [6, 3, 4, 2, 1, 5]
    assert [followup.is_overdue(a, TODAY) for a in actions] == [False, False, True, False, False, True]


def test_overdue_is_decided_on_the_danish_calendar_day() -> None:
    # 23.30 UTC on 26 November is already 27 November in Copenhagen.
    late = dt.datetime(2026, 11, 26, 23, 30, tzinfo=dt.UTC)
    assert followup.local_today(late) == TODAY


def test_next_agenda_lists_open_actions_and_notes_an_unapproved_referat() -> None:
    agenda = followup.next_agenda(
        MEETING, approved=False, open_actions=[action(3, dt.date(2026, 11, 26)), action(1, None, owner=None)]
    )
    assert [(a.number, a.title, a.bullets) for a in agenda] == [
        (1, "Godkendelse af referat fra mødet den 1. oktober 2026", ("Referatet er endnu ikke godkendt.",)),
        (2, "Opfølgning på opgaver", ("Opgave 3 – Lars – 26. november 2026", "Opgave 1")),
        (3, "Eventuelt", ()),
    ]
    approved = followup.next_agenda(MEETING, approved=True, open_actions=[])
    assert approved[0].bullets == ()
    assert approved[1].bullets == ()


def test_m050_numbers_the_actions_logged_before_it_but_not_imported_ones(tmp_path: Path) -> None:
    db = connect(tmp_path / "old.db")
    migrations.apply(db, stop_before="m050_action_followup")
    store = Store(db)
    meeting = store.create_meeting(
        title="Kredsrådsmøde",
        date=dt.date(2024, 3, 19),
        place=None,
        channel_id="C1",
        starter_user_id="UREF",
        now=NOW,
    )
    store.set_agenda(meeting.id, [(1, "Orientering", (), ())], user_id="UREF", now=NOW)
    # As the store of m006 wrote them: entries only (today's store numbers actions as it adds them).
    for seq, (kind, text) in enumerate(
        ((EntryKind.ACTION, "Første"), (EntryKind.STATEMENT, "Sagt"), (EntryKind.ACTION, "Anden")), start=1
    ):
        db.table("entries").insert(
            {"meeting_id": meeting.id, "seq": seq, "item_number": 1, "kind": str(kind), "text": text,
             "attributed": 0, "created_utc": NOW.isoformat()}
        )  # fmt: skip
    # An imported meeting as the importer of then stored it (today's writes the search columns of
    # later migrations).
    imported = store.create_meeting(
        title="Importeret", date=dt.date(2023, 1, 1), place=None, channel_id=None, starter_user_id=None,
        now=NOW, status=MeetingStatus.IMPORTED,
    )  # fmt: skip
    db.table("entries").insert(
        {"meeting_id": imported.id, "seq": 1, "item_number": 1, "kind": str(EntryKind.ACTION),
         "text": "Gammel opgave", "owner": "Lars", "attributed": 0, "created_utc": NOW.isoformat()}
    )  # fmt: skip

    migrations.apply(db)

    assert [(a.number, a.entry.text, a.done) for a in store.actions()] == [
        (1, "Første", False),
        (2, "Anden", False),
    ]
    later = store.add_entry(
        meeting.id, item_number=1, kind=EntryKind.ACTION, text="Tredje", author_user_id="UREF", now=NOW
    )
    assert [a.number for a in store.actions() if a.entry.id == later.id] == [3]


def test_manifest_declares_app_home_the_shortcut_and_their_scopes() -> None:
    manifest = yaml.safe_load(
        (Path(__file__).resolve().parents[2] / "app.manifest.yml").read_text(encoding="utf-8")
    )
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    shortcuts = manifest["features"]["shortcuts"]
    assert [(s["type"], s["callback_id"], s["name"]) for s in shortcuts] == [
        ("message", "tilfoej_til_referat", "Tilføj til referat")
    ]
    assert "app_home_opened" in manifest["settings"]["event_subscriptions"]["bot_events"]
    assert {"im:write", "channels:read", "groups:read", "chat:write"} <= set(
        manifest["oauth_config"]["scopes"]["bot"]
    )


def test_actions_on_closed_items_only_for_minute_taker_and_participants() -> None:
    facts = {
        1: MeetingAccess(
            meeting_id=1, channel_id="C1", team_id="T1", enterprise_id=None, minute_taker="UMIN",
            participants=frozenset({"ULARS"}), closed_items=frozenset({1}),
        )
    }  # fmt: skip
    on_closed = action(1, dt.date(2026, 12, 1))  # item 1 is closed
    assert followup.without_closed([on_closed], facts, "UMIN") == [on_closed]
    assert followup.without_closed([on_closed], facts, "ULARS") == [on_closed]
    assert followup.without_closed([on_closed], facts, "UOTHER") == []
    assert followup.without_closed([on_closed], facts, None) == []  # a listing for everyone
    assert followup.without_closed([on_closed], {}, "UOTHER") == [on_closed]  # no closed items known
