"""exec.command-injection: shell commands built from non-constant strings."""
from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from checks.lang import golang as go
from checks.lang.python import call_name, dotted, kwarg
from checks.model import Hit, Severity
from checks.registry import Context, Example, rule
from checks.security import _net, _web
from checks.security._py_origin import OPERATOR, REQUEST, Origins
from checks.source import SourceFile

_SUBPROCESS = {"run", "call", "check_call", "check_output", "Popen"}
_ALWAYS_SHELL = {
    "os.system", "os.popen", "subprocess.getoutput", "subprocess.getstatusoutput", "commands.getoutput",
    "commands.getstatusoutput", "asyncio.create_subprocess_shell", "popen2.popen2", "os.popen2",
    "os.popen3", "os.popen4",
}
_SAFE_CALLS = {"shlex.quote", "pipes.quote", "shlex.join", "quote"}
_SHELLS = {"sh", "bash", "zsh", "dash", "ksh", "ash", "/bin/sh", "/bin/bash", "/usr/bin/bash", "/usr/bin/sh",
           "/bin/zsh", "/usr/bin/env", "cmd", "cmd.exe", "powershell", "pwsh", "powershell.exe"}
_SHELL_FLAG = re.compile(r"^(-[a-z]*c|/c|-command|-Command|-c)$")
_CLI_LIBS = ("click", "argparse", "typer", "fire", "docopt")
_REQUEST_HEADS = ("request.args", "request.form", "request.values", "request.json", "request.GET",
                  "request.POST", "request.query_params", "request.data", "request.get_json()")


@rule(
    "exec.command-injection",
    severity="CRITICAL",
    area="security",
    title="Shell command built from a non-constant string",
    why="A command string that the shell parses and that contains variable data lets anyone who controls "
        "that data run arbitrary commands on the host (`; rm -rf /`, `$(curl …)`). CRITICAL when request data "
        "reaches the command (also through variables, f-strings, `%`, `.format()` and callers in the module); "
        "HIGH when the origin is not visible; MEDIUM in command-line tools and for environment values.",
    fix="Pass an argument list without a shell (`subprocess.run([\"git\", \"clone\", \"--\", url])`, "
        "`exec.Command(\"git\", \"clone\", \"--\", url)`); if a shell is unavoidable, quote every value with "
        "`shlex.quote` and keep the command template constant.",
    kinds={"python", "go"},
    example=Example(
        path="app/tasks.py",
        bad='import subprocess\n\n\ndef archive(name):\n'
            '    subprocess.run(f"tar czf /tmp/{name}.tgz /data", shell=True, check=True)\n',
        good='import subprocess\n\n\ndef archive(name):\n'
             '    subprocess.run(["tar", "czf", f"/tmp/{name}.tgz", "/data"], check=True)\n',
    ),
)
def check(f: SourceFile, ctx: Context) -> Iterator[Hit]:
    if "python" in f.kinds:
        yield from _python(f)
    elif "go" in f.kinds:
        yield from _go(f)


