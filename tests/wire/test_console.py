"""`referat console`: typed lines in, what Slack would show out.

Three layers: the pure parts (reading lines into messages, mentions, Block Kit as text), the
console's mechanics against a small Bolt app of the test's own (modals, clicks, response_url,
files, waiting for listeners), and the real bot driven by piped input through a whole meeting,
ending with a question to the archive, then exported.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from slack_bolt import Ack, App, Respond, Say
from slack_sdk import WebClient

from bot import cli
from bot.config import Settings
from bot.console.delivery import ListenerTracker
from bot.console.screen import (
    BOT_USER_ID,
    ConsoleSlack,
    Printer,
    blocks_lines,
    changed_lines,
    mrkdwn_text,
    post_lines,
    user_id_for,
)
from bot.console.terminal import HELP, Console, _terminal_messages, run_console
from bot.console.typed import Assembler, Kind, Typed, classify, link_mentions
from bot.meeting.export import export_bytes
from storage.records import MeetingStatus
from storage.store import StoreOpener
from support.paths import EXAMPLES

NOW = dt.datetime(2024, 3, 19, 13, 0, tzinfo=dt.UTC)
EXAMPLE = EXAMPLES / "moede.txt"


# --------------------------------------------------------------------------------------------
# Reading what is typed


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("/referat ad 1 tekst", Kind.COMMAND),
        ("/Referat", Kind.COMMAND),
        ("/referatx", Kind.CONSOLE),
        ("/som Helle", Kind.CONSOLE),
        ("/klik Godkend", Kind.CONSOLE),
        ("@referat hvad blev besluttet?", Kind.MENTION),
        ("@Referat, hvem sagde det?", Kind.MENTION),
        ("@referatet er godt", None),
        ("> godkendt", Kind.REPLY),
        ("# kommentar", Kind.COMMENT),
        ("1. Orientering fra politiet", None),
        ("  > indrykket", None),
        ("", None),
    ],
)
def test_classify(line: str, kind: Kind | None) -> None:
    assert classify(line) is kind


def test_lines_without_a_prefix_continue_the_message_above() -> None:
    assembler = Assembler()
    typed: list[Typed] = []
    for line in [
        "",
        "/referat dagsorden",
        "1. Orientering",
        "- Status",
        "",
        "Baggrund.",
        "",
        "# kommentar",
        "@referat hvad",
        "skete der?",
        "> tak",
        "løs tekst",
    ]:
        typed += assembler.feed(line)
    assert assembler.pending
    typed += assembler.flush()
    assert not assembler.pending
    assert typed == [
        Typed(Kind.COMMAND, ("/referat dagsorden", "1. Orientering", "- Status", "", "Baggrund.")),
        Typed(Kind.COMMENT, ("# kommentar",)),
        Typed(Kind.MENTION, ("@referat hvad", "skete der?")),
        Typed(Kind.REPLY, ("> tak", "løs tekst")),
    ]
    assert typed[0].body() == "dagsorden\n1. Orientering\n- Status\n\nBaggrund."
    assert typed[3].body() == "tak\nløs tekst"


def test_a_line_that_continues_nothing_is_loose_text() -> None:
    assembler = Assembler()
    assert assembler.feed("bare tekst") == []
    assert assembler.feed("/som Lars") == [Typed(Kind.TEXT, ("bare tekst",))]
    assert assembler.flush() == [Typed(Kind.CONSOLE, ("/som Lars",))]


def test_terminal_enter_sends_and_backslash_goes_on(monkeypatch: pytest.MonkeyPatch) -> None:
    answers = iter(["/referat dagsorden\\", "1. Et", "/referat status", "/referat ad 1 a\n2. b"])
    prompts: list[str] = []

    def fake_input(prompt: str) -> str:
        prompts.append(prompt)
        try:
            return next(answers)
        except StopIteration:
            raise EOFError from None

    class Named:
        prompt = "Referent> "
        continuation_prompt = "      …> "

    monkeypatch.setattr("builtins.input", fake_input)
    typed = list(_terminal_messages(Named()))  # type: ignore[arg-type]
    assert typed == [
        Typed(Kind.COMMAND, ("/referat dagsorden", "1. Et")),
        Typed(Kind.COMMAND, ("/referat status",)),
        Typed(Kind.COMMAND, ("/referat ad 1 a", "2. b")),  # a paste arrives as one chunk
    ]
    assert prompts == ["Referent> ", "      …> ", "Referent> ", "Referent> ", "Referent> "]


# --------------------------------------------------------------------------------------------
# Mentions

HELLE = user_id_for("Helle Kyndesen")
HELLE_S = user_id_for("Helle Støve")
LARS = user_id_for("Lars Møller")
USERS = {HELLE: "Helle Kyndesen", HELLE_S: "Helle Støve", LARS: "Lars Møller"}


@pytest.mark.parametrize(
    ("text", "expected", "new"),
    [
        ("deltager @Helle Kyndesen | Politidirektør", f"deltager <@{HELLE}> | Politidirektør", []),
        ("@helle kyndesen, tak", f"<@{HELLE}>, tak", []),
        ("@Lars skal indkalde", f"<@{LARS}> skal indkalde", []),  # unique first name
        ("@Helle er væk", "<@UNEW>Helle er væk", ["Helle"]),  # ambiguous first name: a new user
        ("@referat hvad blev besluttet?", f"<@{BOT_USER_ID}> hvad blev besluttet?", []),
        ("opgave: Indkald @Ny Person frist 1. maj", "opgave: Indkald <@UNEW> frist 1. maj", ["Ny Person"]),
        ("@Anne Marie Ravn Hansen", "<@UNEW> Hansen", ["Anne Marie Ravn"]),
        ("skriv til helle@politi.dk", "skriv til helle@politi.dk", []),
        ("@lille bogstav", "@lille bogstav", []),
        (f"allerede <@{LARS}>", f"allerede <@{LARS}>", []),
        ("@Lars Møller og @Helle Støve", f"<@{LARS}> og <@{HELLE_S}>", []),
    ],
)
def test_link_mentions(text: str, expected: str, new: list[str]) -> None:
    registered: list[str] = []

    def register(name: str) -> str:
        registered.append(name)
        return "UNEW"

    assert link_mentions(text, USERS, register) == expected.replace("<@UNEW>Helle", "<@UNEW>")
    assert registered == new


def test_user_ids_are_stable_and_slack_shaped() -> None:
    assert user_id_for("Helle  Kyndesen") == user_id_for("helle kyndesen") == HELLE
    assert HELLE != HELLE_S
    assert HELLE.startswith("U")
    assert HELLE[1:].isalnum()
    assert HELLE.upper() == HELLE


# --------------------------------------------------------------------------------------------
# What Slack would show


def names(uid: str) -> str | None:
    return USERS.get(uid)


def test_mrkdwn_as_terminal_text() -> None:
    text = (
        f"<@{HELLE}> og <@{BOT_USER_ID}> i <#C1|møde>: <https://x.dk|se her>, "
        "<https://referat-konsol.invalid/archives/C/p1|referatet> &amp; 3 &lt; 4"
    )
    assert (
        mrkdwn_text(text, names)
        == "@Helle Kyndesen og @referat i #møde: se her (https://x.dk), referatet & 3 < 4"
    )


def test_blocks_as_text_with_buttons() -> None:
    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": "Referat – udkast v1"}},
        {"type": "section", "text": {"type": "mrkdwn", "text": "*Møde*\nStatus: Udkast"}},
        {"type": "divider"},
        {"type": "section", "text": {"type": "mrkdwn", "text": "Afsnit 1"}},
        {"type": "section", "text": {"type": "mrkdwn", "text": "Afsnit 2"}},
        {
            "type": "context",
            "elements": [{"type": "mrkdwn", "text": "a"}, {"type": "plain_text", "text": "b"}],
        },
        {
            "type": "actions",
            "elements": [
                {"type": "button", "text": {"type": "plain_text", "text": "Godkend"}, "action_id": "x"},
                {"type": "button", "text": {"type": "plain_text", "text": "Hent som fil"}, "action_id": "y"},
            ],
        },
    ]
    assert blocks_lines(blocks, names) == [
        "== Referat – udkast v1 ==",
        "*Møde*",
        "Status: Udkast",
        "─" * 40,
        "Afsnit 1",
        "",
        "Afsnit 2",
        "a · b",
        "[Godkend] [Hent som fil]",
    ]


def test_post_lines_prefixes_and_indents() -> None:
    assert post_lines("referat", ["kun synlig for dig"], ["a", "", "b"]) == (
        "referat (kun synlig for dig): a\n\n  b"
    )
    assert post_lines("referat", ["i tråden"], ["a", "b"], in_thread=True) == (
        "  ↳ referat (i tråden): a\n    b"
    )


def test_an_updated_long_message_shows_what_changed() -> None:
    old = ["== v1 ==", "Status: Udkast", "⏳ Helle", *[f"linje {i}" for i in range(20)]]
    new = ["== v1 ==", "Status: Udkast", "✅ Helle 19.03. 14:00", *[f"linje {i}" for i in range(20)]]
    assert changed_lines(old, new) == ["== v1 ==", "Status: Udkast", "✅ Helle 19.03. 14:00", "…"]
    assert changed_lines(new, new) == ["== v1 ==", "… (uændret)"]
    assert changed_lines(old[:5], new[:5]) == new[:5]  # short messages are shown whole


# --------------------------------------------------------------------------------------------
# Waiting for listeners


def test_tracker_counts_running_listeners() -> None:
    tracker = ListenerTracker(ThreadPoolExecutor(max_workers=2))
    release = threading.Event()
    future = tracker.submit(release.wait, 5)
    assert not tracker.wait_idle(0.01)
    release.set()
    assert future.result(timeout=5) is True
    assert tracker.wait_idle(5)
    tracker.shutdown()


# --------------------------------------------------------------------------------------------
# The console's mechanics, against a small app of the test's own

MODAL = {
    "type": "modal",
    "callback_id": "modal_cb",
    "title": {"type": "plain_text", "text": "Ret"},
    "submit": {"type": "plain_text", "text": "Send"},
    "blocks": [
        {
            "type": "input",
            "block_id": "b",
            "label": {"type": "plain_text", "text": "Hvad skal rettes?"},
            "element": {"type": "plain_text_input", "action_id": "a", "multiline": True},
        }
    ],
}


def button(text: str, action_id: str) -> dict[str, Any]:
    return {
        "type": "button",
        "text": {"type": "plain_text", "text": text},
        "action_id": action_id,
        "value": "7",
    }


def small_app(api_url: str, secret: str, listeners: ListenerTracker) -> App:
    app = App(
        client=WebClient(token="xoxb-test", base_url=api_url),
        signing_secret=secret,
        token_verification_enabled=False,
        listener_executor=listeners,
    )

    @app.command("/referat")
    def command(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        text = body["text"]
        if text == "rækkefølge":
            ack(text="først")
            client.chat_postMessage(channel=body["channel_id"], text="bagefter")
        elif text == "knapper":
            ack()
            client.chat_postMessage(
                channel=body["channel_id"],
                text="knapper",
                blocks=[{"type": "actions", "elements": [button("Ret", "open"), button("Hent", "file")]}],
            )
            respond(
                text="privat",
                blocks=[{"type": "actions", "elements": [button("Skift", "swap")]}],
            )
        else:
            ack(text=f"ukendt: {text}")

    @app.action("open")
    def open_modal(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=MODAL)

    @app.action("file")
    def send_file(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        client.files_upload_v2(
            channel=body["channel"]["id"],
            thread_ts=body["container"]["message_ts"],
            content="æøå\n" * 1500,
            filename="referat.txt",
        )

    @app.action("swap")
    def swap(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        assert "message" not in body  # Slack leaves it out for an ephemeral message
        respond(replace_original=True, text=f"byttet af <@{body['user']['id']}>")

    @app.view("modal_cb")
    def submitted(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        value = body["view"]["state"]["values"]["b"]["a"]["value"]
        if value == "for kort":
            ack(response_action="errors", errors={"b": "Skriv lidt mere."})
            return
        ack()
        client.chat_postMessage(channel="CKONSOL", text=f"Modtaget: {value}")

    @app.event("app_mention")
    def mention(event: dict[str, Any], say: Say) -> None:
        say(text=f"Hej <@{event['user']}>", thread_ts=event.get("thread_ts") or event["ts"])

    @app.event("message")
    def message(event: dict[str, Any], say: Say) -> None:
        if event.get("thread_ts"):
            say(text=f"svar i tråden: {event['text']}", thread_ts=event["thread_ts"])

    return app


@pytest.fixture
def console(tmp_path: Path) -> Iterator[tuple[Console, io.StringIO]]:
    out = io.StringIO()
    opener = StoreOpener(tmp_path / "mek.db")
    with ConsoleSlack(Printer(out)) as slack:
        tracker = ListenerTracker(ThreadPoolExecutor(max_workers=5))
        app = small_app(slack.api_url, "s3cret", tracker)
        yield Console(app, slack, tracker, secret="s3cret", open_store=opener, user="Tester", echo=True), out
        tracker.shutdown()
    opener.close()


def drive(console: Console, script: str) -> None:
    assembler = Assembler()
    for line in script.splitlines():
        for typed in assembler.feed(line):
            assert console.handle(typed)
    for typed in assembler.flush():
        assert console.handle(typed)


def test_console_mechanics_transcript(console: tuple[Console, io.StringIO], tmp_path: Path) -> None:
    shell, out = console
    saved = tmp_path / "gemt.txt"
    drive(
        shell,
        f"""\
