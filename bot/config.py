"""Settings from the environment: the only module that reads os.environ.

Missing settings stop the program at once with a message that names the variable and says where
it comes from, never with a traceback.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit

from cryptography import x509

from storage.errors import ReferatError
from storage.seal import Seal, SealError, load_certificates, load_key, matches

T = TypeVar("T")

SEAL_KEY = "REFERAT_SEAL_KEY"
SEAL_CERT = "REFERAT_SEAL_CERT"
SEAL_PREVIOUS = "REFERAT_SEAL_PREVIOUS_CERTS"

DEFAULT_SLACK_API_URL = "https://slack.com/api/"
DEFAULT_DB = "./referat.db"
DEFAULT_REMINDER_DAYS = 2
MAX_REMINDER_DAYS = 60

_WHERE = {
    "SLACK_BOT_TOKEN": "Bot User OAuth Token (xoxb-…) under OAuth & Permissions",
    "SLACK_APP_TOKEN": "App-Level Token (xapp-…, scope connections:write) under Basic Information",
    "SLACK_SIGNING_SECRET": "Signing Secret under Basic Information",
    "SLACK_CLIENT_ID": "Client ID under Basic Information",
    "SLACK_CLIENT_SECRET": "Client Secret under Basic Information",
}


class ConfigError(ReferatError):
    """A setting is missing or wrong; the message says which and where to find it."""


def _reminder_days(raw: str | None) -> int:
    if raw is None or not raw.strip():
        return DEFAULT_REMINDER_DAYS
    if not raw.strip().isdigit() or int(raw) > MAX_REMINDER_DAYS:
        raise ConfigError(
            f"REFERAT_REMINDER_DAYS skal være et helt antal dage fra 0 til {MAX_REMINDER_DAYS}, ikke {raw!r}."
        )
    return int(raw)


def _switch(name: str, raw: str | None, *, default: bool) -> bool:
    if raw is None or not raw.strip():
        return default
    value = raw.strip().lower()
    if value not in ("0", "1", "ja", "nej", "true", "false"):
        raise ConfigError(f"{name} skal være 1 (til) eller 0 (fra), ikke {raw!r}.")
    return value in ("1", "ja", "true")


@dataclass(frozen=True)
class Settings:
    bot_token: str | None
    app_token: str | None
    signing_secret: str | None
    slack_api_url: str
    db_path: Path
    # Days before an action's deadline that its owner is reminded (and again on the morning).
    reminder_days: int = DEFAULT_REMINDER_DAYS
    # The live referat in each meeting channel's canvas (REFERAT_LIVE_CANVAS=0 turns it off).
    live_canvas: bool = True
    # The reminders' start-up reconciliation and daily sweep (REFERAT_REMINDER_SWEEP=0: not in this
    # process). Several processes serving one database run it in one of them only.
    reminder_sweep: bool = True
    # The organisation's seal (storage.seal): a PEM file each, or the PEM itself. Loaded on demand
    # (`seal`, `trusted_certificates`), so a command that does not seal is not stopped by them.
    seal_key: str | None = None
    seal_cert: str | None = None
    # Certificates of earlier seals (rotation): links they signed keep verifying.
    seal_previous: str | None = None
    # Slack's OAuth flow: with both and no bot token, every workspace that installs the app is served.
    client_id: str | None = None
    client_secret: str | None = None

    @property
    def many_workspaces(self) -> bool:
        """Installed by OAuth in any number of workspaces, rather than one workspace's bot token."""
        return bool(self.client_id and self.client_secret and not self.bot_token)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        api_url = env.get("SLACK_API_URL") or DEFAULT_SLACK_API_URL
        if not api_url.endswith("/"):
            # WebClient appends the method name to base_url verbatim.
            api_url += "/"
        return cls(
            bot_token=env.get("SLACK_BOT_TOKEN") or None,
            app_token=env.get("SLACK_APP_TOKEN") or None,
            signing_secret=env.get("SLACK_SIGNING_SECRET") or None,
            slack_api_url=api_url,
            db_path=Path(env.get("REFERAT_DB") or DEFAULT_DB),
            reminder_days=_reminder_days(env.get("REFERAT_REMINDER_DAYS")),
            live_canvas=_switch("REFERAT_LIVE_CANVAS", env.get("REFERAT_LIVE_CANVAS"), default=True),
            reminder_sweep=_switch("REFERAT_REMINDER_SWEEP", env.get("REFERAT_REMINDER_SWEEP"), default=True),
            seal_key=env.get(SEAL_KEY) or None,
            seal_cert=env.get(SEAL_CERT) or None,
            seal_previous=env.get(SEAL_PREVIOUS) or None,
            client_id=env.get("SLACK_CLIENT_ID") or None,
            client_secret=env.get("SLACK_CLIENT_SECRET") or None,
        )

    def seal(self) -> Seal | None:
        """The seal, or None when neither variable is set; ConfigError (one line naming the
        variable) when one is missing, cannot be read, is not PEM, or key and certificate differ."""
        if self.seal_key is None and self.seal_cert is None:
            return None
        if self.seal_key is None or self.seal_cert is None:
            missing, given = (SEAL_KEY, SEAL_CERT) if self.seal_key is None else (SEAL_CERT, SEAL_KEY)
            raise ConfigError(
                f"Mangler miljøvariablen {missing}: {given} er sat, og seglet kræver både nøgle og certifikat."
            )
        key = _sealed(SEAL_KEY, self.seal_key, load_key)
        chain = _sealed(SEAL_CERT, self.seal_cert, load_certificates)
        if not matches(key, chain[0]):
            raise ConfigError(
                f"{SEAL_CERT}: certifikatet ({_where(self.seal_cert)}) hører ikke til nøglen i {SEAL_KEY}."
            )
        return Seal(key, chain)

    def trusted_certificates(self) -> tuple[x509.Certificate, ...]:
        """The certificates `referat verify` accepts signatures from: the seal's and earlier seals'."""
        found: list[x509.Certificate] = []
        if self.seal_cert is not None:
            found += _sealed(SEAL_CERT, self.seal_cert, load_certificates)
        if self.seal_previous is not None:
            found += _sealed(SEAL_PREVIOUS, self.seal_previous, load_certificates)
        return tuple(found)

    def require_safe_api_url(self) -> None:
        """The bot token travels to SLACK_API_URL with every call: only https, or http on this machine."""
        parts = urlsplit(self.slack_api_url)
        if parts.scheme == "https" and parts.hostname:
            return
        if parts.scheme == "http" and _is_loopback(parts.hostname):
            return
        raise ConfigError(
            f"SLACK_API_URL skal være en https-adresse (ellers sendes tokenet ukrypteret): {self.slack_api_url!r}; "
            "http er kun tilladt til denne maskine (127.0.0.1, ::1, localhost)."
        )

    def require(self, *names: str) -> None:
        values = {
            "SLACK_BOT_TOKEN": self.bot_token,
            "SLACK_APP_TOKEN": self.app_token,
            "SLACK_SIGNING_SECRET": self.signing_secret,
            "SLACK_CLIENT_ID": self.client_id,
            "SLACK_CLIENT_SECRET": self.client_secret,
        }
        missing = [n for n in names if not values.get(n)]
        if missing:
            lines = [f"Mangler miljøvariablen {n}: {_WHERE[n]} i Slack-appen." for n in missing]
            lines.append(
                "Opret appen fra app.manifest.yml og se README.md, afsnittet 'Slack-opsætning'. "
                "Vil du prøve uden Slack: referat console."
            )
            raise ConfigError("\n".join(lines))


def _where(value: str) -> str:
    return "PEM i variablen" if _is_pem(value) else value


def _is_pem(value: str) -> bool:
    return value.lstrip().startswith("-----BEGIN")


def _sealed(name: str, value: str, load: Callable[[bytes], T]) -> T:
    """Load what variable `name` gives (a PEM file's path, or the PEM itself) with `load`."""
    if _is_pem(value):
        pem = value.encode("utf-8")
    else:
        try:
            pem = Path(value).expanduser().read_bytes()
        except FileNotFoundError:
            raise ConfigError(f"{name}: filen {value} findes ikke.") from None
        except OSError as error:
            raise ConfigError(f"{name}: kan ikke læse {value}: {error.strerror or error}.") from None
    try:
        return load(pem)
    except SealError as error:
        raise ConfigError(f"{name}: {_where(value)} {error}.") from None


def _is_loopback(host: str | None) -> bool:
    if not host:
        return False
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
