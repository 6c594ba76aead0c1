"""The `referat` command: serve, console, import, ask, export, meetings, verify — one function each.

Every user error ends with a Danish message on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import logging
import re
import stat
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from bot.config import ConfigError, Settings
from bot.database import DatabaseUnusable, open_database
from bot.logs import configure as configure_logging
from bot.referat.formats import CHOOSE_FORMAT, FORMATS
from bot.text import argparse_da
from bot.text.hygiene import escape_controls
from bot.text.sizes import question_too_long
from storage.records import utc_clock

if TYPE_CHECKING:
    from bot.archive.verify import Verification
    from storage.store import Store, StoreOpener

log = logging.getLogger(__name__)

EXIT_USAGE = 2


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USAGE
    configure_logging()
    try:
        settings = Settings.from_env()
        code: int = args.func(args, settings)
    except (ConfigError, DatabaseUnusable) as error:
        print(escape_controls(str(error), keep_layout=True), file=sys.stderr)
        return EXIT_USAGE
    return code


def _parser() -> argparse.ArgumentParser:
    argparse_da.install()
    parser = argparse.ArgumentParser(prog="referat", description="Referater af møder i Slack.")
    sub = parser.add_subparsers(metavar="KOMMANDO")

    serve = sub.add_parser("serve", help="kør botten (Socket Mode, eller HTTP med --http)")
    serve.add_argument("--http", action="store_true", help="HTTP-tilstand i stedet for Socket Mode")
    serve.add_argument(
        "--host", default="127.0.0.1", metavar="ADRESSE", help="adresse at lytte på (standard 127.0.0.1)"
    )
    serve.add_argument("--port", type=int, default=3000, help="port i HTTP-tilstand (standard 3000)")
    serve.set_defaults(func=cmd_serve)

    console = sub.add_parser("console", help="prøv botten i terminalen uden Slack")
    console.add_argument(
        "--as",
        dest="as_name",
        default="Referent",
        metavar="NAVN",
        help="hvem der skriver (standard Referent)",
    )
    console.set_defaults(func=cmd_console)

    imp = sub.add_parser("import", help="importér eksisterende referater (.txt, .docx, .pdf, mapper)")
    imp.add_argument(
        "paths",
        nargs="+",
        type=Path,
        metavar="STI",
        help="filer (.txt, .docx, .pdf) eller mapper at importere",
    )
    imp.add_argument(
        "--channel",
        default=None,
        metavar="KANAL-ID",
        help="læg referaterne i en Slack-kanal (fx C0123ABCD): kun dem, der må læse kanalen, kan læse dem",
    )
    imp.add_argument(
        "--dry-run",
        action="store_true",
        help="vis hvordan filerne blev læst (møde, personer, punkter, beslutninger, opgaver) uden at gemme",
    )
    imp.add_argument(
        "--team",
        default=None,
        metavar="ARBEJDSOMRÅDE-ID",
        help="arbejdsområdet (fx T0123ABCD), som referaterne hører til; skal angives, når databasen har flere",
    )
    imp.set_defaults(func=cmd_import)

    ask = sub.add_parser("ask", help="stil et spørgsmål til arkivet")
    ask.add_argument(
        "question", nargs="+", metavar="SPØRGSMÅL", help='spørgsmålet, fx "hvad blev besluttet om Trekanten?"'
    )
    ask.add_argument("--page", type=int, default=1, metavar="SIDE", help="side af svaret (standard 1)")
    ask.set_defaults(func=cmd_ask)

    export = sub.add_parser("export", help="eksportér et referat til md, txt, docx eller pdf (PDF/A)")
    export.add_argument(
        "--meeting", type=int, default=None, metavar="ID", help="mødets id (standard: det seneste)"
    )
    export.add_argument(
        "--format",
        choices=FORMATS,
        default=None,
        help="md, txt, docx eller pdf (standard: filendelsen i --out, ellers md)",
    )
    export.add_argument("--out", type=Path, required=True, metavar="FIL", help="filen der skrives")
    export.add_argument(
        "--public",
        action="store_true",
        help="det offentlige uddrag: lukkede punkter vises kun med overskrift og offentlige beslutninger",
    )
    export.add_argument(
        "--aktindsigt",
        action="store_true",
        help="uddrag til aktindsigt: kun punktets beslutninger og afstemninger (kræver --item)",
    )
    export.add_argument("--item", type=int, default=None, metavar="N", help="punktet til --aktindsigt")
    export.add_argument("--force", action="store_true", help="erstat en eksisterende fil")
    export.set_defaults(func=cmd_export)

    meetings = sub.add_parser("meetings", help="vis møderne i databasen")
    meetings.set_defaults(func=cmd_meetings)

    verify = sub.add_parser(
        "verify", help="kontrollér at ingen godkendt tekst er ændret (kæden, seglet og Slack som vidne)"
    )
    verify.add_argument(
        "--pdf",
        type=Path,
        default=None,
        metavar="FIL",
        help="kontrollér en PDF i stedet: seglet, og at teksten er det godkendte referat i arkivet",
    )
    verify.set_defaults(func=cmd_verify)

    purge = sub.add_parser(
        "purge", help="slet et arbejdsområdes referater efter opbevaringsperioden (efter afinstallation)"
    )
    purge.add_argument(
        "--team", required=True, metavar="ARBEJDSOMRÅDE-ID", help="arbejdsområdet, fx T0123ABCD"
    )
    purge.add_argument(
        "--force", action="store_true", help="slet også godkendte referater (de er officielle dokumenter)"
    )
    purge.set_defaults(func=cmd_purge)
    return parser


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from bot.app import check_slack, create_app, workspace_clients
    from bot.serve import serve_http, serve_socket_mode
    from bot.slack import reminders
    from bot.text.dates import warm_up

    if settings.many_workspaces:
        if not args.http:
            raise ConfigError(
                "Med SLACK_CLIENT_ID og SLACK_CLIENT_SECRET installeres appen i mange arbejdsområder "
                "via /slack/install, som kræver HTTP-tilstand: kør referat serve --http."
            )
        settings.require("SLACK_SIGNING_SECRET")
    elif args.http:
        settings.require("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET")
    else:
        settings.require("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN")
    settings.require_safe_api_url()
    seal = settings.seal()  # a bad seal stops the bot before anything is opened or asked
    # The database first: a REFERAT_DB that cannot serve is told before Slack is asked anything.
    opener = open_database(settings.db_path, seal)
    if not settings.many_workspaces:
        check_slack(settings)
    warm_up()
    _prepare_archive(opener)
    app = create_app(settings, opener)
    if settings.reminder_sweep:
        # Reminders scheduled while the bot was down (or half-stored at a crash) are put right first.
        reminders.start(workspace_clients(settings, app, opener), opener, utc_clock, settings.reminder_days)
    if args.http:
        assert settings.signing_secret is not None
        serve_http(app, settings.signing_secret, args.host, args.port)
    else:
        assert settings.app_token is not None
        serve_socket_mode(app, settings.app_token)
    return 0


def _prepare_archive(opener: StoreOpener) -> None:
    """Take the archive's vocabulary while the service starts, so the first question need not.

    On its own thread and connection: at 100,000 meetings a vocabulary that must be read again
    (a new archive, a new layout after an upgrade) takes seconds; a question that comes meanwhile
    waits for this one reading rather than start another.
    """
    from bot.archive.ask import archive_state

    def run() -> None:
        try:
            # A service answers many questions: its typo candidates are laid out now (a one-off
            # `referat ask` lays out only the letters its question needs).
            archive_state(opener()).vocabulary.warm()
        except Exception:  # the first question tries again and answers or apologises itself
            log.exception("the archive's vocabulary could not be prepared")

    threading.Thread(target=run, name="referat-prepare", daemon=True).start()


def cmd_console(args: argparse.Namespace, settings: Settings) -> int:
    from bot.console.terminal import run_console

    return run_console(settings, sys.stdin, sys.stdout, as_name=args.as_name)


def _workspace_id(raw: str, nothing_done: str) -> str | None:
    """`--team` as Slack writes a workspace's id, or None after saying on stderr why it is none."""
    team = raw.strip().upper()
    if re.fullmatch(r"[TE][A-Z0-9]{1,20}", team):
        return team
    print(
        f'"{raw}" er ikke et arbejdsområde-id. Brug id\'et (fx T0123ABCD; i Slack under '
        f"arbejdsområdets indstillinger), ikke navnet. {nothing_done}",
        file=sys.stderr,
    )
    return None


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    from bot.importing.run import dry_run_paths, import_paths

    if args.dry_run:
        return dry_run_paths(args.paths, out=sys.stdout, err=sys.stderr)
    channel = args.channel.strip().upper() if args.channel else None
    if channel is not None and not re.fullmatch(r"[CGD][A-Z0-9]{2,20}", channel):
        print(
            f'"{args.channel}" er ikke et kanal-id. Brug kanalens id (fx C0123ABCD; i Slack under '
            "kanalens detaljer), ikke dens navn. Intet blev importeret.",
            file=sys.stderr,
        )
        return EXIT_USAGE
    team = _workspace_id(args.team, "Intet blev importeret.") if args.team else None
    if args.team and team is None:
        return EXIT_USAGE
    store = open_database(settings.db_path)()
    if team is None and len(teams := store.workspaces()) > 1:
        print(
            f"Databasen har referater fra {len(teams)} arbejdsområder ({', '.join(teams)}): angiv med --team, "
            "hvilket de importerede referater hører til. Intet blev importeret.",
            file=sys.stderr,
        )
        return EXIT_USAGE
    return import_paths(
        store, args.paths, out=sys.stdout, err=sys.stderr, now=utc_clock(), channel_id=channel, team_id=team
    )


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    from bot.archive.ask import answer_question
    from storage.search import EVERYTHING

    question = " ".join(args.question).strip()
    if not question:
        print('Skriv et spørgsmål, fx: referat ask "hvad blev besluttet om Trekanten?"', file=sys.stderr)
        return EXIT_USAGE
    if refusal := question_too_long(question):
        print(refusal, file=sys.stderr)
        return EXIT_USAGE
    store = open_database(settings.db_path)()
    # The operator at the machine reads the whole archive, and says so.
    answer = answer_question(
        store, question, now=utc_clock(), page=args.page, scope=EVERYTHING, command_line=True
    )
    print(escape_controls(answer.text, keep_layout=True))
    return 0


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    from bot.meeting.export import export_meeting
    from bot.referat.export import ExportError

    # `--out referat.docx` says the format; `--format` wins when both are given.
    suffix = args.out.suffix.lower().lstrip(".")
    if args.format is None and suffix and suffix not in FORMATS:
        # Markdown in a file named .rtf would open as garbage (or not at all) in the program the
        # name promises: an unknown ending is refused by name rather than guessed.
        print(
            escape_controls(
                f'Kan ikke eksportere som ".{suffix}" (filendelsen i --out). {CHOOSE_FORMAT} '
                "Giv filen en af de endelser, eller angiv formatet med --format. Intet blev skrevet."
            ),
            file=sys.stderr,
        )
        return EXIT_USAGE
    fmt = args.format or (suffix if suffix in FORMATS else "md")
    if refused := _aktindsigt_refusal(args):
        print(refused, file=sys.stderr)
        return 2
    store = open_database(settings.db_path, settings.seal())()
    try:
        path = export_meeting(
            store,
            args.meeting,
            fmt,
            args.out,
            now=utc_clock(),
            force=args.force,
            public=args.public,
            aktindsigt=args.item if args.aktindsigt else None,
        )
    except ExportError as error:
        print(escape_controls(str(error), keep_layout=True), file=sys.stderr)
        return 1
    print(escape_controls(f"Skrev {path}"))
    return 0


