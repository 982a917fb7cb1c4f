// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/io/spancopy.h"
#include "tap.h"

#define LEN (20 * 1024 * 1024 + 12345)

static char dir[] = "/tmp/test-spancopy-XXXXXX";
static unsigned char *data;

static char *path_of(const char *name)
{
	static char p[128];

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return p;
}

static int make_input(void)
{
	int fd = open(path_of("in"), O_RDWR | O_CREAT | O_TRUNC, 0600);

	for (size_t i = 0; i < LEN; i++)
		data[i] = (unsigned char)((i * 131 + i / 4099) % 253);
	if (fd < 0 || write(fd, data, LEN) != LEN)
		return -1;
	return fd;
}

static unsigned char *read_back(const char *name, size_t *len)
{
	int fd = open(path_of(name), O_RDONLY);
	struct stat st;
	unsigned char *b;

	if (fd < 0 || fstat(fd, &st) < 0)
		return NULL;
	b = malloc((size_t)st.st_size + 1);
	*len = (size_t)read(fd, b, (size_t)st.st_size);
	close(fd);
	return b;
}

/*
 * Spans handed over in pieces of many sizes, some spans small, with writes
 * of the caller's own in between, as the tar layer and the sink do: the
 * output is the pieces in order, whatever the thread made of them.
 */
static void test_spans(void)
{
	static const size_t steps[] = { 512, 23 * 1024, 1, 3 << 20, 9 << 20 };
	struct act_err err = { 0 };
	struct writeback wb;
	int in = make_input();
	int out = open(path_of("out"), O_WRONLY | O_CREAT | O_TRUNC, 0600);
	struct spancopy *sc;
	unsigned char *want = malloc(3 * (size_t)LEN), *got;
	size_t want_len = 0, got_len = 0;
	uint64_t off = 0;

	writeback_init(&wb, out, false);
	sc = spancopy_new(&wb);
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		uint64_t start = off % (LEN / 2), end = start + LEN / 3, pos = start;

		bool continues = true;

		spancopy_start(sc, in, "in", pos, 1);
		pos++;
		while (pos < end) {
			size_t n = end - pos < steps[i] ? end - pos : steps[i];

			continues = continues && spancopy_continues(sc, in, pos);
			spancopy_extend(sc, n);
			pos += n;
		}
		CHECK(continues);
		CHECK(!spancopy_continues(sc, in, pos + 1));
		CHECK_INT(spancopy_finish(sc, "out", &err), 0);
		CHECK(!spancopy_continues(sc, in, pos));
		memcpy(want + want_len, data + start, end - start);
		want_len += end - start;
		/* The caller's own write: only between spans. */
		CHECK_INT(write(out, "XY", 2), 2);
		writeback_advance(&wb, 2);
		memcpy(want + want_len, "XY", 2);
		want_len += 2;
		off += 7654321;
	}
	CHECK_INT(spancopy_finish(sc, "out", &err), 0); /* none: nothing to do */
	spancopy_free(sc);
	CHECK_INT(wb.pos, want_len);
	close(out);
	got = read_back("out", &got_len);
	CHECK_INT(got_len, want_len);
	CHECK(got && got_len == want_len && memcmp(got, want, want_len) == 0);
	free(got);
	free(want);
	close(in);
}

/* Output to a pipe: copy_file_range refuses, the thread copies through
 * memory; a reader drains the pipe meanwhile. */
struct drain {
	int fd;
	unsigned char *buf;
	size_t len;
};

static void *drain(void *arg)
{
	struct drain *d = arg;
	ssize_t n;

	while ((n = read(d->fd, d->buf + d->len, LEN - d->len + 1)) > 0)
		d->len += (size_t)n;
	return NULL;
}

