"""Lay out a compiled referat as an archivable PDF: PDF/A-3b, tagged, in Danish, A4, `Side N af M`.

Minutes are kept for decades, and Danish archives take PDF/A. WeasyPrint renders HTML and CSS to
PDF/A with a structure tree (headings, paragraphs, lists), the document language and the metadata an
archive indexes (title, author, dates), and embeds every font it uses. The HTML is built here from
the same `Referat` the text, Markdown and Word renderers lay out, so the formats never disagree.

WeasyPrint writes one identification per file; the archive format (PDF/A) is the one claimed, and the
tags, language and displayed title that PDF/UA asks for are all there.

The font ships with the package (DejaVu Serif, under its free licence in `fonts/`), so the PDF does
not depend on what fonts a machine has. WeasyPrint needs the Pango library; where it is missing,
`PdfUnavailable` says in Danish how to install it, and every other format still works.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.referat.compile import NOTHING_TO_NOTE, PersonGroup, Referat

FONTS = Path(__file__).parent / "fonts"
LANGUAGE = "da-DK"
PDF_VARIANT = "pdf/a-3b"

INSTALL_PANGO = (
    "PDF-eksport kræver biblioteket Pango, som ikke findes på denne maskine. "
    "Installér det med `apt-get install libpango-1.0-0 libpangoft2-1.0-0` (Debian/Ubuntu), "
    "`dnf install pango` (Fedora) eller `brew install pango` (macOS), og prøv igen. "
    "De andre formater (md, txt, docx) virker uden."
)

# XML 1.0 refuses these characters; text extracted from old documents sometimes carries them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class PdfUnavailable(Exception):
    """The PDF renderer cannot run on this machine; the message (Danish) says how to fix it."""


UNSEALED = (
    "Ikke forseglet: denne PDF er ikke signeret med organisationens segl. "
    "Kontrollér teksten mod arkivet med referat verify."
)


@dataclass(frozen=True)
class Annex:
    """The annex page of a sealed PDF: who approved and when, the text's hash, and the seal."""

    approvals: tuple[tuple[str, str], ...]  # (approver, with any reservation; when, as printed)
    text_sha256: str
    additions: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = ()  # (label, SHA-256, approvals)
    seal: str = ""  # the seal certificate's name
    seal_sha256: str = ""  # and its fingerprint


@dataclass(frozen=True)
class Attached:
    """A file embedded in the PDF (PDF/A-3 associated file, relationship Source)."""

    name: str
    content: bytes
    description: str
    when: dt.datetime


def _e(text: str) -> str:
    return html.escape(_NOT_XML.sub("", text), quote=True)


_CSS = """
@font-face { font-family: "Referat Serif"; src: url("DejaVuSerif.ttf"); font-weight: normal; }
@font-face { font-family: "Referat Serif"; src: url("DejaVuSerif-Bold.ttf"); font-weight: bold; }
@page {
  size: A4;
  margin: 25mm 22mm 25mm 22mm;
  @bottom-left { content: STATUS; font: 8pt "Referat Serif"; color: #444; }
  @bottom-right { content: "Side " counter(page) " af " counter(pages); font: 9pt "Referat Serif"; }
}
html { font-family: "Referat Serif"; font-size: 11pt; line-height: 1.4; }
h1 { font-size: 15pt; margin: 0 0 10pt; }
h2 { font-size: 12.5pt; margin: 16pt 0 6pt; }
h3 { font-size: 11pt; margin: 12pt 0 4pt; break-after: avoid; }
p, li { margin: 0 0 6pt; }
ul, ol { margin: 0 0 6pt; padding-left: 18pt; }
ul.people { list-style: none; padding-left: 0; }
.marker { color: #c00000; font-weight: bold; }
.group { font-weight: bold; margin-top: 6pt; }
.closing { margin-top: 14pt; }
.hash { font-size: 8pt; color: #444; word-break: break-all; }
.annex { break-before: page; }
"""


