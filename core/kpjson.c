/* kpjson.c: JSON building helpers (kpjson.h). */
#include "kpjson.h"

int kp_json_push(json_t *list, json_t *item)
{
	if (item == NULL)
		return -1;
	/* json_array_append_new releases item when it fails. */
	return json_array_append_new(list, item) == 0 ? 0 : -1;
}

json_t *kp_json_list(size_t n, json_t *(*item)(const void *ctx, size_t i), const void *ctx)
{
	json_t *list = json_array();
	size_t i;

	for (i = 0; list != NULL && i < n; i++)
		if (kp_json_push(list, item(ctx, i)) != 0) {
			json_decref(list);
			list = NULL;
		}
	return list;
}

json_t *kp_json_wrap(const char *key, json_t *value)
{
	/* json_pack takes value, on failure too. */
	return json_pack("{s:o}", key, value);
}
