"""Flows: each user action as a sequence of store writes followed by Slack calls.

A flow commits what happened before it calls Slack, so a Slack failure can delay a
message but never lose a recorded fact.
"""
