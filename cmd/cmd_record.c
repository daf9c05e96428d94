/* Placeholder until the record command lands. */
#include "config.h"

#include "cli_util.h"
#include "commands.h"

int cmd_record(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	ma_error("the record command is not built yet");
	return MA_EXIT_INTERNAL;
}