/referat rækkefølge
> ingen tråd endnu
@referat hej
> @referat også i tråden
/referat knapper
/klik skift
/klik Findes ikke
/klik Ret
for kort
for kort igen
/klik ret
/annuller
/som Helle Kyndesen
/klik Ret
/referat noget andet
/klik Hent
/fil
/fil referat.txt {saved}
/ukendt
# en kommentar afslutter beskeden ovenfor
løs tekst""",
    )
    helle = user_id_for("Helle Kyndesen")
    assert shell.user_id == helle
    assert saved.read_text(encoding="utf-8") == "æøå\n" * 1500
    assert out.getvalue() == (
        """\
Tester> /referat rækkefølge
referat (kun synlig for dig): først
referat: bagefter
Tester> > ingen tråd endnu
(konsol) Der er ingen tråd at svare i endnu. Læg et udkast frem med /referat udkast, eller stil et spørgsmål med @referat.
Tester> @referat hej
  ↳ referat (i tråden): Hej @Tester
Tester> > @referat også i tråden
  ↳ referat (i tråden): Hej @Tester
  ↳ referat (i tråden): svar i tråden: @referat også i tråden
Tester> /referat knapper
referat: [Ret] [Hent]
referat (kun synlig for dig): [Skift]
Tester> /klik skift
referat (kun synlig for dig, opdateret): byttet af @Tester
Tester> /klik Findes ikke
(konsol) Ingen knap hedder «Findes ikke». Knapper lige nu: [Ret] [Hent]
Tester> /klik Ret
     …> for kort
     …> for kort igen
