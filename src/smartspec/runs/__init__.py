"""One orchestrator per command: it reads, calls the pure stages, and hands the results to workspace."""
