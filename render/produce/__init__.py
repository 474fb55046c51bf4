"""Turn a content folder into an output folder: plan, render in workers, publish with a manifest."""
