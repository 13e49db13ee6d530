"""Development tools that run without Django: the dependency audit and its advisory service."""
