"""Many workspaces, one service: Slack's OAuth install, each workspace served with its own token.

Two workspaces (T1: a municipality, T2: an association) install the app through `/slack/install` and
`/slack/oauth_redirect` against the stand-in's `oauth.v2.access`; both have a channel `C1` and a user
`U1`. Every call the bot makes for one carries that workspace's token and reaches only it; a meeting
in one is never seen from the other; an uninstall stops every use of the workspace's token.
"""

from __future__ import annotations

import json
import re
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bot.app import LISTENER_THREADS, create_app
from bot.config import Settings
from bot.console.delivery import ListenerTracker
from bot.console.workspaces import Workspaces
from bot.serve import ServerThread
from bot.slack.install import BOT_SCOPES, INSTALL_PATH, REDIRECT_PATH
from storage.store import StoreOpener
from support.app import SECRET, Clock, answer_text
from support.slack_fake import FakeSlack
from support.slack_requests import SlackSender, event_body, message_event, slash_command_body

CLIENT_ID = "1234.5678"
CLIENT_SECRET = "app-client-secret"


class Installed:
    """The bot in many-workspace mode, behind the workspace front, with two workspaces to install."""

    def __init__(self, tmp_path: Path, *, expires_in: int | None = None) -> None:
        self.clock = Clock()
        self.front = Workspaces(CLIENT_ID, CLIENT_SECRET, expires_in=expires_in).start()
        self.slack: dict[str, FakeSlack] = {}
        for team, name in (("T1", "Kommunen"), ("T2", "Foreningen")):
            slack = FakeSlack(clock=self.clock)
            slack.team_id, slack.team_name = team, name
            slack.add_user("U1", f"Formand i {name}")
            slack.add_channel("C1", "moeder", members=["U1", slack.bot_user_id])
            slack.add_dm("D1", "U1")
            self.front.add(slack.start(), code=f"code-{team}")
            self.slack[team] = slack
        settings = Settings(
            bot_token=None,
            app_token=None,
            signing_secret=SECRET,
            slack_api_url=self.front.api_url,
            db_path=tmp_path / "referat.db",
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            live_canvas=False,
        )
        self.opener = StoreOpener(settings.db_path)
        self.listeners = ListenerTracker(ThreadPoolExecutor(max_workers=LISTENER_THREADS))
        self.settings = settings
        app = create_app(settings, self.opener, clock=self.clock, listener_executor=self.listeners)
        self.app = app
        self.server = ServerThread(app, SECRET, listeners=self.listeners).start()
        self.sender = SlackSender(self.server.url, SECRET)

    def stop(self) -> None:
        self.server.stop()
        self.opener.close()
        for slack in self.slack.values():
            slack.stop()
        self.front.stop()

    def get(self, path: str, cookie: str | None = None) -> tuple[int, str, str]:
        """GET on the bot: status, body and the Set-Cookie header."""
        request = urllib.request.Request(self.server.url + path, headers={"Cookie": cookie} if cookie else {})
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                return answer.status, answer.read().decode(), answer.headers.get("Set-Cookie") or ""
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), error.headers.get("Set-Cookie") or ""

    def install(self, team: str) -> str:
        """The browser's way through Slack's OAuth flow; returns the success page."""
        status, page, cookie = self.get(INSTALL_PATH)
        assert status == 200, page
        state = re.search(r"state=([^&\"']+)", page)
        assert state is not None, page
        status, page, _ = self.get(
            f"{REDIRECT_PATH}?code=code-{team}&state={state.group(1)}", cookie.split(";")[0]
        )
        assert status == 200, page
        return page

    def command(self, team: str, text: str, *, user: str = "U1", channel: str = "C1") -> str:
        slack = self.slack[team]
        body = slash_command_body(
            text,
            user_id=user,
            channel_id=channel,
            response_url=slack.new_response_url(channel, user),
            team_id=team,
        )
        response = self.sender.post("/slack/events", body, "application/x-www-form-urlencoded")
        assert response.status == 200, response.body
        return answer_text(response)

    def dm(self, team: str, text: str) -> None:
        slack = self.slack[team]
        posted = slack.seed_message("D1", text, user="U1")
        event = message_event(text, user="U1", channel="D1", ts=posted.ts, channel_type="im", team_id=team)
        response = self.sender.post(
            "/slack/events",
            event_body(event, event_id=f"Ev{team}{posted.ts}", team_id=team),
            "application/json",
        )
        assert response.status == 200, response.body

    def settle(self) -> None:
        assert self.listeners.wait_idle(30), "listeners still running"


