"""The channel-scope cache: few Slack look-ups per reader, and decided again when facts change.

Real `Deps` (Slack facts through the WebClient, the scope cache) against the stand-in Slack and a
real store: the look-ups counted are the Web API calls the stand-in records. Who may read what is
decided again after a membership event, a new meeting and an import; and stays decided (no new
look-ups) while nothing changed.
"""

from __future__ import annotations

import datetime as dt
import io
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from slack_sdk import WebClient

from bot.archive.access import InChannel, Privately
from bot.importing.run import import_paths
from bot.slack.context import Deps
from storage.store import Store, StoreOpener
from support.slack_fake import FakeSlack

NOW = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
LOOKUPS = ("users.", "conversations.")


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        fake.add_user("UHELLE", "Helle Kyndesen")
        fake.add_user("UGUEST", "Gitte Gæst", guest=True)
        fake.add_channel("CBOARD", "bestyrelsen", private=True, members=["UHELLE"])
        fake.add_channel("CASK", "spoergsmaal", members=["UHELLE"])
        yield fake


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return StoreOpener(tmp_path / "referat.db")()


def meeting_in(store: Store, channel: str, title: str = "Kredsrådsmøde") -> int:
    meeting = store.create_meeting(
        title=title,
        date=dt.date(2024, 3, 19),
        place=None,
        channel_id=channel,
        starter_user_id="UMINUTES",
        now=NOW,
        team_id="T1",
    )
    return meeting.id


def deps_and_client(slack: FakeSlack, store: Store) -> tuple[Deps, WebClient]:
    deps = Deps(open_store=lambda: store)
    deps.learn_installation("T1", None, "UBOT")  # as Bolt's context tells the app
    return deps, WebClient(token="xoxb-test", base_url=slack.api_url)


def lookups(fake: FakeSlack) -> list[str]:
    return [c.method for c in fake.calls if c.method.startswith(LOOKUPS)]


def channels(deps: Deps, client: WebClient, store: Store, user: str) -> set[str | None]:
    scope = deps.scope(client, store, Privately(user))
    assert scope.channels is not None
    return {channel for _, channel in scope.channels}


def test_a_question_over_60_channels_costs_at_most_four_lookups_and_the_next_none(
    slack: FakeSlack, store: Store
) -> None:
    for n in range(60):
        slack.add_channel(f"C{n:03d}", f"kreds-{n}", private=n % 3 == 0, members=["UHELLE"] if n % 2 else [])
        meeting_in(store, f"C{n:03d}")
    deps, client = deps_and_client(slack, store)
    # A mention in CASK: the thread's scope, then the asker's own.
    in_thread = deps.scope(client, store, InChannel("CASK"))
    own = deps.scope(client, store, Privately("UHELLE"))
    assert len(lookups(slack)) <= 4, lookups(slack)
    readable = {channel for _, channel in own.channels or ()}
    # Public channels, and the private ones Helle is in: never a private one she is not in.
    assert readable == {f"C{n:03d}" for n in range(60) if n % 3 or n % 2}
    assert {channel for _, channel in in_thread.channels or ()} == {f"C{n:03d}" for n in range(60) if n % 3}
    before = len(lookups(slack))
    for _ in range(5):
        deps.scope(client, store, InChannel("CASK"))
        deps.scope(client, store, Privately("UHELLE"))
    assert len(lookups(slack)) == before


def test_a_membership_event_decides_again(slack: FakeSlack, store: Store) -> None:
    meeting_in(store, "CBOARD")
    deps, client = deps_and_client(slack, store)
    assert channels(deps, client, store, "UHELLE") == {"CBOARD"}
    assert channels(deps, client, store, "UGUEST") == set()
    slack.leave("CBOARD", "UHELLE")
    slack.join("CBOARD", "UGUEST")
    deps.membership_changed(store, "CBOARD", "UHELLE")
    deps.membership_changed(store, "CBOARD", "UGUEST")
    assert channels(deps, client, store, "UHELLE") == set()
    assert channels(deps, client, store, "UGUEST") == {"CBOARD"}
    # And a thread answer in the board channel now has a guest among its readers.
    meeting_in(store, "CASK")
    assert deps.scope(client, store, InChannel("CBOARD")).channels == {("T1", "CBOARD")}


def test_a_membership_event_heard_by_another_process_decides_again_here(
    slack: FakeSlack, store: Store, tmp_path: Path
) -> None:
    """Two processes serving one file: Slack sends the event to one, the member asks the other."""
    meeting_in(store, "CBOARD")
    here, client = deps_and_client(slack, store)
    other_store = StoreOpener(tmp_path / "referat.db")()
    other, _ = deps_and_client(slack, other_store)
    assert channels(here, client, store, "UHELLE") == {"CBOARD"}
    assert channels(here, client, store, "UGUEST") == set()
    slack.leave("CBOARD", "UHELLE")
    slack.join("CBOARD", "UGUEST")
    # Slack has changed, but this process has heard nothing yet: it still holds what it was told.
    assert channels(here, client, store, "UHELLE") == {"CBOARD"}
    other.membership_changed(other_store, "CBOARD", "UHELLE")
    other.membership_changed(other_store, "CBOARD", "UGUEST")
    assert channels(here, client, store, "UHELLE") == set()
    assert channels(here, client, store, "UGUEST") == {"CBOARD"}
    # The process that heard the events applies them once: its next questions ask Slack once each.
    assert channels(other, client, other_store, "UHELLE") == set()
    before = len(lookups(slack))
    assert channels(other, client, other_store, "UHELLE") == set()
    assert channels(here, client, store, "UGUEST") == {"CBOARD"}
    assert len(lookups(slack)) == before


