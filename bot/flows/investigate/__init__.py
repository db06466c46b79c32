"""Investigation in Slack: affected services, blast radius, changes and runbooks.

The `/incident services`, `blast`, `changes` and `runbooks` flows call the pure
package `bot.investigate`. The `suggestions` module posts past incidents and
runbooks of the same services after a declaration and when services are added.
"""
