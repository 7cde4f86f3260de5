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
