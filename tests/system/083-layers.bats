#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# The library's layers (docs/design.md): every file of common/ sits in a
# layer's folder, includes point to the same layer or one below it, no
# module reaches itself, and the design notes name every folder. The
# checker, tests/tools/layers.py, is shown to catch each fault in a copy.

load helpers

SRC=$ACT_TESTS_DIR/..
LAYERS="python3 $ACT_TESTS_DIR/tools/layers.py"

# A copy of common/ to break, in the test's own directory.
copy_common() {
	mkdir -p "$BATS_TEST_TMPDIR/tree"
	cp -r "$SRC/common" "$BATS_TEST_TMPDIR/tree/"
	TREE=$BATS_TEST_TMPDIR/tree
}

# run_layers [EXPECTED_RC] DIR: the checker on DIR, its status checked.
run_layers() {
	local expect=0
	[ $# -eq 2 ] && expect=$1 && shift
	echo "\$ layers.py $1"
	run $LAYERS "$1"
	echo "$output"
	[ "$status" -eq "$expect" ] || die "exit status $status, expected $expect"
}

@test "layers: common/ keeps its layers, with no include circle" {
	run_layers "$SRC"
	assert "$output" == "" "the checker's output"
	# Every folder holds code: an empty layer would be a layer in name only.
	local d
	for d in "$SRC"/common/*/; do
		compgen -G "$d*.c" >/dev/null || die "${d#"$SRC"/}: no source file"
	done
}

@test "layers: an include that points up is refused" {
	copy_common
	echo '#include "common/fs/rmtree.h"' >>"$TREE/common/base/bigbuf.c"
	run_layers 1 "$TREE"
	assert "$output" == "common/base/bigbuf.c: includes common/fs/rmtree.h: fs/ is above base/"
}

@test "layers: a circle of includes within a layer is refused" {
	copy_common
	printf '#pragma once\n#include "common/codec/twinb.h"\n' >"$TREE/common/codec/twina.h"
	printf '#pragma once\n#include "common/codec/twina.h"\n' >"$TREE/common/codec/twinb.h"
	run_layers 1 "$TREE"
	assert "$output" == "include circle: common/codec/twina common/codec/twinb"
}

@test "layers: a file outside a layer's folder, or including tools/, is refused" {
	copy_common
	echo 'int loose;' >"$TREE/common/loose.c"
	echo '#include "tools/cmd.h"' >>"$TREE/common/io/sink.c"
	echo '#include "common/nowhere/x.h"' >>"$TREE/common/tar/paxhdr.c"
	run_layers 1 "$TREE"
	assert "${lines[0]}" =~ "^common/loose.c: not in a layer's folder "
	assert "${lines[1]}" == "common/io/sink.c: includes tools/cmd.h: the library never reaches the CLI"
	assert "${lines[2]}" == "common/tar/paxhdr.c: includes common/nowhere/x.h: not a layer's header"
	assert "${#lines[@]}" -eq 3 "lines of output"
}

@test "layers: docs/design.md names every folder of common/, in the checker's order" {
	local d name order
	order=$(python3 -c "import sys; sys.path.insert(0, '$ACT_TESTS_DIR/tools'); import layers; print(' '.join(layers.LAYERS))")
	for d in "$SRC"/common/*/; do
		name=$(basename "$d")
		grep -q "common/$name/" "$SRC/docs/design.md" || die "design.md does not name common/$name/"
		[[ " $order " == *" $name "* ]] || die "common/$name/ is not a layer of layers.py"
	done
	# The diagram lists the layers top down: the reverse of LAYERS.
	local drawn
	drawn=$(sed -n '/^## Layers/,/^###/p' "$SRC/docs/design.md" | grep -oE '^common/[a-z]+/' |
		sed 's|common/||; s|/||' | tac | tr '\n' ' ')
	local present=""
	for name in $order; do
		[ -d "$SRC/common/$name" ] && present+="$name "
	done
	assert "$drawn" == "$present" "layers in design.md's diagram, bottom up"
}
