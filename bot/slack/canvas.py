"""The live referat in the channel's canvas: written after every change, a section at a time, coalesced.

A change to a meeting (an entry, an edit, the agenda, people, a closed mark, an approval, `næste`)
`touch`es its meeting; a worker thread waits until the changes have paused for `QUIET` seconds (at
most `MAX_WAIT` after the first, give or take one `QUIET`), then writes what differs from what it last wrote: for each changed
section one `canvases.sections.lookup` (by the header it starts with) and one `canvases.edit`. A
burst of thirty entries on one item thus costs two calls, not sixty: `canvases.edit` is Tier 3.
A failed or rate-limited write is retried later (a few times, further apart) and never touches the
command that caused it, which was acknowledged long before.

The rule book declares the canvas (`Lærred`: the channel's members, the public extract only), and
only what every member of the channel may read reaches it (bot.referat.canvas renders the public
extract), broadcast and mention syntax from stored text is neutralised, and a channel that
already has a canvas of its own keeps it: the bot writes a canvas of its own, gives the channel read
access and says where it is.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import threading
import time
import uuid
from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.referat.canvas import CanvasSection, canvas_sections
from bot.referat.compile import compile_referat, title_line
from bot.slack.quiet import defuse
from storage.canvases import CanvasState
from storage.records import Meeting, MeetingStatus
from storage.store import Store

log = logging.getLogger(__name__)

QUIET = 0.3  # seconds without a change before the canvas is written
MAX_WAIT = 2.0  # …but not much later than this after the first change of a burst (one QUIET at most)
RETRIES = 4  # a failed write is tried again this many times, RETRY_AFTER × 2ⁿ seconds apart
RETRY_AFTER = 2.0
# How long a writer holds a channel's canvas: far longer than a write takes, short enough that a
# process that died holding it delays the canvas by no more than this.
LEASE_SECONDS = 60.0


class CanvasBusy(Exception):
    """Another process is writing this channel's canvas; this write waits its turn."""


def _digest(markdown: str) -> str:
    return hashlib.sha256(markdown.encode("utf-8")).hexdigest()


def _header(markdown: str) -> str:
    return markdown.split("\n", 1)[0]


def _markdown(sections: tuple[CanvasSection, ...]) -> str:
    return "\n\n".join(s.markdown for s in sections)


