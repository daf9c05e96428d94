# tests/: end-to-end tests and their programs
