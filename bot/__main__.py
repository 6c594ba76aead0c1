"""`python -m bot` is the same as the `referat` command."""

from bot.cli import main

raise SystemExit(main())
