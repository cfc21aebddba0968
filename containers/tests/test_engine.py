"""A dockerd of our own leaves nothing behind: no process, no bridge, no NAT rule, no mount or socket folder.

Uses a second, throwaway daemon (its own state folder and socket) beside the session's engine.
"""
from __future__ import annotations

import subprocess
from pathlib import Path

from containers.engine import Engine, host_links, mounts_under


def iptables_rules() -> str:
    return "".join(subprocess.run(["iptables", "-t", table, "-S"], capture_output=True, text=True,
                                  check=False).stdout for table in ("filter", "nat"))


def test_own_daemon_is_stopped_with_its_bridges_and_adds_no_nat_rules(scratch):
    before = host_links()
    engine = Engine.start(scratch / "throwaway-engine", lifetime_s=300, start_timeout=60)
    try:
        assert engine.owned and engine.answers()
        engine.docker("network", "create", "cruddur-engine-proof")
        bridge = "br-" + engine.docker("network", "inspect", "--format", "{{.Id}}", "cruddur-engine-proof").stdout[:12]
        assert bridge in host_links(), "a user network makes a bridge on the host"
        assert bridge not in iptables_rules(), "no NAT or filter rule is made for the bridge"
        assert "docker0" not in host_links() - before, "the daemon runs without the default bridge"
    finally:
        engine.stop()
    assert engine.process.poll() is not None, "dockerd still runs"
    assert bridge not in host_links() and "docker0" not in host_links() - before
    exec_root = Path(engine.host.removeprefix("unix://")).parent
    assert not exec_root.exists() and mounts_under(exec_root) == [], "exec root or its mounts left behind"
    assert mounts_under(engine.data_root) == [], "data root still mounted"
