"""Export and import: a person's notes as a zip of Markdown files with YAML front
matter (one per note, its history in a side file) and a notes.json of everything;
the same zip, or a folder of Markdown files from another app, read back in."""