referat åbnede et vindue (kun for dig):
┌ Ret
│ Hvad skal rettes?: [tekstfelt, flere linjer]
└ [Send]
referat: Modtaget: for kort
  for kort igen
Tester> /klik ret
referat åbnede et vindue (kun for dig):
┌ Ret
│ Hvad skal rettes?: [tekstfelt, flere linjer]
└ [Send]
(konsol) Skriv «Hvad skal rettes?» som næste besked, eller /annuller.
Tester> /annuller
(konsol) Vinduet er lukket uden at sende.
Tester> /som Helle Kyndesen
(konsol) Nu skriver Helle Kyndesen.
Helle Kyndesen> /klik Ret
referat åbnede et vindue (kun for dig):
┌ Ret
│ Hvad skal rettes?: [tekstfelt, flere linjer]
└ [Send]
(konsol) Skriv «Hvad skal rettes?» som næste besked, eller /annuller.
Helle Kyndesen> /referat noget andet
(konsol) Vinduet blev lukket uden at sende, da der kom en ny besked.
referat (kun synlig for dig): ukendt: noget andet
Helle Kyndesen> /klik Hent
  ↳ referat (i tråden): 📎 referat.txt (6 000 tegn)
Helle Kyndesen> /fil
(konsol) Filer, botten har delt:
(konsol) 1. 📎 referat.txt (6 000 tegn)
"""
        + f"Helle Kyndesen> /fil referat.txt {saved}\n"
        + f"(konsol) Gemt: {saved}\n"
        + """\
