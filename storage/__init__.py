"""Durable storage: SQLAlchemy models, the unit of work, the outbox, deadlines and blobs."""
