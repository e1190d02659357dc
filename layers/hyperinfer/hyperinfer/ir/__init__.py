"""The canonical model every format and provider converts to and from. Imports nothing of ours."""
