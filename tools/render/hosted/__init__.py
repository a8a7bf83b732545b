"""Hosted backends: renders by a vendor's API through its official SDK (`runwayml`, `openai`).

What they share (tasks.py): the key read from the environment and nowhere else, polling with
backoff under a deadline, cancellation of remote work when a render stops, and results
downloaded into the project folder atomically.
"""
