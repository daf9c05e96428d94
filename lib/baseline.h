/* Baselines: a measure (gate.h) stored as versioned JSON, for a later
 * check to compare against.  docs/baseline-format.md is the reference.
 *
 * Writers write MA_BASELINE_VERSION; readers accept exactly that version
 * and refuse others with a message naming both, since numbers of another
 * version may not mean the same thing.  Unknown members are ignored, so
 * new optional members do not need a new version. */
#ifndef MA_BASELINE_H
#define MA_BASELINE_H

#include <stddef.h>
#include <stdio.h>

#include "gate.h"

#define MA_BASELINE_FORMAT "memory-analyzer-baseline"
#define MA_BASELINE_VERSION 1

enum ma_baseline_err {
	MA_BASELINE_OK = 0,
	MA_BASELINE_IO = 1,       /* missing or unreadable */
	MA_BASELINE_INVALID = 2,  /* not JSON, or not a baseline */
	MA_BASELINE_VERSION_ERR = 3, /* a baseline of another version */
	MA_BASELINE_NOMEM = 4,
};

/* Writes m as a baseline; 0, or -1 when writing failed (errno set). */
int ma_baseline_write(FILE *out, const struct ma_measure *m);

/* Reads the baseline at path into m (initialised; released first on
 * error).  Returns MA_BASELINE_OK, or an error with "baseline 'x' is
 * version 2; this memory-analyzer reads version 1" or similar in err. */
int ma_baseline_read(const char *path, struct ma_measure *m, char *err, size_t errlen);
/* As ma_baseline_read, from text in memory; name is used in messages. */
int ma_baseline_parse(const char *name, const char *text, size_t len,
		      struct ma_measure *m, char *err, size_t errlen);

/* Whether the file at path looks like JSON (its first non-blank byte is
 * '{'), as opposed to a trace: 1, 0, or -1 when it cannot be read. */
int ma_baseline_sniff(const char *path);

#endif
