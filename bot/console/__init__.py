"""`referat console`: the terminal front end, and the one Slack Web API stand-in (standin.py) that
the console prints from and the tests configure stricter.
"""
