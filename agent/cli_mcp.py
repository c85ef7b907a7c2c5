"""`skillwright mcp --site S [--target URL|NAME]`: serve a site's verified skills over MCP."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    @app.command("mcp")
    def mcp(
        site: Annotated[str, typer.Option(help="Library site whose verified skills to serve.")],
        target: Annotated[
            str | None,
            typer.Option(
                help="Where the skills run: a URL, or a bundled site NAME to start "
                "(default: the site itself when it is a bundled site)."
            ),
        ] = None,
        library: Annotated[
            Path | None,
            typer.Option(
                "--library",
                help="Library folder (default $SKILLWRIGHT_LIBRARY or ./skill_library).",
            ),
        ] = None,
        timeout: Annotated[float, typer.Option(help="Seconds one skill call may take.")] = 60.0,
    ) -> None:
        """Serve the site's verified skills as MCP tools over stdio (one browser page per server).

        Each tool call runs the skill in the managed page and returns its result as JSON text,
        or the error (with what the site showed) as an error result.
        """
        import anyio

        from agent.mcp_server import serve_stdio

        path = library or Path(os.environ.get("SKILLWRIGHT_LIBRARY") or "skill_library")
        anyio.run(serve_stdio, path, site, target, timeout)