def _python(f: SourceFile) -> Iterator[Hit]:
    tree = f.python
    imports = f.python_imports
    if not any(m.split(".")[0] in ("subprocess", "os", "commands", "asyncio", "popen2")
               for m in imports.values()):
        return
    scopes = _net.Scopes(tree, f.python_parents)

    def safe_call(call: ast.Call) -> bool:
        name = call_name(call, imports)
        return name in _SAFE_CALLS or name.endswith(".quote") and "shlex" in name

    def dynamic(node: ast.AST | None) -> bool:
        return node is not None and not scopes.is_constant(node, safe_call=safe_call)

    calls = f.python_of(ast.Call)
    origins = Origins(tree, imports, scopes, calls, every_route_param=True)
    operator_tool = _web.is_non_prod_path(f.path) or any(
        m.split(".")[0] in _CLI_LIBS for m in imports.values())

    def graded(call: ast.Call, cmd: ast.AST, message: str) -> Hit:
        return _graded_hit(call, message, [origins.of(p) for p in scopes.string_pieces(cmd)], operator_tool)

    for call in calls:
        name = call_name(call, imports)
        mod, _, fn = name.rpartition(".")
        cmd = call.args[0] if call.args else kwarg(call, "args") or kwarg(call, "cmd") or kwarg(call, "command")
        if name in _ALWAYS_SHELL:
            if dynamic(cmd) and not isinstance(cmd, (ast.List, ast.Tuple)):
                yield graded(call, cmd, f"`{dotted(call.func)}` runs {_describe(cmd)} through the shell; "
                                        "its value is not a constant or quoted with `shlex.quote`")
            continue
        if mod != "subprocess" or fn not in _SUBPROCESS:
            continue
        shell = scopes.constant(kwarg(call, "shell"))
        if shell is True or shell == 1:
            if dynamic(cmd) and not isinstance(cmd, (ast.List, ast.Tuple)):
                yield graded(call, cmd, f"`{dotted(call.func)}(..., shell=True)` runs {_describe(cmd)}, which is "
                                        "not a constant string or quoted with `shlex.quote`")
            continue
        if isinstance(cmd, (ast.List, ast.Tuple)):
            # ["sh", "-c", "echo " + x]: the list form still hands a built script to a shell
            first = [e.value if isinstance(e, ast.Constant) and isinstance(e.value, str) else None
                     for e in cmd.elts[:2]]
            if len(cmd.elts) >= 3 and first[0] is not None and first[1] is not None and \
                    (first[0] in _SHELLS or first[0].rsplit("/", 1)[-1] in _SHELLS) and \
                    _SHELL_FLAG.match(first[1]) and dynamic(cmd.elts[2]):
                yield Hit(call.lineno, end_line=call.end_lineno,
                          message=f"`{dotted(call.func)}([\"{first[0]}\", \"{first[1]}\", ...])` hands "
                                  f"{_describe(cmd.elts[2])} to the shell")
                continue
            hit = _argv_injection(cmd, scopes)
            if hit is not None:
                yield Hit(hit.lineno, message=f"`{dotted(call.func)}` passes request data "
                          f"`{dotted(hit) or 'value'}` as a command argument with no `--` before it, so a "
                          "value starting with `-` is read as an option")


def _graded_hit(call: ast.Call, message: str, origins: list, operator_tool: bool) -> Hit:
    """CRITICAL when request data reaches the shell; MEDIUM in operator-run tools and for values only
    the operator sets; HIGH (verify) when the file does not show where the value comes from."""
    kinds = {o.kind for o in origins if o is not None}
    if REQUEST in kinds:
        return Hit(call.lineno, end_line=call.end_lineno, message=message)
    if operator_tool:
        return Hit(call.lineno, end_line=call.end_lineno, message=message, severity=Severity.MEDIUM,
                   note="MEDIUM: a command-line/tooling script, run by the operator with their own input")
    if kinds == {OPERATOR}:
        return Hit(call.lineno, end_line=call.end_lineno, message=message, severity=Severity.MEDIUM,
                   note="MEDIUM: the command is built from values only the operator sets (environment)")
    return Hit(call.lineno, end_line=call.end_lineno, severity=Severity.HIGH,
               message=message + "; verify where the value comes from (CRITICAL if a user can set it)",
               note="HIGH: no request data reaches this command in this file")


def _describe(node: ast.AST | None) -> str:
    if isinstance(node, ast.Name):
        return f"`{node.id}`"
    if isinstance(node, ast.JoinedStr):
        return "an f-string command"
    if isinstance(node, ast.BinOp):
        return "a concatenated command"
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return "a `.format()` command"
    return "a non-constant command"


def _from_request(node: ast.AST) -> bool:
    for sub in ast.walk(node):
        text = dotted(sub.func if isinstance(sub, ast.Call) else sub) if isinstance(
            sub, (ast.Attribute, ast.Call, ast.Subscript)) else None
        if isinstance(sub, ast.Subscript):
            text = dotted(sub.value)
        if text and text.startswith(_REQUEST_HEADS):
            return True
    return False


