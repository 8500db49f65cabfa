"""tasks.md from a spec: phases (setup, foundation, one per capability, hardening) and tasks
``- [ ] T012 [P] Title — `REQ-ID` `` with the files to create or edit in the spec's stack
layout, the acceptance and the command that verifies it.

Every spec item (``SpecFacts.items``) gets exactly one task that names its requirement id,
plus one setup task for the stack. ``[P]`` marks a task whose files no other task of its phase
touches, so it can be done in parallel. Task numbers are stable: a requirement keeps the
number it had in the tasks.md on disk, and new requirements take the next free numbers.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from smartspec.delivery.items import ApiEndpoint, Item, SpecFacts, path_slug, slug
from smartspec.delivery.managed import TASK_RE, Block
from smartspec.document import FENCE_RE

# The requirement id a task line names: "— `EP-POST-api-v1-orders`" at the end of the line.
REQ_RE = re.compile(r"`(?P<rid>[A-Z]+-[A-Za-z0-9-]+)`\s*$")
PHASE_RE = re.compile(r"^## Phase \d+: (?P<name>.+?)\s*$")


class Layout(NamedTuple):
    """Where code and tests go in one stack, and how a test file is run."""

    source: str  # "src/{module}/{name}.ts"
    test: str
    migration: str
    run: str  # "npx vitest run {test}"
    build: str


LAYOUTS: dict[str, Layout] = {
    "typescript": Layout("src/{module}/{name}.ts", "tests/{module}/{name}.test.ts",
                         "migrations/{name}.sql", "npx vitest run {test}", "npm run build"),
    "python": Layout("src/app/{module}/{name}.py", "tests/{module}/test_{name}.py",
                     "migrations/{name}.sql", "pytest {test}", "python -m compileall -q src"),
    "go": Layout("internal/{module}/{name}.go", "internal/{module}/{name}_test.go",
                 "migrations/{name}.sql", "go test ./internal/{module}/...", "go build ./..."),
    "java": Layout("src/main/java/app/{module}/{Name}.java",
                   "src/test/java/app/{module}/{Name}Test.java", "src/main/resources/db/{name}.sql",
                   "./gradlew test --tests 'app.{module}.{Name}Test'", "./gradlew build"),
    "csharp": Layout("src/App/{Module}/{Name}.cs", "tests/App.Tests/{Module}/{Name}Tests.cs",
                     "migrations/{name}.sql", "dotnet test --filter {Name}Tests", "dotnet build"),
    "rust": Layout("src/{module}/{name}.rs", "tests/{module}_{name}.rs", "migrations/{name}.sql",
                   "cargo test --test {module}_{name}", "cargo build"),
}


class Task(NamedTuple):
    rid: str
    title: str
    files: tuple[str, ...]
    acceptance: str
    verify: str


def _camel(text: str) -> str:
    return "".join(part.capitalize() for part in re.split(r"[^A-Za-z0-9]+", text) if part)


class _Paths:
    def __init__(self, language: str) -> None:
        self.layout = LAYOUTS.get(language, LAYOUTS["typescript"])

    def _fill(self, pattern: str, module: str, name: str, test: str = "") -> str:
        snake = name.replace("-", "_")
        return pattern.format(module=module.replace("-", "_"), Module=_camel(module),
                              name=snake, Name=_camel(name), test=test)

    def code(self, module: str, name: str) -> tuple[str, str, str]:
        """(source file, test file, verify command) for ``name`` in ``module``."""
        source = self._fill(self.layout.source, module, name)
        test = self._fill(self.layout.test, module, name)
        return source, test, self._fill(self.layout.run, module, name, test)

    def migration(self, name: str) -> str:
        return self._fill(self.layout.migration, "db", name)


def resource_of(endpoint: ApiEndpoint) -> str:
    """The capability an endpoint belongs to: its first path segment after an ``api`` and a
    version prefix (``/api/v1/payments/{id}`` -> payments)."""
    parts = [p for p in endpoint.path.split("/") if p and not p.startswith("{")]
    while parts and (parts[0].lower() == "api" or re.fullmatch(r"v\d+", parts[0].lower())):
        parts = parts[1:]
    return slug(parts[0]) if parts else "root"


def plan_tasks(facts: SpecFacts) -> list[tuple[str, list[Task]]]:
    """The phases and their tasks, in order."""
    paths = _Paths(facts.language)
    build = paths.layout.build
    items = {item.rid: item for item in facts.items}
    setup = [Task(f"STACK-{slug(facts.language)}", f"Set up the {facts.language} project "
                  "skeleton, CI and the test runner", ("README.md", "ci/pipeline.yml"),
                  "the empty project builds and an empty test suite passes in CI", build)]
    foundation: list[Task] = []
    for item in facts.items:
        if item.kind == "entity":
            name = item.rid.removeprefix("ENT-")
            source, test, verify = paths.code("db", f"{name}-repository")
            foundation.append(Task(item.rid, f"Create {item.title} and its repository",
                                   (paths.migration(f"create-{name}"), source, test),
                                   f"the migration applies on an empty database and the "
                                   f"repository round-trips one {name} row", verify))
        elif item.kind == "service":
            module = item.rid.removeprefix("SVC-")
            source, test, verify = paths.code(module, "composition-root")
            foundation.append(Task(item.rid, f"Scaffold {item.title} with its composition root",
                                   (source, test), f"{item.title} starts with injected "
                                   "dependencies and answers its health check", verify))
        elif item.kind == "security":
            source, test, verify = paths.code("auth", "middleware")
            schemes = ", ".join(facts.auth)
            foundation.append(Task(item.rid, f"Add the authentication middleware ({schemes})",
                                   (source, test),
                                   "requests without valid credentials get 401, without the "
                                   "role 403, before any business code runs", verify))
        elif item.kind == "error":
            source, test, verify = paths.code("http", "errors")
            codes = ", ".join(str(c) for c in facts.error_codes)
            foundation.append(Task(item.rid, "Implement the error format and status mapping",
                                   (source, test), f"every error response uses the spec's error "
                                   f"object; status codes {codes} are produced where the spec "
                                   "says", verify))
        elif item.kind == "critical" and item.rid == "CRIT-di":
            # The injection wiring lives in every service's composition root, so this task
            # shares those files with the scaffolding tasks and is not parallel to them.
            roots = tuple(paths.code(s.rid.removeprefix("SVC-"), "composition-root")[0]
                          for s in facts.services)
            source, test, verify = paths.code("di", "container")
            foundation.append(Task(item.rid, f"Implement {item.title}", (source, *roots, test),
                                   "every collaborator is injected through constructors; tests "
                                   "build the services with fakes and a fixed clock", verify))
        elif item.kind == "critical" and item.rid == "CRIT-config":
            foundation.append(_critical_task(item, paths))
    capabilities: dict[str, list[Task]] = {}
    for endpoint in facts.endpoints:
        resource = resource_of(endpoint)
        name = f"{endpoint.method.lower()}-{path_slug(endpoint.path)}"
        source, test, verify = paths.code(resource, name)
        purpose = f" ({endpoint.purpose})" if endpoint.purpose else ""
        capabilities.setdefault(resource, []).append(Task(
            endpoint.rid, f"Implement {endpoint.method} {endpoint.path}{purpose}",
            (source, test), f"{endpoint.method} {endpoint.path} answers as the spec's table and "
            "examples say, with validation and the error format", verify))
    for item in facts.items:
        if item.kind == "consumer":
            name = item.rid.removeprefix("CON-")
            source, test, verify = paths.code("messaging", name)
            capabilities.setdefault("messaging", []).append(Task(
                item.rid, f"Implement {item.title}", (source, test),
                "a message delivered twice is processed once; a poison message ends in the "
                "dead-letter queue", verify))
    hardening: list[Task] = []
    for item in facts.items:
        if item.kind == "critical" and item.rid not in ("CRIT-di", "CRIT-config"):
            hardening.append(_critical_task(item, paths))
        elif item.kind == "test":
            name = item.rid.removeprefix("TEST-")[:40].rstrip("-")
            source, test, verify = paths.code("acceptance", name)
            hardening.append(Task(item.rid, f"Write the tests: {item.title}", (test,),
                                  f"the tests for \"{item.title}\" exist and pass in CI", verify))
    phases = [("Setup", setup), ("Foundation", foundation)]
    phases += [(f"Capability: {name}", tasks) for name, tasks in capabilities.items()]
    phases.append(("Hardening", hardening))
    missing = set(items) - {t.rid for _, tasks in phases for t in tasks}
    assert not missing, f"items without a task: {sorted(missing)}"  # a bug, not bad input
    return [(name, tasks) for name, tasks in phases if tasks]


def _critical_task(item: Item, paths: _Paths) -> Task:
    name = item.rid.removeprefix("CRIT-")
    source, test, verify = paths.code(name, name)
    return Task(item.rid, f"Implement {item.title}", (source, test),
                f"what the spec's {name} section requires is in place and tested; the section "
                "itself changes only through its review", verify)


def task_key(line: str) -> str | None:
    """The block a tasks.md line starts: ``phase:<name>`` for a phase heading, the
    requirement id of a task (its task number when it names none), else None."""
    phase = PHASE_RE.match(line)
    if phase:
        return f"phase:{slug(phase.group('name'))}"
    task = TASK_RE.match(line)
    if task:
        found = REQ_RE.search(line)
        return found.group("rid") if found else task.group("tid")
    return None


def task_lines(text: str | None) -> list[tuple[int, str, str, str | None]]:
    """(0-based line, line, task number, requirement id or None) of every task line outside
    code fences: an example task in a fenced block is not a task."""
    found: list[tuple[int, str, str, str | None]] = []
    fence: str | None = None
    for index, line in enumerate((text or "").splitlines()):
        opened = FENCE_RE.match(line)
        if fence is not None:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence) \
                    and not opened.group(2).strip():
                fence = None
            continue
        if opened:
            fence = opened.group(1)
            continue
        task = TASK_RE.match(line)
        if task:
            req = REQ_RE.search(line)
            found.append((index, line, task.group("tid"), req.group("rid") if req else None))
    return found


def numbers_on_disk(text: str | None) -> dict[str, int]:
    """Requirement id -> the task number tasks.md gives it now."""
    found: dict[str, int] = {}
    for _, _, tid, rid in task_lines(text):
        if rid is not None:
            found.setdefault(rid, int(tid[1:]))
    return found


def render_blocks(facts: SpecFacts, spec_rel: str, old_text: str | None = None) -> list[Block]:
    """tasks.md as keyed blocks (see ``managed``)."""
    phases = plan_tasks(facts)
    numbers = numbers_on_disk(old_text)
    taken = set(numbers.values())
    next_free = max(taken, default=0) + 1
    preamble = (
        f"# Tasks: {facts.title}\n\n"
        f"**Source spec:** {facts.spec_id} (`{spec_rel}`)  \n"
        f"**Stack:** {facts.language}  \n"
        f"**Generated by:** `smartspec tasks` — tick boxes and add lines freely; a re-run keeps "
        "them and updates only the tasks whose spec items changed.\n\n"
        "Format: `- [ ] T001 [P] Title — `REQUIREMENT-ID``; `[P]` = touches no file another "
        "task of its phase touches.\n\n"
    )
    blocks = [Block("preamble", preamble)]
    for position, (name, tasks) in enumerate(phases, start=1):
        blocks.append(Block(f"phase:{slug(name)}", f"## Phase {position}: {name}\n\n"))
        counts: dict[str, int] = {}
        for task in tasks:
            for file in task.files:
                counts[file] = counts.get(file, 0) + 1
        for task in tasks:
            number = numbers.get(task.rid)
            if number is None:
                while next_free in taken:
                    next_free += 1
                number = next_free
                taken.add(number)
            parallel = " [P]" if all(counts[f] == 1 for f in task.files) else ""
            files = ", ".join(f"`{f}`" for f in task.files)
            blocks.append(Block(task.rid, (
                f"- [ ] T{number:03d}{parallel} {task.title} — `{task.rid}`\n"
                f"  - Files: {files}\n"
                f"  - Acceptance: {task.acceptance}\n"
                f"  - Verify: `{task.verify}`\n\n")))
    return blocks


def covered_ids(text: str) -> dict[str, int]:
    """Requirement id -> 0-based line of the first task in ``text`` that names it."""
    found: dict[str, int] = {}
    for index, _, _, rid in task_lines(text):
        if rid is not None:
            found.setdefault(rid, index)
    return found
