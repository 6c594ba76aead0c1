"""What the bot last wrote in each channel's canvas, so that a change rewrites only its own sections.

One row per channel (and workspace): the canvas, the meeting it shows, and per section key the header
the section starts with (how the section is found again) and a digest of what was written.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from storage.base import StoreBase
from storage.rows import iso


@dataclass(frozen=True)
class CanvasState:
    canvas_id: str
    meeting_id: int
    # key → (header line, SHA-256 of the section's markdown), in canvas order
    sections: dict[str, tuple[str, str]] = field(default_factory=dict)


class CanvasStore(StoreBase):
    def canvas_state(self, channel_id: str, team_id: str | None) -> CanvasState | None:
        rows = list(
            self.db.query(
                "select canvas_id, meeting_id, sections from canvases where channel_id = ? and team = ?",
                [channel_id, team_id or ""],
            )
        )
        if not rows:
            return None
        sections = {k: (str(v[0]), str(v[1])) for k, v in json.loads(rows[0]["sections"]).items()}
        return CanvasState(str(rows[0]["canvas_id"]), int(rows[0]["meeting_id"]), sections)

    def save_canvas_state(self, channel_id: str, team_id: str | None, state: CanvasState) -> None:
        with self._write():
            self.db.execute(
                "insert into canvases (channel_id, team, canvas_id, meeting_id, sections) values (?, ?, ?, ?, ?) "
                "on conflict (channel_id, team) do update set canvas_id = excluded.canvas_id, "
                "meeting_id = excluded.meeting_id, sections = excluded.sections",
                [
                    channel_id,
                    team_id or "",
                    state.canvas_id,
                    state.meeting_id,
                    json.dumps({k: list(v) for k, v in state.sections.items()}, ensure_ascii=False),
                ],
            )

    def take_canvas_lease(
        self, channel_id: str, team_id: str | None, holder: str, now: dt.datetime, seconds: float
    ) -> bool:
        """Hold the channel's canvas for `holder` until `now + seconds` (or its release); False while
        another holder's lease runs. Several processes may serve one file: one writes a canvas at a time."""
        with self._write():
            cursor = self.db.execute(
                "insert into canvas_leases (channel_id, team, holder, until_utc) values (?, ?, ?, ?) "
                "on conflict (channel_id, team) do update set holder = excluded.holder, until_utc = excluded.until_utc "
                "where canvas_leases.holder = excluded.holder or canvas_leases.until_utc < ?",
                [channel_id, team_id or "", holder, iso(now + dt.timedelta(seconds=seconds)), iso(now)],
            )
            return cursor.rowcount == 1

    def release_canvas_lease(self, channel_id: str, team_id: str | None, holder: str) -> None:
        with self._write():
            self.db.execute(
                "delete from canvas_leases where channel_id = ? and team = ? and holder = ?",
                [channel_id, team_id or "", holder],
            )
