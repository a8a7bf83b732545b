"""Rendering: backends behind one door, render keys, and rendering what changed."""