@pytest.fixture
def installed(tmp_path: Path) -> Iterator[Installed]:
    world = Installed(tmp_path)
    yield world
    world.stop()


def test_the_app_asks_for_the_scopes_the_manifest_declares() -> None:
    import yaml

    manifest = yaml.safe_load((Path(__file__).resolve().parents[2] / "app.manifest.yml").read_text("utf-8"))
    assert sorted(BOT_SCOPES) == sorted(manifest["oauth_config"]["scopes"]["bot"]), (
        "bot/slack/install.py BOT_SCOPES must list exactly the manifest's bot scopes"
    )


def test_two_workspaces_install_and_each_is_served_with_its_own_token(installed: Installed) -> None:
    assert "ingen installation" not in installed.install("T1").lower()
    installed.install("T2")
    t1_tokens, t2_tokens = installed.front.tokens_of("T1"), installed.front.tokens_of("T2")
    assert len(t1_tokens) == len(t2_tokens) == 1
    assert t1_tokens != t2_tokens
    assert [c.error for c in installed.front.exchanges] == [None, None]

    assert "startet" in installed.command("T1", "start Byrådsmøde | 19. marts 2024 | rådhuset").lower()
    installed.command("T1", "deltager <@U1> | Borgmester | kommunen")
    installed.dm("T2", "hvad er referat?")
    installed.settle()

    # Each workspace saw only its own token, and the front refused none of the bot's calls.
    for team, own in (("T1", t1_tokens), ("T2", t2_tokens)):
        used = {c.token for c in installed.slack[team].calls}
        assert used, team
        assert used <= own, (team, used)
    assert not [c for c in installed.front.calls if c.failed]


def test_an_uninstalled_workspace_is_never_called_again(installed: Installed) -> None:
    installed.install("T1")
    installed.install("T2")
    installed.dm("T2", "hvem deltog?")
    installed.settle()
    assert installed.slack["T2"].calls, "the DM was answered in T2"

    uninstall = {"type": "app_uninstalled", "event_ts": "1700000100.000100"}
    response = installed.sender.post(
        "/slack/events", event_body(uninstall, event_id="EvUNINSTALL", team_id="T2"), "application/json"
    )
    assert response.status == 200
    installed.settle()
    installed.front.revoke("T2")
    before = len(installed.slack["T2"].calls)
    refused_before = len(installed.front.calls)

    installed.dm("T2", "hvem deltog?")
    installed.settle()
    # No call reached the workspace, and none was even tried with its old token.
    assert len(installed.slack["T2"].calls) == before
    assert len(installed.front.calls) == refused_before


