"""The PDF/A export, read back with pypdf: text, language, PDF/A identification, fonts, structure, A4.

Rendering takes most of a second, so the command-line export is made once for the module and every
property is checked on that one file; Slack's `/referat eksport pdf` renders once more.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from bot import cli
from bot.approval.rules import approval_line, final_text
from bot.meeting.export import export_bytes
from bot.referat.compile import referat_text
from bot.referat.export import ExportError
from bot.slack.drafts import entries_snapshot
from storage.records import EntryKind, Meeting
from storage.store import Store, StoreOpener
from support.app import Bot
from support.slack_fake import FakeSlack

DRAFTED = dt.datetime(2024, 3, 19, 15, 0, tzinfo=dt.UTC)
APPROVED = dt.datetime(2024, 3, 21, 8, 0, tzinfo=dt.UTC)
NOW = dt.datetime(2024, 3, 22, 9, 0, tzinfo=dt.UTC)
A4 = (595.28, 841.89)  # points


def approved_meeting(store: Store) -> tuple[Meeting, str]:
    """A meeting approved as the bot approves one; returns it and the final text's SHA-256."""
    meeting = store.create_meeting(
        title="Kredsrådsmøde i Holstebro Kommune",
        date=dt.date(2024, 3, 19),
        place="rådhuset i Holstebro",
        channel_id="C1",
        starter_user_id="UREF",
        now=DRAFTED,
    )
    for name, title, org, user, role in (
        ("Helle Kyndesen", "Politidirektør", "politiet", "UHELLE", None),
        ("Camilla Slumstrup", "Juridisk konsulent", "politiet", "UREF", "referent"),
        ("Helle Støve", "Direktør for Børn og Unge", "kommunen", None, None),
    ):
        store.add_participant(
            meeting.id,
            name=name,
            title=title,
            organisation=org,
            absent=False,
            slack_user_id=user,
            role=role,
            now=DRAFTED,
        )
    store.set_agenda(
        meeting.id,
        [(1, "Orientering fra politiet", ("Status på Bo Trygt",), ()), (2, "Eventuelt", (), ())],
        user_id="UREF",
        now=DRAFTED,
    )
    helle = store.participants(meeting.id)[0]
    store.add_entry(
        meeting.id,
        item_number=1,
        kind=EntryKind.STATEMENT,
        text="orienterede om «Bo Trygt» & indbrud i Ærø <2024>.",
        author_user_id="UHELLE",
        speaker_id=helle.id,
        now=DRAFTED,
    )
    doc = store.document(meeting.id)
    text = referat_text(doc, version=1, draft_date=DRAFTED.date())
    draft = store.add_draft(
        meeting.id,
        text=text,
        text_sha256=hashlib.sha256(text.encode()).hexdigest(),
        snapshot=entries_snapshot(doc.entries),
        now=DRAFTED,
    )
    store.add_approval(draft.id, "UHELLE", APPROVED)
    approvals = [("Helle Kyndesen", APPROVED)]
    final = final_text(text, approvals)
    digest = hashlib.sha256(final.encode()).hexdigest()
    line = approval_line(approvals)
    assert store.finalize(
        meeting.id, draft.id, text=final, text_sha256=digest, approval_line=line, now=APPROVED
    )
    return meeting, digest


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[PdfReader, str, bytes]:
    folder = tmp_path_factory.mktemp("pdf")
    db = folder / "referat.db"
    _, digest = approved_meeting(StoreOpener(db)())
    out = folder / "referat.pdf"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("REFERAT_DB", str(db))
        assert cli.main(["export", "--format", "pdf", "--out", str(out)]) == 0
    content = out.read_bytes()
    return PdfReader(io.BytesIO(content)), digest, content


def test_pdf_has_the_referat_text_page_numbers_and_the_hash(exported: tuple[PdfReader, str, bytes]) -> None:
    reader, digest, content = exported
    assert content.startswith(b"%PDF-1.7")
    # Lines wrap where the page ends them: compare with whitespace collapsed.
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    for expected in (
        "Referat af kredsrådsmøde i Holstebro Kommune den",
        "Ad 1 – Orientering fra politiet",
        "Politidirektør Helle Kyndesen orienterede om «Bo Trygt» & indbrud i Ærø <2024>.",
        "Direktør for Børn og Unge, Helle Støve",
        "Godkendt 21. marts 2024 af Helle Kyndesen",
        f"Side 1 af {len(reader.pages)}",
        digest,
    ):
        assert expected in text
    assert "UDKAST" not in text


def test_pdf_is_a4_in_danish_with_title_author_and_dates(exported: tuple[PdfReader, str, bytes]) -> None:
    reader, _, _ = exported
    for page in reader.pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(A4, abs=0.5)
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "da-DK"
    assert root["/ViewerPreferences"]["/DisplayDocTitle"]
    info = reader.metadata
    assert info is not None
    assert info.title == "Referat af kredsrådsmøde i Holstebro Kommune den 19. marts 2024"
    assert info.author == "Camilla Slumstrup"
    assert str(info["/CreationDate"]).startswith("D:20240319")
    assert str(info["/ModDate"]).startswith("D:20240321")