def test_an_export_decided_after_another_process_heard_the_event_is_refused(
    slack: FakeSlack, store: Store, tmp_path: Path
) -> None:
    """Not only questions: every decision that asks Slack's facts hears the changes first."""
    board = meeting_in(store, "CBOARD")
    here, client = deps_and_client(slack, store)
    assert here.edition(client, store, Privately("UHELLE"), board) is not None
    slack.leave("CBOARD", "UHELLE")
    assert here.edition(client, store, Privately("UHELLE"), board) is not None  # nothing heard yet
    other_store = StoreOpener(tmp_path / "referat.db")()
    other, _ = deps_and_client(slack, other_store)
    other.membership_changed(other_store, "CBOARD", "UHELLE")
    assert here.edition(client, store, Privately("UHELLE"), board) is None


def test_a_process_that_missed_changes_no_longer_kept_forgets_everything(
    slack: FakeSlack, store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    meeting_in(store, "CBOARD")
    here, client = deps_and_client(slack, store)
    assert channels(here, client, store, "UHELLE") == {"CBOARD"}
    slack.leave("CBOARD", "UHELLE")
    # More changes than are kept, none of them about Helle's board channel: the one that was
    # is no longer in the log, so this process cannot know what it missed and asks Slack again.
    monkeypatch.setattr("storage.membership.KEPT_CHANGES", 3)
    other_store = StoreOpener(tmp_path / "referat.db")()
    other, _ = deps_and_client(slack, other_store)
    other.membership_changed(other_store, "CBOARD", "UHELLE")
    for n in range(5):
        other.membership_changed(other_store, f"CX{n}", "UANDEN")
    assert channels(here, client, store, "UHELLE") == set()


def test_a_new_meeting_in_another_channel_is_decided_at_the_next_question(
    slack: FakeSlack, store: Store
) -> None:
    meeting_in(store, "CBOARD")
    deps, client = deps_and_client(slack, store)
    assert channels(deps, client, store, "UHELLE") == {"CBOARD"}
    assert channels(deps, client, store, "UGUEST") == set()
    meeting_in(store, "CASK")  # public: full members read it, the guest (not in CASK) does not
    assert channels(deps, client, store, "UHELLE") == {"CBOARD", "CASK"}
    assert channels(deps, client, store, "UGUEST") == set()
    meeting_in(store, "CNOWHERE")  # a channel Slack does not describe: nobody reads it
    assert channels(deps, client, store, "UHELLE") == {"CBOARD", "CASK"}


def test_an_import_is_decided_at_the_next_question(slack: FakeSlack, store: Store) -> None:
    meeting_in(store, "CBOARD")
    deps, client = deps_and_client(slack, store)
    assert channels(deps, client, store, "UHELLE") == {"CBOARD"}
    document = next((FIXTURES / "import").glob("*.txt"))
    assert import_paths(store, [document], out=io.StringIO(), err=io.StringIO(), now=NOW) == 0
    # Without a channel: like a public channel of the workspace, so full members only.
    assert channels(deps, client, store, "UHELLE") == {"CBOARD", None}
    assert channels(deps, client, store, "UGUEST") == set()


def test_who_joined_which_channel_is_kept_an_hour_at_most(store: Store) -> None:
    first = store.record_membership_change("T1", "CBOARD", "UHELLE", NOW)
    [change] = store.membership_changes_after(0).changes
    # Kept with its workspace: a channel id of another workspace is another channel.
    assert (change.workspace, change.channel_id, change.user_id) == ("T1", "CBOARD", "UHELLE")
    single = store.record_membership_change(None, "CBOARD", "UHELLE", NOW)
    assert store.membership_changes_after(first).changes[0].workspace is None
    assert single == first + 1
    later = store.record_membership_change("T1", "CASK", "UGUEST", NOW + dt.timedelta(minutes=61))
    news = store.membership_changes_after(0)
    assert [c.seq for c in news.changes] == [later]
    assert not news.complete  # a process that had seen nothing missed Helle's changes
    assert store.membership_changes_after(single).complete  # one that had seen them missed nothing


def test_an_event_that_cannot_be_recorded_still_counts_here(
    slack: FakeSlack, store: Store, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    meeting_in(store, "CBOARD")
    deps, client = deps_and_client(slack, store)
    assert channels(deps, client, store, "UHELLE") == {"CBOARD"}
    slack.leave("CBOARD", "UHELLE")

    def locked(*args: object) -> int:
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(Store, "record_membership_change", locked)
    deps.membership_changed(store, "CBOARD", "UHELLE")  # no error reaches the event's listener
    assert channels(deps, client, store, "UHELLE") == set()
    assert "not recorded for the other processes" in caplog.text
