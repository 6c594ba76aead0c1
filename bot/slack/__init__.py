"""The Slack side, thin: listeners (registered by `register(app)`), Block Kit builders, posting and
updating drafts, replies to questions, reminders, and error reporting after an acknowledgement.

With bot/console/ and the entry points, the only code that imports slack_bolt or slack_sdk.
"""
