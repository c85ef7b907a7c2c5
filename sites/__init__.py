"""Bundled target websites, their task suites, and the machinery to serve and reset them."""

from sites.definition import LoginForm, SiteDefinition
from sites.errors import EvaluatorError, SiteError, TaskFileError
from sites.registry import BUNDLED_SITES, available_sites, get_site
from sites.server import RunningSite, serve, start_site

__all__ = [
    "BUNDLED_SITES",
    "EvaluatorError",
    "LoginForm",
    "RunningSite",
    "SiteDefinition",
    "SiteError",
    "TaskFileError",
    "available_sites",
    "get_site",
    "serve",
    "start_site",
]
