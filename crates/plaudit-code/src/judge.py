# Plaudit's unit-test judge (Python). Trusted code: the program the sandbox runs is this file,
# then `_plaudit_judge(SOLUTION)`; the tests come on standard input as JSON
# {"mode": "tests" | "check", "code": ..., "entry": ...}.
#
# Two processes. The judge (this process) makes itself non-dumpable (so a process of the same
# uid cannot read or write its memory through /proc, and ptrace is denied by the sandbox's
# seccomp filter anyway), then forks the SOLUTION'S PROCESS before it reads the tests. That
# child closes standard input and output and every descriptor but its two request pipes, then
# loads the solution and answers requests: evaluate an expression, call a function, look up a
# name. Each answer is the value as plain data (int, float, str, bool, None, list, tuple, dict,
# set, exactly those types) or what went wrong. The judge alone holds the run's standard output,
# where it writes one JSON record per line.
#
# Literal form (every statement is `assert X == Y` with one side the test's own constant
# expression, `assert X is True|False|None`, `assert X`, `assert not X`): the solution's process
# evaluates X and the judge writes the expected value (which it computed) and the actual value:
# Plaudit compares them outside the sandbox. Anything else runs here in the judge with the
# solution's names as proxies that call into the solution's process, `==`/`!=` made type-strict.
# Expected values never enter the solution's process (except what the test code itself passes
# to the solution's functions).
import os as _o, sys as _s, json as _j, ast as _a, types as _ty, builtins as _bi
import importlib as _il, resource as _rs, ctypes as _ct, signal as _sg, re as _re

# Python 3.11+ refuses int <-> str conversions above 4300 digits; a solution's int crosses as
# decimal text, and the test code may print or parse big ints: no limit in either process.
if hasattr(_s, "set_int_max_str_digits"):
    _s.set_int_max_str_digits(0)

_PURE = frozenset(
    "abs all any bool dict divmod float frozenset int len list max min pow range reversed round "
    "set sorted str sum tuple zip enumerate map filter chr ord hex bin oct repr isinstance True "
    "False None".split()
)
_STDLIB = frozenset(getattr(_s, "stdlib_module_names", ("math", "re", "collections", "itertools",
                                                      "functools", "string", "heapq", "bisect")))
_DEPTH = 64
_LIMIT = 64 << 20


class _NotPlain(Exception):
    pass


def _enc(v, d=0):
    if d > _DEPTH:
        raise _NotPlain("a value nested deeper than %d levels" % _DEPTH)
    t = type(v)
    if t is bool:
        return ["b", v]
    if t is int:
        return ["i", str(v)]
    if t is float:
        return ["f", repr(v)]
    if t is str:
        return ["s", v]
    if v is None:
        return ["n"]
    if t is list:
        return ["l", [_enc(x, d + 1) for x in v]]
    if t is tuple:
        return ["t", [_enc(x, d + 1) for x in v]]
    if t is dict:
        return ["d", [[_enc(k, d + 1), _enc(x, d + 1)] for k, x in v.items()]]
    if t is set or t is frozenset:
        return ["S", [_enc(x, d + 1) for x in v]]
    raise _NotPlain("a `%s` object" % t.__name__)


def _valid(e, d=0):
    # The solution's process may send anything: check the shape strictly.
    if d > _DEPTH + 2 or type(e) is not list or not e or type(e[0]) is not str:
        raise ValueError("malformed value")
    t, n = e[0], len(e)
    if t == "b" and n == 2 and type(e[1]) is bool:
        return e
    if t == "i" and n == 2 and type(e[1]) is str and e[1].lstrip("-").isdigit() and e[1].isascii():
        return e
    if t == "f" and n == 2 and type(e[1]) is str and len(e[1]) < 40:
        float(e[1])
        return e
    if t == "s" and n == 2 and type(e[1]) is str:
        return e
    if t == "n" and n == 1:
        return e
    if t in ("l", "t", "S") and n == 2 and type(e[1]) is list:
        for x in e[1]:
            _valid(x, d + 1)
        return e
    if t == "d" and n == 2 and type(e[1]) is list:
        for kv in e[1]:
            if type(kv) is not list or len(kv) != 2:
                raise ValueError("malformed value")
            _valid(kv[0], d + 1)
            _valid(kv[1], d + 1)
        return e
    raise ValueError("malformed value")


