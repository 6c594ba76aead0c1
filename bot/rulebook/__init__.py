"""The rule book: every action a person can take, declared once, and the one gate in front of them.

`declare.py` holds the declaration (`Rule`: surfaces, preconditions, who may, handler, help,
effects), `book.py` the registry of every rule, `gate.py` the check every surface calls, and
`table.py` the manual's table of who may do what, generated from the declarations.
"""
