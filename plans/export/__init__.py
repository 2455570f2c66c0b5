"""Copies of one version that leave Concord: what goes into them (`document`) and one renderer per format
(`pdf`, `word`). The workflow that checks the reader and audits the copy is plans/services/exports.py."""
