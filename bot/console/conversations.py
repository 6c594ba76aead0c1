"""Reading a conversation as Slack serves it: conversations.info, .history and .replies.

`referat verify` reads back what the bot stated in each referat's thread (bot.slack.witness), so
the stand-in must answer these the way Slack documents them: history is the channel's top-level
messages (and replies sent to the channel too), newest first, a thread's parent carrying
`reply_count` and `latest_reply`; replies are the parent and then its replies, oldest first; both
page with `limit` and `response_metadata.next_cursor`, and carry a message's metadata only when
asked with `include_all_metadata`. Callers hold the stand-in's lock and have checked that the bot
may read the channel.
"""

from __future__ import annotations

from typing import Any

from bot.console.records import Message, truthy

Json = dict[str, Any]

DEFAULT_LIMIT = 100
MAX_LIMIT = 999


def info(channel: str, kind: str, members: set[str], name: str, bot_user_id: str) -> Json:
    """conversations.info of a channel the bot may see."""
    return {
        "ok": True,
        "channel": {
            "id": channel,
            "name": name,
            "is_channel": kind in ("public", "private") and not channel.startswith("G"),
            "is_group": channel.startswith("G"),
            "is_im": kind == "im",
            "is_mpim": kind == "mpim",
            "is_private": kind in ("private", "mpim", "im"),
            "is_member": bot_user_id in members,
            "is_archived": False,
        },
    }


def history(messages: list[Message], params: Json) -> Json:
    """conversations.history of one channel's `messages` (in the order they were posted)."""
    shown = [m for m in messages if not m.is_reply or m.reply_broadcast]
    newest_first = sorted(shown, key=lambda m: _ts(m.ts), reverse=True)
    oldest, latest = params.get("oldest"), params.get("latest")
    inclusive = truthy(params.get("inclusive"))
    if oldest:
        newest_first = [m for m in newest_first if _after(m.ts, str(oldest), inclusive)]
    if latest:
        newest_first = [m for m in newest_first if _after(str(latest), m.ts, inclusive)]
    return _page(
        newest_first, params, lambda m: _with_thread(m, messages, truthy(params.get("include_all_metadata")))
    )


def replies(messages: list[Message], params: Json) -> Json:
    """conversations.replies: the thread of `ts` in one channel's `messages`, parent first."""
    ts = str(params.get("ts") or "")
    parent = next((m for m in messages if m.ts == ts), None)
    if not ts or parent is None:
        return {"ok": False, "error": "thread_not_found"}
    root = parent.thread_ts or parent.ts
    thread = [m for m in messages if m.ts == root or (m.thread_ts == root and m.is_reply)]
    thread.sort(key=lambda m: _ts(m.ts))
    metadata = truthy(params.get("include_all_metadata"))
    return _page(thread, params, lambda m: _with_thread(m, messages, metadata))


def _page(messages: list[Message], params: Json, shown: Any) -> Json:
    try:
        start = int(str(params.get("cursor") or "0"))
        limit = int(str(params.get("limit") or DEFAULT_LIMIT))
    except ValueError:
        return {"ok": False, "error": "invalid_cursor"}
    limit = max(1, min(limit, MAX_LIMIT))
    page = messages[start : start + limit]
    more = start + limit < len(messages)
    return {
        "ok": True,
        "messages": [shown(m) for m in page],
        "has_more": more,
        "response_metadata": {"next_cursor": str(start + limit) if more else ""},
    }


def _with_thread(message: Message, messages: list[Message], metadata: bool) -> Json:
    out = message.payload()
    if message.metadata is not None and metadata:
        out["metadata"] = message.metadata
    if not message.is_reply:
        thread = [m for m in messages if m.thread_ts == message.ts and m.is_reply]
        if thread:
            out["thread_ts"] = message.ts
            out["reply_count"] = len(thread)
            out["reply_users"] = sorted({m.user for m in thread})
            out["latest_reply"] = max((m.ts for m in thread), key=_ts)
    return out


def _ts(ts: str) -> tuple[int, int]:
    seconds, _, micros = ts.partition(".")
    try:
        return int(seconds), int(micros or 0)
    except ValueError:
        return 0, 0


def _after(ts: str, than: str, inclusive: bool) -> bool:
    return _ts(ts) >= _ts(than) if inclusive else _ts(ts) > _ts(than)
