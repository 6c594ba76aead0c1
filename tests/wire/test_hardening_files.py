"""Hostile paths and hostile text on the command line and in Slack: export targets, hidden characters.

Each test runs the real `referat` command (or the real app over HTTP) and checks both what the
user is told and what must not happen: no device replaced, no file overwritten without asking, no
escape sequence printed, no invisible character stored.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from bot.cli import main
from bot.text.hygiene import clean_input, escape_controls
from storage.store import StoreOpener
from support.app import Bot

# NUL, ESC, BEL, bidi override and isolate, zero-width space, BOM, DEL, CSI: none of them visible.
HIDDEN = "\x00\x1b\x07\u202e\u2066\u200b\ufeff\x7f\x9b"


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "referat.db"
    monkeypatch.setenv("REFERAT_DB", str(path))
    return path


@pytest.fixture
def meeting_db(bot: Bot, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A database with one meeting logged over Slack, for the command line to read."""
    bot.cmd("start Kredsrådsmøde | 19. marts 2024")
    bot.cmd("dagsorden\n1. Orientering")
    bot.cmd("ad 1 Helle Kyndesen orienterede.")
    monkeypatch.setenv("REFERAT_DB", str(bot.db_path))
    return bot.db_path


def export(out: Path | str, *extra: str) -> int:
    return main(["export", "--format", "txt", "--out", str(out), *extra])


def test_export_never_replaces_a_device(meeting_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = os.stat("/dev/null")
    assert export("/dev/null", "--force") == 1
    err = capsys.readouterr().err
    assert "/dev/null er en enhed, ikke en almindelig fil" in err
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode)
    assert (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)


def test_export_refuses_a_fifo_without_opening_it(
    meeting_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fifo = tmp_path / "rør.txt"
    os.mkfifo(fifo)
    assert export(fifo, "--force") == 1
    assert "er en FIFO (et navngivet rør), ikke en almindelig fil" in capsys.readouterr().err
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_export_refuses_a_directory_and_a_symbolic_link(
    meeting_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert export(tmp_path, "--force") == 1
    assert "er en mappe" in capsys.readouterr().err
    real = tmp_path / "rigtig.txt"
    real.write_text("behold mig", encoding="utf-8")
    link = tmp_path / "genvej.txt"
    link.symlink_to(real)
    assert export(link, "--force") == 1
    assert "er et symbolsk link" in capsys.readouterr().err
    assert link.is_symlink()
    assert real.read_text(encoding="utf-8") == "behold mig"


def test_an_existing_file_is_replaced_only_with_force(
    meeting_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "referat.txt"
    out.write_text("den gamle udgave", encoding="utf-8")
    assert export(out) == 1
    err = capsys.readouterr().err
    assert f"{out} findes allerede. Brug --force for at erstatte den. Intet blev skrevet." in err
    assert out.read_text(encoding="utf-8") == "den gamle udgave"
    assert export(out, "--force") == 0
    assert "Helle Kyndesen orienterede." in out.read_text(encoding="utf-8")


@pytest.mark.parametrize("length", [256, 300])
def test_an_over_long_name_is_a_clear_message_not_a_traceback(
    meeting_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], length: int
) -> None:
    out = tmp_path / ("r" * (length - 4) + ".txt")
    assert export(out) == 1
    err = capsys.readouterr().err
    assert f"Filnavnet er for langt ({length} tegn, {length} bytes)" in err
    assert "Traceback" not in err
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".referat-")] == []


def test_a_name_of_255_bytes_is_written(meeting_db: Path, tmp_path: Path) -> None:
    out = tmp_path / ("r" * 251 + ".txt")
    assert export(out) == 0
    assert out.exists()


# ---------------------------------------------------------------------------------------------
# Input hygiene


def test_hidden_characters_are_removed_from_titles_names_and_entries(bot: Bot) -> None:
    answer = bot.cmd(f"start Kreds{HIDDEN}rådsmøde | 19. marts 2024 | rådhu{HIDDEN}set")
    assert "\x1b" not in answer
    bot.cmd(f"deltager Helle{HIDDEN} Kyndesen | Politi{HIDDEN}direktør | politiet")
    bot.cmd(f"dagsorden\n1. Orien{HIDDEN}tering\n- under{HIDDEN}punkt")
    bot.cmd(f"ad 1 Helle Kyndesen orienterede{HIDDEN} om status.\nAnden linje\tmed tabulator.")
    store = bot.store()
    [meeting] = store.meetings()
    doc = store.document(meeting.id)
    assert meeting.title == "Kredsrådsmøde"
    assert meeting.place == "rådhuset"
    assert [p.name for p in doc.participants] == ["Helle Kyndesen"]
    assert doc.participants[0].title == "Politidirektør"
    assert [a.title for a in doc.agenda] == ["Orientering"]
    # Everything else stays as typed: the line break and the tab.
    assert [e.text for e in doc.entries] == [
        "Helle Kyndesen orienterede om status.\nAnden linje\tmed tabulator."
    ]


def test_a_slack_display_name_with_hidden_characters_is_stored_clean(bot: Bot) -> None:
    bot.fake.add_user("UEVIL", f"Mallory\u202e{HIDDEN} Hacker")
    bot.cmd("start Møde")
    bot.cmd("deltager <@UEVIL>")
    [person] = bot.store().participants(bot.store().meetings()[0].id)
    assert person.name == "Mallory Hacker"


def test_referat_meetings_prints_no_escape_sequence(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import datetime as dt

    # A title stored before input hygiene existed (or written by another tool).
    store = StoreOpener(db)()
    store.create_meeting(
        title="Møde\x1b[2J\x1b]0;pwned\x07\u202eslut",
        date=dt.date(2024, 3, 19),
        place=None,
        channel_id=None,
        starter_user_id=None,
        now=dt.datetime(2026, 11, 27, tzinfo=dt.UTC),
    )
    assert main(["meetings"]) == 0
    out = capsys.readouterr().out
    assert not {"\x1b", "\x07", "\u202e"} & set(out)
    assert "Møde\\x1b[2J\\x1b]0;pwned\\x07\\u202eslut" in out


@pytest.mark.parametrize("time", ["kl. 25.99", "kl. 14.60", "kl. 24.30", "klokken 9.00-31.00"])
def test_impossible_times_are_refused(bot: Bot, time: str) -> None:
    answer = bot.cmd(f"start Møde | 19. marts 2024 {time}")
    assert "findes ikke" in answer
    assert bot.store().meetings() == []


@pytest.mark.parametrize("time", ["kl. 14.00-16.00", "kl. 9", "kl. 23:59", "kl. 0.00", "kl. 24.00"])
def test_possible_times_are_kept_as_typed(bot: Bot, time: str) -> None:
    bot.cmd(f"start Møde | 19. marts 2024 {time}")
    [meeting] = bot.store().meetings()
    assert meeting.time_of_day == time


def test_clean_input_and_escape_controls_agree_on_what_is_hidden() -> None:
    text = f"a{HIDDEN}b\r\nc\td\u2028e"
    assert clean_input(text) == "ab\nc\td\ne"
    shown = escape_controls(text)
    assert shown.isprintable()
    for escape in ("\\x1b", "\\u202e", "\\r\\n", "\\u2028"):
        assert escape in shown
