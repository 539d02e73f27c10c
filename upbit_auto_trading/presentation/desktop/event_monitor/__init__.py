"""The event monitor dock: live events, queues, failures, dead letters, held config changes, chains.

The presenter has no Qt; ``screen.build`` makes the dock from ``EventMonitorServices``.
"""
