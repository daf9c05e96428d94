/* memory-analyzer: dispatch to a subcommand, or run the report. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "hugepages.h"

const struct ma_command ma_commands[] = {
	{ "record", cmd_record, "run a program with the probe and write its traces" },
	{ "dump", cmd_dump, "print the records of a trace for humans" },
	{ "check", cmd_check, "gate traces against limits and a baseline (for CI)" },
	{ "baseline", cmd_baseline, "store the measures of traces for a later check" },
	{ "diff", cmd_diff, "compare two traces or baselines, per metric and per site" },
	{ NULL, NULL, NULL },
};

int main(int argc, char **argv)
{
	/* Traces are untrusted input: symbol lookups stay on this machine, in
	 * the debug directories given.  elfutils would otherwise ask the
	 * debuginfod servers named in the environment about every build-id a
	 * trace claims. */
	unsetenv("DEBUGINFOD_URLS");
	ma_hugepages_init(argv);
	if (argc > 1) {
		for (const struct ma_command *c = ma_commands; c->name; c++)
			if (!strcmp(argv[1], c->name))
				return c->run(argc - 1, argv + 1);
	}
	return cmd_report(argc, argv);
}
