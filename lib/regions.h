/* Mapped regions (mmap, munmap, mremap), as a sorted array of disjoint
 * ranges.  munmap may cut a hole in a mapping or span several, so this is
 * a range structure rather than a hash by address.  Programs hold few
 * mappings, and this grows with them, not with the calls made. */
#ifndef MA_REGIONS_H
#define MA_REGIONS_H

#include <stddef.h>
#include <stdint.h>

struct ma_region {
	uint64_t addr, len;
	uint64_t stack;
};

struct ma_regions {
	struct ma_region *v;
	size_t n, alloc;
	uint64_t bytes;          /* sum of len */
};

void ma_regions_init(struct ma_regions *r);
void ma_regions_release(struct ma_regions *r);
void ma_regions_clear(struct ma_regions *r);
/* Removes [addr, addr+len) from every region it overlaps. */
void ma_regions_unmap(struct ma_regions *r, uint64_t addr, uint64_t len);
/* Adds a region, replacing whatever it overlaps.  0, or -1 out of memory. */
int ma_regions_map(struct ma_regions *r, uint64_t addr, uint64_t len, uint64_t stack);

#endif
