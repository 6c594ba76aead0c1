"""The council's record in the referat: votes, arrivals and departures, and the aktindsigt extract.

Pure parts are called plainly; the exports run over a real database file, since which edition an
extract holds (draft or approved) is read from the store.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import shutil
from pathlib import Path

import pytest
from docx import Document

from bot import cli
from bot.archive.ask import answer_question
from bot.meeting.export import export_bytes, prepare_export
from bot.referat.aktindsigt import NO_DECISION
from bot.referat.attendance import attendance_lines, presence, took_part
from bot.referat.compile import referat_text
from bot.referat.export import ExportError
from bot.slack.drafts import entries_snapshot
from storage import search
from storage.records import EntryKind, Meeting, Vote
from storage.store import Store, StoreOpener

DRAFTED = dt.datetime(2024, 3, 19, 15, 0, tzinfo=dt.UTC)
APPROVED = dt.datetime(2024, 3, 21, 8, 0, tzinfo=dt.UTC)
NOW = dt.datetime(2024, 3, 22, 9, 0, tzinfo=dt.UTC)
DEBATE = "Erik Juhl fandt stien for dyr."


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty database, migrated once per module: each test starts from a copy."""
    path = tmp_path_factory.mktemp("council") / "referat.db"
    opened = StoreOpener(path)()
    opened.db.execute("pragma wal_checkpoint(truncate)")
    opened.db.close()
    return path


@pytest.fixture
def store(migrated: Path, tmp_path: Path) -> Store:
    shutil.copyfile(migrated, tmp_path / "referat.db")
    return StoreOpener(tmp_path / "referat.db")()


def council(store: Store, *, public_closed_decision: bool = False) -> Meeting:
    """A committee meeting: Bo arrives for item 2, Fie leaves during item 4, a vote on item 3."""
    meeting = store.create_meeting(
        title="Teknik- og miljøudvalget", date=dt.date(2024, 3, 19), place="rådhuset i Holstebro",
        channel_id="C1", starter_user_id="UREF", now=DRAFTED,
    )  # fmt: skip
    for name, title, user in (
        ("Anne Krog", "Formand", "UANNE"),
        ("Erik Juhl", "Medlem", "UERIK"),
        ("Fie Bach", "Medlem", "UFIE"),
        ("Bo Lund", "Medlem", None),
    ):
        store.add_participant(meeting.id, name=name, title=title, organisation=None, absent=False,
                              slack_user_id=user, now=DRAFTED)  # fmt: skip
    store.set_agenda(
        meeting.id,
        [(1, "Godkendelse af dagsorden", (), ()), (2, "Personalesag", (), ()),
         (3, "Cykelsti langs Storåen", (), ()), (4, "Bænke på torvet", (), ()), (5, "Eventuelt", (), ())],
        user_id="UREF", now=DRAFTED, closed=[2],
    )  # fmt: skip
    anne, erik, fie, bo = store.participants(meeting.id)

    def add(item: int, kind: EntryKind, text: str, **extra: object) -> None:
        store.add_entry(meeting.id, item_number=item, kind=kind, text=text, author_user_id="UREF",
                        now=DRAFTED, **extra)  # type: ignore[arg-type]  # fmt: skip

    add(2, EntryKind.ARRIVED, "Bo Lund", speaker_ids=[bo.id])
    add(2, EntryKind.DECISION, "Medarbejderen blev afskediget.")
    if public_closed_decision:
        add(2, EntryKind.DECISION, "Sagen er afsluttet.", public=True)
    add(3, EntryKind.STATEMENT, DEBATE)
    add(3, EntryKind.DECISION, "Der var enighed om at sende forslaget i høring.")
    add(3, EntryKind.DISSENT, "Jeg kan ikke støtte det.", speaker_ids=[erik.id])
    add(3, EntryKind.VOTE, "Forslag om cykelsti langs Storåen",
        vote=Vote(2, 1, 1, (anne.id, bo.id), (erik.id,), (fie.id,)))  # fmt: skip
    add(4, EntryKind.LEFT, "Fie Bach", speaker_ids=[fie.id])
    add(4, EntryKind.STATEMENT, "Bænkene blev drøftet.")
    return meeting


