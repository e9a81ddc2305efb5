"""The document: its assembly, layouts, page and PDF."""
