"""The composition root: settings, bootstrap, the aiohttp app, the CLI and the ticker."""
