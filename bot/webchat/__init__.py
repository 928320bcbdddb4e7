"""The web chat mini-app: HTTP routes, the WebSocket protocol and rendering."""
