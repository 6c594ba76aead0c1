"""App Home as the stand-ins serve it: views.publish, kept per person, refused as Slack refuses."""

from __future__ import annotations

from typing import Any

Json = dict[str, Any]

MAX_HOME_BLOCKS = 100


class HomeTabs:
    """The last view published to each person's App Home. Callers hold their own lock."""

    def __init__(self) -> None:
        self.views: dict[str, Json] = {}
        self.publishes = 0

    def publish(self, params: Json) -> Json:
        user = str(params.get("user_id") or "")
        view = params.get("view")
        if not user:
            return {"ok": False, "error": "invalid_arguments"}
        if not isinstance(view, dict) or view.get("type") != "home":
            return {"ok": False, "error": "invalid_arguments"}
        if len(view.get("blocks") or []) > MAX_HOME_BLOCKS:
            return {"ok": False, "error": "invalid_blocks"}
        self.views[user] = view
        self.publishes += 1
        return {"ok": True, "view": {"id": f"VHOME{user}", **view}}
