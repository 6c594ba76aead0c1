"""Exports (md, txt, docx) and the meeting list, from a real database file.

The Word file is opened again with python-docx and its headings, tables and footer are checked;
`referat export` and `referat meetings` are run through `bot.cli.main` as a user would run them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn

from bot import cli
from bot.meeting.export import export_bytes, export_meeting, meetings_table, prepare_export
from bot.referat.compile import compile_referat, referat_markdown, referat_text, render_markdown
from bot.referat.export import ExportError
from bot.slack.drafts import entries_snapshot
from storage.records import EntryKind, Meeting, MeetingStatus
from storage.store import Store, StoreOpener

NOW = dt.datetime(2024, 3, 20, 9, 30, tzinfo=dt.UTC)
DRAFTED = dt.datetime(2024, 3, 19, 15, 0, tzinfo=dt.UTC)
APPROVED = dt.datetime(2024, 3, 21, 8, 0, tzinfo=dt.UTC)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "referat.db"


@pytest.fixture
def store(db: Path) -> Store:
    return StoreOpener(db)()


def log_meeting(store: Store, *, title: str = "Kredsrådsmøde i Holstebro Kommune", day: int = 19) -> Meeting:
    meeting = store.create_meeting(
        title=title,
        date=dt.date(2024, 3, day),
        place="rådhuset i Holstebro",
        channel_id=f"C{day}",
        starter_user_id="UREF",
        now=DRAFTED,
    )
    people = [
        ("Helle Kyndesen", "Politidirektør", "politiet", False, "UHELLE", None),
        ("Camilla Slumstrup", "Juridisk konsulent", "politiet", False, "UREF", "referent"),
        ("Lars Møller", "Kommunaldirektør", "kommunen", False, "ULARS", None),
        ("Claus Nørgaard", "Stabschef", "politiet", True, None, None),
    ]
    for name, title_, org, absent, user, role in people:
        store.add_participant(
            meeting.id,
            name=name,
            title=title_,
            organisation=org,
            absent=absent,
            slack_user_id=user,
            role=role,
            now=DRAFTED,
        )
    store.set_agenda(
        meeting.id,
        [
            (1, "Orientering fra politiet", ("Status på Bo Trygt",), ()),
            (2, "Indsats i Trekanten", (), ()),
            (3, "Eventuelt", (), ()),
        ],
        user_id="UREF",
        now=DRAFTED,
    )
    helle = store.participants(meeting.id)[0]
    store.add_entry(
        meeting.id,
        item_number=1,
        kind=EntryKind.STATEMENT,
        text="orienterede om status på samarbejdet.",
        author_user_id="UHELLE",
        speaker_id=helle.id,
        now=DRAFTED,
    )
    store.add_entry(
        meeting.id,
        item_number=2,
        kind=EntryKind.DECISION,
        text="Der var enighed om at fortsætte indsatsen i Trekanten.",
        author_user_id="UREF",
        now=DRAFTED,
    )
    return meeting


def post_draft(store: Store, meeting: Meeting, *, approved: bool = False) -> str:
    """Store a draft as the bot does (and approve it), returning the stored text."""
    doc = store.document(meeting.id)
    previous = store.latest_draft(meeting.id)
    version = previous.version + 1 if previous else 1
    if approved:
        text = referat_text(
            doc, version=version, approved=(("Helle Kyndesen", APPROVED), ("Lars Møller", APPROVED))
        )
    else:
        text = referat_text(doc, version=version, draft_date=DRAFTED.date())
    draft = store.add_draft(
        meeting.id, text=text, text_sha256=hashlib.sha256(text.encode()).hexdigest(), snapshot=[], now=DRAFTED
    )
    if approved:
        store.add_approval(draft.id, "UHELLE", APPROVED)
        store.add_approval(draft.id, "ULARS", APPROVED)
        store.mark_approved(meeting.id, APPROVED)
    return text


# --------------------------------------------------------------------------------------------
# What an export says


def test_approved_txt_is_the_stored_approved_text_byte_for_byte(store: Store) -> None:
    meeting = log_meeting(store)
    post_draft(store, meeting)
    # The stored approved text is authoritative even where today's renderer would differ.
    stored = post_draft(store, meeting, approved=True).replace("Referat:", "Referat:  ") + "\r\n"
    store.db.execute("update drafts set text = ? where version = 2", [stored])
    store.db.conn.commit()

    content, name = export_bytes(store, meeting.id, "txt", now=NOW)

    assert content == stored.encode("utf-8")
    assert name == "referat-2024-03-19-godkendt.txt"


def test_approved_markdown_has_the_approval_line_and_no_draft_marker(store: Store) -> None:
    meeting = log_meeting(store)
    stored = post_draft(store, meeting, approved=True)
    assert stored.rstrip().endswith("Godkendt 21. marts 2024 af Helle Kyndesen og Lars Møller")

    markdown = export_bytes(store, meeting.id, "md", now=NOW)[0].decode("utf-8")

    doc = store.document(meeting.id)
    approvals = (("Helle Kyndesen", APPROVED), ("Lars Møller", APPROVED))
    assert markdown == referat_markdown(doc, version=1, approved=approvals)
    assert markdown.rstrip().endswith("Godkendt 21. marts 2024 af Helle Kyndesen og Lars Møller")
    assert "UDKAST" not in markdown


def test_finalised_referat_exports_the_final_text_and_what_was_approved(store: Store) -> None:
    """The store's final text is the export; an entry logged after the approved version is not."""
    meeting = log_meeting(store)
    doc = store.document(meeting.id)
    drafted = referat_text(doc, version=1, draft_date=DRAFTED.date())
    draft = store.add_draft(
        meeting.id, text=drafted, text_sha256="x", snapshot=entries_snapshot(doc.entries), now=DRAFTED
    )
    store.add_entry(
        meeting.id,
        item_number=3,
        kind=EntryKind.STATEMENT,
        text="Logget efter udkastet.",
        author_user_id="UREF",
        now=NOW,
    )
    line = "Godkendt 21. marts 2024 af Helle Kyndesen og Lars Møller"
    final = drafted.partition("\n\n")[2].rstrip("\n") + f"\n\n{line}\n"
    assert store.finalize(meeting.id, draft.id, text=final, text_sha256="y", approval_line=line, now=APPROVED)

    content, name = export_bytes(store, meeting.id, "txt", now=NOW)
    markdown = export_bytes(store, meeting.id, "md", now=NOW)[0].decode("utf-8")
    word = Document(io.BytesIO(export_bytes(store, meeting.id, "docx", now=NOW)[0]))

    assert content == final.encode("utf-8")
    assert name == "referat-2024-03-19-godkendt.txt"
    approvals = (("Helle Kyndesen", APPROVED), ("Lars Møller", APPROVED))
    assert markdown == referat_markdown(doc, approved=approvals)
    assert "Logget efter udkastet." not in markdown
    assert word.sections[0].footer.paragraphs[0].text == line
    assert "Logget efter udkastet." not in [p.text for p in word.paragraphs]


