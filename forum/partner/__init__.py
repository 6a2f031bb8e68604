"""The partner's queue: the concerns waiting for an official answer, answered in one step."""
