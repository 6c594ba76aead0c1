"""The store's verbs for drafts, approvals and comments, the final referat, its additions, and its hash chain."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from storage import chain, covered
from storage.base import StoreBase
from storage.records import (
    Addition,
    Approval,
    ApprovedReferat,
    Comment,
    Draft,
    Entry,
    MeetingStatus,
)
from storage.rows import (
    draft_from,
    entries_as_drafted,
    entry_from,
    entry_row,
    in_workspace,
    iso,
    parse_dt,
    primary_key,
    required_dt,
)


class ApprovalStore(StoreBase):
    # --- drafts, approvals, comments ------------------------------------------------------------

    def add_draft(
        self,
        meeting_id: int,
        *,
        text: str,
        text_sha256: str,
        snapshot: Any,
        now: dt.datetime,
        approvers: Sequence[str] | None = None,
        public_text: str | None = None,
    ) -> Draft:
        with self._write():
            version = self._next_value("drafts", "version", meeting_id)
            draft_id = primary_key(
                self.db.table("drafts")
                .insert(
                    {
                        "meeting_id": meeting_id,
                        "version": version,
                        "text": text,
                        "text_sha256": text_sha256,
                        "snapshot": json.dumps(snapshot, ensure_ascii=False),
                        "created_utc": iso(now),
                        **({"approvers": json.dumps(list(approvers))} if approvers is not None else {}),
                        **({"public_text": public_text} if public_text is not None else {}),
                    }
                )
                .last_pk
            )
            # Marks where this version stands in the audit trail: its change list covers what
            # the minute-taker changed in the setup since the previous version's mark.
            self._audit(meeting_id, None, None, "draft", None, str(version), now)
        draft = self.draft(draft_id)
        assert draft is not None
        return draft

    def discard_unposted_draft(self, draft_id: int) -> bool:
        """Remove a version that never reached Slack, so the next attempt gets its number."""
        with self._write():
            cursor = self.db.execute("delete from drafts where id = ? and message_ts is null", [draft_id])
            return cursor.rowcount == 1

    def unpost_draft(self, draft_id: int) -> None:
        """Forget where a version was posted, once its messages were taken back (then it may be discarded)."""
        with self._write():
            self.db.execute(
                "update drafts set channel_id = null, message_ts = null, thread_ts = null where id = ?",
                [draft_id],
            )

    def set_draft_message(self, draft_id: int, *, channel_id: str, message_ts: str, thread_ts: str) -> None:
        self.db.execute(
            "update drafts set channel_id = ?, message_ts = ?, thread_ts = ? where id = ?",
            [channel_id, message_ts, thread_ts, draft_id],
        )
        self.db.conn.commit()

    def draft(self, draft_id: int) -> Draft | None:
        rows = list(self.db.query("select * from drafts where id = ?", [draft_id]))
        return draft_from(rows[0]) if rows else None

    def latest_draft(self, meeting_id: int) -> Draft | None:
        rows = self.db.query(
            "select * from drafts where meeting_id = ? order by version desc limit 1", [meeting_id]
        )
        return next((draft_from(r) for r in rows), None)

    def draft_snapshot(self, draft_id: int) -> Any:
        rows = list(self.db.query("select snapshot from drafts where id = ?", [draft_id]))
        return json.loads(rows[0]["snapshot"]) if rows and rows[0]["snapshot"] else None

    def draft_by_thread(self, channel_id: str, thread_ts: str, team_id: str | None = None) -> Draft | None:
        """The newest draft posted in that thread; `team_id`: only of that workspace's meetings."""
        where, team = in_workspace(team_id)
        rows = self.db.query(
            "select d.* from drafts d join meetings m on m.id = d.meeting_id "
            f"where d.channel_id = ? and d.thread_ts = ?{where} order by d.version desc limit 1",
            [channel_id, thread_ts, *team],
        )
        return next((draft_from(r) for r in rows), None)

    def unposted_draft_in_channel(self, channel_id: str, team_id: str | None = None) -> Draft | None:
        """A draft of a meeting logged in `channel_id` that is stored but not yet recorded as posted."""
        where, team = in_workspace(team_id)
        rows = self.db.query(
            "select d.* from drafts d join meetings m on m.id = d.meeting_id "
            f"where m.channel_id = ?{where} and d.message_ts is null order by d.id desc limit 1",
            [channel_id, *team],
        )
        return next((draft_from(r) for r in rows), None)

    def draft_version(self, meeting_id: int, version: int) -> Draft | None:
        rows = list(
            self.db.query("select * from drafts where meeting_id = ? and version = ?", [meeting_id, version])
        )
        return draft_from(rows[0]) if rows else None

    def drafted_entries(self, draft_id: int) -> tuple[Entry, ...] | None:
        """The entries as draft `draft_id` showed them: its snapshot over the stored rows.

        A snapshot records each entry's id, item, kind and text when the version was made; the rest
        (speaker, owner, due date) comes from the entry's row, which those never change. None when
        the draft has no usable snapshot or names an entry the table no longer has.
        """
        rows = self.db.query(
            "select e.* from entries e join drafts d on d.meeting_id = e.meeting_id where d.id = ?",
            [draft_id],
        )
        return entries_as_drafted(self.draft_snapshot(draft_id), {r["id"]: entry_from(r) for r in rows})

    def finalize(
        self,
        meeting_id: int,
        draft_id: int,
        *,
        text: str,
        text_sha256: str,
        approval_line: str | None,
        now: dt.datetime,
    ) -> bool:
        """Lock the meeting with its final text; False (nothing written) unless this call did it.

        Refused when the meeting is no longer open or `draft_id` is no longer its newest draft (a
        new version voids the approvals the caller counted), so racing last approvals finalise once.
        The entries as the approved version showed them are kept with the text, so an export renders
        what was approved without guessing from the live meeting.
        """
        with self._write():
            cursor = self.db.execute(
                "update meetings set status = ?, approved_utc = ? where id = ? and status = ? "
                "and (select id from drafts where meeting_id = ? order by version desc limit 1) = ?",
                [
                    str(MeetingStatus.APPROVED),
                    iso(now),
                    meeting_id,
                    str(MeetingStatus.OPEN),
                    meeting_id,
                    draft_id,
                ],
            )
            if cursor.rowcount != 1:
                return False
            draft = self.draft(draft_id)
            assert draft is not None
            entries = self.drafted_entries(draft_id)
            if entries is None:
                entries = tuple(self.entries(meeting_id))
            self.db.table("approved_referats").insert(
                {
                    "meeting_id": meeting_id,
                    "draft_id": draft_id,
                    "draft_sha256": draft.text_sha256,
                    "text": text,
                    "text_sha256": text_sha256,
                    "approved_utc": iso(now),
                    "approval_line": approval_line,
                    "entries": json.dumps([entry_row(e) for e in entries], ensure_ascii=False),
                }
            )
            self._audit(meeting_id, None, None, "approved", draft.text_sha256, text_sha256, now)
            self._chain(meeting_id, chain.KIND_REFERAT, meeting_id, text_sha256, now)
        return True

    # --- the hash chain (storage.chain) -----------------------------------------------------------

    def _chain(self, meeting_id: int, kind: str, source_id: int, text_sha256: str, now: dt.datetime) -> None:
        """Append a link for an approved text; the caller's write transaction makes it atomic.

        The link covers everything a reader sees of the text (storage.covered), and is signed with
        the organisation's seal when one is configured.
        """
        last = self.db.execute("select link_sha256 from chain order by id desc limit 1").fetchone()
        mine = self.db.execute(
            "select link_sha256 from chain where meeting_id = ? order by id desc limit 1", [meeting_id]
        ).fetchone()
        previous_archive = last[0] if last else chain.GENESIS
        previous_meeting = mine[0] if mine else chain.GENESIS
        digest = covered.covered_digest(self.db, kind, source_id)
        link = chain.link_hash(
            meeting_id=meeting_id,
            kind=kind,
            source_id=source_id,
            text_sha256=text_sha256,
            previous_meeting=previous_meeting,
            previous_archive=previous_archive,
            covered_sha256=digest,
        )
        signature = self.seal.sign(chain.signed_bytes(link)).hex() if self.seal is not None else None
        self.db.execute(
            "insert into chain (meeting_id, kind, source_id, text_sha256, previous_meeting, previous_archive, "
            "link_sha256, linked_utc, covered_sha256, signature, certificate_sha256) "
            "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                meeting_id,
                kind,
                source_id,
                text_sha256,
                previous_meeting,
                previous_archive,
                link,
                iso(now),
                digest,
                signature,
                self.seal.fingerprint if self.seal is not None else None,
            ],
        )

    # --- additions to an approved referat -----------------------------------------------------

    def add_addition(self, meeting_id: int, text: str, *, user_id: str, now: dt.datetime) -> Addition:
        with self._write():
            cursor = self.db.execute(
                "insert into additions (meeting_id, text, text_sha256, author_user_id, created_utc) "
                "values (?, ?, ?, ?, ?)",
                [meeting_id, text, chain.text_hash(text), user_id, iso(now)],
            )
            self._audit(meeting_id, None, user_id, "addition", None, text, now)
        found = self.addition(int(cursor.lastrowid or 0))
        assert found is not None
        return found

    def addition(self, addition_id: int) -> Addition | None:
        rows = list(self.db.query("select * from additions where id = ?", [addition_id]))
        return _addition(rows[0]) if rows else None

    def additions(self, meeting_id: int, *, approved_only: bool = False) -> list[Addition]:
        where = " and approved_utc is not null" if approved_only else ""
        rows = self.db.query(f"select * from additions where meeting_id = ?{where} order by id", [meeting_id])
        return [_addition(r) for r in rows]

    def add_addition_approval(self, addition_id: int, user_id: str, now: dt.datetime) -> bool:
        with self._write():
            cursor = self.db.execute(
                "insert or ignore into addition_approvals (addition_id, user_id, approved_utc) values (?, ?, ?)",
                [addition_id, user_id, iso(now)],
            )
            return cursor.rowcount == 1

    def addition_approvals(self, addition_id: int) -> dict[str, dt.datetime]:
        rows = self.db.query(
            "select user_id, approved_utc from addition_approvals where addition_id = ? order by approved_utc",
            [addition_id],
        )
        return {r["user_id"]: required_dt(r["approved_utc"]) for r in rows}

    def approve_addition(self, addition_id: int, paragraph: str, now: dt.datetime) -> bool:
        """Mark an addition approved with its printed paragraph, and chain it; False when it already was."""
        with self._write():
            cursor = self.db.execute(
                "update additions set approved_utc = ?, approval_line = ? where id = ? and approved_utc is null",
                [iso(now), paragraph, addition_id],
            )
            if cursor.rowcount != 1:
                return False
            addition = self.addition(addition_id)
            assert addition is not None
            self._audit(addition.meeting_id, None, None, "addition approved", None, addition.text_sha256, now)
            self._chain(addition.meeting_id, chain.KIND_ADDITION, addition_id, addition.text_sha256, now)
        return True

    def chain_links(self) -> list[chain.Link]:
        """Every link, in the order the texts were approved."""
        rows = self.db.query(
            "select id, meeting_id, kind, source_id, text_sha256, previous_meeting, previous_archive, "
            "link_sha256, covered_sha256, signature, certificate_sha256 from chain order by id"
        )
        return [chain.Link(**r) for r in rows]

    def covered_now(self, links: Sequence[chain.Link]) -> dict[tuple[str, int], str | None]:
        """What each link's text shows a reader today, as the digest a sealed link stored."""
        return {
            (link.kind, link.source_id): covered.covered_digest(
                self.db, link.kind, link.source_id, covered.version_of(link.covered_sha256)
            )
            for link in links
            if link.covered_sha256 is not None
        }

    def approvals_the_trail_remembers(self) -> list[tuple[int, str, int, str]]:
        """`(meeting_id, kind, source_id, text_sha256)` of every approval the audit trail records
        (written in the approving transaction) that has no chain link: an approval deleted later."""
        rows = self.db.execute(
            "select a.meeting_id, ?, a.meeting_id, a.after from audit a where a.action = 'approved' "
            "and not exists (select 1 from chain c where c.kind = ? and c.source_id = a.meeting_id) "
            "union all select a.meeting_id, ?, d.id, a.after from audit a "
            "join additions d on d.meeting_id = a.meeting_id and d.text_sha256 = a.after "
            "where a.action = 'addition approved' "
            "and not exists (select 1 from chain c where c.kind = ? and c.source_id = d.id) order by 1",
            [chain.KIND_REFERAT, chain.KIND_REFERAT, chain.KIND_ADDITION, chain.KIND_ADDITION],
        ).fetchall()
        return [(int(r[0]), str(r[1]), int(r[2]), str(r[3])) for r in rows]

    def witness_channels(self) -> list[str]:
        """Every channel the archive names, where the bot may have stated approvals as witness."""
        rows = self.db.execute(
            "select channel_id from drafts where channel_id is not null and thread_ts is not null "
            "union select channel_id from meetings where channel_id is not null order by 1"
        ).fetchall()
        return [str(r[0]) for r in rows]

    def chain_head(self) -> str:
        """The newest link's hash: what the bot states in Slack as witness after each approval."""
        row = self.db.execute("select link_sha256 from chain order by id desc limit 1").fetchone()
        return str(row[0]) if row else chain.GENESIS

    def chained_texts(self) -> list[chain.ChainedText]:
        """Every approved text as its table holds it now, with the hash stored beside it."""
        rows = self.db.query(
            "select meeting_id, text, text_sha256 from approved_referats order by meeting_id"
        )
        approved = self.db.query(
            "select id, meeting_id, text, text_sha256 from additions where approved_utc is not null order by id"
        )
        additions = [
            chain.ChainedText(r["meeting_id"], chain.KIND_ADDITION, r["id"], r["text"], r["text_sha256"])
            for r in approved
        ]
        return additions + [
            chain.ChainedText(
                r["meeting_id"], chain.KIND_REFERAT, r["meeting_id"], r["text"], r["text_sha256"]
            )
            for r in rows
        ]

    def approved_referat(self, meeting_id: int) -> ApprovedReferat | None:
        rows = list(self.db.query("select * from approved_referats where meeting_id = ?", [meeting_id]))
        if not rows:
            return None
        r = rows[0]
        return ApprovedReferat(
            meeting_id=r["meeting_id"],
            draft_id=r["draft_id"],
            draft_sha256=r["draft_sha256"],
            text=r["text"],
            text_sha256=r["text_sha256"],
            approved_utc=required_dt(r["approved_utc"]),
            approval_line=r["approval_line"],
            entries=tuple(entry_from(e) for e in json.loads(r["entries"])),
            posted_utc=parse_dt(r["posted_utc"]),
        )

    def mark_final_posted(self, meeting_id: int, now: dt.datetime) -> None:
        """The final referat is in Slack: a later click or reply has nothing left to finish."""
        with self._write():
            self.db.execute(
                "update approved_referats set posted_utc = ? where meeting_id = ? and posted_utc is null",
                [iso(now), meeting_id],
            )

    def approvers(self, meeting_id: int) -> list[str]:
        rows = self.db.query(
            "select user_id from approvers where meeting_id = ? order by rowid", [meeting_id]
        )
        return [r["user_id"] for r in rows]

    def set_approvers(
        self, meeting_id: int, user_ids: Sequence[str], *, user_id: str, now: dt.datetime
    ) -> None:
        with self._write():
            before = self.approvers(meeting_id)
            self.db.execute("delete from approvers where meeting_id = ?", [meeting_id])
            self.db.table("approvers").insert_all({"meeting_id": meeting_id, "user_id": u} for u in user_ids)
            self._audit(
                meeting_id, None, user_id, "approvers", json.dumps(before), json.dumps(list(user_ids)), now
            )

    def add_approval(
        self, draft_id: int, user_id: str, now: dt.datetime, *, reservation: str | None = None
    ) -> bool:
        """Record an approval of one exact draft version; False when it was already there as given.

        A reservation given after a plain approval (or a new wording of it) replaces the one stored.
        """
        with self._write():
            cursor = self.db.execute(
                "insert or ignore into approvals (draft_id, user_id, approved_utc, reservation) "
                "values (?, ?, ?, ?)",
                [draft_id, user_id, iso(now), reservation],
            )
            if cursor.rowcount == 1:
                return True
            if reservation is None:
                return False
            cursor = self.db.execute(
                "update approvals set reservation = ? where draft_id = ? and user_id = ? "
                "and reservation is not ?",
                [reservation, draft_id, user_id, reservation],
            )
            return cursor.rowcount == 1

    def approvals(self, draft_id: int) -> list[Approval]:
        rows = self.db.query(
            "select * from approvals where draft_id = ? order by approved_utc, user_id", [draft_id]
        )
        return [
            Approval(
                draft_id=r["draft_id"],
                user_id=r["user_id"],
                approved_utc=required_dt(r["approved_utc"]),
                reservation=r.get("reservation"),
            )
            for r in rows
        ]

    def add_comment(
        self,
        meeting_id: int,
        *,
        draft_version: int,
        user_id: str,
        text: str,
        ts: str | None,
        now: dt.datetime,
    ) -> Comment:
        with self._write():
            comment_id = primary_key(
                self.db.table("comments")
                .insert(
                    {
                        "meeting_id": meeting_id,
                        "draft_version": draft_version,
                        "user_id": user_id,
                        "text": text,
                        "ts": ts,
                        "created_utc": iso(now),
                    }
                )
                .last_pk
            )
        return Comment(
            id=comment_id,
            meeting_id=meeting_id,
            draft_version=draft_version,
            user_id=user_id,
            text=text,
            ts=ts,
            created_utc=now,
        )

    def comments(self, meeting_id: int) -> list[Comment]:
        rows = self.db.query("select * from comments where meeting_id = ? order by id", [meeting_id])
        return [
            Comment(
                id=r["id"],
                meeting_id=r["meeting_id"],
                draft_version=r["draft_version"],
                user_id=r["user_id"],
                text=r["text"],
                ts=r["ts"],
                created_utc=required_dt(r["created_utc"]),
                handled_utc=parse_dt(r.get("handled_utc")),
            )
            for r in rows
        ]

    def comment(self, comment_id: int) -> Comment | None:
        rows = list(self.db.query("select meeting_id from comments where id = ?", [comment_id]))
        if not rows:
            return None
        return next((c for c in self.comments(rows[0]["meeting_id"]) if c.id == comment_id), None)

    def mark_comment_handled(
        self, meeting_id: int, comment_id: int, *, user_id: str, now: dt.datetime
    ) -> bool:
        """Close a comment; False when it was already handled (nothing written)."""
        with self._write():
            cursor = self.db.execute(
                "update comments set handled_utc = ?, handled_by = ? where id = ? and meeting_id = ? "
                "and handled_utc is null",
                [iso(now), user_id, comment_id, meeting_id],
            )
            if cursor.rowcount != 1:
                return False
            self._audit(meeting_id, None, user_id, "comment handled", None, str(comment_id), now)
        return True


def _addition(r: dict[str, Any]) -> Addition:
    return Addition(
        id=r["id"],
        meeting_id=r["meeting_id"],
        text=r["text"],
        text_sha256=r["text_sha256"],
        author_user_id=r["author_user_id"],
        created_utc=required_dt(r["created_utc"]),
        approved_utc=parse_dt(r["approved_utc"]),
        paragraph=r["approval_line"],
    )
