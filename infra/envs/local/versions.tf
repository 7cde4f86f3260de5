terraform {
  # What CI and the tests run (1.11.4, the workflows' TERRAFORM_VERSION).
  required_version = "~> 1.11"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "5.100.0"
    }
  }
}
