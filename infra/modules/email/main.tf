# SESv2, the API the notification function's client (@aws-sdk/client-sesv2) uses.
resource "aws_sesv2_email_identity" "sender" {
  email_identity = var.sender_email
  tags           = var.tags
}