def _dec(e):
    t = e[0]
    if t == "b" or t == "s":
        return e[1]
    if t == "i":
        return int(e[1])
    if t == "f":
        x = float(e[1])
        if x != x:
            raise ValueError("the solution returned nan")
        return x
    if t == "n":
        return None
    if t == "l":
        return [_dec(x) for x in e[1]]
    if t == "t":
        return tuple(_dec(x) for x in e[1])
    if t == "S":
        return {_dec(x) for x in e[1]}
    return {_dec(k): _dec(v) for k, v in e[1]}


def _send(fd, obj):
    b = _j.dumps(obj, ensure_ascii=True).encode()
    data = memoryview(len(b).to_bytes(8, "little") + b)
    while data:
        data = data[_o.write(fd, data):]


def _readn(fd, n):
    buf = bytearray()
    while len(buf) < n:
        chunk = _o.read(fd, min(n - len(buf), 1 << 20))
        if not chunk:
            return None
        buf += chunk
    return bytes(buf)


def _recv(fd):
    head = _readn(fd, 8)
    if head is None:
        return None
    n = int.from_bytes(head, "little")
    if n > _LIMIT:
        raise ValueError("a message of %d bytes" % n)
    body = _readn(fd, n)
    if body is None:
        return None
    return _j.loads(body)


def _exc_name(e):
    return "%s: %s" % (type(e).__name__, str(e)[:300])


def _child(solution, req, rep):
    # The solution's process. Nothing of the tests is in this process's memory: the judge reads
    # them from standard input only after this fork, and standard input is closed here.
    nul = _o.open("/dev/null", _o.O_RDWR)
    _o.dup2(nul, 0)
    _o.dup2(nul, 1)
    _o.close(nul)
    lo, hi = min(req, rep), max(req, rep)
    _o.closerange(3, lo)
    _o.closerange(lo + 1, hi)
    _o.closerange(hi + 1, 1 << 20)
    try:
        _s.set_int_max_str_digits(0)
    except AttributeError:
        pass
    mod = _ty.ModuleType("solution")
    _s.modules["solution"] = mod
    g = mod.__dict__
    try:
        code = compile(solution, "<solution>", "exec")
    except (SyntaxError, ValueError) as e:
        _s.__excepthook__(type(e), e, e.__traceback__)
        _send(rep, ["syntax", _exc_name(e)])
        _o._exit(0)
    del solution
    try:
        exec(code, g)
    except MemoryError:
        _send(rep, ["mem"])
        _o._exit(0)
    except BaseException as e:
        _s.__excepthook__(type(e), e, e.__traceback__)
        _send(rep, ["load", _exc_name(e)])
        _o._exit(0)
    _send(rep, ["ready"])
    while True:
        msg = _recv(req)
        if msg is None:
            _o._exit(0)
        try:
            op = msg[0]
            if op == "eval":
                ns = dict(g)
                if msg[2]:
                    if msg[3] not in g:
                        raise NameError("name %r is not defined" % msg[3])
                    ns[msg[2]] = g[msg[3]]
                v = eval(compile(msg[1], "<test>", "eval"), ns)
            elif op == "call":
                if msg[1] not in g:
                    raise NameError("name %r is not defined" % msg[1])
                f = g[msg[1]]
                v = f(*[_dec(x) for x in msg[2]], **{k: _dec(x) for k, x in msg[3]})
            else:  # "get"
                if msg[1] not in g:
                    _send(rep, ["missing"])
                    continue
                v = g[msg[1]]
                if isinstance(v, _ty.ModuleType):
                    _send(rep, ["module", v.__name__])
                    continue
                if callable(v):
                    _send(rep, ["callable"])
                    continue
            try:
                r = ["ok", _enc(v)]
            except _NotPlain as e:
                r = ["np", str(e)]
        except MemoryError:
            r = ["mem"]
        except BaseException as e:
            _s.__excepthook__(type(e), e, e.__traceback__)
            r = ["exc", type(e).__name__, str(e)[:300]]
        v = None
        _send(rep, r)


