/* Linked statically: no dynamic loader, so nothing can be preloaded. */
#include "progs.h"

int main(void)
{
	say("static_hello: hello");
	return 3;
}
