"""The real bot served over HTTP on loopback, and the settable clock it reads.

`Bot` is the real Bolt app (same listeners, same storage) behind waitress, talking to the
stand-in Slack through SLACK_API_URL; tests reach it with requests signed exactly as Slack signs.
"""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.app import create_app, listener_pool
from bot.config import Settings
from bot.console.delivery import ListenerTracker
from bot.serve import ServerThread
from bot.slack.canvas import LiveCanvas
from bot.slack.heavy import HEAVY_WORKERS
from storage.seal import Seal
from storage.store import Store, StoreOpener
from support.slack_fake import FakeSlack
from support.slack_requests import Response, SlackSender

SECRET = "test-signing-secret"
BOT_TOKEN = "xoxb-test"
FIXED_NOW = dt.datetime(2026, 11, 27, 13, 0, tzinfo=dt.UTC)

USERS = {
    "UMINUTES": "Camilla Hermann Slumstrup",
    "UHELLE": "Helle Kyndesen",
    "UCLAUS": "Claus Hilborg",
    "ULARS": "Lars Møller",
    "USTOVE": "Helle Støve",
    "UOTHER": "Ole Udenfor",
}


class Clock:
    """A settable clock for the app: tests never depend on the wall clock's date."""

    def __init__(self, now: dt.datetime = FIXED_NOW) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@dataclass
class Bot:
    fake: FakeSlack
    db_path: Path
    clock: Clock
    server: ServerThread | None = None
    opener: StoreOpener | None = None
    listeners: ListenerTracker | None = None
    seal: Seal | None = None  # the organisation's seal, as REFERAT_SEAL_KEY/CERT give it to `serve`
    # The live canvas: off unless a test is about it, so the canvas's own calls to Slack after each
    # command never mix with what other tests count.
    live_canvas: bool = False
    canvas: LiveCanvas | None = None  # the app's live canvas writer (tests wait for it)
    sender: SlackSender = field(init=False)
    # HTTP door settings for ServerThread (request_seconds, connection_limit), for tests of them.
    door: dict[str, int] = field(default_factory=dict)

    def start(self) -> Bot:
        settings = Settings(
            bot_token=BOT_TOKEN,
            app_token=None,
            signing_secret=SECRET,
            slack_api_url=self.fake.api_url,
            db_path=self.db_path,
            live_canvas=self.live_canvas,
        )
        self.opener = StoreOpener(self.db_path, self.seal)
        listeners = ListenerTracker(listener_pool())
        # Exports and long drafts run on their own pool; settle() waits for them as well.
        heavy = listeners.alongside(ThreadPoolExecutor(max_workers=HEAVY_WORKERS))
        self.listeners = listeners
        # The live canvas writer, kept here so tests can wait for it; it retries quickly.
        self.canvas = (
            LiveCanvas(self.opener, quiet=0.05, max_wait=0.5, retry_after=0.05) if self.live_canvas else None
        )
        app = create_app(
            settings,
            self.opener,
            clock=self.clock,
            listener_executor=listeners,
            heavy_executor=heavy,
            canvas=self.canvas,
        )
        self.server = ServerThread(app, SECRET, listeners=listeners, heavy=heavy, **self.door).start()
        self.sender = SlackSender(self.server.url, SECRET, response_url_factory=self.fake.new_response_url)
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None
        if self.canvas is not None:
            self.canvas.stop()
        if self.opener is not None:
            self.opener.close()
            self.opener = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def cmd(self, text: str, *, user: str = "UMINUTES", channel: str = "C1") -> str:
        """Send `/referat <text>` and return the ephemeral answer carried by the HTTP response."""
        self.fake.heard_of(channel)  # in Slack the channel exists before a command is sent in it
        response = self.sender.command(text, user=user, channel=channel)
        assert response.status == 200, (response.status, response.body)
        return answer_text(response)

    def settle(self, timeout: float = 30.0) -> None:
        """Wait until no listener runs: work after an acknowledgement (such as reminders) is done."""
        assert self.listeners is not None
        assert self.listeners.wait_idle(timeout), "listeners still running"

    def store(self) -> Store:
        """A separate connection for assertions, as another process would see the file."""
        return StoreOpener(self.db_path)()


def answer_text(response: Response) -> str:
    if not response.body:
        return ""
    payload: dict[str, Any] = response.json()
    return str(payload.get("text", ""))
