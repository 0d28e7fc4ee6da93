"""The admin HTTP API Lambda: review and decide pending requests.

Empty until the admin API issue lands; the package exists so the layout is fixed from the start.
"""
