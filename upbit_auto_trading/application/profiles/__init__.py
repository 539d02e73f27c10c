"""Use cases of database profiles, backups and restores; ports they need from the outside."""
