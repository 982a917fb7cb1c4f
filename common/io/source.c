// SPDX-License-Identifier: Apache-2.0
#include <archive.h>
#include <errno.h>
#include <fcntl.h>
#include <libdeflate.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/codec/gzdec.h"
#include "common/base/interrupt.h"
#include "common/base/macro.h"
#include "common/codec/bzdec.h"
#include "common/codec/memberstore.h"
#include "common/io/readahead.h"
#include "common/io/source.h"
#include "common/codec/xzdec.h"

#define SNIFF_LEN 512
#define RAW_BUF (128 * 1024)

struct source {
	char *path;
	struct timespec opened;	/* source_opened */
	/* source_tee: every byte source_read hands out goes to it too. */
	void (*tee)(void *ctx, const void *buf, size_t len);
	void *tee_ctx;
	int fd;
	bool own_fd;
	off_t base; /* the file offset of the stream's first byte */
	off_t end;  /* a range's end in the file, or -1: the file's end */
	struct stat st;
	enum act_compression comp;
	/* The first bytes, read to sniff the format, are handed out again. */
	unsigned char sniff[SNIFF_LEN];
	size_t sniff_len, sniff_pos;
	uint64_t raw_read;
	bool seekable;
	/* gzip: ISA-L; xz: liblzma, block by block; fed from raw_buf[dec_off, dec_len). */
	struct gzdec *gz;
	struct xzdec *xz;
	struct bzdec *bz; /* bzip2: its blocks decoded on threads of its own */
	size_t dec_off, dec_len;
	bool raw_eof;
	struct memberstore *members; /* kept for reuse, when asked */
	/* gzip and xz from a regular file decode on a thread, ahead; the gzip
	 * member observer then runs on the reader's thread (readahead.h). */
	struct readahead *ra;
	bool ra_tried;
	gzdec_member_fn gz_fn;
	void *gz_ctx;
	/* Other codecs: libarchive's "raw" format over one forced filter. */
	struct archive *ar;
	unsigned char *raw_buf;
	const unsigned char *pend;
	size_t pend_len;
	bool eof;
	/* The raw input it was handed, in two buffers used in turn so that the
	 * bytes around where decompression stopped can be looked at. */
	unsigned char *blk[2];
	uint64_t blk_off[2], blk_len[2], fed;
	int cur;
	/* gzip through libarchive, which checks no trailer: CRC and length of
	 * what came out. */
	uint32_t crc;
	uint64_t out_len;
};

