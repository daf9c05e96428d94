/* The subcommands of memory-analyzer, one file each (cmd/cmd_<name>.c).
 * Each takes the arguments after its name (argv[0] is the name) and
 * returns an exit code from cli_util.h. */
#ifndef MA_COMMANDS_H
#define MA_COMMANDS_H

/* The default command, run when the first argument names no subcommand:
 * analyse traces and print a report. */
int cmd_report(int argc, char **argv);
int cmd_record(int argc, char **argv);
int cmd_dump(int argc, char **argv);
/* Gates for CI (docs/ci.md): check, baseline, diff. */
int cmd_check(int argc, char **argv);
int cmd_baseline(int argc, char **argv);
int cmd_diff(int argc, char **argv);

struct ma_command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;   /* one line for the command list in --help */
};

/* All subcommands, NULL-terminated; main.c owns the table. */
extern const struct ma_command ma_commands[];

#endif