def test_approved_without_a_line_in_the_text_names_approvers_from_the_store(store: Store) -> None:
    meeting = log_meeting(store)
    text = referat_text(store.document(meeting.id), version=1, draft_date=DRAFTED.date())
    draft = store.add_draft(meeting.id, text=text, text_sha256="x", snapshot=[], now=DRAFTED)
    store.add_approval(draft.id, "ULARS", APPROVED)
    store.add_approval(draft.id, "UNKNOWN", APPROVED)
    store.mark_approved(meeting.id, APPROVED)

    prepared = prepare_export(store, meeting.id, now=NOW)

    assert prepared.text == text
    assert prepared.status == "Godkendt 21. marts 2024 af Lars Møller og UNKNOWN"
    assert prepared.referat.draft_marker is None


def test_unchanged_draft_exports_exactly_that_version(store: Store) -> None:
    meeting = log_meeting(store)
    stored = post_draft(store, meeting)

    prepared = prepare_export(store, meeting.id, now=NOW)
    content, name = export_bytes(store, meeting.id, "txt", now=NOW)
    markdown = export_bytes(store, meeting.id, "md", now=NOW)[0].decode("utf-8")

    assert content.decode("utf-8") == stored
    assert name == "referat-2024-03-19-v1.txt"
    assert prepared.status == "Udkast, version 1"
    assert markdown == render_markdown(
        compile_referat(store.document(meeting.id), version=1, draft_date=DRAFTED.date())
    )
    assert markdown.startswith("**UDKAST – version 1 – 19. marts 2024**\n\n# Referat af kredsrådsmøde")


