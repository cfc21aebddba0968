"""Exit codes and the one error type for failures we know how to explain.

A known failure (OpsError, or an AWS API error) prints one line and exits with its code; anything else
is a bug and keeps its traceback (cli.main), so the two are never confused.
"""

OK = 0
FAILED = 1            # a known failure: the one printed line says what and why
CHANGES = 2           # diff: local and live differ
ROLLED_BACK = 3       # deploy: rolled back (circuit breaker, deployment alarm, or ours on a fast failure) and settled
TIMED_OUT = 4         # deploy: our own timeout passed before the deployment completed
SUPERSEDED = 5        # deploy: another deployment replaced ours while we waited
VERIFY_FAILED = 6     # deploy/verify: a pre-flight check failed, nothing was changed
FAILED_FAST = 7       # deploy: failed fast (image missing, secrets unreadable, crash loop), not rolled back
# The release gate (verify, register, deploy, trust): nothing was registered or changed.
UNTRUSTED = 8         # the image is not signed by a release key for this digest, or its tag has moved
VULNERABLE = 9        # a HIGH or CRITICAL finding without a current exception
UNSCANNED = 10        # the image's scan failed, never ran, or did not complete in time
MIGRATION_FAILED = 11  # deploy: the migration task on the new definition failed; the service was not changed
USAGE = 64            # bad command line (EX_USAGE), kept apart from diff's 2
BUG = 70              # unexpected exception (EX_SOFTWARE): traceback printed
INTERRUPTED = 130     # Ctrl-C (128 + SIGINT); deploy first says what state it leaves


class OpsError(Exception):
    """A failure with a one-line explanation for the operator."""

    def __init__(self, message: str, exit_code: int = FAILED):
        super().__init__(message)
        self.exit_code = exit_code
