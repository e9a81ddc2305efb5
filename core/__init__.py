"""Mechanisms every app shares, at the bottom of the layers: versioned saves and editing
conventions, the audit trail, the document revision, stored renderings of Markdown, text
normalisation, login throttling.

Nothing here knows an app: no import of one, no model named in a string, no URL name of
one, no branch on a model's label. An app takes part by declaring something on its models
(``audit_response_paths``, ``audit_subject``...) or by registering in its ``AppConfig.ready``
(``revision.track``); tests/test_layering.py checks it.
"""
