variable "name_prefix" {
  type        = string
  description = "Prepended to the user pool and client names, so that several environments share an account."
  default     = ""
}

variable "password_auth_enabled" {
  type        = bool
  description = "Allow USER_PASSWORD_AUTH (the password sent as is), which the local stack's `make token` uses. Off on AWS: clients use SRP."
  default     = false
}

variable "deletion_protection_enabled" {
  type        = bool
  description = "Refuse to delete the user pool (and every customer account with it)."
  default     = false
}

variable "tags" {
  type        = map(string)
  description = "Tags applied to the user pool."
  default     = {}
}

variable "ses_email" {
  type = object({
    # The verified SES identity (an address or a domain) and its ARN.
    identity     = string
    identity_arn = string
    # The From of the codes, e.g. "Shop <orders@shop.example>"; its address must be the identity's.
    from_address = string
  })
  description = "Send the pool's emails (verification codes) through this SES identity instead of Cognito's own email, whose daily quota is far below production volume; null: Cognito's own."
  default     = null
}
