"""SNS: a topic keeps its latest published messages only."""
