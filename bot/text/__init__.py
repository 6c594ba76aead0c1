"""Danish text, one copy of each: dates (the only dateparser caller), local time formats, clipping,
deadlines, people's names and mentions, input hygiene.

Every other package writes and reads Danish through these, so a date or a time of day looks the
same in a confirmation, a draft, an answer and the console.
"""
