"""The portal's background tasks, for the worker's autodiscovery."""

from kalantar.portal.one_time import send_code

__all__ = ["send_code"]
