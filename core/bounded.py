"""Run a function in a child process with a time and a memory bound.

For work whose cost depends on what users typed and cannot be predicted well enough beforehand
(a PDF render: WeasyPrint's layout of a hostile text can take minutes and gigabytes). The child
comes from multiprocessing's *fork server*: a small process started once, single-threaded, that
has imported the modules named in ``preload`` (for PDFs: Django set up and WeasyPrint loaded) and
forks a child for each call. So a call pays neither the imports nor a fork of the caller (which
may hold threads: a database pool's; forking a threaded process can deadlock the child), and the
child's memory goes back to the system when it ends: the caller's memory stays what it was,
however large the work.

``run(function, *args, seconds=..., memory_mib=..., preload=[...])`` returns what
``function(*args)`` returns or raises (``function`` is passed by name: a module-level function,
or ``"module:name"`` to import it in the child only; its arguments and result are pickled:
strings, bytes, tuples of plain values):

* ``TimeLimit`` when the child took longer than ``seconds`` (it is killed);
* ``MemoryLimit`` when it needed more than ``memory_mib`` MiB of address space beyond what the
  caller had (``resource.setrlimit(RLIMIT_AS)`` in the child: an allocation past it fails, as a
  ``MemoryError`` in Python or a crash in a C library; either ends the child);
* ``ChildFailed`` for any other exception in the child (its type and message are kept).

The child has no database connection of the caller's: pass it what it needs, return what it made.
"""

import importlib
import math
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


def _child(connection, function, args, memory_bytes, seconds):
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a Ctrl-C is the caller's to handle
        # A backstop if the caller is gone (killed while it waited): the child ends itself a little
        # after the caller would have stopped it (SIGALRM's default action ends the process).
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
        signal.alarm(math.ceil(seconds) + 5)
        if isinstance(function, str):  # "module:name", imported here, not in the caller
            module, _sep, name = function.partition(":")
            function = getattr(importlib.import_module(module), name)
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


# Modules the fork server preloads beside those a call names: an app that runs work here adds its
# own in ``AppConfig.ready()`` (the server is shared: whichever call starts it names what it loads).
PRELOAD: list[str] = []


def run(function, *args, seconds: float, memory_mib: int, preload=()):
    """``function(*args)`` in a child of the fork server, within ``seconds`` and ``memory_mib`` MiB
    (see the module). ``preload``: modules the fork server imports when it starts."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(list(dict.fromkeys([*preload, *PRELOAD])))  # for the server's start
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(
        target=_child, args=(sender, function, args, memory_mib * 1024 * 1024, seconds), daemon=True
    )
    process.start()
    sender.close()
    try:
        if not receiver.poll(seconds):
            raise TimeLimit(f"{seconds:g} s")
        try:
            status, value = receiver.recv()
        except EOFError:
            status, value = "died", None
    finally:
        receiver.close()
        if process.is_alive():
            process.kill()
        process.join()
    if status == "died":
        # The child ended without answering. Killed by a signal: a C library that could not
        # allocate aborts or segfaults rather than raising, so memory is the bound it met.
        if process.exitcode is not None and process.exitcode < 0:
            raise MemoryLimit(f"{memory_mib} MiB")
        raise ChildFailed("exit", f"the render process ended with code {process.exitcode}")
    if status == "ok":
        return value
    if status == "memory":
        raise MemoryLimit(f"{memory_mib} MiB")
    raise ChildFailed(*value)
