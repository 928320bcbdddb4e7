"""The Telegram channel: python-telegram-bot fed by our own code (polling or webhook)."""
