/* devidp.h: the claims the dev identity provider signs for a demo person
 * (dev mode only). */
#ifndef KP_DEVIDP_H
#define KP_DEVIDP_H

#include <time.h>

#include <jansson.h>

#include "config.h"
#include "crypto.h"
#include "kp.h"
#include "token.h"

/*
 * The claims of an ID token for sub (a demo person from dev_idp_dir's
 * users.json, or a benchmark citizen "bench-N") with audience aud, level
 * loa, valid for ttl seconds from now (a negative ttl makes a token that
 * expired -ttl seconds ago). Returns a new object, or NULL with *why set
 * when sub is unknown.
 */
json_t *devidp_claims(const struct kp_config *cfg, struct rng *rng, const char *sub,
                      const char *aud, enum token_loa loa, long long ttl, time_t now,
                      const char **why);

/*
 * The same for a citizen who is not a demo person (one just enrolled): cpr
 * ("DDMMYYSSSS" or "DDMMYY-SSSS", a real date) and name (1 to 200
 * characters, no control characters) go into the token as a broker would
 * put them, with a random sub; aud must be kaptajn-citizen. Whether the
 * number is enrolled is the citizen login's to find. NULL with *why set
 * (never holding the number) when one is not valid.
 */
json_t *devidp_claims_cpr(const struct kp_config *cfg, struct rng *rng, const char *cpr,
                          const char *name, const char *aud, enum token_loa loa, long long ttl,
                          time_t now, const char **why);

#endif
