"""Existing referater into the archive: read a .txt or .docx (read.py), clean extraction debris
(clean.py), parse into a meeting (parse.py, with people.py and vocabulary.py), and store it with a
report per file (run.py).
"""
