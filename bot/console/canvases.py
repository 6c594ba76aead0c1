"""Canvases as Slack's Web API serves them, for the stand-in: channel canvases, edits by section, lookup.

The live referat (bot.slack.canvas) writes a channel's canvas section by section, so the stand-in
keeps a canvas as Slack's methods describe it: markdown cut into sections, each starting at a header
(`#`, `##`, `###`) and running to the next, with ids such as `temp:C:…`. `canvases.edit` takes one
change per call (`insert_at_start`, `insert_at_end`, `insert_before`, `insert_after`, `replace`,
`delete`), as Slack allows; `replace` without a section replaces the whole canvas.
`conversations.canvases.create` refuses a channel that already has a canvas
(`channel_canvas_already_exists`). Callers hold the stand-in's lock.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Json = dict[str, Any]

_HEADER = re.compile(r"^(#{1,3}) ", re.MULTILINE)
_TYPES = {"h1": 1, "h2": 2, "h3": 3}


@dataclass
class Canvas:
    canvas_id: str
    title: str | None
    channel_id: str | None  # a channel canvas belongs to its channel
    sections: list[tuple[str, str]] = field(default_factory=list)  # (section id, markdown)
    readers: set[str] = field(default_factory=set)  # channels given access (canvases.access.set)

    @property
    def markdown(self) -> str:
        return "\n\n".join(text.strip("\n") for _, text in self.sections)


def split_sections(markdown: str) -> list[str]:
    """Markdown cut at each header: the text before the first header is a section of its own."""
    starts = [m.start() for m in _HEADER.finditer(markdown)]
    bounds = [0, *[s for s in starts if s > 0], len(markdown)]
    parts = [markdown[a:b].strip("\n") for a, b in itertools.pairwise(bounds)]
    return [p for p in parts if p.strip()]


class Canvases:
    """Every canvas the stand-in holds, and the Web API methods over them."""

    def __init__(self) -> None:
        self.canvases: dict[str, Canvas] = {}
        self._ids = itertools.count(1)

    def methods(self) -> dict[str, Callable[[Json], Json]]:
        return {
            "conversations.canvases.create": self.create_channel_canvas,
            "canvases.create": self.create,
            "canvases.edit": self.edit,
            "canvases.sections.lookup": self.lookup,
            "canvases.access.set": self.access_set,
        }

    def kept(self) -> list[Json]:
        """Every canvas as JSON, for the console's next sitting (bot.console.kept)."""
        return [
            {
                "canvas_id": c.canvas_id,
                "title": c.title,
                "channel_id": c.channel_id,
                "sections": [list(s) for s in c.sections],
                "readers": sorted(c.readers),
            }
            for c in self.canvases.values()
        ]

    def restore(self, kept: list[Json]) -> None:
        for data in kept:
            canvas = Canvas(
                str(data["canvas_id"]),
                data.get("title"),
                data.get("channel_id"),
                [(str(i), str(t)) for i, t in data.get("sections", [])],
                {str(r) for r in data.get("readers", [])},
            )
            self.canvases[canvas.canvas_id] = canvas
        numbers = [int(n) for c in kept for n in [str(c["canvas_id"])[1:]] if n.isdigit()]
        numbers += [
            int(i.rsplit(":", 1)[-1])
            for c in kept
            for i, _ in c.get("sections", [])
            if i.rsplit(":", 1)[-1].isdigit()
        ]
        self._ids = itertools.count(max(numbers, default=0) + 1)

    def of_channel(self, channel_id: str) -> Canvas | None:
        return next((c for c in self.canvases.values() if c.channel_id == channel_id), None)

    def _new(self, title: str | None, channel_id: str | None, params: Json) -> Canvas:
        canvas = Canvas(f"F{next(self._ids):08d}", title, channel_id)
        content = params.get("document_content")
        if isinstance(content, dict) and content.get("markdown"):
            canvas.sections = [(self._section_id(), s) for s in split_sections(str(content["markdown"]))]
        self.canvases[canvas.canvas_id] = canvas
        return canvas

    def _section_id(self) -> str:
        return f"temp:C:{next(self._ids):028d}"

    def create_channel_canvas(self, params: Json) -> Json:
        channel = str(params.get("channel_id") or "")
        if not channel:
            return {"ok": False, "error": "invalid_arguments"}
        if self.of_channel(channel) is not None:
            return {"ok": False, "error": "channel_canvas_already_exists"}
        return {"ok": True, "canvas_id": self._new(None, channel, params).canvas_id}

    def create(self, params: Json) -> Json:
        return {"ok": True, "canvas_id": self._new(str(params.get("title") or ""), None, params).canvas_id}

    def access_set(self, params: Json) -> Json:
        canvas = self.canvases.get(str(params.get("canvas_id") or ""))
        if canvas is None:
            return {"ok": False, "error": "canvas_not_found"}
        channels = params.get("channel_ids") or []
        canvas.readers |= {str(c) for c in (channels if isinstance(channels, list) else [channels])}
        return {"ok": True}

    def edit(self, params: Json) -> Json:
        canvas = self.canvases.get(str(params.get("canvas_id") or ""))
        if canvas is None:
            return {"ok": False, "error": "canvas_not_found"}
        changes = params.get("changes")
        if not isinstance(changes, list) or len(changes) != 1 or not isinstance(changes[0], dict):
            return {"ok": False, "error": "invalid_changes"}  # one operation per call
        change: Json = changes[0]
        operation, target = change.get("operation"), change.get("section_id")
        content = change.get("document_content") or {}
        new = [(self._section_id(), s) for s in split_sections(str(content.get("markdown") or ""))]
        ids = [sid for sid, _ in canvas.sections]
        if target is not None and target not in ids:
            return {"ok": False, "error": "canvas_editing_failed", "detail": "section_not_found"}
        at = ids.index(target) if target is not None else None
        if operation == "insert_at_start":
            canvas.sections[:0] = new
        elif operation == "insert_at_end":
            canvas.sections += new
        elif operation in ("insert_before", "insert_after") and at is not None:
            where = at if operation == "insert_before" else at + 1
            canvas.sections[where:where] = new
        elif operation == "replace":
            canvas.sections[slice(at, at + 1) if at is not None else slice(None)] = new
        elif operation == "delete" and at is not None:
            del canvas.sections[at]
        else:
            return {"ok": False, "error": "invalid_changes"}
        return {"ok": True}

    def lookup(self, params: Json) -> Json:
        canvas = self.canvases.get(str(params.get("canvas_id") or ""))
        if canvas is None:
            return {"ok": False, "error": "canvas_not_found"}
        criteria = params.get("criteria") or {}
        if not isinstance(criteria, dict) or not (
            criteria.get("section_types") or criteria.get("contains_text")
        ):
            return {"ok": False, "error": "invalid_criteria"}
        levels = {_TYPES.get(t, 0) for t in criteria.get("section_types") or []}
        text = str(criteria.get("contains_text") or "")
        found = []
        for section_id, markdown in canvas.sections:
            header = _HEADER.match(markdown)
            level = len(header.group(1)) if header else 0
            if levels and not (level in levels or ("any_header" in criteria["section_types"] and level)):
                continue
            if text and text not in markdown.split("\n", 1)[0]:
                continue
            found.append({"id": section_id})
        return {"ok": True, "sections": found}