@pytest.mark.parametrize(
    ("with_draft", "marker", "status"),
    [
        (False, "UDKAST – ikke lagt frem – 20. marts 2024", "Udkast, ikke lagt frem endnu"),
        (True, "UDKAST – ændret efter version 1 – 20. marts 2024", "Udkast, ændret efter version 1"),
    ],
)
def test_text_nobody_has_seen_in_slack_is_marked_as_unpublished(
    store: Store, with_draft: bool, marker: str, status: str
) -> None:
    meeting = log_meeting(store)
    if with_draft:
        post_draft(store, meeting)
    store.add_entry(
        meeting.id,
        item_number=3,
        kind=EntryKind.STATEMENT,
        text="Mødet sluttede kl. 16.",
        author_user_id="UREF",
        now=NOW,
    )

    prepared = prepare_export(store, meeting.id, now=NOW)
    content, name = export_bytes(store, meeting.id, "txt", now=NOW)

    assert prepared.status == status
    assert content.decode("utf-8").startswith(marker + "\n\nReferat af kredsrådsmøde")
    assert "Mødet sluttede kl. 16." in content.decode("utf-8")
    assert name == "referat-2024-03-19-udkast.txt"


def test_imported_meeting_exports_without_marker(store: Store) -> None:
    meeting = store.create_meeting(
        title="Kredsrådsmøde",
        date=dt.date(2023, 11, 2),
        place=None,
        channel_id=None,
        starter_user_id=None,
        now=NOW,
        status=MeetingStatus.IMPORTED,
    )
    prepared = prepare_export(store, meeting.id, now=NOW)
    assert prepared.text.startswith("Referat af kredsrådsmøde den 2. november 2023\n")
    assert prepared.status == "Importeret referat – godkendelse ukendt"


def test_default_is_the_latest_meeting(store: Store) -> None:
    log_meeting(store, title="Ældre møde", day=5)
    log_meeting(store, title="Nyeste møde", day=19)
    log_meeting(store, title="Mellemste møde", day=12)  # created last, but not the latest date
    assert prepare_export(store, None, now=NOW).meeting.title == "Nyeste møde"


# --------------------------------------------------------------------------------------------
# Word


def test_docx_has_headings_participant_tables_and_status_footer(store: Store, tmp_path: Path) -> None:
    meeting = log_meeting(store)
    post_draft(store, meeting, approved=True)
    out = tmp_path / "referat.docx"

    assert export_meeting(store, meeting.id, "docx", out, now=NOW) == out

    word = Document(str(out))
    headings = [(p.style.name, p.text) for p in word.paragraphs if p.style.name.startswith("Heading")]
    assert headings == [
        ("Heading 1", "Referat af kredsrådsmøde i Holstebro Kommune den 19. marts 2024"),
        ("Heading 2", "Deltagere"),
        ("Heading 2", "Afbud"),
        ("Heading 2", "Dagsorden"),
        ("Heading 2", "Referat"),
        ("Heading 3", "Ad 1 – Orientering fra politiet"),
        ("Heading 3", "Ad 2 – Indsats i Trekanten"),
        ("Heading 3", "Ad 3 – Eventuelt"),
    ]
    tables = [[[cell.text for cell in row.cells] for row in table.rows] for table in word.tables]
    assert tables == [
        [
            ["Navn", "Titel"],
            ["Helle Kyndesen", "Politidirektør"],
            ["Camilla Slumstrup", "Juridisk konsulent (referent)"],
        ],
        [["Navn", "Titel"], ["Lars Møller", "Kommunaldirektør"]],
        [["Navn", "Titel"], ["Claus Nørgaard", "Stabschef"]],
    ]
    texts = [p.text for p in word.paragraphs]
    assert texts.count("Fra politiet:") == 1  # under Deltagere; Afbud is one list without headings
    assert "Fra kommunen:" in texts
    assert "Politidirektør Helle Kyndesen orienterede om status på samarbejdet." in texts
    assert "Der var enighed om at fortsætte indsatsen i Trekanten." in texts
    assert "Intet at bemærke." in texts
    assert not any("UDKAST" in t for t in texts)
    footer = word.sections[0].footer.paragraphs[0].text
    assert footer == "Godkendt 21. marts 2024 af Helle Kyndesen og Lars Møller"
    assert texts[-1] == footer


