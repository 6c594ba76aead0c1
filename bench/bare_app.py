"""The baseline for latency benchmarks: a Bolt app that only acknowledges (or echoes a mention).

Served exactly like referat (waitress via bot.serve.http_server), so the difference measured is
referat's own work: parsing, storing and rendering.

    python -m bench.bare_app --port N   (env: SLACK_SIGNING_SECRET, SLACK_API_URL, SLACK_BOT_TOKEN)
"""

from __future__ import annotations

import argparse
import os
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.serve import http_server
from bot.slack.prompt_ack import PromptAckApp, PromptAckExecutor


def bare_app(signing_secret: str, api_url: str, token: str, *, prompt_ack: bool = False) -> App:
    """Bolt as anyone would start it; `prompt_ack`: answered the moment it acks, as referat is."""
    client = WebClient(token=token, base_url=api_url)
    if prompt_ack:
        app: App = PromptAckApp(
            client=client,
            signing_secret=signing_secret,
            token_verification_enabled=False,
            listener_executor=PromptAckExecutor(ThreadPoolExecutor(max_workers=5)),
        )
    else:
        app = App(client=client, signing_secret=signing_secret, token_verification_enabled=False)

    @app.command("/referat")
    def ack_only(ack: Ack) -> None:
        ack()

    @app.event("app_mention")
    def echo(event: dict[str, Any], client: WebClient) -> None:
        client.chat_postMessage(channel=event["channel"], thread_ts=event["ts"], text=event.get("text") or "")

    return app


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--prompt-ack", action="store_true", help="answer at ack(), as referat does")
    args = parser.parse_args()
    secret = os.environ["SLACK_SIGNING_SECRET"]
    app = bare_app(
        secret,
        os.environ["SLACK_API_URL"],
        os.environ.get("SLACK_BOT_TOKEN", "xoxb-x"),
        prompt_ack=args.prompt_ack,
    )
    http_server(app, secret, "127.0.0.1", args.port).run()


if __name__ == "__main__":
    main()