def _aktindsigt_refusal(args: argparse.Namespace) -> str | None:
    """What is wrong with the combination of --aktindsigt, --item and --public, if anything."""
    if args.aktindsigt and args.item is None:
        return "referat export: --aktindsigt kræver --item N: det punkt, uddraget gælder."
    if args.item is not None and not args.aktindsigt:
        return "referat export: --item bruges kun med --aktindsigt."
    if args.aktindsigt and args.public:
        return "referat export: vælg --aktindsigt eller --public, ikke begge."
    if args.item is not None and args.item < 1:
        return "referat export: --item skal være et punktnummer fra 1."
    return None


def cmd_meetings(args: argparse.Namespace, settings: Settings) -> int:
    from bot.meeting.export import meetings_table

    print(escape_controls(meetings_table(open_database(settings.db_path)()), keep_layout=True))
    return 0


def cmd_purge(args: argparse.Namespace, settings: Settings) -> int:
    import getpass

    from bot.text.danish import counted
    from storage.purge import ApprovedRecords

    team = _workspace_id(args.team, "Intet blev slettet.")
    if team is None:
        return EXIT_USAGE
    store = open_database(settings.db_path)()
    if team not in store.workspaces():
        print(
            f"Databasen har ingen referater fra arbejdsområdet {team}. Intet blev slettet.", file=sys.stderr
        )
        return EXIT_USAGE
    try:
        purged = store.purge_workspace(team, force=args.force, by=getpass.getuser(), now=utc_clock())
    except ApprovedRecords as refused:
        print(
            f"{team} har {counted(refused.approved, 'godkendt referat')}, som er officielle dokumenter. Slet dem kun, "
            "når opbevaringsperioden er udløbet, med --force. Intet blev slettet.",
            file=sys.stderr,
        )
        return 1
    print(
        f"Slettet: {counted(purged.meetings, 'møde')} fra {team} (heraf "
        f"{counted(purged.approved, 'godkendt referat')}), {counted(purged.rows, 'række')} i alt. Sletningen er noteret i databasen; kædens led for de godkendte "
        "referater står tilbage, så referat verify fortsat kan kontrollere resten af arkivet."
    )
    return 0