def test_docx_is_a4_in_danish_by_the_minute_taker(store: Store, tmp_path: Path) -> None:
    """Read back as an office would see it: page size, every style's language, author and title."""
    meeting = log_meeting(store)
    post_draft(store, meeting, approved=True)
    out = tmp_path / "referat.docx"
    export_meeting(store, meeting.id, "docx", out, now=NOW)
    word = Document(str(out))
    for section in word.sections:
        assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    languages = {
        lang.get(qn("w:val")) for lang in word.styles.element.iter(qn("w:lang")) if lang.get(qn("w:val"))
    }
    assert languages == {"da-DK"}
    for name in ("Normal", "Heading 1", "Heading 3", "List Bullet", "Table Grid"):
        assert word.styles[name].element.rPr.find(qn("w:lang")).get(qn("w:val")) == "da-DK"
    properties = word.core_properties
    assert properties.author == "Camilla Slumstrup"  # the referent, not the library
    assert properties.last_modified_by == "Camilla Slumstrup"
    assert properties.title == "Referat af kredsrådsmøde i Holstebro Kommune den 19. marts 2024"
    assert properties.language == "da-DK"
    assert properties.created.date() == dt.date(2024, 3, 19)
    assert properties.modified.date() == dt.date(2024, 3, 21)


def test_the_author_is_the_minute_taker_who_started_the_meeting_when_no_referent_is_listed(
    store: Store,
) -> None:
    meeting = store.create_meeting(
        title="Styregruppemøde", date=dt.date(2024, 3, 19), place=None, channel_id="C1",
        starter_user_id="UIDA", now=DRAFTED,
    )  # fmt: skip
    store.add_participant(
        meeting.id, name="Ida Holm", title="Sekretær", organisation=None, absent=False,
        slack_user_id="UIDA", initials="IH", now=DRAFTED,
    )  # fmt: skip
    content, _ = export_bytes(store, meeting.id, "docx", now=NOW)
    assert Document(io.BytesIO(content)).core_properties.author == "Ida Holm"


def test_docx_of_a_draft_has_marker_and_version_footer(store: Store) -> None:
    meeting = log_meeting(store)
    post_draft(store, meeting)
    content, name = export_bytes(store, meeting.id, "docx", now=NOW)
    assert name == "referat-2024-03-19-v1.docx"
    word = Document(io.BytesIO(content))
    assert word.paragraphs[0].text == "UDKAST – version 1 – 19. marts 2024"
    assert word.paragraphs[0].runs[0].bold
    assert word.sections[0].footer.paragraphs[0].text == "Udkast, version 1"


def test_docx_drops_characters_xml_cannot_hold(store: Store) -> None:
    meeting = log_meeting(store)
    store.add_entry(
        meeting.id,
        item_number=3,
        kind=EntryKind.STATEMENT,
        text="Tekst\x0bmed\x00styretegn.",
        author_user_id="UREF",
        now=NOW,
    )
    word = Document(io.BytesIO(export_bytes(store, meeting.id, "docx", now=NOW)[0]))
    assert "Tekstmedstyretegn." in [p.text for p in word.paragraphs]


# --------------------------------------------------------------------------------------------
# Files and errors


@pytest.mark.parametrize("fmt", ["md", "txt", "docx"])
def test_export_writes_the_same_bytes_export_bytes_returns(store: Store, tmp_path: Path, fmt: str) -> None:
    meeting = log_meeting(store)
    post_draft(store, meeting)
    out = tmp_path / f"ud.{fmt}"
    export_meeting(store, meeting.id, fmt, out, now=NOW)
    if fmt == "docx":
        assert out.read_bytes()[:2] == b"PK"
    else:
        assert out.read_bytes() == export_bytes(store, meeting.id, fmt, now=NOW)[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["referat.db", "referat.db-shm", "referat.db-wal", out.name]
    )


@pytest.mark.parametrize(
    ("out_name", "fmt", "message"),
    [
        ("mangler/referat.md", "md", "Mappen"),
        ("fil.txt/referat.md", "md", "Mappen"),
        ("referat.docx", "md", "slutter på .docx, men formatet er md"),
        (".", "md", "er en mappe"),
    ],
)
def test_unusable_output_paths_are_refused_in_danish(
    store: Store, tmp_path: Path, out_name: str, fmt: str, message: str
) -> None:
    log_meeting(store)
    (tmp_path / "fil.txt").write_text("findes", encoding="utf-8")
    before = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(ExportError, match=message):
        export_meeting(store, None, fmt, tmp_path / out_name, now=NOW)
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_failed_write_keeps_the_old_file_and_leaves_no_temporary(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log_meeting(store)
    out = tmp_path / "referat.txt"
    out.write_text("den gamle udgave", encoding="utf-8")

    def refuse(src: str, dst: str) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("bot.referat.export.os.replace", refuse)
    with pytest.raises(ExportError, match=r"Kan ikke skrive .*ingen skriveadgang\. Intet blev skrevet\."):
        export_meeting(store, None, "txt", out, now=NOW, force=True)
    assert out.read_text(encoding="utf-8") == "den gamle udgave"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root writes into read-only folders")
def test_read_only_folder_is_refused(store: Store, tmp_path: Path) -> None:
    log_meeting(store)
    folder = tmp_path / "låst"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(ExportError, match="ingen skriveadgang"):
            export_meeting(store, None, "md", folder / "referat.md", now=NOW)
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o700)


