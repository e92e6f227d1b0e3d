# The Python fork server ("zygote"), run inside a full sandbox as
#   python3 -I -S -B -c ZYGOTE UID GID SETGROUPS NFILTERS HEX... NPRELOAD (NAME SOURCE)... SITE_DIR...
# It is the sandbox's program but stays root of the sandbox's user namespace (capabilities there,
# none on the host) and has no seccomp filter: it creates each run's namespaces and mounts. It
# never runs untrusted code. Per job it forks:
#   G (the server first re-enters its own PID namespace for children with setns and unshares a
#      new one, so its next child is PID 1 of a fresh PID namespace): unshare(mount, IPC
#      namespaces), a fresh tmpfs (the run's size) seen at /work, /tmp and
#      /dev/shm, a fresh /proc; forks P, waits for it, kills (kill -1) and reaps everything left,
#      reports P's wait status and the tree's CPU time / max RSS as status records, exits;
#   P: its stdio, closes every other descriptor, rlimits, drops every capability and the
#      bounding set, uid/gid UID/GID, no_new_privs, the seccomp filters the cold path uses, then
#      runs the program in a fresh __main__ (as the one-shot worker does).
# Job (descriptor 3, a Unix stream socket): a 72-byte header with SCM_RIGHTS carrying six
# descriptors: stdin (memfd), source (memfd), stdout, stderr, status (records), replies; then
# as many `cgroup.procs` descriptors as the header's last field says (P writes "0" to each as
# its first act, joining the run's cgroup; G stays out of it).
import os, sys, struct, ctypes, socket, resource, types
_A = sys.argv[1:]
_UID, _GID, _SETGROUPS = int(_A[0]), int(_A[1]), _A[2] == "1"
_NF = int(_A[3])
_FILTERS = [bytes.fromhex(h) for h in _A[4:4 + _NF]]
_NP = int(_A[4 + _NF])
_PRELOAD = [(_A[5 + _NF + 2 * i], _A[6 + _NF + 2 * i]) for i in range(_NP)]
sys.path.extend(_A[5 + _NF + 2 * _NP:])
del _A, sys.argv[1:]
# The caller's preloaded modules (trusted code, e.g. plaudit-code's test judge), first: compiling
# them leaves the parser's freed memory behind (~2.5 MB for the judge's 30 KB), which the imports
# below then fill instead of growing the heap. Every page the server holds is copied into the
# page tables of each fork of a run (three for a unit-test check) and unmapped at each exit.
_name = _src = _m = None
for _name, _src in _PRELOAD:
    _m = types.ModuleType(_name)
    exec(compile(_src, "<%s>" % _name, "exec"), _m.__dict__)
    sys.modules[_name] = _m
del _PRELOAD, _name, _src, _m
# Modules test programs commonly import, loaded once here (each run gets them by fork).
# (HumanEval: typing in 21 of 164 problems, math 7, random 4, copy, string, collections, re,
# hashlib; typing alone costs ~13 ms to import.) Not `threading` nor `random` (or `statistics`,
# which imports it): each registers a hook that runs Python code in every child after a fork
# (threading's state reset ~0.45 ms, random's reseed ~0.1 ms here), and a run forks three times;
# a program that imports them pays their import instead.
import typing, collections, collections.abc, itertools, functools, math, re, heapq, bisect
import string, dataclasses, fractions, decimal, copy, operator, json
import io, abc, enum, numbers, hashlib, array, time, atexit, signal, weakref, gc
import ast, importlib, resource  # plaudit-code's unit-test judge
_libc = ctypes.CDLL(None, use_errno=True)
_ul = ctypes.c_ulong
# Looked up once here (ctypes keeps them on the handle), not with dlsym in every run's G and P.
for _f in ("mount", "umount2", "unshare", "setns", "prctl", "capset", "syscall", "malloc_trim"):
    try:
        getattr(_libc, _f)
    except AttributeError:
        pass
del _f


class _Fprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


# The capability bounding set is emptied here, once: the server keeps its effective and
# permitted capabilities (it never execs, so the bounding set limits nothing it does), and every
# run's process inherits the empty set through both forks (nothing can add to it again).
for _cap in range(64):
    if _libc.prctl(24, _ul(_cap), _ul(0), _ul(0), _ul(0)) < 0:  # PR_CAPBSET_DROP
        if ctypes.get_errno() == 22:
            break
        os._exit(4)
for _cap in range(64):
    _r = _libc.prctl(23, _ul(_cap), _ul(0), _ul(0), _ul(0))  # PR_CAPBSET_READ
    if _r < 0 and ctypes.get_errno() == 22:
        break
    if _r != 0:
        os._exit(4)