static void test_pipe(void)
{
	struct act_err err = { 0 };
	struct drain d = { .buf = malloc(LEN + 1) };
	struct writeback wb;
	struct spancopy *sc;
	pthread_t t;
	int in = make_input(), p[2];

	CHECK_INT(pipe(p), 0);
	d.fd = p[0];
	pthread_create(&t, NULL, drain, &d);
	writeback_init(&wb, p[1], false);
	sc = spancopy_new(&wb);
	spancopy_start(sc, in, "in", 1000, 5 << 20);
	spancopy_extend(sc, 3 << 20);
	CHECK_INT(spancopy_finish(sc, "(stdout)", &err), 0);
	spancopy_free(sc);
	close(p[1]);
	pthread_join(t, NULL);
	close(p[0]);
	CHECK_INT(d.len, 8 << 20);
	CHECK(d.len == 8 << 20 && memcmp(d.buf, data + 1000, d.len) == 0);
	CHECK(wb.off); /* sync_file_range refused the pipe */
	free(d.buf);
	close(in);
}

/* Failures are the input's or the output's, named as such, and stay. */
static void test_failures(void)
{
	struct act_err err = { 0 };
	struct writeback wb;
	struct spancopy *sc;
	int in = make_input(), out;

	/* The input ends before the span: it shrank while being read. */
	out = open(path_of("short"), O_WRONLY | O_CREAT | O_TRUNC, 0600);
	writeback_init(&wb, out, true);
	sc = spancopy_new(&wb);
	spancopy_start(sc, in, "in", LEN - 100, 200);
	CHECK_INT(spancopy_finish(sc, "short", &err), -1);
	CHECK_STR(err.msg, "in: the file shrank while being read");
	err = (struct act_err){ 0 };
	CHECK_INT(spancopy_finish(sc, "short", &err), -1);
	CHECK_STR(err.msg, "in: the file shrank while being read");
	spancopy_free(sc);
	close(out);

	/* A full device. */
	out = open("/dev/full", O_WRONLY);
	if (out >= 0) {
		err = (struct act_err){ 0 };
		writeback_init(&wb, out, false);
		sc = spancopy_new(&wb);
		spancopy_start(sc, in, "in", 0, 4 << 20);
		CHECK_INT(spancopy_finish(sc, "full", &err), -1);
		CHECK_INT(err.code, ENOSPC);
		CHECK_STR(err.msg, "full: write error: No space left on device");
		spancopy_free(sc);
		close(out);
	}

	/* An input that cannot be read (a directory). */
	out = open(path_of("dirin"), O_WRONLY | O_CREAT | O_TRUNC, 0600);
	err = (struct act_err){ 0 };
	writeback_init(&wb, out, false);
	sc = spancopy_new(&wb);
	{
		int d = open(dir, O_RDONLY | O_DIRECTORY);

		spancopy_start(sc, d, "thedir", 0, 10);
		CHECK_INT(spancopy_finish(sc, "dirin", &err), -1);
		CHECK_INT(err.code, EISDIR);
		CHECK_STR(err.msg, "thedir: read error: Is a directory");
		close(d);
	}
	spancopy_free(sc);
	close(out);
	close(in);
}

/* Dropped in the middle of a span: the thread stops, nothing hangs or leaks. */
static void test_abandon(void)
{
	struct writeback wb;
	struct spancopy *sc;
	int in = make_input(), out = open(path_of("abandon"), O_WRONLY | O_CREAT | O_TRUNC, 0600);

	writeback_init(&wb, out, false);
	sc = spancopy_new(&wb);
	spancopy_start(sc, in, "in", 0, LEN);
	spancopy_free(sc);
	CHECK(wb.pos <= LEN);
	close(out);
	close(in);
}

int main(void)
{
	static const char *const names[] = { "in", "out", "short", "dirin", "abandon" };

	data = malloc(LEN);
	if (!mkdtemp(dir))
		return 1;
	RUN(test_spans);
	RUN(test_pipe);
	RUN(test_failures);
	RUN(test_abandon);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		unlink(path_of(names[i]));
	rmdir(dir);
	free(data);
	return tap_done();
}
