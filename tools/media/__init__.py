"""Media at the bottom of `tools/`: one codec profile, ffmpeg, reading takes back (`codec`), and
sound samples (`audio`). Render, voice, edit and export all build on it; it imports no other tool."""
