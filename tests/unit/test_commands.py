"""The `/referat` text parser: every subcommand, every refusal, suggestions, speakers and help."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.meeting.parse import (
    SUBCOMMANDS,
    AddAbsent,
    AddParticipant,
    AgendaItemSpec,
    Ask,
    Command,
    CommandError,
    CompileDraft,
    DeleteEntry,
    EditEntry,
    Export,
    LogEntry,
    SetAgenda,
    SetApprovers,
    ShowHelp,
    ShowStatus,
    StartMeeting,
    Subcommand,
    Undo,
    closest_subcommand,
    help_text,
    normalise_organisation,
    parse_command,
    subcommand,
    unknown_item_message,
)
from bot.text.dates import TZ
from storage.records import EntryKind
from support.paths import REFERENCE

NOW = dt.datetime(2026, 11, 27, 12, 0, tzinfo=TZ)
TODAY = dt.date(2026, 11, 27)
S, D, A = EntryKind.STATEMENT, EntryKind.DECISION, EntryKind.ACTION


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # start [new]
        (
            "start Kredsrådsmøde i Holstebro Kommune | 19. marts 2024 | rådhuset i Holstebro",
            StartMeeting(
                "Kredsrådsmøde i Holstebro Kommune", dt.date(2024, 3, 19), True, "rådhuset i Holstebro"
            ),
        ),
        ("start Kredsrådsmøde", StartMeeting("Kredsrådsmøde", TODAY, False, None)),
        ("START  Kredsrådsmøde  |  | ", StartMeeting("Kredsrådsmøde", TODAY, False, None)),
        (
            "new Council meeting | i morgen",
            StartMeeting("Council meeting", dt.date(2026, 11, 28), True, None),
        ),
        (
            "start Møde | 19.03.2024 | på rådhuset",
            StartMeeting("Møde", dt.date(2024, 3, 19), True, "rådhuset"),
        ),
        (
            "start Møde | tirsdag den 19. marts 2024 kl. 14.00-16.00 | Rådhuset",
            StartMeeting("Møde", dt.date(2024, 3, 19), True, "Rådhuset", "kl. 14.00-16.00"),
        ),
        ("start Møde | kl. 10", StartMeeting("Møde", TODAY, False, None, "kl. 10")),
        # deltager [participant]
        (
            "deltager <@U123ABC> Helle Kyndesen | Politidirektør | politiet",
            AddParticipant("Helle Kyndesen", "U123ABC", "Politidirektør", "politiet"),
        ),
        (
            "deltager <@U123ABC|helle> | Politidirektør | Fra Politiet:",
            AddParticipant(None, "U123ABC", "Politidirektør", "politiet"),
        ),
        (
            "deltager Helle Kyndesen <@U123ABC> | Politidirektør",
            AddParticipant("Helle Kyndesen", "U123ABC", "Politidirektør", None),
        ),
        (
            "participant Lars Møller | Kommunaldirektør | fra kommunen",
            AddParticipant("Lars Møller", None, "Kommunaldirektør", "kommunen"),
        ),
        (
            "deltager Frederik Sundtoft | Vicepolitiinspektør, fg., Holstebro-Thisted Lokalpoliti | politiet",
            AddParticipant(
                "Frederik Sundtoft",
                None,
                "Vicepolitiinspektør, fg., Holstebro-Thisted Lokalpoliti",
                "politiet",
            ),
        ),
        ("deltager H.C. Østerby", AddParticipant("H.C. Østerby", None, None, None)),
        ("Deltagere <@U1>", AddParticipant(None, "U1", None, None)),
        # afbud [absent]
        ("afbud Claus Nørgaard | Stabschef", AddAbsent("Claus Nørgaard", None, "Stabschef")),
        ("absent <@U9> | Stabschef | Politiet", AddAbsent(None, "U9", "Stabschef", "politiet")),
        # ad
        (
            "ad 3 Der var enighed om at fortsætte det gode samarbejde.",
            LogEntry(3, S, "Der var enighed om at fortsætte det gode samarbejde."),
        ),
        ("ad 3: tekst", LogEntry(3, S, "tekst")),
        ("ad. 3 tekst", LogEntry(3, S, "tekst")),
        ("Ad 3 - tekst", LogEntry(3, S, "tekst")),
        ("Ad 2 – tekst", LogEntry(2, S, "tekst")),
        ("AD 12 tekst", LogEntry(12, S, "tekst")),
        ("ad3 tekst", LogEntry(3, S, "tekst")),
        ("ad pkt. 4 tekst", LogEntry(4, S, "tekst")),
        ("ad 3\nFørste linje.\nAnden linje.", LogEntry(3, S, "Første linje.\nAnden linje.")),
        ("ad 1 <@U1> orienterede om status.", LogEntry(1, S, "<@U1> orienterede om status.")),
        # What is not a reading to propose is taken as typed.
        ("deltager Lars Mester |", AddParticipant("Lars Mester", None, None, None)),
        ("deltager Helle Kyndesen", AddParticipant("Helle Kyndesen", None, None, None)),
        ("start Budget 2025 | 19. marts 2024", StartMeeting("Budget 2025", dt.date(2024, 3, 19), True, None)),
        ("ad 1 Ole Kirk-fonden har 10-årig indsats", LogEntry(1, S, "Ole Kirk-fonden har 10-årig indsats")),
        ("ad 3 beslutning: Der var enighed", LogEntry(3, D, "Der var enighed")),
        ("ad 3 Beslutning : Der var enighed", LogEntry(3, D, "Der var enighed")),
        ("ad 3 decision: Agreed", LogEntry(3, D, "Agreed")),
        (
            "ad 2 opgave: Send materialet <@U2|lars> frist 1. april 2027",
            LogEntry(2, A, "Send materialet", "U2", "lars", "1. april 2027"),
        ),
        (
            "ad 2 opgave: Send materialet frist 15.01.2027 ansvarlig: Lars Møller",
            LogEntry(2, A, "Send materialet", None, "Lars Møller", "15.01.2027"),
        ),
        (
            "ad 2 opgave: Send materialet, ansvarlig <@U2> Lars Møller, frist i morgen",
            LogEntry(2, A, "Send materialet", "U2", "Lars Møller", "i morgen"),
        ),
        (
            "ad 2 action: Send slides due tomorrow <@U3>",
            LogEntry(2, A, "Send slides", "U3", None, "tomorrow"),
        ),
        # The deadline's words are kept for the handler, which reads them from the meeting's date.
        ("ad 2 opgave: Svar frist 1. november", LogEntry(2, A, "Svar", due_text="1. november")),
        ("ad 2 opgave: Svar senest fredag.", LogEntry(2, A, "Svar", due_text="fredag")),
        ("ad 2 opgave: Svar inden for 14 dage", LogEntry(2, A, "Svar", due_text="for 14 dage")),
        ("ad 2 opgave Svar by Friday", LogEntry(2, A, "Svar", due_text="Friday")),
        ("ad 2 action Reply due next Friday", LogEntry(2, A, "Reply", due_text="next Friday")),
        ("ad 2 beslutning Der var enighed", LogEntry(2, D, "Der var enighed")),
        ("ad 2 Opgaven blev drøftet", LogEntry(2, S, "Opgaven blev drøftet")),
        (
            "ad 0 Helle Kyndesen takkede indledningsvist.",
            LogEntry(0, S, "Helle Kyndesen takkede indledningsvist."),
        ),
        ("ad 2 opgave: <@U4> ringer til kommunen", LogEntry(2, A, "ringer til kommunen", "U4")),
        ("ad 2 opgave: Send til <@U5> og kommunen", LogEntry(2, A, "Send til <@U5> og kommunen")),
        # A deadline word followed by words that are no date: kept for the handler to refuse.
        ("ad 2 opgave: Overhold frist for ansøgning", LogEntry(2, A, "Overhold", due_text="for ansøgning")),
        ("ad 2 opgave: Undersøg fristen", LogEntry(2, A, "Undersøg fristen")),
        # the rest
        ("fortryd", Undo()),
        ("undo", Undo()),
        ("Fortryd.", Undo()),
        ("ret 12 Ny tekst", EditEntry(12, "Ny tekst")),
        ("ret #12 Ny tekst", EditEntry(12, "Ny tekst")),
        ("edit 12: Ny\ntekst", EditEntry(12, "Ny\ntekst")),
        ("slet 12", DeleteEntry(12)),
        ("slet #12", DeleteEntry(12)),
        ("delete 3", DeleteEntry(3)),
        ("status", ShowStatus()),
        ("STATUS", ShowStatus()),
        ("udkast", CompileDraft()),
        ("draft", CompileDraft()),
        ("", ShowHelp(None)),
        ("   \n ", ShowHelp(None)),
        ("hjælp", ShowHelp(None)),
        ("hjaelp", ShowHelp(None)),
        ("help", ShowHelp(None)),
        ("?", ShowHelp(None)),
        ("hjælp ad", ShowHelp("ad")),
        ("help agenda", ShowHelp("dagsorden")),
        ("hjælp foo", ShowHelp("foo")),
        ("godkendere <@U1> <@U2|lars>, <@U1> og <@U3>", SetApprovers(("U1", "U2", "U3"))),
        ("approvers <@U1>", SetApprovers(("U1",))),
        ("spørg Hvad blev besluttet om Trekanten?", Ask("Hvad blev besluttet om Trekanten?")),
        ("ask What was decided?", Ask("What was decided?")),
        ("spoerg hvem?", Ask("hvem?")),
        ("eksport", Export(None)),
        ("eksport docx", Export("docx")),
        ("export MD", Export("md")),
        ("eksport tekst", Export("txt")),
        ("eksport word", Export("docx")),
        ("eksport PDF", Export("pdf")),
    ],
)
def test_parse_command(text: str, expected: Command) -> None:
    assert parse_command(text, now=NOW) == expected


REFERENCE_AGENDA = """dagsorden
1. Orientering fra politiet

