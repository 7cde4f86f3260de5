# infra/ itself is only the root `terraform test` runs from (tests/*.tftest.hcl load each
# module and env with run { module { source = ... } }): it declares no resources. Terraform
# requires test files to sit under the configuration they test, and module-level tests are
# the only way to assert on resources inside modules and on their validation blocks.
terraform {
  required_version = ">= 1.11" # mock_provider override_during

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "5.100.0"
    }
  }
}
