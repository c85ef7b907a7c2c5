"""Turning normalised locators into parameterised skill code."""

from __future__ import annotations

import pytest

from agent.browser.locators import is_unique_source, parameterise


@pytest.mark.parametrize(
    ("source", "params", "expected"),
    [
        (
            'page.get_by_role("spinbutton", name="Quantity for Blue Mug")',
            {"product": "Blue Mug"},
            "page.get_by_role('spinbutton', name=f'Quantity for {product}')",
        ),
        (
            'page.get_by_role("listitem").filter(has_text="Blue MugQuantity for Blue")'
            '.get_by_role("button")',
            {"product": "Blue Mug"},
            "page.get_by_role('listitem').filter(has_text=product).get_by_role('button')",
        ),
        (  # Playwright shortens long names: the shortened tail stands for the whole value
            'page.get_by_role("spinbutton", name="Quantity for Ceramic Table")',
            {"product": "Ceramic Table Lamp"},
            "page.get_by_role('spinbutton', name=f'Quantity for {product}')",
        ),
        (
            'page.get_by_role("link", name="Noise-Cancelling Wireless")',
            {"product": "Noise-Cancelling Wireless Headphones"},
            "page.get_by_role('link', name=product)",
        ),
        (
            'page.get_by_text("Sherline Massa. Ut sed")',
            {"sender": "Sherline Massa"},
            "page.get_by_text(sender)",
        ),
        (  # no task value inside: unchanged
            'page.get_by_role("button", name="Update")',
            {"product": "Blue Mug"},
            "page.get_by_role('button', name='Update')",
        ),
        (  # the role is never a task value
            'page.get_by_role("button", name="Go")',
            {"word": "button"},
            "page.get_by_role('button', name='Go')",
        ),
    ],
)
def test_parameterise(source: str, params: dict[str, str], expected: str) -> None:
    code, _ = parameterise(source, params)
    assert code == expected


def test_parameterise_reports_used_params() -> None:
    _, used = parameterise(
        'page.get_by_label("Remove Blue Mug")', {"product": "Blue Mug", "q": "zzz"}
    )
    assert used == {"product"}


def test_is_unique_source_accepts_page_chains_only() -> None:
    assert is_unique_source('page.get_by_role("main").get_by_role("link")')
    assert not is_unique_source('other.get_by_role("link")')
    assert not is_unique_source("page.get_by_role(")
