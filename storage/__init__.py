"""Everything kept: records, migrations, the store (every SQL statement), search, the hash chain.

Imports nothing from bot: the bot depends on storage, never the other way round.
"""