VOTE_SENTENCE = (
    "Afstemning om forslag om cykelsti langs Storåen: For stemte 2 (Formand Anne Krog og Medlem Bo Lund), "
    "imod stemte 1 (Medlem Erik Juhl), 1 undlod at stemme (Medlem Fie Bach). Forslaget blev vedtaget."
)


def test_who_took_part_follows_arrivals_departures_and_inhabilitet(store: Store) -> None:
    doc = store.document(council(store).id)
    names = {n: [p.name for p in took_part(doc.participants, doc.entries, n)] for n in (1, 2, 3, 4, 5)}
    assert names[1] == ["Anne Krog", "Erik Juhl", "Fie Bach"]  # Bo came for item 2
    assert names[3] == ["Anne Krog", "Erik Juhl", "Fie Bach", "Bo Lund"]
    assert names[4] == ["Anne Krog", "Erik Juhl", "Bo Lund"]  # Fie left during item 4
    assert names[5] == names[4]
    facts = presence(doc.entries)
    assert (facts.arrived, facts.left) == ({doc.participants[3].id: 2}, {doc.participants[2].id: 4})
    assert attendance_lines(doc.participants, doc.entries) == (
        "Medlem Bo Lund deltog fra punkt 2.",
        "Medlem Fie Bach forlod mødet under punkt 4.",
    )


def test_the_draft_has_the_attendance_section_and_the_vote_under_its_item(store: Store) -> None:
    text = referat_text(store.document(council(store).id), version=1)
    deltagere, _, rest = text.partition("Dagsorden:")
    assert "Medlem Bo Lund deltog fra punkt 2.\n\nMedlem Fie Bach forlod mødet under punkt 4." in deltagere
    item3 = rest.split("Ad 3 – Cykelsti langs Storåen")[1].split("Ad 4")[0]
    assert VOTE_SENTENCE in item3
    assert item3.index("Der var enighed") < item3.index("Afstemning") < item3.index("ønskede følgende")
    assert "deltog fra" not in rest  # arrivals are the attendance section's, not an item's


def approve(store: Store, meeting: Meeting) -> str:
    doc = store.document(meeting.id)
    text = referat_text(doc, version=1, approved=(("Anne Krog", APPROVED),))
    draft = store.add_draft(meeting.id, text=text, text_sha256=hashlib.sha256(text.encode()).hexdigest(),
                            snapshot=entries_snapshot(doc.entries), now=DRAFTED)  # fmt: skip
    store.add_approval(draft.id, "UANNE", APPROVED)
    store.mark_approved(meeting.id, APPROVED)
    return text


def test_the_approved_text_and_every_export_carry_votes_and_attendance(store: Store) -> None:
    meeting = council(store)
    approved = approve(store, meeting)
    assert VOTE_SENTENCE in approved
    assert "Medlem Fie Bach forlod mødet under punkt 4." in approved
    markdown = export_bytes(store, meeting.id, "md", now=NOW)[0].decode()
    assert "Medlem Bo Lund deltog fra punkt 2." in markdown
    assert VOTE_SENTENCE in markdown
    word = Document(io.BytesIO(export_bytes(store, meeting.id, "docx", now=NOW)[0]))
    paragraphs = [p.text for p in word.paragraphs]
    assert "Medlem Fie Bach forlod mødet under punkt 4." in paragraphs
    assert VOTE_SENTENCE in paragraphs
    public = prepare_export(store, meeting.id, now=NOW, public=True).text
    assert "Medlem Bo Lund deltog fra punkt 2." in public


# --------------------------------------------------------------------------------------------
# The aktindsigt extract


def extract(store: Store, meeting: Meeting, item: int, fmt: str = "txt") -> str:
    return export_bytes(store, meeting.id, fmt, now=NOW, aktindsigt=item)[0].decode()


