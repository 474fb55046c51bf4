"""Turn a browser's requests into the same runs the command line makes: the bureau's intranet site (`serve`)."""
