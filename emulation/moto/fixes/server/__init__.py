"""moto_server itself: its request dispatch, its output, and the endpoints beside the AWS APIs."""
