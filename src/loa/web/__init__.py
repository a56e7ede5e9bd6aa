"""The web layer: app assembly, request dependencies, core pages and the JSON API shell."""
