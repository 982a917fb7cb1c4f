// SPDX-License-Identifier: Apache-2.0
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "tools/progress.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void progress_init(struct progress *p, int mode, uint64_t total)
{
	bool tty = isatty(STDERR_FILENO);

	*p = (struct progress){ .on = mode < 0 ? tty : mode > 0,
				.forced = mode > 0,
				.tty = tty,
				.total = total };
	p->start = p->last = now();
}

static void show(struct progress *p, double t)
{
	double rate = t > p->start ? (double)p->bytes / (t - p->start) : 0;
	char line[160];
	int n;

	n = snprintf(line, sizeof(line), "%s%7.1f MiB", p->tty ? "\r" : "",
		     (double)p->bytes / 1048576.0);
	if (p->total) {
		n += snprintf(line + n, sizeof(line) - (size_t)n, " of %.1f MiB (%3.0f%%)",
			      (double)p->total / 1048576.0,
			      100.0 * (double)p->bytes / (double)p->total);
	}
	n += snprintf(line + n, sizeof(line) - (size_t)n, ", %llu entries, %.1f MiB/s",
		      (unsigned long long)p->entries, rate / 1048576.0);
	if (p->total && rate > 0 && p->bytes < p->total)
		n += snprintf(line + n, sizeof(line) - (size_t)n, ", %.0f s left",
			      (double)(p->total - p->bytes) / rate);
	snprintf(line + n, sizeof(line) - (size_t)n, "%s", p->tty ? "\033[K" : "\n");
	fputs(line, stderr);
	p->shown = true;
}

void progress_update(void *ctx, uint64_t entries, uint64_t in_bytes)
{
	struct progress *p = ctx;
	double t;

	p->entries = entries;
	p->bytes = in_bytes;
	if (!p->on)
		return;
	/* Five updates a second at most, one line every 5 s in a log; nothing
	 * for runs under half a second unless asked for. */
	t = now();
	if (t - p->last < (p->tty ? 0.2 : 5.0) || (t - p->start < 0.5 && !p->forced))
		return;
	p->last = t;
	show(p, t);
}

void progress_done(struct progress *p, bool ok)
{
	if (p->forced && ok) {
		/* All of the input was read, past the last entry's start. */
		if (p->total)
			p->bytes = p->total;
		show(p, now());
		if (p->tty)
			fputc('\n', stderr);
	} else if (p->shown && p->tty) {
		fputs("\r\033[K", stderr);
	}
	p->shown = false;
}
