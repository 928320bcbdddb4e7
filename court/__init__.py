"""Micro Court domain: cases, parties, fees, court calendar and the rules they follow."""