del _cap, _r
_BUFS = [ctypes.create_string_buffer(f, len(f)) for f in _FILTERS]
_PROGS = [_Fprog(len(f) // 8, ctypes.addressof(b)) for f, b in zip(_FILTERS, _BUFS)]
_CAPHDR = (ctypes.c_uint32 * 2)(0x20080522, 0)
_CAPDATA = (ctypes.c_uint32 * 6)()
MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_RDONLY = 2, 4, 8, 1
MS_BIND, MS_REC, MS_PRIVATE = 4096, 16384, 1 << 18
HEADER = 72


def _fail(st, part, err):
    try:
        os.write(st, struct.pack("=4I", 1, 24, part, err))
    finally:
        os._exit(126)


def _check(rc, st, part):
    if rc < 0:
        _fail(st, part, ctypes.get_errno())


def _mount(src, dst, fstype, flags, data, st, part):
    _check(_libc.mount(src, dst, fstype, _ul(flags), data), st, part)


def _job(head, fds):
    _m, cpu_ms, mem, fsize, nofile, nproc, stack, work, _ncg = struct.unpack("<8s8Q", head)
    stdin, src, out, err, st, rep = fds[:6]
    cgs = fds[6:]
    try:
        os.close(_ctl.detach())
        os.close(_PIDNS)
        os.setsid()
        # G, PID 1 of the run: its own mount and IPC namespaces (CLONE_NEWNS | CLONE_NEWIPC).
        _check(_libc.unshare(0x00020000 | 0x08000000), st, 1)
        _mount(None, b"/", None, MS_REC | MS_PRIVATE, None, st, 2)
        size = max(work, 64 << 10)
        opts = b"size=%d,nr_inodes=%d,mode=0755" % (size, min(max(size // 16384, 1024), 1 << 20))
        # One tmpfs, made on /proc (replaced below), seen at three places.
        _mount(b"tmpfs", b"/proc", b"tmpfs", MS_NOSUID | MS_NODEV, opts, st, 3)
        for sub, mode in ((b"work", 0o755), (b"tmp", 0o1777), (b"shm", 0o1777)):
            os.mkdir(b"/proc/" + sub)
            os.chmod(b"/proc/" + sub, mode)
        os.chown(b"/proc/work", _UID, _GID)
        for sub, dst in ((b"work", b"/work"), (b"tmp", b"/tmp"), (b"shm", b"/dev/shm")):
            _mount(b"/proc/" + sub, dst, None, MS_BIND, None, st, 4)
        _check(_libc.umount2(b"/proc", 2), st, 5)
        _mount(b"proc", b"/proc", b"proc", MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY, None, st, 6)
        p = os.fork()
        if p == 0:
            for k, fd in enumerate(cgs):
                try:
                    if os.write(fd, b"0") != 1:
                        _fail(st, 15 + k, 5)
                    os.close(fd)
                except OSError as e:
                    _fail(st, 15 + k, e.errno or 5)
            _program(stdin, src, out, err, st, rep, cpu_ms, mem, fsize, nofile, nproc, stack)
    except BaseException as e:
        _fail(st, 7, getattr(e, "errno", None) or 0)
    for fd in (stdin, src, out, err, rep) + tuple(cgs):
        os.close(fd)
    status = 0
    while True:
        try:
            pid, status, _ru = os.wait4(-1, 0)
        except InterruptedError:
            continue
        except ChildProcessError:
            break
        if pid == p:
            break
    try:
        os.kill(-1, 9)
    except OSError:
        pass
    while True:
        try:
            os.wait4(-1, 0)
        except InterruptedError:
            continue
        except ChildProcessError:
            break
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    us = int(round((ru.ru_utime + ru.ru_stime) * 1e6))
    os.write(st, struct.pack("=4I", 2, status & 0xFFFFFFFF, 0, 0)
             + struct.pack("=4I", 4, max(ru.ru_maxrss, 0) & 0xFFFFFFFF, us & 0xFFFFFFFF, us >> 32))
    os._exit(0)


def _program(stdin, src, out, err, st, rep, cpu_ms, mem, fsize, nofile, nproc, stack):
    os.setsid()
    _libc.prctl(1, _ul(9), _ul(0), _ul(0), _ul(0))  # PR_SET_PDEATHSIG, SIGKILL
    size = os.fstat(src).st_size
    code = bytearray()
    while len(code) < size:
        chunk = os.pread(src, size - len(code), len(code))
        if not chunk:
            break
        code += chunk
    code = bytes(code)
    for fd, to in ((stdin, 0), (out, 1), (err, 2), (rep, 3)):
        os.dup2(fd, to)
    if st != 4:
        os.dup2(st, 4, inheritable=False)
        st = 4
    os.set_inheritable(4, False)
    # close_range(5, ~0, 0): every other descriptor, whatever the fork server holds.
    _check(_libc.syscall(_ul(436), ctypes.c_uint(5), ctypes.c_uint(0xFFFFFFFF), ctypes.c_uint(0)), st, 8)
    os.chdir(b"/work")
    R = resource
    try:
        cpu = max(1, -(-cpu_ms // 1000))
        R.setrlimit(R.RLIMIT_CPU, (cpu, cpu + 1))
        R.setrlimit(R.RLIMIT_AS, (mem, mem))
        R.setrlimit(R.RLIMIT_FSIZE, (fsize, fsize))
        R.setrlimit(R.RLIMIT_NOFILE, (nofile, nofile))
        R.setrlimit(R.RLIMIT_NPROC, (nproc, nproc))
        _soft, hard = R.getrlimit(R.RLIMIT_STACK)
        R.setrlimit(R.RLIMIT_STACK, (min(stack, hard), hard))
    except (OSError, ValueError) as e:
        _fail(st, 9, getattr(e, "errno", None) or 22)
    # (The bounding set is already empty: the server emptied it at start.)
    try:
        if _SETGROUPS:
            os.setgroups([])
        os.setresgid(_GID, _GID, _GID)
        os.setresuid(_UID, _UID, _UID)
    except OSError as e:
        _fail(st, 11, e.errno or 1)
    _libc.prctl(47, _ul(4), _ul(0), _ul(0), _ul(0))  # PR_CAP_AMBIENT_CLEAR_ALL
    _check(_libc.capset(_CAPHDR, _CAPDATA), st, 12)
    _check(_libc.prctl(38, _ul(1), _ul(0), _ul(0), _ul(0)), st, 13)  # PR_SET_NO_NEW_PRIVS
    for prog in _PROGS:
        _check(_libc.prctl(22, _ul(2), ctypes.byref(prog), _ul(0), _ul(0)), st, 14)
    os.close(st)
    ru = resource.getrusage(resource.RUSAGE_SELF)
    os.write(3, b"B" + struct.pack("<Q", int((ru.ru_utime + ru.ru_stime) * 1e9)))
    with open("main.py", "wb") as fh:
        fh.write(code)
    _plaudit_main(code)


_PIDNS = os.open("/proc/self/ns/pid", os.O_RDONLY | os.O_CLOEXEC)
_ctl = socket.socket(fileno=3)
# Everything loaded so far is shared with every run: keep the collector off those objects (it
# would write to their pages in each run, copying them).
gc.collect()
gc.freeze()
# Then the heap's free pages go back to the kernel (glibc's malloc_trim; ~1.5 MB here), so that
# the forks neither copy their page-table entries nor unmap them.
try:
    _libc.malloc_trim(_ul(0))
except AttributeError:
    pass
_ctl.sendall(b"R")
while True:
    while True:
        try:
            if os.waitpid(-1, os.WNOHANG)[0] == 0:
                break
        except ChildProcessError:
            break
    try:
        msg, fds, _flags, _addr = socket.recv_fds(_ctl, HEADER, 8)
    except InterruptedError:
        continue
    if not msg:
        os._exit(0)
    while len(msg) < HEADER:
        more = _ctl.recv(HEADER - len(msg))
        if not more:
            os._exit(0)
        msg += more
    if len(fds) != 6 + struct.unpack("<Q", msg[64:72])[0] or len(fds) > 8 or msg[:8] != b"PLAUDITZ":
        for fd in fds:
            os.close(fd)
        os._exit(3)
    # The next child is PID 1 of a new PID namespace: back to our own namespace for children
    # (the previous run's is dead), then a new one (CLONE_NEWPID).
    if _libc.setns(_PIDNS, 0x20000000) < 0 or _libc.unshare(0x20000000) < 0:
        _e = ctypes.get_errno()
        try:
            os.write(fds[4], struct.pack("=4I", 1, 24, 1, _e))
        except OSError:
            pass
    else:
        try:
            if os.fork() == 0:
                _job(msg, fds)
                os._exit(127)
        except OSError as _e:
            try:
                os.write(fds[4], struct.pack("=4I", 1, 24, 7, _e.errno or 0))
            except OSError:
                pass
    for fd in fds:
        os.close(fd)
