"""Names shared with Slack: the slash command, action and callback ids, API methods.

The manifests in manifests/ must agree with these; a test checks both directions.
"""

COMMAND = "/incident"

# Every Web API method the code calls. The manifest's bot scopes are derived from this
# list and Slack's method reference, so adding a call here is how a scope is justified.
WEB_API_METHODS = frozenset({"auth.test"})

# Scopes needed beyond those of the Web API methods above.
EXTRA_SCOPES = frozenset({"commands"})

# Events API event types the bot subscribes to.
EVENTS: frozenset[str] = frozenset()

# Block Kit action ids the bot listens for.
ACTIONS: frozenset[str] = frozenset()

# Slack error codes the bot branches on.
ERROR_RATELIMITED = "ratelimited"
