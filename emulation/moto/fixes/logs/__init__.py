"""CloudWatch Logs: saved Logs Insights queries."""
