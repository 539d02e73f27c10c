"""Generic file helpers shared by every adapter: durable writes (fsync, atomic replacement), shared and
exclusive file locks, one descriptor per live database file, process identity. Backups, archives and the
replacement journal are the profiles feature's (``infrastructure/profiles``)."""
