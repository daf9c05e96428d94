#include "config.h"

#include "symbols_ahead.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "frames.h"

enum { RUNNING, DONE, ABANDONED };

struct ma_symbols_ahead {
	struct ma_symbols *s;
	size_t fed;
	pthread_t thread;
	atomic_int state;
	atomic_int stop;
};

/* One loading thread at a time, whatever the number of traces. */
static atomic_int busy;

int ma_symbols_feed(struct ma_symbols *s, const struct ma_module *mods,
		    const struct ma_modev *log, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++) {
		const struct ma_modev *e = &log[i];
		const struct ma_module *m = &mods[e->mod];
		if (e->gone)
			ma_symbols_module_gone(s, e->id, e->ts);
		else if (ma_symbols_add_module(s, m->id, m->bias, m->lo, m->hi, m->path,
					       m->build_id, m->build_id_len, e->ts) < 0)
			return -1;
	}
	return 0;
}

static void *run(void *arg)
{
	struct ma_symbols_ahead *p = arg;
	int expect = RUNNING;

	ma_symbols_load_all(p->s, &p->stop);
	atomic_store(&busy, 0);
	if (!atomic_compare_exchange_strong(&p->state, &expect, DONE)) {
		/* abandoned: nobody will take it */
		ma_symbols_free(p->s);
		free(p);
	}
	return NULL;
}

static int cpus(void)
{
	cpu_set_t set;

	return sched_getaffinity(0, sizeof(set), &set) == 0 ? CPU_COUNT(&set) : 1;
}

struct ma_symbols_ahead *ma_symbols_ahead_start(const struct ma_symbols_opts *opts,
						const struct ma_module *mods,
						const struct ma_modev *log, size_t n)
{
	struct ma_symbols_ahead *p;
	int idle = 0;

	if (cpus() < 2 || !atomic_compare_exchange_strong(&busy, &idle, 1))
		return NULL;
	if (!(p = calloc(1, sizeof(*p))))
		goto fail;
	atomic_init(&p->state, RUNNING);
	atomic_init(&p->stop, 0);
	p->fed = n;
	if (!(p->s = ma_symbols_new(opts)) || ma_symbols_feed(p->s, mods, log, 0, n) < 0 ||
	    pthread_create(&p->thread, NULL, run, p) != 0) {
		ma_symbols_free(p->s);
		free(p);
		goto fail;
	}
	return p;
fail:
	atomic_store(&busy, 0);
	return NULL;
}

int ma_symbols_ahead_ready(struct ma_symbols_ahead *p)
{
	return atomic_load(&p->state) == DONE;
}

struct ma_symbols *ma_symbols_ahead_take(struct ma_symbols_ahead *p, size_t *fed)
{
	int expect = RUNNING;
	struct ma_symbols *s;
	pthread_t thread;

	if (!p)
		return NULL;
	thread = p->thread;   /* once abandoned, p is the thread's to free */
	atomic_store(&p->stop, 1);
	if (atomic_compare_exchange_strong(&p->state, &expect, ABANDONED)) {
		pthread_detach(thread);
		return NULL;
	}
	pthread_join(p->thread, NULL);
	s = p->s;
	*fed = p->fed;
	free(p);
	return s;
}