class _Died(BaseException):
    # Not an Exception: test code that catches Exception around a call cannot swallow it.
    pass


class _Judge:
    def __init__(self, req, rep, pid, out):
        self.req, self.rep, self.pid, self.out = req, rep, pid, out
        self.dead = None
        # F_GETPIPE_SZ: how much may be sent ahead of the replies (see _AHEAD).
        self.window = _AHEAD if _LIBC.fcntl(req, 1032) >= 2 * _AHEAD else 0

    def record(self, *r):
        b = (_j.dumps(list(r), ensure_ascii=True) + "\n").encode()
        data = memoryview(b)
        while data:
            data = data[_o.write(self.out, data):]

    def ask(self, msg):
        if self.dead:
            raise _Died(self.dead)
        try:
            _send(self.req, msg)
        except (OSError, ValueError):
            return self.answer(False)
        return self.answer(True)

    def answer(self, sent):
        # The reply to a request sent (`sent`: it was written whole).
        if self.dead:
            raise _Died(self.dead)
        r = None
        if sent:
            try:
                r = _recv(self.rep)
            except (OSError, ValueError):
                r = None
        if r is None or type(r) is not list or not r:
            self.dead = self.died()
            raise _Died(self.dead)
        return r

    def died(self):
        try:
            _o.kill(self.pid, 9)
        except OSError:
            pass
        try:
            _p, st = _o.waitpid(self.pid, 0)
        except OSError:
            return "the solution's process ended"
        if _o.WIFSIGNALED(st):
            return "the solution's process was killed by signal %d" % _o.WTERMSIG(st)
        return "the solution's process exited with code %d" % _o.WEXITSTATUS(st)


def _names(node):
    return {n.id for n in _a.walk(node) if isinstance(n, _a.Name)}


def _bound(tree):
    b = set()
    for st in tree.body:
        if isinstance(st, (_a.FunctionDef, _a.AsyncFunctionDef, _a.ClassDef)):
            b.add(st.name)
        elif isinstance(st, (_a.Import, _a.ImportFrom)):
            for al in st.names:
                b.add((al.asname or al.name).split(".")[0])
        else:
            for n in _a.walk(st):
                if isinstance(n, _a.Name) and isinstance(n.ctx, _a.Store):
                    b.add(n.id)
    return b


def _plan(tree, mode):
    # The literal plan: [(kind, expr_on_the_solution_side | None, expected_node | None)], and the
    # candidate's name (check mode); None when the test code is not in the literal form.
    bound = _bound(tree)
    cand = None
    if mode == "check":
        body = None
        for st in tree.body:
            if isinstance(st, _a.FunctionDef) and st.name == "check":
                a = st.args
                if body is not None or len(a.args) != 1 or a.vararg or a.kwarg or a.kwonlyargs or a.posonlyargs or st.decorator_list:
                    return None, None
                body, cand = st.body, a.args[0].arg
            elif isinstance(st, (_a.Import, _a.ImportFrom, _a.Assign, _a.Expr, _a.Pass)):
                continue
            else:
                return None, None
        if body is None:
            return None, None
    else:
        body = tree.body
    closed_names = _PURE | bound
    if cand:
        closed_names = closed_names - {cand}

    def closed(n):
        return _names(n) <= closed_names

    def solution_side(n):
        # Evaluated in the solution's process: it must hold no comparison or logic (a test
        # constant inside `X == 10` or `X and …` would reach the solution, and its objects'
        # operators would decide), only calls, names, attributes, subscripts, constants,
        # containers and arithmetic.
        for x in _a.walk(n):
            if isinstance(x, (_a.Compare, _a.BoolOp, _a.IfExp, _a.Lambda, _a.NamedExpr, _a.ListComp,
                              _a.SetComp, _a.DictComp, _a.GeneratorExp, _a.Await, _a.Yield,
                              _a.YieldFrom, _a.Starred, _a.JoinedStr)):
                return False
            if isinstance(x, _a.UnaryOp) and isinstance(x.op, _a.Not):
                return False
        ns = _names(n)
        return not ns <= closed_names and not (ns & bound)

    plan = []
    for st in body:
        if isinstance(st, _a.Pass) or (isinstance(st, _a.Expr) and isinstance(st.value, _a.Constant)):
            continue
        if not isinstance(st, _a.Assert):
            return None, None
        t = st.test
        if closed(t):
            plan.append(("const", None, t))
        elif isinstance(t, _a.Compare) and len(t.ops) == 1 and isinstance(t.ops[0], _a.Eq):
            left, right = t.left, t.comparators[0]
            if solution_side(left) and closed(right):
                plan.append(("v", left, right))
            elif solution_side(right) and closed(left):
                plan.append(("v", right, left))
            else:
                return None, None
        elif (isinstance(t, _a.Compare) and len(t.ops) == 1 and isinstance(t.ops[0], _a.Is)
              and isinstance(t.comparators[0], _a.Constant) and t.comparators[0].value in (True, False, None)
              and solution_side(t.left)):
            plan.append(("v", t.left, t.comparators[0]))
        elif isinstance(t, _a.UnaryOp) and isinstance(t.op, _a.Not) and solution_side(t.operand):
            plan.append(("not", t.operand, None))
        elif solution_side(t):
            plan.append(("truth", t, None))
        else:
            return None, None
    return plan, cand


