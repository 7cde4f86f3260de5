terraform {
  required_version = ">= 1.9" # validation blocks that refer to other variables and locals

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
  }
}
