/* backoff.c: the retry schedule of backoff.h. */
#include "backoff.h"

long backoff_next(long prev_ms)
{
	if (prev_ms < BACKOFF_FIRST_MS)
		return BACKOFF_FIRST_MS;
	/* Compared before doubling, so no value can overflow. */
	if (prev_ms >= BACKOFF_MAX_MS / 2)
		return BACKOFF_MAX_MS;
	return prev_ms * 2;
}
