variable "sender_email" {
  type        = string
  description = "Address the notification service sends from. On real AWS it must be verified (click the link SES mails) and, while the account is in the SES sandbox, so must every recipient."
  default     = "orders@example.com"

  validation {
    condition     = can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", var.sender_email))
    error_message = "sender_email must be an email address."
  }
}

variable "tags" {
  type        = map(string)
  description = "Tags applied to the identity."
  default     = {}
}