def test_the_extract_of_an_open_item_is_its_decisions_and_votes_and_nothing_else(store: Store) -> None:
    meeting = council(store)
    approve(store, meeting)
    text = extract(store, meeting, 3)
    assert text.startswith(
        "Uddrag til aktindsigt: punkt 3\n\nReferat af teknik- og miljøudvalget den 19. marts 2024"
    )
    assert "Mødet blev afholdt på rådhuset i Holstebro" in text
    assert "Ad 3 – Cykelsti langs Storåen" in text
    assert "Der var enighed om at sende forslaget i høring." in text
    assert VOTE_SENTENCE in text
    assert "Godkendt 21. marts 2024 af Anne Krog" in text
    for never in (
        DEBATE,
        "Jeg kan ikke støtte det",
        "Ad 4",
        "Bænke",
        "Personalesag",
        "Deltagere",
        "deltog fra",
    ):
        assert never not in text, never
    _, name = export_bytes(store, meeting.id, "md", now=NOW, aktindsigt=3)
    assert name == "referat-2024-03-19-godkendt-aktindsigt-punkt-3.md"


def test_an_unapproved_extract_says_it_is_a_draft(store: Store) -> None:
    text = extract(store, council(store), 3)
    assert text.startswith("Uddrag til aktindsigt: punkt 3 – UDKAST – ikke lagt frem")


def test_an_item_without_a_decision_says_so(store: Store) -> None:
    text = extract(store, council(store), 4)
    assert "Ad 4 – Bænke på torvet" in text
    assert NO_DECISION in text
    assert "Bænkene blev drøftet" not in text


def test_a_closed_item_without_a_public_decision_is_refused_by_name(store: Store) -> None:
    meeting = council(store)
    with pytest.raises(ExportError) as refused:
        extract(store, meeting, 2)
    assert "Punkt 2 – Personalesag" in str(refused.value)
    assert "lukkede døre" in str(refused.value)
    with pytest.raises(ExportError, match="Punkt 9 findes ikke"):
        extract(store, meeting, 9)


def test_a_closed_item_gives_only_its_public_decision(store: Store) -> None:
    text = extract(store, council(store, public_closed_decision=True), 2)
    assert "Ad 2 – Personalesag (lukket punkt)" in text
    assert "Sagen er afsluttet." in text
    assert "afskediget" not in text
    assert "Bo Lund" not in text


def test_every_format_of_the_extract(store: Store) -> None:
    meeting = council(store)
    assert VOTE_SENTENCE in extract(store, meeting, 3, "md")
    word = Document(io.BytesIO(export_bytes(store, meeting.id, "docx", now=NOW, aktindsigt=3)[0]))
    paragraphs = [p.text for p in word.paragraphs]
    assert VOTE_SENTENCE in paragraphs
    assert DEBATE not in paragraphs
    assert not word.tables  # no participant list


