"""Trends across incidents: statistics, plain-text tables and PNG charts.

Pure code: the store turns rows into `records`, `trends.build_report` computes the
figures, and `tables` and `charts` format them for a terminal or for Slack.
"""
