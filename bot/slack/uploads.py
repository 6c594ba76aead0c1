"""Files into a channel: join a public channel the bot is not in first, or say what to do.

`chat:write.public` lets the bot post messages where it was never invited, but not files:
`files.completeUploadExternal` answers `not_in_channel`. So before a file goes to a channel the bot
asks whether it is a member, joins a public channel (`conversations.join`, scope `channels:join`),
and for a private one, where only a member can invite it, raises `NotInChannel` with the words.
"""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

log = logging.getLogger(__name__)

INVITE = (
    "Botten er ikke med i kanalen, så filen kan ikke lægges her. Skriv `/invite @referat` i kanalen, "
    "og prøv igen. Intet er ændret."
)


class NotInChannel(Exception):
    """The bot cannot put a file in the channel; the message (Danish) says what to do."""

    def __init__(self) -> None:
        super().__init__(INVITE)


def ensure_member(client: WebClient, channel_id: str) -> None:
    """Make sure a file can be shared in `channel_id`: join it when public; NotInChannel when not."""
    if channel_id.startswith("D"):
        return  # a DM with the bot
    try:
        channel = client.conversations_info(channel=channel_id)["channel"]
    except SlackApiError as error:
        log.info("conversations.info %s: %s", channel_id, error.response.get("error"))
        raise NotInChannel from None
    if channel.get("is_member") or channel.get("is_im"):
        return
    if channel.get("is_private") or channel.get("is_mpim"):
        raise NotInChannel
    try:
        client.conversations_join(channel=channel_id)
    except SlackApiError as error:
        log.warning("could not join %s: %s", channel_id, error.response.get("error"))
        raise NotInChannel from None
