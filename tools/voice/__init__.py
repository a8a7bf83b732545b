"""Scratch voices: dialogue spoken offline, one distinct voice per character, behind a small door."""
