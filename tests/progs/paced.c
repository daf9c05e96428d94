/* One thread, allocations 20 ms apart: block i (100 + i bytes) is
 * allocated, kept for 20 ms and freed, ten times; between them a burst of
 * 1000 small blocks allocated and freed at once.  The probe may stamp a
 * burst's events with a clock reading a few microseconds old
 * (probes/clock.h), but never one from before a pause. */
#include <stdlib.h>
#include <time.h>

#include "progs.h"

static void pause_ms(long ms)
{
	struct timespec ts = { 0, ms * 1000000L };

	while (nanosleep(&ts, &ts) != 0)
		;
}

int main(void)
{
	for (int i = 0; i < 10; i++) {
		void *p = touch(malloc(100 + (size_t)i), 100 + (size_t)i);

		for (int k = 0; k < 1000; k++)
			free(touch(malloc(16), 16));
		pause_ms(20);
		free(p);
	}
	say("paced: done");
	return 0;
}
