"""The one subcommand registry, and what a user is told about subcommands.

`SUBCOMMANDS` feeds the parser, the help text and the test that the manual (docs/manual.md) and the Slack manifest list the
same subcommands. A refusal (`CommandError`) carries the subcommand's usage from here; a mistyped word is
answered with the subcommand it most likely meant.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from bot.text.clip import clip
from storage.errors import ReferatError

COMMAND = "/referat"


class CommandError(ReferatError, ValueError):
    """Text the parser cannot use; `message` is the Danish reply for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Subcommand:
    name: str  # the Danish word users type
    aliases: tuple[str, ...]  # the English word and spelling variants (`hjaelp`)
    usage: str  # one or more lines, each a complete `/referat …` form
    summary: str
    example: str


SUBCOMMANDS: tuple[Subcommand, ...] = (
    Subcommand(
        "start",
        ("new",),
        f"{COMMAND} start <titel> | <dato> | <sted>",
        "Start et møde i kanalen. Dato og sted kan udelades; datoen er så i dag.",
        f"{COMMAND} start Kredsrådsmøde i Holstebro Kommune | 19. marts 2024 | rådhuset i Holstebro",
    ),
    Subcommand(
        "deltager",
        ("participant", "deltagere"),
        f"{COMMAND} deltager <navn eller @bruger> | <titel> | <organisation>",
        "Tilføj en deltager. Titel og organisation kan udelades. Initialer i parentes efter navnet, fx (HK), "
        "kan bruges for personen i indlæg og som ansvarlig.",
        f"{COMMAND} deltager @helle Helle Kyndesen (HK) | Politidirektør | politiet",
    ),
    Subcommand(
        "afbud",
        ("absent",),
        f"{COMMAND} afbud <navn eller @bruger> | <titel> | <organisation>",
        "Notér et afbud. Titel og organisation kan udelades.",
        f"{COMMAND} afbud Claus Nørgaard | Stabschef",
    ),
    Subcommand(
        "dagsorden",
        ("agenda",),
        f"{COMMAND} dagsorden\n1. <punkt>\n- <underpunkt>",
        "Sæt dagsordenen: ét punkt pr. linje (1. Titel), underpunkter med -, anden tekst er baggrund.",
        f"{COMMAND} dagsorden\n1. Orientering fra politiet\n- Kriminalitetsudviklingen\n"
        "2. Orientering fra kommunen\n3. Eventuelt",
    ),
    Subcommand(
        "ad",
        (),
        f"{COMMAND} ad <punkt> <tekst>\n"
        f"{COMMAND} ad <punkt> beslutning: <tekst>\n"
        f"{COMMAND} ad <punkt> beslutning (offentlig): <tekst>\n"
        f"{COMMAND} ad <punkt> opgave: <tekst> @ansvarlig frist <dato>",
        "Notér et indlæg, en beslutning eller en opgave under et punkt på dagsordenen; ad 0 er en "
        "indledende bemærkning før punkt 1. Fristen (frist, senest, inden) regnes fra mødets dato: "
        "fredag, 19/3, om 14 dage, ultimo marts, uge 14.",
        f"{COMMAND} ad 1 Politidirektør Helle Kyndesen orienterede om status for flerårsaftalen.",
    ),
    Subcommand(
        "fortryd",
        ("undo",),
        f"{COMMAND} fortryd",
        "Fortryd din seneste notering.",
        f"{COMMAND} fortryd",
    ),
    Subcommand(
        "ret",
        ("edit", "rediger"),
        f"{COMMAND} ret <nr> <ny tekst>\n{COMMAND} ret møde <titel> | <dato> | <sted>",
        "Ret teksten i en notering (numrene står i status), eller mødets titel, dato og sted.",
        f"{COMMAND} ret 12 Der var enighed om at fortsætte samarbejdet.",
    ),
    Subcommand(
        "slet",
        ("delete",),
        f"{COMMAND} slet <nr>",
        "Slet en notering. Numrene står i status.",
        f"{COMMAND} slet 12",
    ),
    Subcommand(
        "fjern",
        ("remove",),
        f"{COMMAND} fjern <navn eller @bruger>",
        "Fjern en deltager eller et afbud, der ikke har noteringer.",
        f"{COMMAND} fjern Claus Nørgaard",
    ),
    Subcommand(
        "aflys",
        ("cancel",),
        f"{COMMAND} aflys",
        "Aflys mødet. Det bliver i arkivet, markeret som aflyst.",
        f"{COMMAND} aflys",
    ),
    Subcommand(
        "behandlet",
        ("handled",),
        f"{COMMAND} behandlet <nr>",
        "Markér en kommentar i udkastets tråd som behandlet. Kommentarernes numre står i status.",
        f"{COMMAND} behandlet 1",
    ),
    Subcommand(
        "lukket",
        ("closed", "luk"),
        f"{COMMAND} lukket <punkt>",
        "Markér et punkt som lukket: kun mødets deltagere og referenten kan læse det, og kun privat.",
        f"{COMMAND} lukket 2",
    ),
    Subcommand(
        "åben",
        ("open", "aaben", "aben", "åbn"),
        f"{COMMAND} åben <punkt>",
        "Gør et lukket punkt åbent igen.",
        f"{COMMAND} åben 2",
    ),
    Subcommand(
        "referent",
        ("minute-taker", "minutetaker"),
        f"{COMMAND} referent @bruger",
        "Giv rollen som referent videre (kun referenten).",
        f"{COMMAND} referent @lars",
    ),
    Subcommand(
        "status",
        (),
        f"{COMMAND} status",
        "Vis mødet: deltagere, dagsorden og noteringer med numre.",
        f"{COMMAND} status",
    ),
    Subcommand(
        "udkast",
        ("draft",),
        f"{COMMAND} udkast",
        "Saml et udkast til referatet.",
        f"{COMMAND} udkast",
    ),
    Subcommand(
        "protokollat",
        ("dissent", "protokol"),
        f"{COMMAND} protokollat <punkt> <tekst>",
        "Få din egen afvigende mening ført til protokol under et punkt (kun for dig selv).",
        f"{COMMAND} protokollat 3 Jeg kan ikke støtte forslaget, fordi det ikke er finansieret.",
    ),
    Subcommand(
        "inhabil",
        ("conflict",),
        f"{COMMAND} inhabil <punkt> <navn eller @bruger>",
        "Notér at en deltager var inhabil og ikke deltog i behandlingen af punktet (referenten).",
        f"{COMMAND} inhabil 4 @lars",
    ),
    Subcommand(
        "fravær",
        ("away", "fravaer", "fravar"),
        f"{COMMAND} fravær <punkt> <navn eller @bruger>",
        "Notér at en deltager ikke deltog under punktet (referenten).",
        f"{COMMAND} fravær 2 Helle Støve",
    ),
    Subcommand(
        "afstemning",
        ("vote", "afstem"),
        f"{COMMAND} afstemning <punkt> <forslag> | for: … | imod: … | undlod: …",
        "Notér en afstemning under et punkt (referenten): hver side som et tal eller navnene (@bruger eller "
        "navn; så er antallet deres), alle eller ingen. Udfaldet er simpelt flertal af de afgivne stemmer; "
        "skriv vedtaget, forkastet eller bortfaldt til sidst, hvis andet gælder.",
        f"{COMMAND} afstemning 3 Forslag om cykelsti langs Storåen | for: 3 | imod: @erik | undlod: Fie Bach",
    ),
    Subcommand(
        "ankommet",
        ("arrived", "ankom"),
        f"{COMMAND} ankommet <punkt> <navn eller @bruger>",
        "Notér at en deltager kom under mødet og deltog fra punktet (referenten).",
        f"{COMMAND} ankommet 2 Bo Lund",
    ),
    Subcommand(
        "gået",
        ("left", "gaaet", "gaet", "gik"),
        f"{COMMAND} gået <punkt> <navn eller @bruger>",
        "Notér at en deltager forlod mødet under punktet (referenten).",
        f"{COMMAND} gået 4 @fie",
    ),
    Subcommand(
        "tilføjelse",
        ("addition", "tilfoejelse", "tilfojelse"),
        f"{COMMAND} tilføjelse <tekst>",
        "Tilføj til et godkendt referat (referenten); godkenderne godkender tilføjelsen i tråden.",
        f"{COMMAND} tilføjelse Under punkt 3 skal der stå 2025, ikke 2024.",
    ),
    Subcommand(
        "godkendere",
        ("approvers",),
        f"{COMMAND} godkendere @bruger @bruger …",
        "Vælg hvem der skal godkende referatet.",
        f"{COMMAND} godkendere @helle @lars",
    ),
    Subcommand(
        "eksport",
        ("export",),
        f"{COMMAND} eksport [md|txt|docx|pdf]\n{COMMAND} eksport aktindsigt <punkt> [md|txt|docx|pdf]",
        "Hent referatet som fil (pdf: PDF/A til arkivering), eller uddraget til aktindsigt af ét punkt: "
        "mødets titel, dato og sted, punktets beslutninger og afstemninger.",
        f"{COMMAND} eksport docx",
    ),
    Subcommand(
        "opgaver",
        ("actions", "tasks"),
        f"{COMMAND} opgaver [@person|mine] [alle]",
        "Vis de åbne opgaver fra kanalens møder, forfaldne først; alle tager de udførte med.",
        f"{COMMAND} opgaver mine",
    ),
    Subcommand(
        "udført",
        ("done", "udfoert", "udfort"),
        f"{COMMAND} udført <nr> [bemærkning]",
        "Markér en opgave som udført (den ansvarlige eller referenten). Numrene står i opgaver.",
        f"{COMMAND} udført 7 Handleplanen er sendt til kredsrådet.",
    ),
    Subcommand(
        "næste",
        ("next", "naeste", "naste"),
        f"{COMMAND} næste [<dato>] [| <sted>]",
        "Start kanalens næste møde ud fra det seneste: samme titel, sted og deltagere, og en dagsorden "
        "med godkendelse af referatet, opfølgning på opgaver og eventuelt.",
        f"{COMMAND} næste 16. april 2024 | rådhuset i Holstebro",
    ),
    Subcommand(
        "spørg",
        ("ask", "spoerg", "sporg"),
        f"{COMMAND} spørg <spørgsmål>",
        "Spørg i arkivet af referater.",
        f"{COMMAND} spørg Hvad blev besluttet om Trekanten i marts 2024?",
    ),
    Subcommand(
        "hjælp",
        ("help", "hjaelp", "hjalp", "?"),
        f"{COMMAND} hjælp [kommando]",
        "Vis hjælpen, eller hjælpen til én kommando.",
        f"{COMMAND} hjælp ad",
    ),
)


