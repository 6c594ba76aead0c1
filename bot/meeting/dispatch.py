"""Carry out one parsed `/referat` command: its rule, the gate, the handler. No Slack.

Listeners (Slack) and the console (through the same listeners) call `handle_command`. The rule
book (bot/rulebook/book.py) names the handler of each command and who may use it; the gate
(bot/rulebook/gate.py) refuses before anything is written; the store's refusals are worded here.
"""

from __future__ import annotations

from bot.meeting import parse as c
from bot.meeting.outcomes import Outcome, Refusal, Sender
from bot.meeting.refusals import worded
from bot.rulebook import gate
from bot.rulebook.book import rule_for
from storage.errors import StoreError
from storage.store import Store


def handle_command(store: Store, command: c.Command, sender: Sender) -> Outcome:
    """Carry out one command; raises Refusal with the user's message when refused."""
    rule = rule_for(command)
    assert rule.handler is not None, f"{rule.name} is a subcommand without a handler"
    try:
        meeting = gate.admit(store, rule, sender, command)
        return rule.handler(store, meeting, command, sender)
    except StoreError as error:
        raise Refusal(worded(error)) from error
