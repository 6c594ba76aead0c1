"""A referat the minute-taker would sign, end to end over signed HTTP against the stand-in Slack.

A meeting held in March 2024 and written up in November 2026: the minute-taker is a participant and
logs the meeting's narrative, two speakers share a line, a title stands alone, mentions start and sit
inside lines, an action is edited, and deadlines are written every supported way. The draft, the
approved text and every export are then checked line by line.
"""

from __future__ import annotations

import html
import io
import re

from docx import Document

from bot.slack import ids
from support.app import Bot
from support.slack_fake import FakeMessage, FakeSlack

PEOPLE = (
    "deltager <@UHELLE> | Politidirektør | politiet",
    "deltager <@UCLAUS|claus> Claus Hilborg | Chefpolitiinspektør | politiet",
    "deltager Frederik Sundtoft | Vicepolitiinspektør, fg., Holstebro-Thisted Lokalpoliti | politiet",
    "deltager <@UMINUTES> | Juridisk konsulent | politiet",
    "deltager <@ULARS> | Kommunaldirektør | kommunen",
    "deltager <@USTOVE> | Direktør for Børn og Unge | kommunen",
    "deltager H.C. Østerby | Borgmester | kommunen",
    "afbud Claus Nørgaard | Stabschef",
)
AGENDA = """dagsorden
1. Orientering fra politiet
- Kriminalitetsudviklingen i Holstebro Kommune
2. Orientering fra kommunen
3. Status på punkter i samarbejdsplanen
- Indsats i boligområdet Trekanten
4. Drøftelse af mulige prioriterede indsatsområder
5. Eventuelt"""

# (who logs it, the text after /referat)
LINES = (
    ("UMINUTES", "ad 0 Helle Kyndesen takkede indledningsvist for det gode samarbejde."),
    ("UMINUTES", "ad 1 <@UHELLE> orienterede om status for den kommende flerårsaftale."),
    (
        "UMINUTES",
        "ad 1 Claus Hilborg og Frederik Sundtoft orienterede om kriminalitetsbilledet i Holstebro kommune.",
    ),
    ("UCLAUS", "ad 1 oplyste, at antallet af indbrud generelt er faldende."),
    ("UMINUTES", "ad 2 Kommunaldirektøren takkede for politiets tjenestevillighed."),
    ("UMINUTES", "ad 2 Borgmesteren orienterede om Holstebros jubilæum, hvor <@USTOVE> står for programmet."),
    (
        "UMINUTES",
        "ad 3 De forskellige indsatser i Trekanten blev drøftet, herunder samarbejdet mellem kommunen og politiet.",
    ),
    ("UMINUTES", "ad 3 beslutning Der var enighed om at fortsætte det gode samarbejde vedrørende området."),
    ("UMINUTES", "ad 3 opgave: Indkald til møde om Trekanten <@ULARS> frist fredag"),
    ("UMINUTES", "ad 3 opgave Send status til <@UHELLE> senest 19/3 ansvarlig: Claus Hilborg"),
    ("UMINUTES", "ad 4 opgave: Foreslå indsatsområder inden næste mandag <@USTOVE>"),
    ("UMINUTES", "ad 4 opgave: Beskriv it-kriminalitet frist på mandag <@UCLAUS>"),
    ("UMINUTES", "ad 4 opgave: Saml forslagene frist om 14 dage <@UMINUTES>"),
    ("UMINUTES", "ad 4 opgave: Send oplæg til kredsrådet frist ultimo marts <@UHELLE>"),
    ("UMINUTES", "ad 4 opgave: Book lokale frist primo april <@ULARS>"),
    ("UMINUTES", "ad 4 action: Share the slides due next Friday <@USTOVE>"),
    ("UMINUTES", "ad 5 Intet at bemærke."),
)

