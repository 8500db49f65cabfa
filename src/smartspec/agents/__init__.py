"""smartspec's commands for AI coding assistants: which assistants, where each one reads its
commands, the texts, and the install/upgrade/keep/remove logic behind ``smartspec init``."""
