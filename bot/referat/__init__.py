"""The referat itself: compile a meeting into its conventional Danish form (compile.py) and render it
as text and Markdown (compile.py), Word (word.py) and PDF/A (pdf.py); export.py decides what an
export of a meeting contains and writes the file.

This is where the draft is rendered; the Slack side only posts what is rendered here.
"""