class LiveCanvas:
    """Keeps each meeting's canvas equal to the meeting; one worker thread per app."""

    def __init__(
        self,
        open_store: Callable[[], Store],
        *,
        quiet: float = QUIET,
        max_wait: float = MAX_WAIT,
        retry_after: float = RETRY_AFTER,
    ) -> None:
        self._open_store = open_store
        self._quiet, self._max_wait, self._retry_after = quiet, max_wait, retry_after
        self._cond = threading.Condition()
        self._dirty: dict[int, tuple[WebClient, int]] = {}  # meeting → (client, attempts so far)
        self._not_before: dict[int, float] = {}
        self._first = self._last = 0.0
        self._busy = False
        self._stopped = False
        self._thread: threading.Thread | None = None
        # Names this writer in the canvas leases of the file it shares with other processes.
        self._holder = f"{os.getpid()}-{uuid.uuid4().hex[:12]}"

    def touch(self, client: WebClient, meeting_id: int | None) -> None:
        """The meeting changed: its canvas is written once the changes pause."""
        if meeting_id is None:
            return
        with self._cond:
            if self._stopped:
                return
            now = time.monotonic()
            idle = not self._dirty
            if idle:
                self._first = now
            self._last = now
            self._dirty[meeting_id] = (client, 0)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="referat-canvas", daemon=True)
                self._thread.start()
            if idle:
                # Only an idle worker sleeps without a timeout; a busy one looks again once the
                # changes may have paused. Waking it for every statement of a burst cost a thread
                # switch each (some 8 % of the work of logging under eight senders).
                self._cond.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        """True once nothing waits to be written and no write runs (tests and the console wait here)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._dirty or self._busy:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(min(left, 0.05))
            return True

    def stop(self, timeout: float = 10.0) -> None:
        """Write what waits (for up to `timeout` seconds), then end the worker: the app is stopping."""
        self.wait_idle(timeout)
        with self._cond:
            self._stopped = True
            self._dirty.clear()
            self._cond.notify_all()
            thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._stopped and not self._due():
                    self._cond.wait(self._wait_time())
                if self._stopped:
                    return
                batch, self._dirty = self._dirty, {}
                self._busy = True
            try:
                for meeting_id, (client, attempts) in batch.items():
                    self._write(client, meeting_id, attempts)
            finally:
                with self._cond:
                    self._busy = False
                    self._cond.notify_all()

    def _due(self) -> bool:
        if not self._dirty:
            return False
        now = time.monotonic()
        waiting = [m for m in self._dirty if self._not_before.get(m, 0.0) <= now]
        return bool(waiting) and (now - self._last >= self._quiet or now - self._first >= self._max_wait)

    def _wait_time(self) -> float | None:
        """How long the worker may sleep: until the changes may have paused, or a retry falls due."""
        if not self._dirty:
            return None
        now = time.monotonic()
        due = min((self._not_before.get(m, now) for m in self._dirty), default=now)
        return max(0.01, self._quiet, due - now)

    def _write(self, client: WebClient, meeting_id: int, attempts: int) -> None:
        try:
            write_canvas(client, self._open_store(), meeting_id, holder=self._holder)
            self._not_before.pop(meeting_id, None)
        except CanvasBusy:
            # Not a failure: the other writer reads the same meeting. Look again shortly, as often
            # as it takes (a lease left by a process that died runs out after LEASE_SECONDS).
            with self._cond:
                self._not_before[meeting_id] = time.monotonic() + self._quiet
                self._dirty.setdefault(meeting_id, (client, attempts))
                self._last = self._first = 0.0
        except (SlackApiError, SlackClientError, OSError) as error:
            if attempts + 1 > RETRIES:
                log.warning("gave up writing the canvas of meeting %s: %s", meeting_id, error)
                self._not_before.pop(meeting_id, None)
                return
            log.info("canvas of meeting %s not written (%s); trying again", meeting_id, type(error).__name__)
            with self._cond:
                self._not_before[meeting_id] = time.monotonic() + self._retry_after * 2**attempts
                self._dirty.setdefault(meeting_id, (client, attempts + 1))
                self._last = self._first = 0.0
        except Exception:
            log.exception("writing the canvas of meeting %s failed", meeting_id)


def write_canvas(client: WebClient, store: Store, meeting_id: int, *, holder: str) -> None:
    """Make the channel's canvas show the meeting: create it, take it over, or rewrite changed sections.

    `holder`: the writer's name in the channel's canvas lease, held while it writes (CanvasBusy
    while another holds it): processes serving one file write one canvas, one at a time.
    """
    meeting = store.meeting(meeting_id)
    if meeting is None or meeting.channel_id is None or meeting.status is MeetingStatus.IMPORTED:
        return
    channel, team = meeting.channel_id, meeting.team_id
    if not store.take_canvas_lease(channel, team, holder, dt.datetime.now(dt.UTC), LEASE_SECONDS):
        raise CanvasBusy(channel)
    try:
        _write_canvas(client, store, meeting, channel, team)
    finally:
        store.release_canvas_lease(channel, team, holder)


def _write_canvas(client: WebClient, store: Store, meeting: Meeting, channel: str, team: str | None) -> None:
    meeting_id = meeting.id
    state = store.canvas_state(channel, team)
    if state is not None and state.meeting_id != meeting_id:
        newer = store.current_meeting(channel, team)
        if newer is not None and newer.id != meeting_id:
            return  # a later meeting has the canvas now
    final = store.approved_referat(meeting_id) if meeting.status is MeetingStatus.APPROVED else None
    approval = (final.approval_line or "") if final is not None else None
    previous = None
    if state is not None and state.meeting_id != meeting_id:
        before = store.meeting(state.meeting_id)
        previous = title_line(before.title, before.date) if before is not None else None
    referat = compile_referat(store.document(meeting_id), public=True)
    sections = tuple(
        CanvasSection(s.key, defuse(s.markdown))
        for s in canvas_sections(referat, approval=approval, previous=previous)
    )
    wanted = {s.key: (_header(s.markdown), _digest(s.markdown)) for s in sections}
    try:
        canvas_id = _update(client, state, meeting_id, sections)
    except SlackApiError as error:
        if error.response.get("error") != "canvas_not_found":
            raise
        canvas_id = None  # deleted in Slack (or a console sitting's canvas not kept): write it anew
    if canvas_id is None:
        canvas_id = _create(client, channel, meeting.title, _markdown(sections))
    store.save_canvas_state(channel, team, CanvasState(canvas_id, meeting_id, wanted))


def _update(
    client: WebClient, state: CanvasState | None, meeting_id: int, sections: tuple[CanvasSection, ...]
) -> str | None:
    """Write `sections` into the canvas `state` names; None when there is none yet."""
    if state is None:
        return None
    if state.meeting_id != meeting_id:
        # `næste`: the next meeting takes the canvas over, with a line naming the one before.
        _edit(
            client,
            state.canvas_id,
            {"operation": "replace", "document_content": _content(_markdown(sections))},
        )
    else:
        _rewrite(client, state.canvas_id, state.sections, sections)
    return state.canvas_id


def _content(markdown: str) -> dict[str, str]:
    return {"type": "markdown", "markdown": markdown}


def _edit(client: WebClient, canvas_id: str, change: dict[str, object]) -> None:
    client.api_call("canvases.edit", json={"canvas_id": canvas_id, "changes": [change]})


def _section_id(client: WebClient, canvas_id: str, header: str) -> str | None:
    level = len(header) - len(header.lstrip("#"))
    text = header[level:].strip()
    found = client.api_call(
        "canvases.sections.lookup",
        json={"canvas_id": canvas_id, "criteria": {"section_types": [f"h{level}"], "contains_text": text}},
    )
    ids = [s.get("id") for s in found.get("sections") or []]
    return str(ids[0]) if ids else None


def _rewrite(
    client: WebClient,
    canvas_id: str,
    written: dict[str, tuple[str, str]],
    sections: tuple[CanvasSection, ...],
) -> None:
    """Only what changed: replace changed sections, insert new ones after their predecessor, delete gone ones."""
    keys = [s.key for s in sections]
    for key, (header, _) in written.items():
        if key not in keys and (gone := _section_id(client, canvas_id, header)) is not None:
            _edit(client, canvas_id, {"operation": "delete", "section_id": gone})
    for index, section in enumerate(sections):
        old = written.get(section.key)
        if old is not None and old[1] == _digest(section.markdown):
            continue
        content = _content(section.markdown)
        target = _section_id(client, canvas_id, old[0]) if old is not None else None
        if target is not None:
            _edit(
                client, canvas_id, {"operation": "replace", "section_id": target, "document_content": content}
            )
            written = {**written, section.key: (_header(section.markdown), _digest(section.markdown))}
            continue
        before = next((s for s in reversed(sections[:index]) if s.key in written), None)
        after_id = _section_id(client, canvas_id, written[before.key][0]) if before is not None else None
        if after_id is not None:
            _edit(
                client,
                canvas_id,
                {"operation": "insert_after", "section_id": after_id, "document_content": content},
            )
        else:
            _edit(
                client,
                canvas_id,
                {
                    "operation": "insert_at_start" if index == 0 else "insert_at_end",
                    "document_content": content,
                },
            )
        written = {**written, section.key: (_header(section.markdown), _digest(section.markdown))}


def _create(client: WebClient, channel: str, title: str, markdown: str) -> str:
    """The channel's canvas; where the channel has one of its own, a canvas of the bot's that it may read."""
    try:
        made = client.api_call(
            "conversations.canvases.create",
            json={"channel_id": channel, "document_content": _content(markdown)},
        )
        return str(made["canvas_id"])
    except SlackApiError as error:
        if error.response.get("error") != "channel_canvas_already_exists":
            raise
    made = client.api_call(
        "canvases.create", json={"title": f"Referat: {title}", "document_content": _content(markdown)}
    )
    canvas_id = str(made["canvas_id"])
    client.api_call(
        "canvases.access.set", json={"canvas_id": canvas_id, "access_level": "read", "channel_ids": [channel]}
    )
    client.chat_postMessage(
        channel=channel,
        text=(
            "Kanalen har allerede sit eget lærred, så det levende referat skrives i et lærred for sig, "
            f"som alle i kanalen kan læse (id {canvas_id}). Kanalens eget lærred er ikke rørt."
        ),
    )
    return canvas_id
