/* Placeholder until the dump command lands. */
#include "config.h"

#include "cli_util.h"
#include "commands.h"

int cmd_dump(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	ma_error("the dump command is not built yet");
	return MA_EXIT_INTERNAL;
}