def test_pdf_identifies_itself_as_pdf_a_3b_in_its_xmp(exported: tuple[PdfReader, str, bytes]) -> None:
    reader, _, _ = exported
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")
    assert re.search(r'pdfaid:part="3"', xmp)
    assert re.search(r'pdfaid:conformance="B"', xmp)
    assert "Referat af kredsrådsmøde i Holstebro Kommune den 19. marts 2024" in xmp
    assert reader.trailer["/Root"]["/OutputIntents"][0].get_object()["/S"] == "/GTS_PDFA1"


def fonts(reader: PdfReader) -> list[DictionaryObject]:
    found = []
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", [font]):
                found.append(descendant.get_object())
    return found


def test_every_font_is_embedded_and_is_the_shipped_one(exported: tuple[PdfReader, str, bytes]) -> None:
    reader, _, _ = exported
    used = fonts(reader)
    assert used
    for font in used:
        descriptor = font["/FontDescriptor"].get_object()
        assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")), font["/BaseFont"]
        assert "Referat-Serif" in font["/BaseFont"]


def structure_roles(node: Any, seen: list[str]) -> list[str]:
    node = node.get_object()
    if isinstance(node, DictionaryObject):
        if "/S" in node:
            seen.append(str(node["/S"]))
        kids = node.get("/K")
        if kids is not None:
            structure_roles(kids, seen)
    elif isinstance(node, list):
        for kid in node:
            structure_roles(kid, seen)
    return seen


def test_pdf_is_tagged_with_headings_paragraphs_and_lists(exported: tuple[PdfReader, str, bytes]) -> None:
    reader, _, _ = exported
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"]
    roles = structure_roles(root["/StructTreeRoot"], [])
    for role in ("/H1", "/H2", "/H3", "/P", "/L", "/LI"):
        assert role in roles


def test_pdf_of_an_open_meeting_carries_the_draft_marker(tmp_path: Path) -> None:
    store = StoreOpener(tmp_path / "referat.db")()
    meeting = store.create_meeting(
        title="Bestyrelsesmøde",
        date=dt.date(2024, 3, 19),
        place=None,
        channel_id="C1",
        starter_user_id="UREF",
        now=DRAFTED,
    )
    content, name = export_bytes(store, meeting.id, "pdf", now=NOW)
    assert name == "referat-2024-03-19-udkast.pdf"
    text = PdfReader(io.BytesIO(content)).pages[0].extract_text()
    assert "UDKAST – ikke lagt frem" in text
    assert "Godkendt" not in text


def test_without_the_renderer_the_pdf_export_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "referat.db"
    approved_meeting(StoreOpener(db)())
    # As on a machine without WeasyPrint or the Pango library it loads: the import fails.
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    monkeypatch.setenv("REFERAT_DB", str(db))
    out = tmp_path / "referat.pdf"
    assert cli.main(["export", "--format", "pdf", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "Pango" in err
    assert "apt-get install libpango-1.0-0" in err
    assert "Traceback" not in err
    assert not out.exists()
    # Every other format still works.
    assert cli.main(["export", "--format", "docx", "--out", str(tmp_path / "referat.docx")]) == 0
    with pytest.raises(ExportError, match="Pango"):
        export_bytes(StoreOpener(db)(), None, "pdf", now=NOW)


def test_slack_export_pdf_uploads_a_pdf_a_to_the_channel(bot: Bot, fake: FakeSlack) -> None:
    bot.cmd("start Bestyrelsesmøde | 19. marts 2024 | foreningens lokaler")
    bot.cmd("deltager <@UHELLE> | Formand")
    bot.cmd("dagsorden\n1. Regnskab")
    bot.cmd("ad 1 orienterede om regnskabet.", user="UHELLE")
    assert "PDF/A" in bot.cmd("eksport pdf")
    uploaded = fake.wait_for(lambda: fake.files, timeout=20.0)  # rendering a PDF on a busy machine
    assert uploaded[0].name == "referat-2024-03-19-udkast.pdf"
    assert uploaded[0].channel == "C1"
    reader = PdfReader(io.BytesIO(uploaded[0].content))
    assert "Formand Helle Kyndesen orienterede om regnskabet." in reader.pages[0].extract_text()
    assert reader.trailer["/Root"]["/Lang"] == "da-DK"
    # An outsider's channel has no meeting: refused, and nothing more is uploaded.
    assert "intet møde" in bot.cmd("eksport pdf", channel="C2").lower()
    assert len(fake.files) == 1


def test_cli_pdf_export_writes_nothing_to_stderr(tmp_path: Path) -> None:
    """As the operator runs it, in a process of its own with the command line's logging: the
    renderer's and the font subsetter's narration stays off the terminal; only `Skrev …` shows."""
    db = tmp_path / "referat.db"
    approved_meeting(StoreOpener(db)())
    out = tmp_path / "referat.pdf"
    env = {**os.environ, "REFERAT_DB": str(db)}
    done = subprocess.run(
        [sys.executable, "-m", "bot", "export", "--out", str(out)],
        capture_output=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr.decode()
    assert done.stderr == b""
    assert done.stdout.decode().strip() == f"Skrev {out}"
    assert out.read_bytes().startswith(b"%PDF-")
