terraform {
  required_version = ">= 1.11" # mock_provider override_during

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "5.100.0"
    }
  }
}
