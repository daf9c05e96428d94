# probes: build fragment (included by Makefile.am)