Helle Kyndesen> /ukendt
(konsol) Ukendt konsolkommando /ukendt. Botten hedder /referat i Slack; se /hjælp-konsol for konsollens egne kommandoer.
# en kommentar afslutter beskeden ovenfor
Helle Kyndesen> løs tekst
(konsol) En linje uden /referat, @referat eller > fortsætter beskeden ovenfor, men der er ingen. Skriv /hjælp-konsol for at se, hvad konsollen forstår.
"""
    )


def test_modal_errors_keep_it_open_for_another_try(console: tuple[Console, io.StringIO]) -> None:
    shell, out = console
    drive(shell, "/referat knapper\n/klik Ret\nfor kort")
    assert shell.slack.view is not None
    out.truncate(0)
    out.seek(0)
    assert shell.handle(Typed(Kind.TEXT, ("nu længere",)))
    assert out.getvalue() == "Tester> nu længere\nreferat: Modtaget: nu længere\n"
    assert shell.slack.view is None


def test_console_help_and_afslut(console: tuple[Console, io.StringIO]) -> None:
    shell, out = console
    assert shell.handle(Typed(Kind.CONSOLE, ("/hjælp-konsol",)))
    assert HELP in out.getvalue()
    assert shell.handle(Typed(Kind.CONSOLE, ("/afslut",))) is False


# --------------------------------------------------------------------------------------------
# The real bot, a whole meeting piped in


class FixedClock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> dt.datetime:
        return self.now


def console_settings(db: Path) -> Settings:
    # No Slack tokens at all: the console needs none.
    return Settings(
        bot_token=None, app_token=None, signing_secret=None, slack_api_url="https://x/", db_path=db
    )


def run_script(script: str, db: Path) -> tuple[int, str]:
    out = io.StringIO()
    code = run_console(console_settings(db), io.StringIO(script), out, as_name="Referent", clock=FixedClock())
    return code, out.getvalue()


def test_example_meeting_runs_from_start_to_an_answered_question(tmp_path: Path) -> None:
    db = tmp_path / "referat.db"
    code, output = run_script(EXAMPLE.read_text(encoding="utf-8"), db)

    assert code == 0
    assert "Traceback" not in output
    assert "(konsol) Appen" not in output  # every request had a listener and a 200
    assert "Slack afviste" not in output  # and nothing the app sent broke Slack's limits
    assert "Camilla Slumstrup> /referat start Kredsrådsmøde i Holstebro Kommune" in output
    assert "referat (kun synlig for dig): Mødet er startet: Kredsrådsmøde i Holstebro Kommune" in output
    assert "referat: == Referat – udkast v1 ==" in output
    assert "[Godkend] [Godkend med forbehold] [Anmod om rettelser] [Hent som fil]" in output
    assert "┌ Anmod om rettelser" in output
    assert "== Referat – udkast v2 ==" in output
    assert "== Referat – godkendt v2 ==" in output
    assert "📎 referat-2024-03-19-godkendt.txt" in output

    store = StoreOpener(db)()
    meeting = store.latest_meeting()
    assert meeting is not None
    assert meeting.status is MeetingStatus.APPROVED
    assert [p.slack_user_id for p in store.participants(meeting.id) if not p.absent] == [
        user_id_for("Helle Kyndesen"),
        user_id_for("Camilla Slumstrup"),
        user_id_for("Lars Møller"),
    ]

    # The question at the end is answered in its thread, from the approved referat.
    question = output.split("Lars Møller> @referat hvad blev besluttet om Trekanten?\n", 1)[1]
    assert question.startswith("  ↳ referat (i tråden): ")
    assert "Der var enighed om at fortsætte indsatsen i Trekanten." in question

    # What was approved in the console is what an export gives.
    final = store.approved_referat(meeting.id)
    assert final is not None
    assert export_bytes(store, None, "txt", now=NOW)[0] == final.text.encode("utf-8")
    assert final.text.rstrip().endswith("Godkendt 19. marts 2024 af Helle Kyndesen og Lars Møller")


def test_piped_output_is_the_same_every_time(tmp_path: Path) -> None:
    script = EXAMPLE.read_text(encoding="utf-8")
    # The archive's chain head covers the approval's moment on the machine's clock: the one line
    # that differs between two runs by design.
    head = re.compile(r"kædehoved [0-9a-f]{64}")
    first = run_script(script, tmp_path / "a.db")
    second = run_script(script, tmp_path / "b.db")
    assert head.search(first[1])
    assert (first[0], head.sub("kædehoved …", first[1])) == (second[0], head.sub("kædehoved …", second[1]))


def test_the_console_shows_the_live_canvas(tmp_path: Path) -> None:
    script = (
        "/referat start Bestyrelsesmøde | 2. april 2024\n/referat dagsorden\n1. Budget\n"
        "/referat ad 1 beslutning: Budgettet blev godkendt.\n/lærred\n"
    )
    code, out = run_script(script, tmp_path / "referat.db")
    assert code == 0
    canvas = out.split("┌ Lærred i kanalen", 1)[1]
    assert "│ # Referat af bestyrelsesmøde den 2. april 2024" in canvas
    assert "│ ### Ad 1 – Budget" in canvas
    assert "Budgettet blev godkendt." in canvas


def test_a_second_run_goes_on_with_the_same_meeting(tmp_path: Path) -> None:
    db = tmp_path / "referat.db"
    run_script("/referat start Styregruppemøde | 19. marts 2024\n/referat dagsorden\n1. Status", db)
    code, output = run_script("/referat ad 1 Status blev gennemgået.\n/referat udkast\n> en kommentar", db)
    assert code == 0
    assert "Nr. 1 gemt under Ad 1 – Status" in output
    assert "(konsol) Der er ingen tråd" not in output
    assert output.count("referat: == Referat – udkast v1 ==") == 1


def test_cli_console_runs_without_slack_tokens(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_API_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("REFERAT_DB", str(tmp_path / "cli.db"))
    monkeypatch.setattr("sys.stdin", io.StringIO("/referat hjælp\n/som Lars Møller\n/referat status\n"))
    assert cli.main(["console", "--as", "Helle Kyndesen"]) == 0
    output = capsys.readouterr().out
    assert output.startswith("Helle Kyndesen> /referat hjælp\nreferat (kun synlig for dig): ")
    assert "Lars Møller> /referat status" in output


def test_a_database_that_cannot_be_opened_ends_with_a_danish_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = io.StringIO()
    db = tmp_path / "findes-ikke" / "referat.db"
    assert run_console(console_settings(db), io.StringIO("/referat hjælp\n"), out) == 2
    assert out.getvalue() == ""
    assert f"mappen {db.parent} findes ikke" in capsys.readouterr().err


def test_a_command_holding_the_word_payload_is_read_as_the_command(tmp_path: Path) -> None:
    script = "/referat start Systemmøde | 19. marts 2024\n/referat dagsorden 1. Drift\n/referat ad 1 Systemets payload blev gennemgået.\n"
    code, out = run_script(script, tmp_path / "r.db")
    assert code == 0
    assert "Systemets payload blev gennemgået." in out
    assert "ingen lytter" not in out
