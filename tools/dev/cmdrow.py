#!/usr/bin/env python3
"""Prints keyshard command-table rows (C++ CommandSpec initialisers) for the named commands,
from a live redis-server's COMMAND INFO and COMMAND DOCS, so a new row starts from Redis's
published facts (arity, flags, keys, ACL categories, key specs). The handler and lock mode
are filled in by hand; tests/server/command_table_test.cc checks rows against redis-server.

usage: tools/dev/cmdrow.py [-p PORT] COMMAND [COMMAND ...]
"""
import json
import subprocess
import sys


def cli(port, *args):
    out = subprocess.check_output(["redis-cli", "-p", str(port), "--json", *args])
    return json.loads(out)


def cpp_str(s):
    return json.dumps(s)


def keyspec(ks):
    parts = [f'.flags = {cpp_str(" ".join(ks["flags"]))}']
    bs = ks["begin_search"]
    if bs["type"] == "index":
        parts.append(f'.begin_index = {bs["spec"]["index"]}')
    elif bs["type"] == "keyword":
        parts.append(f'.begin_keyword = {cpp_str(bs["spec"]["keyword"])}')
        parts.append(f'.begin_startfrom = {bs["spec"]["startfrom"]}')
    fk = ks["find_keys"]
    if fk["type"] == "range":
        parts.append(f'.last_key = {fk["spec"]["lastkey"]}')
        parts.append(f'.key_step = {fk["spec"]["keystep"]}')
        parts.append(f'.limit = {fk["spec"]["limit"]}')
    elif fk["type"] == "keynum":
        parts.append(".keynum = true")
        parts.append(f'.key_step = {fk["spec"]["keystep"]}')
        parts.append(f'.keynum_idx = {fk["spec"]["keynumidx"]}')
        parts.append(f'.first_key = {fk["spec"]["firstkey"]}')
    if ks.get("notes"):
        parts.append(f'.notes = {cpp_str(ks["notes"])}')
    return "{" + ", ".join(parts) + "}"


def row(info, docs, indent="      "):
    name, arity, flags, first, last, step, acl, tips, specs, subs = info
    short = name.split("|")[-1]
    d = docs or {}
    lines = [
        f"{indent}{{.name = {cpp_str(short)},",
        f"{indent} .arity = {arity},",
        f"{indent} .flags = {cpp_str(' '.join(flags))},",
        f"{indent} .first_key = {first}, .last_key = {last}, .step = {step},",
        f"{indent} .acl = {cpp_str(' '.join(acl))},",
    ]
    if tips:
        lines.append(f"{indent} .tips = {cpp_str(' '.join(tips))},")
    if specs:
        lines.append(f"{indent} .key_specs = {{{', '.join(keyspec(k) for k in specs)}}},")
    lines.append(f"{indent} .handler = TODO_HANDLER,")
    lines.append(f"{indent} .group = {cpp_str(d.get('group', ''))}, .since = {cpp_str(d.get('since', ''))},")
    if d.get("complexity"):
        lines.append(f"{indent} .complexity = {cpp_str(d['complexity'])},")
    if subs:
        sub_docs = d.get("subcommands", {})
        lines.append(f"{indent} .subcommands = {{")
        for s in subs:
            lines.append(row(s, sub_docs.get(s[0]), indent + "    ") + ",")
        lines.append(f"{indent} }},")
    lines.append(f"{indent}}}")
    return "\n".join(lines)


def main():
    args = sys.argv[1:]
    port = 6379
    if len(args) >= 2 and args[0] == "-p":
        port, args = int(args[1]), args[2:]
    for name in args:
        info = cli(port, "COMMAND", "INFO", name)[0]
        if info is None:
            sys.exit(f"unknown command {name}")
        docs = cli(port, "COMMAND", "DOCS", name)
        docs = docs.get(name.lower()) if isinstance(docs, dict) else None
        print(f"  reg.Add(\n{row(info, docs)});")


if __name__ == "__main__":
    main()
