"""Turn the content folder (Markdown and YAML a clerk edits) into a validated model, and pasted tables into content."""
