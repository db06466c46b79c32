"""warroom: an incident-response bot for Slack."""

__version__ = "0.1.0"