_BY_WORD: dict[str, Subcommand] = {}
for _sub in SUBCOMMANDS:
    for _word in (_sub.name, *_sub.aliases):
        _BY_WORD[_word.casefold()] = _sub


def subcommand(word: str) -> Subcommand | None:
    """The subcommand a word names (Danish name or alias, any case), if any."""
    return _BY_WORD.get(word.strip().casefold())


_ECHO_LIMIT = 40


def echo(text: str) -> str:
    """The user's own words, quoted back in a reply: printable and short."""
    return clip("".join(ch if ch.isprintable() else " " for ch in text), _ECHO_LIMIT)


def fail(sub: Subcommand, message: str) -> CommandError:
    """A refusal that ends with the subcommand's usage."""
    return CommandError(f"{message}\nBrug: {sub.usage}")


def closest_subcommand(word: str) -> Subcommand | None:
    """The subcommand a mistyped word most likely meant: a prefix first, then spelling."""
    typed = word.casefold()[:30]
    if len(typed) >= 2:
        starts = {_BY_WORD[w] for w in _BY_WORD if w.startswith(typed)}
        if len(starts) == 1:
            return starts.pop()
        within = [w for w in _BY_WORD if typed.startswith(w) and len(w) >= 2]
        if within:
            return _BY_WORD[max(within, key=len)]
    close = difflib.get_close_matches(typed, list(_BY_WORD), n=1, cutoff=0.6)
    return _BY_WORD[close[0]] if close else None