- Status på projektet "En barndom uden vold i familien", herunder læringspunkter og nye tiltag, som kan \
styrke samarbejdet om forebyggelse af vold i familier med børn.
- Status på samarbejdet med Bo Trygt om forebyggelse af indbrud, herunder initiativer og indsatser, som \
kan nedbringe antallet af indbrud i politikredsen.
- Kriminalitetsudviklingen i Holstebro Kommune

2. Orientering fra kommunen

3. Status på punkter i samarbejdsplanen:

- Indsats for borgere med psykiske lidelser
- Indsats i boligområdet Trekanten
- Indsats i særligt udpegede områder



4. Drøftelse af mulige prioriterede indsatsområder i samarbejdsplanen for 2025

Indsatsen i forhold til psykisk syge og psykisk sårbare har i 2023 og 2024 været et særligt prioriteret \
indsatsområde i Kredsrådets samarbejdsplan.
På det fælles kredsrådsmøde i efteråret 2024 skal der vælges et nyt prioriteret indsatsområde gældende \
for samarbejdsplanen 2025.

Der ønskes derfor allerede nu en drøftelse af mulige forslag til prioriterede indsatsområder.

5. Eventuelt
"""


def test_reference_agenda() -> None:
    command = parse_command(REFERENCE_AGENDA, now=NOW)
    assert isinstance(command, SetAgenda)
    assert [(i.number, i.title) for i in command.items] == [
        (1, "Orientering fra politiet"),
        (2, "Orientering fra kommunen"),
        (3, "Status på punkter i samarbejdsplanen"),
        (4, "Drøftelse af mulige prioriterede indsatsområder i samarbejdsplanen for 2025"),
        (5, "Eventuelt"),
    ]
    first, _, third, fourth, fifth = command.items
    assert len(first.bullets) == 3
    assert first.bullets[1].startswith("Status på samarbejdet med Bo Trygt")
    assert first.bullets[2] == "Kriminalitetsudviklingen i Holstebro Kommune"
    assert third.bullets == (
        "Indsats for borgere med psykiske lidelser",
        "Indsats i boligområdet Trekanten",
        "Indsats i særligt udpegede områder",
    )
    # Consecutive lines form one paragraph; a blank line starts the next.
    assert len(fourth.background) == 2
    assert fourth.background[0].startswith("Indsatsen i forhold til psykisk syge")
    assert "samarbejdsplan. På det fælles kredsrådsmøde" in fourth.background[0]
    assert fourth.background[1].startswith("Der ønskes derfor")
    assert fourth.bullets == ()
    assert fifth == AgendaItemSpec(5, "Eventuelt")


def test_reference_agenda_matches_the_reference_document() -> None:
    agenda = REFERENCE.read_text(encoding="utf-8").split("Dagsorden:")[1].split("Referat:")[0]
    command = parse_command("dagsorden\n" + agenda, now=NOW)
    assert isinstance(command, SetAgenda)
    assert [i.number for i in command.items] == [1, 2, 3, 4, 5]
    assert [len(i.bullets) for i in command.items] == [3, 0, 3, 0, 0]
    assert len(command.items[3].background) == 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("dagsorden 1. Velkomst\n2) Eventuelt", ((1, "Velkomst"), (2, "Eventuelt"))),
        ("agenda: \n1. Welcome\n3. Any other business", ((1, "Welcome"), (3, "Any other business"))),
        ("dagsorden\n1. Status\n• første\n* anden\n– tredje", ((1, "Status"),)),
        ("dagsorden\n1.Status:", ((1, "Status"),)),
    ],
)
def test_agenda_forms(text: str, expected: tuple[tuple[int, str], ...]) -> None:
    command = parse_command(text, now=NOW)
    assert isinstance(command, SetAgenda)
    assert tuple((i.number, i.title) for i in command.items) == expected


def test_agenda_bullet_markers() -> None:
    command = parse_command("dagsorden\n1. Status\n• første\n* anden\n– tredje\n-fjerde", now=NOW)
    assert isinstance(command, SetAgenda)
    assert command.items[0].bullets == ("første", "anden", "tredje", "fjerde")


def test_agenda_line_that_starts_with_a_number_is_not_an_item() -> None:
    command = parse_command("dagsorden\n1. Budget\n2025 bliver et stramt år.\n10.000 kr. er afsat.", now=NOW)
    assert isinstance(command, SetAgenda)
    assert command.items[0].background == ("2025 bliver et stramt år. 10.000 kr. er afsat.",)


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        ("start", ["Mødet mangler en titel", "/referat start <titel> | <dato> | <sted>"]),
        ("start | 19. marts 2024", ["Mødet mangler en titel"]),
        ("start Møde | 31. februar 2024", ['Datoen "31. februar 2024" findes ikke', "Brug: /referat start"]),
        ("start Møde | 32.03.2024", ['Datoen "32.03.2024" findes ikke']),
        ("start Møde | blabla", ['Kunne ikke forstå datoen "blabla"', "19.03.2024"]),
        ("start Møde | marts 2024", ["mangler en dag"]),
        ("start Møde | mandag den 19. marts 2024", ["er en tirsdag, ikke en mandag"]),
        ("start a | b | c | d", ["For mange felter", "højst være 3"]),
        ("deltager", ["Skriv personens navn eller @bruger", "/referat deltager"]),
        ("deltager | Politidirektør", ["Skriv personens navn eller @bruger"]),
        ("deltager <@U1> <@U2>", ["én person ad gangen"]),
        ("deltager a | b | c | d", ["For mange felter"]),
        ("afbud", ["Skriv personens navn eller @bruger", "/referat afbud"]),
        ("dagsorden", ["ingen punkter", "1. Orientering fra politiet", "/referat dagsorden"]),
        ("dagsorden\n\n", ["ingen punkter"]),
        ("dagsorden\n- Status\n1. Velkomst", ['Linjen "- Status" står før første punkt']),
        ("dagsorden\nBaggrund først\n1. Velkomst", ['Linjen "Baggrund først" står før første punkt']),
        ("dagsorden\n1. Velkomst\n2. Status\n2. Eventuelt", ["Punkt 2 står to gange"]),
        ("dagsorden\n0. Velkomst", ["Punkt 0", "starter ved 1"]),
        ("dagsorden\n1.\n2. Status", ["Punkt 1 mangler en titel"]),
        ("ad", ["Skriv punktets nummer", "/referat ad <punkt> <tekst>"]),
        # Forgiving, but never silent: the reading it proposes.
        ("2 Helle Kyndesen takkede.", ["Mente du: /referat ad 2 Helle Kyndesen takkede."]),
        ("pkt. 3: Trekanten blev drøftet.", ["Mente du: /referat ad 3 Trekanten blev drøftet."]),
        ("Helle Kyndesen takkede for samarbejdet.", ["Mente du: /referat ad <punkt> Helle Kyndesen takkede"]),
        (
            "start Kredsrådsmøde i Holstebro Kommune 19. marts 2024 rådhuset i Holstebro",
            [
                "Mente du: /referat start Kredsrådsmøde i Holstebro Kommune | 19. marts 2024 | "
                "rådhuset i Holstebro?"
            ],
        ),
        (
            "start Kredsrådsmøde den 19.03.2024 på rådhuset",
            ["Mente du: /referat start Kredsrådsmøde | 19.03.2024 | rådhuset?"],
        ),
        (
            "deltager Helle Kyndesen Politidirektør politiet",
            ["Mente du: /referat deltager Helle Kyndesen | Politidirektør | politiet?"],
        ),
        (
            "deltager Helle Støve Direktør for Børn og Unge kommunen",
            ["Mente du: /referat deltager Helle Støve | Direktør for Børn og Unge | kommunen?"],
        ),
        ("ad 3", ["Mangler teksten til punkt 3"]),
        ("ad 3:", ["Mangler teksten til punkt 3"]),
        ("Ad 3 -", ["Mangler teksten til punkt 3"]),
        ("ad tre Helle orienterede", ['"tre" er ikke et punktnummer', "som et tal"]),
        ("ad Helle orienterede", ['"Helle" er ikke et punktnummer']),
        ("ad 3.5 tekst", ['"3.5" er ikke et helt tal']),
        ("ad 3,5 tekst", ['"3,5" er ikke et helt tal']),
        ("ad 123456789 tekst", ["findes ikke"]),
        ("ad 3 beslutning:", ["Beslutningen til punkt 3 mangler tekst"]),
        ("ad 3 opgave:", ["Opgaven til punkt 3 mangler en beskrivelse"]),
        ("ad 3 opgave: <@U1> frist 1. april 2027", ["Opgaven til punkt 3 mangler en beskrivelse"]),
        ("ad 3 opgave: Send x ansvarlig:", ["Skriv hvem der er ansvarlig"]),
        ("fortryd 3", ['"fortryd" skal ikke have noget efter sig', "/referat slet 3"]),
        ("status nu", ['"status" skal ikke have noget efter sig', "Brug: /referat status"]),
        ("udkast v2", ['"udkast" skal ikke have noget efter sig']),
        ("ret", ["Skriv nummeret på noteringen", "ret 12", "/referat status"]),
        ("ret x ny tekst", ["Skriv nummeret på noteringen"]),
        ("ret 12", ["Skriv den nye tekst efter nummeret 12"]),
        ("ret 0 tekst", ["nummereret fra 1"]),
        ("slet", ["Skriv nummeret på noteringen", "slet 12"]),
        ("slet 12 13", ['Slet tager kun ét nummer, ikke "13"']),
        ("slet 99999999999 ", ["Skriv nummeret på noteringen"]),
        ("godkendere", ["mindst én godkender"]),
        ("godkendere helle", ['"helle" er ikke en Slack-bruger']),
        ("spørg", ["Skriv dit spørgsmål"]),
        ("eksport odt", ['Kan ikke eksportere som "odt"', "md, txt, docx eller pdf"]),
    ],
)
def test_refusals_say_what_is_wrong(text: str, fragments: list[str]) -> None:
    with pytest.raises(CommandError) as caught:
        parse_command(text, now=NOW)
    for fragment in fragments:
        assert fragment in caught.value.message
    assert str(caught.value) == caught.value.message


@pytest.mark.parametrize(
    ("text", "suggested"),
    [
        ("stat", "status"),
        ("statsu", "status"),
        ("adx 3", "ad"),
        ("startt Møde", "start"),
        ("deltger Helle", "deltager"),
        ("dagsordne", "dagsorden"),
        ("afbu Claus", "afbud"),
        ("fortry", "fortryd"),
        ("godkend <@U1>", "godkendere"),
        ("partcipant Helle", "deltager"),
        ("agend", "dagsorden"),
        ("exprt", "eksport"),
        ("hlp", "hjælp"),
        ("spørgsmål hvad?", "spørg"),
    ],
)
def test_unknown_words_suggest_the_closest_usage(text: str, suggested: str) -> None:
    sub = subcommand(suggested)
    assert sub is not None
    with pytest.raises(CommandError) as caught:
        parse_command(text, now=NOW)
    assert f"Mente du {suggested}?" in caught.value.message
    assert sub.usage in caught.value.message


@pytest.mark.parametrize("text", ["xyzzy", "123", "<@U1> orienterede", "#12"])
def test_unknown_without_suggestion_lists_all_commands(text: str) -> None:
    with pytest.raises(CommandError) as caught:
        parse_command(text, now=NOW)
    assert "Kender ikke kommandoen" in caught.value.message
    for sub in SUBCOMMANDS:
        assert sub.name in caught.value.message


def test_closest_subcommand_on_nothing_close() -> None:
    assert closest_subcommand("zzzzzzzz") is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("kommunen", "kommunen"),
        ("Kommunen", "kommunen"),
        ("Fra kommunen:", "kommunen"),
        ("fra Kommunen:", "kommunen"),
        ("  Politiet ", "politiet"),
        ("Regionen", "regionen"),
        ("Anklagemyndigheden", "anklagemyndigheden"),
        ("Holstebro Kommune", "Holstebro Kommune"),
        ("Midt- og Vestjyllands Politi", "Midt- og Vestjyllands Politi"),
        ("SSP", "SSP"),
        ("Holstebro", "Holstebro"),
        ("fra :", None),
        ("", None),
        (None, None),
    ],
)
def test_normalise_organisation(raw: str | None, expected: str | None) -> None:
    assert normalise_organisation(raw) == expected


def test_unknown_item_message_lists_the_agenda() -> None:
    message = unknown_item_message(7, [(2, "Orientering fra kommunen"), (1, "Orientering fra politiet")])
    assert message.startswith("Punkt 7 findes ikke på dagsordenen")
    assert message.index("1. Orientering fra politiet") < message.index("2. Orientering fra kommunen")


def test_unknown_item_message_without_agenda() -> None:
    message = unknown_item_message(1, [])
    assert "Punkt 1 findes ikke" in message
    assert "/referat dagsorden" in message


# ---------------------------------------------------------------- speakers


# ---------------------------------------------------------------- registry and help


def test_registry_words_are_unique_and_all_parse() -> None:
    words = [w.casefold() for s in SUBCOMMANDS for w in (s.name, *s.aliases)]
    assert len(words) == len(set(words))
    for sub in SUBCOMMANDS:
        assert sub.usage.startswith(f"/referat {sub.name}")
        for word in (sub.name, *sub.aliases):
            assert subcommand(word.upper()) is sub
            assert parse_command(f"hjælp {word}", now=NOW) == ShowHelp(sub.name)


@pytest.mark.parametrize("sub", SUBCOMMANDS, ids=lambda s: s.name)
def test_every_example_parses(sub: Subcommand) -> None:
    text = sub.example.removeprefix("/referat").replace("@helle", "<@UHELLE>").replace("@lars", "<@ULARS>")
    parse_command(text, now=NOW)


@pytest.mark.parametrize(
    ("word", "english"),
    [
        ("start", "new"),
        ("deltager", "participant"),
        ("afbud", "absent"),
        ("dagsorden", "agenda"),
        ("fortryd", "undo"),
        ("ret", "edit"),
        ("slet", "delete"),
        ("udkast", "draft"),
        ("godkendere", "approvers"),
        ("eksport", "export"),
        ("spørg", "ask"),
        ("hjælp", "help"),
    ],
)
def test_english_aliases(word: str, english: str) -> None:
    assert subcommand(english) is subcommand(word)


def test_help_text_lists_every_usage() -> None:
    text = help_text()
    for sub in SUBCOMMANDS:
        assert sub.usage in text
        assert sub.summary in text


def test_help_for_one_subcommand() -> None:
    text = help_text("agenda")
    assert text.startswith("/referat dagsorden")
    assert "Eksempel:" in text
    assert "agenda" in text
    assert "/referat status" not in text


def test_help_for_unknown_topic_gives_everything() -> None:
    text = help_text("foo")
    assert text.startswith('Der er ingen hjælp til "foo"')
    assert all(sub.usage in text for sub in SUBCOMMANDS)


# ---------------------------------------------------------------- properties


def _outcome(text: str) -> Command | str:
    """The command, or the refusal's message; anything but CommandError propagates and fails the test."""
    try:
        return parse_command(text, now=NOW)
    except CommandError as error:
        return error.message


