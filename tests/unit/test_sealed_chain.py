"""The organisation's seal on the hash chain: real keys, an archive rewritten with another key, rotation.

Someone with write access to the database but not the seal's key can recompute every hash with the
project's own code; `referat verify` must still name the meeting. Keys are made once for the module.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import cli
from bot.archive.verify import report, verify_archive
from storage import chain, covered
from storage.connection import connect
from storage.store import Store, StoreOpener
from support.seals import APPROVED, MadeSeal, approve_meeting, make_seal

OURS = make_seal("Holstebro Kommune")
NEXT = make_seal("Holstebro Kommune 2027")  # the seal after a rotation
THEIRS = make_seal("Holstebro Kommune")  # same name, another key: a forger's


def sealed_store(path: Path, seal: MadeSeal | None) -> Store:
    return StoreOpener(path, seal.seal if seal is not None else None)()


def rewrite_chain(db: Path, seal: MadeSeal | None) -> None:
    """What a forger with the database and the project's code can do: recompute every link (and
    sign it with a key they have)."""
    store = Store(connect(db))
    previous_archive = chain.GENESIS
    previous_in: dict[int, str] = {}
    for link in store.chain_links():
        previous_meeting = previous_in.get(link.meeting_id, chain.GENESIS)
        text = next(t for t in store.chained_texts() if (t.kind, t.source_id) == (link.kind, link.source_id))
        digest = chain.text_hash(text.text)
        store.db.execute(
            "update approved_referats set text_sha256 = ? where meeting_id = ?", [digest, link.meeting_id]
        )
        covered = store.covered_now([link]).get((link.kind, link.source_id))
        new = chain.link_hash(
            meeting_id=link.meeting_id, kind=link.kind, source_id=link.source_id, text_sha256=digest,
            previous_meeting=previous_meeting, previous_archive=previous_archive, covered_sha256=covered,
        )  # fmt: skip
        signature = seal.seal.sign(chain.signed_bytes(new)).hex() if seal is not None else None
        store.db.execute(
            "update chain set text_sha256 = ?, previous_meeting = ?, previous_archive = ?, link_sha256 = ?, "
            "covered_sha256 = ?, signature = ?, certificate_sha256 = ? where id = ?",
            [digest, previous_meeting, previous_archive, new, covered, signature,
             seal.seal.fingerprint if seal is not None else None, link.id],
        )  # fmt: skip
        previous_archive = previous_in[link.meeting_id] = new
    store.db.conn.commit()


def test_every_link_is_sealed_and_verifies_against_the_certificate(tmp_path: Path) -> None:
    store = sealed_store(tmp_path / "referat.db", OURS)
    first, second = approve_meeting(store, "Kredsrådsmøde"), approve_meeting(store, "Budgetmøde")
    links = store.chain_links()
    assert [link.meeting_id for link in links] == [first.id, second.id]
    assert all(link.signature and link.certificate_sha256 == OURS.seal.fingerprint for link in links)
    assert all(link.covered_sha256 for link in links)

    result = verify_archive(store, OURS.seal.chain)
    assert result.whole
    assert (result.sealed, result.unsealed) == (2, 0)
    assert "Seglet holder på 2 led" in report(result)
    # Without a certificate the chain is still checked, and the report says the seal was not.
    unchecked = verify_archive(store)
    assert unchecked.whole
    assert "Seglet blev ikke kontrolleret" in report(unchecked)


def test_an_archive_rewritten_with_another_key_fails_naming_the_meeting(tmp_path: Path) -> None:
    db = tmp_path / "referat.db"
    store = sealed_store(db, OURS)
    kept, changed = approve_meeting(store, "Kredsrådsmøde"), approve_meeting(store, "Budgetmøde")
    store.db.execute(
        "update approved_referats set text = replace(text, 'flerårsaftalen', 'noget andet') where meeting_id = ?",
        [changed.id],
    )
    store.db.conn.commit()
    # Every hash recomputed, as the forger can: the plain chain no longer shows anything.
    rewrite_chain(db, THEIRS)
    assert verify_archive(store).whole

    result = verify_archive(store, OURS.seal.chain)
    assert not result.whole
    text = report(result)
    # The forger signed every link again with their key: each is named, by meeting.
    assert len(result.problems) == 2
    assert all("ukendt certifikat" in p for p in result.problems)
    assert f"Kredsrådsmøde (19.03.2024, id {kept.id})" in text
    assert f"Budgetmøde (19.03.2024, id {changed.id})" in text
    # Stripped of every seal, the database alone looks like an archive from before the seal; the
    # report says so in numbers (and Slack's witness, tested in tests/wire, catches it).
    rewrite_chain(db, None)
    stripped = verify_archive(store, OURS.seal.chain)
    assert (stripped.problems, stripped.sealed, stripped.unsealed) == ((), 0, 2)
    assert "2 led er fra før seglet" in report(stripped)


def test_a_forged_signature_under_our_certificates_name_fails(tmp_path: Path) -> None:
    db = tmp_path / "referat.db"
    store = sealed_store(db, OURS)
    meeting = approve_meeting(store, "Kredsrådsmøde")
    approve_meeting(store, "Budgetmøde")
    forged = THEIRS.seal.sign(chain.signed_bytes(store.chain_links()[0].link_sha256)).hex()
    store.db.execute("update chain set signature = ? where meeting_id = ?", [forged, meeting.id])
    store.db.conn.commit()
    result = verify_archive(store, OURS.seal.chain)
    assert len(result.problems) == 1
    assert "Kredsrådsmøde" in result.problems[0]
    assert "seglet på leddet for den godkendte tekst passer ikke" in result.problems[0]


def test_an_unsigned_link_after_sealed_ones_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "referat.db"
    approve_meeting(sealed_store(db, OURS), "Kredsrådsmøde")
    unsealed = approve_meeting(Store(connect(db)), "Budgetmøde")
    result = verify_archive(Store(connect(db)), OURS.seal.chain)
    assert [p for p in result.problems if "Budgetmøde" in p and "ikke forseglet" in p]
    assert unsealed.id


@pytest.mark.parametrize(
    ("column", "statement"),
    [
        ("approval line", "update approved_referats set approval_line = 'Godkendt af Ole Udenfor'"),
        ("approval time", "update approvals set approved_utc = '2024-03-20T08:00:00+00:00'"),
        ("reservation", "update approvals set reservation = 'med forbehold'"),
        ("approved entries", "update approved_referats set entries = '[]'"),
        ("participant", "update participants set name = 'Ole Udenfor'"),
        ("agenda", "update agenda_items set title = 'Noget andet'"),
    ],
)
def test_every_column_a_reader_sees_is_covered(tmp_path: Path, column: str, statement: str) -> None:
    store = sealed_store(tmp_path / "referat.db", OURS)
    meeting = approve_meeting(store)
    assert verify_archive(store, OURS.seal.chain).whole
    store.db.execute(statement)
    store.db.conn.commit()
    result = verify_archive(store, OURS.seal.chain)
    assert len(result.problems) == 1, column
    assert f"id {meeting.id}" in result.problems[0]
    assert "det læseren ser af den godkendte tekst" in result.problems[0]


def test_an_approved_addition_is_covered_and_sealed(tmp_path: Path) -> None:
    store = sealed_store(tmp_path / "referat.db", OURS)
    meeting = approve_meeting(store)
    addition = store.add_addition(
        meeting.id, "Rettelse: mødet sluttede kl. 16.", user_id="UREF", now=APPROVED
    )
    store.add_addition_approval(addition.id, "UHELLE", APPROVED)
    assert store.approve_addition(addition.id, "Tilføjelse godkendt af Helle Kyndesen", APPROVED)
    assert verify_archive(store, OURS.seal.chain).sealed == 2
    store.db.execute("update additions set approval_line = 'Tilføjelse godkendt af Ole Udenfor'")
    store.db.conn.commit()
    [problem] = verify_archive(store, OURS.seal.chain).problems
    assert f"det læseren ser af tilføjelse nr. {addition.id}" in problem


def test_rotation_keeps_old_links_verifying_with_the_old_certificate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "referat.db"
    approve_meeting(sealed_store(db, OURS), "Kredsrådsmøde 2026")
    approve_meeting(sealed_store(db, NEXT), "Kredsrådsmøde 2027")
    _, old_cert = OURS.write(tmp_path, "segl-2026")
    _, new_cert = NEXT.write(tmp_path, "segl-2027")
    monkeypatch.setenv("REFERAT_DB", str(db))
    monkeypatch.setenv("REFERAT_SEAL_CERT", str(new_cert))
    # Only the new certificate: the old links cannot be checked, and verify says which.
    assert cli.main(["verify"]) == 1
    err = capsys.readouterr().err
    assert "Kredsrådsmøde 2026" in err
    assert "2027" not in err
    monkeypatch.setenv("REFERAT_SEAL_PREVIOUS_CERTS", str(old_cert))
    assert cli.main(["verify"]) == 0
    assert "Seglet holder på 2 led" in capsys.readouterr().out


def test_the_seal_pair_is_checked_before_serve_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    key, cert = OURS.write(tmp_path, "segl")
    _, other_cert = THEIRS.write(tmp_path, "andet")
    folder = tmp_path / "ulæselig.key"
    folder.mkdir()
    broken = tmp_path / "broken.crt"
    broken.write_text("-----BEGIN CERTIFICATE-----\nikke base64\n-----END CERTIFICATE-----\n")
    monkeypatch.setenv("REFERAT_DB", str(tmp_path / "referat.db"))
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-test")
    cases = [
        ({"REFERAT_SEAL_KEY": str(key)}, "Mangler miljøvariablen REFERAT_SEAL_CERT"),
        ({"REFERAT_SEAL_CERT": str(cert)}, "Mangler miljøvariablen REFERAT_SEAL_KEY"),
        (
            {"REFERAT_SEAL_KEY": str(tmp_path / "nej.key"), "REFERAT_SEAL_CERT": str(cert)},
            "REFERAT_SEAL_KEY: filen",
        ),
        (
            {"REFERAT_SEAL_KEY": str(folder), "REFERAT_SEAL_CERT": str(cert)},
            "REFERAT_SEAL_KEY: kan ikke læse",
        ),
        ({"REFERAT_SEAL_KEY": str(cert), "REFERAT_SEAL_CERT": str(cert)}, "REFERAT_SEAL_KEY:"),
        ({"REFERAT_SEAL_KEY": str(key), "REFERAT_SEAL_CERT": str(broken)}, "REFERAT_SEAL_CERT:"),
        ({"REFERAT_SEAL_KEY": str(key), "REFERAT_SEAL_CERT": str(other_cert)}, "hører ikke til nøglen"),
    ]
    for variables, expected in cases:
        for name in ("REFERAT_SEAL_KEY", "REFERAT_SEAL_CERT"):
            monkeypatch.delenv(name, raising=False)
        for name, value in variables.items():
            monkeypatch.setenv(name, value)
        assert cli.main(["serve"]) == 2, variables
        captured = capsys.readouterr()
        lines = captured.err.strip().splitlines()
        assert len(lines) == 1, captured.err
        assert expected in lines[0]
        assert "Traceback" not in captured.err
        assert not (tmp_path / "referat.db").exists()  # stopped before anything was opened


def test_verify_says_when_slack_cannot_be_read_as_witness(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    approve_meeting(sealed_store(tmp_path / "referat.db", OURS))
    monkeypatch.setenv("REFERAT_DB", str(tmp_path / "referat.db"))
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:1/")  # nothing listens on port 1
    assert cli.main(["verify"]) == 1
    err = capsys.readouterr().err
    assert "Slack kunne ikke læses som vidne" in err
    assert "fejl i arkivets kæde" not in err  # the archive itself is whole


def test_a_link_keeps_verifying_after_the_covered_record_grows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = sealed_store(tmp_path / "referat.db", OURS)
    approve_meeting(store, "Kredsrådsmøde 2026")
    # What a later field (votes, say) does: the record's version is raised for links made after.
    monkeypatch.setattr(covered, "RECORD_VERSION", 2)
    approve_meeting(store, "Kredsrådsmøde 2027")
    assert [link.covered_sha256[:2] for link in store.chain_links() if link.covered_sha256] == ["1:", "2:"]
    assert verify_archive(store, OURS.seal.chain).whole
