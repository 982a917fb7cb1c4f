# SPDX-License-Identifier: Apache-2.0
# A thin wrapper over CMake for the README's commands. Each target installs
# the Debian packages it is missing first (as root, or through sudo).

BUILD_DEPS := build-essential cmake pkg-config libarchive-dev libyajl-dev libcap-dev libattr1-dev \
	libisal-dev libdeflate-dev zlib1g-dev libssl-dev liblzma-dev libbz2-dev libcurl4-openssl-dev libseccomp-dev scdoc
# Independent readers the tests check acitool's output with; Go and appc's
# spec sources let the compatibility tests build and run appc's actool.
TEST_DEPS := bats libarchive-tools attr libcap2-bin tar gzip bzip2 xz-utils python3 \
	util-linux valgrind golang-go golang-github-appc-spec-dev man-db groff-base zsh strace \
	pigz zopfli libdeflate-tools lbzip2 pbzip2 busybox-static runc umoci skopeo buildah podman \
	docker.io
JOBS := $(shell nproc 2>/dev/null || echo 2)

.PHONY: all deps test-deps build check check-sanitize check-valgrind check-valgrind-all demo install clean

all: build

define apt_install
	@missing=$$(for p in $(1); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; \
	done); \
	if [ -n "$$missing" ]; then \
		echo "Installing:" $$missing; \
		sudo=; [ "$$(id -u)" = 0 ] || sudo=sudo; \
		$$sudo apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends $$missing; \
	fi
endef

deps:
	$(call apt_install,$(BUILD_DEPS))

test-deps: deps
	$(call apt_install,$(TEST_DEPS))

build: deps
	cmake --preset dev >/dev/null
	cmake --build build/dev -j$(JOBS)

check: test-deps build
	ctest --test-dir build/dev --output-on-failure -j$(JOBS)

# The whole suite again under AddressSanitizer and UndefinedBehaviorSanitizer.
check-sanitize: test-deps
	cmake --preset sanitize >/dev/null
	cmake --build build/sanitize -j$(JOBS)
	ctest --test-dir build/sanitize --output-on-failure -j$(JOBS)

# Every unit test and fuzz-regress input, and the system tests labelled
# memcheck (tests/CMakeLists.txt), with every program under valgrind's
# memcheck: any memory error or leak fails it (tests/valgrind,
# docs/testing.md). check-valgrind-all runs the whole suite so, some four
# times as long. Their own RelWithDebInfo build: valgrind cannot run a
# sanitizer build.
check-valgrind: VALGRIND_LABELS := -L '^(unit|fuzz-regress|memcheck)$$'
check-valgrind check-valgrind-all: test-deps
	cmake --preset valgrind >/dev/null
	cmake --build build/valgrind -j$(JOBS)
	ctest --test-dir build/valgrind --output-on-failure -j$(JOBS) $(VALGRIND_LABELS)

# Every libFuzzer target for FUZZ_SECONDS each, one after the other, in
# build/fuzz (clang, ASan and UBSan); see docs/fuzzing.md. Not part of check;
# .ci/run runs it for 30 s a target.
FUZZ_SECONDS ?= 60
FUZZ_DEPS := clang libclang-rt-14-dev
.PHONY: fuzz
fuzz: deps
	$(call apt_install,$(FUZZ_DEPS))
	cmake -S . -B build/fuzz -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo \
		-DACT_FUZZ=ON -DBUILD_TESTING=OFF >/dev/null
	cmake --build build/fuzz -j$(JOBS)
	tests/fuzz/run build/fuzz $(FUZZ_SECONDS)

# A Debian package from debian/, built in a copy of the source tree (tracked
# and untracked files, not ignored ones) under DEB_DIR so the tree stays
# clean, then checked: lintian with no error or warning, and
# tests/system/140-debian.bats on the package's fields and contents.
# deb-build only builds, installing nothing. No fakeroot: the package says
# Rules-Requires-Root: no.
DEB_DEPS := debhelper dpkg-dev lintian
DEB_DIR := build/deb
.PHONY: deb deb-build
deb: test-deps
	$(call apt_install,$(DEB_DEPS))
	$(MAKE) --no-print-directory deb-build
	lintian --fail-on error,warning --info --pedantic $(DEB_DIR)/acitool_*.changes
	ACT_DEB_DIR='$(abspath $(DEB_DIR))' bats tests/system/140-debian.bats

deb-build:
	rm -rf '$(DEB_DIR)' && mkdir -p '$(DEB_DIR)/acitool'
	if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then \
		git ls-files -z --cached --others --exclude-standard; \
	else \
		find . -path ./build -prune -o -path ./.git -prune -o ! -type d -print0; \
	fi | tar --null --no-recursion --ignore-failed-read -T - -cf - | \
		tar -xf - -C '$(DEB_DIR)/acitool'
	cd '$(DEB_DIR)/acitool' && dpkg-buildpackage -us -uc -b

demo: build
	@ACITOOL=build/dev/tools/acitool sh docs/demo.sh

install: deps
	cmake --preset release >/dev/null
	cmake --build build/release -j$(JOBS)
	DESTDIR='$(DESTDIR)' cmake --install build/release $(if $(PREFIX),--prefix '$(PREFIX)')

clean:
	rm -rf build
