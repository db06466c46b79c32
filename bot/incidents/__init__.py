"""The incident domain in pure Python: no Slack calls, no database sessions."""
