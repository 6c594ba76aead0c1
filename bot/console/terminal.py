"""`referat console`: the real bot in a terminal, without Slack.

The very app `referat serve` runs (same listeners, same storage: REFERAT_DB or ./referat.db) gets
its requests from what is typed here, and sends its answers to an in-process Slack
(bot.console.standin) that prints them as Slack would show them. So the console is both a way to
try the bot and a way to script a whole meeting (`referat console < examples/moede.txt`).

What is typed, one message per line as in Slack:

* `/referat …` is the slash command; `@referat …` mentions the bot in the channel;
  `> …` replies in the thread of the latest draft;
* any other line continues the message above it (Shift+Enter in Slack); `# …` is a comment;
* `@Navn Efternavn` mentions a console user (the longest known name wins; a first name alone
  works when it is unique); an unknown name (up to three capitalised words) becomes a new user;
* console commands: `/som NAVN`, `/klik KNAP`, `/annuller`, `/fil`, `/hjælp-konsol`, `/afslut`.

Requests reach the app in-process: each is signed with a secret made for this run and handed
to `App.dispatch`, exactly the bytes Slack would POST, so Bolt's signature check and body parsing
run too. Bolt acknowledges first and runs the rest of a listener on its executor; the console
wraps that executor to count running listeners, and waits (bounded) until none is left before
it reads the next line. Every Web API call a listener makes is printed before the call returns,
so once the listeners are done, everything they said is on the screen, in order, and piped
output is the same every time.

This module is the loop and the forms (modals, buttons, console commands); joining typed lines into
messages is `bot.console.typed`, the request bodies and the listener count are `bot.console.delivery`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import secrets
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TextIO, TypeVar

from slack_bolt import App, BoltResponse
from slack_bolt.request import BoltRequest
from slack_sdk.signature import SignatureVerifier

from bot import logs
from bot.config import Settings
from bot.console import kept
from bot.console.delivery import (
    API_APP_ID,
    VERIFICATION_TOKEN,
    Json,
    ListenerTracker,
    command_body,
    event_body,
    payload_body,
)
from bot.console.records import Ephemeral, Message, SharedFile, View
from bot.console.screen import (
    BOT_USER_ID,
    TEAM_ID,
    ConsoleSlack,
    Printer,
    blocks_lines,
    buttons,
    console_note,
    file_line,
    user_id_for,
)
from bot.console.typed import COMMAND, Assembler, Kind, Typed, link_mentions
from bot.database import DatabaseUnusable, open_database
from bot.serve import read_form_fully
from bot.slack.canvas import LiveCanvas
from bot.slack.ids import ADD_SHORTCUT as SHORTCUT_CALLBACK
from bot.text.dates import DateError, parse_date
from storage.records import Draft, MeetingStatus
from storage.store import Store

T = TypeVar("T")
log = logging.getLogger(__name__)

DEFAULT_USER = "Referent"
WAIT_SECONDS = 30.0  # how long one input may keep the bot busy before the console moves on

HELP = """\
referat console: botten, som den kører i Slack, men i terminalen.
Skriv én besked pr. linje, som du ville skrive den i Slack:
  /referat …          kommandoen (prøv /referat hjælp)
  @referat …          nævn botten i kanalen, fx for at stille et spørgsmål
  > …                 svar i tråden til det seneste udkast
  andre linjer        fortsætter beskeden ovenfor (som Shift+Enter i Slack)
  # …                 en kommentar (til scripts)
Nævn en bruger med @Navn Efternavn (et fornavn alene er nok, hvis det er entydigt).
Et ukendt navn (op til tre ord med stort begyndelsesbogstav) bliver en ny bruger.
Konsollens egne kommandoer:
  /som NAVN           skriv som NAVN fra nu af (uden navn: vis brugerne)
  /klik KNAP          tryk på knappen i den seneste besked, der har den, fx /klik Godkend;
                      linjerne under /klik udfylder et vindue, knappen åbner
  /annuller           luk et åbent vindue uden at sende
  /hjem               vis din App Home (Hjem-fanen): dine opgaver, udkast der venter på dig, møder
  /lærred             vis kanalens lærred: det levende referat, som alle i kanalen ser det
  /genvej Tilføj til referat
                      beskedgenvejen på den seneste besked i kanalen; vinduet udfyldes linje for
                      linje (et valg med dets tekst, en dato på dansk, - beholder forslaget)
  /fil [NAVN [STI]]   vis de filer, botten har delt, vis én, eller gem den i STI
  /hjælp-konsol       denne hjælp
  /afslut             afslut (også Ctrl-D)