def _seq(a, b):
    ta, tb = type(a), type(b)
    if ta is bool or tb is bool:
        return ta is tb and a == b
    if ta in (int, float) and tb in (int, float):
        return a == b
    if ta in (list, tuple) or tb in (list, tuple):
        return ta is tb and len(a) == len(b) and all(_seq(x, y) for x, y in zip(a, b))
    if ta is dict or tb is dict:
        if ta is not tb or len(a) != len(b):
            return False
        keys = {k: k for k in b}
        return all(k in keys and _seq(k, keys[k]) and _seq(v, b[k]) for k, v in a.items())
    if ta in (set, frozenset) or tb in (set, frozenset):
        if ta not in (set, frozenset) or tb not in (set, frozenset) or len(a) != len(b):
            return False
        keys = {k: k for k in b}
        return all(k in keys and _seq(k, keys[k]) for k in a)
    if ta is str or tb is str:
        return ta is tb and a == b
    if a is None or b is None:
        return a is b
    return a == b


import operator as _op


def _tname(v):
    return type(v).__name__


def _strict_eq(a, b):
    # Type-strict ==, sound in both polarities: where Python's == and the strict comparison
    # disagree (False == 0, True == 1, [1] == [True], {1: 2} == {True: 2}), the comparison is an
    # AssertionError, so neither `==` nor its negation (`!=`, `not … == …`, `if … == …: raise`)
    # can pass on a value that is only loosely equal.
    if _seq(a, b):
        return True
    try:
        loose = bool(a == b)
    except Exception:
        loose = False
    if loose:
        raise AssertionError("%s (%s) and %s (%s) are equal to Python's == but not of the same type "
                             "(a bool equals only a bool, a list never a tuple)"
                             % (repr(a)[:120], _tname(a), repr(b)[:120], _tname(b)))
    return False


def _strict_in(x, y):
    # Membership by the strict ==, sound the same way: `True in [1, 2]`, `0 in {False}` raise.
    loose = x in y
    if not loose or type(y) not in (list, tuple, set, frozenset, dict):
        return loose
    if type(y) in (set, frozenset, dict) and type(x) not in (bool, int, float, tuple, frozenset):
        return loose
    for e in y:
        if _seq(x, e):
            return True
    raise AssertionError("%s (%s) is in %s only by Python's == (no element of the same type)"
                         % (repr(x)[:120], _tname(x), repr(y)[:120]))


