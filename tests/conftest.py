"""The root of the tests: unit/ (plain calls), wire/ (signed HTTP through the real app), support/ (shared).

pytest puts this folder on sys.path (rootdir-relative "prepend" import mode), which is what makes
`support` importable from every test module; wire/conftest.py holds the wire tests' fixtures.
"""
