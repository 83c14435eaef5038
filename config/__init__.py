"""Configuration, the bottom layer: the settings an administrator can change (settings.toml) and the
folders of series notes and explanations beside it. Imports nothing of the project."""
