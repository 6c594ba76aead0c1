"""Thin Slack glue: each module registers its listeners with `register(app, deps)`."""
