"""The trigger builder tab (MVP: passive view, presenter with no Qt)."""
