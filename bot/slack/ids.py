"""Names shared with Slack: the slash command, action and callback ids, API methods.

The manifests in manifests/ must agree with these; a test checks both directions.
"""

import re

COMMAND = "/incident"

# Every Web API method the code calls. The manifest's bot scopes are derived from this
# list and Slack's method reference, so adding a call here is how a scope is justified.
WEB_API_METHODS = frozenset(
    {
        "auth.test",
        "chat.getPermalink",
        "chat.postEphemeral",
        "chat.postMessage",
        "chat.update",
        "conversations.archive",
        "conversations.create",
        "conversations.history",
        "conversations.replies",
        "conversations.invite",
        "conversations.members",
        "conversations.setPurpose",
        "conversations.setTopic",
        "files.completeUploadExternal",
        "files.getUploadURLExternal",
        "pins.add",
        "reactions.get",
        "usergroups.users.list",
        "users.info",
        "users.list",
        "users.lookupByEmail",
        "views.open",
    }
)

# Scopes needed beyond those of the Web API methods above: the slash command, and
# reading reactions for the reaction_added and reaction_removed events.
EXTRA_SCOPES = frozenset({"commands", "reactions:read"})

REACTION_ADDED = "reaction_added"
REACTION_REMOVED = "reaction_removed"
# Events API event types the bot subscribes to.
EVENTS = frozenset({REACTION_ADDED, REACTION_REMOVED})

# Severity buttons carry their level in the action id (severity_confirm_1 …), because
# Slack requires distinct action ids within one actions block.
SEVERITY_ACTION_PREFIX = "severity_confirm_"
SEVERITY_ACTION = re.compile(rf"^{SEVERITY_ACTION_PREFIX}[1-9]$")
# Buttons and the user menu on action items and their reminders; the value is the
# action item's id.
ACTION_ITEM_DONE = "action_item_done"
ACTION_ITEM_SNOOZE_DAY = "action_item_snooze_1d"
ACTION_ITEM_SNOOZE_WEEK = "action_item_snooze_1w"
ACTION_ITEM_REASSIGN = "action_item_reassign"
# Snooze buttons on the status-update reminder; the value is the incident's id.
STATUS_SNOOZE_30M = "status_snooze_30m"
STATUS_SNOOZE_1H = "status_snooze_1h"
# Accept and dismiss buttons on a proposed action item; the value is the proposal key.
PROPOSAL_ACCEPT = "proposal_accept"
PROPOSAL_DISMISS = "proposal_dismiss"
# Buttons and the incident menu on an alert triage post; the value, or for the
# menu the block id after ALERT_GROUP_BLOCK_PREFIX, is the signal group's id.
ALERT_DECLARE = "alert_declare"
ALERT_ATTACH = "alert_attach"
ALERT_DISMISS = "alert_dismiss"
ALERT_GROUP_BLOCK_PREFIX = "alert_group_"
# Buttons on a hypothesis post; the value is the hypothesis id.
HYPOTHESIS_CONFIRM = "hypothesis_confirm"
HYPOTHESIS_RULE_OUT = "hypothesis_rule_out"
HYPOTHESIS_EVIDENCE = "hypothesis_evidence"
HYPOTHESIS_ROOT_CAUSE = "hypothesis_root_cause"
# Block Kit action ids the bot listens for.
ACTIONS = frozenset(
    {
        ALERT_DECLARE,
        ALERT_ATTACH,
        ALERT_DISMISS,
        SEVERITY_ACTION,
        STATUS_SNOOZE_30M,
        STATUS_SNOOZE_1H,
        ACTION_ITEM_DONE,
        ACTION_ITEM_SNOOZE_DAY,
        ACTION_ITEM_SNOOZE_WEEK,
        ACTION_ITEM_REASSIGN,
        PROPOSAL_ACCEPT,
        PROPOSAL_DISMISS,
        HYPOTHESIS_CONFIRM,
        HYPOTHESIS_RULE_OUT,
        HYPOTHESIS_EVIDENCE,
        HYPOTHESIS_ROOT_CAUSE,
    }
)

DECLARE_VIEW = "declare_incident"
ACTION_VIEW = "add_action_item"
EVIDENCE_VIEW = "add_hypothesis_evidence"
# Modal callback ids the bot listens for.
VIEWS = frozenset({DECLARE_VIEW, ACTION_VIEW, EVIDENCE_VIEW})

# Block and input ids inside the evidence modal.
EVIDENCE_LINK = "link"
EVIDENCE_NOTE = "note"

# Block and input ids inside the action item modal.
ACTION_TEXT = "text"
ACTION_OWNER = "owner"
ACTION_DUE = "due"
ACTION_PRIORITY = "priority"
ACTION_CATEGORY = "category"
ACTION_EFFORT = "effort"
ACTION_PHASE = "phase"

# Block and input ids inside the declare modal.
DECLARE_TITLE = "title"
DECLARE_DESCRIPTION = "description"
DECLARE_SEVERITY = "severity"
DECLARE_SERVICES = "services"
DECLARE_PRIVATE = "private"
