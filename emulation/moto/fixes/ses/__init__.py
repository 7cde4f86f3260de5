"""SES: the emails it accepted, listed as LocalStack lists them."""
