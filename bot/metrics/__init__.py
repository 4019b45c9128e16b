"""What the audit trail adds up to: response rate and time, first/next response and
resolution times, volumes, per-agent figures, spikes and the network bill.

`definitions` holds every definition once, as pure functions over plain records;
`queries` loads those records from SQLite or PostgreSQL; `spike` and `cost` are pure too.
"""
