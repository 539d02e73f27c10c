"""Sample strategies (JSON, schema version 1)."""
