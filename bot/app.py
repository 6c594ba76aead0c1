"""Build the Bolt app: one WebClient aimed at SLACK_API_URL, the listeners, one error handler.

`create_app` takes everything from outside (settings, a store opener, a clock) so that tests,
the console and `referat serve` run the very same app against different Slacks.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any

from slack_bolt import App, BoltResponse
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.config import ConfigError, Settings
from bot.logs import bolt_logger
from bot.slack import install
from bot.slack.canvas import LiveCanvas
from bot.slack.context import Deps, provide
from bot.slack.errors import user_message
from bot.slack.heavy import HeavyWork
from bot.slack.listener_pool import RecentFirstExecutor
from bot.slack.listeners import actions, commands, events, home, shortcuts
from bot.slack.prompt_ack import PromptAckApp, PromptAckExecutor
from bot.slack.quiet import QuietClient, quieten
from storage.records import utc_clock
from storage.store import Store

log = logging.getLogger(__name__)

# Listeners that run after their ack (posting a draft, answering a question) at once; Bolt's default.
LISTENER_THREADS = 5


def listener_pool() -> RecentFirstExecutor:
    """The listeners' threads: the one idle last takes the next work (bot/slack/listener_pool.py)."""
    return RecentFirstExecutor(LISTENER_THREADS)


def make_client(settings: Settings, token: str | None = None) -> WebClient:
    """The client the bot posts with: `token`, or SLACK_BOT_TOKEN."""
    return QuietClient(
        token=token or settings.bot_token,
        base_url=settings.slack_api_url,
        timeout=10,
        retry_handlers=[
            RateLimitErrorRetryHandler(max_retry_count=3),
            ConnectionErrorRetryHandler(max_retry_count=2),
            ServerErrorRetryHandler(max_retry_count=2),
        ],
    )


def workspace_clients(
    settings: Settings, app: App, open_store: Callable[[], Store]
) -> Callable[[], list[tuple[WebClient, str | None]]]:
    """Each workspace's client for work no request carries (the reminder sweep), asked anew each time.

    One workspace: the app's own client. Many: one client per installed workspace, with the token
    its installation stored, so nothing of one workspace is ever scheduled with another's token.
    """
    if not settings.many_workspaces:
        return lambda: [(app.client, None)]
    assert settings.client_id is not None
    store_of_installations = install.installation_store(settings.db_path, settings.client_id)

    def clients() -> list[tuple[WebClient, str | None]]:
        found: list[tuple[WebClient, str | None]] = []
        for enterprise, team in open_store().installed_workspaces():
            bot = store_of_installations.find_bot(enterprise_id=enterprise, team_id=team)
            if bot is not None and bot.bot_token and team:
                found.append((make_client(settings, bot.bot_token), team))
        return found

    return clients


def check_slack(settings: Settings) -> None:
    """Ask Slack who the token belongs to before serving; a refusal or no answer is one Danish line."""
    client = WebClient(token=settings.bot_token, base_url=settings.slack_api_url, timeout=10)
    try:
        client.auth_test()
    except SlackApiError as error:
        reason = error.response.get("error") if error.response is not None else None
        raise ConfigError(
            f"Slack afviste SLACK_BOT_TOKEN ({reason or 'ukendt fejl'}): "
            "tjek Bot User OAuth Token (xoxb-…) under OAuth & Permissions i Slack-appen."
        ) from None
    except (SlackClientError, OSError) as error:
        raise ConfigError(
            f"Kunne ikke nå Slack på {settings.slack_api_url} ({type(error).__name__}): "
            "tjek SLACK_API_URL og netværksforbindelsen."
        ) from None


def create_app(
    settings: Settings,
    open_store: Callable[[], Store],
    *,
    clock: Callable[[], dt.datetime] = utc_clock,
    token_verification: bool = True,
    listener_executor: Executor | None = None,
    heavy_executor: Executor | None = None,
    canvas: LiveCanvas | None = None,
) -> App:
    """The Bolt app with every listener; `listener_executor` runs listeners after their ack, and
    `heavy_executor` exports and long drafts (bot/slack/heavy.py), with HEAVY_WORKERS threads.

    Pass executors you keep (and shut down when the app stops) to wait for work still going on;
    without them the app makes its own.
    """
    client = make_client(settings)
    app = PromptAckApp(
        client=client,
        logger=bolt_logger(),
        signing_secret=settings.signing_secret or "",
        token_verification_enabled=token_verification,
        # Slash commands are answered by ack() itself; events are acked before the listener runs.
        process_before_response=False,
        # The request is answered the moment its listener acks (bot/slack/prompt_ack.py).
        listener_executor=PromptAckExecutor(listener_executor or listener_pool()),
        # Many workspaces: Bolt finds each request's workspace token in the installations.
        oauth_settings=(
            install.oauth_settings(
                settings.db_path, settings.client_id or "", settings.client_secret or "", client
            )
            if settings.many_workspaces
            else None
        ),
    )
    if settings.many_workspaces:
        # app_uninstalled and tokens_revoked delete the workspace's tokens at once; its minutes stay.
        app.enable_token_revocation_listeners()
    # Every listener finds the store opener, the clock and the name cache in its context.
    deps = Deps(
        open_store=open_store,
        clock=clock,
        reminder_days=settings.reminder_days,
        heavy=HeavyWork(heavy_executor),
        many_workspaces=settings.many_workspaces,
        canvas=canvas or (LiveCanvas(open_store) if settings.live_canvas else None),
    )
    app.use(provide(deps))
    # Listeners post through a client that turns broadcasts and mentions in stored text into words.
    app.use(quieten(deps.user_name))
    commands.register(app)
    events.register(app)
    actions.register(app)
    shortcuts.register(app)
    home.register(app)

    @app.error
    def on_error(
        error: Exception, body: dict[str, Any], logger: logging.Logger, response: BoltResponse | None
    ) -> BoltResponse | None:
        message = user_message(error)
        logger.error("listener failed: %s", error, exc_info=error)
        if response is not None and body.get("command"):
            # Not yet acknowledged: the apology becomes the slash command's own answer.
            return BoltResponse(
                status=200,
                body=json.dumps({"response_type": "ephemeral", "text": message}),
                headers={"content-type": "application/json"},
            )
        _tell(app.client, body, message)
        return None

    return app


def _tell(client: WebClient, body: dict[str, Any], message: str) -> None:
    """Best effort to tell the user about an error that happened after the acknowledgement.

    Only verified requests reach Bolt (bot/slack/gate.py; Socket Mode is authenticated by its
    connection), so the user and channel named here are Slack's own.
    """
    user = _field(body, "user_id") or _field(body, "user", "id") or _field(body, "event", "user")
    channel = _field(body, "channel_id") or _field(body, "channel", "id") or _field(body, "event", "channel")
    if not (user and channel):
        return
    try:
        client.chat_postEphemeral(channel=channel, user=user, text=message)
    except Exception:
        log.exception("could not tell %s about the error", user)


def _field(body: dict[str, Any], *keys: str) -> str | None:
    """body[k1][k2]… as a string, or None when any step is missing or not of the expected kind."""
    node: Any = body
    for key in keys:
        node = node.get(key) if isinstance(node, dict) else None
    return node if isinstance(node, str) and node else None