def cmd_verify(args: argparse.Namespace, settings: Settings) -> int:
    from bot.archive.verify import report, verify_archive

    if args.pdf is not None:
        return _verify_pdf(args.pdf, settings)
    store = open_database(settings.db_path)()
    result = verify_archive(store, settings.trusted_certificates())
    if settings.bot_token:
        result = _with_slack(settings, store, result)
    print(report(result), file=sys.stdout if result.whole else sys.stderr)
    return 0 if result.whole else 1


def _verify_pdf(path: Path, settings: Settings) -> int:
    from bot.archive.verify_pdf import verify_pdf
    from bot.text.files import file_kind

    certificates = settings.trusted_certificates()
    if not certificates:
        print(
            "Kan ikke kontrollere en PDF's segl uden organisationens certifikat: sæt REFERAT_SEAL_CERT "
            "(og REFERAT_SEAL_PREVIOUS_CERTS for tidligere segl).",
            file=sys.stderr,
        )
        return EXIT_USAGE
    try:
        mode = path.stat().st_mode
        content = path.read_bytes() if stat.S_ISREG(mode) else None
    except OSError as error:
        print(escape_controls(f"Kan ikke læse {path}: {error.strerror or error}."), file=sys.stderr)
        return EXIT_USAGE
    if content is None:
        print(escape_controls(f"{path} er {file_kind(mode)}, ikke en PDF-fil."), file=sys.stderr)
        return EXIT_USAGE
    verdict = verify_pdf(open_database(settings.db_path)(), content, certificates, now=utc_clock())
    print(escape_controls(verdict.message), file=sys.stdout if verdict.genuine else sys.stderr)
    return 0 if verdict.genuine else 1


def _with_slack(settings: Settings, store: Store, result: Verification) -> Verification:
    """Read back what the bot stated in Slack as witness, and compare it with the archive."""
    import dataclasses

    from slack_sdk import WebClient
    from slack_sdk.errors import SlackApiError

    from bot.archive.verify import with_witnesses
    from bot.slack.witness import read_back

    settings.require_safe_api_url()
    client = WebClient(token=settings.bot_token, base_url=settings.slack_api_url, timeout=30)
    try:
        seen = read_back(client, store.witness_channels())
    except SlackApiError as error:
        return dataclasses.replace(result, witness_error=f"Slack svarede {error.response.get('error')}")
    except OSError as error:
        return dataclasses.replace(result, witness_error=f"Slack kunne ikke nås: {error}")
    return with_witnesses(store, result, seen)


if __name__ == "__main__":
    raise SystemExit(main())
