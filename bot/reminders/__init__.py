"""Scheduled work: periodic sweeps that act on what the database records as due."""
