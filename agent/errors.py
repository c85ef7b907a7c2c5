"""User-facing errors: the CLI prints their message on one line and exits non-zero."""


class SkillwrightError(Exception):
    """Base class for errors whose message is meant for the user, without a traceback."""


class BrowserNotFoundError(SkillwrightError):
    """No Chromium binary could be found."""


class TargetError(SkillwrightError):
    """The exploration target (site name or URL) is unknown or unreachable."""
