terraform {
  # What CI and the tests run (1.11.4, the workflows' TERRAFORM_VERSION); the S3 backend's
  # use_lockfile needs 1.10 or later, which ">= 1.9" let through.
  required_version = "~> 1.11"

  # Partial configuration: bucket, key, region (and use_lockfile = true, or dynamodb_table)
  # come from the command line, so no account detail lives in the repository:
  #   terraform init -backend-config=bucket=<state-bucket> -backend-config=key=order-fanout/terraform.tfstate \
  #     -backend-config=region=us-east-1 -backend-config=use_lockfile=true
  # or -backend-config=<file.s3.tfbackend> holding the same keys.
  backend "s3" {}

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "5.100.0"
    }
  }
}
