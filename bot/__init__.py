"""Thin channels: each translates between its medium and the service layer's commands."""
