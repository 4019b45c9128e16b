"""Routing by team, network and brand: which Slack channel each case goes to.

`rules` reads the `[routing]` part of the policy file (CARETHREAD_CONFIG); `route` is the
pure decision (first matching rule, else the default channel); `assign` runs it at ingest
and stores the channel on the case (`Case.route_channel`). Moving a case to another team
by hand is a case service (`bot.cases.moving`).
"""