I terminalen sender Enter beskeden; slut en linje med \\ for at skrive videre på næste linje.
Piped input (referat console < moede.txt) læses til ende og afsluttes med 0.
Svar markeret (kun synlig for dig) er dem, kun afsenderen ser i Slack; knapper vises som [Godkend]."""

_CONSOLE_WORDS = {
    "som": "som",
    "as": "som",
    "klik": "klik",
    "click": "klik",
    "annuller": "annuller",
    "cancel": "annuller",
    "fil": "fil",
    "filer": "fil",
    "file": "fil",
    "hjælp-konsol": "hjælp",
    "hjaelp-konsol": "hjælp",
    "konsol": "hjælp",
    "help-console": "hjælp",
    "hjem": "hjem",
    "home": "hjem",
    "lærred": "lærred",
    "laerred": "lærred",
    "canvas": "lærred",
    "genvej": "genvej",
    "shortcut": "genvej",
    "afslut": "afslut",
    "exit": "afslut",
    "quit": "afslut",
}


# --------------------------------------------------------------------------------------------
# The console


@dataclass(frozen=True)
class _Field:
    block_id: str
    action_id: str
    label: str
    element_type: str


def _fields(view: Mapping[str, Any]) -> list[_Field]:
    fields = []
    for block in view.get("blocks") or []:
        if block.get("type") != "input":
            continue
        element = block.get("element") or {}
        label = (block.get("label") or {}).get("text") or ""
        fields.append(
            _Field(
                str(block.get("block_id") or ""),
                str(element.get("action_id") or ""),
                label,
                str(element.get("type")),
            )
        )
    return fields


class Console:
    """Turns typed messages into Slack requests to the app and shows what comes back."""

    def __init__(
        self,
        app: App,
        slack: ConsoleSlack,
        tracker: ListenerTracker,
        *,
        secret: str,
        open_store: Callable[[], Store],
        user: str = DEFAULT_USER,
        echo: bool = False,
        wait_seconds: float = WAIT_SECONDS,
        canvas: LiveCanvas | None = None,
    ) -> None:
        self.app = app
        self.canvas = canvas
        self.slack = slack
        self.printer = slack.printer
        self.tracker = tracker
        self.open_store = open_store
        self.echo = echo
        self.wait_seconds = wait_seconds
        self._verifier = SignatureVerifier(secret)
        self.user_name = ""
        self.user_id = ""
        self._modal: View | None = None
        self._submitted: View | None = None
        self._values: dict[str, dict[str, Json]] = {}
        self.switch_user(user)

    # --- users ---------------------------------------------------------------------------------

    def switch_user(self, name: str) -> None:
        self.user_name = self._known_name(" ".join(name.split()))
        self.user_id = self.slack.add_person(self.user_name)
        self.slack.current_user = self.user_id

    def _known_name(self, name: str) -> str:
        """A known user by full name (any case) or by a unique first name; else `name` as typed."""
        names = list(self.slack.users().values())
        exact = [n for n in names if n.casefold() == name.casefold()]
        if exact:
            return exact[0]
        firsts = [n for n in names if len(name.split()) == 1 and n.split()[0].casefold() == name.casefold()]
        return firsts[0] if len(firsts) == 1 else name

    @property
    def prompt(self) -> str:
        return f"{self.user_name}> "

    @property
    def continuation_prompt(self) -> str:
        return "…> ".rjust(len(self.prompt))

    def _link(self, text: str) -> str:
        return link_mentions(text, self.slack.users(), self.slack.add_person)

    # --- one message ---------------------------------------------------------------------------

    def handle(self, typed: Typed) -> bool:
        """Act on one typed message; False when the console should end."""
        if typed.kind is Kind.COMMENT:
            if self.echo:
                self.printer.emit(typed.text)
            return True
        if self.echo:
            self._echo(typed)
        if self._modal is not None:
            if typed.kind is Kind.TEXT:
                self._fill(typed.text)
                return True
            if not (typed.kind is Kind.CONSOLE and self._console_word(typed) in ("annuller", "hjælp", "fil")):
                self._close_modal("Vinduet blev lukket uden at sende, da der kom en ny besked.")
        match typed.kind:
            case Kind.COMMAND:
                self._command(typed.body())
            case Kind.MENTION:
                self._mention(typed.text.strip())
            case Kind.REPLY:
                self._reply(typed.body())
            case Kind.CONSOLE:
                return self._console(typed)
            case Kind.TEXT:
                self._note(
                    "En linje uden /referat, @referat eller > fortsætter beskeden ovenfor, men der er "
                    "ingen. Skriv /hjælp-konsol for at se, hvad konsollen forstår."
                )
        return True

    def _echo(self, typed: Typed) -> None:
        lines = [self.prompt + typed.lines[0]] + [self.continuation_prompt + line for line in typed.lines[1:]]
        self.printer.emit("\n".join(line.rstrip() for line in lines))

    def _note(self, text: str) -> None:
        self.printer.emit(console_note(text))

    # --- Slack: command, mention, reply, click, modal ------------------------------------------

    def _command(self, text: str) -> None:
        body = command_body(
            self._link(text),
            user_id=self.user_id,
            user_name=self.user_name.split()[0].casefold() if self.user_name else self.user_id.lower(),
            channel_id=self.slack.channel_id,
            response_url=self.slack.new_response_url(self.slack.channel_id, self.user_id),
            trigger_id=self.slack.new_trigger(self.user_id),
        )
        self._dispatch(body, "application/x-www-form-urlencoded", self._show_command_ack)
        self._after_trigger()

    def _mention(self, text: str) -> None:
        linked = self._link(text)
        posted = self.slack.record_human(self.user_id, linked)
        self._deliver_post(posted)

    def _reply(self, text: str) -> None:
        if lost := lost_draft(self.open_store(), self.slack):
            self._note(
                f"Tråden til udkast v{lost.version} findes ikke i konsollens Slack (den er fra en tidligere "
                "kørsel, hvis Slack ikke blev gemt). Skriv /referat udkast for at lægge et nyt udkast frem."
            )
            return
        thread = self._draft_thread()
        if thread is None:
            self._note(
                "Der er ingen tråd at svare i endnu. Læg et udkast frem med /referat udkast, "
                "eller stil et spørgsmål med @referat."
            )
            return
        posted = self.slack.record_human(self.user_id, self._link(text), thread_ts=thread)
        self._deliver_post(posted)

    def _deliver_post(self, posted: Message) -> None:
        """A human message as Slack delivers it: `app_mention` when it names the bot, and `message`."""
        base: Json = {
            "user": posted.user,
            "text": posted.text,
            "ts": posted.ts,
            "team": TEAM_ID,
            "channel": posted.channel,
            "event_ts": posted.ts,
        }
        if posted.thread_ts:
            base["thread_ts"] = posted.thread_ts
        if f"<@{BOT_USER_ID}>" in posted.text:
            self._dispatch(event_body({"type": "app_mention", **base}), "application/json", self._show_ack)
        message: Json = {"type": "message", **base, "channel_type": "channel"}
        if posted.thread_ts:
            message["parent_user_id"] = BOT_USER_ID
        self._dispatch(event_body(message), "application/json", self._show_ack)

    def _draft_thread(self) -> str | None:
        store = self.open_store()
        meeting = store.current_meeting(self.slack.channel_id)
        draft = store.latest_draft(meeting.id) if meeting else None
        if draft is not None and draft.thread_ts and draft.channel_id == self.slack.channel_id:
            return draft.thread_ts
        return self.slack.latest_bot_thread()

    def _click(self, label: str, extra: str) -> None:
        if not label:
            self._note("Skriv knappens tekst efter /klik, fx /klik Godkend.")
            return
        found = self._find_button(label)
        if found is None:
            labels = self._visible_buttons()
            listed = " ".join(f"[{b}]" for b in labels) if labels else "ingen"
            self._note(f"Ingen knap hedder «{label}». Knapper lige nu: {listed}")
            return
        message, block_id, button = found
        ephemeral = message.ephemeral_to is not None
        container: Json = {
            "type": "message",
            "message_ts": message.ts,
            "channel_id": message.channel,
            "is_ephemeral": ephemeral,
        }
        if message.thread_ts:
            container["thread_ts"] = message.thread_ts
        handle = self.user_name.split()[0].casefold() if self.user_name else self.user_id.lower()
        payload: Json = {
            "type": "block_actions",
            "user": {"id": self.user_id, "username": handle, "name": handle, "team_id": TEAM_ID},
            "api_app_id": API_APP_ID,
            "token": VERIFICATION_TOKEN,
            "container": container,
            "trigger_id": self.slack.new_trigger(self.user_id),
            "team": {"id": TEAM_ID, "domain": "konsol"},
            "enterprise": None,
            "is_enterprise_install": False,
            "channel": {"id": message.channel, "name": self.slack.channel_name},
            "state": {"values": {}},
            "response_url": self.slack.new_response_url(
                message.channel,
                self.user_id,
                message_ts=message.ts,
                thread_ts=message.thread_ts if message.in_thread else None,
            ),
            "actions": [
                {
                    "action_id": button.get("action_id") or "",
                    "block_id": block_id,
                    "text": button.get("text") or {"type": "plain_text", "text": label},
                    "value": button.get("value") or "",
                    "type": "button",
                    "action_ts": self.slack.new_ts(),
                }
            ],
        }
        if not ephemeral:  # Slack leaves the message out for ephemeral containers
            payload["message"] = message.payload()
        self._dispatch(payload_body(payload), "application/x-www-form-urlencoded", self._show_ack)
        self._after_trigger(extra)

    def _find_button(self, label: str) -> tuple[Message | Ephemeral, str, Json] | None:
        wanted = " ".join(label.split()).casefold()
        messages = self.slack.clickable(self.user_id)
        for exact in (True, False):
            for message in messages:
                for block_id, button in buttons(message.blocks):
                    text = " ".join(str((button.get("text") or {}).get("text") or "").split()).casefold()
                    if text == wanted or (not exact and text.startswith(wanted)):
                        return message, block_id, button
        return None

    def _visible_buttons(self) -> list[str]:
        labels: list[str] = []
        for message in self.slack.clickable(self.user_id)[:3]:
            for _, button in buttons(message.blocks):
                text = str((button.get("text") or {}).get("text") or "")
                if text not in labels:
                    labels.append(text)
        return labels

    def _after_trigger(self, extra: str = "") -> None:
        """If the request opened a modal, take it over: fill it with `extra`, or ask for its fields."""
        view = self.slack.take_opened_view()
        if view is None or view.user != self.user_id:
            if extra:
                self._note("Teksten under /klik blev ikke brugt: knappen åbnede intet vindue.")
            return
        self._modal, self._values = view, {}
        if not _fields(view.view):
            self._note("Vinduet har ingen felter at udfylde. Skriv noget for at sende det, eller /annuller.")
            return
        if extra and len(_fields(view.view)) > 1:
            # A form of several fields: one line per field, in order.
            for line in extra.split("\n"):
                if self._modal is None or not self._fill(line):
                    break
        elif extra:
            self._fill(extra)
        else:
            self._ask_field()

    def _ask_field(self) -> None:
        assert self._modal is not None
        pending = [f for f in _fields(self._modal.view) if f.block_id not in self._values]
        if pending:
            self._note(f"Skriv «{pending[0].label}» som næste besked, eller /annuller.")

    def _fill(self, text: str) -> bool:
        """Fill the next field with `text` (submitting after the last); False when it was refused."""
        assert self._modal is not None
        fields = _fields(self._modal.view)
        pending = [f for f in fields if f.block_id not in self._values]
        if pending:
            field = pending[0]
            value = self._field_value(field, text)
            if value is None:
                return False
            self._values[field.block_id] = {field.action_id: value}
        if any(f.block_id not in self._values for f in fields):
            self._ask_field()
            return True
        self._submit()
        return True

    def _field_value(self, field: _Field, text: str) -> Json | None:
        """What Slack would send for `text` typed into the field; None (after a note) when unusable.

        `-` keeps what the form suggests (or leaves an optional field empty); a choice is named by
        its text; a person by name; a date in Danish.
        """
        assert self._modal is not None
        element = next(
            (
                b.get("element") or {}
                for b in self._modal.view.get("blocks") or []
                if b.get("block_id") == field.block_id
            ),
            {},
        )
        keep = text.strip() in ("-", "–")
        kind = field.element_type
        if kind in ("static_select", "radio_buttons"):
            if keep:
                return {"type": kind, "selected_option": element.get("initial_option")}
            wanted = " ".join(text.split()).casefold()
            options = element.get("options") or []
            for exact in (True, False):
                for option in options:
                    label = " ".join(str((option.get("text") or {}).get("text") or "").split()).casefold()
                    if (
                        label == wanted
                        or option.get("value") == text.strip()
                        or (not exact and wanted in label)
                    ):
                        return {"type": kind, "selected_option": option}
            listed = ", ".join(str((o.get("text") or {}).get("text")) for o in options)
            self._note(f"«{text}» er ikke et valg i «{field.label}». Valgene: {listed}.")
            return None
        if kind == "users_select":
            if keep:
                return {"type": kind, "selected_user": element.get("initial_user")}
            user = user_id_for(self._known_name(text.strip().lstrip("@")))
            return {"type": kind, "selected_user": user}
        if kind == "datepicker":
            if keep:
                return {"type": kind, "selected_date": element.get("initial_date")}
            try:
                day = parse_date(text, now=dt.datetime.now(dt.UTC), lang="da", prefer="future")
            except DateError as error:
                self._note(error.message)
                return None
            return {"type": kind, "selected_date": day.isoformat()}
        if keep:
            return {"type": kind, "value": element.get("initial_value")}
        if kind != "plain_text_input":
            self._note(f"Feltet «{field.label}» ({kind}) udfylder konsollen som tekst.")
        return {"type": kind, "value": text}

    def _submit(self) -> None:
        assert self._modal is not None
        view = self._modal
        handle = self.user_name.split()[0].casefold() if self.user_name else self.user_id.lower()
        payload: Json = {
            "type": "view_submission",
            "team": {"id": TEAM_ID, "domain": "konsol"},
            "user": {"id": self.user_id, "username": handle, "name": handle, "team_id": TEAM_ID},
            "api_app_id": API_APP_ID,
            "token": VERIFICATION_TOKEN,
            "trigger_id": self.slack.new_trigger(self.user_id),
            "view": {
                **view.view,
                "id": view.id,
                "team_id": TEAM_ID,
                "state": {"values": self._values},
                "hash": view.hash,
                "private_metadata": view.view.get("private_metadata") or "",
                "callback_id": view.view.get("callback_id") or "",
                "root_view_id": view.id,
                "app_id": API_APP_ID,
            },
            "response_urls": [],
            "is_enterprise_install": False,
            "enterprise": None,
        }
        self._submitted = view
        self._modal, self._values = None, {}
        self.slack.close_view()
        self._dispatch(payload_body(payload), "application/x-www-form-urlencoded", self._show_view_ack)
        self._after_trigger()

    def _close_modal(self, why: str) -> None:
        self._modal, self._values = None, {}
        self.slack.close_view()
        self._note(why)

    # --- dispatching ---------------------------------------------------------------------------

    def _dispatch(self, body: bytes, content_type: str, show: Callable[[BoltResponse], None]) -> None:
        """Hand one signed request to the app, show its acknowledgement, then wait for its listeners."""
        text = body.decode("utf-8")
        timestamp = str(int(time.time()))  # Bolt refuses signatures older than five minutes
        headers: dict[str, str | list[str]] = {
            "content-type": content_type,
            "x-slack-request-timestamp": timestamp,
            "x-slack-signature": self._verifier.generate_signature(timestamp=timestamp, body=text) or "",
        }
        self.printer.hold()
        try:
            request = BoltRequest(body=text, headers=dict(headers))
            read_form_fully(request)  # as `serve --http` does: a command may hold the word "payload"
            response = self.app.dispatch(request)
            # Slack shows the acknowledgement as soon as it arrives: before whatever the listener
            # went on to send while Bolt was still returning.
            with self.printer.first():
                if response.status == 200:
                    show(response)
                else:
                    self._show_status(response)
        finally:
            self.printer.release()
        if not self.tracker.wait_idle(self.wait_seconds):
            self._note("Botten arbejder stadig; svaret vises, når det kommer.")

    def _show_status(self, response: BoltResponse) -> None:
        if response.status == 404:
            self._note("Appen har (endnu) ingen lytter til dette; intet skete.")
        elif response.status == 401:
            self._note("Appen afviste anmodningens signatur.")
        else:
            self._note(f"Appen svarede med status {response.status}: {response.body}".rstrip(": "))

    def _show_ack(self, response: BoltResponse) -> None:
        data = _json(response.body)
        if data is None:
            if response.body.strip():
                self.slack.show_ack(response.body.strip(), None)
            return
        if data.get("text") or data.get("blocks"):
            self.slack.show_ack(str(data.get("text") or ""), data.get("blocks") or None)

    def _show_command_ack(self, response: BoltResponse) -> None:
        data = _json(response.body)
        if data is None:
            if response.body.strip():
                self.slack.show_ack(response.body.strip(), None)
            return
        in_channel = data.get("response_type") == "in_channel"
        if data.get("text") or data.get("blocks"):
            self.slack.show_ack(
                str(data.get("text") or ""), data.get("blocks") or None, in_channel=in_channel
            )

    def _show_view_ack(self, response: BoltResponse) -> None:
        data = _json(response.body) or {}
        action = data.get("response_action")
        if action == "errors":
            errors = data.get("errors") or {}
            lines = [f"{block}: {message}" for block, message in errors.items()]
            self._note("Vinduet blev ikke sendt:\n" + "\n".join(lines))
            self._restore(None)
        elif action in ("update", "push") and isinstance(data.get("view"), dict):
            self._restore(data["view"])

    def _restore(self, new_view: Json | None) -> None:
        """The app kept the modal open (errors) or replaced it (update): ask for its fields again."""
        previous = self._submitted
        if previous is None:
            return
        opened = (
            previous if new_view is None else replace(previous, view=new_view, updates=previous.updates + 1)
        )
        self.slack.restore_view(opened, show=new_view is not None)
        self._modal, self._values = opened, {}
        self._ask_field()

    # --- console commands ----------------------------------------------------------------------

    @staticmethod
    def _console_word(typed: Typed) -> str | None:
        word = typed.lines[0][1:].split(None, 1)[0].casefold() if typed.lines[0][1:].strip() else ""
        return _CONSOLE_WORDS.get(word)

    def _console(self, typed: Typed) -> bool:
        word = self._console_word(typed)
        first = typed.lines[0].split(None, 1)
        argument = first[1].strip() if len(first) > 1 else ""
        extra = "\n".join(typed.lines[1:]).strip()
        match word:
            case "som":
                self._as(argument)
            case "klik":
                self._click(" ".join(argument.split()), extra)
            case "annuller":
                if self._modal is None:
                    self._note("Der er intet åbent vindue.")
                else:
                    self._close_modal("Vinduet er lukket uden at sende.")
            case "hjem":
                self._home()
            case "lærred":
                self._canvas()
            case "genvej":
                self._shortcut(" ".join(argument.split()), extra)
            case "fil":
                self._files(argument)
            case "hjælp":
                self.printer.emit(HELP)
            case "afslut":
                return False
            case _:
                self._note(
                    f"Ukendt konsolkommando {typed.lines[0].split()[0]}. Botten hedder {COMMAND} i Slack; "
                    "se /hjælp-konsol for konsollens egne kommandoer."
                )
        return True

    def _home(self) -> None:
        """`app_home_opened` as Slack sends it, then the published home as the person sees it."""
        before = self.slack.homes.publishes
        event: Json = {
            "type": "app_home_opened",
            "user": self.user_id,
            "channel": f"D{self.user_id}",
            "tab": "home",
            "event_ts": self.slack.new_ts(),
        }
        self._dispatch(event_body(event), "application/json", self._show_ack)
        view = self.slack.homes.views.get(self.user_id)
        if view is None or self.slack.homes.publishes == before:
            self._note("Botten viste ingen Hjem-fane.")
            return
        lines = blocks_lines(list(view.get("blocks") or []), self.slack.name_of)
        self.printer.emit(
            "\n".join([f"┌ Hjem hos referat – {self.user_name}", *(f"│ {line}" for line in lines), "└"])
        )

    def _canvas(self) -> None:
        """The channel's canvas as everyone in the channel sees it, once the bot has written it."""
        self.tracker.wait_idle(self.wait_seconds)
        if self.canvas is not None:
            self.canvas.wait_idle(self.wait_seconds)
        canvas = self.slack.canvases.of_channel(self.slack.channel_id)
        if canvas is None:
            own = [c for c in self.slack.canvases.canvases.values() if self.slack.channel_id in c.readers]
            canvas = own[-1] if own else None
        if canvas is None:
            self._note("Kanalen har intet lærred endnu: det kommer, når et møde startes med /referat start.")
            return
        lines = canvas.markdown.split("\n")
        self.printer.emit("\n".join(["┌ Lærred i kanalen", *(f"│ {line}" for line in lines), "└"]))

    def _shortcut(self, name: str, extra: str) -> None:
        """A message shortcut on the latest message in the channel, as Slack sends it."""
        if name.casefold() not in ("tilføj til referat", "tilfoej til referat", "tilføj", "tilfoej"):
            self._note("Konsollen kender genvejen «Tilføj til referat»: skriv /genvej Tilføj til referat.")
            return
        target = next(
            (m for m in reversed(self.slack.messages()) if m.ephemeral_to is None and not m.in_thread), None
        )
        if target is None:
            self._note("Der er ingen besked i kanalen at bruge genvejen på endnu.")
            return
        handle = self.user_name.split()[0].casefold() if self.user_name else self.user_id.lower()
        payload: Json = {
            "type": "message_action",
            "callback_id": SHORTCUT_CALLBACK,
            "trigger_id": self.slack.new_trigger(self.user_id),
            "team": {"id": TEAM_ID, "domain": "konsol"},
            "user": {"id": self.user_id, "username": handle, "name": handle, "team_id": TEAM_ID},
            "channel": {"id": self.slack.channel_id, "name": self.slack.channel_name},
            "message": target.payload(),
            "message_ts": target.ts,
            "response_url": self.slack.new_response_url(self.slack.channel_id, self.user_id),
            "action_ts": self.slack.new_ts(),
            "api_app_id": API_APP_ID,
            "token": VERIFICATION_TOKEN,
            "is_enterprise_install": False,
        }
        self._dispatch(payload_body(payload), "application/x-www-form-urlencoded", self._show_ack)
        self._after_trigger(extra)

    def _as(self, name: str) -> None:
        if not name:
            users = ", ".join(sorted(self.slack.users().values()))
            self._note(f"Du skriver som {self.user_name}. Brugere i konsollen: {users}.")
            return
        self.switch_user(name)
        self._note(f"Nu skriver {self.user_name}.")

    def _files(self, argument: str) -> None:
        files = self.slack.files
        if not files:
            self._note("Botten har ikke delt nogen filer endnu.")
            return
        if not argument:
            listed = "\n".join(f"{i}. {file_line(f)}" for i, f in enumerate(files, start=1))
            self._note("Filer, botten har delt:\n" + listed)
            return
        name, _, path = argument.partition(" ")
        chosen = _pick_file(files, name)
        if chosen is None:
            self._note(f"Ingen fil hedder {name}. Se filerne med /fil.")
            return
        if path.strip():
            self._save(chosen, Path(path.strip()))
            return
        try:
            self.printer.emit(chosen.content.decode("utf-8").rstrip("\n"))
        except UnicodeDecodeError:
            self._note(f"{chosen.name} er ikke tekst. Gem den med /fil {chosen.name} STI.")

    def _save(self, chosen: SharedFile, path: Path) -> None:
        from bot.referat.export import ExportError, write_file

        try:
            write_file(path.expanduser(), chosen.content, hint="Vælg et andet navn, eller slet den først.")
        except ExportError as error:
            self._note(str(error))
            return
        self._note(f"Gemt: {path}")


