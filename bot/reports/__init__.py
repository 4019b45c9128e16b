"""What leads and agents read: App Home, `/carethread` answers, the daily and weekly
reports with charts, spike alerts. Services here load views; `bot.slack.builders.home`
and `bot.slack.builders.reports` render them."""
