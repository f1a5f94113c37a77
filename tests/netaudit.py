"""Run Python code with every outbound network attempt of the process recorded (an audit hook).

    python tests/netaudit.py LOG -m streamlit run app.py ...
    python tests/netaudit.py LOG -c "code"

Each ``socket.connect``, ``socket.sendto`` and ``socket.getaddrinfo`` of the process (any thread,
any library: requests, urllib, raw sockets) appends one JSON line ``[event, host, port]`` to LOG.
No strace, no network namespace: the interpreter itself reports them (PEP 578).
"""

import json
import runpy
import socket
import sys
import threading

LOCK = threading.Lock()


def _target(event, args):
    if event == "socket.getaddrinfo":
        return args[0], args[1]
    address = args[1]
    if isinstance(address, tuple) and len(address) >= 2:
        return address[0], address[1]
    return str(address), None  # a Unix socket path


def main():
    log_path, mode, target, *rest = sys.argv[1:]
    log = open(log_path, "a", encoding="utf-8")  # noqa: SIM115 - open for the process's life

    def hook(event, args):
        if event in ("socket.connect", "socket.sendto", "socket.getaddrinfo"):
            host, port = _target(event, args)
            if isinstance(host, bytes):
                host = host.decode(errors="replace")
            with LOCK:
                log.write(json.dumps([event, host, port]) + "\n")
                log.flush()

    sys.addaudithook(hook)
    socket.setdefaulttimeout(None)
    if mode == "-m":
        sys.argv = [target, *rest]
        runpy.run_module(target, run_name="__main__", alter_sys=True)
    elif mode == "-c":
        sys.argv = ["-c", *rest]
        exec(compile(target, "<netaudit>", "exec"), {"__name__": "__main__"})
    else:
        raise SystemExit("usage: netaudit.py LOG (-m module | -c code) [args...]")


if __name__ == "__main__":
    main()
