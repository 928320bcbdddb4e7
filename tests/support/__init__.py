"""Test doubles and helpers, in one place: the Bot API stand-in, the fake camera, the clock, court builders."""
