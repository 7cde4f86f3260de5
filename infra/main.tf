# infra/ itself is only the root `terraform test` runs from (tests/*.tftest.hcl load each
# module and env with run { module { source = ... } }): it declares no resources. Terraform
# requires test files to sit under the configuration they test, and module-level tests are
# the only way to assert on resources inside modules and on their validation blocks.
# main.tf, variables.tf and outputs.tf stay empty: the standard module structure TFLint checks.
