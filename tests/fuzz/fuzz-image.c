// SPDX-License-Identifier: Apache-2.0
/*
 * The whole rewrite of an arbitrary byte string as an image, wired as
 * `patch-manifest --capability CAP_NET_RAW,CAP_SYS_ADMIN --filecap
 * /bin/ping=cap_net_raw+ep --drop-rootid` wires it (tools/cmd-patch-manifest.c,
 * tools/filecapopts.c, tools/writeopts.c): source_open, a sink in the input's
 * compression, aci_rewrite with a manifest patch and the capedit hooks, a
 * second pass when capedit asks. The manifest is also read as cat-manifest
 * does. A rewrite that succeeds must succeed again on its own output, and
 * converge: the same bytes again, or at the latest after one more rewrite
 * (an entry libarchive had to re-serialise is edited in place the second
 * time, which may spell a header field differently).
 */
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "common/image/aci.h"
#include "common/image/capedit.h"
#include "common/manifest/manifest.h"
#include "common/tar/paxhdr.h"
#include "fuzz.h"

static int in_fd = -1, out_fd[2] = { -1, -1 };

static int memfd(const char *name)
{
	int fd = memfd_create(name, MFD_CLOEXEC);

	FUZZ_CHECK(fd >= 0);
	return fd;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	in_fd = memfd("fuzz-image-in");
	out_fd[0] = memfd("fuzz-image-out");
	out_fd[1] = memfd("fuzz-image-again");
	return 0;
}

static void fd_path(char *buf, int fd)
{
	sprintf(buf, "/proc/self/fd/%d", fd);
}

static void truncate_fd(int fd)
{
	FUZZ_CHECK(ftruncate(fd, 0) == 0 && lseek(fd, 0, SEEK_SET) == 0);
}

static int patch_manifest(void *ctx, const char *text, size_t len, char **out,
			  size_t *out_len, struct act_err *err)
{
	return manifest_patch_apply(text, len, ctx, out, out_len, err);
}

static bool again(void *ctx)
{
	return ((struct capedit *)ctx)->again;
}

static void rewind_edit(void *ctx)
{
	capedit_rewind(ctx);
}

/* tools/writeopts.c's rewrite(): the output follows the input's compression
 * (at the fastest level, for speed). */
static int rewrite(const char *inpath, int fd, struct act_err *err)
{
	struct manifest_patch patch = {
		.caps_kind = MANIFEST_CAPS_RETAIN, .caps = { 13, 21 }, .ncaps = 2,
	};
	struct capedit ce = { .drop_rootid = true };
	struct aci_edit edit = {
		.manifest = patch_manifest, .manifest_ctx = &patch,
		.entry = capedit_entry, .done = capedit_finish,
		.again = again, .rewind = rewind_edit, .ctx = &ce,
	};
	int r = -1;

	FUZZ_CHECK(capedit_add(&ce, "/bin/ping", "cap_net_raw+ep", -1, err) == 0);
	truncate_fd(fd);
	for (int pass = 0;; pass++) {
		struct source *src = source_open(inpath, err);
		struct sink_options so = { .level = 1 };
		struct sink *out = NULL;

		if (!src)
			break;
		so.comp = source_compression(src);
		out = sink_open_fd(fd, "(fuzz output)", &so, err);
		r = out && aci_rewrite(src, out, &edit, err) == 0 && sink_finish(out, err) == 0
			    ? 0
			    : -1;
		sink_free(out);
		source_free(src);
		if (r < 0 || !edit.again(edit.ctx))
			break;
		/* writeopts.c reports a third pass as an internal error. */
		FUZZ_CHECK(pass == 0);
		truncate_fd(fd);
		edit.rewind(edit.ctx);
	}
	capedit_done(&ce);
	return r;
}

static void read_manifest(const char *path)
{
	struct act_err err = { 0 };
	struct source *src = source_open(path, &err);
	char *text = NULL;
	size_t len;

	if (src && aci_read_manifest(src, ACI_MANIFEST_MAX, &text, &len, &err) == 0)
		FUZZ_CHECK(len <= ACI_MANIFEST_MAX);
	free(text);
	source_free(src);
}

static bool same_files(int a, int b)
{
	static unsigned char x[65536], y[65536];
	off_t off = 0;

	for (;;) {
		ssize_t n = pread(a, x, sizeof(x), off), m = pread(b, y, sizeof(y), off);

		FUZZ_CHECK(n >= 0 && m >= 0);
		if (n != m || memcmp(x, y, (size_t)n))
			return false;
		if (n == 0)
			return true;
		off += n;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct act_err err = { 0 };
	char in[64], out[64];

	if (in_fd < 0)
		LLVMFuzzerInitialize(NULL, NULL);
	truncate_fd(in_fd);
	FUZZ_CHECK(pwrite(in_fd, data, size, 0) == (ssize_t)size);
	fd_path(in, in_fd);
	read_manifest(in);
	if (rewrite(in, out_fd[0], &err) < 0) {
		FUZZ_CHECK(err.msg[0]);
		return 0;
	}
	/* Output 1 patched again gives output 2; when they differ (an entry
	 * libarchive re-serialised in pass 1 is edited in place in pass 2),
	 * output 2 must be a fixed point. */
	for (int i = 0; i < 2; i++) {
		fd_path(out, out_fd[i]);
		if (rewrite(out, out_fd[!i], &err) < 0) {
			fprintf(stderr, "rewriting output %d failed: %s\n", i + 1, err.msg);
			FUZZ_CHECK(!"the output of a rewrite rewrites");
		}
		if (same_files(out_fd[0], out_fd[1]))
			return 0;
	}
	FUZZ_CHECK(!"patching its own output twice changes nothing");
	return 0;
}

#ifdef ACT_LIBFUZZER
/*
 * Mutations that get past the checksums: a mutated plain tar has its ustar
 * header checksums fixed, and half the time a gzip image is mutated inside
 * (decompressed, mutated, checksums fixed, compressed again).
 */
#include <libdeflate.h>

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size,
			       unsigned int seed);

static void fix_checksums(uint8_t *data, size_t size)
{
	for (size_t at = 0; at + TAR_BLOCK <= size; at += TAR_BLOCK)
		if (memcmp(data + at + TARHDR_MAGIC, "ustar", 5) == 0)
			tarhdr_set_checksum(data + at);
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size,
			       unsigned int seed)
{
	static uint8_t inner[1 << 20], packed[1 << 20];
	struct libdeflate_decompressor *d;
	struct libdeflate_compressor *c;
	size_t n = 0, out = 0;

	if (size < 2 || data[0] != 0x1f || data[1] != 0x8b || seed % 2) {
		size = LLVMFuzzerMutate(data, size, max_size);
		fix_checksums(data, size);
		return size;
	}
	d = libdeflate_alloc_decompressor();
	if (libdeflate_gzip_decompress(d, data, size, inner, sizeof(inner), &n) ==
	    LIBDEFLATE_SUCCESS) {
		n = LLVMFuzzerMutate(inner, n, sizeof(inner));
		fix_checksums(inner, n);
		c = libdeflate_alloc_compressor(1);
		out = libdeflate_gzip_compress(c, inner, n, packed,
					       max_size < sizeof(packed) ? max_size : sizeof(packed));
		libdeflate_free_compressor(c);
	}
	libdeflate_free_decompressor(d);
	if (!out)
		return LLVMFuzzerMutate(data, size, max_size);
	memcpy(data, packed, out);
	return out;
}
#endif