def referat_html(
    referat: Referat,
    *,
    status: str,
    author: str,
    created: dt.date,
    modified: dt.date | None = None,
    sha256: str | None = None,
    annex: Annex | None = None,
    unsealed: bool = False,
) -> str:
    """The referat as an HTML document for the PDF renderer (pure; also readable in a browser).

    `status` ("Udkast, version 2", "Godkendt … af …") is printed in the footer of every page;
    `sha256`, when given, is printed under the closing lines so a printout can be checked.
    `annex`: the sealed PDF's last page; `unsealed`: say under the hash that no seal is on it.
    """
    head = [
        "<!DOCTYPE html>",
        f'<html lang="{LANGUAGE}">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{_e(referat.title)}</title>",
        f'<meta name="author" content="{_e(author)}">',
        f'<meta name="description" content="{_e(status)}">',
        '<meta name="generator" content="referat">',
        f'<meta name="dcterms.created" content="{created.isoformat()}">',
    ]
    if modified is not None:
        head.append(f'<meta name="dcterms.modified" content="{modified.isoformat()}">')
    css = _CSS.replace("STATUS", _css_string(status))
    head += [f"<style>{_e_style(css)}</style>", "</head>", "<body>"]
    body: list[str] = []
    if referat.draft_marker:
        body.append(f'<p class="marker">{_e(referat.draft_marker)}</p>')
    body.append(f"<h1>{_e(referat.title)}</h1>")
    if referat.place:
        body.append(f"<p>{_e(referat.place)}</p>")
    for label, groups in (("Deltagere", referat.participants), ("Afbud", referat.absent)):
        if groups:
            body.append(f"<h2>{label}</h2>")
            body.extend(_group(group) for group in groups)
            if label == "Deltagere":
                body.extend(_paragraph(line) for line in referat.attendance)
    if referat.agenda:
        body.append("<h2>Dagsorden</h2>")
        items = []
        for item in referat.agenda:
            parts = [_e(item.title)]
            if item.bullets:
                parts.append("<ul>" + "".join(f"<li>{_e(b)}</li>" for b in item.bullets) + "</ul>")
            parts.extend(f"<p>{_e(p)}</p>" for p in item.background)
            items.append(f'<li value="{item.number}">{"".join(parts)}</li>')
        body.append("<ol>" + "".join(items) + "</ol>")
    body.append("<h2>Referat</h2>")
    if referat.opening:
        body.append(_paragraph(referat.opening))
    for section in referat.sections:
        body.append(f"<h3>{_e(section.heading)}</h3>")
        body.extend(_paragraph(p) for p in section.paragraphs)
    if not referat.opening and not referat.sections:
        body.append(f"<p>{NOTHING_TO_NOTE}</p>")
    closing = [line for line in (referat.referent, referat.approval) if line]
    for index, line in enumerate(closing):
        body.append(_paragraph(line, css="closing" if index == 0 else None))
    body.extend(_paragraph(addition) for addition in referat.additions)
    if sha256:
        body.append(f'<p class="hash">SHA-256 af den godkendte tekst: {_e(sha256)}</p>')
    if unsealed:
        body.append(f'<p class="hash">{_e(UNSEALED)}</p>')
    if annex is not None:
        body.extend(_annex(annex))
    return "\n".join([*head, *body, "</body>", "</html>"]) + "\n"


