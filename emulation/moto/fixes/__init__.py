"""The launcher's fixes of moto, one module per fix, grouped by the service whose answers they change.

Each module's docstring says what moto does, what AWS does, and what the fix changes; its apply() patches
moto in place. launcher.py lists them and applies them in order."""