def _plaudit_cmp(left, ops, *rights):
    op = _op
    for o, r in zip(ops, rights):
        if o == "==":
            ok = _strict_eq(left, r)
        elif o == "!=":
            ok = not _strict_eq(left, r)
        elif o == "in":
            ok = _strict_in(left, r)
        elif o == "not in":
            ok = not _strict_in(left, r)
        else:
            ok = {"<": op.lt, "<=": op.le, ">": op.gt, ">=": op.ge, "is": op.is_, "is not": op.is_not,
                  "in": lambda x, y: x in y, "not in": lambda x, y: x not in y}[o](left, r)
        if not ok:
            return False
        left = r
    return True


_OPS = {_a.Eq: "==", _a.NotEq: "!=", _a.Lt: "<", _a.LtE: "<=", _a.Gt: ">", _a.GtE: ">=",
        _a.Is: "is", _a.IsNot: "is not", _a.In: "in", _a.NotIn: "not in"}


class _Strict(_a.NodeTransformer):
    def visit_Compare(self, node):
        self.generic_visit(node)
        if not any(isinstance(o, (_a.Eq, _a.NotEq, _a.In, _a.NotIn)) for o in node.ops):
            return node
        ops = _a.Tuple([_a.Constant(_OPS[type(o)]) for o in node.ops], _a.Load())
        call = _a.Call(_a.Name("_plaudit_cmp", _a.Load()), [node.left, ops] + node.comparators, [])
        return _a.copy_location(call, node)


# Requests sent ahead of their replies stay within one page, and only on a request pipe of two
# pages or more (a user over its pipe quota gets smaller ones): the pipe then holds them whatever
# the solution's process is doing, so sending never blocks while its replies wait.
_AHEAD = 4096


def _frame(obj):
    b = _j.dumps(obj, ensure_ascii=True).encode()
    return len(b).to_bytes(8, "little") + b


_LINE = _re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def _source_lines(source):
    # The source's lines with their ends, split as the parser splits them (at \r\n, \r or \n
    # only): what ast.get_source_segment splits, character by character, at every call.
    return _LINE.findall(source)


def _segment(lines, node):
    # ast.get_source_segment(source, node) on the source's lines (column offsets are UTF-8 byte
    # offsets); None when the node has no end position.
    try:
        if node.end_lineno is None or node.end_col_offset is None:
            return None
        first, last = node.lineno - 1, node.end_lineno - 1
        col, end_col = node.col_offset, node.end_col_offset
    except AttributeError:
        return None
    if first == last:
        return lines[first].encode()[col:end_col].decode()
    return "".join([lines[first].encode()[col:].decode()] + lines[first + 1:last]
                   + [lines[last].encode()[:end_col].decode()])


def _run_literal(j, code, tree, plan, cand, entry):
    g = {"__name__": "plaudit_test", "__builtins__": _bi}
    if cand:
        # check mode: the module defines check (not called), imports, constants.
        exec(compile(tree, "<test>", "exec"), g)
    expected = []
    for kind, side, exp in plan:
        if kind == "const":
            expected.append(None)
        elif kind == "v":
            expected.append(_enc(eval(compile(_a.Expression(exp), "<test>", "eval"), g)))
        else:
            expected.append(["b", kind == "truth"])
    # The test's own constant asserts, in order, before any request: they are closed (only the
    # test's names and pure builtins), so no answer of the solution can change them. One that
    # raises ends the test there, as it would in order: no request after it is made.
    consts = {}
    stop = len(plan)
    for i, (kind, side, exp) in enumerate(plan):
        if kind == "const":
            try:
                consts[i] = (bool(eval(compile(_a.Expression(exp), "<test>", "eval"), g)), None)
            except BaseException as e:
                consts[i] = (None, e)
                stop = i
                break
    # The solution's requests, each its own expression (the text of the test, else its
    # unparsing (3.9+); in parentheses, so a multi-line segment evaluates as one expression).
    # They are sent ahead of the answers (at most _AHEAD bytes not yet answered) and the
    # answers read in order: the solution's process evaluates exactly the same expressions in
    # the same order as one request at a time, without a round trip between them.
    frames = {}
    lines = None
    for i, (kind, side, exp) in enumerate(plan[:stop]):
        if kind != "const":
            if lines is None:
                lines = _source_lines(code)
            src = _segment(lines, side) or _a.unparse(side)
            frames[i] = _frame(["eval", "(\n%s\n)" % src, cand, entry if cand else None])
    order = sorted(frames)
    sent = 0  # requests sent
    ahead = 0  # their bytes not yet answered
    broken = False

    def pump():
        nonlocal sent, ahead, broken
        while not broken and sent < len(order):
            f = frames[order[sent]]
            if ahead and ahead + len(f) > j.window:
                return
            try:
                data = memoryview(f)
                while data:
                    data = data[_o.write(j.req, data):]
            except OSError:
                broken = True
                return
            ahead += len(f)
            sent += 1

    answered = 0
    for i, (kind, side, exp) in enumerate(plan):
        if kind == "const":
            ok, err = consts[i]
            if err is not None:
                raise err
            if not ok:
                j.record("assert", "assertion %d failed" % i)
            continue
        pump()
        r = j.answer(answered < sent and not broken)
        ahead -= len(frames[i])
        answered += 1
        tag = r[0]
        if tag == "ok":
            j.record("v" if kind == "v" else "t", i, expected[i], _valid(r[1]))
        elif tag == "np":
            j.record("np", i, str(r[1])[:200] if len(r) > 1 else "?")
        elif tag == "mem":
            j.record("m", i)
        elif tag == "exc":
            j.record("x", i, "%s: %s" % (str(r[1])[:80], str(r[2])[:300]) if len(r) > 2 else "?")
        else:
            raise _Died("the solution's process answered %r" % (tag,))


