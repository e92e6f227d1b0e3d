# Runs a program's source as __main__ in this process, then ends it with the status the
# interpreter would give. Shared by the one-shot worker (python.rs) and the fork server
# (zygote.py), each of which prepends it to its own code.
import os, sys, types


def _plaudit_main(src):
    main = types.ModuleType("__main__")
    main.__file__ = "main.py"
    main.__builtins__ = __builtins__
    sys.modules["__main__"] = main
    sys.argv[:] = ["main.py"]
    status = 0
    try:
        code = compile(src, "main.py", "exec", dont_inherit=True)
        del src
        exec(code, main.__dict__)
    except SystemExit as e:
        status = _plaudit_exit_status(e)
    except BaseException as e:
        if isinstance(e, MemoryError):
            try:
                os.write(3, b"M")
            except OSError:
                pass
        tb = e.__traceback__
        while tb is not None and tb.tb_frame.f_code.co_filename == "<string>":
            tb = tb.tb_next
        try:
            e.__traceback__ = tb
            sys.excepthook(type(e), e, tb)
        except BaseException:
            pass
        status = 1
    _plaudit_shutdown(main, status)


def _plaudit_exit_status(e):
    c = e.code
    if c is None:
        return 0
    if isinstance(c, int):
        return c & 0xFF
    try:
        print(c, file=sys.stderr)
    except BaseException:
        pass
    return 1


def _plaudit_shutdown(main, status):
    # What Py_FinalizeEx begins with (join threads, atexit, drop __main__'s globals so unclosed
    # files are flushed, flush stdio), then _exit: module teardown is invisible to the program.
    try:
        t = sys.modules.get("threading")
        if t is not None:
            t._shutdown()
        import atexit
        atexit._run_exitfuncs()
        main.__dict__.clear()
    except SystemExit as e:
        status = _plaudit_exit_status(e)
    except BaseException:
        pass
    for f in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
        try:
            if f is not None:
                f.flush()
        except BaseException:
            if f is sys.stdout or f is sys.__stdout__:
                status = 120
    os._exit(status)
