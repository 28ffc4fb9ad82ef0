/* backoff.h: how long to wait before trying again what keeps failing
 * (the supervisor's fork of a worker): 100 ms, doubled after each failure,
 * at most 5 s, and back to the start once an attempt succeeds. */
#ifndef KP_BACKOFF_H
#define KP_BACKOFF_H

#define BACKOFF_FIRST_MS 100
#define BACKOFF_MAX_MS 5000

/* The wait after a failure, given the wait after the failure before it
 * (0 when the last attempt succeeded; anything under BACKOFF_FIRST_MS
 * counts as 0). Pure. */
long backoff_next(long prev_ms);

#endif
