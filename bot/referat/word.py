"""Lay out a compiled referat as a Word document (.docx) with python-docx.

Many councils circulate and file minutes as Word documents, so the export has to look like one
made by hand: real heading styles (the title, `Deltagere`, `Dagsorden`, `Referat`, each `Ad N`),
the participant groups as two-column tables (name, title) the way the printed form shows them,
and the approval status in the footer of every page. The words come from the same `Referat` the
text and Markdown renderers lay out, so the three formats never disagree.

Pure: no Slack and no store; it takes the compiled referat and the meeting's participants.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Sequence
from typing import Any

from docx import Document
from docx.document import Document as WordDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor

from bot.referat.compile import NOTHING_TO_NOTE, PersonGroup, Referat
from storage.records import Participant

TABLE_STYLE = "Table Grid"
LANGUAGE = "da-DK"
A4 = (Mm(210), Mm(297))
# The draft marker is printed in red so a draft is never mistaken for the approved minutes.
_MARKER_COLOUR = RGBColor(0xC0, 0x00, 0x00)

# XML 1.0 refuses these characters and python-docx raises on them; text extracted from old
# documents sometimes carries them, and dropping them loses nothing a reader could see.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    return _NOT_XML.sub("", text)


def referat_docx(
    referat: Referat,
    participants: Sequence[Participant],
    *,
    status: str,
    author: str = "referat",
    created: dt.date | None = None,
    modified: dt.date | None = None,
) -> bytes:
    """The referat as .docx bytes; `status` ("Udkast, version 2", "Godkendt … af …") is the footer.

    `author` is the minute-taker: an office's file list shows who wrote the minutes, not the library
    that laid them out; `created` is the meeting's day, `modified` the approval's.
    """
    document = Document()
    properties = document.core_properties
    properties.title = _clean(referat.title)
    properties.subject = "Referat"
    properties.author = properties.last_modified_by = _clean(author)
    properties.language = LANGUAGE
    properties.comments = _clean(status)
    if created is not None:
        properties.created = properties.modified = _midnight(created)
    if modified is not None:
        properties.modified = _midnight(modified)
    properties.revision = 1
    _danish_a4(document)

    if referat.draft_marker:
        run = document.add_paragraph().add_run(_clean(referat.draft_marker))
        run.bold = True
        run.font.color.rgb = _MARKER_COLOUR
    document.add_heading(_clean(referat.title), level=1)
    if referat.place:
        document.add_paragraph(_clean(referat.place))

    present = [p for p in participants if not p.absent]
    absent = [p for p in participants if p.absent]
    _people(document, "Deltagere", referat.participants, present)
    if referat.participants:
        for sentence in referat.attendance:
            document.add_paragraph(_clean(sentence))
    _people(document, "Afbud", referat.absent, absent)

    if referat.agenda:
        document.add_heading("Dagsorden", level=2)
        for item in referat.agenda:
            document.add_paragraph(_clean(f"{item.number}. {item.title}"))
            for bullet in item.bullets:
                document.add_paragraph(_clean(bullet), style="List Bullet")
            for paragraph in item.background:
                document.add_paragraph(_clean(paragraph)).paragraph_format.left_indent = Pt(18)

    document.add_heading("Referat", level=2)
    if referat.opening:
        document.add_paragraph(_clean(referat.opening))
    for section in referat.sections:
        document.add_heading(_clean(section.heading), level=3)
        for paragraph in section.paragraphs:
            document.add_paragraph(_clean(paragraph))
    if not referat.opening and not referat.sections:
        document.add_paragraph(NOTHING_TO_NOTE)
    for line in (referat.referent, referat.approval, *referat.additions):
        if line:
            document.add_paragraph(_clean(line))

    for page_section in document.sections:
        footer = page_section.footer.paragraphs[0]
        footer.text = _clean(status)
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER

    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def _danish_a4(document: WordDocument) -> None:
    """A4 with the margins Danish offices use, and Danish as the language of every style.

    python-docx's template is US Letter in American English: printed on A4 it is cut off, and Word
    would check Danish minutes for English spelling. The built-in styles keep their ids (`Heading 1`),
    which a Danish Word shows under their Danish names (`Overskrift 1`).
    """
    for section in document.sections:
        section.page_width, section.page_height = A4
        section.left_margin = section.right_margin = Cm(2.5)
        section.top_margin, section.bottom_margin = Cm(2.5), Cm(2.0)
    defaults = document.styles.element.find(qn("w:docDefaults"))
    run_defaults = defaults.find(qn("w:rPrDefault")) if defaults is not None else None
    properties = run_defaults.find(qn("w:rPr")) if run_defaults is not None else None
    if properties is not None:
        _set_language(properties)
    for style in document.styles:
        if style.type in (WD_STYLE_TYPE.PARAGRAPH, WD_STYLE_TYPE.CHARACTER, WD_STYLE_TYPE.TABLE):
            _set_language(style.element.get_or_add_rPr())


# The run properties the schema puts after `w:lang`; a new `w:lang` goes before them.
_AFTER_LANG = tuple(qn(f"w:{tag}") for tag in ("eastAsianLayout", "specVanish", "oMath"))


def _set_language(run_properties: Any) -> None:
    lang = run_properties.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        following = next((child for child in run_properties if child.tag in _AFTER_LANG), None)
        if following is not None:
            following.addprevious(lang)
        else:
            run_properties.append(lang)
    lang.set(qn("w:val"), LANGUAGE)
    lang.set(qn("w:eastAsia"), LANGUAGE)


def _people(
    document: WordDocument, label: str, groups: Sequence[PersonGroup], people: Sequence[Participant]
) -> None:
    """A heading, then per group its `Fra …:` line and a table of name and title."""
    if not groups:
        return
    document.add_heading(label, level=2)
    for group in groups:
        # A single group without heading (Afbud) holds everyone, whatever their organisation.
        alone = len(groups) == 1 and group.organisation is None
        members = sorted(
            (p for p in people if alone or (p.organisation or None) == group.organisation),
            key=lambda p: p.position,
        )
        if group.heading:
            document.add_paragraph().add_run(_clean(group.heading)).bold = True
        rows = [(p.name, _title_cell(p)) for p in members]
        if len(rows) != len(group.people):
            # The groups are the referat's own; should they ever disagree with the participant
            # list, the referat's lines win so the Word file says what the text file says.
            rows = [(line, "") for line in group.people]
        table = document.add_table(rows=1, cols=2)
        table.style = TABLE_STYLE
        header = table.rows[0].cells
        header[0].text, header[1].text = "Navn", "Titel"
        for cell in header:
            for run in cell.paragraphs[0].runs:
                run.bold = True
        for name, title in rows:
            cells = table.add_row().cells
            cells[0].text, cells[1].text = _clean(name), _clean(title)


def _title_cell(person: Participant) -> str:
    """The title as the referat writes it next to the name, with `(referent)` for the minute-taker."""
    title = (person.title or "").strip()
    if (person.role or "").casefold() == "referent":
        return f"{title} (referent)".strip()
    return title