_WORDS = [w for s in SUBCOMMANDS for w in (s.name, *s.aliases)]


@settings(max_examples=400, deadline=None)
@given(text=st.text(max_size=200))
def test_parse_command_raises_only_command_error(text: str) -> None:
    outcome = _outcome(text)
    assert not isinstance(outcome, str) or outcome.strip()


@settings(max_examples=400, deadline=None)
@given(
    word=st.sampled_from(_WORDS),
    rest=st.text(
        alphabet=st.sampled_from(
            list("0123456789 .:|#<>@UW\n\t-–•*,;abfrist ansvarlig opgave: beslutning: æøå\x00\x07")
        ),
        max_size=120,
    ),
)
def test_parse_command_on_subcommand_words_raises_only_command_error(word: str, rest: str) -> None:
    outcome = _outcome(f"{word} {rest}")
    assert not isinstance(outcome, str) or outcome.strip()


@pytest.mark.parametrize(
    "text",
    [
        "ad 3 " + "x" * 50_000,
        "ad " + "9" * 5_000 + " tekst",
        "slet " + "9" * 5_000,
        "dagsorden\n" + "1. a\n" * 2 + "\n" * 10_000,
        "ad 3 opgave: " + "frist " * 2_000,
        "godkendere " + "<@U1> " * 2_000,
        "start " + "|" * 5_000,
        "a" * 100_000,
        "\x00\x01\x02 ad 3",
    ],
)
def test_very_long_or_odd_input(text: str) -> None:
    outcome = _outcome(text)
    assert not isinstance(outcome, str) or len(outcome) < 2_000
