"""Alert webhooks: store signals, post them for triage, and feed incidents."""
