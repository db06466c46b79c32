"""Everything that speaks Slack: the Web API client, listeners and message views."""
