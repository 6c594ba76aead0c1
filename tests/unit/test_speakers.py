"""Who speaks in a logged statement, and how mentions read in a document: plain tables."""

from __future__ import annotations

import pytest

from bot.meeting.speakers import resolve_speakers
from bot.text.people import Person, find_subject, label, people_of, render_mentions, with_referent
from storage.records import Participant


def _person(
    pid: int, name: str, title: str | None, user: str | None = None, absent: bool = False
) -> Participant:
    return Participant(pid, 1, name, title, "politiet", absent, slack_user_id=user)


PEOPLE = (
    _person(1, "Helle Kyndesen", "Politidirektør", "UHELLE"),
    _person(2, "Helle Støve", "Direktør for Børn og Unge"),
    _person(3, "Lars Møller", "Kommunaldirektør", "ULARS"),
    _person(4, "Lars Møller Jensen", "Konsulent"),
    _person(5, "H.C. Østerby", "Borgmester"),
    _person(6, "Lars Kirkegaard", "Afdelingschef for Politiets Administrative Center"),
    _person(7, "Camilla Hermann Slumstrup", "Juridisk konsulent", "UCAMILLA"),
    _person(8, "Claus Nørgaard", "Stabschef", "UCLAUS", absent=True),
    _person(9, "Claus Hilborg", "Chefpolitiinspektør", "UHILBORG"),
    _person(10, "Frederik Sundtoft", "Vicepolitiinspektør, fg., Holstebro-Thisted Lokalpoliti"),
    _person(11, "Anders Debel", "Direktør for Teknik og Miljø"),
    _person(12, "Kåre Skjæveland", "Konsulent"),
)
MINUTE_TAKER = "UCAMILLA"


@pytest.mark.parametrize(
    ("text", "sender", "expected", "named"),
    [
        # Named at the start: a name, with or without a title, in any case.
        ("Helle Kyndesen orienterede om status.", MINUTE_TAKER, (1,), True),
        ("helle kyndesen orienterede om status.", MINUTE_TAKER, (1,), True),
        ("Politidirektør Helle Kyndesen orienterede om flerårsaftalen.", MINUTE_TAKER, (1,), True),
        ("Direktør for Børn og unge, Helle Støve, oplyste, at kommunen bakker op.", MINUTE_TAKER, (2,), True),
        ("Afdelingsleder Lars Kirkegaard orienterede.", None, (6,), True),
        ("Borgmester H.C. Østerby takkede for mødet.", None, (5,), True),
        ("Lars Møller Jensen oplyste, at …", "ULARS", (4,), True),
        ("Lars Møller oplyste, at …", None, (3,), True),
        ("Helle\u00a0Kyndesen orienterede.", None, (1,), True),
        ("- Helle Kyndesen orienterede.", None, (1,), True),
        # A mention of a linked participant.
        ("<@UHELLE> orienterede om status.", MINUTE_TAKER, (1,), True),
        ("<@UHELLE|helle> orienterede om status.", MINUTE_TAKER, (1,), True),
        # Several speakers share a line: all of them, in order.
        (
            "Claus Hilborg og Frederik Sundtoft orienterede om kriminalitetsbilledet.",
            MINUTE_TAKER,
            (9, 10),
            True,
        ),
        ("Helle Kyndesen, Claus Hilborg og Lars Møller drøftede sagen.", "ULARS", (1, 9, 3), True),
        ("<@UHELLE> og <@UHILBORG> orienterede.", MINUTE_TAKER, (1, 9), True),
        ("Borgmesteren og kommunaldirektøren takkede.", MINUTE_TAKER, (5, 3), True),
        # A title or role alone names the one present participant who holds it, definite form too.
        ("Kommunaldirektøren orienterede om budgettet.", MINUTE_TAKER, (3,), True),
        ("Borgmesteren takkede for mødet.", MINUTE_TAKER, (5,), True),
        ("politidirektøren oplyste, at …", "ULARS", (1,), True),
        ("Politidirektør oplyste, at …", "ULARS", (1,), True),
        ("Vicepolitiinspektøren orienterede.", MINUTE_TAKER, (10,), True),
        ("Direktøren for Børn og Unge oplyste, at …", MINUTE_TAKER, (2,), True),
        ("Referenten bemærkede, at …", "ULARS", (7,), True),
        # Held by two (Konsulent), or matching two titles (Direktør …): names nobody; the rule goes on.
        ("Konsulenten oplyste, at …", "ULARS", (3,), False),
        ("Direktøren orienterede.", MINUTE_TAKER, (), False),
        # Held only by someone absent.
        ("Stabschefen orienterede.", MINUTE_TAKER, (), False),
        # The minute-taker's own unnamed line is the meeting's narrative: nobody speaks.
        ("De forskellige indsatser i Trekanten blev drøftet.", MINUTE_TAKER, (), False),
        ("Intet at bemærke.", MINUTE_TAKER, (), False),
        ("Helle Kyndesens forslag blev drøftet.", MINUTE_TAKER, (), False),
        # Any other participant's unnamed line is theirs.
        ("Der var enighed om, at Helle Kyndesen skal orientere.", "ULARS", (3,), False),
        ("Orienterede om status.", "UHELLE", (1,), False),
        ("<@UOTHER> orienterede.", "ULARS", (3,), False),
        # An absent participant neither speaks nor sends; strangers are nobody.
        ("Claus Nørgaard orienterede.", "UCLAUS", (), False),
        ("Der var enighed.", "UNKNOWN", (), False),
        ("Der var enighed.", None, (), False),
        ("", "UHELLE", (1,), False),
    ],
)
def test_resolve_speakers(text: str, sender: str | None, expected: tuple[int, ...], named: bool) -> None:
    result = resolve_speakers(text, PEOPLE, sender, MINUTE_TAKER)
    assert result.ids == expected
    assert result.named_in_text is named