def _pick_file(files: list[SharedFile], name: str) -> SharedFile | None:
    if name.isdigit() and 1 <= int(name) <= len(files):
        return files[int(name) - 1]
    matches = [f for f in files if f.name == name] or [
        f for f in files if f.name.casefold() == name.casefold()
    ]
    return matches[-1] if matches else None


def _json(body: str) -> Json | None:
    if not body.strip():
        return None
    try:
        data = json.loads(body)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


# --------------------------------------------------------------------------------------------
# Reading input


def _piped_messages(stdin: TextIO) -> Iterator[Typed]:
    assembler = Assembler()
    for raw in stdin:
        yield from assembler.feed(raw.rstrip("\r\n"))
    yield from assembler.flush()


def _terminal_messages(console: Console) -> Iterator[Typed]:
    """Lines from readline: Enter sends; a line ending in `\\` goes on; a paste is split as typed."""
    assembler = Assembler()
    while True:
        prompt = console.continuation_prompt if assembler.pending else console.prompt
        try:
            chunk = input(prompt)
        except EOFError:
            yield from assembler.flush()
            return
        except KeyboardInterrupt:
            assembler.flush()
            print("^C (beskeden er kasseret)")
            continue
        lines = chunk.split("\n")
        go_on = lines[-1].endswith("\\")
        if go_on:
            lines[-1] = lines[-1][:-1]
        for line in lines:
            yield from assembler.feed(line)
        if not go_on:
            yield from assembler.flush()


