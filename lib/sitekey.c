#include "config.h"

#include "sitekey.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

const char *ma_path_base(const char *path)
{
	const char *slash;

	if (!path)
		return "";
	slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

void ma_sitekey_of(const struct ma_stack *s, struct ma_sitekey *k)
{
	const struct ma_frame *f = s->nframes ? &s->frames[0] : NULL;

	k->line = 0;
	k->file = k->module = "";
	k->function = "?";
	if (!f)
		return;
	k->file = ma_path_base(f->file);
	k->module = ma_path_base(f->module);
	k->line = f->line;
	if (f->function) {
		k->function = f->function;
		return;
	}
	snprintf(k->buf, sizeof(k->buf), "?+0x%" PRIx64, f->offset);
	k->function = k->buf;
}
