"""Run a function in a child process with a time and a memory bound.

For work whose cost depends on what users typed and cannot be predicted well enough beforehand
(a PDF render: WeasyPrint's layout of a hostile text can take minutes and gigabytes). The child
is forked from the caller, so it shares what the caller has loaded (WeasyPrint, fonts, templates)
without paying for it again, and its memory goes back to the system when it ends: the caller's
memory stays what it was, however large the work.

``run(function, *args, seconds=..., memory_mib=...)`` returns what ``function(*args)`` returns (it
must be picklable: bytes, tuples of plain values) or raises:

* ``TimeLimit`` when the child took longer than ``seconds`` (it is killed);
* ``MemoryLimit`` when it needed more than ``memory_mib`` MiB of address space beyond what the
  caller had (``resource.setrlimit(RLIMIT_AS)`` in the child: an allocation past it fails, as a
  ``MemoryError`` in Python or a crash in a C library; either ends the child);
* ``ChildFailed`` for any other exception in the child (its type and message are kept).

The child must not use the caller's database connections: pass it what it needs, return what
it made. It ends with ``os._exit``: nothing of the caller (connections, files) is closed by it.
"""

import multiprocessing
import os
import resource
import signal
import traceback


class Exceeded(Exception):
    """The work went past one of its bounds."""


class TimeLimit(Exceeded):
    pass


class MemoryLimit(Exceeded):
    pass


class ChildFailed(Exception):
    """The function raised in the child: ``kind`` is its exception type's name."""

    def __init__(self, kind: str, message: str):
        super().__init__(f"{kind}: {message}")
        self.kind = kind


def address_space_bytes() -> int:
    """This process's virtual memory size (the figure RLIMIT_AS bounds)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def resident_bytes() -> int:
    """This process's resident set size (RSS)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _child(connection, function, args, memory_bytes):
    try:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a Ctrl-C is the caller's to handle
        limit = address_space_bytes() + memory_bytes
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        result = ("ok", function(*args))
    except MemoryError:
        result = ("memory", "")
    except BaseException as error:
        result = ("error", (type(error).__name__, str(error)[:1000] or traceback.format_exc(limit=3)[-1000:]))
    try:
        connection.send(result)
    except MemoryError:
        connection.send(("memory", ""))
    except BaseException as error:
        connection.send(("error", (type(error).__name__, str(error)[:1000])))
    connection.close()
    os._exit(0)


def run(function, *args, seconds: float, memory_mib: int):
    """``function(*args)`` in a forked child, within ``seconds`` and ``memory_mib`` MiB (see the module)."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(sender, function, args, memory_mib * 1024 * 1024), daemon=True)
    process.start()
    sender.close()
    try:
        if not receiver.poll(seconds):
            raise TimeLimit(f"{seconds:g} s")
        try:
            status, value = receiver.recv()
        except EOFError:
            # The child died without answering: a C library that could not allocate aborts or
            # segfaults rather than raising. Memory is the bound it ran into.
            raise MemoryLimit(f"{memory_mib} MiB") from None
    finally:
        receiver.close()
        if process.is_alive():
            process.kill()
        process.join()
    if status == "ok":
        return value
    if status == "memory":
        raise MemoryLimit(f"{memory_mib} MiB")
    raise ChildFailed(*value)
