"""monitor: claims, rumours and denials about the companies you follow."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "Config",
    "Environment",
    "Monitor",
    "MonitorError",
    "PollSummary",
    "__version__",
    "load_config",
    "load_environment",
]

if TYPE_CHECKING:
    from .app import Monitor, PollSummary
    from .config import Config, Environment, load_config, load_environment
    from .errors import MonitorError

# Imported when first used, so that `monitor classify` or `monitor status` does not pay
# for the HTTP client, the scheduler and the notifiers at start-up.
_LAZY = {
    "Monitor": "app",
    "PollSummary": "app",
    "Config": "config",
    "Environment": "config",
    "load_config": "config",
    "load_environment": "config",
    "MonitorError": "errors",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'monitor' has no attribute {name!r}")
