// Thread-local objects whose destructors allocate and free: 50 threads,
// each with one object whose constructor allocates 1 x new char[77] and
// whose destructor (run by the C++ runtime as the thread exits, after the
// thread's last ordinary code) frees it and allocates and frees
// 3 x malloc(88).  The main thread's object too, at exit.
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "progs.h"

struct holder {
	char *p;
	holder() : p(new char[77]) { touch(p, 77); }
	~holder()
	{
		delete[] p;
		for (int i = 0; i < 3; i++)
			free(touch(malloc(88), 88));
	}
};

static thread_local holder h;

static void *worker(void *)
{
	touch(h.p, 1);
	return nullptr;
}

int main()
{
	pthread_t t[50];

	touch(h.p, 1);
	for (auto &x : t)
		if (pthread_create(&x, nullptr, worker, nullptr) != 0)
			return 1;
	for (auto &x : t)
		pthread_join(x, nullptr);
	say("tls: done");
	return 0;
}
