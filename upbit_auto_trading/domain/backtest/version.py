"""Engine version: bump on any change that can alter a result (stored with every run)."""

ENGINE_VERSION = "1.0.0"
