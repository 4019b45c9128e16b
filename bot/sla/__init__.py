"""Service levels: response targets per priority, the pure clock that says where each
target of a case stands, the deadline watcher that chases them, and listening health.

- `policy`: the validated TOML policy (targets, business hours, reminders, escalation).
- `hours`: business-time arithmetic (time zones, weekly schedules, holidays; DST-safe).
- `clock`: one pure function from a case's events, the policy and `now` to target states.
- `watcher`: the scheduler job that announces due-soon reminders and misses exactly once.
- `health`: alerts admins once when listening stops, and once when it recovers.
"""
