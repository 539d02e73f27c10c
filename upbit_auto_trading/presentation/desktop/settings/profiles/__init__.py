"""Settings -> Database: profiles, their files, backups and restores."""
