"""Identity tests: real face photos, the encoder pool, liveness, the identity CLI."""