def test_the_cli_writes_the_extract_and_refuses_a_closed_item(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    meeting = council(store)
    monkeypatch.setenv("REFERAT_DB", str(tmp_path / "referat.db"))
    out = tmp_path / "uddrag.txt"
    args = ["export", "--aktindsigt", "--item", "3", "--meeting", str(meeting.id), "--out", str(out)]
    assert cli.main(args) == 0
    assert VOTE_SENTENCE in out.read_text(encoding="utf-8")
    closed = tmp_path / "lukket.md"
    assert cli.main(["export", "--aktindsigt", "--item", "2", "--out", str(closed)]) == 1
    assert "Punkt 2 – Personalesag" in capsys.readouterr().err
    assert not closed.exists()
    assert cli.main(["export", "--aktindsigt", "--out", str(closed)]) == 2
    assert "--aktindsigt kræver --item" in capsys.readouterr().err
    assert cli.main(["export", "--item", "3", "--out", str(closed)]) == 2
    assert not closed.exists()


def test_the_pdf_extract_holds_the_item_and_not_the_debate(store: Store) -> None:
    from pypdf import PdfReader

    content, name = export_bytes(store, council(store).id, "pdf", now=NOW, aktindsigt=3)
    text = " ".join((page.extract_text() or "") for page in PdfReader(io.BytesIO(content)).pages)
    flat = " ".join(text.split())
    assert name.endswith("-aktindsigt-punkt-3.pdf")
    assert "Uddrag til aktindsigt: punkt 3" in flat
    assert "Forslaget blev vedtaget." in flat
    assert "fandt stien for dyr" not in flat


# --------------------------------------------------------------------------------------------
# Answers from the record


def ask(store: Store, text: str, scope: search.Scope = search.EVERYTHING) -> str:
    return answer_question(store, text, now=NOW, scope=scope).text


def test_how_someone_voted_is_answered_from_the_vote(store: Store) -> None:
    council(store)
    answer = ask(store, "hvordan stemte Erik Juhl om cykelstien?")
    assert answer.startswith("*Medlem Erik Juhl* stemte imod forslag om cykelsti langs Storåen.")
    assert VOTE_SENTENCE in answer
    assert "Ad 3 – Cykelsti langs Storåen" in answer
    assert "stemte for forslag om cykelsti" in ask(store, "hvordan stemte Bo Lund om cykelstien?")
    assert "undlod at stemme om forslag" in ask(store, "hvordan stemte Fie Bach?")
    english = ask(store, "how did Erik Juhl vote on the cycle path?")
    assert "voted against" in english or "I found no vote" in english


def test_whether_a_proposal_was_adopted(store: Store) -> None:
    council(store)
    answer = ask(store, "blev forslaget om cykelstien vedtaget?")
    assert answer.startswith("*Ja, vedtaget.*")
    assert VOTE_SENTENCE in answer
    # No vote on benches: the question goes on to the archive's search, which knows no decision either.
    assert "Ja, vedtaget" not in ask(store, "blev forslaget om bænke vedtaget?")


def test_who_took_part_in_an_item_follows_arrivals_and_departures(store: Store) -> None:
    council(store)
    item1 = ask(store, "hvem deltog i behandlingen af punkt 1?")
    assert item1.startswith("*Deltog i behandlingen af punkt 1 – Godkendelse af dagsorden (3):*")
    assert "Medlem Bo Lund (deltog først fra punkt 2)" in item1
    item4 = ask(store, "hvem deltog i behandlingen af punkt 4?")
    assert "Medlem Bo Lund" in item4.split("\n")[0]
    assert "Medlem Fie Bach (forlod mødet under punkt 4)" in item4


def test_a_vote_on_an_item_the_reader_may_not_read_is_not_found(store: Store) -> None:
    meeting = council(store)
    channel = frozenset({(meeting.team_id, meeting.channel_id)})
    hidden = search.Scope(channels=channel, hidden_items=frozenset({(meeting.id, 3)}))
    assert "Afstemning" not in ask(store, "blev forslaget om cykelstien vedtaget?", hidden)
    assert "stemte imod" not in ask(
        store, "hvordan stemte Erik Juhl om cykelstien?", search.Scope(frozenset())
    )


def test_an_english_question_gets_english_reasons(store: Store) -> None:
    council(store)
    answer = ask(store, "who took part in item 4?")
    assert answer.startswith("*Took part in item 4 – Bænke på torvet (3):*")
    assert "Medlem Fie Bach (left the meeting during item 4)" in answer


def test_who_took_part_in_a_closed_item_is_not_told_to_a_reader_of_the_public_extract(store: Store) -> None:
    meeting = council(store)
    channel = frozenset({(meeting.team_id, meeting.channel_id)})
    public = search.Scope(channels=channel, hidden_items=frozenset({(meeting.id, 2)}))
    answer = ask(store, "hvem deltog i behandlingen af punkt 2?", public)
    assert "Deltog i behandlingen" not in answer
    assert "Bo Lund" not in answer
    assert "Deltog i behandlingen af punkt 2 – Personalesag" in ask(
        store, "hvem deltog i behandlingen af punkt 2?"
    )