def _helpers(prompt, entry):
    # The problem's prompt (trusted, from the reference) without its entry point: its other
    # top-level statements (imports, helper functions such as HumanEval's `encode_cyclic` or
    # `poly`) are run in the judge, so the test's calls to them do not reach the solution's
    # redefinitions. (module, the names it binds); None without a prompt.
    if not prompt:
        return None
    try:
        tree = _a.parse(prompt, "<prompt>")
    except (SyntaxError, ValueError) as e:
        raise _Died("`reference.prompt` is not Python: %s" % _exc_name(e))
    tree.body = [st for st in tree.body
                 if not (isinstance(st, (_a.FunctionDef, _a.AsyncFunctionDef)) and st.name == entry)]
    names = _bound(tree) - {entry}
    return tree, names


def _run_any(j, tree, mode, entry, helpers=None):
    cache = {}

    def call(name, args, kwargs):
        try:
            a = [_enc(x) for x in args]
            k = [[n, _enc(x)] for n, x in kwargs.items()]
        except _NotPlain as e:
            raise TypeError("the test passed %s to the solution: only plain data crosses" % e)
        r = j.ask(["call", name, a, k])
        tag = r[0]
        if tag == "ok":
            return _dec(_valid(r[1]))
        if tag == "np":
            raise TypeError("the solution returned %s, not plain data" % str(r[1])[:200])
        if tag == "mem":
            raise MemoryError
        if tag == "exc" and len(r) > 2:
            cls = getattr(_bi, str(r[1]), None)
            if isinstance(cls, type) and issubclass(cls, (StopIteration, StopAsyncIteration)):
                # As PEP 479 does for generators: a StopIteration out of the solution's function
                # inside the test's `map`/`filter`/`zip`/`next` loop would end that iteration
                # silently, and the asserts in it would never run.
                raise RuntimeError("the solution raised %s: %s" % (cls.__name__, str(r[2])[:300]))
            if isinstance(cls, type) and issubclass(cls, Exception):
                raise cls(str(r[2]))
            raise RuntimeError("%s: %s" % (str(r[1])[:80], str(r[2])[:300]))
        raise _Died("the solution's process answered %r" % (tag,))

    class Proxy:
        __slots__ = ("name",)

        def __init__(self, name):
            self.name = name

        def __call__(self, *a, **k):
            return call(self.name, a, k)

        def __repr__(self):
            return "<solution's %s>" % self.name

    class Globals(dict):
        def __missing__(self, name):
            if hasattr(_bi, name) or name.startswith("__"):
                raise KeyError(name)
            if name in cache:
                return cache[name]
            r = j.ask(["get", name])
            if r[0] == "callable":
                v = Proxy(name)
            elif r[0] == "module" and str(r[1]).split(".")[0] in _STDLIB:
                # A module the solution imported (the test uses it without importing it): the
                # judge imports its own copy, from the standard library only.
                v = _il.import_module(str(r[1]))
            elif r[0] == "ok":
                v = _dec(_valid(r[1]))
            elif r[0] == "mem":
                raise MemoryError
            else:
                raise KeyError(name)
            cache[name] = v
            return v

    g = Globals(__name__="plaudit_test", __builtins__=_bi, _plaudit_cmp=_plaudit_cmp)
    if helpers is not None:
        exec(compile(helpers[0], "<prompt>", "exec"), g)
    tree = _a.fix_missing_locations(_Strict().visit(tree))
    exec(compile(tree, "<test>", "exec"), g)
    if mode == "check":
        g["check"](Proxy(entry))
    if j.dead:
        raise _Died(j.dead)
    j.record("pass")


