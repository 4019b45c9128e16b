"""Pure Block Kit builders, one module per message kind: the case card, messages in a case
thread, DMs, ephemerals and modals.

Built with `slack_sdk.models.blocks`, whose `to_dict()` checks Slack's limits before
anything is sent. Every string from a social network or typed by a person passes through
`bot.slack.text.escape` (or `cut_escaped`) in these modules, and nowhere else needs to
remember it. Builders take views (`bot.slack.views`), never models or sessions.
"""
