"""Real open-source web apps for the real-site bench (see bench/realapps.py)."""
