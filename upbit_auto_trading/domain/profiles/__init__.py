"""Database configuration: profiles of three databases, backups of them, and their events."""
