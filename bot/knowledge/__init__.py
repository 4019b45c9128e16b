"""What the team knows: similar past cases, saved replies, holding replies, the customer in
one place (issue 15). Services here read and write the database; Slack rendering lives in
`bot.slack.builders`, listeners in `handlers.knowledge`."""
