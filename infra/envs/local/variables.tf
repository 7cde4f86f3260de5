variable "endpoint" {
  type        = string
  description = "URL of the AWS emulator, for the provider (tflocal replaces the provider block, and this with it)."
  default     = "http://127.0.0.1:4566"
}

variable "region" {
  type        = string
  description = "Region the emulator is addressed in."
  default     = "us-east-1"
}

variable "dist_dir" {
  type        = string
  description = "Directory holding the function zips: relative to infra/envs/local (where Terraform runs, with -chdir), or absolute."
  default     = "../../../dist"
}

variable "source_maps" {
  type        = bool
  description = "NODE_OPTIONS=--enable-source-maps on every function, so that stack traces name the TypeScript file and line (on by default here: the local stack is where one debugs)."
  default     = true
}

variable "log_level" {
  type        = string
  description = "LOG_LEVEL of every function."
  default     = "DEBUG"
}

variable "batch_size" {
  type        = number
  description = "Maximum messages per consumer invocation (the local runtime applies it)."
  default     = 10
}

variable "maximum_batching_window_in_seconds" {
  type        = number
  description = "Seconds to wait to fill a batch (the local runtime applies it)."
  default     = 0
}

variable "max_receive_count" {
  type        = number
  description = "Receives before a message moves to the DLQ."
  default     = 3
}

variable "event_source_mappings_enabled" {
  type        = bool
  description = "true for LocalStack, which runs the mappings itself. make up passes false: moto would invoke the functions itself on every write or message, fails without Docker and drives the messages into the DLQ; the local runtime applies the mappings instead."
  default     = true
}

variable "functions_endpoint" {
  type        = string
  description = "AWS_ENDPOINT_URL given to every function, or null for none (LocalStack sets its own inside its Lambda containers, where 127.0.0.1 is the container itself). make up passes the emulator's URL for the local runtime's workers."
  default     = null
}


variable "name_prefix" {
  type        = string
  description = "Prepended to every globally named resource, as in every real environment: make up passes \"local-\" (NAME_PREFIX= for none). Empty, the default, keeps the original design's names for `tflocal apply`."
  default     = ""
}
