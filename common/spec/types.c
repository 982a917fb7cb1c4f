// SPDX-License-Identifier: Apache-2.0
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "common/spec/types.h"

static bool is_alnum_lower(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* ^[a-z0-9]+([seps][a-z0-9]+)*$: runs of alphanumerics, single separators. */
static bool runs_separated(const char *s, size_t len, const char *seps)
{
	bool after_sep = true; /* the start counts as one: no leading separator */

	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (is_alnum_lower(s[i])) {
			after_sep = false;
		} else if (s[i] != '\0' && strchr(seps, s[i]) && !after_sep) {
			after_sep = true;
		} else {
			return false;
		}
	}
	return !after_sep;
}

bool spec_is_acidentifier(const char *s, size_t len)
{
	return runs_separated(s, len, "-._~/");
}

bool spec_is_acname(const char *s, size_t len)
{
	return runs_separated(s, len, "-");
}

bool spec_is_env_name(const char *s, size_t len)
{
	if (len == 0 || !(s[0] == '_' || (s[0] >= 'A' && s[0] <= 'Z') ||
			  (s[0] >= 'a' && s[0] <= 'z')))
		return false;
	for (size_t i = 1; i < len; i++) {
		char c = s[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-'))
			return false;
	}
	return true;
}

/* A dot-separated list of non-empty [0-9A-Za-z-] identifiers; numeric ones
 * without leading zeros when numeric_strict. */
static bool semver_idents(const char *s, size_t len, bool numeric_strict)
{
	size_t i = 0;

	if (len == 0)
		return false;
	while (i <= len) {
		size_t start = i;
		bool all_digits = true;

		while (i < len && s[i] != '.') {
			char c = s[i];

			if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
			      (c >= 'a' && c <= 'z') || c == '-'))
				return false;
			if (!(c >= '0' && c <= '9'))
				all_digits = false;
			i++;
		}
		if (i == start)
			return false;
		if (numeric_strict && all_digits && s[start] == '0' && i - start > 1)
			return false;
		i++; /* past the '.' (or the end) */
	}
	return true;
}

/* SemVer 2.0.0, as semver.org's grammar; the major number in *major. */
bool spec_is_semver(const char *s, size_t len, unsigned long long *major)
{
	size_t core = 0, i = 0;
	unsigned long long nums[3] = { 0 };

	while (core < len && s[core] != '-' && s[core] != '+')
		core++;
	for (int part = 0; part < 3; part++) {
		size_t start = i;

		while (i < core && s[i] >= '0' && s[i] <= '9') {
			if (nums[part] > (ULLONG_MAX - 9) / 10)
				return false;
			nums[part] = nums[part] * 10 + (unsigned)(s[i] - '0');
			i++;
		}
		if (i == start || (s[start] == '0' && i - start > 1))
			return false;
		if (part < 2) {
			if (i >= core || s[i] != '.')
				return false;
			i++;
		}
	}
	if (i != core)
		return false;
	if (core < len && s[core] == '-') {
		size_t end = core + 1;

		while (end < len && s[end] != '+')
			end++;
		if (!semver_idents(s + core + 1, end - core - 1, true))
			return false;
		core = end;
	}
	if (core < len && !semver_idents(s + core + 1, len - core - 1, false))
		return false;
	if (major)
		*major = nums[0];
	return true;
}

bool spec_is_quantity(const char *s, size_t len, double *out)
{
	static const struct {
		const char *s;
		double mult;
	} suffixes[] = {
		{ "", 1 },	   { "n", 1e-9 },    { "u", 1e-6 },	 { "m", 1e-3 },
		{ "k", 1e3 },	   { "K", 1e3 },     { "M", 1e6 },	 { "G", 1e9 },
		{ "T", 1e12 },	   { "P", 1e15 },    { "E", 1e18 },	 { "Ki", 0x1p10 },
		{ "Mi", 0x1p20 },  { "Gi", 0x1p30 }, { "Ti", 0x1p40 }, { "Pi", 0x1p50 },
		{ "Ei", 0x1p60 },
	};
	size_t i = 0;
	char num[64];
	double n;

	while (i < len && s[i] >= '0' && s[i] <= '9')
		i++;
	if (i < len && s[i] == '.') {
		i++;
		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	if (i == 0 || (i == 1 && s[0] == '.') || i >= sizeof(num))
		return false;
	/* Only the digits: strtod would take "1e3" whole. */
	memcpy(num, s, i);
	num[i] = '\0';
	n = strtod(num, NULL); /* LC_NUMERIC stays "C" */
	for (size_t k = 0; k < sizeof(suffixes) / sizeof(suffixes[0]); k++) {
		if (len - i == strlen(suffixes[k].s) && memcmp(s + i, suffixes[k].s, len - i) == 0) {
			if (out)
				*out = n * suffixes[k].mult;
			return true;
		}
	}
	if (s[i] == 'e' || s[i] == 'E') {
		size_t j = i + 1, start;

		if (j < len && (s[j] == '+' || s[j] == '-'))
			j++;
		start = j;
		while (j < len && s[j] >= '0' && s[j] <= '9')
			j++;
		if (j == len && j > start && j - start <= 3) {
			long e = strtol(s + i + 1, NULL, 10);

			for (; e > 0; e--)
				n *= 10;
			for (; e < 0; e++)
				n /= 10;
			if (out)
				*out = n;
			return true;
		}
	}
	return false;
}
