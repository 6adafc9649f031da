"""Bulk work on AR content: workflow actions and print sheets for a selection (a job with
progress), and many photos uploaded to a project at once."""
