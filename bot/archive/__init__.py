"""Asking the archive: parse a question (question.py), decide who may read which meeting (access.py,
the one place), search, and compose the answer (answer.py, facts.py); ask.py ties them together.
"""