def _annex(annex: Annex) -> list[str]:
    def approvals(rows: tuple[tuple[str, str], ...]) -> str:
        return "<ul>" + "".join(f"<li>{_e(who)}: {_e(when)}</li>" for who, when in rows) + "</ul>"

    lines = [
        '<section class="annex">',
        "<h2>Bilag: Godkendelse og segl</h2>",
        "<p>Referatet er godkendt af:</p>",
        approvals(annex.approvals),
        f'<p class="hash">SHA-256 af den godkendte tekst: {_e(annex.text_sha256)}</p>',
    ]
    for label, digest, rows in annex.additions:
        lines += [f"<p>{_e(label)} er godkendt af:</p>", approvals(rows)]
        lines.append(f'<p class="hash">SHA-256 af tilføjelsens tekst: {_e(digest)}</p>')
    lines.append(
        f"<p>Dokumentet er forseglet med {_e(annex.seal)} over hele filen "
        f'(certifikatets SHA-256: <span class="hash">{_e(annex.seal_sha256)}</span>). '
        "Den godkendte tekst er lagt ved filen (godkendt-referat.json). Seglet kontrolleres i en "
        "PDF-læser, der viser signaturer, eller med referat verify --pdf.</p>"
    )
    lines.append("</section>")
    return lines


def _css_string(text: str) -> str:
    """`text` as a quoted CSS string (the footer's status is the user's words, e.g. a title)."""
    flat = " ".join(_NOT_XML.sub("", text).split())
    return '"' + flat.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _e_style(css: str) -> str:
    # Inside <style> only `</` could end the element early; CSS escapes it harmlessly.
    return css.replace("</", "<\\/")


def _group(group: PersonGroup) -> str:
    heading = f'<p class="group">{_e(group.heading)}</p>' if group.heading else ""
    people = "".join(f"<li>{_e(person)}</li>" for person in group.people)
    return f'{heading}<ul class="people">{people}</ul>'


def _paragraph(text: str, css: str | None = None) -> str:
    attribute = f' class="{css}"' if css else ""
    # A paragraph typed over several lines keeps its line breaks, as in the text rendering.
    return f"<p{attribute}>" + "<br>".join(_e(line) for line in text.split("\n")) + "</p>"


def _weasyprint() -> Any:
    """The WeasyPrint module, or PdfUnavailable when it (or the Pango it loads) is missing."""
    try:
        import weasyprint
    except (ImportError, OSError) as error:  # OSError: cffi could not load libpango
        raise PdfUnavailable(INSTALL_PANGO) from error
    return weasyprint


def html_to_pdf(document: str, attachments: Sequence[Attached] = ()) -> bytes:
    """Render `referat_html` output as PDF/A-3b with tags, the language and the metadata."""
    weasyprint = _weasyprint()

    def show_title(_document: Any, pdf: Any) -> None:
        # Viewers show the title, not the file name, as accessible PDFs ask.
        import pydyf  # WeasyPrint's own PDF writer, present wherever WeasyPrint is

        pdf.catalog["ViewerPreferences"] = pydyf.Dictionary({"DisplayDocTitle": "true"})

    rendered = weasyprint.HTML(string=document, base_url=str(FONTS) + "/")
    attached = [
        weasyprint.Attachment(
            string=a.content,
            name=a.name,
            description=a.description,
            created=a.when,
            modified=a.when,
            relationship="Source",
        )
        for a in attachments
    ]
    pdf: bytes = rendered.write_pdf(
        pdf_variant=PDF_VARIANT, pdf_tags=True, finisher=show_title, attachments=attached or None
    )
    return pdf


def referat_pdf(
    referat: Referat,
    *,
    status: str,
    author: str,
    created: dt.date,
    modified: dt.date | None = None,
    sha256: str | None = None,
    annex: Annex | None = None,
    unsealed: bool = False,
    attachments: Sequence[Attached] = (),
    layout: Callable[[str, Sequence[Attached]], bytes] | None = None,
) -> bytes:
    """The referat as PDF/A bytes; raises PdfUnavailable when the renderer cannot run here.

    `layout` turns the HTML into the PDF (default `html_to_pdf`, in this process)."""
    document = referat_html(
        referat,
        status=status,
        author=author,
        created=created,
        modified=modified,
        sha256=sha256,
        annex=annex,
        unsealed=unsealed,
    )
    return (layout or html_to_pdf)(document, attachments)
