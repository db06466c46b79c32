"""Investigation in Slack: affected services, blast radius, changes and runbooks.

`/incident services`, `blast`, `changes` and `runbooks` call the pure package
`bot.investigate`; `suggestions` posts past incidents and runbooks of the same
services after a declaration and when services are added.
"""
