"""wiremap: a streaming alert ingester with a live map."""

from wiremap.errors import WiremapError
from wiremap.settings import Settings, get_settings

__all__ = ["Settings", "WiremapError", "__version__", "get_settings"]

__version__ = "0.1.0"
