"""Tests a person would run in a browser: headless Debian Chromium driven by Playwright."""
