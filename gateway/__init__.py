"""What channels and HTTP routes share, below them both and above the court (see gateway/court.py)."""
