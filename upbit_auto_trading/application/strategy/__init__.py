"""Strategy use cases: save, version, list, duplicate, delete, export, import, validate, seed the samples."""
