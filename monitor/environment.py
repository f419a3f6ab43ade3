"""Settings and secrets from the environment (DESIGN.md §4.3), held as SecretStr so
that printing a settings object never shows them."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

from .errors import ConfigError

__all__ = ["DEFAULT_SLACK_API_URL", "DEFAULT_X_API_URL", "Environment", "load_environment"]

DEFAULT_SLACK_API_URL = "https://slack.com/api/"
DEFAULT_X_API_URL = "https://api.x.com/2/"


def _is_http_url(value: str) -> bool:
    """An http(s) URL with a host."""
    try:
        parts = urlsplit(value.strip())
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and " " not in value.strip()


class Environment(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    """Settings and secrets from the environment (DESIGN.md §4.3)."""

    slack_bot_token: SecretStr | None = None
    slack_webhook_url: SecretStr | None = None
    # An app-level token (xapp-…, scope connections:write): Socket Mode, for the feedback
    # buttons on alerts. Without it, alerts carry no buttons.
    slack_app_token: SecretStr | None = None
    slack_api_url: str = DEFAULT_SLACK_API_URL
    x_bearer_token: SecretStr | None = None
    x_api_url: str = DEFAULT_X_API_URL
    smtp_host: str | None = None
    smtp_port: int | None = None
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool | None = None
    smtp_ssl: bool = False
    log_format: Literal["text", "json"] | None = None
    # MONITOR_APPRISE_<NAME>: the Apprise URLs of destination `apprise:<name>` (they
    # carry the service's token), several separated by spaces or commas.
    apprise: dict[str, SecretStr] = Field(default_factory=dict)

    @field_validator("slack_webhook_url")
    @classmethod
    def _webhook(cls, value: SecretStr | None) -> SecretStr | None:
        # The message never quotes the value: the URL is the secret.
        if value is not None and not _is_http_url(value.get_secret_value()):
            raise ValueError(
                "expected an https:// URL (the incoming webhook from your Slack app's settings)"
            )
        return value

    @field_validator("slack_api_url", "x_api_url")
    @classmethod
    def _api(cls, value: str) -> str:
        if not _is_http_url(value):
            raise ValueError(f"expected an http(s):// URL, not {value!r}")
        return value

    @field_validator("smtp_port")
    @classmethod
    def _port(cls, value: int | None) -> int | None:
        if value is not None and not 0 < value < 65536:
            raise ValueError(f"expected a port between 1 and 65535, not {value}")
        return value

    @property
    def secrets(self) -> list[str]:
        """Every secret value, so that logs can be scrubbed of them."""
        values = (
            self.slack_bot_token,
            self.slack_webhook_url,
            self.slack_app_token,
            self.x_bearer_token,
            self.smtp_password,
        )
        found = [v.get_secret_value() for v in values if v and v.get_secret_value()]
        for urls in self.apprise.values():
            found += [u for u in re.split(r"[\s,]+", urls.get_secret_value()) if u]
        return found


_ENV_NAMES = {
    "SLACK_BOT_TOKEN": "slack_bot_token",
    "SLACK_WEBHOOK_URL": "slack_webhook_url",
    "SLACK_APP_TOKEN": "slack_app_token",
    "SLACK_API_URL": "slack_api_url",
    "X_BEARER_TOKEN": "x_bearer_token",
    "X_API_URL": "x_api_url",
    "SMTP_HOST": "smtp_host",
    "SMTP_PORT": "smtp_port",
    "SMTP_USER": "smtp_user",
    "SMTP_PASSWORD": "smtp_password",
    "SMTP_STARTTLS": "smtp_starttls",
    "SMTP_SSL": "smtp_ssl",
    "MONITOR_LOG_FORMAT": "log_format",
}


def load_environment(environ: Mapping[str, str] | None = None) -> Environment:
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {
        field: environ[name] for name, field in _ENV_NAMES.items() if environ.get(name)
    }
    values["apprise"] = {
        name.removeprefix("MONITOR_APPRISE_").lower(): value
        for name, value in environ.items()
        if name.startswith("MONITOR_APPRISE_") and value.strip()
    }
    for key in ("slack_api_url", "x_api_url"):
        if key in values and not values[key].endswith("/"):
            values[key] += "/"
    try:
        return Environment(**values)
    except ValidationError as exc:
        field_to_name = {v: k for k, v in _ENV_NAMES.items()}
        raise ConfigError(
            [
                f"environment {field_to_name.get(str(e['loc'][0]), e['loc'][0])}: "
                f"{str(e['msg']).removeprefix('Value error, ')}"
                for e in exc.errors(include_url=False)
            ]
        ) from None