def _enable_line_editing() -> None:
    with contextlib.suppress(ImportError):
        import readline

        readline.set_history_length(1000)


# --------------------------------------------------------------------------------------------
# Entry point


def run_console(
    settings: Settings,
    stdin: TextIO,
    stdout: TextIO,
    *,
    as_name: str = DEFAULT_USER,
    clock: Callable[[], dt.datetime] | None = None,
    wait_seconds: float = WAIT_SECONDS,
) -> int:
    """Run the bot against the console's Slack until the input ends; 0 at the end of input."""
    from bot.app import create_app, listener_pool
    from bot.slack.heavy import HEAVY_WORKERS
    from storage.records import utc_clock

    interactive = stdin is sys.stdin and stdin.isatty() and stdout is sys.stdout
    try:
        opener = open_database(settings.db_path, settings.seal())
    except DatabaseUnusable as error:
        print(error, file=sys.stderr)
        return 2
    bolt_logger = logging.getLogger("slack_bolt")
    level = bolt_logger.level
    # Bolt warns about unhandled requests with a code sample; the console says it in one line.
    bolt_logger.setLevel(logging.ERROR)
    printer = Printer(stdout)
    secret = secrets.token_hex(32)
    # What the bot logs goes to a file beside the database; an error is also one line on the screen.
    log_path = settings.db_path.with_name(settings.db_path.name + ".console.log")
    try:
        with (
            logs.to_file(log_path, lambda text: printer.emit(console_note(text))),
            ConsoleSlack(printer) as slack,
        ):
            slack.scheduled.clock = clock or utc_clock
            console_settings = replace(
                settings, bot_token="xoxb-konsol", signing_secret=secret, slack_api_url=slack.api_url
            )
            tracker = ListenerTracker(listener_pool())
            heavy = tracker.alongside(ThreadPoolExecutor(max_workers=HEAVY_WORKERS))
            live_canvas = LiveCanvas(opener) if settings.live_canvas else None
            app = create_app(
                console_settings,
                opener,
                clock=clock or utc_clock,
                token_verification=False,
                listener_executor=tracker,
                heavy_executor=heavy,
                canvas=live_canvas,
            )
            console = Console(
                app,
                slack,
                tracker,
                secret=secret,
                open_store=opener,
                user=as_name.strip() or DEFAULT_USER,
                echo=not interactive,
                wait_seconds=wait_seconds,
                canvas=live_canvas,
            )
            if interactive:
                _enable_line_editing()
                printer.emit(
                    f"referat console – databasen er {settings.db_path}, du skriver som {console.user_name}.\n"
                    "Skriv /hjælp-konsol for hjælp og Ctrl-D for at afslutte."
                )
            sitting = Sitting(slack, kept.path_for(settings.db_path), console._note)
            sitting.begin(opener())
            messages = _terminal_messages(console) if interactive else _piped_messages(stdin)
            for typed in messages:
                try:
                    going_on = console.handle(typed)
                except Exception:
                    # One line on the screen (bot.logs.to_file), the traceback in the log; the next
                    # message is read as usual.
                    log.exception("the console could not handle a %s message; it was skipped", typed.kind)
                    going_on = True
                sitting.keep()
                if not going_on:
                    break
            # Listeners still running finish (their Slack is still up) before the database closes.
            tracker.wait_idle(wait_seconds)
            tracker.shutdown(wait=True)
            heavy.shutdown(wait=True)
            if live_canvas is not None:
                live_canvas.stop(wait_seconds)
            sitting.keep()
    finally:
        bolt_logger.setLevel(level)
        opener.close()
    return 0


