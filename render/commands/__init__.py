"""Turn what the clerk types at the command line into runs of the stages, and their exit codes."""
