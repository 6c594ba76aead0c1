"""Nothing the bot posts pings anyone: broadcasts and mentions in stored text become plain words.

People log text like `<!channel>`, `<!here>`, `<!subteam^S1|@ledelsen>` or `<@U123>`; quoted back in
a draft, an answer, a notification or a DM, Slack would notify the whole channel, a user group or a
person. Every Web API call the bot makes goes through `QuietClient`, which rewrites such tokens in
the text of public messages (and broadcasts in ephemeral ones, where a mention pings nobody) before
they leave: `@channel`, `@ledelsen`, and a person's name. Rendering a person where the text is
composed (bot.text.people) stays the first line; this is the last.

The bot never asks Slack to link names (`link_names`, `parse=full`), so a plain `@channel` is text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any
from urllib.request import Request

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse

from bot.slack.transport import SHARED
from bot.text.people import UNKNOWN_PERSON

Names = Callable[[str], str | None]

# `<!channel>`, `<!here|here>`, `<!everyone>`, `<!subteam^S123>`, `<!subteam^S123|@team>`. Escaped as
# `&lt;!here&gt;` they are shown as text and notify nobody, so only the raw forms are rewritten.
_BROADCAST = re.compile(
    r"<!(?P<what>channel|here|everyone|group|subteam\^[A-Z0-9]{1,30})(?:\|(?P<label>[^<>|]{0,80}))?>"
)
_MENTION = re.compile(r"<@(?P<uid>[UW][A-Z0-9]{1,20})(?:\|(?P<label>[^<>|]{0,80}))?>")

# Methods whose messages others see, and those only their recipient sees.
_PUBLIC = frozenset(
    {"chat.postMessage", "chat.update", "chat.scheduleMessage", "files.completeUploadExternal"}
)
_PRIVATE = frozenset({"chat.postEphemeral", "views.open", "views.update", "views.publish"})
_TEXT_KEYS = ("text", "initial_comment", "alt_text", "fallback", "pretext", "title")


def defuse(text: str, names: Names | None = None, *, people: bool = True) -> str:
    """`text` with broadcasts (and, if `people`, user mentions) as plain words that notify nobody."""
    if "!" in text:

        def broadcast(match: re.Match[str]) -> str:
            label = (match["label"] or "").strip().lstrip("@")
            what = match["what"]
            if what.startswith("subteam^"):
                return "@" + (label or "gruppe")
            return "@" + what

        text = _BROADCAST.sub(broadcast, text)
    if people and "@" in text:

        def person(match: re.Match[str]) -> str:
            name = names(match["uid"]) if names is not None else None
            return name or (match["label"] or "").strip().lstrip("@") or UNKNOWN_PERSON

        text = _MENTION.sub(person, text)
    return text


def _defuse_tree(node: Any, names: Names | None, people: bool) -> Any:
    """Blocks and attachments: every text string, and rich-text mention elements as plain text."""
    if isinstance(node, str):
        return defuse(node, names, people=people)
    if isinstance(node, list):
        return [_defuse_tree(item, names, people) for item in node]
    if isinstance(node, dict):
        kind = node.get("type")
        if kind == "broadcast":
            return {"type": "text", "text": "@" + str(node.get("range") or "channel")}
        if kind == "usergroup":
            return {"type": "text", "text": "@gruppe"}
        if kind == "user" and people and "user_id" in node:
            uid = str(node["user_id"])
            return {"type": "text", "text": (names(uid) if names else None) or UNKNOWN_PERSON}
        # Ids, urls and values are not shown as message text; only what Slack renders is rewritten.
        return {
            key: _defuse_tree(value, names, people)
            if key in _TEXT_KEYS
            or key in ("blocks", "attachments", "elements", "fields", "accessory")
            or isinstance(value, (dict, list))
            else value
            for key, value in node.items()
        }
    return node


def quiet_params(method: str, params: dict[str, Any] | None, names: Names | None) -> dict[str, Any] | None:
    """The parameters of one Web API call, with what would notify someone rewritten."""
    if params is None or (method not in _PUBLIC and method not in _PRIVATE):
        return params
    people = method in _PUBLIC
    out = dict(params)
    for key in (*_TEXT_KEYS, "blocks", "attachments"):
        if key in out and out[key] is not None:
            out[key] = _defuse_tree(out[key], names, people)
    # A view (App Home, a modal) carries its blocks inside `view`, a dict or its JSON text.
    view = out.get("view")
    if isinstance(view, dict):
        out["view"] = _defuse_tree(view, names, people)
    elif isinstance(view, str) and view.startswith("{"):
        out["view"] = json.dumps(_defuse_tree(json.loads(view), names, people), ensure_ascii=False)
    return out


class QuietClient(WebClient):
    """A WebClient whose messages never broadcast or mention (see the module docstring)."""

    def __init__(self, *args: Any, names: Names | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.names = names

    def _perform_urllib_http_request_internal(self, url: str, req: Request) -> dict[str, Any]:
        # Connections to Slack are kept and reused (bot/slack/transport.py); through a proxy,
        # slack_sdk's own urllib transport is used.
        if self.proxy or not url.lower().startswith("http"):
            return dict(super()._perform_urllib_http_request_internal(url, req))
        return SHARED.send(req, timeout=self.timeout, context=self.ssl)

    def api_call(
        self,
        api_method: str,
        *,
        http_verb: str = "POST",
        files: dict[str, Any] | None = None,
        data: dict[str, Any] | None = None,
        params: dict[str, Any] | None = None,
        json: dict[str, Any] | None = None,
        headers: dict[str, Any] | None = None,
        auth: dict[str, Any] | None = None,
    ) -> SlackResponse:
        names = self.names
        return super().api_call(
            api_method,
            http_verb=http_verb,
            files=files,
            data=quiet_params(api_method, data, names),
            params=quiet_params(api_method, params, names),
            json=quiet_params(api_method, json, names),
            headers=headers,
            auth=auth,
        )


def quieten(names_for: Callable[[WebClient], Names]) -> Callable[..., None]:
    """A global Bolt middleware: every listener's `client` is a QuietClient.

    `names_for(client)` gives the name lookup (users.info, cached) that mentions are rendered with.
    """

    def middleware(context: Any, next: Callable[[], None]) -> None:
        client = quiet_copy(context.client)
        lookup = names_for(client)

        def names(user_id: str) -> str | None:
            try:
                return lookup(user_id)
            except SlackApiError:
                return None

        client.names = names
        context["client"] = client
        next()

    return middleware


def quiet_copy(client: WebClient, names: Names | None = None) -> QuietClient:
    """A QuietClient with `client`'s settings (Bolt makes a plain WebClient per request)."""
    return QuietClient(
        token=client.token,
        base_url=client.base_url,
        timeout=client.timeout,
        ssl=client.ssl,
        proxy=client.proxy,
        headers=client.headers,
        team_id=client.default_params.get("team_id"),
        logger=client.logger,
        retry_handlers=client.retry_handlers.copy() if client.retry_handlers is not None else None,
        names=names,
    )
