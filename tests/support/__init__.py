"""What the tests share: the stand-in Slack, signed request builders, the running bot, paths to fixtures.

tests/conftest.py puts tests/ on the import path, so test modules (and bench/, which adds tests/ to
sys.path itself) import these as `support.<module>`.
"""
