// SPDX-License-Identifier: Apache-2.0
#include "common/io/source.h"
#include "common/tar/tarwalk.h"

int tarwalk(const char *path, tarwalk_fn fn, void *ctx, struct act_err *err)
{
	struct source *src = source_open(path, err);
	struct tarstream *ts = NULL;
	struct archive_entry *e;
	int r = -1;

	if (!src)
		goto out;
	ts = tarstream_open(src, NULL, err);
	if (!ts)
		goto out;
	while ((r = tarstream_next(ts, &e, err)) > 0)
		if (fn(ctx, ts, e, err) < 0) {
			r = -1;
			break;
		}
out:
	tarstream_free(ts);
	source_free(src);
	return r < 0 ? -1 : 0;
}