DRAFT_BODY = """\
Referat af kredsrådsmøde i Holstebro Kommune den 19. marts 2024

Mødet blev afholdt på rådhuset i Holstebro

Deltagere:

Fra politiet:

Politidirektør Helle Kyndesen
Chefpolitiinspektør Claus Hilborg
Vicepolitiinspektør, fg., Holstebro-Thisted Lokalpoliti, Frederik Sundtoft
Juridisk konsulent Camilla Hermann Slumstrup (referent)

Fra kommunen:

Kommunaldirektør Lars Møller
Direktør for Børn og Unge, Helle Støve
Borgmester H.C. Østerby

Afbud:

Stabschef Claus Nørgaard

Dagsorden:

1. Orientering fra politiet

- Kriminalitetsudviklingen i Holstebro Kommune

2. Orientering fra kommunen

3. Status på punkter i samarbejdsplanen

- Indsats i boligområdet Trekanten

4. Drøftelse af mulige prioriterede indsatsområder

5. Eventuelt

Referat:

Politidirektør Helle Kyndesen takkede indledningsvist for det gode samarbejde.

Ad 1 – Orientering fra politiet

Politidirektør Helle Kyndesen orienterede om status for den kommende flerårsaftale.

Chefpolitiinspektør Claus Hilborg og Vicepolitiinspektør Frederik Sundtoft orienterede om kriminalitetsbilledet i Holstebro kommune.

Chefpolitiinspektør Claus Hilborg oplyste, at antallet af indbrud generelt er faldende.

Ad 2 – Orientering fra kommunen

Kommunaldirektøren takkede for politiets tjenestevillighed.

Borgmesteren orienterede om Holstebros jubilæum, hvor Helle Støve står for programmet.

Ad 3 – Status på punkter i samarbejdsplanen

De forskellige indsatser i Trekanten blev drøftet, herunder samarbejdet mellem kommunen og politiet.

Der var enighed om at fortsætte det gode samarbejde vedrørende området.

Opfølgning: Indkald til møde om Trekanten – ansvarlig: Claus Hilborg – frist: 5. april 2024

Opfølgning: Send status til Helle Kyndesen – ansvarlig: Claus Hilborg – frist: 19. marts 2024

Ad 4 – Drøftelse af mulige prioriterede indsatsområder

Opfølgning: Foreslå indsatsområder – ansvarlig: Helle Støve – frist: 25. marts 2024

Opfølgning: Beskriv it-kriminalitet – ansvarlig: Claus Hilborg – frist: 25. marts 2024

Opfølgning: Saml forslagene – ansvarlig: Camilla Hermann Slumstrup – frist: 2. april 2024

Opfølgning: Send oplæg til kredsrådet – ansvarlig: Helle Kyndesen – frist: 31. marts 2024

Opfølgning: Book lokale – ansvarlig: Lars Møller – frist: 1. april 2024

Opfølgning: Share the slides – ansvarlig: Helle Støve – frist: 22. marts 2024

Ad 5 – Eventuelt

Intet at bemærke.

Referent: Juridisk konsulent Camilla Hermann Slumstrup
"""

APPROVAL_LINE = "Godkendt 27. november 2026 af Helle Kyndesen"
RAW_MENTION = re.compile(r"<@|&lt;@|<!")


def _log_the_meeting(bot: Bot) -> None:
    started = bot.cmd("start Kredsrådsmøde i Holstebro Kommune | 19. marts 2024 | rådhuset i Holstebro")
    assert "19. marts 2024" in started
    for line in PEOPLE:
        assert bot.cmd(line).startswith(("Tilføjet", "Opdateret")), line
    assert "5. Eventuelt" in bot.cmd(AGENDA)
    for user, line in LINES:
        answer = bot.cmd(line, user=user)
        assert answer.startswith("Nr. "), (line, answer)


def _top_message(fake: FakeSlack, version: int) -> FakeMessage:
    # The bot's report comes once it has stored where the draft was posted: a click before it would
    # find no draft thread.
    fake.wait_for(lambda: [r for r in fake.responses if f"Udkast v{version} " in r.text])

    def top() -> FakeMessage | None:
        return next(
            (
                m
                for m in fake.messages("C1")
                if not m.is_reply and m.blocks and f"v{version}" in str(m.blocks[0])
            ),
            None,
        )

    found = fake.wait_for(top)
    assert found is not None
    return found


def _lines(text: str) -> list[str]:
    return text.rstrip("\n").split("\n")


