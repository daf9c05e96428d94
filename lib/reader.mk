# the trace reader: sources and unit tests
