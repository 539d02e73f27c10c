"""File adapters: atomic replacement, backups with manifests, archives, the operation lock, recovery."""
