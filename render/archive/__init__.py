"""Turn an output folder into the packages an archive accepts, and a package into its intake check."""
