"""The Lex V2 code-hook Lambda: routing by intent, validation on dialog hooks, actions on fulfillment.

Empty until the meeting-requests issue lands; the package exists so the layout is fixed from the start.
"""
