"""`hyperinfer dev`: every function on one port, with an embedded AWS emulator (moto)."""