def test_the_minute_taker_is_the_referent_whether_or_not_it_was_typed() -> None:
    marked = {p.id: p.role for p in with_referent(PEOPLE, MINUTE_TAKER)}
    assert marked[7] == "referent"
    assert [pid for pid, role in marked.items() if role] == [7]
    assert with_referent(PEOPLE, None) == list(PEOPLE)


def test_a_subject_ends_where_the_sentence_goes_on() -> None:
    text = "Claus Hilborg og Vicepolitiinspektør Frederik Sundtoft orienterede om sager."
    subject = find_subject(text, PEOPLE)
    assert [(r.how, text[r.start : r.end]) for r in subject.refs] == [
        ("name", "Claus Hilborg"),
        ("titled", "Vicepolitiinspektør Frederik Sundtoft"),
    ]
    assert text[subject.end :] == " orienterede om sager."


# ---------------------------------------------------------------- mentions in documents

KNOWN = people_of(PEOPLE, {"UGUEST": "Bo Gæst"})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<@UHELLE> orienterede.", "Politidirektør Helle Kyndesen orienterede."),
        ("Status ved <@UHELLE>.", "Status ved Helle Kyndesen."),
        ("Aftalt. <@ULARS> følger op.", "Aftalt. Kommunaldirektør Lars Møller følger op."),
        ("Spørgsmål?\n<@ULARS> svarede.", "Spørgsmål?\nKommunaldirektør Lars Møller svarede."),
        ("&lt;@UHELLE&gt; orienterede.", "Politidirektør Helle Kyndesen orienterede."),
        ("Tak til &lt;@UHELLE|helle&gt;.", "Tak til Helle Kyndesen."),
        # Someone who is not on the list: the name Slack gave, the label sent with the mention, else a word.
        ("<@UGUEST> deltog.", "Bo Gæst deltog."),
        ("Tak til <@UNOBODY|bo>.", "Tak til bo."),
        ("Tak til <@UNOBODY>.", "Tak til ukendt person."),
        ("Ingen nævnt her.", "Ingen nævnt her."),
        ("e-mail: a@b.dk", "e-mail: a@b.dk"),
    ],
)
def test_render_mentions(text: str, expected: str) -> None:
    rendered = render_mentions(text, KNOWN)
    assert rendered == expected
    assert "<@" not in rendered
    assert "&lt;@" not in rendered


@pytest.mark.parametrize(
    ("person", "expected"),
    [
        (Person("Helle Kyndesen", "Politidirektør"), "Politidirektør Helle Kyndesen"),
        (Person("Helle Støve", "Direktør for Børn og Unge"), "Direktør for Børn og Unge, Helle Støve"),
        (
            Person("Camilla Hermann Slumstrup", "Juridisk konsulent (referent)"),
            "Juridisk konsulent Camilla Hermann Slumstrup",
        ),
        (Person("Bo Gæst"), "Bo Gæst"),
    ],
)
def test_label(person: Person, expected: str) -> None:
    assert label(person.name, person.title) == expected
