import signal
import sys

from warehouse.cli import main

# `python -m warehouse kpis ... | head` ends quietly. Only here, for the program: main() also runs inside other
# processes (tests, a server), where a default SIGPIPE would kill the whole process on a closed socket.
signal.signal(signal.SIGPIPE, signal.SIG_DFL)
sys.exit(main())
