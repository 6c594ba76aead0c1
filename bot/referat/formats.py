"""The file formats a referat is exported in, named once for the parser, the CLI and the exporter."""

from __future__ import annotations

FORMATS = ("md", "txt", "docx", "pdf")
CHOOSE_FORMAT = f"Vælg {', '.join(FORMATS[:-1])} eller {FORMATS[-1]}."