def test_empty_database_has_nothing_to_export(store: Store) -> None:
    with pytest.raises(ExportError, match="ingen møder i databasen"):
        export_bytes(store, None, "md", now=NOW)


def test_unknown_format_is_refused(store: Store) -> None:
    log_meeting(store)
    with pytest.raises(ExportError, match="Vælg md, txt, docx eller pdf"):
        export_bytes(store, None, "odt", now=NOW)


# --------------------------------------------------------------------------------------------
# The command line


def run_cli(args: list[str], db: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setenv("REFERAT_DB", str(db))
    return cli.main(args)


def test_cli_export_of_a_missing_meeting_fails_with_a_danish_message(
    store: Store,
    db: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    log_meeting(store)
    out = tmp_path / "referat.txt"
    code = run_cli(["export", "--meeting", "99", "--format", "txt", "--out", str(out)], db, monkeypatch)
    captured = capsys.readouterr()
    assert code != 0
    assert "Der er intet møde med id 99" in captured.err
    assert "referat meetings" in captured.err
    assert "Traceback" not in captured.err
    assert not out.exists()


def test_cli_export_to_a_missing_folder_fails_and_writes_nothing(
    store: Store,
    db: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    log_meeting(store)
    out = tmp_path / "findes-ikke" / "referat.md"
    code = run_cli(["export", "--format", "md", "--out", str(out)], db, monkeypatch)
    assert code != 0
    assert "findes ikke" in capsys.readouterr().err
    assert not out.parent.exists()


def test_cli_export_writes_the_latest_meeting(
    store: Store,
    db: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    meeting = log_meeting(store)
    stored = post_draft(store, meeting)
    out = tmp_path / "referat.txt"
    assert run_cli(["export", "--format", "txt", "--out", str(out)], db, monkeypatch) == 0
    assert out.read_text(encoding="utf-8") == stored
    assert f"Skrev {out}" in capsys.readouterr().out


def test_cli_export_refuses_an_unknown_file_ending_by_name(
    store: Store,
    db: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    log_meeting(store)
    out = tmp_path / "referat.rtf"
    assert run_cli(["export", "--out", str(out)], db, monkeypatch) == 2
    captured = capsys.readouterr()
    assert '".rtf"' in captured.err
    assert "Vælg md, txt, docx eller pdf." in captured.err
    assert captured.out == ""
    assert not out.exists()
    # Said outright, the format wins over the ending; no ending at all is Markdown.
    assert run_cli(["export", "--format", "md", "--out", str(out)], db, monkeypatch) == 0
    assert "\n# Referat af kredsrådsmøde" in out.read_text(encoding="utf-8")
    assert run_cli(["export", "--out", str(tmp_path / "referat")], db, monkeypatch) == 0


def test_meetings_table_lists_id_date_title_and_status(store: Store) -> None:
    open_meeting = log_meeting(store, title="Åbent møde", day=5)
    drafted = log_meeting(store, title="Møde med udkast", day=12)
    post_draft(store, drafted)
    approved = log_meeting(store, title="Godkendt møde", day=19)
    post_draft(store, approved, approved=True)

    lines = meetings_table(store).splitlines()

    assert lines[0].split() == ["Id", "Dato", "Titel", "Status"]
    assert [line.split("  ")[0].strip() for line in lines[1:]] == [
        str(approved.id),
        str(drafted.id),
        str(open_meeting.id),
    ]
    assert lines[1].endswith("godkendt 21.03.2024")
    assert "19.03.2024  Godkendt møde" in lines[1]
    assert lines[2].endswith("udkast v1")
    assert lines[3].endswith("åben")
    # Columns line up: every status starts at the same place.
    assert (
        len(
            {
                line.rindex(status)
                for line, status in zip(lines, ["Status", "godkendt", "udkast", "åben"], strict=True)
            }
        )
        == 1
    )


def test_cli_meetings_on_an_empty_database(
    db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli(["meetings"], db, monkeypatch) == 0
    assert capsys.readouterr().out.strip() == "Der er ingen møder i databasen endnu."
