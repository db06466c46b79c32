"""The exceptions warroom raises on purpose.

Every one of them derives from `WarroomError`, so the edges (the command line and the
Slack listeners) can turn any of them into one message for a person:

    WarroomError
    ├── ConfigError          settings or warroom.yaml are missing or invalid
    ├── StoreError           the database could not be reached or migrated
    ├── SlackCallError       a Slack Web API call failed after its retries
    └── UserError            a request cannot be carried out as written; the
                             message explains what to change

Messages are whole sentences: what was attempted, what went wrong, what to do next.
"""


class WarroomError(Exception):
    """Root of warroom's own exceptions."""


class ConfigError(WarroomError):
    """Settings or warroom.yaml are missing or invalid."""


class StoreError(WarroomError):
    """The database could not be reached or migrated."""


class SlackCallError(WarroomError):
    """A Slack Web API call failed after its retries."""

    def __init__(self, method: str, error: str) -> None:
        super().__init__(f"Slack rejected {method}: {error}.")
        self.method = method
        self.error = error


class UserError(WarroomError):
    """A request that cannot be carried out as written; the message explains the fix."""
