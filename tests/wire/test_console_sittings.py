"""A meeting over several sittings of the console: Slack's state is kept beside the database."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_console import run_script

from bot.console.kept import path_for
from storage.records import MeetingStatus
from storage.store import StoreOpener

SET_UP = """\
/som Camilla Slumstrup
/referat start Kredsrådsmøde | 19. marts 2024 | rådhuset
/referat deltager @Helle Kyndesen (HK) | Politidirektør | politiet
/referat deltager @Lars Møller | Kommunaldirektør | kommunen
/referat dagsorden
1. Orientering
2. Trekanten
/referat godkendere @Helle Kyndesen @Lars Møller
"""
LOG_AND_DRAFT = """\
/som Camilla Slumstrup
/referat ad 1 HK orienterede om status.
/referat ad 2 En sætning, der slettes igen.
/referat udkast
"""
CORRECT_AND_APPROVE = """\
/som Camilla Slumstrup
/referat slet 2
/referat ret 1 HK orienterede om status, som fortsætter i 2025.
/referat udkast
/som Helle Kyndesen
/klik Godkend
/som Lars Møller
> godkendt
"""


def clean(output: str) -> None:
    assert "Traceback" not in output
    assert "Slack afviste" not in output
    assert "(konsol) Appen" not in output


def test_three_sittings_set_up_draft_and_approve_the_last_edits(tmp_path: Path) -> None:
    db = tmp_path / "referat.db"
    outputs = [run_script(script, db) for script in (SET_UP, LOG_AND_DRAFT, CORRECT_AND_APPROVE)]
    for code, output in outputs:
        assert code == 0
        clean(output)
    assert path_for(db).is_file()
    assert "== Referat – udkast v1 ==" in outputs[1][1]
    third = outputs[2][1]
    assert "== Referat – udkast v2 ==" in third
    assert "== Referat – godkendt v2 ==" in third
    assert "tidligere kørsel" not in third

    store = StoreOpener(db)()
    meeting = store.latest_meeting()
    assert meeting is not None
    assert meeting.status is MeetingStatus.APPROVED
    final = store.approved_referat(meeting.id)
    assert final is not None
    assert store.draft(final.draft_id).version == 2  # type: ignore[union-attr]
    assert "HK orienterede om status, som fortsætter i 2025." in final.text
    assert "En sætning, der slettes igen." not in final.text
    assert "Politidirektør Helle Kyndesen (HK)" in final.text
    assert final.text.rstrip().endswith("af Helle Kyndesen og Lars Møller")


def test_a_lost_slack_is_said_and_a_fresh_draft_offered(tmp_path: Path) -> None:
    db = tmp_path / "referat.db"
    run_script(SET_UP + LOG_AND_DRAFT, db)
    path_for(db).unlink()  # the console's Slack from the first sitting is gone
    code, output = run_script("/som Lars Møller\n> godkendt\n", db)
    assert code == 0
    clean(output)
    assert "(konsol) Udkast v1 blev lagt frem i en tidligere kørsel" in output
    assert "Skriv /referat udkast for at lægge et nyt udkast frem" in output
    store = StoreOpener(db)()
    meeting = store.latest_meeting()
    assert meeting is not None
    assert store.approvals(store.latest_draft(meeting.id).id) == []  # type: ignore[union-attr]

    path_for(db).write_text("{ikke json", encoding="utf-8")
    code, output = run_script(CORRECT_AND_APPROVE, db)
    assert code == 0
    assert "Traceback" not in output
    assert "kunne ikke læses: ikke gyldig JSON" in output
    assert "== Referat – udkast v2 ==" in output
    assert "== Referat – godkendt v2 ==" in output
    final = store.approved_referat(meeting.id)
    assert final is not None
    assert "som fortsætter i 2025." in final.text


def test_the_kept_state_reads_back_as_written(tmp_path: Path) -> None:
    from bot.console.kept import KeptState, KeptStateUnusable, read, write
    from bot.console.records import Message, SharedFile

    state = KeptState(
        users={"U1": {"id": "U1", "real_name": "Ida Holm"}},
        channels={"CKONSOL": "referat-konsol"},
        rooms={"D1": ("im", ["U1", "UREFERAT"])},
        messages=[Message("CKONSOL", "1.000001", "hej", [{"type": "divider"}], files=("F0000001",), seq=3)],
        files=[SharedFile("F0000001", "r.docx", "r.docx", b"\x00\xffPK", "CKONSOL", "1.000001")],
        reactions={("CKONSOL", "1.000001"): ["white_check_mark"]},
        scheduled=[{"id": "Q00000001", "channel_id": "D1", "post_at": 9, "text": "x", "date_created": 1}],
    )
    path = tmp_path / "referat.db.console.json"
    write(path, state)
    assert read(path) == state
    assert read(tmp_path / "none.json") is None
    path.write_text('{"version": 99}', encoding="utf-8")
    with pytest.raises(KeptStateUnusable, match="ukendt format"):
        read(path)


def test_an_unexpected_failure_is_one_line_on_the_console_and_the_traceback_is_in_the_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.console.terminal import Console

    def broken(self: Console, argument: str) -> None:
        raise RuntimeError("disken forsvandt")

    monkeypatch.setattr(Console, "_files", broken)
    db = tmp_path / "referat.db"
    code, output = run_script("/fil\n/referat hjælp\n", db)
    assert code == 0
    assert "Traceback" not in output
    assert "(konsol) Botten loggede en fejl: the console could not handle a console message" in output
    assert "referat.db.console.log" in output
    assert "Referent> /referat hjælp\nreferat (kun synlig for dig):" in output  # it went on
    logged = (tmp_path / "referat.db.console.log").read_text(encoding="utf-8")
    assert "Traceback" in logged
    assert "RuntimeError: disken forsvandt" in logged
