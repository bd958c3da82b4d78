"""The Connect4healthcare partner API (connect4healthcare.md): care tickets, residents and categories."""
