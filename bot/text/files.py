"""Danish names for what a path can be besides a regular file, for refusals that say what it is.

Import and export both refuse devices, FIFOs and sockets by name; one table keeps their wording alike.
"""

from __future__ import annotations

import stat

_KINDS = {
    stat.S_IFIFO: "en FIFO (et navngivet rør)",
    stat.S_IFCHR: "en enhed",
    stat.S_IFBLK: "en enhed",
    stat.S_IFSOCK: "en socket",
    stat.S_IFLNK: "et symbolsk link",
}


def file_kind(mode: int) -> str:
    """What a path with this `st_mode` is, as a Danish noun phrase (`en FIFO (et navngivet rør)`)."""
    return _KINDS.get(stat.S_IFMT(mode), "en anden slags fil")
