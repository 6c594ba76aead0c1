"""A meeting as it is logged: `/referat …` text parsed into a Command (parse.py, the one registry of
subcommands), and the command applied to the store (handle.py), with the store's refusals worded
for people (refusals.py).

This is where a slash command is parsed and stored; Slack and the console only carry it here.
"""
