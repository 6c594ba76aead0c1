"""The `/referat` slash command: parse, store, then acknowledge with the confirmation.

The confirmation travels in the HTTP answer to Slack (ack with text), so a statement is
committed before the user is told it is kept, and nothing is stored for a refused command.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot import publishing
from bot.commands import CommandError, parse_command
from bot.deps import Deps
from bot.handlers import (
    ApproversRequested,
    DraftRequested,
    ExportRequested,
    QuestionAsked,
    Refusal,
    Reply,
    Sender,
    handle_command,
)
from bot.replies import answer_privately
from storage.store import StoreError


def register(app: App, deps: Deps) -> None:
    @app.command("/referat")
    def referat(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        sender = Sender(
            user_id=body["user_id"],
            channel_id=body["channel_id"],
            now=deps.clock(),
            user_name=deps.user_name(client),
        )
        store = deps.open_store()
        try:
            command = parse_command(body.get("text") or "", now=sender.now)
            outcome = handle_command(store, command, sender)
        except (CommandError, Refusal, StoreError) as refusal:
            ack(response_type="ephemeral", text=str(refusal))
            return
        match outcome:
            case Reply(text=text):
                ack(response_type="ephemeral", text=text)
            case DraftRequested(meeting=meeting):
                ack(response_type="ephemeral", text="Udkastet samles og lægges i kanalen …")
                try:
                    posted = publishing.publish(client, store, meeting, now=sender.now)
                except publishing.PostFailed as failure:
                    respond(
                        response_type="ephemeral",
                        text=f"Slack afviste udkastet ({failure}). Intet er ændret i mødet; prøv igen.",
                    )
                    return
                respond(response_type="ephemeral", text=publishing.draft_summary(posted.draft, posted))
            case QuestionAsked(question=question):
                ack()
                answer_privately(client, store, deps, question, respond)
            case ApproversRequested() | ExportRequested():
                ack(response_type="ephemeral", text="Denne kommando er ikke klar endnu.")
