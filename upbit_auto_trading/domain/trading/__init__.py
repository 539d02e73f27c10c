"""Trading context: trade identity, the live-trading state and the events that move it."""