def test_the_scripted_meeting_gives_a_referat_the_minute_taker_would_sign(bot: Bot, fake: FakeSlack) -> None:
    _log_the_meeting(bot)

    # A deadline that is no date is refused, quoting the words; nothing is stored.
    refused = bot.cmd("ad 4 opgave: Ring til PAC frist næste møde")
    assert 'Kunne ikke læse fristen "næste møde"' in refused
    assert "frist fredag" in refused
    # Editing re-reads: new owner and deadline (week 14 of 2024 ends on Friday 5 April).
    edited = bot.cmd("ret 9 opgave: Indkald til møde om Trekanten <@UCLAUS> frist uge 14")
    assert edited.startswith("Nr. 9 er rettet: Opgave (ansvarlig: Claus Hilborg) (frist: 5. april 2024)")

    status = bot.cmd("status")
    assert (
        "#9 [Opgave] Indkald til møde om Trekanten (ansvarlig: Claus Hilborg, frist: 5. april 2024)" in status
    )
    assert (
        "#13 [Opgave] Saml forslagene (ansvarlig: Camilla Hermann Slumstrup, frist: 2. april 2024)" in status
    )
    assert "#3 Claus Hilborg og Frederik Sundtoft: Claus Hilborg og Frederik Sundtoft orienterede" in status
    assert "#5 Lars Møller: Kommunaldirektøren takkede" in status
    # The minute-taker's narrative has no speaker; the title alone named the speaker.
    assert "#7 De forskellige indsatser" in status
    assert "#18" not in status

    store = bot.store()
    meeting = store.current_meeting("C1")
    assert meeting is not None
    by_seq = {e.seq: e for e in store.entries(meeting.id)}
    names = {p.id: p.name for p in store.participants(meeting.id)}
    assert [names[i] for i in by_seq[3].speaker_ids] == ["Claus Hilborg", "Frederik Sundtoft"]
    assert [names[i] for i in by_seq[5].speaker_ids] == ["Lars Møller"]
    assert by_seq[7].speaker_ids == ()
    assert (by_seq[9].owner, by_seq[9].owner_user_id, str(by_seq[9].due)) == (
        "Claus Hilborg",
        "UCLAUS",
        "2024-04-05",
    )

    # The draft, as stored and as posted: line by line, and no one is pinged. (Approvers are chosen
    # first: the set is frozen with each posted version.)
    assert bot.cmd("godkendere <@UHELLE>").startswith("Godkendere af referatet:")
    bot.cmd("udkast")
    top = _top_message(fake, 1)
    draft = store.latest_draft(meeting.id)
    assert draft is not None
    assert _lines(draft.text) == _lines("UDKAST – version 1 – 27. november 2026\n\n" + DRAFT_BODY)
    posted = "\n".join([top.text, str(top.blocks)] + [m.text + str(m.blocks) for m in fake.messages("C1")])
    assert not RAW_MENTION.search(posted)
    for line in _lines(DRAFT_BODY):
        if line:
            assert line in posted, line

    # Approved by the one approver: the approved text is the draft with one approval line.
    response = bot.sender.action(
        ids.APPROVE,
        str(top.blocks[-1]["elements"][0]["value"]) if top.blocks else "",
        user="UHELLE",
        channel="C1",
        message_ts=top.ts,
        message_blocks=top.blocks,
    )
    assert response.status == 200
    final = fake.wait_for(lambda: store.approved_referat(meeting.id))
    approved = [*_lines(DRAFT_BODY), "", APPROVAL_LINE]
    assert _lines(final.text) == approved
    assert final.text.count("Godkendt") == 1

    # Every export: text, Markdown and Word, each uploaded in the format its acknowledgement names.
    for fmt in ("txt", "md", "docx"):
        assert f"som {fmt} " in bot.cmd(f"eksport {fmt}")

    def exported() -> dict[str, bytes] | None:
        by_format = {f.name.rsplit(".", 1)[-1]: f.content for f in fake.files}
        return by_format if {"txt", "md", "docx"} <= set(by_format) else None

    files = fake.wait_for(exported)
    assert _lines(files["txt"].decode("utf-8")) == approved
    markdown = files["md"].decode("utf-8")
    assert not RAW_MENTION.search(markdown)
    for line in _lines(DRAFT_BODY):
        if line and not line.endswith(":") and line[0] not in "-0123456789":
            assert line.replace("-", "\\-") in markdown or line in markdown, line
    word = "\n".join(p.text for p in Document(io.BytesIO(files["docx"])).paragraphs)
    assert not RAW_MENTION.search(word)
    for line in _lines(DRAFT_BODY):
        if line.startswith(
            (
                "Politidirektør Helle",
                "Chefpolitiinspektør Claus Hilborg og",
                "Borgmesteren",
                "Opfølgning",
                "Referent",
            )
        ):
            assert line in word, line
    assert APPROVAL_LINE in word