static ssize_t read_full(int fd, void *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, (char *)buf + got, len - got);

		if (n < 0) {
			if (errno == EINTR && !interrupt_signal)
				continue;
			return -1;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

/* Bytes from the file, the sniffed prefix first. */
static ssize_t raw_read(struct source *src, void *buf, size_t len)
{
	ssize_t n;

	if (src->sniff_pos < src->sniff_len) {
		size_t k = src->sniff_len - src->sniff_pos;

		if (k > len)
			k = len;
		memcpy(buf, src->sniff + src->sniff_pos, k);
		src->sniff_pos += k;
		return (ssize_t)k;
	}
	if (src->end >= 0) {
		/* What was read so far, sniffed bytes included, is in the file
		 * from base on. */
		uint64_t left = (uint64_t)(src->end - src->base) -
				__atomic_load_n(&src->raw_read, __ATOMIC_RELAXED);

		if (len > left)
			len = (size_t)left;
		if (!len)
			return 0;
	}
	do
		n = read(src->fd, buf, len);
	while (n < 0 && errno == EINTR && !interrupt_signal);
	/* Atomic: the decoding thread counts, the reader reports progress. */
	if (n > 0)
		__atomic_fetch_add(&src->raw_read, (uint64_t)n, __ATOMIC_RELAXED);
	return n;
}

static ssize_t bz_raw_read(void *ctx, void *buf, size_t len)
{
	return raw_read(ctx, buf, len);
}

static la_ssize_t ar_read_cb(struct archive *a, void *ctx, const void **buf)
{
	struct source *src = ctx;
	int i = src->cur ^ 1;
	ssize_t n = raw_read(src, src->blk[i], RAW_BUF);

	if (n < 0) {
		archive_set_error(a, errno, "read error: %s", strerror(errno));
		return -1;
	}
	/* libarchive may still point into the buffer it was given last time. */
	if (n > 0) {
		src->cur = i;
		src->blk_off[i] = src->fed;
		src->blk_len[i] = (uint64_t)n;
		src->fed += (uint64_t)n;
	}
	*buf = src->blk[i];
	return n;
}

/* Copy len raw input bytes at offset off, if both buffers still hold them. */
static bool fed_bytes(const struct source *src, uint64_t off, unsigned char *out, size_t len)
{
	for (size_t k = 0; k < len; k++) {
		int i;

		for (i = 0; i < 2; i++)
			if (off + k >= src->blk_off[i] && off + k < src->blk_off[i] + src->blk_len[i])
				break;
		if (i == 2)
			return false;
		out[k] = src->blk[i][off + k - src->blk_off[i]];
	}
	return true;
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/*
 * The end of a stream decompressed by libarchive. Its readers stop at the end
 * of the last member or stream and ignore whatever follows (bzip2: garbage, or
 * a plain tar appended to the file, silently), and its gzip reader checks no
 * trailer. So: only zeros may follow the stream, and the gzip trailer's CRC
 * and length must match what came out. libarchive does not say where gzip
 * members begin; when the last trailer's length is not the whole output, the
 * stream has several members (as acitool writes them) and is not checked
 * further: ISA-L, the default gzip path, checks every member.
 */
static int ar_end(struct source *src, struct act_err *err)
{
	uint64_t end = (uint64_t)archive_filter_bytes(src->ar, -1), at;
	unsigned char b[8], *rest;
	ssize_t n;

	if (src->comp == ACT_COMP_GZIP) {
		if (end < 8 || !fed_bytes(src, end - 8, b, 8))
			return act_err_set(err, EIO, "%s: corrupt gzip stream: no trailer", src->path);
		if (le32(b + 4) == (uint32_t)src->out_len && le32(b) != src->crc)
			return act_err_set(err, EIO,
					   "%s: corrupt gzip stream: CRC mismatch in the gzip trailer",
					   src->path);
	}
	for (at = end; at < src->fed; at++) {
		if (!fed_bytes(src, at, b, 1) || b[0] != 0)
			goto trailing;
	}
	rest = xmalloc(RAW_BUF);
	while ((n = raw_read(src, rest, RAW_BUF)) > 0) {
		for (ssize_t k = 0; k < n; k++) {
			if (rest[k] != 0) {
				at += (uint64_t)k;
				free(rest);
				goto trailing;
			}
		}
		at += (uint64_t)n;
	}
	free(rest);
	if (n < 0)
		return act_err_set(err, errno, "%s: read error: %s", src->path, strerror(errno));
	return 0;
trailing:
	return act_err_set(err, EINVAL, "%s: data after the %s stream at offset %llu",
			   src->path, compression_name(src->comp), (unsigned long long)at);
}

static bool tar_checksum_ok(const unsigned char *h)
{
	unsigned long sum = 0, want = 0;
	int i, digits = 0;

	for (i = 0; i < 512; i++)
		sum += (i >= 148 && i < 156) ? ' ' : h[i];
	for (i = 148; i < 156 && (h[i] == ' ' || h[i] == 0); i++)
		;
	for (; i < 156 && h[i] >= '0' && h[i] <= '7'; i++, digits++)
		want = want * 8 + (unsigned long)(h[i] - '0');
	return digits > 0 && sum == want;
}

/* A name for what the input is when it is not something we read. */
static const char *sniff_other(const unsigned char *b, size_t n)
{
	static const struct {
		const char *magic;
		size_t len;
		const char *what;
	} m[] = {
		{ "PK\003\004", 4, "a zip archive" },
		{ "\x28\xb5\x2f\xfd", 4, "zstd-compressed data" },
		{ "070701", 6, "a cpio archive" },
		{ "070702", 6, "a cpio archive" },
		{ "070707", 6, "a cpio archive" },
		{ "\x04\x22\x4d\x18", 4, "lz4-compressed data" },
		{ "\x5d\x00\x00", 3, "lzma-compressed data" },
		{ "\x89PNG", 4, "a PNG image" },
		{ "-----BEGIN PGP", 14, "a PGP armoured file" },
		{ "\x7f" "ELF", 4, "an ELF binary" },
	};

	if (n == 0)
		return "an empty file";
	for (size_t i = 0; i < ARRAY_SIZE(m); i++)
		if (n >= m[i].len && memcmp(b, m[i].magic, m[i].len) == 0)
			return m[i].what;
	if (n >= 2 && b[0] == 0xc7 && b[1] == 0x71)
		return "a cpio archive";
	for (size_t i = 0; i < n; i++)
		if (b[i] < 0x09 || (b[i] > 0x0d && b[i] < 0x20))
			return "not a tar archive";
	return "a text file, not a tar archive";
}

/* The codec of the bytes, or -1 when they are none we read. */
static int sniff_codec(const unsigned char *b, size_t n)
{
	if (n >= 2 && b[0] == 0x1f && b[1] == 0x8b)
		return ACT_COMP_GZIP;
	if (n >= 3 && memcmp(b, "BZh", 3) == 0)
		return ACT_COMP_BZIP2;
	if (n >= 6 && memcmp(b, "\xfd" "7zXZ\0", 6) == 0)
		return ACT_COMP_XZ;
	if (n == SNIFF_LEN && (memcmp(b + 257, "ustar", 5) == 0 || tar_checksum_ok(b)))
		return ACT_COMP_NONE;
	return -1;
}

static int sniff(struct source *src, bool zstd, struct act_err *err)
{
	int c = sniff_codec(src->sniff, src->sniff_len);

	if (c < 0 && zstd && src->sniff_len >= 4 && memcmp(src->sniff, "\x28\xb5\x2f\xfd", 4) == 0)
		c = ACT_COMP_ZSTD;

	if (c < 0)
		return act_err_set(err, EINVAL, "%s: unsupported image format: %s",
				   src->path, sniff_other(src->sniff, src->sniff_len));
	src->comp = (enum act_compression)c;
	return 0;
}

enum source_kind source_guess(const unsigned char *b, size_t n)
{
	if (sniff_codec(b, n) >= 0)
		return SOURCE_KIND_IMAGE;
	/* Other archives and codecs (zip, zstd, lz4, ...) show control bytes
	 * within their first 512 bytes; JSON text does not. */
	for (size_t i = 0; i < n; i++)
		if (b[i] < 0x09 || (b[i] > 0x0d && b[i] < 0x20))
			return SOURCE_KIND_OTHER;
	return SOURCE_KIND_TEXT;
}

static int open_filter(struct source *src, struct act_err *err)
{
	int filter = src->comp == ACT_COMP_GZIP	   ? ARCHIVE_FILTER_GZIP
		     : src->comp == ACT_COMP_BZIP2 ? ARCHIVE_FILTER_BZIP2
		     : src->comp == ACT_COMP_ZSTD  ? ARCHIVE_FILTER_ZSTD
						   : ARCHIVE_FILTER_XZ;
	struct archive_entry *e;

	src->blk[0] = xmalloc(RAW_BUF);
	src->blk[1] = xmalloc(RAW_BUF);
	src->cur = 1;
	src->ar = archive_read_new();
	/* Forced, not bid: the magic was already checked, and a bidder would
	 * happily accept formats we refuse. */
	if (archive_read_support_format_raw(src->ar) != ARCHIVE_OK ||
	    archive_read_append_filter(src->ar, filter) != ARCHIVE_OK ||
	    archive_read_open(src->ar, src, NULL, ar_read_cb, NULL) != ARCHIVE_OK ||
	    archive_read_next_header(src->ar, &e) != ARCHIVE_OK)
		return act_err_set(err, EIO, "%s: cannot decompress %s: %s", src->path,
				   compression_name(src->comp),
				   archive_error_string(src->ar));
	return 0;
}

/* ACITOOL_CODEC=libarchive selects libarchive's codecs everywhere: the tests
 * run both paths, and it is a way out should a fast codec misbehave. */
bool codec_fallback(void)
{
	const char *c = getenv("ACITOOL_CODEC");

	return c && streq(c, "libarchive");
}

static struct source *open_source(const char *path, bool zstd, int64_t off, int64_t len,
				  struct act_err *err)
{
	struct source *src = xcalloc(1, sizeof(*src));
	ssize_t n;

	src->end = -1;
	src->path = xstrdup(streq(path, "-") ? "(stdin)" : path);
	if (streq(path, "-")) {
		src->fd = STDIN_FILENO;
	} else {
		src->fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
		if (src->fd < 0) {
			act_err_set(err, errno, "%s: %s", path, strerror(errno));
			goto fail;
		}
		src->own_fd = true;
	}
	/* Before the fstat: a time no later than the status it reads. */
	clock_gettime(CLOCK_REALTIME, &src->opened);
	if (fstat(src->fd, &src->st) < 0) {
		act_err_set(err, errno, "%s: %s", src->path, strerror(errno));
		goto fail;
	}
	if (S_ISDIR(src->st.st_mode)) {
		act_err_set(err, EISDIR, "%s: is a directory, not an image", src->path);
		goto fail;
	}
	/* A file given as stdin may be read from the middle: offsets in the
	 * stream are then not offsets in the file. */
	if (off >= 0 && (!S_ISREG(src->st.st_mode) || off + len > src->st.st_size ||
			 lseek(src->fd, off, SEEK_SET) < 0)) {
		act_err_set(err, EINVAL, "%s: no bytes %lld to %lld in it", src->path,
			    (long long)off, (long long)(off + len));
		goto fail;
	}
	src->base = S_ISREG(src->st.st_mode) ? lseek(src->fd, 0, SEEK_CUR) : -1;
	src->seekable = src->base >= 0;
	if (off >= 0)
		src->end = off + len;
	n = read_full(src->fd, src->sniff, off >= 0 && len < SNIFF_LEN ? (size_t)len : SNIFF_LEN);
	if (n < 0) {
		act_err_set(err, errno, "%s: %s", src->path, strerror(errno));
		goto fail;
	}
	src->sniff_len = (size_t)n;
	src->raw_read = (uint64_t)n;
	if (sniff(src, zstd, err) < 0)
		goto fail;
	if (src->comp == ACT_COMP_GZIP && !codec_fallback()) {
		src->gz = gzdec_new();
		src->raw_buf = xmalloc(RAW_BUF);
	} else if (src->comp == ACT_COMP_XZ && !codec_fallback()) {
		src->xz = xzdec_new();
		src->raw_buf = xmalloc(RAW_BUF);
	} else if (src->comp == ACT_COMP_BZIP2 && !codec_fallback()) {
		src->bz = bzdec_new(bz_raw_read, src, 0);
	} else if (src->comp != ACT_COMP_NONE && open_filter(src, err) < 0) {
		goto fail;
	}
	return src;
fail:
	source_free(src);
	return NULL;
}

struct source *source_open(const char *path, struct act_err *err)
{
	return open_source(path, false, -1, 0, err);
}

struct source *source_open_layer(const char *path, int64_t off, int64_t len,
				 struct act_err *err)
{
	return open_source(path, true, off, len, err);
}

void source_free(struct source *src)
{
	if (!src)
		return;
	readahead_free(src->ra);
	if (src->ar)
		archive_read_free(src->ar);
	gzdec_free(src->gz);
	xzdec_free(src->xz);
	bzdec_free(src->bz);
	memberstore_free(src->members);
	if (src->own_fd)
		close(src->fd);
	free(src->raw_buf);
	free(src->blk[0]);
	free(src->blk[1]);
	free(src->path);
	free(src);
}

/* gzip and xz through acitool's own decoders. */
static ssize_t dec_read(struct source *src, void *buf, size_t len, struct act_err *err)
{
	const char *name = compression_name(src->comp);

	for (;;) {
		const unsigned char *p = src->raw_buf + src->dec_off;
		size_t avail = src->dec_len - src->dec_off;
		ssize_t n = src->gz ? gzdec_run(src->gz, &p, &avail, buf, len, err)
				    : xzdec_run(src->xz, &p, &avail, buf, len, err);

		if (n < 0)
			return act_err_wrap(err, "%s: corrupt %s stream", src->path, name);
		src->dec_off = (size_t)(p - src->raw_buf);
		if (n > 0)
			return n;
		if (src->raw_eof) {
			if (avail > 0)
				return act_err_set(err, EINVAL,
						   "%s: corrupt %s stream: data after its end",
						   src->path, name);
			if ((src->gz ? gzdec_end(src->gz, err) : xzdec_end(src->xz, err)) < 0)
				return act_err_wrap(err, "%s", src->path);
			return 0;
		}
		/* Keep what the decoder left (a partial member header), read more. */
		memmove(src->raw_buf, p, avail);
		src->dec_off = 0;
		src->dec_len = avail;
		n = raw_read(src, src->raw_buf + avail, RAW_BUF - avail);
		if (n < 0)
			return act_err_set(err, errno, "%s: read error: %s", src->path,
					   strerror(errno));
		if (n == 0)
			src->raw_eof = true;
		if (src->members)
			memberstore_add_bytes(src->members, src->raw_buf + avail, (size_t)n);
		src->dec_len += (size_t)n;
	}
}

static ssize_t ra_fill(void *ctx, void *buf, size_t len, struct act_err *err)
{
	return dec_read(ctx, buf, len, err);
}

static void ra_deliver(void *ctx, const struct readahead_event *ev)
{
	struct source *src = ctx;

	src->gz_fn(src->gz_ctx, ev->v[0], ev->v[1], ev->v[2], ev->v[3]);
}

/* On the decoding thread: the member's report waits for its bytes. */
static void gz_member_ahead(void *ctx, uint64_t c_start, uint64_t c_end, uint64_t u_start,
			    uint64_t u_end)
{
	struct source *src = ctx;
	struct readahead_event ev = { { c_start, c_end, u_start, u_end } };

	readahead_event(src->ra, &ev);
}

/* Not from a pipe (a read there may block for ever, with nobody to take a
 * signal), nor while members are kept: their store is the reader's. */
static void start_readahead(struct source *src)
{
	src->ra_tried = true;
	if (!src->seekable || src->members)
		return;
	src->ra = readahead_new(ra_fill, ra_deliver, src);
	if (src->gz_fn)
		gzdec_observe(src->gz, gz_member_ahead, src);
	readahead_start(src->ra);
}

static ssize_t read_stream(struct source *src, void *buf, size_t len, struct act_err *err);

ssize_t source_read(struct source *src, void *buf, size_t len, struct act_err *err)
{
	ssize_t n = read_stream(src, buf, len, err);

	if (n > 0 && src->tee)
		src->tee(src->tee_ctx, buf, (size_t)n);
	return n;
}

struct timespec source_opened(const struct source *src)
{
	return src->opened;
}

void source_tee(struct source *src, void (*fn)(void *ctx, const void *buf, size_t len),
		void *ctx)
{
	src->tee = fn;
	src->tee_ctx = ctx;
}

static ssize_t read_stream(struct source *src, void *buf, size_t len, struct act_err *err)
{
	if (src->comp == ACT_COMP_NONE) {
		ssize_t n = raw_read(src, buf, len);

		if (n < 0)
			return act_err_set(err, errno, "%s: read error: %s", src->path,
					   strerror(errno));
		return n;
	}
	if (src->bz) {
		ssize_t n = bzdec_read(src->bz, buf, len, err);

		if (n < 0)
			return act_err_wrap(err, "%s", src->path);
		return n;
	}
	if ((src->gz || src->xz) && !src->ra_tried)
		start_readahead(src);
	if (src->ra)
		return readahead_read(src->ra, buf, len, err);
	if (src->gz || src->xz)
		return dec_read(src, buf, len, err);
	while (src->pend_len == 0 && !src->eof) {
		const void *p;
		size_t sz;
		la_int64_t off;
		int r = archive_read_data_block(src->ar, &p, &sz, &off);

		if (r == ARCHIVE_EOF) {
			src->eof = true;
			if (ar_end(src, err) < 0)
				return -1;
		} else if (r != ARCHIVE_OK) {
			return act_err_set(err, EIO, "%s: corrupt %s stream: %s", src->path,
					   compression_name(src->comp),
					   archive_error_string(src->ar));
		} else {
			src->pend = p;
			src->pend_len = sz;
			if (src->comp == ACT_COMP_GZIP)
				src->crc = libdeflate_crc32(src->crc, p, sz);
			src->out_len += sz;
		}
	}
	if (src->pend_len == 0)
		return 0;
	if (len > src->pend_len)
		len = src->pend_len;
	memcpy(buf, src->pend, len);
	src->pend += len;
	src->pend_len -= len;
	return (ssize_t)len;
}

bool source_can_skip(const struct source *src)
{
	return src->comp == ACT_COMP_NONE && src->seekable && !src->tee;
}

int64_t source_skip(struct source *src, int64_t n)
{
	off_t cur, end;

	if (!source_can_skip(src) || src->sniff_pos < src->sniff_len)
		return 0;
	cur = lseek(src->fd, 0, SEEK_CUR);
	if (cur < 0)
		return 0;
	/* Never seek past the end: the tar layer must still see a truncation. */
	end = src->end >= 0 ? src->end : src->st.st_size;
	if (n > end - cur)
		n = end - cur;
	n &= ~(int64_t)511;
	if (n <= 0 || lseek(src->fd, cur + n, SEEK_SET) < 0)
		return 0;
	src->raw_read += (uint64_t)n;
	return n;
}

int source_fd(const struct source *src)
{
	return src->fd;
}

int source_check_unchanged(const struct source *src, struct act_err *err)
{
	struct stat st;

	if (!src->seekable)
		return 0;
	if (fstat(src->fd, &st) < 0)
		return act_err_set(err, errno, "%s: %s", src->path, strerror(errno));
	if (st.st_size != src->st.st_size || st.st_mtim.tv_sec != src->st.st_mtim.tv_sec ||
	    st.st_mtim.tv_nsec != src->st.st_mtim.tv_nsec ||
	    st.st_ctim.tv_sec != src->st.st_ctim.tv_sec ||
	    st.st_ctim.tv_nsec != src->st.st_ctim.tv_nsec)
		return act_err_set(err, EAGAIN, "%s: the file changed while it was read", src->path);
	return 0;
}

int64_t source_file_offset(const struct source *src, int64_t off)
{
	return (int64_t)src->base + off;
}

static void on_member(void *ctx, uint64_t c_start, uint64_t c_end, uint64_t u_start,
		      uint64_t u_end)
{
	memberstore_member(ctx, c_start, c_end, u_start, u_end, 0);
}

static void on_block(void *ctx, uint64_t c_start, uint64_t c_end, uint64_t u_start,
		     uint64_t u_end, uint64_t unpadded)
{
	memberstore_member(ctx, c_start, c_end, u_start, u_end, unpadded);
}

struct memberstore *source_keep_members(struct source *src, size_t max_member,
					 uint64_t max_span)
{
	if ((!src->gz && !src->xz) || source_bytes_read(src) > src->sniff_len)
		return NULL;
	if (!src->members) {
		/* A regular file holds the compressed bytes: read them again
		 * when copying, rather than keep them in memory meanwhile. */
		src->members = memberstore_new(max_member, max_span, !src->seekable);
		if (src->gz)
			gzdec_observe(src->gz, on_member, src->members);
		else
			xzdec_observe(src->xz, on_block, src->members);
	}
	return src->members;
}

bool source_observe_gzip(struct source *src, gzdec_member_fn fn, void *ctx)
{
	if (!src->gz || !src->seekable || src->members || source_bytes_read(src) > src->sniff_len)
		return false;
	src->gz_fn = fn;
	src->gz_ctx = ctx;
	gzdec_observe(src->gz, fn, ctx);
	return true;
}

bool source_observe_bzip2(struct source *src, void (*fn)(void *ctx, const struct bzblock *b),
			  void *ctx)
{
	if (!src->bz || !src->seekable)
		return false;
	bzdec_observe(src->bz, fn, ctx);
	return true;
}

enum act_compression source_compression(const struct source *src)
{
	return src->comp;
}

const char *source_path(const struct source *src)
{
	return src->path;
}

const struct stat *source_stat(const struct source *src)
{
	return &src->st;
}

uint64_t source_bytes_read(const struct source *src)
{
	return __atomic_load_n(&src->raw_read, __ATOMIC_RELAXED);
}
