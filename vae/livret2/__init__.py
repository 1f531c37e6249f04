"""The livret 2: significant work situations tied to the referential's blocks."""
