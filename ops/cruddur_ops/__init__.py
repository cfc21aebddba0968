"""Cruddur's operations CLI: images, task definitions, services, deploys, infrastructure, audit.

`python -m cruddur_ops <command>`; the commands are listed once, in `cruddur_ops.cli.COMMANDS`.
"""