def _argv_injection(argv: ast.List | ast.Tuple, scopes: "_net.Scopes | None" = None) -> ast.AST | None:
    """A request-derived element of an argv list with no `--` separator before it."""
    for elt in argv.elts:
        if isinstance(elt, ast.Constant) and elt.value == "--":
            return None
        if isinstance(elt, ast.Name) and scopes is not None:
            # branch = request.json["branch"]; subprocess.run(["git", "checkout", branch])
            if any(_from_request(v) for v in scopes.values_of(elt.id, elt) or ()):
                return elt
        for node in ast.walk(elt):
            text = dotted(node.func if isinstance(node, ast.Call) else node) if isinstance(
                node, (ast.Attribute, ast.Call, ast.Subscript)) else None
            if isinstance(node, ast.Subscript):
                text = dotted(node.value)
            if text and text.startswith(_REQUEST_HEADS):
                return elt
    return None


def _go(f: SourceFile) -> Iterator[Hit]:
    root = f.go
    exec_name = _net.go_local_name(root, "os/exec")
    if exec_name is None:
        return
    consts = _net.go_consts(root)
    for call in go.walk(root, "call_expression"):
        name = go.call_name(call)
        if name not in (f"{exec_name}.Command", f"{exec_name}.CommandContext"):
            continue
        args = go.call_args(call)
        if name.endswith("CommandContext"):
            args = args[1:]
        tainted = _go_argv_injection(call, args)
        if tainted is not None:
            yield Hit(go.line(call), end_line=go.end_line(call),
                      message=f"`{name}` passes request data `{go.text(tainted)}` as a command argument with no "
                              "`--` before it, so a value starting with `-` is read as an option")
            continue
        if len(args) < 3:
            continue
        shell = go.string_value(args[0])
        flag = go.string_value(args[1])
        if shell is None or flag is None:
            continue
        base = shell.rsplit("/", 1)[-1]
        if shell not in _SHELLS and base not in _SHELLS:
            continue
        rest = args[2:]
        if base == "env" and rest:  # env bash -c "…"
            if flag not in _SHELLS:
                continue
            flag = go.string_value(rest[0])
            rest = rest[1:]
            if flag is None or not rest:
                continue
        if not _SHELL_FLAG.match(flag):
            continue
        script = rest[0]
        if script.type == "variadic_argument":
            script = script.named_children[0] if script.named_children else script
        literal_vars = _net.go_literal_vars(_net.go_enclosing_func(call))
        if _net.go_is_constant(script, consts, literal_vars):
            continue
        shown = go.text(script)
        shown = shown if len(shown) <= 60 else shown[:57] + "..."
        yield Hit(go.line(call), end_line=go.end_line(call),
                  message=f"`{name}(\"{shell}\", \"{flag}\", {shown})` hands a non-constant script to the "
                          "shell")


_GO_REQUEST_READ = re.compile(r"\.(URL\.Query\(\)\.Get|FormValue|PostFormValue|Query|DefaultQuery|PostForm|"
                              r"DefaultPostForm|Param|QueryParam|FormParams?|GetHeader|Params\.ByName)\($")


def _go_request_value(node, func, depth: int = 0) -> bool:
    """`c.Query("repo")`, `r.URL.Query().Get("x")`, or a local assigned from one earlier in the function."""
    for sub in go.walk(node):
        if sub.type == "call_expression":
            fn = sub.child_by_field_name("function")
            if fn is not None and _GO_REQUEST_READ.search(go.text(fn) + "("):
                return True
        if sub.type == "identifier" and func is not None and depth < 2:
            name = go.text(sub)
            for decl in go.walk(func, "short_var_declaration", "assignment_statement"):
                if decl.start_byte >= node.start_byte:
                    break
                left, right = decl.child_by_field_name("left"), decl.child_by_field_name("right")
                if left is None or right is None:
                    continue
                if name in [go.text(n) for n in left.named_children] and \
                        _go_request_value(right, func, depth + 1):
                    return True
    return False


def _go_argv_injection(call, args):
    """A request-derived argument to a program (not a shell) with no `--` separator before it."""
    if len(args) < 2 or go.string_value(args[0]) is None:
        return None
    program = go.string_value(args[0]) or ""
    if program in _SHELLS or program.rsplit("/", 1)[-1] in _SHELLS:
        return None  # the shell -c form is handled on its own
    func = _net.go_enclosing_func(call)
    for arg in args[1:]:
        if go.string_value(arg) == "--":
            return None
        if arg.type == "variadic_argument":
            return None
        if _go_request_value(arg, func):
            return arg
    return None
