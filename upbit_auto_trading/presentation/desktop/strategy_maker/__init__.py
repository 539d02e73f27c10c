"""Strategy maker screen: compose strategies from saved triggers."""