def test_equal_channel_and_user_ids_in_two_workspaces_never_leak(installed: Installed) -> None:
    installed.install("T1")
    installed.install("T2")
    secret = "Byrådet besluttede at sælge grunden ved havnen."
    installed.command("T1", "start Byrådsmøde | 19. marts 2024 | rådhuset")
    installed.command("T1", "deltager <@U1> | Borgmester | kommunen")
    installed.command("T1", "dagsorden\n1. Grunden ved havnen")
    assert "Nr. " in installed.command("T1", f"ad 1 beslutning: {secret}")

    # T2 has a channel C1 and a user U1 too: it sees no meeting there and can change nothing.
    assert "intet møde" in installed.command("T2", "status").lower()
    assert "intet møde" in installed.command("T2", "ad 1 Vi er enige.").lower()
    installed.dm("T2", "hvad blev besluttet om grunden ved havnen?")
    installed.settle()
    answers = " ".join(str(c.params.get("text")) for c in installed.slack["T2"].calls_to("chat.postMessage"))
    assert "ingen" in answers
    assert "sælge" not in answers

    # T2 starts its own meeting in its C1; each workspace keeps seeing its own.
    installed.command("T2", "start Bestyrelsesmøde | 2. april 2024 | klubhuset")
    installed.command("T2", "deltager <@U1> | Formand")
    assert "Byrådsmøde" in installed.command("T1", "status")
    t2_status = installed.command("T2", "status")
    assert "Bestyrelsesmøde" in t2_status
    assert "Byrådsmøde" not in t2_status
    # U1 of each workspace is named as that workspace's Slack says.
    assert "Formand i Foreningen" in t2_status
    assert "Formand i Kommunen" not in t2_status

    # App Home of T2's U1 lists T2's meeting, never T1's (same user id, another person).
    opened = {
        "type": "app_home_opened",
        "user": "U1",
        "channel": "D1",
        "tab": "home",
        "event_ts": "1700000200.000100",
    }
    response = installed.sender.post(
        "/slack/events", event_body(opened, event_id="EvHOMET2", team_id="T2"), "application/json"
    )
    assert response.status == 200
    installed.settle()
    home = json.dumps(installed.slack["T2"].homes.views.get("U1"), ensure_ascii=False)
    assert "Bestyrelsesmøde" in home
    assert "Byrådsmøde" not in home, home

    installed.dm("T1", "hvad blev besluttet om grunden ved havnen?")
    installed.settle()
    t1_answers = " ".join(
        str(c.params.get("text")) for c in installed.slack["T1"].calls_to("chat.postMessage")
    )
    assert secret in t1_answers


def test_reminders_are_kept_per_workspace_each_with_its_own_token(installed: Installed) -> None:
    from bot.app import workspace_clients
    from bot.slack import reminders

    installed.install("T1")
    installed.install("T2")
    installed.command("T1", "start Byrådsmøde | 27. november 2026 | rådhuset")
    installed.command("T1", "deltager <@U1> | Borgmester | kommunen")
    installed.command("T1", "dagsorden\n1. Budget")
    assert "Nr. " in installed.command("T1", "ad 1 opgave: Lav budgetforslaget <@U1> frist 4. december 2026")
    installed.settle()
    store = installed.opener()
    scheduled = store.reminders()
    assert scheduled

    clients = workspace_clients(installed.settings, installed.app, installed.opener)()
    assert sorted(team for _, team in clients) == ["T1", "T2"]
    for client, team in clients:
        assert client.token in installed.front.tokens_of(str(team))
        reminders.reconcile(client, store, now=installed.clock(), days_before=2, team_id=team)
    # T2's Slack lists none of T1's scheduled messages, and that removed none of them; nothing was
    # scheduled in T2, and T1's were scheduled with T1's token only.
    assert store.reminders() == scheduled
    assert not installed.slack["T2"].calls_to("chat.scheduleMessage")
    assert {
        c.token for c in installed.slack["T1"].calls_to("chat.scheduleMessage")
    } <= installed.front.tokens_of("T1")


def test_a_rotating_token_is_refreshed_and_the_new_one_used(tmp_path: Path) -> None:
    world = Installed(tmp_path, expires_in=60)  # within Bolt's window: rotated at the next request
    try:
        world.install("T1")
        first = world.front.tokens_of("T1")
        assert "intet møde" in world.command("T1", "status").lower()
        grants = [c.params.get("grant_type") for c in world.front.exchanges if c.error is None]
        assert grants[:2] == [None, "refresh_token"]
        world.dm("T1", "hvem deltog?")
        world.settle()
        used = {c.token for c in world.slack["T1"].calls_to("chat.postMessage")}
        # Answered with refreshed tokens, asked for at SLACK_API_URL (the stand-in), never the expiring one.
        assert used
        assert used <= world.front.tokens_of("T1") - first
    finally:
        world.stop()
