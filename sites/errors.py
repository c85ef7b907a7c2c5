"""Errors raised by the bundled-site machinery (one-line messages meant for users)."""


class SiteError(Exception):
    """A site could not be found, started, reset or evaluated."""


class TaskFileError(SiteError):
    """A tasks.json file is malformed."""


class EvaluatorError(SiteError):
    """A task's evaluator itself failed (e.g. its SQL does not run)."""