_LIBC = _ct.CDLL(None, use_errno=True)
# Looked up now (ctypes keeps them on the handle): a fork server that preloads this module does it
# once, not in every run.
_LIBC.prctl, _LIBC.fcntl


def _plaudit_judge(solution):
    if _LIBC.prctl(4, 0, 0, 0, 0) != 0:  # PR_SET_DUMPABLE, 0
        _o.write(2, b"the judge cannot make itself non-dumpable\n")
        _o._exit(3)
    req_r, req_w = _o.pipe()
    rep_r, rep_w = _o.pipe()
    pid = _o.fork()
    if pid == 0:
        try:
            _o.close(req_w)
            _o.close(rep_r)
            _child(solution, req_r, rep_w)
        finally:
            _o._exit(0)
    del solution
    _o.close(req_r)
    _o.close(rep_w)
    _sg.signal(_sg.SIGPIPE, _sg.SIG_IGN)
    out = _o.dup(1)
    nul = _o.open("/dev/null", _o.O_WRONLY)
    _o.dup2(nul, 1)
    _o.close(nul)
    j = _Judge(req_w, rep_r, pid, out)
    try:
        raw = b""
        while True:
            chunk = _o.read(0, 1 << 20)
            if not chunk:
                break
            raw += chunk
        job = _j.loads(raw)
        mode, code, entry = job["mode"], job["code"], job.get("entry")
        tree = _a.parse(code, "<test>")
        helpers = _helpers(job.get("prompt"), entry)
        try:
            r = _recv(rep_r)
        except (OSError, ValueError):
            r = None
        if r is None or type(r) is not list or not r:
            raise _Died(j.died())
        if r[0] == "syntax":
            j.record("syntax", str(r[1])[:300] if len(r) > 1 else "")
        elif r[0] == "load":
            j.record("load", str(r[1])[:300] if len(r) > 1 else "")
        elif r[0] == "mem":
            j.record("m", 0)
        elif r[0] != "ready":
            raise _Died("the solution's process said %r" % (r[0],))
        else:
            plan, cand = _plan(tree, mode)
            if helpers is not None and _names(tree) & helpers[1]:
                # The test uses the prompt's helpers: they run here, so the test does too.
                plan = None
            if plan is not None:
                try:
                    _run_literal(j, code, tree, plan, cand, entry)
                except _NotPlain:
                    plan = None
            if plan is None:
                _run_any(j, tree, mode, entry, helpers)
    except AssertionError as e:
        j.record("assert", str(e)[:300])
    except MemoryError:
        j.record("m", 0)
    except _Died as e:
        j.record("error", str(e))
    except BaseException as e:
        j.record("error", _exc_name(e))
    # The solution's process is killed. Under full isolation (this process is PID 2 of the run's
    # PID namespace) it is not waited for: its teardown overlaps this process's, and the run's
    # init reaps both before the run is over. Elsewhere nothing else would reap it.
    try:
        _o.kill(pid, 9)
        if _o.getpid() != 2:
            _o.waitpid(pid, 0)
    except OSError:
        pass
    j.record("end")
    _o._exit(0)
