"""Server-side validation of the shop's forms: each returns a list of readable error messages."""

from __future__ import annotations

import re
from collections.abc import Mapping

from sites.shop.catalog import COUNTRIES

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
USERNAME_RE = re.compile(r"^[A-Za-z0-9_]{3,20}$")
POSTAL_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 -]{1,8}[A-Za-z0-9]$")
POSTAL_PATTERN = "[A-Za-z0-9][A-Za-z0-9 \\-]{1,8}[A-Za-z0-9]"
REVIEW_MIN = 10
REVIEW_MAX = 2000
PASSWORD_MIN = 8


def parse_quantity(raw: str, available: int) -> tuple[int | None, list[str]]:
    """A whole number between 1 and `available` (what is left in stock for this cart)."""
    text = raw.strip()
    if not re.fullmatch(r"-?\d+", text):
        return None, ["Quantity must be a whole number."]
    value = int(text)
    if value < 1:
        return None, ["Quantity must be at least 1."]
    if available <= 0:
        return None, ["Sorry, there is no more stock of this product."]
    if value > available:
        return None, [f"Only {available} left in stock: quantity must be at most {available}."]
    return value, []


def review_errors(rating: str, body: str) -> list[str]:
    errors: list[str] = []
    if rating not in {"1", "2", "3", "4", "5"}:
        errors.append("Choose a rating from 1 to 5 stars.")
    text = body.strip()
    if len(text) < REVIEW_MIN:
        errors.append(f"Your review must be at least {REVIEW_MIN} characters long.")
    elif len(text) > REVIEW_MAX:
        errors.append(f"Your review must be at most {REVIEW_MAX} characters long.")
    return errors


def register_errors(form: Mapping[str, str], username_taken: bool, email_taken: bool) -> list[str]:
    errors: list[str] = []
    if not USERNAME_RE.fullmatch(form["username"]):
        errors.append("Username must be 3-20 letters, digits or underscores.")
    elif username_taken:
        errors.append("That username is already taken.")
    if not EMAIL_RE.fullmatch(form["email"]):
        errors.append("Enter a valid email address.")
    elif email_taken:
        errors.append("An account with that email already exists.")
    if len(form["password"]) < PASSWORD_MIN:
        errors.append(f"Password must be at least {PASSWORD_MIN} characters.")
    if form["password"] != form["confirm_password"]:
        errors.append("Passwords do not match.")
    return errors


def shipping_errors(form: Mapping[str, str]) -> list[str]:
    errors: list[str] = []
    if len(form["full_name"]) < 2:
        errors.append("Enter the recipient's full name.")
    if len(form["street"]) < 5:
        errors.append("Enter a street address.")
    if len(form["city"]) < 2:
        errors.append("Enter a city.")
    if not POSTAL_RE.fullmatch(form["postal_code"]):
        errors.append("Enter a valid postal code (3-10 letters, digits, spaces or hyphens).")
    if form["country"] not in COUNTRIES:
        errors.append("Choose a country.")
    return errors


def email_errors(email: str) -> list[str]:
    return [] if EMAIL_RE.fullmatch(email) else ["Enter a valid email address."]
