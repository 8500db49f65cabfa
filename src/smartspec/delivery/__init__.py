"""From a spec to the work: the items a spec asks for (with stable requirement ids), plan.md
and tasks.md rendered from them, and the merge that keeps a person's ticks and lines."""
