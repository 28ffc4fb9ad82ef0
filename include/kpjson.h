/* kpjson.h: building JSON answers with jansson so that running out of
 * memory is an error, never a shorter list or a missing member. */
#ifndef KP_KPJSON_H
#define KP_KPJSON_H

#include <jansson.h>

/* Appends item to the array list, stealing item (as json_array_append_new
 * does). Returns 0, or -1 when item is NULL (a failed json_pack) or the
 * append fails; item is released either way. */
int kp_json_push(json_t *list, json_t *item);

/* A new array of item(ctx, i) for i from 0 to n - 1 (each a new reference,
 * NULL when out of memory). Returns NULL when any item or the array cannot
 * be made, with nothing left behind. */
json_t *kp_json_list(size_t n, json_t *(*item)(const void *ctx, size_t i), const void *ctx);

/* {key: value}, taking value (NULL: fails). A new reference; NULL when
 * out of memory, with value released. */
json_t *kp_json_wrap(const char *key, json_t *value);

#endif
