"""Installing the app in many workspaces: Slack's OAuth flow, the installations it stores, the scopes asked.

With `SLACK_CLIENT_ID` and `SLACK_CLIENT_SECRET` (and no `SLACK_BOT_TOKEN`), `referat serve --http`
serves `/slack/install` and `/slack/oauth_redirect`, and Bolt answers every request with the token of
the workspace (or Enterprise Grid organisation) it came from, rotating tokens where the app has token
rotation on. The installations and the OAuth states are kept by slack_sdk's own SQLite stores in the
project's one database file (`REFERAT_DB`), so one file holds everything and is replicated as one:
their tables (`slack_installations`, `slack_bots`, `oauth_states`) are the library's, made by the
library, and not part of the referat schema.
"""

from __future__ import annotations

import logging
from pathlib import Path

from slack_bolt.authorization.authorize import InstallationStoreAuthorize
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient
from slack_sdk.oauth.installation_store.sqlite3 import SQLite3InstallationStore
from slack_sdk.oauth.state_store.sqlite3 import SQLite3OAuthStateStore

INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
# An install started but not finished within this time must be started again.
STATE_SECONDS = 600

# What the app asks for when installed; app.manifest.yml lists the same (a test keeps them equal).
BOT_SCOPES = (
    "commands",
    "chat:write",
    "chat:write.public",
    "app_mentions:read",
    "channels:history",
    "groups:history",
    "im:history",
    "users:read",
    "im:read",
    "mpim:read",
    "files:write",
    "reactions:write",
    "im:write",
    "channels:read",
    "groups:read",
    "channels:join",
    "canvases:write",
)


def installation_store(db_path: Path, client_id: str) -> SQLite3InstallationStore:
    return SQLite3InstallationStore(database=str(db_path), client_id=client_id)


def oauth_settings(db_path: Path, client_id: str, client_secret: str, client: WebClient) -> OAuthSettings:
    """Bolt's OAuth flow with both stores in the database file.

    `client` (aimed at SLACK_API_URL) also rotates expiring tokens: Bolt's own default would call
    slack.com whatever SLACK_API_URL says.
    """
    settings = OAuthSettings(
        client_id=client_id,
        client_secret=client_secret,
        scopes=list(BOT_SCOPES),
        user_scopes=[],
        installation_store=installation_store(db_path, client_id),
        state_store=SQLite3OAuthStateStore(database=str(db_path), expiration_seconds=STATE_SECONDS),
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
    )
    settings.authorize = InstallationStoreAuthorize(
        logger=logging.getLogger(__name__),
        installation_store=settings.installation_store,
        client_id=client_id,
        client_secret=client_secret,
        token_rotation_expiration_minutes=settings.token_rotation_expiration_minutes,
        client=client,
    )
    return settings
