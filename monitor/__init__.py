"""monitor: claims, rumours and denials about the companies you follow."""

__version__ = "0.1.0"

from .app import Monitor, PollSummary
from .config import Config, Environment, load_config, load_environment
from .errors import MonitorError

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
