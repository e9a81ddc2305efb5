"""Responses in and out: the interchange file, imports, exports, copies."""
