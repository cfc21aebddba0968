"""The operator's commands behind bin/db/*, bin/ddb/* and bin/cognito/*: `python -m cruddur.admin <area> <command>`.

cli.py lists every command once and owns the exit codes; console.py is what a command receives (its output,
the clock, the prompt, and the settings it reads); db.py, ddb.py and cognito.py do the work.
"""
