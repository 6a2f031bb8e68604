"""Running Agora: health and readiness, metrics, request ids and logs, backups, its source."""
