"""Button clicks and modal submissions on the draft message."""

from __future__ import annotations

from slack_bolt import App

from bot.deps import Deps


def register(app: App, deps: Deps) -> None:
    """Approval buttons arrive with the approval issue; nothing is registered yet."""
