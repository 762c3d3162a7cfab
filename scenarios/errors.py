"""Errors that are the user's to fix: the CLI prints them as one clear line, without a traceback."""


class UserError(Exception):
    """Bad input from a user (scenario file, register, command-line value).

    The message names the field, the value given and what is allowed.
    """
