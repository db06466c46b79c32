import itertools
import time

from slack_signing import slash_command_body

from bot.slack.commands import SUBCOMMANDS

FORM = "application/x-www-form-urlencoded"
TRIGGERS = itertools.count(1)


def run_command(running_bot, text: str) -> dict:
    fake = running_bot.fake_slack
    body = slash_command_body(
        text,
        response_url=fake.response_url("command"),
        trigger_id=f"{next(TRIGGERS)}.1111.help",
    )

    status, _, _ = running_bot.post(body, FORM)

    assert status == 200
    fake.wait_for(lambda: len(fake.responses) == 1)
    return fake.responses[0]


def test_help_lists_every_command(running_bot):
    reply = run_command(running_bot, "help")

    shown = "\n".join(block["text"]["text"] for block in reply["blocks"])
    assert reply["response_type"] == "ephemeral"
    for subcommand in SUBCOMMANDS:
        assert f"/incident {subcommand.usage}" in shown
        assert subcommand.example in shown


def test_empty_command_shows_help(running_bot):
    reply = run_command(running_bot, "")

    assert "/incident help" in reply["text"]


def test_unknown_command_names_closest(running_bot):
    reply = run_command(running_bot, "hepl me")

    assert "`/incident hepl` is not a command." in reply["text"]
    assert "Did you mean `/incident help`?" in reply["text"]


def test_bot_identity_fetched_once(running_bot):
    fake = running_bot.fake_slack
    run_command(running_bot, "help")
    fake.responses.clear()
    run_command(running_bot, "help")

    assert [call.method for call in fake.calls] == ["auth.test"]


def test_repeated_delivery_answered_once(running_bot):
    fake = running_bot.fake_slack
    body = slash_command_body("help", response_url=fake.response_url("command"))

    first, _, _ = running_bot.post(body, FORM)
    second, _, _ = running_bot.post(body, FORM)

    assert (first, second) == (200, 200)
    fake.wait_for(lambda: len(fake.responses) == 1)
    time.sleep(0.5)
    assert len(fake.responses) == 1
