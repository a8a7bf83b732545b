"""Editing: the shared codec profile, cards and assembling the cut."""
