"""Moderation: flags, the moderators' queue, and the append-only moderation log."""

# Imported with the package, so that whatever touches moderation also guards the log.
from forum.moderation import append_only as append_only
