"""Help while writing a reply: spelling, tone, the network's length (issue 15). Pure
functions over the draft's text, fast enough to run inside Slack's 3-second window."""
