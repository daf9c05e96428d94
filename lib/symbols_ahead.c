#include "config.h"

#include "symbols_ahead.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "frames.h"

struct ma_symbols_ahead {
	struct ma_symbols *s;
	size_t fed;             /* events registered in s */
	size_t nmods;           /* modules registered in s */
	pthread_t thread;
	pthread_mutex_t mu;     /* guards what follows */
	pthread_cond_t cv;
	unsigned char *state;   /* by module: 0, 1 wanted, 2 loaded */
	size_t *queue;          /* modules wanted, in order */
	size_t nqueue, next;    /* queued, taken by the thread */
	int stop;
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

/* Loads the modules wanted, in the order they were wanted, until told to
 * stop; the one it is loading when told is finished first. */
static void *run(void *arg)
{
	struct ma_symbols_ahead *p = arg;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		size_t k;
		if (p->stop)
			break;
		if (p->next == p->nqueue) {
			pthread_cond_wait(&p->cv, &p->mu);
			continue;
		}
		k = p->queue[p->next++];
		pthread_mutex_unlock(&p->mu);
		ma_symbols_load(p->s, k);
		pthread_mutex_lock(&p->mu);
		p->state[k] = 2;
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

static int cpus(void)
{
	cpu_set_t set;

	return sched_getaffinity(0, sizeof(set), &set) == 0 ? CPU_COUNT(&set) : 1;
}

static void ahead_free(struct ma_symbols_ahead *p)
{
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->mu);
	free(p->state);
	free(p->queue);
	free(p);
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
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	p->fed = n;
	for (size_t i = 0; i < n; i++)
		p->nmods += !log[i].gone;
	if (!(p->state = calloc(p->nmods + 1, 1)) ||
	    !(p->queue = malloc((p->nmods + 1) * sizeof(*p->queue))) ||
	    !(p->s = ma_symbols_new(opts)) || ma_symbols_feed(p->s, mods, log, 0, n) < 0 ||
	    pthread_create(&p->thread, NULL, run, p) != 0) {
		ma_symbols_free(p->s);
		ahead_free(p);
		goto fail;
	}
	return p;
fail:
	atomic_store(&busy, 0);
	return NULL;
}

int ma_symbols_ahead_want(struct ma_symbols_ahead *p, size_t mod)
{
	if (!p || mod >= p->nmods)
		return 0;
	pthread_mutex_lock(&p->mu);
	if (!p->state[mod]) {
		p->state[mod] = 1;
		p->queue[p->nqueue++] = mod;
		pthread_cond_signal(&p->cv);
	}
	pthread_mutex_unlock(&p->mu);
	return 1;
}

int ma_symbols_ahead_loaded(struct ma_symbols_ahead *p, size_t mod)
{
	int loaded;

	pthread_mutex_lock(&p->mu);
	loaded = mod < p->nmods && p->state[mod] == 2;
	pthread_mutex_unlock(&p->mu);
	return loaded;
}

struct ma_symbols *ma_symbols_ahead_take(struct ma_symbols_ahead *p, size_t *fed)
{
	struct ma_symbols *s;

	if (!p)
		return NULL;
	pthread_mutex_lock(&p->mu);
	p->stop = 1;
	pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&p->mu);
	pthread_join(p->thread, NULL);
	atomic_store(&busy, 0);
	s = p->s;
	*fed = p->fed;
	ahead_free(p);
	return s;
}
