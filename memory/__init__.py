"""storyreel package."""
