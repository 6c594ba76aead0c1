"""Who may see what, over signed HTTP against the stand-in Slack: both sides of every rule.

Workspace T1 has a private board channel (CBOARD: the minute-taker and Helle), a public channel
with a guest and a Slack Connect user from T2 in it (CPUB), and a public channel of full members
only (CFULL). The board decided something about Trekanten; the public meeting has an open item
and a closed item (lukket punkt) with one secret and one public decision. Each person asks by
DM, by mention and with `/referat spørg`; drafts, status, exports and Hent som fil are checked;
forged buttons and an outsider trying to take over the approval are refused.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from bot.slack import ids
from storage.records import MeetingStatus
from support.app import Bot
from support.slack_fake import FakeMessage, FakeSlack
from support.slack_requests import mention_event, message_event

BOARD_DECISION = "Bestyrelsen besluttede at lukke afdelingen i Trekanten."
OPEN_DECISION = "Der var enighed om at fortsætte indsatsen i Trekanten."
SECRET_DECISION = "Medarbejderen i Trekanten blev afskediget."
PUBLIC_DECISION = "Personalesagen i Trekanten er afsluttet."
QUESTION = "hvad blev besluttet om Trekanten?"

_ts = itertools.count(1)


def ts() -> str:
    return f"17000{next(_ts):05d}.000100"


@pytest.fixture
def world(fake: FakeSlack) -> FakeSlack:
    fake.add_user("UGUEST", "Gitte Gæst", guest=True)
    fake.add_user("UEXT", "Erik Ekstern", team_id="T2")
    fake.add_channel("CBOARD", "bestyrelsen", private=True, members=["UMINUTES", "UHELLE"])
    fake.add_channel("CPUB", "kredsraad", members=["UMINUTES", "ULARS", "UGUEST", "UEXT"])
    fake.add_channel("CFULL", "alle", members=["UMINUTES", "ULARS", "UOTHER"])
    for user in ("UMINUTES", "UHELLE", "ULARS", "UGUEST", "UEXT", "UOTHER"):
        fake.add_dm(f"D{user}", user)
    return fake


@pytest.fixture
def meetings(bot: Bot, world: FakeSlack) -> Bot:
    """The board meeting in CBOARD and the public meeting with a closed item in CPUB."""
    run = [
        ("CBOARD", "start Bestyrelsesmøde | 10. marts 2024"),
        ("CBOARD", "deltager <@UHELLE> | Formand"),
        ("CBOARD", "dagsorden\n1. Afdelingen i Trekanten"),
        ("CBOARD", f"ad 1 beslutning: {BOARD_DECISION}"),
        ("CPUB", "start Kredsrådsmøde | 19. marts 2024"),
        ("CPUB", "deltager <@ULARS> | Kommunaldirektør | kommunen"),
        ("CPUB", "dagsorden\n1. Indsatsen i Trekanten\n2. Personalesag i Trekanten (lukket)"),
        ("CPUB", f"ad 1 beslutning: {OPEN_DECISION}"),
        ("CPUB", f"ad 2 beslutning: {SECRET_DECISION}"),
        ("CPUB", f"ad 2 beslutning (offentlig): {PUBLIC_DECISION}"),
    ]
    for channel, text in run:
        answer = bot.cmd(text, channel=channel)
        assert "Kun" not in answer, answer
    return bot


def dm_answer(bot: Bot, fake: FakeSlack, user: str, question: str = QUESTION) -> str:
    channel = f"D{user}"
    before = len(fake.messages(channel))
    event = message_event(question, user=user, channel=channel, ts=ts(), channel_type="im")
    assert bot.sender.event(event).status == 200
    found = fake.wait_for(lambda: fake.messages(channel)[before:])
    return found[0].text


def thread_answer(bot: Bot, fake: FakeSlack, user: str, channel: str, question: str = QUESTION) -> str:
    asked = ts()
    assert bot.sender.event(mention_event(question, user=user, channel=channel, ts=asked)).status == 200
    return fake.wait_for(lambda: fake.thread(channel, asked))[0].text


@pytest.mark.parametrize(
    ("user", "sees", "never"),
    [
        # The minute-taker of both: everything.
        ("UMINUTES", [BOARD_DECISION, OPEN_DECISION, SECRET_DECISION, PUBLIC_DECISION], []),
        # A board member: the board, and the public meeting as a full member, not its closed item.
        ("UHELLE", [BOARD_DECISION, OPEN_DECISION, PUBLIC_DECISION], [SECRET_DECISION]),
        # A participant of the public meeting: its closed item too, never the board.
        ("ULARS", [OPEN_DECISION, SECRET_DECISION, PUBLIC_DECISION], [BOARD_DECISION]),
        # A full member in neither channel: the public meeting's open parts.
        ("UOTHER", [OPEN_DECISION, PUBLIC_DECISION], [BOARD_DECISION, SECRET_DECISION]),
        # The guest and the external user are members of CPUB: its open parts, nothing else.
        ("UGUEST", [OPEN_DECISION, PUBLIC_DECISION], [BOARD_DECISION, SECRET_DECISION]),
        ("UEXT", [OPEN_DECISION, PUBLIC_DECISION], [BOARD_DECISION, SECRET_DECISION]),
    ],
)
def test_a_direct_message_answers_with_the_askers_own_rights(
    meetings: Bot, world: FakeSlack, user: str, sees: list[str], never: list[str]
) -> None:
    answer = dm_answer(meetings, world, user)
    for text in sees:
        assert text in answer, (user, text)
    for text in never:
        assert text not in answer, (user, text)


def test_a_guest_and_an_external_user_do_not_read_public_channels_they_are_not_in(
    meetings: Bot, world: FakeSlack
) -> None:
    # A public meeting in CFULL: full members read it without being in CFULL; guests and
    # users of another organisation only from inside.
    for text in (
        "start Fællesmøde | 1. april 2024",
        "dagsorden\n1. Trekanten",
        "ad 1 beslutning: Fælles linje i Trekanten.",
    ):
        meetings.cmd(text, channel="CFULL")
    assert "Fælles linje" in dm_answer(meetings, world, "UHELLE")
    assert "Fælles linje" not in dm_answer(meetings, world, "UGUEST")
    assert "Fælles linje" not in dm_answer(meetings, world, "UEXT")


def test_a_thread_reply_holds_only_what_every_member_may_read_and_offers_the_rest(
    meetings: Bot, world: FakeSlack
) -> None:
    # CPUB has a guest and an external user: only its own meeting, without the closed item.
    answer = thread_answer(meetings, world, "ULARS", "CPUB")
    assert OPEN_DECISION in answer
    assert PUBLIC_DECISION in answer
    assert SECRET_DECISION not in answer
    assert BOARD_DECISION not in answer
    # Lars may read the closed item: he alone is offered the whole answer by DM.
    offer = world.wait_for(lambda: world.ephemerals("CPUB", "ULARS"))[-1]
    assert "direkte besked" in offer.text
    assert not world.ephemerals("CPUB", "UGUEST")
    button = offer.blocks[-1]["elements"][0]  # type: ignore[index]
    assert button["action_id"] == ids.FULL_ANSWER
    before = len(world.messages("ULARS"))
    click = meetings.sender.action(
        ids.FULL_ANSWER, button["value"], user="ULARS", channel="CPUB", message_ts=ts()
    )
    assert click.status == 200
    full = world.wait_for(lambda: world.messages("ULARS")[before:])[0].text
    assert SECRET_DECISION in full
    assert BOARD_DECISION not in full  # the DM is computed for the clicker, with the clicker's rights


def test_the_offer_button_answers_for_whoever_clicks_it(meetings: Bot, world: FakeSlack) -> None:
    # Forging the offer's button as the guest gives the guest's own answer, nothing more.
    click = meetings.sender.action(ids.FULL_ANSWER, QUESTION, user="UGUEST", channel="CPUB", message_ts=ts())
    assert click.status == 200
    answer = world.wait_for(lambda: world.messages("UGUEST"))[0].text
    assert OPEN_DECISION in answer
    assert SECRET_DECISION not in answer
    assert BOARD_DECISION not in answer


def test_a_channel_of_full_members_sees_public_meetings_but_never_a_private_one(
    meetings: Bot, world: FakeSlack
) -> None:
    answer = thread_answer(meetings, world, "UMINUTES", "CFULL")
    assert OPEN_DECISION in answer
    assert BOARD_DECISION not in answer
    assert SECRET_DECISION not in answer
    board = thread_answer(meetings, world, "UHELLE", "CBOARD")
    assert BOARD_DECISION in board
    assert SECRET_DECISION not in board


def test_referat_spoerg_is_private_and_uses_the_askers_rights(meetings: Bot, world: FakeSlack) -> None:
    assert meetings.cmd(f"spørg {QUESTION}", user="UOTHER", channel="CFULL") == ""
    answer = world.wait_for(lambda: [r for r in world.responses if "Trekanten" in r.text])[-1]
    assert answer.response_type == "ephemeral"
    assert OPEN_DECISION in answer.text
    assert BOARD_DECISION not in answer.text
    assert SECRET_DECISION not in answer.text


def test_no_match_help_never_suggests_words_or_items_from_unreadable_meetings(
    meetings: Bot, world: FakeSlack
) -> None:
    # "afdelingen" is only in the board meeting; "personalesag" only in the closed item's title.
    outsider = dm_answer(meetings, world, "UEXT", "hvad blev besluttet om afdelingerne?")
    assert "Afdelingen i Trekanten" not in outsider
    assert "afdelingen" not in outsider.casefold().replace("afdelingerne", "")
    assert "lukke" not in outsider
    insider = dm_answer(meetings, world, "UHELLE", "hvad blev besluttet om afdelingerne?")
    assert BOARD_DECISION in insider


def test_leaving_the_board_channel_takes_its_minutes_away_at_once(meetings: Bot, world: FakeSlack) -> None:
    assert BOARD_DECISION in dm_answer(meetings, world, "UHELLE")
    world.leave("CBOARD", "UHELLE")
    event = {"type": "member_left_channel", "user": "UHELLE", "channel": "CBOARD", "channel_type": "G"}
    assert meetings.sender.event(event).status == 200
    after = world.wait_for(lambda: BOARD_DECISION not in dm_answer(meetings, world, "UHELLE") or None)
    assert after


def test_leaving_counts_at_once_in_every_process_serving_the_file(meetings: Bot, world: FakeSlack) -> None:
    """Two servers on one database behind a balancer: Slack sends the event to one, Helle asks the other."""
    other = Bot(fake=world, db_path=meetings.db_path, clock=meetings.clock).start()
    try:
        assert BOARD_DECISION in dm_answer(other, world, "UHELLE")
        assert BOARD_DECISION in dm_answer(meetings, world, "UHELLE")
        world.leave("CBOARD", "UHELLE")
        event = {"type": "member_left_channel", "user": "UHELLE", "channel": "CBOARD", "channel_type": "G"}
        assert meetings.sender.event(event).status == 200
        # The event's listener runs after its acknowledgement: wait until it is recorded for the others.
        store = meetings.opener()
        world.wait_for(lambda: store.last_membership_change() or None)
        answer = dm_answer(other, world, "UHELLE")
        assert BOARD_DECISION not in answer
        assert OPEN_DECISION in answer  # what she may still read, she still reads
    finally:
        other.stop()


def test_when_slack_cannot_describe_the_channel_its_meetings_are_not_readable(
    meetings: Bot, world: FakeSlack
) -> None:
    world.add_channel("CBOARD", "bestyrelsen", private=True, members=["UMINUTES", "UHELLE"], bot_member=False)
    event = {"type": "member_left_channel", "user": "UBOT", "channel": "CBOARD", "channel_type": "G"}
    assert meetings.sender.event(event).status == 200
    answer = world.wait_for(
        lambda: (a := dm_answer(meetings, world, "UHELLE")) and BOARD_DECISION not in a and a
    )
    assert OPEN_DECISION in answer


# ------------------------------------------------------------------ drafts, status, exports


def post_draft_in(bot: Bot, fake: FakeSlack, channel: str) -> FakeMessage:
    """`/referat udkast`; the top message once the bot has stored where it was posted."""
    bot.cmd("udkast", channel=channel)
    store = bot.store()

    def posted() -> bool:
        meeting = store.current_meeting(channel)
        draft = store.latest_draft(meeting.id) if meeting else None
        return bool(draft and draft.message_ts)

    fake.wait_for(posted)
    return fake.wait_for(
        lambda: next((m for m in fake.messages(channel) if not m.is_reply and m.blocks), None)
    )


def post_public_draft(bot: Bot, fake: FakeSlack) -> FakeMessage:
    return post_draft_in(bot, fake, "CPUB")


def all_text(fake: FakeSlack, channel: str) -> str:
    return "\n".join(m.text + str(m.blocks) for m in fake.messages(channel))


def test_the_draft_in_the_channel_is_the_public_extract_and_approvers_get_the_full_protocol_by_dm(
    meetings: Bot, world: FakeSlack
) -> None:
    post_public_draft(meetings, world)
    in_channel = all_text(world, "CPUB")
    assert "Punktet blev behandlet for lukkede døre." in in_channel
    assert "Personalesag i Trekanten" in in_channel
    assert PUBLIC_DECISION in in_channel
    assert SECRET_DECISION not in in_channel
    assert SECRET_DECISION not in " ".join(f.text for f in world.files if f.channel == "CPUB")
    # The approvers (Lars, the participant) and the minute-taker each get the full text by DM.
    for user in ("ULARS", "UMINUTES"):
        full = world.wait_for(
            lambda u=user: [m for m in world.messages(f"D{u}") if SECRET_DECISION in m.text]
        )
        assert full
        assert world.wait_for(lambda u=user: [f for f in world.files if f.channel == f"D{u}"])
    assert not [m for m in world.messages("DUGUEST") if SECRET_DECISION in m.text]


def test_hent_som_fil_in_the_channel_gives_the_extract(meetings: Bot, world: FakeSlack) -> None:
    top = post_public_draft(meetings, world)
    draft_id = top.blocks[-1]["elements"][0]["value"]  # type: ignore[index]
    before = len(world.files)
    response = meetings.sender.action(
        ids.DOWNLOAD, draft_id, user="ULARS", channel="CPUB", message_ts=top.ts, message_blocks=top.blocks
    )
    assert response.status == 200
    files = world.wait_for(lambda: [f for f in world.files[before:] if f.channel == "CPUB"])
    text_file = next(f for f in files if f.name.endswith(".txt"))
    assert "Punktet blev behandlet for lukkede døre." in text_file.text
    assert SECRET_DECISION not in text_file.text


def test_status_shows_a_closed_item_only_to_the_participants_and_the_minute_taker(
    meetings: Bot, world: FakeSlack
) -> None:
    assert SECRET_DECISION in meetings.cmd("status", user="ULARS", channel="CPUB")
    assert SECRET_DECISION in meetings.cmd("status", user="UMINUTES", channel="CPUB")
    guest = meetings.cmd("status", user="UGUEST", channel="CPUB")
    assert "Punktet blev behandlet for lukkede døre." in guest
    assert PUBLIC_DECISION in guest
    assert SECRET_DECISION not in guest


def test_eksport_in_the_channel_posts_the_extract(meetings: Bot, world: FakeSlack) -> None:
    assert "som md" in meetings.cmd("eksport md", channel="CPUB")
    posted = world.wait_for(lambda: [f for f in world.files if f.channel == "CPUB"])[-1]
    assert "offentlig" in posted.name
    assert posted.name.endswith(".md")
    assert PUBLIC_DECISION in posted.text
    assert SECRET_DECISION not in posted.text


# ------------------------------------------------------------------ roles and forged payloads


def test_only_the_minute_taker_changes_the_setup_and_only_participants_log(
    meetings: Bot, world: FakeSlack
) -> None:
    store = meetings.store()
    meeting = store.current_meeting("CPUB")
    assert meeting is not None
    before = (store.participants(meeting.id), store.agenda(meeting.id), store.entries(meeting.id))
    for text in (
        "deltager <@UOTHER> | Indtrængende",
        "afbud <@ULARS>",
        "dagsorden\n1. Noget andet",
        "åben 2",
        "lukket 1",
        "godkendere <@UOTHER>",
        "referent <@UOTHER>",
    ):
        refusal = meetings.cmd(text, user="ULARS", channel="CPUB")
        assert refusal.startswith("Kun referenten"), (text, refusal)
    assert meetings.cmd("ad 1 Jeg var her også.", user="UOTHER", channel="CPUB").startswith(
        "Kun mødets deltagere"
    )
    assert meetings.cmd("ad 1 Lars orienterede om status.", user="ULARS", channel="CPUB").startswith("Nr.")
    after = (store.participants(meeting.id), store.agenda(meeting.id), store.entries(meeting.id))
    assert after[:2] == before[:2]
    assert len(after[2]) == len(before[2]) + 1


def test_the_minute_taker_hands_the_role_over(meetings: Bot, world: FakeSlack) -> None:
    assert "er nu referent" in meetings.cmd("referent <@ULARS>", channel="CPUB")
    assert meetings.cmd("lukket 1", channel="CPUB").startswith("Kun referenten")
    assert "er lukket" in meetings.cmd("lukket 1", user="ULARS", channel="CPUB")


def test_a_forged_button_pointing_at_another_meetings_draft_is_refused(
    meetings: Bot, world: FakeSlack
) -> None:
    board_top = post_draft_in(meetings, world, "CBOARD")
    board_draft = board_top.blocks[-1]["elements"][0]["value"]  # type: ignore[index]
    public_top = post_public_draft(meetings, world)
    # Lars clicks Godkend and Hent som fil on the public draft, with the board draft's id in the payload.
    for action in (ids.APPROVE, ids.DOWNLOAD):
        response = meetings.sender.action(
            action,
            board_draft,
            user="ULARS",
            channel="CPUB",
            message_ts=public_top.ts,
            message_blocks=public_top.blocks,
        )
        assert response.status == 200
    refusals = world.wait_for(
        lambda: [e for e in world.ephemerals("CPUB", "ULARS") if "hører ikke til" in e.text]
    )
    assert len(refusals) >= 1
    store = meetings.store()
    assert store.approvals(int(board_draft)) == []
    assert not [f for f in world.files if BOARD_DECISION.encode() in f.content]


def test_an_outsider_cannot_take_over_the_approval(meetings: Bot, world: FakeSlack) -> None:
    top = post_public_draft(meetings, world)
    draft_id = top.blocks[-1]["elements"][0]["value"]  # type: ignore[index]
    assert meetings.cmd("godkendere <@UOTHER>", user="UOTHER", channel="CPUB").startswith("Kun referenten")
    response = meetings.sender.action(
        ids.APPROVE, draft_id, user="UOTHER", channel="CPUB", message_ts=top.ts, message_blocks=top.blocks
    )
    assert response.status == 200
    world.wait_for(lambda: world.ephemerals("CPUB", "UOTHER"))
    store = meetings.store()
    assert store.approvals(int(draft_id)) == []
    meeting = store.current_meeting("CPUB")
    assert meeting is not None
    assert meeting.status is MeetingStatus.OPEN


def test_a_new_approver_set_posts_a_new_version_with_the_change_listed(
    meetings: Bot, world: FakeSlack
) -> None:
    post_public_draft(meetings, world)
    answer = meetings.cmd("godkendere <@ULARS> <@UMINUTES>", channel="CPUB")
    assert "nyt udkast" in answer
    store = meetings.store()
    meeting = store.current_meeting("CPUB")
    assert meeting is not None
    latest = world.wait_for(lambda: (d := store.latest_draft(meeting.id)) and d.version == 2 and d)
    assert latest.approvers == ("ULARS", "UMINUTES")
    top = world.wait_for(lambda: [m for m in world.messages("CPUB") if "Godkendere" in str(m.blocks)])
    assert top


def test_referat_export_public_on_the_command_line(
    meetings: Bot, world: FakeSlack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.cli import main

    monkeypatch.setenv("REFERAT_DB", str(meetings.db_path))
    meeting = meetings.store().current_meeting("CPUB")
    assert meeting is not None
    full, extract = tmp_path / "fuld.txt", tmp_path / "uddrag.txt"
    assert main(["export", "--meeting", str(meeting.id), "--format", "txt", "--out", str(full)]) == 0
    assert (
        main(["export", "--meeting", str(meeting.id), "--format", "txt", "--out", str(extract), "--public"])
        == 0
    )
    assert SECRET_DECISION in full.read_text(encoding="utf-8")
    public = extract.read_text(encoding="utf-8")
    assert SECRET_DECISION not in public
    assert PUBLIC_DECISION in public
    assert "Punktet blev behandlet for lukkede døre." in public
