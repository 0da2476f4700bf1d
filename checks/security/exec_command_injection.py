"""exec.command-injection: shell commands built from non-constant strings."""
from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from bot.models import Hit
from checks.lang import golang as go
from checks.lang.python import call_name, dotted, kwarg
from checks.registry import Context, Example, rule
from checks.security import _net
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
_REQUEST_HEADS = ("request.args", "request.form", "request.values", "request.json", "request.GET",
                  "request.POST", "request.query_params", "request.data", "request.get_json()")


@rule(
    "exec.command-injection",
    severity="CRITICAL",
    area="security",
    title="Shell command built from a non-constant string",
    why="A command string that the shell parses and that contains variable data lets anyone who controls "
        "that data run arbitrary commands on the host (`; rm -rf /`, `$(curl …)`).",
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
        return node is not None and not _net.is_constant(node, scopes, safe_call=safe_call)

    for call in f.python_of(ast.Call):
        name = call_name(call, imports)
        mod, _, fn = name.rpartition(".")
        cmd = call.args[0] if call.args else kwarg(call, "args") or kwarg(call, "cmd") or kwarg(call, "command")
        if name in _ALWAYS_SHELL:
            if dynamic(cmd) and not isinstance(cmd, (ast.List, ast.Tuple)):
                yield Hit(call.lineno, end_line=call.end_lineno,
                          message=f"`{dotted(call.func)}` runs {_describe(cmd)} through the shell; "
                                  "its value is not a constant or quoted with `shlex.quote`")
            continue
        if mod != "subprocess" or fn not in _SUBPROCESS:
            continue
        shell = kwarg(call, "shell")
        if isinstance(shell, ast.Constant) and shell.value:
            if dynamic(cmd) and not isinstance(cmd, (ast.List, ast.Tuple)):
                yield Hit(call.lineno, end_line=call.end_lineno,
                          message=f"`{dotted(call.func)}(..., shell=True)` runs {_describe(cmd)}, which is "
                                  "not a constant string or quoted with `shlex.quote`")
            continue
        if isinstance(cmd, (ast.List, ast.Tuple)):
            hit = _argv_injection(cmd)
            if hit is not None:
                yield Hit(hit.lineno, message=f"`{dotted(call.func)}` passes request data "
                          f"`{dotted(hit) or 'value'}` as a command argument with no `--` before it, so a "
                          "value starting with `-` is read as an option")


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


def _argv_injection(argv: ast.List | ast.Tuple) -> ast.AST | None:
    """A request-derived element of an argv list with no `--` separator before it."""
    for elt in argv.elts:
        if isinstance(elt, ast.Constant) and elt.value == "--":
            return None
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
