/* Allocation size histogram: power-of-two buckets. */
#ifndef MA_HISTOGRAM_H
#define MA_HISTOGRAM_H

#include <stdint.h>

/* Bucket i holds sizes in [2^i, 2^(i+1)); size 0 goes to bucket 0. */
static inline unsigned ma_size_bucket(uint64_t size)
{
	return size ? 63u - (unsigned)__builtin_clzll(size) : 0;
}

#endif
