/* Placeholder until the report command lands. */
#include "config.h"

#include "cli_util.h"
#include "commands.h"

int cmd_report(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	ma_error("the report command is not built yet");
	return MA_EXIT_INTERNAL;
}
