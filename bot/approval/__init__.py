"""Approving a draft: the pure rules (rules.py: who approves, what approves, the approval line, the
final text, the wording) and the service that applies them with the store (service.py).
"""
