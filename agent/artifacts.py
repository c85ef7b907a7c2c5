"""The run folder a person can inspect: per-step JSON, screenshots, traces, candidate code."""

from __future__ import annotations

import json
import os
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel


def new_run_dir(root: Path | None, site: str) -> Path:
    if root is None:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        root = Path("runs") / f"{site}-{stamp}"
    root.mkdir(parents=True, exist_ok=True)
    return root


def write_json(path: Path, data: BaseModel | Any) -> None:
    """Write JSON atomically (temp file + rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, BaseModel):
        text = data.model_dump_json(indent=2)
    else:
        text = json.dumps(data, indent=2, default=str)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


def write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


def redact_zip(path: Path, secrets: list[str]) -> None:
    """Rewrite a zip (a Playwright trace) with every secret value replaced by "[secret]"."""
    values = [s.encode() for s in secrets if s]
    if not values or not path.exists():
        return
    tmp = path.with_name(path.name + ".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            data = src.read(item.filename)
            for value in values:
                data = data.replace(value, b"[secret]")
            out.writestr(item, data)
    os.replace(tmp, path)
