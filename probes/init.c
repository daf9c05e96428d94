/* Starting the probe: in the constructor, which runs before those of the
 * program and of the libraries loaded after the preload.  Allocations
 * made earlier (by the loader, by libc's own start) are counted as lost
 * and not recorded. */
#include <stdlib.h>

#include "bootstrap.h"
#include "msg.h"
#include "probe.h"
#include "writer.h"

static void start(void)
{
	uint64_t flags;

	probe_config_read();
	flags = probe_env_take_parent() ? MA_PROC_F_EXEC_CHILD : 0;
	if (probe_cfg.off) {
		probe_phase = PROBE_PHASE_OFF;
		return;
	}
	if (!probe_cfg.follow)
		probe_env_unpreload();
	probe_unwind_init();
	if (probe_threads_init() < 0 || probe_output_open(flags, 0) < 0) {
		probe_phase = PROBE_PHASE_OFF;
		return;
	}
	probe_sampler_open();
	probe_fork_install();
	probe_exit_install();
	probe_modules_scan();
	ma_atomic_store_release(&probe_phase, PROBE_PHASE_ON);
	if (probe_writer_start() < 0)
		probe_msg("cannot start the writer thread; rings are written by their threads");
}

__attribute__((constructor)) static void probe_init(void)
{
	int g = probe_guard_enter(PROBE_GUARD_INTERNAL);

	probe_bootstrap();
	start();
	probe_guard_leave(g);
}
