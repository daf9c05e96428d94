# examples/: the demo workload
