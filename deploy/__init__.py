"""Deployment files (the nginx configuration) and the tool that runs them on this machine."""