class Sitting:
    """One run of the console, continuing the last: Slack's state read at the start, kept after
    every message (bot.console.kept). What cannot be continued is said, with what to do instead."""

    def __init__(self, slack: ConsoleSlack, path: Path, note: Callable[[str], None]) -> None:
        self.slack, self.path, self.note = slack, path, note

    def begin(self, store: Store) -> None:
        try:
            state = kept.read(self.path)
        except kept.KeptStateUnusable as error:
            aside = self.path.with_name(self.path.name + ".ulæselig")
            with contextlib.suppress(OSError):
                self.path.replace(aside)
            self.note(
                f"Konsollens Slack fra sidst ({self.path}) kunne ikke læses: {error}. Den er lagt til side som "
                f"{aside.name}, og konsollen begynder med en tom Slack; møderne i databasen er urørte."
            )
            state = None
        if state is not None:
            self.slack.restore(state)
        else:
            self._known_people(store)
        if lost := lost_draft(store, self.slack):
            self.note(
                f"Udkast v{lost.version} blev lagt frem i en tidligere kørsel, men konsollens Slack fra dengang "
                f"findes ikke her ({self.path}), så tråden og knapperne mangler. Skriv /referat udkast for "
                "at lægge et nyt udkast frem i en ny tråd; alt logget er gemt i databasen."
            )

    def _known_people(self, store: Store) -> None:
        """Without the kept Slack, the open meeting's people linked to Slack are its users again."""
        meeting = store.current_meeting(self.slack.channel_id)
        for person in store.participants(meeting.id) if meeting is not None else []:
            if person.slack_user_id and self.slack.name_of(person.slack_user_id) is None:
                handle = person.name.split()[0].casefold()
                self.slack.add_user(person.slack_user_id, person.name, display_name=handle, name=handle)

    def keep(self) -> None:
        try:
            kept.write(self.path, self.slack.kept_state())
        except OSError as error:
            self.note(f"Konsollens Slack kunne ikke gemmes i {self.path}: {error.strerror or error}.")


def lost_draft(store: Store, slack: ConsoleSlack) -> Draft | None:
    """The open meeting's newest draft when its message is not in the console's Slack."""
    meeting = store.current_meeting(slack.channel_id)
    if meeting is None or meeting.status is not MeetingStatus.OPEN:
        return None
    draft = store.latest_draft(meeting.id)
    if draft is None or not draft.message_ts or draft.channel_id != slack.channel_id:
        return None
    return None if slack.has_message(slack.channel_id, draft.message_ts) else draft
