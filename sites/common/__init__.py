"""Helpers shared by the bundled site apps (templates with theme overlay, DB access, clock)."""

from sites.common.webapp import (
    FIXED_NOW,
    connect,
    current_user,
    make_templates,
    session_middleware,
)

__all__ = ["FIXED_NOW", "connect", "current_user", "make_templates", "session_middleware"]