def test_the_setup_is_corrected_person_by_person_and_a_cancelled_meeting_stays_in_the_archive(
    bot: Bot, fake: FakeSlack
) -> None:
    bot.cmd("start Kredsrådsmøde | 19. marts 2024 | rådhuset")
    bot.cmd("deltager <@UHELLE> | Politidirektør | politiet")
    bot.cmd("deltager Helle Støve | Direktør for Børn og Unge | kommunen")
    bot.cmd("afbud Claus Nørgaard | Stabschef")
    bot.cmd("dagsorden\n1. Orientering")

    # A mention matches the Slack user, never a first name: Helle Støve is left alone.
    assert bot.cmd("deltager <@UHELLE> | Politidirektør, Midt- og Vestjylland").startswith("Opdateret")
    store = bot.store()
    meeting = store.current_meeting("C1")
    assert meeting is not None
    people = {p.name: p for p in store.participants(meeting.id)}
    assert people["Helle Kyndesen"].title == "Politidirektør, Midt- og Vestjylland"
    assert people["Helle Kyndesen"].organisation == "politiet"
    assert people["Helle Støve"].title == "Direktør for Børn og Unge"
    assert people["Helle Støve"].slack_user_id is None

    # Someone with entries cannot be removed; an apology without entries can; others may not remove.
    bot.cmd("ad 1 Helle Støve orienterede om skolerne.")
    assert "har noteringer (nr. 1)" in bot.cmd("fjern Helle Støve")
    assert "står ikke på listen" in bot.cmd("fjern Helle")
    assert "Kun referenten" in bot.cmd("fjern Claus Nørgaard", user="UHELLE")
    assert bot.cmd("fjern Claus Nørgaard") == "Fjernet fra afbud: Stabschef Claus Nørgaard"
    assert "Claus Nørgaard" not in [p.name for p in store.participants(meeting.id)]

    # The meeting's frame is corrected; a date that is no date changes nothing.
    refused = html.unescape(bot.cmd("ret møde Kredsrådsmøde | 31. februar 2024"))
    assert 'Datoen "31. februar 2024" findes ikke' in refused
    assert "/referat ret møde <titel> | <dato> | <sted>" in refused
    assert store.meeting(meeting.id) == meeting
    answer = bot.cmd("ret møde Kredsrådsmøde i Holstebro Kommune | 20. marts 2024 | rådhuset i Holstebro")
    assert (
        answer
        == "Mødet er rettet: Kredsrådsmøde i Holstebro Kommune\nDato: 20. marts 2024\nSted: rådhuset i Holstebro"
    )
    changed = store.meeting(meeting.id)
    assert changed is not None
    assert (changed.title, str(changed.date), changed.place) == (
        "Kredsrådsmøde i Holstebro Kommune",
        "2024-03-20",
        "rådhuset i Holstebro",
    )

    # Cancelled: kept, marked, and closed to changes; a new meeting can start in the channel.
    assert "Kun referenten" in bot.cmd("aflys", user="UHELLE")
    assert bot.cmd("aflys").startswith("Mødet er aflyst: Kredsrådsmøde i Holstebro Kommune, 20. marts 2024.")
    assert "er aflyst og kan ikke ændres" in bot.cmd("ad 1 Noget mere.")
    assert "er aflyst" in bot.cmd("udkast")
    assert "(aflyst)" in bot.cmd("status")
    assert [e.text for e in store.entries(meeting.id)] == ["Helle Støve orienterede om skolerne."]
    assert bot.cmd("start Nyt møde | 1. april 2024").startswith("Mødet er startet")
