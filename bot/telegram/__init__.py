"""The Telegram channel: python-telegram-bot fed by our own code (polling or webhook)."""

import os

# python-telegram-bot 22 warns when `retry_after` is read as int; ask it for timedelta instead.
os.environ.setdefault("PTB_TIMEDELTA", "true")
