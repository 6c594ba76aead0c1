"""A whole meeting logged through the real app over signed HTTP, against the stand-in Slack."""

from __future__ import annotations

import sqlite3

import pytest

from support.app import Bot
from support.slack_fake import FakeSlack

AGENDA = """dagsorden
1. Orientering fra politiet
- Status på samarbejdet med Bo Trygt om forebyggelse af indbrud
2. Orientering fra kommunen
3. Status på punkter i samarbejdsplanen:
- Indsats i boligområdet Trekanten
4. Eventuelt"""


def start_meeting(bot: Bot, channel: str = "C1") -> None:
    answer = bot.cmd(
        "start Kredsrådsmøde i Holstebro Kommune | 19. marts 2024 | rådhuset i Holstebro", channel=channel
    )
    assert "19. marts 2024" in answer
    assert "Deltagere" not in answer


def log_meeting(bot: Bot, channel: str = "C1") -> None:
    start_meeting(bot, channel)
    assert "Politidirektør Helle Kyndesen" in bot.cmd(
        "deltager <@UHELLE> | Politidirektør | politiet", channel=channel
    )
    bot.cmd("deltager <@UCLAUS|claus> Claus Hilborg | Chefpolitiinspektør | Fra politiet", channel=channel)
    bot.cmd("deltager <@ULARS> | Kommunaldirektør | kommunen", channel=channel)
    bot.cmd("deltager <@USTOVE> | Direktør for Børn og Unge | kommunen", channel=channel)
    bot.cmd("deltager <@UMINUTES> | Juridisk konsulent | politiet", channel=channel)
    assert "Afbud" in bot.cmd("afbud Claus Nørgaard | Stabschef", channel=channel)
    assert "4. Eventuelt" in bot.cmd(AGENDA, channel=channel)


