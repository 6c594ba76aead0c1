"""Thin Slack glue: module-level listeners, each module registering its own with `register(app)`.

They find the store opener, the clock and the name lookup in Bolt's context (bot.slack.context).
"""