def unknown_subcommand(word: str) -> CommandError:
    guess = closest_subcommand(word)
    names = ", ".join(s.name for s in SUBCOMMANDS)
    if guess is None:
        return CommandError(
            f'Kender ikke kommandoen "{echo(word)}". Kommandoerne er: {names}.\n'
            f"Skriv {COMMAND} hjælp for at se hvordan de bruges."
        )
    return CommandError(
        f'Kender ikke kommandoen "{echo(word)}". Mente du {guess.name}?\n'
        f"Brug: {guess.usage}\nSkriv {COMMAND} hjælp for alle kommandoer."
    )


def help_text(topic: str | None = None) -> str:
    """Danish help: every subcommand's usage and summary, or one subcommand with an example."""
    if topic is not None and topic.strip():
        sub = subcommand(topic.strip().split()[0].removeprefix(COMMAND))
        if sub is not None:
            also = f"\nSkrives også: {', '.join(sub.aliases)}" if sub.aliases else ""
            return f"{sub.usage}\n{sub.summary}\nEksempel:\n{sub.example}{also}"
        prefix = f'Der er ingen hjælp til "{echo(topic)}".\n\n'
    else:
        prefix = ""
    lines = [f"{prefix}Sådan bruger du {COMMAND}:"]
    for sub in SUBCOMMANDS:
        lines.append("")
        lines.append(sub.usage)
        lines.append(f"    {sub.summary}")
    lines.append("")
    lines.append(f"Skriv {COMMAND} hjælp <kommando> for et eksempel.")
    return "\n".join(lines)
