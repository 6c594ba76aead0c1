"""Build the Bolt app: one WebClient aimed at SLACK_API_URL, the listeners, one error handler.

`create_app` takes everything from outside (settings, a store opener, a clock) so that tests,
the console and `referat serve` run the very same app against different Slacks.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from typing import Any

from slack_bolt import App, BoltResponse
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.config import Settings
from bot.slack.context import Deps, provide, utc_clock
from bot.slack.errors import user_message
from bot.slack.listeners import actions, commands, events
from storage.store import Store

log = logging.getLogger(__name__)

# Listeners that run after their ack (posting a draft, answering a question) at once; Bolt's default.
LISTENER_THREADS = 5


def make_client(settings: Settings) -> WebClient:
    return WebClient(
        token=settings.bot_token,
        base_url=settings.slack_api_url,
        timeout=10,
        retry_handlers=[
            RateLimitErrorRetryHandler(max_retry_count=3),
            ConnectionErrorRetryHandler(max_retry_count=2),
            ServerErrorRetryHandler(max_retry_count=2),
        ],
    )


def create_app(
    settings: Settings,
    open_store: Callable[[], Store],
    *,
    clock: Callable[[], dt.datetime] = utc_clock,
    token_verification: bool = True,
    listener_executor: Executor | None = None,
) -> App:
    """The Bolt app with every listener; `listener_executor` runs listeners after their ack.

    Pass an executor you keep (and shut down when the app stops) to wait for listeners still at
    work; without one Bolt makes its own.
    """
    app = App(
        client=make_client(settings),
        signing_secret=settings.signing_secret or "",
        token_verification_enabled=token_verification,
        # Slash commands are answered by ack() itself; events are acked before the listener runs.
        process_before_response=False,
        listener_executor=listener_executor or ThreadPoolExecutor(max_workers=LISTENER_THREADS),
    )
    # Every listener finds the store opener, the clock and the name cache in its context.
    app.use(provide(Deps(open_store=open_store, clock=clock)))
    commands.register(app)
    events.register(app)
    actions.register(app)

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
    """Best effort to tell the user about an error that happened after the acknowledgement."""
    event = body.get("event") or {}
    user = body.get("user_id") or (body.get("user") or {}).get("id") or event.get("user")
    channel = body.get("channel_id") or (body.get("channel") or {}).get("id") or event.get("channel")
    if not (user and channel):
        return
    try:
        client.chat_postEphemeral(channel=channel, user=user, text=message)
    except Exception:
        log.exception("could not tell %s about the error", user)
