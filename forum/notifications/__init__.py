"""Email notifications: what happened, who is told, and the outbox that sends it."""
