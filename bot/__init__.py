"""The referat bot: pure logic (parsing, dates, rendering, answers) and the Slack glue around it."""
