"""Scheduled work: periodic sweeps that act on what the database says is due."""