def test_whole_meeting_logged_and_compiled(bot: Bot, fake: FakeSlack) -> None:
    log_meeting(bot)
    # The sender logs their own words: she is the speaker.
    first = bot.cmd("ad 1 orienterede om status for den kommende flerårsaftale.", user="UHELLE")
    assert first.startswith("Nr. 1 gemt under Ad 1")
    assert "Helle Kyndesen" in first
    # The minute-taker names the speaker at the start of the text.
    bot.cmd("ad 1 Claus Hilborg orienterede om status på samarbejdet med Bo Trygt.")
    bot.cmd("ad 2 Helle Støve oplyste, at kommunen bakker op om projektet.", user="ULARS")
    bot.cmd("ad 3 De forskellige indsatser i Trekanten blev drøftet.")
    bot.cmd("ad 3 beslutning: Der var enighed om at fortsætte det gode samarbejde vedrørende området.")
    action = bot.cmd("ad 3 opgave: Indkald til møde om Trekanten <@ULARS> frist 15. april 2024")
    assert "Lars Møller" in action
    assert "15. april 2024" in action

    bot.cmd("udkast")
    top = fake.wait_for(lambda: [m for m in fake.messages("C1") if not m.is_reply and m.blocks])[0]
    assert top.blocks is not None
    text = top.text + "\n" + str(top.blocks)
    assert "Referat af kredsrådsmøde i Holstebro Kommune den 19. marts 2024" in text
    assert "Fra politiet:" in text
    assert "Politidirektør Helle Kyndesen orienterede om status for den kommende flerårsaftale." in text
    assert "Chefpolitiinspektør Claus Hilborg orienterede om status på samarbejdet med Bo Trygt." in text
    assert "Direktør for Børn og Unge, Helle Støve, oplyste, at kommunen bakker op om projektet." in text
    assert "Der var enighed om at fortsætte det gode samarbejde vedrørende området." in text
    assert "Indkald til møde om Trekanten" in text
    assert "Ad 4 – Eventuelt" in text
    assert "Intet at bemærke." in text
    summary = fake.wait_for(lambda: [r for r in fake.responses if "Udkast v1" in (r.text or "")])
    assert summary


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ad 9 noget", "9"),
        ("ad x noget", "ad"),
        ("ad 1", "tekst"),
        ("start", "titel"),
        ("start Møde | 31. februar 2024", "findes ikke"),
        ("start Møde | blabla", "blabla"),
        ("statuss", "status"),
        ("slet 99", "99"),
        ("ret abc ny tekst", "ret"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(bot: Bot, text: str, expected: str) -> None:
    log_meeting(bot)
    before = _row_counts(bot)
    answer = bot.cmd(text)
    assert expected in answer
    assert _row_counts(bot) == before


def _row_counts(bot: Bot) -> dict[str, int]:
    store = bot.store()
    counts = {
        table: int(store.db.execute(f"select count(*) from {table}").fetchone()[0])
        for table in ("meetings", "participants", "agenda_items", "entries", "audit")
    }
    store.db.close()
    return counts


def test_commands_need_an_open_meeting(bot: Bot) -> None:
    for text in ("ad 1 hej", "status", "udkast", "deltager Helle | Politidirektør"):
        assert "/referat start" in bot.cmd(text, channel="CEMPTY")


def test_unknown_item_lists_the_items_that_exist(bot: Bot) -> None:
    log_meeting(bot)
    answer = bot.cmd("ad 7 noget")
    assert "1" in answer
    assert "Orientering fra politiet" in answer
    assert "Eventuelt" in answer


def test_second_start_in_same_channel_is_refused(bot: Bot) -> None:
    start_meeting(bot)
    assert "allerede" in bot.cmd("start Et andet møde")


def test_help_and_bare_command(bot: Bot) -> None:
    for text in ("", "hjælp", "help"):
        answer = bot.cmd(text)
        for word in (
            "start",
            "deltager",
            "afbud",
            "dagsorden",
            "ad",
            "fortryd",
            "ret",
            "slet",
            "status",
            "udkast",
        ):
            assert word in answer


def test_undo_edit_delete_and_permissions(bot: Bot) -> None:
    log_meeting(bot)
    bot.cmd("ad 1 orienterede om flerårsaftalen.", user="UHELLE")  # 1
    bot.cmd("ad 2 oplyste om Boligtotale.", user="USTOVE")  # 2
    bot.cmd("ad 1 orienterede om narkotikasager.", user="UCLAUS")  # 3

    # Someone else may not edit or delete another's entry.
    assert bot.cmd("ret 2 ændret", user="UCLAUS").startswith(
        "Kun den, der skrev indlægget (<@USTOVE>) eller referenten (<@UMINUTES>) kan rette det."
    )
    assert "skrev indlægget (<@USTOVE>)" in bot.cmd("slet 2", user="UCLAUS")
    # The author may; so may the minute-taker.
    assert "rettet" in bot.cmd("ret 2 oplyste om projektet Boligtotale.", user="USTOVE")
    assert "slettet" in bot.cmd("slet 1")
    # Undo removes the sender's own last entry only.
    assert "nr. 3" in bot.cmd("fortryd", user="UCLAUS")
    assert "ingen" in bot.cmd("fortryd", user="UCLAUS")

    store = bot.store()
    meeting = store.current_meeting("C1")
    assert meeting is not None
    live = [(e.seq, e.text) for e in store.entries(meeting.id)]
    assert live == [(2, "oplyste om projektet Boligtotale.")]
    trail = [(a.action, a.user_id, a.before, a.after) for a in store.audit_trail(meeting.id) if a.entry_id]
    assert ("edit", "USTOVE", "oplyste om Boligtotale.", "oplyste om projektet Boligtotale.") in trail
    assert ("delete", "UMINUTES", "orienterede om flerårsaftalen.", None) in trail
    assert ("undo", "UCLAUS", "orienterede om narkotikasager.", None) in trail
    status = bot.cmd("status")
    assert "#2" in status
    assert "#1" not in status


def test_two_meetings_in_two_channels(bot: Bot) -> None:
    log_meeting(bot, channel="C1")
    bot.cmd("start Lokalrådsmøde i Struer | 20. marts 2024", channel="C2")
    bot.cmd("dagsorden\n1. Status", channel="C2")
    bot.cmd("ad 1 Status i Struer.", channel="C2")
    bot.cmd("ad 1 Status i Holstebro.", channel="C1")
    store = bot.store()
    one, two = store.current_meeting("C1"), store.current_meeting("C2")
    assert one is not None
    assert two is not None
    assert [e.text for e in store.entries(one.id)] == ["Status i Holstebro."]
    assert [e.text for e in store.entries(two.id)] == ["Status i Struer."]


def test_restart_loses_nothing_and_changes_no_draft(bot: Bot, fake: FakeSlack) -> None:
    log_meeting(bot)
    bot.cmd("ad 1 orienterede om flerårsaftalen.", user="UHELLE")
    bot.restart()
    bot.cmd("ad 2 oplyste om Boligtotale.", user="USTOVE")
    bot.cmd("udkast")
    fake.wait_for(lambda: [m for m in fake.messages("C1") if m.blocks])
    store = bot.store()
    meeting = store.current_meeting("C1")
    assert meeting is not None
    draft = store.latest_draft(meeting.id)
    assert draft is not None
    assert "Politidirektør Helle Kyndesen orienterede om flerårsaftalen." in draft.text
    assert "Direktør for Børn og Unge, Helle Støve, oplyste om Boligtotale." in draft.text


def test_long_draft_continues_in_thread_with_file(bot: Bot, fake: FakeSlack) -> None:
    log_meeting(bot)
    paragraph = "Politiet orienterede om kriminalitetsudviklingen i kommunen og om de mange indsatser. " * 30
    for n in range(12):
        bot.cmd(f"ad 1 Afsnit {n}: {paragraph}")
    bot.cmd("udkast")
    files = fake.wait_for(lambda: fake.files)
    top = next(m for m in fake.messages("C1") if not m.is_reply and m.blocks)
    replies = fake.wait_for(lambda: [m for m in fake.thread("C1", top.ts) if m.blocks])
    assert replies
    assert "Afsnit 11:" in files[0].text
    assert len(files[0].text) > 12 * len(paragraph)


def test_rate_limited_post_is_retried(bot: Bot, fake: FakeSlack) -> None:
    log_meeting(bot)
    bot.cmd("ad 1 orienterede om flerårsaftalen.", user="UHELLE")
    fake.fail_next("chat.postMessage", status=429, retry_after=1)
    bot.cmd("udkast")
    posted = fake.wait_for(lambda: [m for m in fake.messages("C1") if m.blocks], timeout=10)
    assert len(posted) == 1
    attempts = fake.calls_to("chat.postMessage")
    assert [a.status for a in attempts][:2] == [429, 200]


def test_forged_and_stale_signatures_are_rejected(bot: Bot) -> None:
    from support.slack_requests import slash_command_body

    body = slash_command_body(
        "start Hemmeligt møde", user_id="UMINUTES", channel_id="C1", response_url="http://127.0.0.1:1/x"
    )
    forged = bot.sender.post(
        "/slack/events", body, "application/x-www-form-urlencoded", signature="v0=deadbeef"
    )
    assert forged.status == 401
    import time

    stale = bot.sender.post(
        "/slack/events", body, "application/x-www-form-urlencoded", timestamp=int(time.time()) - 600
    )
    assert stale.status == 401
    store = bot.store()
    assert store.meetings() == []


def test_healthz(bot: Bot) -> None:
    assert bot.server is not None
    response = bot.sender.post("/healthz", b"", "text/plain")
    assert response.status in (404, 405)  # POST is not the health check
    import urllib.request

    with urllib.request.urlopen(bot.server.url + "/healthz", timeout=5) as answer:
        assert answer.status == 200


def test_database_is_wal(bot: Bot) -> None:
    conn = sqlite3.connect(bot.db_path)
    assert conn.execute("pragma journal_mode").fetchone()[0] == "wal"


def test_typed_special_characters_are_stored_as_typed_and_answers_stay_valid_mrkdwn(bot: Bot) -> None:
    log_meeting(bot)
    # Slack sends &, < and > typed by a user as entities.
    answer = bot.cmd("ad 1 orienterede om A &amp; B &lt;2024&gt;.", user="UHELLE")
    assert "A &amp; B &lt;2024&gt;." in answer  # escaped once in the answer, as mrkdwn requires
    store = bot.store()
    meeting = store.current_meeting("C1")
    assert meeting is not None
    assert [e.text for e in store.entries(meeting.id)] == ["orienterede om A & B <2024>."]
    # Usage lines with <placeholders> are escaped, mentions are kept as mentions.
    help_answer = bot.cmd("hjælp ad")
    assert "&lt;punkt&gt;" in help_answer
    assert "<punkt>" not in help_answer
    assert "<@UMINUTES>" in bot.cmd("status")


def test_export_command_uploads_the_referat_to_the_channel(bot: Bot, fake: FakeSlack) -> None:
    log_meeting(bot)
    bot.cmd("ad 1 orienterede om flerårsaftalen.", user="UHELLE")
    assert "som md" in bot.cmd("eksport md")
    uploaded = fake.wait_for(lambda: fake.files)
    assert uploaded[0].name.endswith(".md")
    assert "Politidirektør Helle Kyndesen orienterede om flerårsaftalen." in uploaded[0].text
    assert uploaded[0].channel == "C1"
    assert "Vælg md, txt, docx eller pdf" in bot.cmd("eksport odt")
    assert len(fake.files) == 1
